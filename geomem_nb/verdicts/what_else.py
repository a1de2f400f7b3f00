"""The rules of chapter 08, each read from its multi-seed sweep (``variants``) and judged beyond the
spread: edge directions and the reversal curse (C17), pause tokens (C18), two-phase training (C19),
tree-star graphs (C20) and Mamba (C21). A null result counts as ``differs`` only when its spread
excludes the paper's effect; an under-trained control, or a regime knob far from the paper's, is
``inconclusive``."""
from __future__ import annotations

from .. import controls, decisive_c17_c19 as dc, decisive_c20_c21, variants
from ..deviations import paper_staged_lrs
from ..stats import above, at_chance, from_record, ordered
from .base import BIG, Get, Verdict, bound, differs, far_above, grade, inconclusive, not_run, rule

SEEDS_08 = "cpu/08_what_else_matters_seeds"
DECISIVE_08 = f"cpu/{dc.RECORD}"
PAPER_STAGED_LR = paper_staged_lrs()  # §D.3: peak lr of phase 1 (edges) and phase 2 (paths): a ratio of 1/200
FAR = 3.0                       # a knob more than this factor from the paper's value is far from it
CEILING = 0.8                   # a baseline at or above this leaves no room for the paper's boost
PAUSES = (0, 1, 2, 4)


def _spreads(get: Get, name: str, where) -> tuple[dict, str, dict] | None:
    """A multi-seed record as ``({measurement: Spread}, where(record), record)``, or None when absent."""
    rec = get(name)
    if not rec:
        return None
    return {k: from_record(x) for k, x in rec["measurements"].items()}, where(rec), rec


def _seeds(get: Get) -> tuple[dict, str, dict] | None:
    """Chapter 08's seed sweep, described as 'cpu, G(d,l), s steps, seeds [...]'."""
    return _spreads(get, SEEDS_08, lambda rec: f"cpu, {rec['graph']['graph']}, {rec['graph']['steps']} steps, "
                                               f"seeds {rec['seeds']}")


def _decisive(get: Get) -> tuple[dict, str, dict] | None:
    """Chapter 08's decisive record (C17-C19)."""
    return _spreads(get, DECISIVE_08, lambda rec: f"decisive runs ({rec.get('preset', 'cpu')}, {rec['graph']['graph']}, "
                                                  f"seeds {rec['seeds']})")


def _learned_worst(sp: dict, prefix: str, keys=("train_exact_match",)) -> bool:
    """Every seed of a control reached the learned bar on its learnable targets (chapter 08's own
    reading: ``variants.control`` takes the worst seed)."""
    bars = {k: controls.LEARNED for k in keys}
    return controls.learned(variants.control(sp, prefix, bars), bars)


def _paired_gain(a, b) -> float:
    """The largest gain of ``a`` over ``b`` their paired seeds leave open (``bound``: mean + 2 sd)."""
    return bound([x - y for x, y in zip(a.values, b.values)])


