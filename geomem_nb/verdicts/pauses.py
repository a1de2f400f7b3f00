"""C18: pause tokens, read on the endpoint and on speed, paired by seed."""
from __future__ import annotations

from ..studies import edges_pauses_phases as dc
from ..stats import above, ordered
from .base import Get, Verdict, bound, judge, not_run, rule
from .grading import outcome
from .what_else import CEILING, PAUSES, _decisive, _learned_worst, _paired_gain, _seeds


def _paired_bounds(spreads: dict, lower_better: bool) -> dict:
    """Pause count -> (low, high): mean -/+ 2 sd of its paired gain over no pause (a gain: faster, or a
    larger area), by seed."""
    sign = -1 if lower_better else 1
    out = {}
    for k in PAUSES[1:]:
        d = [sign * (x - y) for x, y in zip(spreads[k].values, spreads[0].values)]
        out[k] = (-bound([-x for x in d]), bound(d))
    return out


def _speed_reading(spreads: dict, what: str, lower_better: bool) -> tuple[str, str, float]:
    """(status, reason, the largest gain left open) of one speed reading of C18 on the frontier cell,
    paired by seed: a gain counts when its paired mean - 2 sd is above 0."""
    b = _paired_bounds(spreads, lower_better)
    line = f"{what}: " + "; ".join(f"{k} pauses {spreads[k]}" for k in PAUSES)
    wins = [k for k in PAUSES[1:] if b[k][0] > 0]
    s = [spreads[k] for k in PAUSES]
    more = ordered(s[::-1] if lower_better else s)
    gain = max(hi for _, hi in b.values())
    if wins and more:
        return "reproduced", f"{line}: pauses help (paired), and more pauses more, beyond the spread", gain
    if wins:
        return "partly", f"{line}: {', '.join(map(str, wins))} pauses beat none (paired mean - 2 sd > 0); more pauses not better", gain
    if gain <= 0:
        return "differs", f"{line}: pauses change it by at most {gain:+.3g} (paired by seed, mean + 2 sd): no gain", gain
    return "inconclusive", f"{line}: no pause count beats none (paired); a gain up to {gain:+.3g} is left open", gain


def _c18_decisive(sp: dict, where: str, rec: dict, endpoint: str) -> Verdict:
    """C18 on the frontier cell of the decisive record, read on speed (the paper's reading)."""
    g = rec["graph"]
    level = g.get("level", dc.LEVEL)
    base = sp["c18/0/test_exact_match"]
    found = {f"steps to held-out {level:g}": _speed_reading({k: sp[f"c18/{k}/steps_to_level"] for k in PAUSES},
                                                           f"steps to held-out exact match {level:g}", True),
             "area": _speed_reading({k: sp[f"c18/{k}/held_out_auc"] for k in PAUSES},
                                    "area under the held-out curve", False)}
    cell = f"{where}, frontier cell {g['c18_graph']}, evaluated every {g['c18_eval_every']} steps"
    evidence = [f"{cell}: " + why for _, why, _ in found.values()] + [endpoint]
    reason = f"on the frontier cell {g['c18_graph']} (no-pause final {base}): " + " | ".join(w for _, w, _ in found.values())
    control = "the same frontier run with no pause token, paired by seed"
    said = {r: f"{r}: {SAY[st]}" + (f" (a gain up to {gain:.3g} left open)" if st == "inconclusive" else "")
            for r, (st, _, gain) in found.items()}
    short = (f"On the frontier cell {g['c18_graph']} (cpu, {base.n} seeds, no-pause final {base.mean:.2f}), "
             + "; ".join(said.values()))
    outcomes = [outcome(st) for st, _, _ in found.values()]
    if not all(_learned_worst(sp, f"c18/{k}/") for k in PAUSES):
        outcomes, short = ["under-trained"], short + "; a frontier run did not learn its training paths"
    elif base.n < 3:
        outcomes = ["open"]
    elif base.mean >= CEILING:
        outcomes, short = ["far"], short + "; the baseline is near the ceiling"
    steps_gain = found[f"steps to held-out {level:g}"][2]
    return judge(outcomes, short, evidence, control,
                 excludes=f"a speed-up from pauses: steps to {level:g} shortened by more than {max(steps_gain, 0):.0f} "
                          f"and the area raised by more than {max(found['area'][2], 0):.3f} (paired mean + 2 sd)",
                 decide="more seeds on the frontier cell", detail=[why for _, why, _ in found.values()])


