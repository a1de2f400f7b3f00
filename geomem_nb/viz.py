"""Figures, in one style. Every function draws on a given (or new) axes and returns it."""
from __future__ import annotations

import matplotlib.pyplot as plt
import numpy as np

CHANCE_STYLE = dict(color="0.4", linestyle=":", linewidth=1.5)


def setup() -> None:
    """One figure style for the book: vector line plots, readable sizes."""
    try:
        from matplotlib_inline.backend_inline import set_matplotlib_formats
        set_matplotlib_formats("svg")
    except ImportError:  # outside Jupyter
        pass
    plt.rcParams.update({"figure.figsize": (6.0, 3.6), "axes.grid": True, "grid.alpha": 0.3,
                         "axes.spines.top": False, "axes.spines.right": False, "lines.linewidth": 2.0,
                         "legend.frameon": False})


def _ax(ax):
    return ax if ax is not None else plt.subplots()[1]


def draw_path_star(graph, ax=None, show_labels: bool = True):
    """The arms radiate from the root; held-out arms are dashed."""
    ax = _ax(ax)
    d, ell = graph.arms.shape
    angles = np.linspace(0, 2 * np.pi, d, endpoint=False)
    test = set(graph.test_arms.tolist())
    for i, a in enumerate(angles):
        r = np.arange(ell)
        xs, ys = r * np.cos(a), r * np.sin(a)
        style = dict(linestyle="--", color="tab:orange") if i in test else dict(color="tab:blue")
        ax.plot(xs, ys, marker="o", markersize=14, markerfacecolor="white", **style)
        if show_labels:
            for x, y, node in zip(xs[1:], ys[1:], graph.arms[i, 1:]):
                ax.text(x, y, str(node), ha="center", va="center", fontsize=7)
    ax.plot([0], [0], marker="o", markersize=16, color="k")
    ax.text(0, 0, str(graph.root), color="white", ha="center", va="center", fontsize=7)
    ax.plot([], [], color="tab:blue", label="train arm")
    ax.plot([], [], color="tab:orange", linestyle="--", label="held-out arm")
    ax.legend(loc="upper left", bbox_to_anchor=(1, 1))
    ax.set_aspect("equal")
    ax.axis("off")
    return ax


def curves(runs: dict, key: str, ax=None, chance: float | None = None, ylabel: str | None = None):
    """One metric over training steps for several labelled runs (``label -> RunResult``)."""
    ax = _ax(ax)
    for label, run in runs.items():
        ax.plot(*run.curve(key), label=label)
    if chance is not None:
        ax.axhline(chance, label=f"chance 1/d = {chance:.3g}", **CHANCE_STYLE)
    ax.set_xlabel("training step")
    ax.set_ylabel(ylabel or key.replace("_", " "))
    ax.set_ylim(-0.02, 1.02)
    ax.legend()
    return ax


def per_position(run, key: str = "test_per_position", ax=None, chance: float | None = None,
                 hardest: int = 2):
    """Accuracy of each target position over training; position ``hardest`` (the first hop) is bold."""
    ax = _ax(ax)
    steps = np.array([h["step"] for h in run.history if h.get(key)])
    acc = np.array([h[key] for h in run.history if h.get(key)])
    colors = plt.cm.viridis(np.linspace(0, 0.9, acc.shape[1]))
    for j in range(acc.shape[1]):
        pos = j + 1
        ax.plot(steps, acc[:, j], color=colors[j], linewidth=3.5 if pos == hardest else 1.5,
                label=f"position {pos}" + (" (hardest token)" if pos == hardest else ""))
    if chance is not None:
        ax.axhline(chance, label="chance", **CHANCE_STYLE)
    ax.set_xlabel("training step")
    ax.set_ylabel("accuracy")
    ax.set_ylim(-0.02, 1.02)
    ax.legend(fontsize=8)
    return ax


def bars(values: dict, ax=None, chance: float | None = None, ylabel: str = "held-out exact match"):
    """A labelled bar per value, with the chance line."""
    ax = _ax(ax)
    labels = list(values)
    ax.bar(range(len(labels)), [values[k] for k in labels], color="tab:blue")
    ax.set_xticks(range(len(labels)), labels, rotation=15)
    if chance is not None:
        ax.axhline(chance, label="chance", **CHANCE_STYLE)
        ax.legend()
    ax.set_ylabel(ylabel)
    ax.set_ylim(0, 1.02)
    return ax
