"""The decisive runs of chapter 08's regime-confounded claims, over seeds, stored as one record:

* C17: backward-only edges with reverse paths, diagnosed position by position (greedy and teacher-forced
  accuracy of each target token of the held-out reverse paths), at a lower lr, and without the leaf's
  copy as the first target (``leaf_echo=False``: the target starts at the leaf's parent);
* C18: pause counts on a *frontier* cell (one node longer arms than the base run: the baseline far from
  the ceiling at the end of the budget), read on speed (steps to a held-out level, area under the
  held-out curve), paired by seed;
* C19: two-phase training at the paper's phase-1 and phase-2 peak lr (ratio 1/200), a fine evaluation
  grid in phase 2 and edge recovery at each phase-2 evaluation.

    python -m geomem_nb.studies.edges_pauses_phases --preset cpu --seeds 0 1 2 --out results/cpu/08_decisive_c17_c19
"""
from __future__ import annotations

import time
from functools import partial
from pathlib import Path

import numpy as np

from .. import launch, results, stats
from . import what_else_matters
from ..paper import IN_WEIGHTS, paper
from ..results import provenance, write_json
from ..runtime import device, device_name

RECORD = "08_decisive_c17_c19"
SEEDS = (0, 1, 2)
LR_FACTOR = 1 / 3      # C17's lr variation: the base lr times this
PAUSES = (0, 1, 2, 4)  # C18's pause counts
LEVEL = 0.1            # C18: the held-out exact match whose first crossing times a run (fixed before the runs)
C17_VARIANTS = ("as in the sweep", "lower lr", "no leaf echo")
# ci: the in-weights-small run shrunk to a few seconds for the whole record (a unit test's size)
CI = dict(degree=20, steps=40, eval_every=8, warmup=4, batch_size=64)


def base_config(preset: str | None = None, seed: int | None = None, **overrides):
    """Chapter 08's base run (``what_else_matters.base_config``), shrunk to ``CI`` at the ci preset."""
    return what_else_matters.base_config(preset, seed, **{**(CI if preset == "ci" else {}), **overrides})


def paper_lrs() -> tuple[float, float]:
    """The paper's (phase-1, phase-2) peak lr of two-phase training (§D.3)."""
    return tuple(paper("staged_lr", IN_WEIGHTS)["value"])


def c17_overrides(base) -> dict:
    """C17's variants -> overrides of the base run: backward-only edges, reverse paths."""
    run = dict(edges="backward", path_direction="reverse")
    return {"as in the sweep": run, "lower lr": dict(run, lr=base.lr * LR_FACTOR),
            "no leaf echo": dict(run, leaf_echo=False)}


