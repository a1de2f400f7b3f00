"""Readings of chapter 08's seeds record (``what_else_matters``): a control's learnable targets, the
chapter's comparisons beyond the spread, the ordering of the tree-star splits and the staged runs' fall."""
from __future__ import annotations

from .. import stats
from .what_else_matters import MAMBA_OBJECTIVES, PAUSES

def control(source: dict, prefix: str, bars: dict) -> dict:
    """A control's learnable targets as ``controls`` reads them: ``{metric: value}`` for the metrics of
    ``bars`` under ``prefix`` ('directions/forward/forward/'); from a sweep's Spreads, the *worst* seed
    (every seed must have learned for the failure to count)."""
    out = {}
    for k in bars:
        v = source[prefix + k]
        out[k] = min(v.values) if isinstance(v, stats.Spread) else v
    return out


def fmt(one: dict, spreads: dict | None, key: str) -> str:
    """One measurement: this seed's value, and the spread over seeds when there is one."""
    shown = f"{one[key]:.3f}"
    return shown + (f"  | over seeds {spreads[key]}" if spreads and key in spreads else "")


def beyond_spread(spreads: dict) -> dict:
    """The chapter's comparisons, each 'a > b' -> whether it holds beyond the spread (``stats.above``)."""
    def em(key):
        return spreads[key]

    pairs = {"C17 both-edges > forward-only edges, forward paths": ("directions/both/forward/test_exact_match",
                                                                   "directions/forward/forward/test_exact_match"),
             "C17 both-edges > forward-only edges, reverse paths": ("directions/both/reverse/test_exact_match",
                                                                   "directions/forward/reverse/test_exact_match"),
             "C17 backward-only edges, reverse paths > chance": ("directions/backward/reverse/test_exact_match",
                                                                 "chance"),
             "C19 mixed > staged slow peak": ("mixed/test_exact_match", "staged/slow/peak"),
             "C19 staged slow peak > its final": ("staged/slow/peak", "staged/slow/final"),
             "C19 staged fast peak > its final": ("staged/fast/peak", "staged/fast/final"),
             "C20 leaf split > chance": ("tree/leaf/test_exact_match", "tree/chance"),
             "C20 first-token split > chance": ("tree/first-token/test_exact_match", "tree/chance")}
    for a, b in zip(PAUSES, PAUSES[1:]):
        pairs[f"C18 {b} pauses > {a} pauses"] = (f"pauses/{b}/test_exact_match", f"pauses/{a}/test_exact_match")
    pairs["C18 any pauses (1) > none"] = ("pauses/1/test_exact_match", "pauses/0/test_exact_match")
    for name in MAMBA_OBJECTIVES:
        pairs[f"C21 GPT > Mamba, {name}"] = (f"mamba/{name}/gpt", f"mamba/{name}/mamba")
        pairs[f"C21 Mamba > GPT, {name}"] = (f"mamba/{name}/mamba", f"mamba/{name}/gpt")
    out = {label: stats.above(em(a), em(b)) for label, (a, b) in pairs.items()}
    out["C18 0 < 1 < 2 < 4 pauses"] = stats.ordered([em(f"pauses/{k}/test_exact_match") for k in PAUSES])
    # An ordering of the splits is read only when both are above chance (None: it cannot be read).
    readable, order, _ = split_order(spreads)
    out["C20 leaf split > first-token split"] = order == "leaf" if readable else None
    return out


def split_order(spreads: dict) -> tuple[bool, str | None, str]:
    """(readable, order, text) of the tree-star splits (C20). The ordering is read only when *both*
    splits are above chance beyond the spread: a split at zero is below any split that learned
    anything, so "leaf above first-token" would hold vacuously. ``order``: 'leaf', 'first-token' (the
    split above the other beyond the spread), or None (no order beyond the spread, or unreadable)."""
    leaf, first = spreads["tree/leaf/test_exact_match"], spreads["tree/first-token/test_exact_match"]
    chance = spreads["tree/chance"]
    below = [n for n, s in (("leaf", leaf), ("first-token", first)) if not stats.above(s, chance)]
    if below:
        return False, None, ("the ordering of the splits cannot be read: the " + " and the ".join(below) +
                             f" split{'s are' if len(below) > 1 else ' is'} not above chance beyond the spread")
    if stats.above(leaf, first):
        return True, "leaf", "both splits above chance; the first-token split is harder (leaf above it beyond the spread)"
    if stats.above(first, leaf):
        return True, "first-token", "both splits above chance; the first-token split above the leaf split beyond the spread"
    return True, None, "both splits above chance; neither above the other beyond the spread"


def staged_reading(spreads: dict) -> dict:
    """{'fast'|'slow': text}: whether each staged run peaks and then falls beyond the spread (the
    paper's instability, C19), with its peak and final held-out exact match."""
    out = {}
    for name in ("fast", "slow"):
        peak, final = spreads[f"staged/{name}/peak"], spreads[f"staged/{name}/final"]
        fell = stats.above(peak, final)
        out[name] = (f"peak {peak}, final {final}: " +
                     ("peaks, then falls beyond the spread" if fell else "no fall from its peak beyond the spread"))
    return out
