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
    # Constrained layout keeps colour bars and labels of neighbouring panels apart; titles are never
    # smaller than the tick labels.
    plt.rcParams.update({"figure.figsize": (6.0, 3.6), "axes.grid": True, "grid.alpha": 0.3,
                         "axes.spines.top": False, "axes.spines.right": False, "lines.linewidth": 2.0,
                         "legend.frameon": False, "figure.constrained_layout.use": True,
                         "axes.titlesize": 10, "figure.titlesize": 11, "axes.labelsize": 9.5,
                         "xtick.labelsize": 8.5, "ytick.labelsize": 8.5, "legend.fontsize": 8.5})


def _cell(value, digits: int) -> tuple[str, bool]:
    """A value as table text, rounded to what it can support; True when it is a number."""
    import math

    if value is None:
        return "—", False
    if isinstance(value, bool) or not isinstance(value, (int, float, np.integer, np.floating)):
        return str(value), False
    if isinstance(value, (int, np.integer)):
        return f"{int(value):,}", True
    x = float(value)
    if not math.isfinite(x):
        return str(x), True
    if x != 0 and abs(x) < 10 ** -digits:  # a chance level like 1/5000: keep its two significant digits
        return f"{x:.1e}", True
    return (f"{x:,.0f}" if abs(x) >= 100 else f"{x:.1f}" if abs(x) >= 10 else f"{x:.{digits}f}"), True


class Table:
    """A small run summary: an HTML table in the book and Jupyter, aligned text in a terminal."""

    def __init__(self, rows: list, columns: list, caption: str | None, digits: int):
        self.columns, self.caption = columns, caption
        self.cells = [[_cell(r.get(c), digits) for c in columns] for r in rows]

    def _repr_html_(self) -> str:
        import html

        esc = html.escape
        head = "".join(f"<th>{esc(str(c))}</th>" for c in self.columns)
        body = "".join("<tr>" + "".join(f'<td class="num">{esc(s)}</td>' if num else f"<td>{esc(s)}</td>"
                                        for s, num in row) + "</tr>" for row in self.cells)
        cap = f"<caption>{esc(self.caption)}</caption>" if self.caption else ""
        return f'<table class="runs">{cap}<thead><tr>{head}</tr></thead><tbody>{body}</tbody></table>'

    def __repr__(self) -> str:
        text = [[str(c) for c in self.columns]] + [[s for s, _ in row] for row in self.cells]
        widths = [max(len(r[j]) for r in text) for j in range(len(self.columns))]
        lines = ["  ".join(s.ljust(w) for s, w in zip(r, widths)).rstrip() for r in text]
        return "\n".join(([self.caption] if self.caption else []) + lines)


def table(rows, columns: list | None = None, caption: str | None = None, digits: int = 3, show: bool = True):
    """Show run summaries as a small table instead of long printed lines. ``rows``: a list of dicts, or
    ``{label: dict}`` (the label becomes the first column, named ``columns[0]`` when given). Floats are
    rounded to ``digits`` decimals (fewer above 10, scientific below 10^-digits). Displays the table
    (printed outside Jupyter) and returns None, unless ``show=False``, which returns it."""
    if isinstance(rows, dict):
        first = columns[0] if columns else "run"
        rows = [{first: label, **values} for label, values in rows.items()]
    rows = list(rows)
    if not all(isinstance(r, dict) for r in rows):
        raise ValueError("rows must be a list of dicts or a dict of dicts")
    if isinstance(digits, bool) or not isinstance(digits, int) or not 0 <= digits <= 6:
        raise ValueError(f"digits must be an integer from 0 to 6; got {digits!r}")
    columns = list(columns or dict.fromkeys(k for r in rows for k in r))
    t = Table(rows, columns, caption, digits)
    if not show:
        return t
    try:
        from IPython import get_ipython
        from IPython.display import display
    except ImportError:
        get_ipython = None
    if get_ipython is not None and get_ipython() is not None:
        display(t)
    else:
        print(repr(t))
    return None


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
        line, = ax.plot(*run.curve(key), label=label)
        switch = next((h["step"] for h in getattr(run, "history", ()) if h.get("phase") == "paths"), None)
        if switch is not None:  # a staged run: mark where the path phase begins
            ax.axvline(switch, color=line.get_color(), linestyle="--", linewidth=1)
    if chance is not None:
        ax.axhline(chance, label=f"chance = {chance:.3g}", **CHANCE_STYLE)
    ax.set_xlabel("training step")
    ax.set_ylabel(ylabel or key.replace("_", " "))
    ax.set_ylim(-0.02, 1.02)
    ax.legend()
    return ax