@rule
def c17(get: Get) -> Verdict:
    got = _seeds(get)
    if not got:
        return not_run("the multi-seed sweep of chapter 08")
    sp, where, _ = got
    chance, em = sp["chance"].mean, lambda e, p: sp[f"directions/{e}/{p}/test_exact_match"]
    evidence = [f"{where}: held-out exact match (mean ± sd) " + "; ".join(
        f"edges {e}, paths {p}: {em(e, p)}" for e in ("both", "forward", "backward") for p in ("forward", "reverse"))
        + f"; chance {chance:.2g}"]
    learned = lambda e, p: _learned_worst(sp, f"directions/{e}/{p}/", ("train_exact_match", "edge_recovery"))  # noqa: E731
    if not (learned("forward", "forward") and learned("forward", "reverse")):
        return inconclusive("under-trained control", "forward-only edges did not store their edges and training paths "
                            "on every seed", "the forward-only runs trained until they store their edges and training "
                            "paths on every seed", evidence)
    curse = at_chance(em("forward", "forward"), chance) and at_chance(em("forward", "reverse"), chance)
    both = em("both", "forward").mean - em("both", "forward").sd >= 0.8
    back_reverse = above(em("backward", "reverse"), sp["chance"])
    back_forward_fails = at_chance(em("backward", "forward"), chance)
    undiagnosed = (" with its edges and training paths learned: undiagnosed, since a chain of stored backward edges "
                   "should give reverse paths (the decisive run: per-position reverse accuracy, lr, with and without "
                   "task tokens)" if learned("backward", "reverse") else " (under-trained)")
    back_text = ("backward-only edges give non-trivial reverse paths" if back_reverse else
                 f"backward-only edges do NOT give reverse paths above chance ({em('backward', 'reverse')}; the paper: "
                 "non-trivial, mainly on smaller graphs)" + undiagnosed)
    dec = _decisive(get)
    if dec and not back_reverse:
        back_text, back_reverse, more = _c17_decisive(dec[0], chance)
        evidence.append(f"{dec[1]}: {more}")
    parts = ["forward-only edges fail both ways after learning their edges" if curse else
             f"forward-only edges generalize ({em('forward', 'forward')} forward)",
             "both edges: high forward accuracy" if both else "both edges: forward accuracy not high", back_text,
             "backward-only edges fail forward" if back_forward_fails else "backward-only edges do not fail forward"]
    control = "forward-only edges, which memorized their edges (edge recovery and train exact match >= 0.9 on every seed)"
    if dec and back_reverse == "format":  # reverse paths follow the stored edges once the leaf's copy is not asked
        return Verdict("partly", "; ".join(parts), evidence, control)
    return grade("; ".join(parts), evidence, control, curse and both and back_reverse and back_forward_fails,
                 curse and both, cite=True,
                 excludes=("forward-only edges at chance both ways" if not curse else
                           f"both edges above {em('both', 'forward').mean + 2 * em('both', 'forward').sd:.3f} forward"))


def _c17_decisive(sp: dict, chance: float) -> tuple[str, bool | str, str]:
    """(text, backward-only reverse paths: True | 'format' (only without the leaf's copy) | False, the
    evidence line) from the decisive C17 runs: each variant's held-out exact match and the per-position
    diagnosis of the run as in the sweep."""
    em = {v: sp[f"c17/{v}/test_exact_match"] for v in dc.C17_VARIANTS}
    learned = {v: _learned_worst(sp, f"c17/{v}/", ("train_exact_match", "edge_recovery")) for v in dc.C17_VARIANTS}
    greedy, forced = dc.positions(sp, "as in the sweep", "greedy"), dc.positions(sp, "as in the sweep")
    more = ("held-out exact match, backward-only edges, reverse paths: " + "; ".join(
        f"{v} {em[v]}{'' if learned[v] else ' (did not learn its edges and training paths on every seed)'}"
        for v in dc.C17_VARIANTS) + "; as in the sweep, by target position (0: the leaf's copy) greedy " +
        ", ".join(f"{x.mean:.2f}" for x in greedy) + ", teacher-forced " + ", ".join(f"{x.mean:.2f}" for x in forced))
    copy_only = (bool(forced) and at_chance(forced[0], chance) and
                 all(x.mean - x.sd >= controls.LEARNED for x in forced[1:]))
    diagnosis = ("the first target, the copy of the held-out leaf (a token backward-only edges never train as an "
                 f"output), fails (teacher-forced {forced[0].mean:.3f}), while every later step follows the stored "
                 f"backward edges (teacher-forced >= {min(x.mean for x in forced[1:]):.3f})" if copy_only else
                 "the failure is not confined to the leaf's copy (teacher-forced by position: " +
                 ", ".join(f"{x.mean:.2f}" for x in forced) + ")")
    if any(above(em[v], sp["chance"]) and learned[v] for v in ("as in the sweep", "lower lr")):
        return "backward-only edges give non-trivial reverse paths (decisive runs)", True, more
    if above(em["no leaf echo"], sp["chance"]) and learned["no leaf echo"]:
        return (f"backward-only edges give reverse paths above chance only when the target starts at the leaf's parent "
                f"({em['no leaf echo']}); with the official code's reverse target (the leaf's copy first) they stay at "
                f"{em['as in the sweep']} (at a third of the lr: {em['lower lr']}): {diagnosis}"), "format", more
    return (f"backward-only edges do NOT give reverse paths above chance in any decisive run; {diagnosis}"), False, more


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
    statuses = {st for st, _, _ in found.values()}
    control = "the same frontier run with no pause token, paired by seed"
    decide = "more seeds on the frontier cell (the paired spread leaves the gain open)"
    if not all(_learned_worst(sp, f"c18/{k}/") for k in PAUSES):
        return inconclusive("under-trained control", reason + " | a frontier run did not learn its training paths",
                            "the frontier runs trained until they fit their training paths", evidence)
    if base.n < 3:
        return inconclusive("no power", reason + f" | {base.n} seed(s): a paired spread needs at least 3", decide, evidence)
    if base.mean >= CEILING:
        return inconclusive("regime far from the paper", reason + " | the frontier baseline is near the ceiling",
                            "a cell where the baseline is far from the ceiling", evidence)
    if statuses == {"reproduced"}:
        return Verdict("reproduced", reason, evidence, control)
    if statuses & {"reproduced", "partly"}:
        return Verdict("partly", reason, evidence, control)
    if statuses == {"differs"}:
        steps_gain = found[f"steps to held-out {level:g}"][2]
        return differs(reason, f"a speed-up from pauses: steps to {level:g} shortened by more than {max(steps_gain, 0):.0f} "
                       f"and the area raised by more than {max(found['area'][2], 0):.3f} (paired mean + 2 sd)", evidence, control)
    return inconclusive("no power", reason, decide, evidence)


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


