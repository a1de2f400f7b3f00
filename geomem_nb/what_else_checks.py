"""What chapter 8 states about its seed sweep and its follow-up runs, as named checks: each maps a sentence
of the chapter to whether the records bear it out (every failing control must first have learned what
it could, on its worst seed). The chapter shows the table and asserts every check."""
from __future__ import annotations

from . import controls, stats
from .studies import edges_pauses_phases as dc
from .studies.what_else_matters import MAMBA_OBJECTIVES, PATHS, PAUSES, SPLITS
from .studies.what_else_readings import control, split_order
from .what_else_tables import LEARNED, STAGED_LEARNED, TREE_LEARNED

C18_LEARNED = {"train_exact_match": controls.LEARNED}
MAMBA_LEARNED = {"mamba_train_exact_match": controls.LEARNED}


def _learned(source: dict, prefix: str, bars: dict) -> bool:
    return controls.learned(control(source, prefix, bars), bars)


def one_seed_checks(one: dict, chance: float, tree_chance: float, bar: float) -> dict[str, bool]:
    """One seed of every variant, at every preset."""
    forward = {p: f"directions/forward/{p}/" for p in PATHS}
    return {
        "both-direction edges: forward paths well above chance": one["directions/both/forward/test_exact_match"] >= bar,
        "both-direction edges: reverse paths above ten times chance": one["directions/both/reverse/test_exact_match"] >= 10 * chance,
        "forward-only edges learned their edges and training paths": all(_learned(one, k, LEARNED) for k in forward.values()),
        "…and stay within three times chance": all(one[k + "test_exact_match"] <= 3 * chance for k in forward.values()),
        "every pause count above ten times chance": all(one[f"pauses/{k}/test_exact_match"] >= 10 * chance for k in PAUSES),
        "the fast staged run learned its edges and training paths": _learned(one, "staged/fast/", STAGED_LEARNED),
        "mixed training above every staged final": all(one["mixed/test_exact_match"] > one[f"staged/{n}/final"]
                                                       for n in ("fast", "slow")),
        "the leaf split above five times its chance": one["tree/leaf/test_exact_match"] >= 5 * tree_chance,
        "Mamba above ten times chance on every objective": all(one[f"mamba/{n}/mamba"] >= 10 * chance for n in MAMBA_OBJECTIVES)}


def sweep_checks(S: dict, chance: float, tree_chance: float) -> dict[str, bool]:
    """The seed sweep: each claim's comparison beyond the spread over seeds."""
    directions = [(e, p) for e in ("forward", "backward") for p in PATHS]
    both = S["directions/both/forward/test_exact_match"]
    pauses = [S[f"pauses/{k}/test_exact_match"] for k in PAUSES]
    readable, order, _ = split_order(S)
    return {
        "one-direction edges learned what they could on every seed": all(
            _learned(S, f"directions/{e}/{p}/", LEARNED) for e, p in directions),
        "…and stay at chance": all(stats.at_chance(S[f"directions/{e}/{p}/test_exact_match"], chance) for e, p in directions),
        "both-direction edges: forward paths at least 0.8 (mean − sd)": both.mean - both.sd >= 0.8,
        "both directions above forward-only edges beyond the spread": all(stats.above(
            S[f"directions/both/{p}/test_exact_match"], S[f"directions/forward/{p}/test_exact_match"]) for p in PATHS),
        "every pause count above ten times chance (mean − sd)": all(s.mean - s.sd >= 10 * chance for s in pauses),
        "the order 0 < 1 < 2 < 4 pauses does not hold beyond the spread": not stats.ordered(pauses),
        "the fast staged run learned what it could on every seed": _learned(S, "staged/fast/", STAGED_LEARNED),
        "…and ends at chance": stats.at_chance(S["staged/fast/final"], chance),
        "both staged peaks below mixed training beyond the spread": all(
            stats.above(S["mixed/test_exact_match"], S[f"staged/{n}/peak"]) for n in ("fast", "slow")),
        "the first-token split learned its training paths on every seed": _learned(S, "tree/first-token/", TREE_LEARNED),
        "the leaf split above chance beyond the spread": stats.above(S["tree/leaf/test_exact_match"], S["tree/chance"]),
        "the first-token split at chance": stats.at_chance(S["tree/first-token/test_exact_match"], tree_chance),
        "where the splits' order can be read, the leaf split is above": not readable or order == "leaf",
        "Mamba level with the GPT on the first hop": stats.close(S["mamba/first hop/mamba"], S["mamba/first hop/gpt"]),
        "Mamba level with the GPT on edges only": stats.close(S["mamba/edges only/mamba"], S["mamba/edges only/gpt"]),
        "the GPT above Mamba on full paths": stats.above(S["mamba/full paths/gpt"], S["mamba/full paths/mamba"])}


