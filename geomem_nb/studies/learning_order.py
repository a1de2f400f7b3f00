"""Which path tokens are learned first (claim C2, the paper's Fig. 4 middle and Fig. 24).

The claim is about the tokens a model has to *work out*. Two target positions are not: position 1 is
the root (the same token on every path) and position l is the leaf, copied from the prompt. So the
order is read on positions 2..l-1 (v1 .. v_{l-2}), 1-indexed as in ``evaluate``. A right-to-left
cascade means the leaf-side positions cross the accuracy level strictly before the root-side ones,
v_{l-2} first and the first hop v1 last.

``python -m geomem_nb.studies.learning_order --preset cpu --seeds 0 1 2 --out results/cpu/02_learning_order``
runs the study (several seeds, the preset's lr and a tenth of it, a fine evaluation grid) and
writes its record: the crossings of greedy per-position accuracy (``crossings``) and of teacher-forced
per-position accuracy (``crossings_teacher_forced``), since the paper's Fig. 24 does not say which."""
from __future__ import annotations

import math
import sys
import time
import numpy as np

from .. import launch, presets
from ..experiments import in_weights
from ..results import git_commit, provenance, write_json
from ..runtime import PRESETS
from ..guard import check_folder
from ..stats import as_record, from_record, spread
from ..usage import Parser, add_seeds

LEVEL = 0.5              # a position counts as learned when its held-out accuracy first reaches this
EVALS = 60               # evaluations over a run: a fine grid, so that crossings rarely tie
LOW_LR_FACTOR = 0.1      # the second learning rate of the study: a tenth of the preset's
LOW_LR_STEPS = 3         # ... with three times the steps, so that its tokens are learned at all
TEACHER_FORCED = "test_teacher_forced"  # the other reading of the paper's per-token accuracy (C2 reads both)


def learned_positions(path_length: int) -> list[int]:
    """The 1-indexed target positions a model must work out: 2 .. l-1 (root and leaf excluded)."""
    if path_length < 3:
        raise ValueError(f"path_length must be >= 3 for a path with a token to work out, got {path_length}")
    return list(range(2, path_length))


def crossings(history: list, path_length: int, key: str = "test_per_position", level: float = LEVEL) -> dict:
    """``{position: first step at which its accuracy reaches level (None: never)}`` for the learned
    positions, from a run's evaluation history."""
    rows = [h for h in history if h.get(key)]
    if not rows:
        raise ValueError(f"the history has no {key!r} records")
    steps = np.array([h["step"] for h in rows])
    acc = np.array([h[key] for h in rows])
    out = {}
    for pos in learned_positions(path_length):
        hit = acc[:, pos - 1] >= level
        out[pos] = int(steps[np.argmax(hit)]) if hit.any() else None
    return out


def is_cascade(crossing: dict) -> bool:
    """Strictly right to left: every learned position crosses, each one after the position to its right."""
    steps = [crossing[p] for p in sorted(crossing)]
    return None not in steps and all(a > b for a, b in zip(steps, steps[1:]))


def leaf_side_first(crossing: dict) -> bool:
    """The leaf-side position (v_{l-2}) crosses strictly before the first hop (v1), or the first hop
    never crosses while it does: the direction a right-to-left cascade predicts (ties between the
    positions in between do not matter)."""
    first, leaf_side = crossing[2], crossing[max(crossing)]
    return leaf_side is not None and (first is None or first > leaf_side)


def summary(per_seed: list[dict]) -> dict:
    """Across seeds: how many orders put the leaf side first, how many are strict right-to-left
    cascades, and the lag of the first hop behind the leaf-side position (steps), as mean ± sd."""
    lags = [c[2] - c[max(c)] for c in per_seed if c[2] is not None and c[max(c)] is not None]
    return {
        "seeds": len(per_seed),
        "leaf_side_first": sum(leaf_side_first(c) for c in per_seed),
        "cascades": sum(is_cascade(c) for c in per_seed),
        "first_hop_lag": as_record(spread(lags)) if lags else None,
        "crossings": [{str(p): s for p, s in c.items()} for c in per_seed],
    }


CASCADE_SHARE = 1 / 3  # the most cascades "no particular order" leaves: a third of the runs (reproduced below it)
SIGNIFICANCE = 0.05    # differs only when so many cascades would be this unlikely at that share


def first_hop_learned(crossing: dict) -> bool:
    """The run learned the first hop (v1 crosses the level): only such a run has an order to read."""
    return crossing[2] is not None


def cascade_p(cascades: int, runs: int, share: float = CASCADE_SHARE) -> float:
    """P(at least ``cascades`` strict cascades in ``runs`` runs) if each were one with probability ``share``."""
    return sum(math.comb(runs, k) * share ** k * (1 - share) ** (runs - k) for k in range(cascades, runs + 1))


