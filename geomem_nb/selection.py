"""How a saved run's reported number was chosen, and what its history says around that choice.

A run with a ``target`` stops at the first evaluation that reaches it. Since issue 12 the stop is
decided on validation arms and every reported held-out number comes from the other held-out arms
(``experiments.validation_split``; ``metrics["stopping"]`` records it). Runs saved before that have a
target but no ``stopping`` field: their stop was decided on the very held-out arms they report, so a
run that stopped on its target reports a number selected on itself. ``selection`` says which case a
run is; ``rederive`` recovers from the saved ``history`` what can be recovered (the evaluation before
the stop, the best and the final values, whether the run was still rising)."""
from __future__ import annotations

import math

from .graphs import path_star, tree_star

END_OF_BUDGET = "end of budget (not selected)"
ON_VALIDATION = "stopped on validation arms (not selected)"
SELECTED = ("selected: stopped at the first evaluation whose held-out exact match reached {target}; "
            "the reported number is that evaluation's")


def _config(metrics) -> dict:
    if not isinstance(metrics, dict) or not isinstance(metrics.get("config"), dict):
        raise ValueError("metrics must be a saved run's metrics.json as a dict, with its 'config'")
    return metrics["config"]


def _history(metrics) -> list:
    history = metrics.get("history")
    if not isinstance(history, list) or not history:
        raise ValueError("metrics must hold the run's 'history' (a non-empty list of evaluations)")
    return history


def _old_stop_fired(metrics, target: float) -> bool:
    """Before the validation arms, the stop fired on the first evaluation whose held-out exact match
    reached the target; that evaluation is the last one saved."""
    return any((h.get("test_exact_match") or 0) >= target for h in metrics.get("history") or [])


def selection(metrics: dict) -> str:
    """One line: how the run's reported number was chosen.

    ``"end of budget (not selected)"``: the run ended at its step or time budget (no target, or a
    target never reached); ``"stopped on validation arms (not selected)"``: it stopped when the
    validation arms reached the target, and reports the other arms; ``"selected: ..."``: an old run
    that stopped when the reported held-out arms themselves reached the target."""
    cfg = _config(metrics)
    stopping = metrics.get("stopping")
    if stopping is not None:
        if stopping.get("rule") == "validation arms" and stopping.get("stopped_on_target"):
            return ON_VALIDATION
        return END_OF_BUDGET
    target = cfg.get("target") or 0
    if target and _old_stop_fired(metrics, target):
        return SELECTED.format(target=target)
    return END_OF_BUDGET


def _metric(history: list) -> str:
    """The headline held-out number of a run: exact match, or the first hop where exact match is not scored."""
    return "test_exact_match" if any(h.get("test_exact_match") is not None for h in history) else "test_hardest_token"


def _held_out(metrics) -> int | None:
    """How many held-out items the reported number is a fraction of."""
    stopping, cfg = metrics.get("stopping") or {}, metrics["config"]
    if stopping.get("reported_arms"):
        return stopping["reported_arms"]
    if "eval_examples" in cfg:  # in context: fixed held-out graphs
        return cfg["eval_examples"]
    if "degree" in cfg and "path_length" in cfg:  # in weights: regenerate the graph's split (seeded)
        if cfg.get("graph") == "tree-star":
            g = tree_star(cfg["degree"], cfg["path_length"], seed=cfg.get("seed", 0), split=cfg.get("split", "leaf"))
        else:
            g = path_star(cfg["degree"], cfg["path_length"], seed=cfg.get("seed", 0))
        return len(g.test_arms)
    return None


def rederive(metrics: dict) -> dict:
    """What the saved history says about the reported number (held-out exact match, or the first hop
    for runs that score only it):

    ``reported`` (the final evaluation, which the run reports) and ``reported_step``; ``previous``:
    the evaluation before it (for a selected run, the number just before the stop); ``best`` and
    ``best_step`` over the history; ``rising``: the final value is above every earlier one (the
    run was still climbing when it ended, not on a plateau); ``last_gain``: final minus previous;
    ``target``, ``target_reached`` and ``first_step_at_target`` (on the arms the stop looked at:
    ``stop_decided_on``); ``held_out`` (how many items the number is a fraction of) and
    ``standard_error`` = sqrt(p(1 - p) / held_out) at the reported value."""
    cfg, history = _config(metrics), _history(metrics)
    key = _metric(history)
    points = [(h["step"], h[key]) for h in history if h.get(key) is not None]
    if not points:
        raise ValueError(f"the history holds no {key} values")
    (step, value), previous = points[-1], (points[-2] if len(points) > 1 else (None, None))
    best_step, best = max(points, key=lambda p: (p[1], -p[0]))  # the earliest of equal bests
    stopping = metrics.get("stopping") or {}
    target = stopping.get("target", cfg.get("target")) or 0
    stop_key = "val_exact_match" if stopping.get("rule") == "validation arms" else "test_exact_match"
    first = next((h["step"] for h in history if target and (h.get(stop_key) or 0) >= target), None)
    n = _held_out(metrics)
    return {
        "selection": selection(metrics),
        "metric": key,
        "reported": value,
        "reported_step": step,
        "previous": previous[1],
        "previous_step": previous[0],
        "best": best,
        "best_step": best_step,
        "rising": len(points) > 1 and value > max(v for _, v in points[:-1]),
        "last_gain": None if previous[1] is None else value - previous[1],
        "evaluations": len(points),
        "target": target,
        "stop_decided_on": ("validation arms" if stop_key == "val_exact_match" else "reported held-out arms")
                           if target else None,
        "target_reached": first is not None,
        "first_step_at_target": first,
        "held_out": n,
        "standard_error": None if not n else math.sqrt(value * (1 - value) / n),
    }
