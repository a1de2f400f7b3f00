"""Named scales for every experiment: ``ci`` (notebook tests; seconds to a minute or two),
``cpu`` (the book's default; minutes on two cores), ``gpu`` (one GPU, a few minutes) and ``paper``
(the paper's sizes, Table 1). Pick one with GEOMEM_SCALE; explicit overrides win (nanoGPT style)."""
from __future__ import annotations

from dataclasses import fields, replace

from .runtime import SCALES, scale as env_scale
from .checks import check_choice

# Evidence for the CPU scales (2 cores): a 2-layer, width-128 GPT on G(1000,5) with lr 2e-3 reaches
# >= 0.9 held-out exact match in about 2,000 steps; arms of 5 nodes keep the first hop 3 hops from
# the leaf (with l = 4 it shares a neighbour with the leaf, which would make the point too easy).
_SMALL = dict(degree=1000, path_length=5, layers=2, width=128, heads=4, pause_tokens=1,
              batch_size=512, lr=2e-3, warmup=100)
# The paper's GPT-mid (Table 1): 12 layers, width 384, 8 heads; 5 pause tokens for G(5000,5).
# Peak lr: the paper's 5e-5 needs tens of thousands of epochs; 1e-3 with warm-up converges in minutes.
_PAPER = dict(degree=5000, path_length=5, layers=12, width=384, heads=8, pause_tokens=5,
              batch_size=2048, lr=1e-3, warmup=300)

IN_WEIGHTS = {
    "ci": dict(_SMALL, steps=400, eval_every=50),
    "cpu": dict(_SMALL, steps=1500, eval_every=100),
    "gpu": dict(_PAPER, steps=4000, eval_every=250, time_budget=120.0, target=0.99),
    "paper": dict(_PAPER, steps=8000, eval_every=250, time_budget=300.0, target=0.99),
}

# In-context path-star (chapter 01): fresh G(d, l) graphs in the prompt. Measured on 2 shared cores: a
# 2-layer width-64 GPT (2 heads, lr 3e-3, batch 128) on G(2,6), N = 20 fits the Clever-Hans cheat at
# ~550 steps (teacher-forced positions 3-6 jump from ~0.15 to 1.0, the first hop stays at ~0.5); on
# G(2,4) and G(2,5) (1-2 cheat tokens per example instead of 4) the same model, 3 layers, width 128 or
# lr 1e-2 showed no look-up after 600-1600 steps.
_IC_SMALL = dict(degree=2, path_length=6, num_labels=20, layers=2, width=64, heads=2, batch_size=128,
                 lr=3e-3, warmup=50)
# GM's GPT-mid for in-context graphs (App. B): 12 layers, width 384 (784 for G(20,5)), 8 heads, peak lr
# 1e-4, AdamW (weight decay 0.01), warm-up then cosine; N = 50 labels as in B&N's G(2,5).
_IC_PAPER = dict(degree=2, path_length=5, num_labels=50, layers=12, width=384, heads=8, batch_size=256,
                 lr=1e-4, warmup=500, eval_examples=2000)
# The first-hop-only control of chapter 01 has one supervised token per example: measured at the cpu
# preset, after 4,000 steps only ~25% of its guesses are children of the source (its format), so it
# is still under-trained there; this is the budget its record gets.
IN_CONTEXT_CONTROL_STEPS = 4000
IN_CONTEXT = {
    "ci": dict(_IC_SMALL, steps=700, eval_every=140, eval_examples=500),
    "cpu": dict(_IC_SMALL, steps=1200, eval_every=100, eval_examples=1000),
    "gpu": dict(_IC_PAPER, steps=5000, eval_every=250),
    "paper": dict(_IC_PAPER, steps=20000, eval_every=500),
}

# Chapters 03, 04 and 08 train several variants of the in-weights experiment each (objectives, edge
# directions, pause tokens, schedules, tree-star graphs, Mamba), so each run must be short. Measured on 2 cores: a 2-layer width-64
# GPT on G(200,5), batch 256, lr 3e-3 reaches 0.62 held-out exact match at 200 steps and 0.86 at 300
# (about 0.025 s a step when the cores are free).
_SMALLER = dict(_SMALL, degree=200, width=64, batch_size=256, lr=3e-3, warmup=50)
IN_WEIGHTS_SMALL = {
    "ci": dict(_SMALLER, steps=300, eval_every=100),
    "cpu": dict(_SMALLER, degree=300, steps=600, eval_every=100),
    "gpu": dict(_SMALL, steps=3000, eval_every=250),
    "paper": dict(_PAPER, steps=8000, eval_every=250, time_budget=300.0),
}

PRESETS = {"in-weights": IN_WEIGHTS, "in-context": IN_CONTEXT, "in-weights-small": IN_WEIGHTS_SMALL}

# Tiny graphs (chapters 05-07): every model trains at the authors' configuration (``tiny.settings``),
# seed 7 as the authors' notebooks; from cpu up the same full-length runs. At ci the chapters' live
# (one-seed, figure) sequence-model runs stop after 1,000 steps at most (the authors' cycle network runs 10,000
# steps at width 512: about a minute on one core); their numbers come from the multi-seed cpu record.
PRESETS["tiny"] = {s: dict(seed=7) for s in SCALES}
PRESETS["tiny"]["ci"] = dict(seed=7, max_steps=1000)

# Chapter 07's knob table: the bilinear network on the 15-cycle under learning rates, weight decay,
# initialization scale, dropout and untied tables (the authors ran width 512 for 10,000 full-batch
# steps), each row with several seeds (TINY_KNOB_SEEDS). Measured on 2 shared cores: width 128 costs
# about 1 ms a step (width 512: 4-7 ms). Over seeds 7, 0, 1, at 700 steps only the effects of the
# initialization and of self-edges are beyond the spread; the restoring effects of weight decay,
# dropout and a large lr (with cosine decay) appear only over the long run (10,000 steps).
_KNOBS = dict(graph="cycle", model="nn", seed=7)
PRESETS["tiny-knobs"] = {"ci": dict(_KNOBS, dim=128, steps=700), "cpu": dict(_KNOBS, dim=128, steps=10000),
                         "gpu": dict(_KNOBS, dim=512, steps=10000), "paper": dict(_KNOBS, dim=512, steps=10000)}
# The knob table's seeds (``tiny.knob_seeds``): the authors' seed 7 and two more, so a knob's direction
# is judged against its spread over seeds.
TINY_KNOB_SEEDS = {"ci": (7, 0, 1), "cpu": (7, 0, 1), "gpu": (7, 0, 1, 2, 3), "paper": (7, 0, 1, 2, 3)}


def config(experiment: str, preset: str | None = None, **overrides):
    """The config of ``experiment`` at ``preset`` (default: GEOMEM_SCALE) with ``overrides`` applied.
    Overrides that are None are ignored, so CLI flags that were not given leave the preset alone."""
    from .experiments import CONFIGS

    check_choice("experiment", experiment, PRESETS)
    preset = preset or env_scale()
    check_choice("preset", preset, SCALES)
    cls = CONFIGS[experiment]
    known = {f.name for f in fields(cls)}
    unknown = sorted(set(overrides) - known)
    if unknown:
        raise ValueError(f"unknown setting(s) {', '.join(unknown)} for {experiment}; "
                         f"allowed: {', '.join(sorted(known))}")
    cfg = cls(**PRESETS[experiment][preset])
    return replace(cfg, preset=preset, **{k: v for k, v in overrides.items() if v is not None})
