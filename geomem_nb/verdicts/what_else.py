"""What the rules of chapter 8 share (its multi-seed sweep and decisive records, judged beyond the
spread) and edge directions with the reversal curse (C17)."""
from __future__ import annotations

from .. import controls
from ..studies import edges_pauses_phases as dc, what_else_readings
from ..deviations import paper_staged_lrs
from ..stats import above, at_chance, from_record
from .base import Get, Verdict, bound, inconclusive, judge, not_run, rule


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
    """Chapter 8's seed sweep, described as 'cpu, G(d,l), s steps, seeds [...]'."""
    return _spreads(get, SEEDS_08, lambda rec: f"cpu, {rec['graph']['graph']}, {rec['graph']['steps']} steps, "
                                               f"seeds {', '.join(map(str, rec['seeds']))}")


def _decisive(get: Get) -> tuple[dict, str, dict] | None:
    """Chapter 8's decisive record (C17-C19)."""
    return _spreads(get, DECISIVE_08, lambda rec: f"decisive runs ({rec.get('preset', 'cpu')}, {rec['graph']['graph']}, "
                                                  f"seeds {', '.join(map(str, rec['seeds']))})")


def _learned_worst(sp: dict, prefix: str, keys=("train_exact_match",)) -> bool:
    """Every seed of a control reached the learned bar on its learnable targets (chapter 8's own
    reading: ``what_else_readings.control`` takes the worst seed)."""
    bars = {k: controls.LEARNED for k in keys}
    return controls.learned(what_else_readings.control(sp, prefix, bars), bars)


def _paired_gain(a, b) -> float:
    """The largest gain of ``a`` over ``b`` their paired seeds leave open (``bound``: mean + 2 sd)."""
    return bound([x - y for x, y in zip(a.values, b.values)])


@rule(headline=lambda get: _c17_headline(get))
def c17(get: Get) -> Verdict:
    if not (got := _seeds(get)):
        return not_run("the multi-seed sweep of chapter 8")
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
    br = em("both", "reverse")
    parts = {"forward-only edges fail both ways after storing their edges" if curse else
             f"forward-only edges generalize ({em('forward', 'forward').mean:.2f} forward)": "holds" if curse else "differs",
             f"both edges give {'high' if both else 'not high'} forward accuracy ({em('both', 'forward').mean:.2f})":
             "holds" if both else "differs",
             SHORT_BACK[back_reverse]: {True: "holds", "format": "partly", False: "differs"}[back_reverse],
             "backward-only edges fail forward" if back_forward_fails else "backward-only edges do not fail forward":
             "holds" if back_forward_fails else "differs"}
    reason = (f"On {where.split(', ')[1]} (cpu, {em('both', 'forward').n} seeds) " + "; ".join(parts)
              + f"; with both edges, reverse paths reach {br.mean:.2f} ± {br.sd:.2f} (the paper: perfect)")
    return judge(list(parts.values()), reason, evidence,
                 "forward-only edges, which stored their edges and training paths on every seed",
                 excludes=("forward-only edges at chance both ways" if not curse else
                           f"both edges above {em('both', 'forward').mean + 2 * em('both', 'forward').sd:.2f} forward"
                           if not both else "non-trivial reverse paths from backward-only edges"),
                 detail=[back_text])


SHORT_BACK = {True: "backward-only edges give reverse paths above chance",
              "format": "backward-only edges give reverse paths only when the target starts at the leaf's parent",
              False: "backward-only edges do not give reverse paths"}


def _c17_headline(get: Get) -> str:
    sp = _seeds(get)[0]
    f, b = sp["directions/forward/forward/test_exact_match"], sp["directions/both/reverse/test_exact_match"]
    return f"forward-only edges: held-out {f.mean:.2f}; both edges, reverse paths {b.mean:.2f} ± {b.sd:.2f}"


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