def follow_up_checks(D: dict, chance: float, bar: float, ceiling: float, big: float) -> dict[str, bool]:
    """The follow-up runs of C17-C19 (``ceiling``: C18's frontier bar; ``big``: a high held-out level)."""
    forced = {v: dc.positions(D, v) for v in ("as in the sweep", "lower lr")}
    gains = [dc.paired(D, "held_out_auc", k) for k in dc.PAUSES[1:]]
    edges = D["c19/edge_phase_edge_recovery"]
    echo = D["c17/no leaf echo/test_exact_match"]
    return {
        "C17: every variant learned its edges and training paths": all(_learned(D, f"c17/{v}/", LEARNED) for v in dc.C17_VARIANTS),
        "C17: only the leaf's copy fails; the later steps follow the edges": all(
            stats.at_chance(f[0], chance) and all(x.mean - x.sd >= controls.LEARNED for x in f[1:]) for f in forced.values()),
        "C17: reverse paths at chance with the leaf's copy": all(
            stats.at_chance(D[f"c17/{v}/test_exact_match"], chance) for v in forced),
        "C17: the leaf's-parent target succeeds": stats.above(echo, D["chance"]) and echo.mean >= bar,
        "C18: every pause count learned its training paths": all(_learned(D, f"c18/{k}/", C18_LEARNED) for k in dc.PAUSES),
        "C18: the frontier baseline is far from the ceiling": (D["c18/0/test_exact_match"].mean
                                                               + D["c18/0/test_exact_match"].sd < ceiling),
        "C18: no pause count gains area beyond two sd": all(g.mean - 2 * g.sd <= 0 for g in gains),
        "C19: the edges are stored in phase 1 and kept through phase 2": edges.mean - edges.sd >= controls.LEARNED
        and D["c19/edge_recovery_min"].mean >= controls.LEARNED,
        "C19: no seed falls from its peak": max(D["c19/fall"].values) == 0.0,
        "C19: the peak stays low": D["c19/peak"].mean < big,
        "C19: not every seed fits its training paths": min(D["c19/train_exact_match"].values) < controls.LEARNED}


def trees_mamba_checks(D8: dict, sweep: dict | None) -> dict[str, bool]:
    """The follow-up tree and Mamba at its own rate (``sweep``: the seed sweep's spreads, when there)."""
    fp = "mamba/full paths/"
    m8, gpt = D8[fp + "mamba"], D8[fp + "gpt"]
    readable, order, _ = split_order(D8)
    out = {"both splits learned their training paths on every seed": all(_learned(D8, f"tree/{s}/", TREE_LEARNED) for s in SPLITS),
           "both splits above chance beyond the spread": all(stats.above(D8[f"tree/{s}/test_exact_match"], D8["tree/chance"])
                                                            for s in SPLITS),
           "the first-token split above the leaf split": readable and order == "first-token",
           "Mamba at its own rate learned its training paths on every seed": _learned(D8, fp, MAMBA_LEARNED),
           "…is far above chance (mean − sd at least 0.5)": m8.mean - m8.sd >= 0.5 and m8.mean - m8.sd >= 10 * D8["chance"].mean,
           "…and not apart from the GPT": not stats.above(gpt, m8) and not stats.above(m8, gpt)}
    if sweep:
        out["…and above the seed sweep's Mamba beyond the spread"] = stats.above(m8, sweep[fp + "mamba"])
    return out
