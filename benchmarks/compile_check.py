"""Do the compiled training loops compute what the eager one does? Trains the same model from the same
seed for a few hundred steps with each loop on the G(5000,5) paper config and prints the loss every
50 steps, so a loop that diverges (or goes non-finite) shows itself before a long run uses it.

    python benchmarks/compile_check.py [--steps 200] [--out results/benchmarks/compile_check.json]
"""
from __future__ import annotations

import argparse
import math
import sys
import time
from dataclasses import replace
from pathlib import Path

import torch

sys.path.insert(0, str(Path(__file__).resolve().parent))
from common import setup  # noqa: E402

from geomem_nb.models import GPT  # noqa: E402
from geomem_nb.reproduce import plan  # noqa: E402
from geomem_nb.results import RESULTS, provenance, write_json  # noqa: E402
from geomem_nb.runtime import device, device_name  # noqa: E402
from geomem_nb.train import TrainConfig, train  # noqa: E402

LOOPS = {"eager, sdpa": dict(attention="sdpa"),
         "compile + CUDA graphs, sdpa": dict(attention="sdpa", compile=True, cuda_graphs=True),
         "compile + CUDA graphs, math": dict(attention="math", compile=True, cuda_graphs=True),
         "compile, math": dict(attention="math", compile=True)}


def main():
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("--steps", type=int, default=200)
    ap.add_argument("--preset", default="paper", help="paper on a GPU; ci to check the script on a CPU")
    ap.add_argument("--out", default=str(RESULTS / "benchmarks" / "compile_check.json"))
    args = ap.parse_args()
    t0 = time.perf_counter()
    dev = device()
    base = plan("in-weights-g5000-5", args.preset)[0]
    rows = {}
    for name, kw in LOOPS.items():
        task, mcfg = setup(replace(base, attention=kw["attention"]))
        torch.manual_seed(0)
        model = GPT(mcfg).to(dev)
        tc = TrainConfig(steps=args.steps, batch_size=base.batch_size, lr=base.lr, warmup=base.warmup,
                         eval_every=args.steps, compile=kw.get("compile", False),
                         cuda_graphs=kw.get("cuda_graphs", False))
        try:
            r = train(model, task.training_examples(), tc, pad_id=task.token("[PAD]"), desc=name)
            rows[name] = {"loss_every_50": r.losses[::50] + r.losses[-1:],
                          "finite": all(math.isfinite(x) for x in r.losses),
                          "params_finite": all(bool(p.isfinite().all()) for p in model.parameters())}
        except Exception as err:  # report and go on to the next loop
            rows[name] = {"error": repr(err)[:300]}
        print(name, rows[name], flush=True)
    write_json({"rows": rows, "steps": args.steps,
                "provenance": provenance(device_name(dev), time.perf_counter() - t0,
                                         "python benchmarks/compile_check.py " + " ".join(sys.argv[1:]))}, args.out)


if __name__ == "__main__":
    main()