@rule
def c18(get: Get) -> Verdict:
    """Read two ways, as the paper says both: exact match at a given training time (the endpoint, same
    steps) and convergence speed (``pauses/<k>/held_out_auc``: the area under the held-out curve over the
    run, where recorded). The endpoint cannot show a boost from a baseline near the ceiling."""
    got = _seeds(get)
    if not got:
        return not_run("the multi-seed sweep of chapter 08")
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
    control = "the same run with no pause token"
    if set(statuses) == {"reproduced"} and len(found) == 2:
        return Verdict("reproduced", reason, evidence, control)
    if {"reproduced", "partly"} & set(statuses):
        return Verdict("partly", reason, evidence)
    if set(statuses) == {"differs"} and len(found) == 2 and base.mean < CEILING:
        return differs(reason, "a gain from pauses on either reading (mean + 2 sd of the paired gain <= 0)", evidence)
    if base.mean >= CEILING:
        return inconclusive("regime far from the paper", reason + f" | the baseline ({base.mean:.3f}) is near the "
                            "ceiling, where a boost cannot show", decide, evidence)
    return inconclusive("no power", reason, decide, evidence)


def _staged_lrs(sp: dict, rec: dict) -> dict:
    """'fast'/'slow' -> (edge-phase lr, path-phase lr): the record's (``staged/<name>/edge_lr``,
    ``staged/<name>/path_lr``) where stored, else the config of the record's preset."""
    if all(f"staged/{n}/path_lr" in sp for n in ("fast", "slow")):
        return {n: (sp[f"staged/{n}/edge_lr"].mean, sp[f"staged/{n}/path_lr"].mean) for n in ("fast", "slow")}
    return variants.staged_lrs(variants.base_config(rec.get("preset", "cpu")))


def _far(x: float, paper: float) -> bool:
    return not paper / FAR <= x <= paper * FAR


def _c19_regime(lrs: dict) -> tuple[str, bool]:
    """(text, far): each staged run's lrs against the paper's, and whether any is far from it."""
    e_paper, p_paper = PAPER_STAGED_LR
    far = any(_far(p, p_paper) or _far(p / e, p_paper / e_paper) for e, p in lrs.values())
    text = "; ".join(f"{n}: phase 2 lr {p:g} ({p / p_paper:.0f}x the paper's {p_paper:g}), phase-2/phase-1 ratio "
                     f"1/{e / p:.0f} (the paper: 1/{e_paper / p_paper:.0f})" for n, (e, p) in lrs.items())
    return text, far


def _chapter03_staged(get: Get) -> str | None:
    s = get("cpu/03_hardest_token")
    if not s or "staged_peak_hardest_token" not in s:
        return None
    peak, final = s["staged_peak_hardest_token"], s["staged_hardest_token"]
    return (f"chapter 03's staged run (edges, then the first hop alone; one seed, no spread, {s['graph']}): peak "
            f"{peak:.3f}, final {final:.3f}" + (f": high, then a fall of {peak - final:.3f} ({(peak - final) / peak:.0%} "
                                                 "of the peak), the paper's pattern" if peak >= BIG and final < peak else ""))


