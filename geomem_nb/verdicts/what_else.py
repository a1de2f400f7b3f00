"""The rules of chapter 08, each read from its multi-seed sweep (``variants``) and judged beyond the
spread: edge directions and the reversal curse (C17), pause tokens (C18), two-phase training (C19),
tree-star graphs (C20) and Mamba (C21)."""
from __future__ import annotations

from .. import controls, variants
from ..stats import above, at_chance, from_record, ordered
from .base import BIG, Get, Verdict, grade, not_run

SEEDS_08 = "cpu/08_what_else_matters_seeds"


def _seeds(get: Get) -> tuple[dict, str] | None:
    """Chapter 08's seed sweep as ``({measurement: Spread}, 'G(d,l), n seeds, s steps')``, or None."""
    rec = get(SEEDS_08)
    if not rec:
        return None
    sp = {k: from_record(x) for k, x in rec["measurements"].items()}
    g = rec["graph"]
    return sp, f"cpu, {g['graph']}, {g['steps']} steps, seeds {rec['seeds']}"


def _learned_worst(sp: dict, prefix: str, keys=("train_exact_match",)) -> bool:
    """Every seed of a control reached the learned bar on its learnable targets (chapter 08's own
    reading: ``variants.control`` takes the worst seed)."""
    bars = {k: controls.LEARNED for k in keys}
    return controls.learned(variants.control(sp, prefix, bars), bars)


def c17(get: Get) -> Verdict:
    got = _seeds(get)
    if not got:
        return not_run("the multi-seed sweep of chapter 08")
    sp, where = got
    chance, em = sp["chance"].mean, lambda e, p: sp[f"directions/{e}/{p}/test_exact_match"]
    evidence = [f"{where}: held-out exact match (mean ± sd) " + "; ".join(
        f"edges {e}, paths {p}: {em(e, p)}" for e in ("both", "forward", "backward") for p in ("forward", "reverse"))
        + f"; chance {chance:.2g}"]
    fwd_learned = _learned_worst(sp, "directions/forward/forward/", ("train_exact_match", "edge_recovery")) and \
        _learned_worst(sp, "directions/forward/reverse/", ("train_exact_match", "edge_recovery"))
    curse = fwd_learned and at_chance(em("forward", "forward"), chance) and at_chance(em("forward", "reverse"), chance)
    both = em("both", "forward").mean - em("both", "forward").sd >= 0.8
    back_reverse = above(em("backward", "reverse"), sp["chance"])
    back_forward_fails = at_chance(em("backward", "forward"), chance)
    parts = [("forward-only edges fail both ways after learning their edges" if curse else
              "forward-only edges: " + ("under-trained" if not fwd_learned else "not at chance")),
             "both edges: high forward accuracy" if both else "both edges: forward accuracy not high",
             ("backward-only edges give non-trivial reverse paths" if back_reverse else
              "backward-only edges do NOT give reverse paths above chance (the paper: non-trivial, mainly on smaller graphs)"),
             "backward-only edges fail forward" if back_forward_fails else "backward-only edges do not fail forward"]
    control = "forward-only edges, which memorized their edges (edge recovery and train exact match >= 0.9 on every seed)"
    return grade("; ".join(parts), evidence, control if fwd_learned else None,
                 curse and both and back_reverse and back_forward_fails, curse and both, cite=True)


def c18(get: Get) -> Verdict:
    got = _seeds(get)
    if not got:
        return not_run("the multi-seed sweep of chapter 08")
    sp, where = got
    pauses = [0, 1, 2, 4]
    em = {k: sp[f"pauses/{k}/test_exact_match"] for k in pauses}
    evidence = [f"{where}, same number of steps (the paper compares at equal training time): held-out exact match "
                + "; ".join(f"{k} pauses {em[k]}" for k in pauses)]
    boost, order = above(em[1], em[0]), ordered([em[k] for k in pauses])
    if boost and order:
        return Verdict("reproduced", "pauses help, and more pauses help more, beyond the spread", evidence,
                       "the same run with no pause token")
    if boost or any(above(em[k], em[0]) for k in pauses[1:]):
        return Verdict("partly", "some pause count beats none beyond the spread, but more pauses are not better beyond "
                       "the spread", evidence)
    return Verdict("differs", "no pause count beats none beyond the spread at this budget", evidence)


