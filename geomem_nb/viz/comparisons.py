"""Numbers side by side: bars against chance, a grid of values, cost ratios against graph size, the
spread over seeds, and the landing page's in weights against in context."""
from __future__ import annotations

import numpy as np

from ..first_hop import SHARES
from .style import CHANCE_STYLE, SMALLEST_FONT_PT, axes_or_new


def bars(values: dict, ax=None, chance: float | dict | None = None, ylabel: str = "held-out exact match"):
    """A labelled bar per value, with the chance line; ``chance`` as ``{label: chance}`` marks each bar's
    own chance across that bar alone (bars of graphs with different d)."""
    ax = axes_or_new(ax)
    labels = list(values)
    ax.bar(range(len(labels)), [values[k] for k in labels], color="tab:blue")
    ax.set_xticks(range(len(labels)), labels, rotation=15)
    if isinstance(chance, dict):
        marked = [k for k in labels if k in chance]
        for k in marked:
            i = labels.index(k)
            ax.hlines(chance[k], i - 0.45, i + 0.45, label="chance 1/d" if k == marked[0] else None,
                      **{**CHANCE_STYLE, "color": "k", "linestyle": "--"})
        ax.legend()
    elif chance is not None:
        ax.axhline(chance, label="chance", **CHANCE_STYLE)
        ax.legend()
    ax.set_ylabel(ylabel)
    ax.set_ylim(0, 1.02)
    return ax


def value_grid(values: dict, ax=None, title: str | None = None, fmt: str = "{:.2f}"):
    """An annotated grid of numbers in [0, 1]: ``values[(row_label, column_label)] -> value``."""
    ax = axes_or_new(ax)
    rows = list(dict.fromkeys(r for r, _ in values))
    cols = list(dict.fromkeys(c for _, c in values))
    grid = np.array([[values.get((r, c), np.nan) for c in cols] for r in rows])
    ax.imshow(grid, cmap="Blues", vmin=0, vmax=1)
    for i in range(len(rows)):
        for j in range(len(cols)):
            if np.isfinite(grid[i, j]):
                ax.text(j, i, fmt.format(grid[i, j]), ha="center", va="center",
                        color="white" if grid[i, j] > 0.6 else "black")
    ax.set_xticks(range(len(cols)), cols)
    ax.set_yticks(range(len(rows)), rows)
    ax.grid(False)
    if title:
        ax.set_title(title)
    return ax


def cost_ratios(sizes, series: dict, ax=None, xlabel: str = "number of nodes |V|", title: str | None = None):
    """Associative / geometric storage cost against graph size (log-log), one line per
    ``label -> values``; dotted guides at 1/2, 1 and 2 (above 1: the geometry is cheaper)."""
    ax = axes_or_new(ax)
    for label, values in series.items():
        ax.plot(sizes, values, label=label)
    for level in (0.5, 1.0, 2.0):
        ax.axhline(level, **CHANCE_STYLE)
    ax.set_xscale("log")
    ax.set_yscale("log", base=2)
    ax.set_xlabel(xlabel)
    ax.set_ylabel("associative cost / geometric cost")
    ax.legend(fontsize=SMALLEST_FONT_PT)
    if title:
        ax.set_title(title)
    return ax


def seed_spread(spreads: dict, ax=None, xlabel: str = "", reference: dict | None = None, line: float | None = 0.0,
                line_label: str | None = None):
    """One row per label (``label -> stats.Spread``): each seed as a dot, mean ± sd as a bar, an
    optional reference value per label (e.g. the paper's) as a cross, and a dotted line (0, or chance)."""
    ax = axes_or_new(ax)
    labels = list(spreads)[::-1]  # first label on top
    for y, label in enumerate(labels):
        s = spreads[label]
        ax.errorbar(s.mean, y, xerr=s.sd, fmt="|", color="tab:blue", markersize=12, capsize=4)
        ax.plot(s.values, [y] * s.n, "o", color="tab:blue", alpha=0.6, markersize=4)
        if reference and reference.get(label) is not None:
            ax.plot(reference[label], y, "x", color="tab:red", markersize=7,
                    label="paper" if y == max(i for i, k in enumerate(labels) if reference.get(k) is not None) else None)
    ax.set_yticks(range(len(labels)), labels, fontsize=8)
    if line is not None:
        ax.axvline(line, label=line_label, **CHANCE_STYLE)
    ax.set_xlabel(xlabel)
    if reference or line_label:
        ax.legend(fontsize=SMALLEST_FONT_PT)
    return ax