def _c19_decisive(sp: dict, where: str, mixed, context: list) -> Verdict:
    """C19 on the decisive staged run at the paper's lrs: its peak and its final (both readings of the
    paper's "peak momentarily, then deteriorate"), and whether phase 2 overwrites the edges."""
    g = lambda k: sp[f"c19/{k}"]  # noqa: E731
    regime, far = _c19_regime({"decisive": (g("edge_lr").mean, g("path_lr").mean)})
    peak, final = g("peak"), g("final")
    fall = _paired_gain(peak, final)
    evidence = [f"{where}: staged at the paper's lrs: held-out peak {peak} (at phase-2 step {g('peak_step').mean:.0f} "
                f"on average), final {final}, fall {g('fall')}; train exact match {g('train_exact_match')}; edge recovery "
                f"after phase 1 {g('edge_phase_edge_recovery')}, lowest in phase 2 {g('edge_recovery_min')}, final "
                f"{g('edge_recovery_final')}", f"learning rates: {regime}"] + context
    collapse = above(peak, final) and peak.mean - final.mean >= peak.mean / 2  # "deteriorate dramatically"
    high = peak.mean >= BIG
    kept = g("edge_recovery_min").mean >= controls.LEARNED
    parts = [f"at the paper's lrs ({regime}) the staged run " +
             ("peaks, then loses at least half of it beyond the spread" if collapse else
              f"does not fall dramatically from its peak (peak {peak}, final {final})"),
             f"its peak is {'high' if high else 'not high'} ({peak.mean:.3f}; the paper: still high; interleaved {mixed})",
             "phase 2 keeps the edges (edge recovery >= 0.9 throughout)" if kept else
             f"phase 2 overwrites the edges (edge recovery down to {g('edge_recovery_min')})"]
    reason = "; ".join(parts)
    checks = {"edge_phase_edge_recovery": "stored its edges in phase 1 (edge recovery",
              "train_exact_match": "fit its training paths in phase 2 (train exact match"}
    missed = [f"{what} {g(key)})" for key, what in checks.items() if not _learned_worst(sp, "c19/", (key,))]
    if missed:  # name only the bars a seed missed
        return inconclusive("under-trained control", f"{reason}; but not every seed " + " or ".join(missed),
                            "a longer phase 2 at the paper's lrs, >= 3 seeds", evidence)
    if far:
        return inconclusive("regime far from the paper", reason, "staged runs at the paper's lrs", evidence)
    if collapse and high:
        return Verdict("reproduced", reason, evidence, "the interleaved run at the same budget")
    if collapse or high:
        return Verdict("partly", reason, evidence)
    if fall < peak.mean / 2 and peak.n >= 3:
        return differs(reason, f"a fall of more than {max(fall, 0):.3f} from the peak (paired mean + 2 sd), under half "
                       "the peak", evidence)
    return inconclusive("no power", reason, "more seeds of the staged run at the paper's lrs", evidence)


@rule
def c19(get: Get) -> Verdict:
    got = _seeds(get)
    if not got:
        return not_run("the multi-seed sweep of chapter 08")
    sp, where, rec = got
    g = lambda k: sp[k]  # noqa: E731
    regime, far = _c19_regime(_staged_lrs(sp, rec))
    evidence = [f"{where}: staged at the preset's path lr (fast): peak {g('staged/fast/peak')}, final "
                f"{g('staged/fast/final')}; at a tenth of it (slow): peak {g('staged/slow/peak')}, final "
                f"{g('staged/slow/final')}; mixed {g('mixed/test_exact_match')}; edge recovery after the edge phase "
                f"{g('staged/fast/edge_phase_edge_recovery')}", f"learning rates: {regime}"]
    ch03 = _chapter03_staged(get)
    evidence += [ch03] if ch03 else []
    dec = _decisive(get)
    if dec and "c19/peak" in dec[0]:
        return _c19_decisive(dec[0], dec[1], g("mixed/test_exact_match"), evidence)
    if not all(_learned_worst(sp, f"staged/{n}/", ("edge_phase_edge_recovery", "train_exact_match")) for n in ("fast", "slow")):
        return inconclusive("under-trained control", "a staged run did not learn its edges or training paths on every seed",
                            "the staged runs trained until their edge phase stores the edges", evidence)
    collapse = any(above(g(f"staged/{n}/peak"), g(f"staged/{n}/final")) for n in ("fast", "slow"))
    peak = max(g("staged/fast/peak").mean, g("staged/slow/peak").mean)
    stable = above(g("mixed/test_exact_match"), g("staged/slow/peak")) and g("mixed/test_exact_match").mean >= 0.8
    parts = ["the staged run peaks, then falls beyond the spread" if collapse else "no fall beyond the spread",
             f"its best peak is {'high' if peak >= BIG else 'not high'} ({peak:.3f}; the paper: still high)",
             "interleaving is stable and above the staged peaks" if stable else "interleaving is not above the staged peaks"]
    parts += [ch03] if ch03 else []
    reason, control = "; ".join(parts), "the mixed (interleaved) run at the same budget"
    if collapse and peak >= BIG and stable:
        return Verdict("reproduced", reason, evidence, control)
    decide = ("staged runs at the paper's phase-2/phase-1 lr ratio (1/200), with a fine evaluation grid and edge recovery "
              "through phase 2, >= 3 seeds")
    if far:
        return inconclusive("regime far from the paper", f"{reason}; {regime}", decide, evidence)
    if collapse:
        return Verdict("partly", reason, evidence)
    fall = max(_paired_gain(g(f"staged/{n}/peak"), g(f"staged/{n}/final")) for n in ("fast", "slow"))
    if fall < peak / 2:  # "deteriorate dramatically": at least half the peak lost
        return differs(reason, f"a fall of more than {fall:.3f} from the peak (paired mean + 2 sd), under half the peak",
                       evidence)
    return inconclusive("no power", reason, decide, evidence)


