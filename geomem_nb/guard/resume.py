"""What a checkpoint must agree on before ``resume`` continues it: the run's identity (every setting that
changes the result, and the graph's hash), checked setting by setting."""
from __future__ import annotations

import hashlib

import numpy as np

# Settings that change neither the trained weights nor the reported numbers' meaning: a resumed run
# may differ in these (e.g. a longer time budget, or compile on a faster machine).
RUNTIME_ONLY = ("time_budget", "eval_budget", "eval_every", "compile", "cuda_graphs", "attention",
                "checkpoint_dir", "checkpoint_every", "preset")

def graph_hash(graph) -> str:
    """A short hash of a graph's arms and split: two runs agree on it iff they train on one graph."""
    h = hashlib.sha256()
    for a in (graph.arms, graph.train_arms, graph.test_arms):
        a = np.ascontiguousarray(a, dtype=np.int64)
        h.update(str(a.shape).encode())
        h.update(a.tobytes())
    return h.hexdigest()[:16]


def run_identity(cfg, graph=None) -> dict:
    """What a checkpoint must agree on to be resumed: every setting that changes the result (seed,
    graph, model shape, lr, schedule, batch, ...) in the config's order, and the graph's hash."""
    ident = {k: v for k, v in cfg.record().items() if k not in RUNTIME_ONLY}
    if graph is not None:
        ident["graph_sha256"] = graph_hash(graph)
    return ident


def check_same_run(saved: dict | None, current: dict, where) -> None:
    """Refuse to resume a checkpoint of another run, naming the first setting that differs."""
    if saved is None:
        raise ValueError(f"--resume: {where} records no run settings (an older checkpoint), so it cannot be "
                         "matched to this run; start again without --resume")
    for key in list(current) + [k for k in saved if k not in current]:
        a, b = saved.get(key, "(not set)"), current.get(key, "(not set)")
        if a != b:
            raise ValueError(f"--resume: {where} is a checkpoint of a different run: {key} is {a!r} there and "
                             f"{b!r} here; resume with the same settings, or start a new run without --resume")
