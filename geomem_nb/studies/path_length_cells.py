"""Chapter 9's runs as data: the map's grid, its knob runs, the diagnosed runs, the long-path study and the
clock test, at each preset (``selected``), each a dict of degree, path length, budget and knob. ``path_length_map``
runs them and reads them back."""
from __future__ import annotations

import itertools

from ..checks import check_choice
from ..runtime import PRESETS

BASE = "in-weights-small"  # the model, batch, lr and warm-up of every run
# The grid at each preset. ci: the frontier in two runs (one that should succeed, one that should not).
GRIDS = {
    "ci": dict(degree=(100,), path_length=(5, 8), epochs=(100,)),
    "cpu": dict(degree=(100, 300), path_length=(5, 6, 7, 8, 10), epochs=(100, 300)),
}
GRIDS["gpu"] = GRIDS["paper"] = GRIDS["cpu"]
# Beyond the full grid at cpu: long budgets where they are cheap (few arms), and more arms at 100 epochs.
EXTRA = {"cpu": [dict(degree=100, path_length=ell, epochs=1000) for ell in (5, 6, 7, 8, 10)]
         + [dict(degree=1000, path_length=ell, epochs=100) for ell in (5, 8, 10)]}
# One knob at a time, on the first failing lengths (d = 100; l = 6 and 8; 300 epochs): name -> the
# settings it changes, given the cell's base config.
KNOBS = {
    "lr 5e-5": lambda cfg: dict(lr=5e-5),  # the paper's peak lr (with a long budget only)
    "lr 3e-4": lambda cfg: dict(lr=3e-4),
    "lr 1e-3": lambda cfg: dict(lr=1e-3),
    "lr 1e-2": lambda cfg: dict(lr=1e-2),
    "lr 3e-2": lambda cfg: dict(lr=3e-2),  # near the edge of stability
    "pauses = l": lambda cfg: dict(pause_tokens=cfg.path_length),
    "no reverse edges": lambda cfg: dict(edges="forward"),
    # By default each set is drawn in proportion to its size: at d = 100, l = 6, 1,000 edge examples and
    # 75 paths, so paths are 7% of a batch. Same steps (same examples drawn); more of them paths.
    "path share 0.25": lambda cfg: dict(path_share=0.25),
    "path share 0.5": lambda cfg: dict(path_share=0.5),
    "edges first at lr 1e-2": lambda cfg: dict(schedule="staged", edge_lr=1e-2),  # edge_steps: see config
    "4 layers, width 128": lambda cfg: dict(layers=4, width=128, heads=4),
    "weight decay 0.1": lambda cfg: dict(weight_decay=0.1),
}
# The long-path study's knobs, each one change against its recipe (lr 1e-2, cosine to 0.1x, weight
# decay 0.01, 2 layers, paths in proportion to the set sizes, the full path as target).
STUDY_KNOBS = {
    "lr 1e-2, constant": lambda cfg: dict(lr=1e-2, min_lr_ratio=1.0),
    "lr 1e-2, weight decay 0.1": lambda cfg: dict(lr=1e-2, weight_decay=0.1),
    "lr 1e-2, 4 layers": lambda cfg: dict(lr=1e-2, layers=4),
    "lr 1e-2, path share 0.02": lambda cfg: dict(lr=1e-2, path_share=0.02),  # proportional: 5-6% at l 7-8
    "lr 1e-2, first hop only": lambda cfg: dict(lr=1e-2, objective="hardest-token"),  # paths train v1 alone
}
KNOB_CELLS = {"cpu": [dict(degree=100, path_length=ell, epochs=300, knob=k) for ell in (6, 8) for k in KNOBS
                      if k != "lr 5e-5"]
              + [dict(degree=100, path_length=ell, epochs=3000) for ell in (6, 8)]
              + [dict(degree=100, path_length=6, epochs=3000, knob="lr 5e-5"),
                 dict(degree=100, path_length=7, epochs=3000), dict(degree=100, path_length=7, epochs=3000, knob="lr 1e-2"),
                 dict(degree=100, path_length=8, epochs=3000, knob="lr 1e-2"),
                 dict(degree=100, path_length=8, epochs=10000, knob="lr 1e-2"),
                 dict(degree=100, path_length=6, epochs=3000, knob="path share 0.5")]
              # the path share's direction, over seeds (seed 0 is the cell above)
              + [dict(degree=100, path_length=6, epochs=3000, seed=s, **k) for s in (1, 2)
                 for k in ({}, {"knob": "path share 0.5"})]}