def c19(get: Get) -> Verdict:
    got = _seeds(get)
    if not got:
        return not_run("the multi-seed sweep of chapter 08")
    sp, where = got
    g = lambda k: sp[k]  # noqa: E731
    evidence = [f"{where}: staged at the preset's path lr (fast): peak {g('staged/fast/peak')}, final "
                f"{g('staged/fast/final')}; at a tenth of it (slow): peak {g('staged/slow/peak')}, final "
                f"{g('staged/slow/final')}; mixed {g('mixed/test_exact_match')}; edge recovery after the edge phase "
                f"{g('staged/fast/edge_phase_edge_recovery')}"]
    learned = _learned_worst(sp, "staged/fast/", ("edge_phase_edge_recovery", "train_exact_match"))
    collapse = learned and any(above(g(f"staged/{n}/peak"), g(f"staged/{n}/final")) for n in ("fast", "slow"))
    peak = max(g("staged/fast/peak").mean, g("staged/slow/peak").mean)
    high = peak >= BIG
    stable = above(g("mixed/test_exact_match"), g("staged/slow/peak")) and g("mixed/test_exact_match").mean >= 0.8
    parts = ["the staged run peaks, then falls beyond the spread" if collapse else "no collapse beyond the spread",
             f"its best peak is {'high' if high else 'not high'} ({peak:.3f}; the paper: still high)",
             "interleaving is stable and above the staged peaks" if stable else "interleaving is not above the staged peaks"]
    return grade("; ".join(parts), evidence, "the mixed (interleaved) run at the same budget",
                 collapse and high and stable, collapse and stable)


def c20(get: Get) -> Verdict:
    got = _seeds(get)
    if not got:
        return not_run("the multi-seed sweep of chapter 08")
    sp, where = got
    leaf, first, chance = sp["tree/leaf/test_exact_match"], sp["tree/first-token/test_exact_match"], sp["tree/chance"]
    evidence = [f"{where}, tree-star: leaf split {leaf}, first-token split {first} (train exact match "
                f"{sp['tree/first-token/train_exact_match']}), chance 1/num_leaves {chance.mean:.2g}"]
    first_learned = _learned_worst(sp, "tree/first-token/")
    leaf_ok, first_ok, harder = above(leaf, chance), above(first, chance), above(leaf, first)
    parts = ["leaf split above chance" if leaf_ok else "leaf split not above chance beyond the spread",
             "first-token split above chance" if first_ok else
             ("first-token split NOT above chance (the paper: above chance)" if first_learned
              else "first-token split under-trained (train exact match < 0.9 on some seed)"),
             "first-token split harder" if harder else "first-token split not harder beyond the spread"]
    return grade("; ".join(parts), evidence, "chance 1/num_leaves", leaf_ok and first_ok and harder, leaf_ok and harder)


def c21(get: Get) -> Verdict:
    got = _seeds(get)
    if not got:
        return not_run("the multi-seed sweep of chapter 08")
    sp, where = got
    names = ("full paths", "first hop", "edges only")
    close, behind = [], []
    lines = []
    for n in names:
        gpt, mamba = sp[f"mamba/{n}/gpt"], sp[f"mamba/{n}/mamba"]
        lines.append(f"{n}: GPT {gpt}, Mamba {mamba}")
        (behind if above(gpt, mamba) else close).append(n)
    evidence = [f"{where} (Mamba twice the GPT's steps): " + "; ".join(lines)]
    reason = (f"Mamba matches the GPT within the spread on {', '.join(close) or 'nothing'}"
              + (f"; the GPT is above Mamba beyond the spread on {', '.join(behind)}" if behind else ""))
    strong = sp["mamba/edges only/mamba"].mean >= 0.9
    reason += "; Mamba's edge-only geometry is strong" if strong else "; Mamba's edge-only geometry is not strong"
    return grade(reason, evidence, "the GPT on the same graph and objectives", not behind and strong, bool(close))
