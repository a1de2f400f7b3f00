"""Chapter 9's clock test in two panels: the cost of each +1 in l for every lr x weight decay, and the same
steps multiplied by lr x weight decay (a pure clock would put every setting on one curve)."""
from __future__ import annotations

from .comparisons import steps_per_length
from .style import panels


def clock_costs(found: list[dict]):
    """``found``: ``clock.settings`` (slowest clock first). Left: steps to held-out 0.5 against l, each seed
    a dot, lengths not reached within the budget a triangle, the fitted growth dashed. Right: steps x lr x
    weight decay against l, one line per setting."""
    fig, (left, right) = panels(2, per_row=2, height=3.2)
    curves = {s["name"]: s["curve"] for s in found}
    fits = {s["name"]: s["growth"]["at"] for s in found if s["growth"]}
    steps_per_length(curves, fits=fits, ax=left)
    left.set_title("steps to held-out 0.5")
    left.legend().remove()
    for s in found:
        hit = [c for c in s["curve"] if c["steps to 0.5"] is not None]
        right.plot([c["l"] for c in hit], [c["steps to 0.5"].mean * s["clock"] for c in hit], "o-", label=s["name"])
    right.set_yscale("log")
    for ax in (left, right):
        ax.set_xlabel("path length ℓ")
        ax.set_xticks(range(5, 11))
    right.set_ylabel("steps × lr × weight decay")
    right.set_title("on the clock's scale")
    fig.legend(*right.get_legend_handles_labels(), loc="outside lower center", ncol=2)
    return fig


