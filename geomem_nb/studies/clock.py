"""Chapter 9's clock test, read out: is the cost of each +1 in l a delay on an optimizer clock (lr x weight
decay, the grokking literature's clock), or a property of the task?

Each setting's cost curve (steps to held-out 0.5 at l = 5..8, two seeds; ``long_path.cost_curve``) is
fitted as log(steps) against l (``long_path.growth``: the factor per +1 in l, its interval). Two answers:
- *does the factor fall as the clock speeds up?* the fastest clock's interval against the slowest's;
- *does steps x lr x wd collapse?* one line log(steps) = a_l + beta log(lr x wd) over every run that
  reached 0.5 (a_l: one level per l): beta = -1 is a pure clock (the product is constant), beta = 0 a
  cost the clock does not touch. The equal-clock pair (lr 1e-2 x 0.1 against lr 3e-3 x 0.33) is the
  direct check: a pure clock gives them equal steps."""
from __future__ import annotations

import math

import numpy as np

from .. import results, stats
from . import long_path, path_length_map
from ..checks import check_choice
from ..runtime import PRESETS

DEGREE = 100
PAIR = ("lr 1e-2, weight decay 0.1", "lr 3e-3, weight decay 0.33")  # equal lr x wd
SETTINGS = (path_length_map.COST_KNOB, path_length_map.PUSH_KNOB, *path_length_map.CLOCK_KNOBS)  # the cost curves compared
COMMAND = "bash results/make_records.sh clock"


def load(preset: str) -> tuple[list[dict], str]:
    """Every run of the cost curves at d = 100: the long-path study's (the recipe and the push's setting)
    and the clock test's, as far as they are shipped (the clock test is hours of one core; its runs are
    read as they finish). Without the shipped records: at ci the clock test's one ci cell runs here."""
    check_choice("preset", preset, PRESETS)
    rows = [r for r in (path_length_map.shipped("cpu", "frontier") or []) if r["degree"] == DEGREE]
    rows = [r for r in rows if r.get("knob") in SETTINGS]
    if results.RESULTS is not None:
        rows += path_length_map.collect(results.RESULTS / "cpu" / path_length_map.FOLDERS["clock"], "cpu", "clock")
    if rows:
        return rows, f"results/cpu/{path_length_map.FOLDERS['frontier']} and results/cpu/{path_length_map.FOLDERS['clock']}"
    if preset != "ci":
        return [], f"not shipped; the clock test is hours of one core: {COMMAND}"
    return path_length_map.run_here("clock", workers=1)


def clock(run: dict) -> float:
    """The run's lr x weight decay, from its recorded config."""
    return run["config"]["lr"] * run["config"]["weight_decay"]


def settings(rows: list[dict]) -> list[dict]:
    """One entry per setting present, slowest clock first: its knob, lr, weight decay, clock, cost curve
    (``long_path.cost_curve``, only the lengths run so far) and growth (None below two lengths reached)."""
    out = []
    for knob in SETTINGS:
        runs = [r for r in rows if r.get("knob") == knob]
        if not runs:
            continue
        curve = long_path.cost_curve(runs, knob, DEGREE)
        cfg = runs[0]["config"]
        out.append({"setting": knob, "name": name({"lr": cfg["lr"], "weight decay": cfg["weight_decay"]}), "lr": cfg["lr"], "weight decay": cfg["weight_decay"], "clock": clock(runs[0]),
                    "curve": curve, "growth": long_path.growth(curve), "runs": len(runs)})
    return sorted(out, key=lambda s: s["clock"])


def points(rows: list[dict]) -> list[tuple[int, float, int]]:
    """(l, lr x wd, steps to 0.5) of every run that reached 0.5 (an upper bound on the evaluation grid)."""
    out = []
    for r in rows:
        if r.get("knob") in SETTINGS and r["degree"] == DEGREE:
            s = long_path.steps_to(r["history"])
            if s is not None:
                out.append((r["path_length"], clock(r), s))
    return out


def collapse(rows: list[dict], level: float = 0.95) -> dict | None:
    """log(steps) = a_l + beta log(lr x wd) by least squares over ``points``: beta, its ``level`` interval
    (Student t), the points and clocks used. None without two clocks at one l (beta is then not defined)."""
    pts = points(rows)
    lengths = sorted({p[0] for p in pts})
    shared = [ell for ell in lengths if len({p[1] for p in pts if p[0] == ell}) > 1]
    pts = [p for p in pts if p[0] in shared]
    if not pts:
        return None
    lengths = sorted({p[0] for p in pts})
    X = [[math.log(c)] + [float(ell == e) for e in lengths] for ell, c, _ in pts]
    coef, interval = stats.least_squares(X, np.log([s for *_, s in pts]), level)
    return {"beta": float(coef[0]), "interval": interval, "points": len(pts), "lengths": lengths,
            "clocks": sorted({p[1] for p in pts})}


def pair_ratio(rows: list[dict]) -> dict[int, float]:
    """At each l both equal-clock settings reached on every seed: mean steps of the lower lr over the
    higher (a pure clock gives 1)."""
    by = {k: {c["l"]: c for c in long_path.cost_curve([r for r in rows if r.get("knob") == k], k, DEGREE)}
          for k in PAIR}
    both = sorted(set(by[PAIR[0]]) & set(by[PAIR[1]]))
    return {ell: by[PAIR[1]][ell]["steps to 0.5"].mean / by[PAIR[0]][ell]["steps to 0.5"].mean
            for ell in both if by[PAIR[0]][ell]["reached"] and by[PAIR[1]][ell]["reached"]}


