"""Chapter 9's clock test in two panels: the cost of each +1 in l for every lr x weight decay, and the same
steps multiplied by lr x weight decay (a pure clock would put every setting on one curve)."""
from __future__ import annotations

from .comparisons import SETTING_COLORS, steps_per_length
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
    for s, color in zip(found, SETTING_COLORS):  # the colours steps_per_length gives the same settings
        hit = [c for c in s["curve"] if c["steps to 0.5"] is not None]
        right.plot([c["l"] for c in hit], [c["steps to 0.5"].mean * s["clock"] for c in hit], "o-", color=color,
                   label=s["name"])
    right.set_yscale("log")
    for ax in (left, right):
        ax.set_xlabel("path length ℓ")
        ax.set_xticks(range(5, 11))
    right.set_ylabel("steps × lr × weight decay")
    right.set_title("on the clock's scale")
    fig.legend(*right.get_legend_handles_labels(), loc="outside lower center", ncol=2)
    return fig


def weight_norms(rows: list[dict], ell: int, names: dict):
    """The weight norm over training at path length ``ell`` for every run that recorded it (the clock
    test's runs), one colour per setting (``names``: knob -> words), each seed a line; a run stopped at
    held-out 0.5 ends there."""
    fig, (ax,) = panels(1, height=2.8)
    colors = dict(zip(names, SETTING_COLORS))
    seen = set()
    for r in rows:
        hist = [h for h in r["history"] if h.get("weight_norm") is not None]
        if r["path_length"] != ell or not hist or r.get("knob") not in names:
            continue
        label = None if r["knob"] in seen else names[r["knob"]]
        seen.add(r["knob"])
        ax.plot([h["step"] for h in hist], [h["weight_norm"] for h in hist], color=colors[r["knob"]], label=label)
    ax.set_xlabel("training step")
    ax.set_ylabel("weight norm")
    ax.set_title(f"ℓ = {ell}: the size of the weights until held-out 0.5")
    ax.legend(loc="best")
    return fig


def reach_curves(runs: list[dict], level: float = 0.5):
    """The reach's runs over training, one colour per path length, each seed a line (a run stopped at
    held-out ``level`` ends there): held-out exact match (left) and the leaf/first-hop diagonal (right)."""
    fig, axes = panels(2, per_row=2, height=3.0)
    lengths = sorted({r["path_length"] for r in runs})
    colors = dict(zip(lengths, SETTING_COLORS))
    for ax, key, name in zip(axes, ("test_exact_match", "leaf_first_hop_diagonal_accuracy"),
                             ("held-out exact match", "leaf/first-hop diagonal")):
        seen = set()
        for r in sorted(runs, key=lambda r: (r["path_length"], r["seed"])):
            hist = [h for h in r["history"] if h.get(key) is not None]
            ell = r["path_length"]
            ax.plot([h["step"] for h in hist], [h[key] for h in hist], color=colors[ell],
                    label=None if ell in seen else f"ℓ = {ell}")
            seen.add(ell)
        ax.set_xlabel("training step")
        ax.set_ylabel(name)
        ax.set_ylim(-0.03, 1.03)
    axes[0].axhline(level, color="gray", linestyle=":", linewidth=1)
    fig.legend(*axes[0].get_legend_handles_labels(), loc="outside lower center", ncol=len(lengths))
    return fig
