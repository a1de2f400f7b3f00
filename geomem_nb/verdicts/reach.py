"""Chapter 9's runs as the path-star rules read them: the long-path study, the reach, the cpu map and its
knob runs."""
from __future__ import annotations

from ..studies import long_path
from ..studies.path_length_map import (COST_KNOB, FOLDERS, PUSH_KNOB, PUSH_STEPS, REACH_SEEDS, REACH_STEPS,
                                      cells as sweep_cells, knob_cells as sweep_knob_cells, name as sweep_name, selected)
from .base import Get

# the l = 8 control without the push's weight decay: two seeds at the push's budget where run, else the
# first-hop diagnosis's single run at another budget
L8_CONTROL = [dict(degree=100, path_length=8, steps=PUSH_STEPS, knob=COST_KNOB, seed=s) for s in (0, 1)]
L8_ONE_RUN = "cpu/09_first_hop/d100-l8-e10000-lr_1e-2"


def group_runs(get: Get, group: str) -> list[tuple[str, dict]]:
    """(name, metrics with the cell's settings) of one of chapter 9's run groups, as far as it is there."""
    found = [(f"cpu/{FOLDERS[group]}/{sweep_name(c)}", c) for c in selected("cpu", group)]
    return [(n, {**get(n), **c, "steps": get(n)["steps"]}) for n, c in found if get(n)]


def study_runs(get: Get) -> list[tuple[str, dict]]:
    """The long-path study's runs (``group_runs``)."""
    return group_runs(get, "frontier")


def study_reach(get: Get) -> str | None:
    """The long-path study in one line: the settings that reach their l on every seed, and the furthest."""
    runs = [m for _, m in study_runs(get)]
    if not runs:
        return None
    done = [k for k, rs in long_path.screen(runs).items() if long_path.reached(rs)]
    best = long_path.furthest(runs)
    return ("chapter 9 long-path study (cpu, one knob at a time at equal steps, two seeds each): settings whose "
            "held-out exact match reaches 0.5 on every seed: " + (", ".join(long_path.label(k) for k in done) or "none")
            + "; furthest l reached: " + (long_path.label(best) if best else "none"))


def reach_line(get: Get) -> str | None:
    """The reach in one line: the push's setting on seeds that played no part in choosing it, every length
    on one schedule; each length's seeds, and the furthest length reached on every seed."""
    runs = [m for _, m in group_runs(get, "reach")]
    if not runs:
        return None
    seen = "; ".join(f"l = {ell}: " + ", ".join(map(long_path.where_stopped, rs))
                     for ell, rs in long_path.by_length(runs).items())
    furthest = long_path.furthest_on_every_seed(runs, REACH_SEEDS)
    return (f"chapter 9 reach (cpu, d = 100, {PUSH_KNOB}, one {REACH_STEPS:,}-step schedule; seeds "
            f"{', '.join(map(str, REACH_SEEDS))}, which played no part in choosing the setting; each run stops at "
            f"held-out 0.5): held-out exact match {seen}; furthest length reached on every seed: "
            + (f"l = {furthest}" if furthest else "none"))


def cost_lines(get: Get) -> list[str]:
    """The study's cost of one more node on the path, per setting: the factor per +1 in l with its
    interval and the range left when each length is left out (each length ran at its own budget), and
    the push's setting on the reach's one schedule."""
    study, reach, out = [m for _, m in study_runs(get)], [m for _, m in group_runs(get, "reach")], []
    curves = [(knob, study, "each length ran at its own budget and schedule") for knob in (COST_KNOB, PUSH_KNOB)]
    curves.append((PUSH_KNOB, reach, "every length on one schedule, seeds 2 and 3"))
    for knob, runs, how in curves:
        fit = long_path.growth(long_path.cost_curve(runs, knob)) if runs else None
        if not fit:
            continue
        interval, loo = fit.get("interval"), fit.get("leave one out")
        out.append(f"chapter 9 cost of a longer path, {knob} (cpu, lengths {', '.join(map(str, fit['lengths']))}): "
                   f"about ×{fit['factor per l']:.1f} steps per node"
                   + (f" (95% interval ×{interval[0]:.1f} to ×{interval[1]:.1f})" if interval else "")
                   + (f"; leaving one length out: ×{loo[0]:.1f} to ×{loo[1]:.1f}" if loo else "") + f"; {how}")
    return out


def push_lines(get: Get) -> list[str]:
    """The push to l = 8 beside its control without the extra weight decay: which seed chose the knob,
    and the control's seeds (the study's own cells where run, else the first-hop diagnosis's one run)."""
    runs = [(n, m) for n, m in study_runs(get) if m["path_length"] == 8 and m.get("knob") == PUSH_KNOB]
    if not runs:
        return []
    out = [f"chapter 9 push to l = 8 with {PUSH_KNOB} (seeds {', '.join(str(m.get('seed', 0)) for _, m in runs)}): "
           "held-out exact match " + ", ".join(f"{m['test_exact_match']:.2f}" for _, m in runs)
           + "; the setting was chosen on l = 7, seed 0, so seed 0 is not an independent test of it"]
    control = [(n, get(n)) for n in (f"cpu/{FOLDERS[g]}/{sweep_name(c)}" for g in ("frontier", "clock")
                                    for c in L8_CONTROL) if get(n)]
    if control:
        out.append(f"its control without the extra weight decay ({COST_KNOB}, {PUSH_STEPS:,} steps, {len(control)} "
                   "seed(s)): held-out exact match " + ", ".join(f"{m['test_exact_match']:.2f}" for _, m in control))
    elif get(L8_ONE_RUN):
        m = get(L8_ONE_RUN)
        out.append(f"its control without the extra weight decay: one seed only, at another budget ({m['steps']:,} steps, "
                   f"first-hop diagnosis): held-out exact match {m['test_exact_match']:.2f}")
    return out


def map_reach(get: Get) -> str | None:
    """Chapter 9's cpu map in one line: the longest path each (d, epochs) generalizes, and l = 10."""
    long_runs = [c for c in sweep_knob_cells("cpu") if not c.get("knob") and not c.get("seed")]  # the recipe, longer (seed 0, as the map)
    runs = [(c, get(f"cpu/09_path_length/{sweep_name(c)}")) for c in sweep_cells("cpu") + long_runs]
    runs = [(c, m) for c, m in runs if m]
    if not runs:
        return None
    best = {}
    for c, m in runs:
        if m["test_exact_match"] >= 0.5:
            key = (c["degree"], c["epochs"])
            best[key] = max(best.get(key, 0), c["path_length"])
    ten = ", ".join(f"d={c['degree']}, {c['epochs']} epochs: {m['test_exact_match']:.3f} (train {m['train_exact_match']:.3f})"
                    for c, m in runs if c["path_length"] == 10)
    return ("chapter 9 map (cpu, 2 layers, width 64): longest l with held-out >= 0.5: "
            + ", ".join(f"d={d}, {e} epochs: {best.get((d, e), 'none')}" for d, e in sorted({(c['degree'], c['epochs']) for c, _ in runs}))
            + (f"; l = 10: {ten}" if ten else ""))



def _map_runs(get: Get) -> list:
    """(name, metrics) of chapter 9's cpu map and knob runs (seed 0 and the seed runs), and its long-path
    study's full-path runs."""
    found = [(f"cpu/09_path_length/{sweep_name(c)}", c) for c in sweep_cells("cpu") + sweep_knob_cells("cpu")]
    study = [(n, m) for n, m in study_runs(get) if m["config"].get("objective", "full-path") == "full-path"]
    return [(n, get(n)) for n, _ in found if get(n)] + study
