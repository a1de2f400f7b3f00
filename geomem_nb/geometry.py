"""Geometry metrics on plain arrays (embeddings, score matrices), shared by every model."""
from __future__ import annotations

import numpy as np


def cosine_matrix(a: np.ndarray, b: np.ndarray | None = None) -> np.ndarray:
    """Pairwise cosine similarity of the rows of ``a`` (and ``b``)."""
    a = np.asarray(a, dtype=np.float64)
    b = a if b is None else np.asarray(b, dtype=np.float64)
    na = a / np.maximum(np.linalg.norm(a, axis=1, keepdims=True), 1e-12)
    nb = b / np.maximum(np.linalg.norm(b, axis=1, keepdims=True), 1e-12)
    return na @ nb.T


def leaf_first_hop_diagonal_accuracy(embeddings: np.ndarray, arms: np.ndarray, query_arms) -> float:
    """Share of the query arms whose leaf embedding is nearest (cosine) to its *own* arm's first-hop
    embedding, among the first hops of all d arms. Chance is 1/d."""
    arms = np.asarray(arms)
    leaves = embeddings[arms[np.asarray(query_arms), -1]]
    first_hops = embeddings[arms[:, 1]]
    nearest = cosine_matrix(leaves, first_hops).argmax(1)
    return float(np.mean(nearest == np.asarray(query_arms)))


def topk_recovery(scores: np.ndarray, neighbours: list[np.ndarray]) -> float:
    """For each node u (row of ``scores`` over nodes), the share of its neighbours among its
    top-deg(u) scored nodes; averaged over nodes with at least one neighbour."""
    scores = np.asarray(scores)
    shares = []
    for u, nb in enumerate(neighbours):
        k = len(nb)
        if k == 0:
            continue
        top = np.argpartition(-scores[u], k - 1)[:k]
        shares.append(len(np.intersect1d(top, nb)) / k)
    return float(np.mean(shares))