def verdict(summaries: list[dict]) -> tuple[str, str]:
    """C2 read off one or more study summaries (one per learning rate or scale). The paper says the
    tokens are learned in no particular order, with no right-to-left cascade. Only runs that learned the
    first hop have an order (the others are counted aside). ``differs`` when at least two thirds of them
    are strict right-to-left cascades and that many would be unlikely (``cascade_p`` <= ``SIGNIFICANCE``)
    at a third; ``reproduced`` when at most a third are; ``partly`` between; ``inconclusive`` with fewer
    than three runs, or too few for the test."""
    orders = [{int(p): s for p, s in c.items()} for x in summaries for c in x["crossings"]]
    learned = [c for c in orders if first_hop_learned(c)]
    n, cascades = len(learned), sum(is_cascade(c) for c in learned)
    # Lags are compared within a summary (same graph and budget), never across graphs.
    lags = [from_record(s["first_hop_lag"]) for s in summaries if s["first_hop_lag"]]
    counts = (f"{cascades} of {n} runs that learned the first hop are strict right-to-left cascades (leaf side "
              f"first in {sum(leaf_side_first(c) for c in learned)})"
              + (f"; {len(orders) - n} runs that never learned the first hop left out" if len(orders) > n else "")
              + ("; first hop behind the leaf side by " + ", ".join(f"{x.mean:.0f} ± {x.sd:.0f}" for x in lags)
                 + " steps" if lags else ""))
    if n < 3:
        return "inconclusive", f"fewer than 3 runs learned the first hop: {counts}"
    if cascades * 3 >= 2 * n:
        p = cascade_p(cascades, n)
        if p <= SIGNIFICANCE:
            return "differs", (f"the tokens are learned right to left: {counts} (at most a third, as no particular "
                               f"order allows, would give so many with P = {p:.3f})")
        return "inconclusive", f"too few runs to exclude chance ordering (P = {p:.2f}): {counts}"
    if cascades * 3 <= n:
        return "reproduced", f"no right-to-left cascade: {counts}"
    return "partly", f"no consistent order: {counts}"


def one_run(label: str, cfg) -> tuple[dict, dict, float]:
    """One run of the study: (greedy crossings, teacher-forced crossings, final held-out exact match)."""
    run = in_weights(cfg, desc=f"learning order, {label}, seed {cfg.seed}")
    return (crossings(run.history, cfg.path_length), crossings(run.history, cfg.path_length, key=TEACHER_FORCED),
            run.metrics["test_exact_match"])


def _run_job(item: tuple) -> tuple:
    return one_run(*item)


def study(preset: str, seeds, low_lr: bool = True, launcher: launch.Launcher | None = None) -> dict:
    """The in-weights study: ``in-weights-small`` at ``preset`` for each seed, at the preset's lr and
    (``low_lr``) at a tenth of it with three times the steps, evaluated ``EVALS`` times per run
    (``launcher``: one job per run through it; default here, one after another)."""
    base = presets.config("in-weights-small", preset)
    out = {"graph": f"G({base.degree},{base.path_length})", "level": LEVEL, "runs": {}}
    grid = [("preset lr", base.lr, base.steps)]
    if low_lr:
        grid.append(("lr / 10", base.lr * LOW_LR_FACTOR, base.steps * LOW_LR_STEPS))
    todo = [(label, base.with_(seed=seed, lr=lr, steps=steps, eval_every=max(steps // EVALS, 1)))
            for label, lr, steps in grid for seed in seeds]
    done = (launch.each(_run_job, todo, launcher, "learning-order") if launcher is not None
            else [one_run(*item) for item in todo])
    for label, lr, steps in grid:
        got = [r for (lab, _), r in zip(todo, done) if lab == label]  # in the order of seeds
        per_seed, forced, finals = (list(x) for x in zip(*got))
        out["runs"][label] = {"lr": lr, "steps": steps, "eval_every": max(steps // EVALS, 1),
                              "test_exact_match": as_record(spread(finals)), **summary(per_seed),
                              "crossings_teacher_forced": summary(forced)["crossings"]}
    return out


WHAT = """Measure which tokens of a path a model learns first (claim C2; the paper's Fig. 4, middle, and
    Fig. 24): in-weights runs over several seeds, at the preset's learning rate and at a tenth of it,
    evaluated often; for each position of the path, the step at which its held-out accuracy first reaches
    one half (read both greedily and teacher-forced). Writes metrics.json to --out. With --launcher, each
    run is a job of its own."""
EXAMPLES = ["python -m geomem_nb.studies.learning_order --preset ci --seeds 0 --out outputs/ci/learning_order",
            "python -m geomem_nb.studies.learning_order --preset cpu --seeds 0 1 2 --out results/cpu/02_learning_order"]


def main(argv=None) -> None:
    p = Parser(prog="python -m geomem_nb.studies.learning_order", what=WHAT, examples=EXAMPLES)
    p.add_argument("--preset", choices=PRESETS, default="cpu", help="the runs' size (default cpu)")
    add_seeds(p, (0, 1, 2))
    p.add_argument("--out", required=True, help="folder for metrics.json")
    launch.add_arguments(p, launcher=None)  # one job per run (seed and lr) when asked
    a = p.parse_args(argv)
    launcher = launch.from_args(p, a, jobs=2 * len(a.seeds))
    with p.refusing():
        check_folder(a.out, "--out")
    t0, commit = time.perf_counter(), git_commit()
    record = study(a.preset, a.seeds, launcher=launcher)
    from ..runtime import device, device_name
    command = " ".join(["python -m geomem_nb.studies.learning_order"] + list(sys.argv[1:] if argv is None else argv))
    record.update(preset=a.preset, provenance=provenance(device_name(device()), time.perf_counter() - t0,
                                                         command, commit))
    write_json(record, f"{a.out}/metrics.json")


if __name__ == "__main__":
    main()