def saved_curves(runs: dict, key: str = "test_exact_match", x: str = "step", ax=None,
                 chance: float | None = None, ylabel: str = "held-out exact match"):
    """One metric over training for saved runs (``label -> metrics.json`` dict with its ``history``)."""
    ax = _ax(ax)
    for label, m in runs.items():
        pts = [(h[x], h[key]) for h in m["history"] if h.get(key) is not None]
        ax.plot(*zip(*pts), label=label)
    if chance is not None:
        ax.axhline(chance, label=f"chance = {chance:.3g}", **CHANCE_STYLE)
    ax.set_xlabel("training step" if x == "step" else x.replace("_", " "))
    ax.set_ylabel(ylabel)
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


def value_grid(values: dict, ax=None, title: str | None = None, fmt: str = "{:.2f}"):
    """An annotated grid of numbers in [0, 1]: ``values[(row_label, column_label)] -> value``."""
    ax = _ax(ax)
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


def arm_heatmap(matrix, ax=None, title: str | None = None, xlabel: str = "first hop of held-out arm j",
                ylabel: str = "leaf of held-out arm i"):
    """A cosine-similarity matrix over held-out arms (rows i, columns j); a diagonal = own-arm closeness."""
    ax = _ax(ax)
    if ax.figure.get_layout_engine() is None:  # else a colour bar can run into the next panel
        ax.figure.set_layout_engine("constrained")
    im = ax.imshow(matrix, cmap="plasma", vmin=-1, vmax=1)
    ax.figure.colorbar(im, ax=ax, fraction=0.046, pad=0.04, label="cosine similarity")
    ax.set_xlabel(xlabel)
    ax.set_ylabel(ylabel)
    ax.grid(False)
    if title:
        ax.set_title(title)
    return ax


def arm_projection(embeddings, arms, arm_ids, ax=None, title: str | None = None):
    """The nodes of the given arms (root excluded) on the top two principal components of their
    embeddings, one colour per arm, the leaf drawn larger and joined to its arm's first hop by its path."""
    from .geometry import pca

    ax = _ax(ax)
    arms = np.asarray(arms)[np.asarray(arm_ids), 1:]
    coords = pca(np.asarray(embeddings, dtype=np.float64)[arms.ravel()]).reshape(*arms.shape, 2)
    colors = plt.cm.tab10(np.arange(len(arms)) % 10)
    for c, color in zip(coords, colors):
        ax.plot(c[:, 0], c[:, 1], color=color, linewidth=1, alpha=0.6)
        ax.scatter(c[:-1, 0], c[:-1, 1], color=color, s=18)
        ax.scatter(c[-1:, 0], c[-1:, 1], color=color, s=70, marker="*", edgecolors="k", linewidths=0.5)
    ax.set_xticks([])
    ax.set_yticks([])
    if title:
        ax.set_title(title)
    return ax


# Tiny graphs ---------------------------------------------------------------------------------

def draw_embedding(coords, edges, ax=None, title: str | None = None, labels: bool = False):
    """Nodes at 2-D ``coords`` (row i = node i) with the graph's ``edges`` drawn between them."""
    ax = _ax(ax)
    coords = np.asarray(coords, dtype=float)
    for u, v in np.asarray(edges):
        ax.plot(*coords[[u, v]].T, color="0.6", linewidth=1.0, zorder=1)
    ax.scatter(coords[:, 0], coords[:, 1], c=np.arange(len(coords)), cmap="viridis", s=40,
               edgecolors="k", linewidths=0.5, zorder=2)
    if labels:
        for i, (x, y) in enumerate(coords):
            ax.annotate(str(i), (x, y), fontsize=6, xytext=(3, 3), textcoords="offset points")
    ax.set_xticks([])
    ax.set_yticks([])
    ax.grid(False)
    if title:
        ax.set_title(title)
    return ax