SAY = {"reproduced": "pauses help, and more pauses more", "partly": "some pause count helps",
       "differs": "no gain, and the paired spread excludes one", "inconclusive": "no gain beyond the paired spread"}


def _c18_headline(get: Get) -> str:
    dec = _decisive(get)
    if not (dec and "c18/0/steps_to_level" in dec[0]):
        return ""
    sp = dec[0]
    steps = [sp[f"c18/{k}/steps_to_level"].mean for k in PAUSES]
    return (f"steps to held-out {dec[2]['graph'].get('level', dc.LEVEL):g}: {steps[0]:.0f} without pauses, "
            f"{min(steps[1:]):.0f} to {max(steps[1:]):.0f} with")


def _pause_reading(spreads: dict, what: str) -> tuple[str, str]:
    """(status, reason) of one reading of C18 (``spreads``: pause count -> Spread of ``what``)."""
    s = [spreads[k] for k in PAUSES]
    line = f"{what}: " + "; ".join(f"{k} pauses {spreads[k]}" for k in PAUSES)
    if above(s[1], s[0]) and ordered(s):
        return "reproduced", f"{line}: pauses help, and more pauses more, beyond the spread"
    if any(above(x, s[0]) for x in s[1:]):
        return "partly", f"{line}: some pause count beats none beyond the spread, more pauses not better"
    gain = max(_paired_gain(x, s[0]) for x in s[1:])
    if gain <= 0:
        return "differs", f"{line}: pauses change it by at most {gain:+.3f} (paired by seed, mean + 2 sd): no gain"
    return "inconclusive", f"{line}: no pause count beats none beyond the spread; a gain up to {gain:+.3f} is left open"


@rule(headline=lambda get: _c18_headline(get))
def c18(get: Get) -> Verdict:
    """Read two ways, as the paper says both: exact match at a given training time (the endpoint, same
    steps) and convergence speed (``pauses/<k>/held_out_auc``: the area under the held-out curve over the
    run, where recorded). The endpoint cannot show a boost from a baseline near the ceiling."""
    got = _seeds(get)
    if not got:
        return not_run("the multi-seed sweep of chapter 8")
    sp, where, _ = got
    readings = {"endpoint (held-out exact match, same steps)": {k: sp[f"pauses/{k}/test_exact_match"] for k in PAUSES}}
    if all(f"pauses/{k}/held_out_auc" in sp for k in PAUSES):
        readings["speed (area under the held-out curve)"] = {k: sp[f"pauses/{k}/held_out_auc"] for k in PAUSES}
    found = {r: _pause_reading(x, r) for r, x in readings.items()}
    evidence = [f"{where}: " + why for _, why in found.values()]
    reason = " | ".join(why for _, why in found.values())
    statuses = [st for st, _ in found.values()]
    base = sp["pauses/0/test_exact_match"]
    decide = ("pause counts on a frontier cell where the baseline is far from the ceiling, judged on speed (area under "
              "the held-out curve), >= 3 seeds")
    if len(found) == 1:
        reason += " | speed: not recorded"
    dec = _decisive(get)
    if dec and "c18/0/steps_to_level" in dec[0]:
        return _c18_decisive(dec[0], dec[1], dec[2], "endpoint reading at the sweep's cell, for context: " + evidence[0])
    outcomes = [outcome(st) for st in statuses] + ([] if len(found) == 2 else ["missing"])
    ceiling = base.mean >= CEILING  # a baseline near the ceiling cannot show a boost on either reading
    if ceiling:
        outcomes = [o if o in ("holds", "partly") else "far" for o in outcomes]
    return judge(outcomes, f"On {where.split(', ')[1]} (cpu, {base.n} seeds): " + "; ".join(
        f"{r.split(' (')[0]}: {SAY[st]}" for r, (st, _) in found.items()) + ("" if len(found) == 2 else
                                                                           "; speed: not recorded")
        + (f"; the baseline ({base.mean:.2f}) is near the ceiling" if ceiling else ""), evidence, "the same run with no pause token",
                 excludes="a gain from pauses on either reading (mean + 2 sd of the paired gain <= 0)", decide=decide,
                 detail=[why for _, why in found.values()])
