"""The paper's headline experiments as named, reproducible runs (written to ``runs/<name>``; the
shipped ones are under ``results/``). Their settings are data in ``presets`` (``PAPER_RUNS`` and the
``SHRINK`` rules); this module plans, guards and runs them.

At the ``paper`` preset each follows Table 1 where it matters (GPT-mid: 12 layers, width 384 (784 for
G(10^4,10)), 8 heads; 5 / 6 / 10 pause tokens); the smaller presets shrink the graph and model so
the same command can be checked on a CPU. The in-context runs (chapter 01) follow GM's App. B: GPT-mid
(width 784 for G(20,5)), peak lr 1e-4; N = 50 labels for G(2,5) as in Bachmann & Nagarajan, N = 100
for the larger graphs (41 and 81 nodes per graph)."""
from __future__ import annotations

from pathlib import Path

from . import presets
from .checks import check_int
from .experiments import InContextConfig, in_context, in_weights
from .results import RESULTS, workspace
from .runtime import device
from .train import scaled_lr

RUNS = workspace("runs")  # where ``reproduce`` writes by default


def plan(name: str, preset: str, out=None, **overrides):
    """The experiment's config at ``preset`` with ``overrides`` (None = keep). A new ``batch_size``
    without an ``lr`` scales the experiment's peak lr by the square-root rule (``train.scaled_lr``)."""
    cfg = presets.paper_run(name, preset)
    if isinstance(cfg, InContextConfig) and overrides.get("buckets"):
        raise ValueError("buckets applies to the in-weights experiments only")
    overrides = {k: v for k, v in overrides.items() if v is not None}
    if "batch_size" in overrides and "lr" not in overrides:
        check_int("batch_size", overrides["batch_size"], 1)
        overrides["lr"] = scaled_lr(cfg.lr, cfg.batch_size, overrides["batch_size"])
    cfg = cfg.with_(**overrides).validate()
    if out is not None and not str(out).strip():  # Path("") would be the current folder
        raise ValueError("--out must name a folder, got an empty string")
    if out is None:  # never results/: shipping a run there is an explicit --out (see check_ship)
        out = RUNS / (name if preset == "paper" else f"{name}-{preset}")
    return cfg, Path(out)


def check_ship(out, overwrite: bool = False) -> None:
    """A run is shipped into ``results/`` only from a GPU (the shipped runs are the paper-scale H200
    ones), unless ``overwrite`` says the replacement is meant."""
    inside = RESULTS is not None and (Path(out).resolve() == RESULTS.resolve()
                                      or RESULTS.resolve() in Path(out).resolve().parents)
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
