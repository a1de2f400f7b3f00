"""CPU training speed at the ci and cpu presets: the packed loop (edge examples share rows) against the
same loop with edge examples padded to path length, run in the same process.

Reports steps/s and the training seconds until the exact match of the validation arms (a seeded 20% of
the held-out arms) first reaches 90% (evaluation time excluded; both loops see the same examples in
the same order, so they need the same steps).

    python benchmarks/train_speed.py [--scales ci cpu] [--out results/benchmarks/train_speed.json]
"""
from __future__ import annotations

import argparse
import sys
import time
from dataclasses import replace

from geomem_nb import experiments, presets
from geomem_nb.results import RESULTS, provenance, write_json
from geomem_nb.runtime import device, device_name

TARGET = 0.90


def main():
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("--scales", nargs="+", default=["ci", "cpu"])
    ap.add_argument("--out", default=str(RESULTS / "benchmarks" / "train_speed.json"))
    args = ap.parse_args()
    t0 = time.perf_counter()
    rows = []
    for scale in args.scales:
        # run past the preset's steps if needed, until 90% (the cosine schedule keeps its length)
        cfg = replace(presets.config("in-weights", scale), target=TARGET)
        for pack in (False, True):
            r = experiments.in_weights(replace(cfg, pack=pack), desc=f"{scale} {'packed' if pack else 'padded'}")
            m = r.metrics
            rows.append({"scale": scale, "pack": pack, "steps": m["steps"],
                         "steps_per_s": m["steps"] / m["train_seconds"], "train_seconds": m["train_seconds"],
                         "time_to_90": m["time_to_target"], "final_test_exact_match": m["test_exact_match"]})
    print(f"{'scale':6s} {'loop':8s} {'steps/s':>8s} {'s to 90%':>9s}")
    for r in rows:
        t90 = f"{r['time_to_90']:.1f}" if r["time_to_90"] is not None else "never"
        print(f"{r['scale']:6s} {'packed' if r['pack'] else 'padded':8s} {r['steps_per_s']:8.2f} {t90:>9s}")
    for scale in args.scales:
        padded, packed = [r for r in rows if r["scale"] == scale]
        ratio = packed["steps_per_s"] / padded["steps_per_s"]
        t = (padded["time_to_90"] / packed["time_to_90"]) if padded["time_to_90"] and packed["time_to_90"] else None
        print(f"{scale}: packed/padded steps/s x{ratio:.2f}" + (f", time to 90% x{t:.2f} faster" if t else ""))
    write_json({"rows": rows, "provenance": provenance(device_name(device()), time.perf_counter() - t0,
                                                       "python benchmarks/train_speed.py " + " ".join(sys.argv[1:]))},
               args.out)


if __name__ == "__main__":
    main()