DECISIVE_C20_C21 = f"cpu/{decisive_c20_c21.RECORD}"


def _decisive_c20_c21(get: Get) -> tuple[dict, str, dict] | None:
    """Chapter 08's decisive C20/C21 record."""
    return _spreads(get, DECISIVE_C20_C21, lambda rec: f"cpu, seeds {rec['seeds']}")


def _tree_line(sp: dict, where: str, tree: str) -> str:
    hop = sp.get("tree/first-token/test_hardest_token")
    return (f"{where}, {tree}: leaf split {sp['tree/leaf/test_exact_match']}, first-token split "
            f"{sp['tree/first-token/test_exact_match']} ({f'first hop {hop}, ' if hop else ''}train "
            f"exact match {sp['tree/first-token/train_exact_match']}), chance 1/num_leaves {sp['tree/chance'].mean:.2g}")


@rule
def c20(get: Get) -> Verdict:
    """Judged on the decisive tree-star (enough training subtrees for the first-token split) where it
    is recorded, with chapter 08's T(37,5) as context; else on chapter 08's tree."""
    got, decisive = _seeds(get), _decisive_c20_c21(get)
    if not got and not decisive:
        return not_run("the multi-seed sweep of chapter 08")
    evidence = []
    if got:
        evidence.append(_tree_line(got[0], got[1], got[2]["graph"].get("tree", "tree-star")))
    if decisive:
        evidence.insert(0, _tree_line(decisive[0], decisive[1] + " (decisive run)", decisive[2]["graph"]["tree"]))
    sp = (decisive or got)[0]
    leaf, first, chance = sp["tree/leaf/test_exact_match"], sp["tree/first-token/test_exact_match"], sp["tree/chance"]
    leaf_ok, first_ok = above(leaf, chance), above(first, chance)
    learned = {s: _learned_worst(sp, f"tree/{s}/") for s in ("leaf", "first-token")}
    decide = "tree-stars with enough training subtrees for the first-token split to be learnable, >= 3 seeds"
    if not leaf_ok:
        if not learned["leaf"]:
            return inconclusive("under-trained control", f"the leaf split ({leaf}) did not learn its training paths",
                                decide, evidence)
        return differs(f"the leaf split is not above chance ({leaf}) with its training paths learned",
                       f"a leaf split above {leaf.mean + 2 * leaf.sd:.3f} (mean + 2 sd)", evidence)
    if not first_ok:
        why = ("with its training paths learned" + ("" if decisive else
               f": T's held-out subtrees may be too few in training to learn a first hop from (the decisive run: {decide})")
               if learned["first-token"] else "(under-trained)")
        return Verdict("partly", f"leaf split above chance; first-token split NOT above chance ({first}; the paper: above "
                       f"chance) {why}; which split is harder is not judged while one is at chance", evidence)
    if above(leaf, first):
        order = "first-token split harder (the leaf split above it beyond the spread), as the paper says"
    elif above(first, leaf):
        order = (f"the ordering is reversed: the first-token split ({first}) above the leaf split ({leaf}) beyond the "
                 "spread, where the paper finds the first-token split much harder")
    else:
        order = "first-token split not harder beyond the spread"
    return grade("both splits above chance 1/num_leaves; " + order, evidence, "chance 1/num_leaves",
                 above(leaf, first), True)


