"""The book's one figure style, and the helpers every kind of figure shares."""
from __future__ import annotations

import matplotlib.pyplot as plt

CHANCE_STYLE = dict(color="0.4", linestyle=":", linewidth=1.5)


def setup() -> None:
    """One figure style for the book: vector line plots, readable sizes."""
    try:
        from matplotlib_inline.backend_inline import set_matplotlib_formats
        set_matplotlib_formats("svg")
    except ImportError:  # outside Jupyter
        pass
    # Constrained layout keeps colour bars and labels of neighbouring panels apart; titles are never
    # smaller than the tick labels.
    plt.rcParams.update({"figure.figsize": (6.0, 3.6), "axes.grid": True, "grid.alpha": 0.3,
                         "axes.spines.top": False, "axes.spines.right": False, "lines.linewidth": 2.0,
                         "legend.frameon": False, "figure.constrained_layout.use": True,
                         "axes.titlesize": 10, "figure.titlesize": 11, "axes.labelsize": 9.5,
                         "xtick.labelsize": 8.5, "ytick.labelsize": 8.5, "legend.fontsize": 8.5})


def axes_or_new(ax):
    """``ax``, or the axes of a new figure when it is None (every figure function draws on either)."""
    return ax if ax is not None else plt.subplots()[1]