def frontier(base) -> dict:
    """C18's cell: arms one node longer than the base run's, evaluated twice as often (speed needs a
    finer curve). A probe at cpu (seed 0: G(300,6), 600 steps) left the no-pause run near 0.2."""
    return dict(path_length=base.path_length + 1, eval_every=max(base.eval_every // 2, 1))


def c19_overrides(base) -> dict:
    """C19's staged run: the edges alone for the base budget at the paper's phase-1 lr, then the paths
    alone for twice it at the paper's phase-2 lr (1/200 of phase 1), evaluated 4x as often (a short-lived
    peak shows on a grid of 1/48 of phase 2)."""
    e, p = paper_lrs()
    return dict(schedule="staged", edge_steps=base.steps, edge_lr=e, lr=p, steps=2 * base.steps,
                eval_every=max(base.eval_every // 4, 1))


def steps_to(history, level: float = LEVEL) -> tuple[float, bool]:
    """(step of the first evaluation at or above ``level``, reached); a run that never gets there counts
    at its last step plus one evaluation interval (censored: the budget is a lower bound)."""
    rows = [h for h in history if h.get("test_exact_match") is not None]
    for h in rows:
        if h["test_exact_match"] >= level:
            return float(h["step"]), True
    gap = rows[-1]["step"] - rows[-2]["step"] if len(rows) > 1 else rows[-1]["step"]
    return float(rows[-1]["step"] + gap), False


def c17(base) -> tuple[dict, dict]:
    """C17's numbers for one seed (keys 'c17/<variant>/...'), and nothing to curve."""
    m = {}
    for name, o in c17_overrides(base).items():
        r = what_else_matters._run(base, f"C17 {name}", **o)
        for k in ("test_exact_match", "train_exact_match", "edge_recovery"):
            m[f"c17/{name}/{k}"] = r.metrics[k]
        m[f"c17/{name}/lr"] = r.config["lr"]
        for j, (g, f) in enumerate(zip(r.metrics["test_per_position"], r.metrics["test_teacher_forced"])):
            m[f"c17/{name}/greedy/{j}"], m[f"c17/{name}/forced/{j}"] = g, f
    return m, {}


def c18(base) -> tuple[dict, dict]:
    """C18's numbers for one seed (keys 'c18/<pauses>/...') and each count's held-out curve."""
    m, curves = {}, {}
    cell = frontier(base)
    for k in PAUSES:
        r = what_else_matters._run(base, f"C18 {k} pauses", pause_tokens=k, **cell)
        step, reached = steps_to(r.history)
        m.update({f"c18/{k}/test_exact_match": r.metrics["test_exact_match"], f"c18/{k}/held_out_auc":
                  what_else_matters.held_out_auc(r), f"c18/{k}/steps_to_level": step, f"c18/{k}/reached": float(reached),
                  f"c18/{k}/train_exact_match": r.metrics["train_exact_match"]})
        curves[str(k)] = [[h["step"], h["test_exact_match"]] for h in r.history]
    return m, curves


def c19(base) -> tuple[dict, dict]:
    """C19's numbers for one seed (keys 'c19/...') and its phase-2 curves (held-out exact match, train
    exact match, edge recovery)."""
    o = c19_overrides(base)
    r = what_else_matters._run(base, "C19 staged at the paper's lrs", **o)
    ph = [h for h in r.history if h["phase"] == "paths"]
    em = np.array([h["test_exact_match"] for h in ph])
    edges = np.array([h["edge_recovery"] for h in ph])
    i = int(np.argmax(em))
    m = {"c19/peak": float(em[i]), "c19/final": float(em[-1]), "c19/peak_step": float(ph[i]["step"] - o["edge_steps"]),
         "c19/fall": float(em[i] - em[-1]), "c19/train_exact_match": r.metrics["train_exact_match"],
         "c19/train_peak": max(h["train_exact_match"] for h in ph),
         "c19/edge_phase_edge_recovery": r.metrics["edge_phase_edge_recovery"],
         "c19/edge_recovery_min": float(edges.min()), "c19/edge_recovery_final": float(edges[-1]),
         "c19/edge_recovery_at_peak": float(edges[i]), "c19/edge_lr": o["edge_lr"], "c19/path_lr": o["lr"]}
    curves = {"steps": [h["step"] - o["edge_steps"] for h in ph], "test_exact_match": em.tolist(),
              "train_exact_match": [h["train_exact_match"] for h in ph], "edge_recovery": edges.tolist()}
    return m, curves


def run_seed(preset: str | None, seed: int, **overrides) -> tuple[dict, dict]:
    """Every decisive run of one seed: (flat numbers, {claim: curves})."""
    base = base_config(preset, seed, **overrides)
    m, curves = {"chance": 1 / base.degree}, {}
    for name, fn in (("c17", c17), ("c18", c18), ("c19", c19)):
        got, curves[name] = fn(base)
        m.update(got)
    return m, curves


def sweep(preset: str | None, seeds, launcher: launch.Launcher | None = None, **overrides) -> tuple[dict, dict]:
    """({measurement: Spread over ``seeds``}, {claim: [curves of each seed]}); ``launcher``: one job per
    seed through it (default: here, one after another)."""
    seeds = what_else_matters.check_seeds(seeds)
    if launcher is not None:
        per_seed = launch.each(partial(what_else_matters.seed_job, run_seed, preset, overrides), seeds, launcher, "seeds-" + RECORD)
    else:
        per_seed = [run_seed(preset, s, **overrides) for s in seeds]
    spreads = {k: stats.spread([m[k] for m, _ in per_seed]) for k in per_seed[0][0]}
    curves = {c: [cv[c] for _, cv in per_seed] for c in per_seed[0][1]}
    return spreads, curves


def describe(base) -> dict:
    """What each part of the record was run on."""
    e, p = paper_lrs()
    c18_ = base.with_(**frontier(base))
    return {"graph": f"G({base.degree},{base.path_length})", "steps": base.steps, "lr": base.lr,
            "c17_lrs": [base.lr, base.lr * LR_FACTOR], "c18_graph": f"G({c18_.degree},{c18_.path_length})",
            "c18_eval_every": c18_.eval_every, "level": LEVEL,
            "c19": {"edge_steps": base.steps, "edge_lr": e, "path_steps": 2 * base.steps, "path_lr": p,
                    "eval_every": c19_overrides(base)["eval_every"]}}


def write(out, preset: str, seeds, spreads: dict, curves: dict, seconds: float, command: str | None = None,
          **overrides) -> Path:
    path = Path(out) / "metrics.json"
    write_json({"preset": preset, "seeds": list(seeds), "graph": describe(base_config(preset, **overrides)),
                "measurements": {k: stats.as_record(s) for k, s in spreads.items()}, "curves": curves,
                "provenance": provenance(device_name(device()), seconds, command)}, path)
    return path


def pause_curves(rec: dict) -> dict:
    """C18's held-out curves for ``viz.seed_curves``: '<k> pause tokens' -> (steps, [values per seed])."""
    out = {}
    for k in PAUSES:
        runs = [c[str(k)] for c in rec["curves"]["c18"]]
        out[f"{k} pause tokens"] = ([s for s, _ in runs[0]], [[v for _, v in r] for r in runs])
    return out


def phase2_curves(rec: dict) -> dict:
    """C19's phase-2 curves for ``viz.seed_curves``: measurement -> (phase-2 steps, [values per seed])."""
    runs = rec["curves"]["c19"]
    names = {"test_exact_match": "held-out exact match", "train_exact_match": "train exact match",
             "edge_recovery": "edge recovery"}
    return {label: (runs[0]["steps"], [r[k] for r in runs]) for k, label in names.items()}


def positions(sp: dict, variant: str, kind: str = "forced") -> list:
    """The per-position Spreads of a C17 variant ('forced' or 'greedy'), in target order."""
    out = []
    while f"c17/{variant}/{kind}/{len(out)}" in sp:
        out.append(sp[f"c17/{variant}/{kind}/{len(out)}"])
    return out


def paired(sp: dict, key: str, k: int, lower_better: bool = False) -> stats.Spread:
    """C18: the gain of ``k`` pause tokens over none on ``key`` ('steps_to_level': fewer steps is a
    gain; 'held_out_auc'), paired by seed."""
    a, b = sp[f"c18/{k}/{key}"].values, sp[f"c18/0/{key}"].values
    return stats.spread([(y - x) if lower_better else (x - y) for x, y in zip(a, b)])


def regime_lines(rec: dict) -> list:
    """How each decisive run differs from the paper's, from the record's own description."""
    g = rec["graph"]
    c = g["c19"]
    e, p = paper_lrs()
    return [f"C17: {g['graph']}, {g['steps']} steps, lr {g['c17_lrs'][0]:g} and {g['c17_lrs'][1]:g} (the lower lr); "
            "the 'no leaf echo' run asks for a reverse target that starts at the leaf's parent, a format of ours "
            "(the official code's reversed target starts with the leaf)",
            f"C18: the frontier cell {g['c18_graph']} (not a graph of the paper), {g['steps']} steps, evaluated every "
            f"{g['c18_eval_every']} steps; speed = steps to held-out exact match {g['level']:g} (fixed before the runs; "
            "a run that never gets there counts one evaluation past its budget) and the area under the held-out curve",
            f"C19: {g['graph']}; phase 1 {c['edge_steps']} steps at peak lr {c['edge_lr']:g}, phase 2 {c['path_steps']} "
            f"steps at peak lr {c['path_lr']:g} (the paper's: {e:g}, then {p:g}), evaluated every {c['eval_every']} steps; "
            "our small GPT and budget (epochs on the deviations page)"]


def spreads(rec: dict) -> dict:
    """{measurement: Spread} of a record (``load`` or ``results.shipped``)."""
    return {k: stats.from_record(v) for k, v in rec["measurements"].items()}


def load(preset: str = "cpu", root=None) -> dict | None:
    """The shipped record of ``preset`` with its measurements as Spreads, or None when it is not there."""
    rec = results.read_at(preset, RECORD, root)
    return None if rec is None else {**rec, "spreads": spreads(rec)}


WHAT = """Run, over seeds, the follow-up runs of three of chapter 8's claims (C17 to C19) whose first test
    could not tell the claim from our training setup: backward-only edges with reverse paths, read token by
    token (C17); pause tokens on a run still far from its ceiling, read on learning speed (C18); two-phase
    training at the paper's two learning rates (C19). Writes the spread of each number over the seeds
    (mean ± sd) and the learning curves to metrics.json in --out."""
EXAMPLES = ["python -m geomem_nb.studies.edges_pauses_phases --preset ci --seeds 0 --out outputs/ci/decisive_c17_c19",
            "python -m geomem_nb.studies.edges_pauses_phases --preset cpu --seeds 0 1 2"]


def main(argv=None) -> int:
    args, out, command = what_else_matters.seeds_cli("geomem_nb.studies.edges_pauses_phases", WHAT, EXAMPLES, RECORD, argv, SEEDS)
    t0 = time.perf_counter()
    spreads, curves = sweep(args.preset, args.seeds, args.launcher)
    path = write(out, args.preset, args.seeds, spreads, curves, time.perf_counter() - t0, command)
    for k, s in spreads.items():
        print(f"{k:50s} {s}")
    print("wrote", path)
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