def _mamba_spreads(get: Get) -> tuple[dict, list, str] | None:
    """({'mamba/<objective>/<model>': Spread}, evidence, Mamba's budget): chapter 08's sweep, its full
    paths replaced by the decisive run's (Mamba at the budget it needs) where that is recorded."""
    got, decisive = _seeds(get), _decisive_c20_c21(get)
    if not got and not decisive:
        return None
    sp, evidence, budget = {}, [], "twice the GPT's steps"
    if got:
        sp.update({k: v for k, v in got[0].items() if k.startswith("mamba/")})
        evidence.append(f"{got[1]} (Mamba twice the GPT's steps): " + "; ".join(
            f"{n}: GPT {sp[f'mamba/{n}/gpt']}, Mamba {sp[f'mamba/{n}/mamba']}" for n in ("full paths", "first hop", "edges only")))
    if decisive:
        d, where, rec = decisive
        g = rec["graph"]
        budget = (f"{g['mamba_steps']} steps ({g['mamba_steps'] // g['steps']}x the GPT's {g['steps']}), lr {g['mamba_lr']:g} "
                  f"(the GPT's: {g['lr']:g})")
        sp.update({k: v for k, v in d.items() if k.startswith("mamba/full paths/")})
        evidence.insert(0, f"{where}, {g['graph']} (decisive run: Mamba {budget}): full paths GPT "
                        f"{d['mamba/full paths/gpt']}, Mamba {d['mamba/full paths/mamba']} (train exact match "
                        f"{d['mamba/full paths/mamba_train_exact_match']})")
    return sp, evidence, budget


@rule
def c21(get: Get) -> Verdict:
    """"All Transformer findings carry over to Mamba": Mamba far above chance wherever the GPT is (the
    same pattern), its edge-only geometry strong; matching the GPT's numbers is shown beside. Full paths
    are read from the decisive run (Mamba at the budget it needs) where it is recorded."""
    got = _mamba_spreads(get)
    if not got:
        return not_run("the multi-seed sweep of chapter 08")
    sp, evidence, budget = got
    chance = (_seeds(get) or _decisive_c20_c21(get))[0]["chance"].mean
    low = lambda x: x.mean - x.sd  # noqa: E731  (far above chance beyond the spread)
    objectives = [n for n in ("full paths", "first hop", "edges only") if f"mamba/{n}/gpt" in sp]
    names = [n for n in objectives if far_above(low(sp[f"mamba/{n}/gpt"]), chance)]
    carried = [n for n in names if far_above(low(sp[f"mamba/{n}/mamba"]), chance)]
    lost = [n for n in names if n not in carried]
    behind = [n for n in names if above(sp[f"mamba/{n}/gpt"], sp[f"mamba/{n}/mamba"])]
    edges = sp.get("mamba/edges only/mamba")
    strong = edges is not None and edges.mean >= 0.9
    train = sp.get("mamba/full paths/mamba_train_exact_match")
    reason = (f"Mamba far above chance (mean - sd >= {BIG} and 10x chance) where the GPT is: {', '.join(carried) or 'nowhere'}"
              + "".join(f"; not on {n} ({sp[f'mamba/{n}/mamba']})" for n in lost)
              + ("; Mamba's edge-only geometry is strong" if strong else "; Mamba's edge-only geometry is not strong"
                 if edges is not None else "; Mamba's edge-only geometry not recorded")
              + f"; beside: the GPT above Mamba beyond the spread on {', '.join(behind) or 'nothing'}")
    control = "the GPT on the same graph and objectives"
    if "full paths" in lost:
        reason += (f"; full paths with Mamba at {budget}" + (f", its training paths learned ({train})"
                   if train is not None and low(train) >= controls.LEARNED else ""))
    if carried or not names:
        return grade(reason, evidence, control, bool(names) and not lost and strong, bool(carried))
    if all(at_chance(sp[f"mamba/{n}/mamba"], chance) for n in lost):
        return differs(reason, "Mamba above 3x chance (mean + sd) on " + ", ".join(lost), evidence)
    return inconclusive("under-trained control", reason, "Mamba with the budget it needs, >= 3 seeds", evidence)