def weights_vs_context(rows, ax=None):
    """Held-out exact match per graph (``landing.headline`` rows), in weights and in context side by side,
    each bar with its chance level 1/d as a black tick; a note (e.g. under-trained) above a bar."""
    ax = axes_or_new(ax)
    colours = {"in weights": "tab:blue", "in context": "tab:orange"}
    for i, r in enumerate(rows):
        value, chance = r["held-out exact match"], r["chance 1/d"]
        ax.bar(i, value, color=colours[r["setting"]], width=0.7,
               label=r["setting"] if r["setting"] not in ax.get_legend_handles_labels()[1] else None)
        ax.plot([i - 0.4, i + 0.4], [chance, chance], color="k", linewidth=2,
                label="chance 1/d" if i == 0 else None)
        ax.text(i, max(value, chance) + 0.03, f"{value:.2f}" + (f"\n{r['note']}" if r["note"] else ""),
                ha="center", va="bottom", fontsize=8)
    ax.set_xticks(range(len(rows)), [r["graph"] for r in rows])
    ax.set_ylabel("held-out exact match")
    ax.set_ylim(0, 1.25)
    ax.set_yticks([0, 0.25, 0.5, 0.75, 1.0])
    ax.legend(loc="upper right", ncols=3)
    ax.grid(axis="x", visible=False)
    return ax


def first_hop_shares(rows: dict, ax=None):
    """Where the argmax at the first hop of held-out leaves lands, one stacked bar per run: ``rows`` maps
    a run's label to its ``first_hop.diagnose`` dict (the shares sum to 1)."""
    ax = axes_or_new(ax)
    labels, bottom = list(rows), np.zeros(len(rows))
    colours = {"correct": "tab:green", "other_held_out_first_hop": "tab:olive",
               "training_first_hop": "tab:red", "not_a_first_hop": "0.6"}
    for share in SHARES:
        v = np.array([rows[k][f"share_{share}"] for k in labels])
        ax.bar(range(len(labels)), v, bottom=bottom, color=colours[share], label=share.replace("_", " "))
        bottom += v
    ax.set_xticks(range(len(labels)), labels, rotation=20, ha="right")
    ax.set_ylabel("share of held-out leaves")
    ax.set_ylim(0, 1.02)
    ax.legend(loc="upper left", bbox_to_anchor=(1.0, 1.0))
    return ax


SETTING_COLORS = ("tab:blue", "tab:orange", "tab:green", "tab:purple", "tab:red", "tab:brown")  # one per setting


def steps_per_length(curves: dict, bounds: dict | None = None, fits: dict | None = None, ax=None):
    """The cost of a longer path: steps to reach 0.5 against l on a log scale, one colour per setting
    (``curves``: setting -> long_path.cost_curve rows): each seed a dot and the mean a line; a length no
    seed reached as a triangle at the steps run (a lower bound; ``bounds``: setting -> {l: steps} adds
    runs from elsewhere); a dashed fitted growth per setting (``fits``: setting -> fit(l) -> steps)."""
    ax = axes_or_new(ax)
    if len(curves) > len(SETTING_COLORS):
        raise ValueError(f"curves: at most {len(SETTING_COLORS)} settings, got {len(curves)}")
    for (name, curve), color in zip(curves.items(), SETTING_COLORS):
        hit = [c for c in curve if c["steps to 0.5"] is not None]
        for c in hit:
            ax.plot([c["l"]] * c["steps to 0.5"].n, c["steps to 0.5"].values, "o", color=color, alpha=0.6)
        ax.plot([c["l"] for c in hit], [c["steps to 0.5"].mean for c in hit], "-", color=color, label=name)
        missed = {c["l"]: c["budget"] for c in curve if c["steps to 0.5"] is None}
        missed.update((bounds or {}).get(name, {}))
        ax.plot(list(missed), list(missed.values()), "^", color=color, markersize=8, linestyle="none")
        fit = (fits or {}).get(name)
        if fit is not None:
            ells = np.linspace(min(c["l"] for c in curve), 10, 50)
            ax.plot(ells, [fit(x) for x in ells], color=color, linestyle="--", linewidth=1)
    ax.plot([], [], "^", color="gray", linestyle="none", label="not reached within (a lower bound)")
    ax.plot([], [], "--", color="gray", linewidth=1, label="fitted growth, extrapolated")
    ax.set_yscale("log")
    ax.set_xlabel("path length l")
    ax.set_ylabel("training steps to 0.5")
    ax.legend(fontsize=SMALLEST_FONT_PT)
    return ax


def seed_bars(groups: dict, chance: dict | None = None, ax=None, ylabel: str = "spectral concentration"):
    """Grouped bars, one group per graph (``graph -> {model: stats.Spread}``): each bar the mean over seeds
    with its sd as an error bar, and each group's chance (``graph -> value``) as a black tick across it."""
    ax = axes_or_new(ax)
    names = list(groups)
    models = list(dict.fromkeys(m for g in names for m in groups[g]))
    width = 0.8 / len(models)
    for k, model in enumerate(models):
        x = [i + width * (k - (len(models) - 1) / 2) for i, g in enumerate(names) if model in groups[g]]
        sp = [groups[g][model] for g in names if model in groups[g]]
        ax.bar(x, [s.mean for s in sp], width, yerr=[s.sd for s in sp], capsize=2, label=model)
    for i, g in enumerate(names):
        if chance and g in chance:
            ax.plot([i - 0.42, i + 0.42], [chance[g]] * 2, color="k", linewidth=2,
                    label="chance (no relation to the graph)" if i == 0 else None)
    ax.set_xticks(range(len(names)), names)
    ax.set_ylabel(ylabel)
    ax.set_ylim(0, 1.05)
    ax.grid(axis="x", visible=False)
    return ax
