"""The paper-scale runs' budgets: what ``reproduce`` plans for each run today beside what the shipped
run was given and got, with the reason it stopped, all read from the run's record (its config, steps,
training seconds and the command in its provenance)."""
from __future__ import annotations

import re

from pathlib import Path

from .. import presets, reproduce
from ..results import RESULTS, read_record
from .configs import planned_steps
from .regime import stopping

# Settings that say where or how a run was made, not what it trained: never a budget difference.
_NOT_BUDGET = ("seed", "preset", "checkpoint_dir", "checkpoint_every", "compile", "cuda_graphs", "attention")


def paper_scale_runs(root: Path = RESULTS) -> dict:
    """name -> metrics, for every shipped run of a ``reproduce`` experiment (``results/<name>/``)."""
    out = {}
    for name in sorted(presets.PAPER_RUNS):
        path = Path(root) / name / "metrics.json"
        if path.exists():
            out[name] = read_record(path)
    return out


def _limit(x) -> str:
    return f"{x:g} s" if x else "none"


def why_stopped(m: dict) -> str:
    """How the run ended, from its record: at its target, at its time limit, or at the end of its steps."""
    cfg, steps = m["config"], m["steps"]
    planned, budget, seconds = planned_steps(cfg), cfg.get("time_budget") or 0.0, m.get("train_seconds") or 0.0
    text, selected = stopping(cfg, m)
    if selected:
        return f"{text}, after {seconds:,.0f} s of training"
    if steps < planned and budget:
        rate = steps / seconds if seconds else 0.0
        need = f"; at its {rate:,.0f} steps/s the {planned:,} steps would take about {planned / rate:,.0f} s" if rate else ""
        return (f"its time limit: {seconds:,.0f} s of training against a limit of {budget:g} s, at step {steps:,} "
                f"of {planned:,}{need}")
    return f"all {steps:,} planned steps, in {seconds:,.0f} s"


def stopped_by(m: dict) -> str:
    """What ended the run, in a few words (``why_stopped`` says it in full)."""
    cfg = m["config"]
    if stopping(cfg, m)[1]:
        return "its held-out target (its number selected on those leaves)"
    return "its time limit" if m["steps"] < planned_steps(cfg) and cfg.get("time_budget") else "the end of its steps"


def _differences(plan: dict, run: dict) -> list[str]:
    """Settings the run saved that differ from today's plan (the time limit has its own column; a
    setting the run's record lacks postdates it and is not compared)."""
    keys = sorted(k for k in run if k in plan and k not in _NOT_BUDGET + ("time_budget",) and plan[k] != run[k])
    return [f"{k} {run[k]} (plan {plan[k]})" for k in keys]


def repo_relative(command: str, name: str) -> str:
    """A saved run's command as the page prints it: an ``--out`` folder outside the repository (a
    temporary folder on the machine that ran it) becomes the folder the run is shipped in."""
    return re.sub(r"(--out[ =])(/\S+)", lambda m: m.group(1) + f"results/{name}", command)


def budget_rows(root: Path = RESULTS) -> list[dict]:
    """One row per shipped paper-scale run: today's plan, what the run was given (and the command that
    gave it), the steps it got and why it stopped."""
    rows = []
    for name, m in paper_scale_runs(root).items():
        plan = reproduce.plan(name, "paper")[0].record()
        cfg, prov = m["config"], m.get("provenance", {})
        command = prov.get("command") or ""
        given = cfg.get("time_budget") or 0.0
        if given == (plan.get("time_budget") or 0.0):
            source = "the plan's own limit"
        elif "--time-budget" in command:
            source = "set on the run's command line (--time-budget), not the plan's"
        else:
            source = "not the plan's: the plan has changed since the run"
        rows.append(dict(run=f"results/{name}",
                         plan=f"≤ {planned_steps(plan):,} steps; time limit {_limit(plan.get('time_budget'))}; "
                              f"target {plan.get('target') or 'none'}",
                         given=f"≤ {planned_steps(cfg):,} steps; time limit {_limit(given)} ({source}); "
                               f"target {cfg.get('target') or 'none'}",
                         got=f"{m['steps']:,} steps ({m['steps'] / planned_steps(cfg):.0%} of its plan) on "
                             f"{prov.get('device', m.get('device', '?'))}",
                         stopped=why_stopped(m), by=stopped_by(m),
                         other=", ".join(_differences(plan, cfg)) or "none",
                         command=f"{repo_relative(command, name)} (commit {str(prov.get('git_commit', ''))[:8]})"))
    return rows
