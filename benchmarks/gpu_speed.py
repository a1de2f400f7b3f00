"""GPU training speed on G(5000,5) at the paper's model size (12 layers, width 384, 8 heads, 5 pauses).

Measures steps/s, real tokens/s and model FLOP utilization (bf16 dense peak) of
  * the baseline: the lean loop with edge examples padded to path length (data on the device,
    logits only at targets, bf16, fused AdamW),
  * the same loop with edges packed (this project's default), eager, with the fused attention kernel
    (sdpa: the block-diagonal mask costs the fused kernels more than the arithmetic on 11-token rows);
  * bucketed: edges and paths in rows of their own lengths, plainly causal, no mask, eager;
  * compiled and replayed as CUDA graphs: packed with attention written out (math), packed with sdpa,
    bucketed with sdpa. Math + CUDA graphs is measured but never picked: its loss went NaN in a long
    run (results/extra/in-weights-g5000-5-math-graphs-nan);
  * the fastest picked loop at a large batch (16384; lr by the square-root rule, see
    geomem_nb.train.scaled_lr),
and, given a finished ``reproduce in-weights-g5000-5`` run, time to 99% held-out exact match:
measured for the packed loop, and for the baseline as the same number of steps at its measured
step time (packing changes only the layout of a batch, not its examples or loss).
All in one process on one GPU; prints the ratios.

    python benchmarks/gpu_speed.py [--out results/benchmarks/gpu_speed.json]
"""
from __future__ import annotations

import argparse
import sys
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent))
from common import step_speed  # noqa: E402

from geomem_nb import presets  # noqa: E402
from geomem_nb.reproduce import plan  # noqa: E402
from geomem_nb.results import RESULTS, provenance, read_json, write_json  # noqa: E402
from geomem_nb.runtime import device, device_name  # noqa: E402
from geomem_nb.train import scaled_lr  # noqa: E402


def main():
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("--steps", type=int, default=100)
    ap.add_argument("--warm", type=int, default=20, help="untimed steps first (compilation, autotuning)")
    ap.add_argument("--no-compile", action="store_true")
    ap.add_argument("--preset", default="paper", help="paper on a GPU; ci to check the script on a CPU")
    ap.add_argument("--out", default=str(RESULTS / "benchmarks" / "gpu_speed.json"))
    ap.add_argument("--time-to-99-only", action="store_true",
                    help="only (re)compute time_to_99 in --out from the shipped G(5000,5) run; no GPU needed")
    args = ap.parse_args()
    if args.time_to_99_only:
        summary = read_json(args.out)
        add_time_to_99(summary)
        write_json(summary, args.out)
        return
    t0 = time.perf_counter()
    dev = device()
    base = presets.config("in-weights", args.preset)
    if args.preset == "paper":
        base = plan("in-weights-g5000-5", "paper")[0]
    variants = {"padded (baseline)": dict(pack=False), "packed": dict(pack=True), "buckets": dict(buckets=True)}
    if dev.type == "cuda" and not args.no_compile:
        graphs = dict(compile=True, cuda_graphs=True)
        variants["packed, math + CUDA graphs"] = dict(pack=True, attention="math", **graphs)
        variants["packed, sdpa + CUDA graphs"] = dict(pack=True, **graphs)
        variants["buckets, sdpa + CUDA graphs"] = dict(buckets=True, **graphs)
    rows = {}
    for name, kw in variants.items():
        try:
            rows[name] = step_speed(base, dev, steps=args.steps, warm=args.warm, **kw)
        except Exception as err:  # report, keep the other numbers
            rows[name] = {"error": repr(err)[:300]}
        print(name, rows[name], flush=True)
    ok = {k: r for k, r in rows.items()
          if "error" not in r and k != "padded (baseline)" and not (r["attention"] == "math" and r["cuda_graphs"])}
    best = max(ok, key=lambda k: ok[k]["steps_per_s"])
    big = 8 * base.batch_size
    big_cfg = presets.config("in-weights", args.preset, **{**vars_of(base), "lr": scaled_lr(base.lr, base.batch_size, big)})
    try:
        rows[f"{best}, batch {big}"] = step_speed(big_cfg, dev, steps=max(args.steps // 4, 10), warm=args.warm,
                                                  batch_size=big, **variants[best])
    except Exception as err:
        rows[f"{best}, batch {big}"] = {"error": repr(err)[:300]}

    ref = rows["padded (baseline)"]
    print(f"{'loop':28s} {'steps/s':>8s} {'tokens/s':>10s} {'TFLOP/s':>8s} {'MFU':>6s} {'x steps/s':>9s}")
    for name, r in rows.items():
        if "error" in r:
            print(f"{name:28s} failed: {r['error']}")
            continue
        mfu = f"{r['mfu']:.1%}" if r["mfu"] is not None else "n/a"
        print(f"{name:28s} {r['steps_per_s']:8.1f} {r['real_tokens_per_s']:10.3g} {r['model_tflops_per_s']:8.1f} "
              f"{mfu:>6s} {r['steps_per_s'] / ref['steps_per_s']:9.2f}")
    summary = {"rows": rows, "config": vars_of(base),
               "best": {"name": best, **{k: ok[best][k] for k in ("attention", "compile", "cuda_graphs", "buckets")}}}
    print("fastest at batch", base.batch_size, "->", best, flush=True)
    if args.preset == "paper":
        add_time_to_99(summary)
    summary["provenance"] = provenance(device_name(dev), time.perf_counter() - t0,
                                       "python benchmarks/gpu_speed.py " + " ".join(sys.argv[1:]))
    write_json(summary, args.out)


def add_time_to_99(summary: dict) -> None:
    """Time to 99% held-out exact match of the shipped ``reproduce in-weights-g5000-5`` run, beside the
    baseline's estimate: the same number of steps at the baseline's measured step time."""
    run = RESULTS / "in-weights-g5000-5" / "metrics.json"
    if not run.exists():
        return
    m = read_json(run)
    hit = next((h for h in m["history"] if (h.get("test_exact_match") or 0) >= 0.99), None)
    if hit is None:
        return
    ref = summary["rows"]["padded (baseline)"]
    packed_s, baseline_s = hit["train_seconds"], hit["step"] / ref["steps_per_s"]
    c = m["config"]
    summary["time_to_99"] = {"steps": hit["step"], "seconds": packed_s, "baseline_seconds_estimated": baseline_s,
                             "ratio": baseline_s / packed_s, "run_device": m["provenance"]["device"],
                             "run_loop": {k: c.get(k) for k in ("attention", "compile", "cuda_graphs", "pack", "buckets")}}
    print(f"time to 99% held-out exact match: {packed_s:.1f} s vs {baseline_s:.1f} s baseline "
          f"(estimated from {hit['step']} steps) -> x{baseline_s / packed_s:.2f}")


def vars_of(cfg) -> dict:
    keep = ("degree", "path_length", "layers", "width", "heads", "pause_tokens", "batch_size", "lr")
    return {k: getattr(cfg, k) for k in keep}


if __name__ == "__main__":
    main()
