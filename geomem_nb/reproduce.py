"""The paper's headline experiments as named, reproducible runs (written to ``runs/<name>``; the
shipped ones are under ``results/``).

At the ``paper`` preset each follows Table 1 where it matters (GPT-mid: 12 layers, width 384 (784 for
G(10^4,10)), 8 heads; 5 / 6 / 10 pause tokens); the smaller presets shrink the graph and model so
the same command can be checked on a CPU. The in-context runs (chapter 01) follow GM's App. B: GPT-mid
(width 784 for G(20,5)), peak lr 1e-4; N = 50 labels for G(2,5) as in Bachmann & Nagarajan, N = 100
for the larger graphs (41 and 81 nodes per graph)."""
from __future__ import annotations

from dataclasses import replace
from pathlib import Path

from . import presets
from .experiments import InContextConfig, in_context, in_weights
from .checks import check_int
from .results import REPO, RESULTS

RUNS = REPO / "runs"  # where ``reproduce`` writes by default
from .train import scaled_lr
from .checks import check_choice

# compile + CUDA graphs: the fastest loop measured on an H200 (benchmarks/gpu_speed.py); both are
# ignored off CUDA, so the same command still runs on a CPU. At ~100 compiled steps/s a fixed
# evaluation interval cost 9% of training time: evaluations are held to 4% (eval_budget).
# A ``target`` stops a run once its validation arms (a seeded 20% of the held-out arms) reach it; every
# reported held-out number comes from the other held-out arms (experiments.validation_split). Runs
# saved before that rule stopped on the held-out arms they report: ``selection.selection`` says which.
_BIG = dict(layers=12, width=384, heads=8, batch_size=2048, lr=1e-3, warmup=300, eval_every=100, compile=True,
            cuda_graphs=True, eval_budget=0.04)
EXPERIMENTS = {
    "in-weights-g5000-5": dict(_BIG, degree=5000, path_length=5, pause_tokens=5, steps=6000,
                               target=0.99, time_budget=120.0),
    "in-weights-g10000-6": dict(_BIG, degree=10000, path_length=6, pause_tokens=6, steps=8000,
                                target=0.99, time_budget=300.0),
    "in-weights-g10000-10": dict(_BIG, degree=10000, path_length=10, pause_tokens=10, width=784,
                                 lr=5e-4, steps=8000, target=0.95, time_budget=540.0),
}
_IC = dict(kind="in-context", path_length=5, layers=12, width=384, heads=8, batch_size=256, lr=1e-4,
           warmup=500, steps=20000, eval_every=250, eval_budget=0.04, time_budget=300.0)
for _d, _n, _w in ((2, 50, 384), (10, 100, 384), (20, 100, 784)):
    for _obj in ("forward", "reverse"):
        EXPERIMENTS[f"in-context-g{_d}-5-{_obj}"] = dict(_IC, degree=_d, num_labels=_n, width=_w, objective=_obj)
# Off the GPU, the same experiments on a graph and model small enough for a CPU check: no time limit
# and every evaluation kept, so the run and its history are deterministic.
_CHECK = dict(time_budget=0.0, eval_budget=0.0)
# (The ci check's 60 steps take a 10-step warm-up: the experiments' 300 / 500 would never end.)
_SHRINK = {"ci": dict(_CHECK, degree=200, layers=2, width=64, heads=4, batch_size=256, steps=60, eval_every=30,
                      warmup=10),
           "cpu": dict(_CHECK, degree=1000, layers=2, width=128, heads=4, batch_size=512, steps=1500,
                       eval_every=100, lr=2e-3, warmup=100)}
_SHRINK_IC = {"ci": dict(_CHECK, layers=2, width=64, heads=2, batch_size=64, steps=60, eval_every=30,
                         eval_examples=200, warmup=10),
              "cpu": dict(_CHECK, layers=2, width=64, heads=2, batch_size=128, lr=3e-3, warmup=50, steps=1200,
                          eval_every=100)}


def plan(name: str, preset: str, out=None, **overrides):
    """The experiment's config at ``preset`` with ``overrides`` (None = keep). A new ``batch_size``
    without an ``lr`` scales the experiment's peak lr by the square-root rule (``train.scaled_lr``)."""
    check_choice("experiment", name, sorted(EXPERIMENTS))
    settings = dict(EXPERIMENTS[name])
    kind = settings.pop("kind", "in-weights")
    settings.update((_SHRINK_IC if kind == "in-context" else _SHRINK).get(preset, {}))
    cfg = replace(presets.config(kind, preset), **settings)
    if kind == "in-context" and overrides.get("buckets"):
        raise ValueError("buckets applies to the in-weights experiments only")
    overrides = {k: v for k, v in overrides.items() if v is not None}
    if "batch_size" in overrides and "lr" not in overrides:
        check_int("batch_size", overrides["batch_size"], 1)
        overrides["lr"] = scaled_lr(cfg.lr, cfg.batch_size, overrides["batch_size"])
    cfg = replace(cfg, **overrides).validate()
    if out is not None and not str(out).strip():  # Path("") would be the current folder
        raise ValueError("--out must name a folder, got an empty string")
    if out is None:  # never results/: shipping a run there is an explicit --out (see check_ship)
        out = RUNS / (name if preset == "paper" else f"{name}-{preset}")
    return cfg, Path(out)


def check_ship(out, overwrite: bool = False) -> None:
    """A run is shipped into ``results/`` only from a GPU (the shipped runs are the paper-scale H200
    ones), unless ``overwrite`` says the replacement is meant."""
    from .runtime import device

    inside = Path(out).resolve() == RESULTS.resolve() or RESULTS.resolve() in Path(out).resolve().parents
    if inside and device().type != "cuda" and not overwrite:
        raise ValueError(f"--out {str(out)!r} is inside results/, where the shipped GPU runs live, and this machine "
                         "has no GPU; write to runs/ (the default), or pass --overwrite if you mean it")


def run(name: str, cfg, out: Path, resume: bool = False, command: str | None = None, overwrite: bool = False,
        memory_check: bool = True):
    if isinstance(cfg, InContextConfig):
        return in_context(cfg, out=out, resume=resume, command=command, desc=name, overwrite=overwrite,
                          memory_check=memory_check)
    return in_weights(cfg, out=out, resume=resume, command=command, desc=name, save_embeddings=False,
                      save_graph=False, overwrite=overwrite,
                      memory_check=memory_check)  # the graph is (degree, path_length, seed): regenerate it
