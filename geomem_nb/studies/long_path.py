"""Chapter 09's long-path study, read out: its runs (``path_length_map`` group "frontier") grouped by setting over
seeds, which settings reach their path length, the steps each run needed, the cost of each +1 in l,
and that cost carried to the paper's G(10^4, 10).

A setting *reaches* its l when held-out exact match is at least ``REACHED`` on every seed, with at
least ``MIN_SEEDS`` seeds (one lucky seed is not a reach)."""
from __future__ import annotations

import math

from .. import controls, stats
from . import path_length_map
from ..runtime import PRESETS
from ..checks import check_choice
from ..experiments import InWeightsConfig

REACHED = 0.5
MIN_SEEDS = 2
# What the study's table shows per setting (mean ± sd over seeds): name -> metrics key.
MEASURES = {"held-out exact match": "test_exact_match", "first hop": "test_hardest_token",
            "diagonal": "leaf_first_hop_diagonal_accuracy", "train exact match": "train_exact_match",
            "edges": "edge_recovery"}
# ... and from the first-hop diagnosis at the last evaluation (first_hop.diagnose).
DIAGNOSIS = {"guesses on training first hops": "share_training_first_hop",
             "right among held-out hops": "accuracy_among_held_out", "logit gap": "logit_gap"}


COMMANDS = {g: f"python -m geomem_nb.studies.path_length_map --preset cpu --{g} --out results/cpu/{path_length_map.FOLDERS[g]}"
            for g in ("frontier", "reach")}
PEAKS = {"held-out exact match": "test_exact_match", "diagonal": "leaf_first_hop_diagonal_accuracy"}


def load(preset: str, group: str = "frontier") -> tuple[list[dict] | None, str]:
    """The study's runs (``group``: "frontier", or "reach": l = 7 to 10 on one schedule) and where they
    come from: the shipped ``cpu`` record at every preset (hours of CPU; the reach as far as it has run);
    without it, at ``ci`` the group's ci cells run here (seconds), else nothing."""
    check_choice("preset", preset, PRESETS)
    check_choice("group", group, ("frontier", "reach"))
    rows = path_length_map.shipped("cpu", group, whole=group == "frontier")
    if rows:
        return rows, f"results/cpu/{path_length_map.FOLDERS[group]}"
    if preset != "ci":
        return None, f"not shipped; the study is hours of CPU: {COMMANDS[group]}"
    return path_length_map.run_here(group)


def setting(row: dict) -> tuple:
    """What a study run varies, seeds aside: (d, l, knob, steps)."""
    return row["degree"], row["path_length"], row.get("knob") or "", row["steps"]


def label(key: tuple) -> str:
    d, ell, knob, steps = key
    return f"d = {d}, l = {ell}, {knob or 'the map recipe'}, {steps} steps"


def by_setting(rows: list[dict]) -> dict[tuple, list[dict]]:
    """The runs of each setting (in the rows' order), settings in the rows' order."""
    out: dict[tuple, list[dict]] = {}
    for r in rows:
        out.setdefault(setting(r), []).append(r)
    return out


def spreads(runs: list[dict]) -> dict[str, stats.Spread]:
    """Mean ± sd over ``runs`` of every measure they all have (a first-hop-only run has no full path)."""
    out = {}
    for name, key in MEASURES.items():
        values = [r.get(key) for r in runs]
        if all(v is not None for v in values):
            out[name] = stats.spread(values)
    for name, key in DIAGNOSIS.items():
        values = [(r.get("first_hop") or {}).get(key) for r in runs]
        if all(v is not None for v in values):
            out[name] = stats.spread(values)
    return out


def reached(runs: list[dict], key: str = "test_exact_match") -> bool:
    """Every seed at ``REACHED`` or above, with at least ``MIN_SEEDS`` seeds."""
    return len(runs) >= MIN_SEEDS and all(r.get(key) is not None and r[key] >= REACHED for r in runs)


def furthest(rows: list[dict]) -> tuple | None:
    """The setting with the longest l reached (fewest steps among equals), or None."""
    done = [k for k, runs in by_setting(rows).items() if reached(runs)]
    return max(done, key=lambda k: (k[1], -k[3])) if done else None


def steps_to(history: list[dict], key: str = "test_exact_match", level: float = REACHED) -> int | None:
    """The first evaluated step at which ``key`` reaches ``level`` (None: never, within the run)."""
    for h in history:
        if h.get(key) is not None and h[key] >= level:
            return int(h["step"])
    return None


def cost_curve(rows: list[dict], knob: str, degree: int = 100) -> list[dict]:
    """For each l run with ``knob`` on ``degree`` arms: the seeds, how many reached 0.5, and the steps to
    0.5 (mean ± sd over the seeds that reached it; an upper bound of the evaluation grid: the run is
    evaluated every ``eval_every`` steps)."""
    out = []
    for (d, ell, k, steps), runs in sorted(by_setting(rows).items(), key=lambda kv: kv[0][1]):
        if d != degree or k != knob:
            continue
        hit = [s for s in (steps_to(r["history"]) for r in runs) if s is not None]
        out.append({"l": ell, "seeds": len(runs), "reached 0.5": len(hit), "budget": steps,
                    "eval_every": runs[0]["config"]["eval_every"], "seed steps": hit,
                    "steps to 0.5": stats.spread(hit) if hit else None, "reached": reached(runs)})
    return out