# The first-hop diagnosis (first_hop.diagnose at every evaluation) of the map's cells at the frontier, at
# their best settings: l = 5 (passes), l = 6 short (fails) and long (passes), l = 6 with half-path batches
# (broke it: 0.96 -> 0.05 over seeds), l = 7 (barely passes), l = 8 (fails even at 10,000 epochs).
FIRST_HOP_CELLS = {"ci": [dict(degree=100, path_length=5, epochs=100)],
                   "cpu": [dict(degree=100, path_length=5, epochs=300), dict(degree=100, path_length=6, epochs=1000),
                           dict(degree=100, path_length=6, epochs=3000),
                           dict(degree=100, path_length=6, epochs=3000, knob="path share 0.5"),
                           dict(degree=100, path_length=7, epochs=3000, knob="lr 1e-2"),
                           dict(degree=100, path_length=8, epochs=3000, knob="lr 1e-2"),
                           dict(degree=100, path_length=8, epochs=10000, knob="lr 1e-2")]}
# The long-path study (issue: why the first hop fails at l >= 8): one knob at a time against the recipe
# (lr 1e-2, the map's best at l = 7), at equal steps (14,768: the recipe's 3,000 epochs at d = 100, l = 7),
# two seeds each, every run diagnosed. More arms at equal steps is d = 300 and 1,000 with the recipe.
STUDIED = ("lr 1e-2", "lr 3e-2", *STUDY_KNOBS)
STUDY_STEPS = 14768
COST_KNOB = "lr 1e-2"  # the recipe whose steps to 0.5 are measured at every l
PUSH_KNOB, PUSH_STEPS = "lr 1e-2, weight decay 0.1", 40000  # chosen on l = 7, seed 0 (1.000 against 0.600)
COST_KNOBS = (COST_KNOB, PUSH_KNOB)  # the cost curve of the recipe and of the push's setting
FRONTIER_CELLS = {"ci": [dict(degree=100, path_length=5, steps=300, knob="lr 1e-2"),
                         dict(degree=100, path_length=5, steps=300, knob="lr 1e-2, first hop only")],
                  "cpu": [dict(degree=d, path_length=7, steps=STUDY_STEPS, knob=k, seed=s) for s in (0, 1)
                          for d, k in [(100, k) for k in STUDIED] + [(300, "lr 1e-2"), (1000, "lr 1e-2")]]
                  # the cost curve's shorter lengths (l = 7 is above), evaluated twice as often
                  + [dict(degree=100, path_length=ell, steps=steps, knob=k, seed=s, evaluations=20)
                     for k in COST_KNOBS for ell, steps in ((5, 2000), (6, 8000)) for s in (0, 1)]
                  # the frontier push: the setting that carried l = 7 furthest on its first seed, at l = 8
                  + [dict(degree=100, path_length=8, steps=PUSH_STEPS, knob=PUSH_KNOB, seed=s, evaluations=20)
                     for s in (0, 1)]}
# Chapter 9's clock test: is the cost of each +1 in l a delay on an optimizer clock (lr x weight decay)?
# Against the push's setting (lr 1e-2, weight decay 0.1, its runs above), a faster clock (weight decay
# 0.3, 1.0) and the same clock at a lower lr (3e-3 x 0.33). The cost curve's own budgets, so each l has
# the same schedule in every setting; each run stops at held-out 0.5 (the quantity measured) and
# checkpoints, so a run cut off resumes where it stopped.
CLOCK_KNOBS = {"lr 1e-2, weight decay 0.3": lambda cfg: dict(lr=1e-2, weight_decay=0.3),
               "lr 1e-2, weight decay 1.0": lambda cfg: dict(lr=1e-2, weight_decay=1.0),
               "lr 3e-3, weight decay 0.33": lambda cfg: dict(lr=3e-3, weight_decay=0.33)}
COST_BUDGETS = {5: 2000, 6: 8000, 7: STUDY_STEPS, 8: PUSH_STEPS}  # the push's cost curve, per l
_CLOCKED = [dict(degree=100, path_length=ell, steps=steps, knob=k, seed=s, evaluations=20, stop_at=0.5)
            for ell, steps in COST_BUDGETS.items() for k in CLOCK_KNOBS for s in (0, 1)]