def answer(found: list[dict], fit: dict | None) -> dict:
    """The two questions in words, from ``settings`` and ``collapse``: whether the factor per +1 in l falls
    as the clock speeds up (the fastest clock's interval wholly below the slowest's), and whether the
    steps collapse on lr x wd (beta's interval holds -1 and excludes 0)."""
    fitted = [s for s in found if s["growth"] and s["growth"]["interval"]]
    if len(fitted) < 2:
        factor = "cannot tell yet: fewer than two settings have a fitted factor with an interval"
    else:
        slow, fast = fitted[0]["growth"]["interval"], fitted[-1]["growth"]["interval"]
        factor = ("falls" if fast[1] < slow[0] else "rises" if fast[0] > slow[1]
                  else "no change beyond the intervals")
    if not fit or not fit["interval"]:
        steps = "cannot tell yet: too few runs at shared lengths"
    else:
        lo, hi = fit["interval"]
        steps = ("collapses (a pure clock)" if lo <= -1 <= hi and hi < 0 else
                 "does not depend on the clock" if lo <= 0 <= hi and not lo <= -1 else
                 "partly: the clock speeds it, less than in proportion" if -1 < lo and hi < 0 else
                 "cannot tell: the interval holds both a pure clock and no clock" if lo <= -1 and hi >= 0 else
                 "faster than in proportion to the clock" if hi < -1 else "slower with a faster clock")
    return {"factor": factor, "collapse": steps}


def _num(x: float) -> str:
    """1e-2, 3e-3, 0.33: a setting as the book writes it."""
    return f"{x:.0e}".replace("e-0", "e-") if x < 0.1 else f"{x:g}"


def name(s: dict) -> str:
    """A setting in words: its lr and weight decay."""
    return f"lr {_num(s['lr'])}, weight decay {_num(s['weight decay'])}"


def _steps(c: dict) -> str:
    s = c["steps to 0.5"]
    if s is None:
        return f"not within {c['budget']:,}"
    text = f"{s.mean:,.0f}" + (f" ± {s.sd:,.0f}" if s.n > 1 else "")
    return text + ("" if c["reached"] else f" ({c['reached 0.5']} of {c['seeds']} seeds)")


def _factor(g: dict | None) -> str:
    if not g:
        return "—"
    text = f"×{g['factor per l']:.1f}"
    if g["interval"]:
        text += f" (95%: ×{g['interval'][0]:.1f}–×{g['interval'][1]:.1f})"
    if g["leave one out"]:
        text += f"; leaving one length out ×{g['leave one out'][0]:.1f}–×{g['leave one out'][1]:.1f}"
    return text


def table_rows(found: list[dict], lengths=tuple(path_length_map.COST_BUDGETS)) -> list[dict]:
    """One row per setting for ``viz.table``: lr x weight decay, the steps to 0.5 at each l (mean ± sd over
    the seeds that reached it; "not run yet" where no run is in), and the factor per +1 in l."""
    out = []
    for s in found:
        by = {c["l"]: c for c in s["curve"]}
        row = {"setting": s["name"], "lr × wd": _num(s["clock"])}
        row.update({f"ℓ = {ell}": _steps(by[ell]) if ell in by else "not run yet" for ell in lengths})
        row["factor per +1 in ℓ"] = _factor(s["growth"])
        out.append(row)
    return out


# Related work, as each paper states it (the book's bibliography keys), set beside our numbers.
RELATED = [
    {"work": "Liu et al. 2023 (Omnigrok)", "key": "liu2023omnigrok",
     "task": "grokking: algorithmic data, images, text, molecules",
     "what one more hop costs": "—",
     "the optimizer's clock": "the delay before generalization scales as 1 / weight decay"},
    {"work": "Yao et al. 2025", "key": "yao2025implicit",
     "task": "implicit k-hop reasoning over facts, GPT-2-style models from scratch, k = 2, 3, 4",
     "what one more hop costs": "training data grows exponentially in k; the layers needed grow linearly in k",
     "the optimizer's clock": "—"},
]


def related_rows(found: list[dict], fit: dict | None, one_schedule: dict | None = None) -> list[dict]:
    """``RELATED`` and our row beside them: the factor per +1 in l of the cheapest setting (and on one
    schedule, where fitted) and the collapse fit's power of lr x weight decay (``fit``: ``collapse``)."""
    grown = [s for s in found if s["growth"]]
    cheapest = min(grown, key=lambda s: s["growth"]["factor per l"], default=None)
    cost = (f"per +1 in ℓ, the steps to held-out 0.5 grow {_factor(cheapest['growth'])} with {cheapest['name']} "
            "(each ℓ at its own budget)" if cheapest else "—")
    if one_schedule:
        cost += f"; on one schedule {_factor(one_schedule)}"
    clock_text = (f"steps ∝ (lr × weight decay) to the power {fit['beta']:+.2f} (95%: {fit['interval'][0]:+.2f} to "
                  f"{fit['interval'][1]:+.2f}); a pure clock gives −1" if fit and fit.get("interval") else "—")
    ours = {"work": "this book", "task": "in-weights path-star, d = 100, 2 layers, width 64 (cpu)",
            "what one more hop costs": cost, "the optimizer's clock": clock_text}
    return [{k: v for k, v in r.items() if k != "key"} for r in RELATED] + [ours]
