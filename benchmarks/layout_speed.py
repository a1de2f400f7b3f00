"""Training steps/s of the three batch layouts, for the GPT and for Mamba, in one process.

  * padded (the baseline): every example padded to the longest row;
  * packed: short edge examples share rows under a block-diagonal mask (the GPT's default; a model
    that cannot pack, Mamba, gets buckets instead, so it is not measured twice);
  * bucketed: each example set in rows of its own length, no mask.

All three score the same number of examples per step, so steps/s compares like with like.

    python benchmarks/layout_speed.py [--preset cpu] [--steps 30] [--out results/benchmarks/layout_speed.json]
"""
from __future__ import annotations

import argparse
import sys
import time
from dataclasses import replace
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent))
from common import step_speed  # noqa: E402

from geomem_nb import presets  # noqa: E402
from geomem_nb.results import RESULTS, provenance, write_json  # noqa: E402
from geomem_nb.runtime import device, device_name  # noqa: E402

LAYOUTS = {"padded": dict(pack=False), "packed": dict(pack=True), "bucketed": dict(buckets=True)}


def main():
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("--preset", default="cpu")
    ap.add_argument("--steps", type=int, default=30)
    ap.add_argument("--warm", type=int, default=5)
    ap.add_argument("--out", default=str(RESULTS / "benchmarks" / "layout_speed.json"))
    args = ap.parse_args()
    t0, dev = time.perf_counter(), device()
    rows = []
    for model in ("gpt", "mamba"):
        cfg = replace(presets.config("in-weights", args.preset), model=model)
        for name, kw in LAYOUTS.items():
            if model == "mamba" and name == "packed":
                continue
            r = step_speed(cfg, dev, steps=args.steps, warm=args.warm, **kw)
            rows.append({"model": model, "layout": name, **{k: r[k] for k in
                         ("steps_per_s", "row_tokens_per_step", "real_tokens_per_step")}})
    print(f"{'model':6s} {'layout':9s} {'steps/s':>8s} {'row tokens':>10s} {'x padded':>8s}")
    for r in rows:
        ref = next(x for x in rows if x["model"] == r["model"] and x["layout"] == "padded")
        r["ratio_to_padded"] = r["steps_per_s"] / ref["steps_per_s"]
        print(f"{r['model']:6s} {r['layout']:9s} {r['steps_per_s']:8.2f} {r['row_tokens_per_step']:10d} "
              f"{r['ratio_to_padded']:8.2f}")
    c = presets.config("in-weights", args.preset)
    write_json({"rows": rows, "graph": f"G({c.degree},{c.path_length})", "preset": args.preset,
                "provenance": provenance(device_name(dev), time.perf_counter() - t0,
                                         "python benchmarks/layout_speed.py " + " ".join(sys.argv[1:]))},
               args.out)


if __name__ == "__main__":
    main()