def memorization_vs_geometry(history, ax=None, title: str | None = None):
    """Top-k edge recovery (left axis) and geometric level (right axis) over training steps."""
    ax = _ax(ax)
    steps = [h["step"] for h in history]
    ax.plot(steps, [h["topk_recovery"] for h in history], color="tab:orange", label="top-k recovery")
    ax.set_ylim(-0.02, 1.02)
    ax.set_xlabel("training step")
    ax.set_ylabel("top-k edge recovery", color="tab:orange")
    right = ax.twinx()
    right.plot(steps, [h["geometric_level"] for h in history], color="tab:blue", label="geometric level")
    right.set_ylim(-1.02, 1.02)
    right.set_ylabel("geometric level", color="tab:blue")
    right.grid(False)
    right.spines["right"].set_visible(True)
    if title:
        ax.set_title(title)
    return ax


def similarity_heatmaps(cosines, adjacency, axes=None, title: str | None = None):
    """Node-node cosine similarity (left) beside the adjacency matrix (right)."""
    if axes is None:
        axes = plt.subplots(1, 2, figsize=(7, 3.2))[1]
    im = axes[0].imshow(cosines, cmap="RdBu_r", vmin=-1, vmax=1)
    axes[0].set_title(title or "cosine similarity")
    axes[1].imshow(adjacency, cmap="Greys", vmin=0, vmax=1)
    axes[1].set_title("adjacency")
    for a in axes:
        a.grid(False)
        a.set_xticks([])
        a.set_yticks([])
    plt.colorbar(im, ax=axes[0], fraction=0.046)
    return axes


def spectral_bars(spectral_energy, ax=None, title: str | None = None):
    """Share of the non-trivial embedding energy on each non-trivial eigenspace (bars, left to right
    by decreasing eigenvalue of P + P^T; the eigenvalue and dimension label each bar)."""
    ax = _ax(ax)
    rows = [r for r in spectral_energy if not r["trivial"]]
    ax.bar(range(len(rows)), [r["share"] for r in rows], color=["tab:green" if r["eigenvalue"] >= 0 else "tab:red"
                                                                 for r in rows])
    ax.set_xticks(range(len(rows)), [f"{r['eigenvalue']:.2f}" + (f"×{r['dim']}" if r["dim"] > 1 else "")
                                     for r in rows], rotation=90, fontsize=7)
    ax.set_xlabel("eigenvalue of P + Pᵀ (×dimension)")
    ax.set_ylabel("share of non-trivial energy")
    ax.set_ylim(0, 1.02)
    if title:
        ax.set_title(title)
    return ax


def node2vec_dynamics(dynamics, axes=None, top: int = 2, title: str | None = None):
    """||V^T B|| (left) and ||C B|| (right) per eigenspace over training: the ``top`` non-trivial
    eigenspaces bold, the others thin, the trivial ones dashed."""
    if axes is None:
        axes = plt.subplots(1, 2, figsize=(10, 3.4))[1]
    steps = np.maximum(dynamics["steps"], 1)
    rank = np.cumsum(~dynamics["trivial"]) * ~dynamics["trivial"]  # 1, 2, ... for non-trivial spaces
    colors = plt.cm.viridis(np.linspace(0, 0.9, max(1, int(rank.max()))))
    for key, ax, label in (("projection", axes[0], "‖Vᵀ B‖ (embedding on the eigenspace)"),
                           ("c_norm", axes[1], "‖C B‖")):
        for j in range(dynamics[key].shape[1]):
            if dynamics["trivial"][j]:
                style = dict(color="0.5", linestyle="--", linewidth=1.0)
            else:
                style = dict(color=colors[rank[j] - 1], linewidth=2.5 if rank[j] <= top else 0.8)
            name = ("trivial" if dynamics["trivial"][j] else f"λ={dynamics['eigenvalues'][j]:.2f}")
            ax.plot(steps, dynamics[key][:, j], label=name if (dynamics["trivial"][j] or rank[j] <= top) else None,
                    **style)
        ax.set_xscale("log")
        ax.set_xlabel("gradient-descent step")
        ax.set_ylabel(label)
        ax.legend(fontsize=7)
    axes[1].set_yscale("log")
    if title:
        axes[0].set_title(title)
    return axes


def joint_pca(snapshots, k: int = 2) -> np.ndarray:
    """Project a stack of embeddings (steps, n, m) on one PCA fitted to all of them together, so
    positions are comparable across steps: returns (steps, n, k)."""
    from .geometry import pca

    snaps = np.asarray(snapshots, dtype=float)
    s, n, m = snaps.shape
    return pca(snaps.reshape(s * n, m), k).reshape(s, n, k)


