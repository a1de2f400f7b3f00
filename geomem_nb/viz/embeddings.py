"""Pictures of graphs and of what a model stores about them: path-star drawings, leaf/first-hop
heatmaps, embeddings in two dimensions (and over training), similarity and spectral energy."""
from __future__ import annotations

import matplotlib.pyplot as plt
import numpy as np

from ..geometry import pca
from .style import SMALLEST_FONT_PT, axes_or_new, panels


def draw_path_star(graph, ax=None, show_labels: bool = True):
    """The arms radiate from the root; held-out arms are dashed."""
    ax = axes_or_new(ax)
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
                ax.text(x, y, str(node), ha="center", va="center", fontsize=SMALLEST_FONT_PT)
    ax.plot([0], [0], marker="o", markersize=16, color="k")
    ax.text(0, 0, str(graph.root), color="white", ha="center", va="center", fontsize=SMALLEST_FONT_PT)
    ax.plot([], [], color="tab:blue", label="train arm")
    ax.plot([], [], color="tab:orange", linestyle="--", label="held-out arm")
    ax.legend(loc="upper left", bbox_to_anchor=(1, 1))
    ax.set_aspect("equal")
    ax.axis("off")
    return ax


def arm_heatmap(matrix, ax=None, title: str | None = None, xlabel: str = "first hop of held-out arm j",
                ylabel: str = "leaf of held-out arm i"):
    """A cosine-similarity matrix over held-out arms (rows i, columns j); a diagonal = own-arm closeness."""
    ax = axes_or_new(ax)
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
    ax = axes_or_new(ax)
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


def draw_embedding(coords, edges, ax=None, title: str | None = None, labels: bool = False):
    """Nodes at 2-D ``coords`` (row i = node i) with the graph's ``edges`` drawn between them."""
    ax = axes_or_new(ax)
    coords = np.asarray(coords, dtype=float)
    for u, v in np.asarray(edges):
        ax.plot(*coords[[u, v]].T, color="0.6", linewidth=1.0, zorder=1)
    ax.scatter(coords[:, 0], coords[:, 1], c=np.arange(len(coords)), cmap="viridis", s=40,
               edgecolors="k", linewidths=0.5, zorder=2)
    if labels:
        for i, (x, y) in enumerate(coords):
            ax.annotate(str(i), (x, y), fontsize=SMALLEST_FONT_PT, xytext=(3, 3), textcoords="offset points")
    ax.set_xticks([])
    ax.set_yticks([])
    ax.grid(False)
    if title:
        ax.set_title(title)
    return ax


def similarity_heatmaps(cosines, adjacency, axes=None, title: str | None = None):
    """Node-node cosine similarity (left) beside the adjacency matrix (right)."""
    if axes is None:
        axes = panels(2)[1]
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
    ax = axes_or_new(ax)
    rows = [r for r in spectral_energy if not r["trivial"]]
    ax.bar(range(len(rows)), [r["share"] for r in rows], color=["tab:green" if r["eigenvalue"] >= 0 else "tab:red"
                                                                 for r in rows])
    ax.set_xticks(range(len(rows)), [f"{r['eigenvalue']:.2f}" + (f"×{r['dim']}" if r["dim"] > 1 else "")
                                     for r in rows], rotation=90, fontsize=SMALLEST_FONT_PT)
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
        axes = panels(2)[1]
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
        ax.legend(fontsize=SMALLEST_FONT_PT)
    axes[1].set_yscale("log")
    if title:
        axes[0].set_title(title)
    return axes


def joint_pca(snapshots, k: int = 2) -> np.ndarray:
    """Project a stack of embeddings (steps, n, m) on one PCA fitted to all of them together, so
    positions are comparable across steps: returns (steps, n, k)."""
    snaps = np.asarray(snapshots, dtype=float)
    s, n, m = snaps.shape
    return pca(snaps.reshape(s * n, m), k).reshape(s, n, k)


def embedding_evolution(steps, coords, edges, picks, axes=None, title: str | None = None, labels=None):
    """Small multiples: the jointly projected embeddings ``coords`` (from ``joint_pca``) at the
    snapshot indices ``picks``, one panel per step. The directions are shared; each panel is scaled
    to its own extent (norms grow a lot during training). ``labels`` adds a line per panel."""
    if axes is None:
        axes = panels(len(picks), per_row=3, height=2.5)[1]
    for k, (ax, i) in enumerate(zip(np.atleast_1d(axes), picks)):
        extra = f"\n{labels[k]}" if labels is not None else ""
        draw_embedding(coords[i], edges, ax=ax, title=f"step {steps[i]}{extra}")
    fig = np.atleast_1d(axes)[0].figure
    if title:
        fig.suptitle(title)
    if fig.get_layout_engine() is None:
        fig.tight_layout()
    return axes