def growth(curve: list[dict]) -> dict | None:
    """A straight line through log(steps to 0.5) against l over the lengths reached (at least two):
    the factor per +1 in l (through the means), its 95% interval (through every seed's steps; None with
    fewer than three points), the factors refitted leaving each length out ((min, max); None with fewer
    than three lengths) and the fitted steps at any l (``at``). None with fewer than two lengths."""
    done = [c for c in curve if c["reached"]]
    if len(done) < 2:
        return None
    fit = stats.line_fit([c["l"] for c in done], [math.log(c["steps to 0.5"].mean) for c in done])
    seeds = [(c["l"], math.log(s)) for c in done for s in c.get("seed steps", [])]
    interval = stats.line_fit(*zip(*seeds))["interval"] if len(seeds) > 2 else None
    out = [growth([c for c in done if c is not left])["factor per l"] for left in done] if len(done) > 2 else None
    slope, intercept = fit["slope"], fit["intercept"]
    return {"factor per l": math.exp(slope), "lengths": [c["l"] for c in done],
            "interval": tuple(math.exp(b) for b in interval) if interval else None,
            "leave one out": (min(out), max(out)) if out else None,
            "at": lambda x: float(math.exp(intercept + slope * x))}


def screen(rows: list[dict]) -> dict[tuple, list[dict]]:
    """The one-knob comparison: the settings at the study's most common (l, steps), in the rows' order
    (the cost curve's shorter runs left out)."""
    groups = by_setting(rows)
    counts: dict[tuple, int] = {}
    for d, ell, knob, steps in groups:
        counts[(ell, steps)] = counts.get((ell, steps), 0) + 1
    at = max(counts, key=counts.get)
    return {k: runs for k, runs in groups.items() if (k[1], k[3]) == at}


def against(recipe: stats.Spread, other: stats.Spread) -> str:
    """``other`` against the recipe, over seeds: above or below beyond the spread (mean ± sd apart,
    ``MIN_SEEDS`` seeds each), else within it."""
    if stats.above(other, recipe, MIN_SEEDS):
        return "above"
    return "below" if stats.above(recipe, other, MIN_SEEDS) else "within the spread"


def epochs_for(steps: float, degree: int, path_length: int) -> float:
    """The epochs that ``steps`` of the cost curve's recipe draw on G(degree, path_length)."""
    per_hundred = path_length_map.config(dict(degree=degree, path_length=path_length, epochs=100, knob=path_length_map.COST_KNOB), "cpu").steps
    return steps * 100 / per_hundred


def gpu_bill(epochs: float, big_run: dict) -> dict:
    """What ``epochs`` of the shipped paper-scale run's graph cost at that run's measured step rate:
    steps per epoch, steps/s and GPU minutes (the epochs carried over from our small model: an assumption)."""
    big = InWeightsConfig.from_record(big_run["config"])
    steps_per_epoch = big.steps_for_epochs(100) / 100
    rate = big_run["steps"] / big_run["train_seconds"]
    return {"steps per epoch": steps_per_epoch, "steps/s": rate, "GPU minutes": epochs * steps_per_epoch / rate / 60}


def by_length(runs: list[dict]) -> dict[int, list[dict]]:
    """The runs per path length, shortest first, each length's seeds in order."""
    out: dict[int, list[dict]] = {}
    for r in sorted(runs, key=lambda r: (r["path_length"], r.get("seed", 0))):
        out.setdefault(r["path_length"], []).append(r)
    return out


def furthest_on_every_seed(runs: list[dict], seeds) -> int | None:
    """The longest l whose runs cover every one of ``seeds`` and all reach (``reached``), or None."""
    done = [ell for ell, rs in by_length(runs).items() if len(rs) == len(seeds) and reached(rs)]
    return max(done, default=None)


def where_stopped(run: dict) -> str:
    """A stopped run in words: held-out exact match where it stopped, and at which step (or after its
    whole budget when it never reached the level)."""
    hit = steps_to(run["history"])
    return (f"seed {run.get('seed', 0)} {run['test_exact_match']:.2f} "
            + (f"at step {hit:,}" if hit else f"after {run.get('steps_run', run['steps']):,} steps"))


def ran_to_end(run: dict) -> bool:
    """The run trained its whole budget (not stopped at a held-out level)."""
    return (run.get("stopping") or {}).get("rule") != "held-out level reached"


def peak_and_end(rows: list[dict]) -> list[dict]:
    """Does what a long run reaches last? For the runs at the longest l among those that ran their whole
    budget: each measure of ``PEAKS`` at the run's end, at its peak over the evaluations, and the step of
    the peak (the first evaluation at the peak)."""
    whole = [r for r in rows if ran_to_end(r)]
    longest = max((r["path_length"] for r in whole), default=None)
    out = []
    for r in (r for r in whole if r["path_length"] == longest):
        row = {"run": r}
        for name, key in PEAKS.items():
            seen = [(h[key], -h["step"]) for h in r["history"] if h.get(key) is not None]
            peak, step = max(seen)
            row[name] = {"end": r[key], "peak": peak, "peak step": -step}
        out.append(row)
    return out


def learned(run: dict) -> bool:
    """The run learned what it could: its training targets (full paths; for a first-hop-only run, the
    training first hops at its last evaluation) and its edges, each at ``controls.LEARNED`` or above."""
    if run["config"].get("objective") == "hardest-token":
        fitted = (run["history"][-1] if run.get("history") else {}).get("train_hardest_token")
    else:
        fitted = run.get("train_exact_match")
    return all(v is not None and v >= controls.LEARNED for v in (fitted, run.get("edge_recovery")))
