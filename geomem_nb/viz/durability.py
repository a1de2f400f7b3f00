"""Chapter 5's longer-budget study in one figure: the geometric level over training at ten times the
budget, one panel per tiny graph, one line per model (mean over seeds), the budgeted runs' final level
as a dot at the budget."""
from __future__ import annotations

import numpy as np

from .style import panels

COLORS = ("tab:blue", "tab:orange", "tab:green", "tab:red", "tab:purple", "tab:brown")


def geometry_over_training(rec: dict, budgeted: dict | None, names: dict, graphs=None):
    """``rec``: the ``05_geometry_lasts`` record; ``budgeted``: the ``05_tiny_seeds`` record (or None);
    ``names``: model -> its name in words. The x axis is the step over the entry's budget (1 = the budget
    the verdicts read), on a log scale."""
    graphs = graphs or list(dict.fromkeys(n.split("/")[0] for n in rec["entries"]))
    fig, axes = panels(len(graphs), per_row=2, height=2.6)
    models = list(dict.fromkeys(n.split("/")[1] for n in rec["entries"]))
    for ax, g in zip(axes, graphs):
        for model, color in zip(models, COLORS):
            entry = rec["entries"].get(f"{g}/{model}")
            if not entry:
                continue
            curves = [r["curves"]["geometric_level"] for r in entry["runs"] if "geometric_level" in r["curves"]]
            n = min(len(c) for c in curves)
            steps = np.array([s for s, _ in curves[0][:n]], dtype=float) / entry["budget"]
            level = np.mean([[v for _, v in c[:n]] for c in curves], axis=0)
            keep = steps > 0
            ax.plot(steps[keep], level[keep], color=color, linewidth=1.5, label=names.get(model, model))
            base = (((budgeted or {}).get("runs", {}).get(f"{g}/{model}") or {}).get("measures") or {})
            if "mean" in base.get("geometric_level", {}):
                ax.plot([1], [base["geometric_level"]["mean"]], "o", color=color, markersize=5)
        ax.axvline(1, color="0.5", linewidth=1, linestyle=":")
        ax.axhline(0, color="0.4", linewidth=0.8)
        ax.set_xscale("log")
        ax.set_title(g)
        ax.set_xlabel("steps / the budget")
        ax.set_ylabel("geometric level")
    handles, labels = axes[0].get_legend_handles_labels()
    fig.legend(handles, labels, loc="outside lower center", ncol=3)
    return fig