# The recipe (weight decay 0.01: the slowest clock, lr x wd = 1e-4) at the push's l = 8 budget, run to the
# end: the control the push is read against, on two seeds. Listed (so run) before the clock's l = 8 runs.
_L8_CONTROL = [dict(degree=100, path_length=8, steps=PUSH_STEPS, knob=COST_KNOB, seed=s, evaluations=20)
               for s in (0, 1)]
CLOCK_CELLS = {"ci": [dict(degree=100, path_length=5, steps=300, knob="lr 1e-2, weight decay 1.0", stop_at=0.5)],
               "cpu": [c for c in _CLOCKED if c["path_length"] < 8] + _L8_CONTROL
               + [c for c in _CLOCKED if c["path_length"] == 8]}
# Chapter 9's reach: l = 9 (the goal) and l = 10 with the cheapest setting the clock test found (the push's
# lr 1e-2, weight decay 0.1), judged on seeds 2 and 3 (seeds 0 and 1 chose the setting); then l = 8 and 7
# on the same seeds. Every length on one schedule (a 200,000-step cosine budget, over the cost curve's
# prediction for l = 9 of about 115,000 steps), so the steps to 0.5 compare across lengths, where the
# cost curve's lengths each ran at their own budget. Each run stops at held-out 0.5 and resumes when cut off.
REACH_STEPS = 200000
REACH_LENGTHS = (9, 10, 8, 7)  # run in this order
REACH_SEEDS = (2, 3)
REACH_CELLS = {"ci": [dict(degree=100, path_length=5, steps=300, knob=PUSH_KNOB, seed=2, stop_at=0.5)],
               "cpu": [dict(degree=100, path_length=ell, steps=REACH_STEPS, knob=PUSH_KNOB, seed=s, evaluations=50,
                            stop_at=0.5) for ell in REACH_LENGTHS for s in REACH_SEEDS]}
CHECKPOINTED = ("clock", "reach")  # groups whose runs checkpoint and resume
GROUPS = ("grid", "knobs", "first-hop", "frontier", "clock", "reach")
EVALUATIONS = 10  # per run, evenly spaced
DIAGNOSED = ("first-hop", "frontier", "clock", "reach")  # groups whose runs record first_hop.diagnose at each evaluation
DROPPED = ("embeddings.npy", "graph.json")  # written by every run, not kept in the map's folder
MEASURES = ("test_exact_match", "test_hardest_token", "leaf_first_hop_diagonal_accuracy", "train_exact_match",
            "edge_recovery", "chance", "steps", "train_seconds")


def cells(preset: str) -> list[dict]:
    """The grid's runs at ``preset``: dicts of degree, path_length and epochs."""
    check_choice("preset", preset, PRESETS)
    g = GRIDS[preset]
    grid = [dict(degree=d, path_length=ell, epochs=e)
            for d, ell, e in itertools.product(g["degree"], g["path_length"], g["epochs"])]
    return grid + EXTRA.get(preset, [])


def knob_cells(preset: str) -> list[dict]:
    """The knob runs at ``preset`` (none at ci): each cell with its ``knob``, or a long budget."""
    check_choice("preset", preset, PRESETS)
    return KNOB_CELLS.get(preset, [])


# the groups whose cells are one list at ci and one for every larger preset (gpu and paper run cpu's)
CI_OR_CPU = {"first-hop": FIRST_HOP_CELLS, "frontier": FRONTIER_CELLS, "clock": CLOCK_CELLS, "reach": REACH_CELLS}


def first_hop_cells(preset: str) -> list[dict]:
    """The diagnosed runs at ``preset`` (``FIRST_HOP_CELLS``)."""
    return selected(preset, "first-hop")


def selected(preset: str, group: str = "grid") -> list[dict]:
    """The runs of ``group`` at ``preset``: the map's grid, its knob runs, the diagnosed runs, the study's,
    the clock test's or the reach's."""
    check_choice("group", group, GROUPS)
    if group in CI_OR_CPU:
        check_choice("preset", preset, PRESETS)
        return CI_OR_CPU[group]["ci" if preset == "ci" else "cpu"]
    return {"grid": cells, "knobs": knob_cells}[group](preset)
