"""Chapter 09's long-path study, read out: its runs (``sweep`` group "frontier") grouped by setting over
seeds, which settings reach their path length, the steps each run needed, the cost of each +1 in l,
and that cost carried to the paper's G(10^4, 10).

A setting *reaches* its l when held-out exact match is at least ``REACHED`` on every seed, with at
least ``MIN_SEEDS`` seeds (one lucky seed is not a reach)."""
from __future__ import annotations

import math

import numpy as np

from . import stats

REACHED = 0.5
MIN_SEEDS = 2
# What the study's table shows per setting (mean ± sd over seeds): name -> metrics key.
MEASURES = {"held-out exact match": "test_exact_match", "first hop": "test_hardest_token",
            "diagonal": "leaf_first_hop_diagonal_accuracy", "train exact match": "train_exact_match",
            "edges": "edge_recovery"}
# ... and from the first-hop diagnosis at the last evaluation (first_hop.diagnose).
DIAGNOSIS = {"guesses on training first hops": "share_training_first_hop",
             "right among held-out hops": "accuracy_among_held_out", "logit gap": "logit_gap"}


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
                    "eval_every": runs[0]["config"]["eval_every"],
                    "steps to 0.5": stats.spread(hit) if hit else None, "reached": reached(runs)})
    return out


def growth(curve: list[dict]) -> dict | None:
    """A straight line through log(steps to 0.5) against l over the lengths reached (at least two):
    the factor per +1 in l and the fitted steps at any l (``at``). None with fewer than two lengths."""
    pts = [(c["l"], c["steps to 0.5"].mean) for c in curve if c["reached"]]
    if len(pts) < 2:
        return None
    ell, steps = np.array(pts, dtype=float).T
    slope, intercept = np.polyfit(ell, np.log(steps), 1)
    return {"factor per l": float(math.exp(slope)), "lengths": [int(x) for x in ell],
            "at": lambda x: float(math.exp(intercept + slope * x))}