def embedding_evolution(steps, coords, edges, picks, axes=None, title: str | None = None, labels=None):
    """Small multiples: the jointly projected embeddings ``coords`` (from ``joint_pca``) at the
    snapshot indices ``picks``, one panel per step. The directions are shared; each panel is scaled
    to its own extent (norms grow a lot during training). ``labels`` adds a line per panel."""
    if axes is None:
        axes = plt.subplots(1, len(picks), figsize=(2.7 * len(picks), 2.9))[1]
    for k, (ax, i) in enumerate(zip(np.atleast_1d(axes), picks)):
        extra = f"\n{labels[k]}" if labels is not None else ""
        draw_embedding(coords[i], edges, ax=ax, title=f"step {steps[i]}{extra}")
    fig = np.atleast_1d(axes)[0].figure
    if title:
        fig.suptitle(title)
    if fig.get_layout_engine() is None:
        fig.tight_layout()
    return axes


def run_metrics(run, keys: dict, ax=None, chance: float | None = None, ylabel: str = "accuracy"):
    """Several metrics of one run (``label -> history key``) over training, drawn like ``curves``."""

    class _Metric:  # one metric of ``run``, seen through the interface ``curves`` draws from
        def __init__(self, key):
            self.key = key

        def curve(self, _):
            return run.curve(self.key)

    return curves({label: _Metric(key) for label, key in keys.items()}, "", ax=ax, chance=chance, ylabel=ylabel)


# Why geometry (chapter 07) ---------------------------------------------------------------------

def cost_ratios(sizes, series: dict, ax=None, xlabel: str = "number of nodes |V|", title: str | None = None):
    """Associative / geometric storage cost against graph size (log-log), one line per
    ``label -> values``; dotted guides at 1/2, 1 and 2 (above 1: the geometry is cheaper)."""
    ax = _ax(ax)
    for label, values in series.items():
        ax.plot(sizes, values, label=label)
    for level in (0.5, 1.0, 2.0):
        ax.axhline(level, **CHANCE_STYLE)
    ax.set_xscale("log")
    ax.set_yscale("log", base=2)
    ax.set_xlabel(xlabel)
    ax.set_ylabel("associative cost / geometric cost")
    ax.legend(fontsize=7)
    if title:
        ax.set_title(title)
    return ax


def race(histories: dict, keys=("topk_recovery", "geometric_margin", "geometric_level"), axes=None,
         labels: dict | None = None):
    """Several metrics over training (one panel per history key, e.g. memorization and geometry) for
    several labelled runs (``label -> history``), on a symlog step axis, one colour per run."""
    labels = {"topk_recovery": "top-k edge recovery", **(labels or {})}
    if axes is None:
        axes = plt.subplots(1, len(keys), figsize=(4.4 * len(keys), 3.6))[1]
    axes = np.atleast_1d(axes)
    for i, (label, history) in enumerate(histories.items()):
        for ax, key in zip(axes, keys):
            rows = [h for h in history if h.get(key) is not None]
            ax.plot([h["step"] for h in rows], [h[key] for h in rows], color=plt.cm.tab10(i % 10), label=label)
    for ax, key in zip(axes, keys):
        ax.set_xscale("symlog", linthresh=1)
        ax.set_xlabel("full-batch training step")
        ax.set_ylabel(labels.get(key, key.replace("_", " ")))
        if key == "topk_recovery":
            ax.set_ylim(-0.02, 1.02)
        else:
            ax.axhline(0.0, **CHANCE_STYLE)
    axes[0].legend(fontsize=7)
    return axes


def seed_spread(spreads: dict, ax=None, xlabel: str = "", reference: dict | None = None, line: float | None = 0.0,
                line_label: str | None = None):
    """One row per label (``label -> stats.Spread``): each seed as a dot, mean ± sd as a bar, an
    optional reference value per label (e.g. the paper's) as a cross, and a dotted line (0, or chance)."""
    ax = _ax(ax)
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
        ax.legend(fontsize=7)
    return ax


# The landing page ---------------------------------------------------------------------------------

def weights_vs_context(rows, ax=None):
    """Held-out exact match per graph (``landing.headline`` rows), in weights and in context side by side,
    each bar with its chance level 1/d as a black tick; a note (e.g. under-trained) above a bar."""
    ax = _ax(ax)
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
