"""Node2Vec training speed on a tiny graph: the vectorized full-batch loop against the obvious
per-node loop (each node's loss from its own logits, autograd, a Python loop over nodes), in one
process on the same CPU. Both run the same updates (tests/test_node2vec.py checks they agree).

The per-node loop is timed on ``--baseline-steps`` steps and scaled to ``--steps``; the fast loop
runs all ``--steps`` (dimension 100, lr 0.01, as the authors). Prints seconds and the ratio; the
target is at most 2 s for 10,000 steps on two CPU cores.

    python benchmarks/node2vec_speed.py [--graph star] [--steps 10000] [--out results/benchmarks/node2vec_speed.json]
"""
from __future__ import annotations

import argparse
import time

import torch

from geomem_nb.graphs import tiny_graph
from geomem_nb.models.node2vec import Node2Vec
from geomem_nb.train_node2vec import gradient_descent, gradient_descent_loop, targets_matrix
from geomem_nb.results import provenance, write_json
from geomem_nb.runtime import device_name


def main(argv=None) -> dict:
    p = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    p.add_argument("--graph", default="star")
    p.add_argument("--steps", type=int, default=10000)
    p.add_argument("--baseline-steps", type=int, default=200)
    p.add_argument("--dim", type=int, default=100)
    p.add_argument("--out")
    args = p.parse_args(argv)
    if args.steps < 1 or args.baseline_steps < 1:
        p.error("--steps and --baseline-steps must be >= 1")
    g = tiny_graph(args.graph)
    edges = g.edges()
    t0 = time.perf_counter()
    fast = Node2Vec(g.num_nodes, args.dim, seed=7)
    targets = targets_matrix(g.num_nodes, edges)
    start = time.perf_counter()
    gradient_descent(fast, targets, args.steps, lr=0.01)
    fast_s = time.perf_counter() - start
    slow = Node2Vec(g.num_nodes, args.dim, seed=7)
    start = time.perf_counter()
    gradient_descent_loop(slow, edges, args.baseline_steps, lr=0.01)
    slow_s = (time.perf_counter() - start) * args.steps / args.baseline_steps
    result = {"graph": g.name, "num_nodes": g.num_nodes, "dim": args.dim, "steps": args.steps,
              "fast_seconds": round(fast_s, 3), "per_node_loop_seconds_scaled": round(slow_s, 2),
              "per_node_loop_steps_timed": args.baseline_steps, "speedup": round(slow_s / fast_s, 1),
              "cpu_threads": torch.get_num_threads(), "target_seconds": 2.0}
    dev = device_name(torch.device("cpu"))
    print(f"{g.name}, dim {args.dim}, {args.steps} steps on {dev}: vectorized {fast_s:.2f} s, per-node loop "
          f"{slow_s:.1f} s (scaled from {args.baseline_steps} steps): {slow_s / fast_s:.0f}x faster")
    if args.out:
        write_json({**result, "provenance": provenance(dev, time.perf_counter() - t0,
                                                       "python benchmarks/node2vec_speed.py " + " ".join(argv or []))},
                   args.out)
    return result


if __name__ == "__main__":
    import sys

    main(sys.argv[1:])
