"""The named configs of every experiment, as data: each experiment's four presets (``ci``: notebook
tests, seconds to a minute or two; ``cpu``: the book's default, minutes on two cores; ``gpu``: one
GPU, a few minutes; ``paper``: the paper's sizes, Table 1), and the paper's headline runs of
``reproduce`` with the rules that shrink them for a CPU check. GEOMEM_SCALE picks the preset;
explicit overrides win (nanoGPT style): ``config("in-weights", "ci", steps=4000)``."""
from __future__ import annotations

from .checks import check_choice
from .experiments.base import from_preset
from .experiments.in_context import BY_PRESET as IN_CONTEXT, InContextConfig
from .experiments.in_weights import BY_PRESET as IN_WEIGHTS, SMALL_BY_PRESET as IN_WEIGHTS_SMALL, InWeightsConfig
from .experiments.tiny_config import BY_PRESET as TINY, TinyConfig
from .experiments.tiny_knobs import BY_PRESET as TINY_KNOBS

# name -> (config class, {preset: settings}); the tables live beside their experiments.
NAMED = {
    "in-weights": (InWeightsConfig, IN_WEIGHTS),
    # Chapters 03, 04 and 08 train several variants each, so each run must be short (see the table).
    "in-weights-small": (InWeightsConfig, IN_WEIGHTS_SMALL),
    "in-context": (InContextConfig, IN_CONTEXT),
    "tiny": (TinyConfig, TINY),
    "tiny-knobs": (TinyConfig, TINY_KNOBS),
}


# compile + CUDA graphs: the fastest loop measured on an H200 (benchmarks/gpu_speed.py); both are
# ignored off CUDA, so the same command still runs on a CPU. At ~100 compiled steps/s a fixed
# evaluation interval cost 9% of training time: evaluations are held to 4% (eval_budget).
# A ``target`` stops a run once its validation arms (a seeded 20% of the held-out arms) reach it; every
# reported held-out number comes from the other held-out arms (experiments.in_weights_eval.validation_split). Runs
# saved before that rule stopped on the held-out arms they report: ``selection.selection`` says which.
_BIG = dict(layers=12, width=384, heads=8, batch_size=2048, lr=1e-3, warmup=300, eval_every=100, compile=True,
            cuda_graphs=True, eval_budget=0.04)
PAPER_RUNS = {
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
        PAPER_RUNS[f"in-context-g{_d}-5-{_obj}"] = dict(_IC, degree=_d, num_labels=_n, width=_w, objective=_obj)
# Off the GPU, the same experiments on a graph and model small enough for a CPU check: no time limit
# and every evaluation kept, so the run and its history are deterministic.
_CHECK = dict(time_budget=0.0, eval_budget=0.0)
# (The ci check's 60 steps take a 10-step warm-up: the experiments' 300 / 500 would never end.)
SHRINK = {"in-weights": {"ci": dict(_CHECK, degree=200, layers=2, width=64, heads=4, batch_size=256, steps=60,
                                    eval_every=30, warmup=10),
                         "cpu": dict(_CHECK, degree=1000, layers=2, width=128, heads=4, batch_size=512, steps=1500,
                                     eval_every=100, lr=2e-3, warmup=100)},
          "in-context": {"ci": dict(_CHECK, layers=2, width=64, heads=2, batch_size=64, steps=60, eval_every=30,
                                    eval_examples=200, warmup=10),
                         "cpu": dict(_CHECK, layers=2, width=64, heads=2, batch_size=128, lr=3e-3, warmup=50,
                                     steps=1200, eval_every=100)}}


def config(name: str, preset: str | None = None, **overrides):
    """The config ``name`` at ``preset`` (default: GEOMEM_SCALE) with ``overrides`` applied (flat
    names). Overrides that are None are ignored, so CLI flags that were not given leave it alone."""
    check_choice("experiment", name, NAMED)
    cls, table = NAMED[name]
    return from_preset(cls, table, name, preset, **overrides)


def paper_run(name: str, preset: str):
    """The headline run ``name`` at ``preset``: its settings, shrunk below ``gpu`` for a CPU check."""
    check_choice("experiment", name, sorted(PAPER_RUNS))
    settings = dict(PAPER_RUNS[name])
    kind = settings.pop("kind", "in-weights")
    settings.update(SHRINK[kind].get(preset, {}))
    return config(kind, preset).with_(**settings)


def in_context_control(preset: str | None = None, **overrides):
    """Chapter 01's first-hop-only control. Trained from scratch, one supervised token per example did
    not even teach this small model the answer's format (cpu: after 4,000 steps only ~25% of its guesses
    were children of the source), so its failure was no evidence. It therefore starts as the preset's
    forward run (whose look-ups put a child of the source first) and then trains twice that budget on
    the first hop alone, with a fresh optimizer and its own graphs."""
    base = config("in-context", preset)
    return base.with_(objective="hardest-token", warm_start_steps=base.steps, steps=2 * base.steps,
                      **overrides)
