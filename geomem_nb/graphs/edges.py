"""What every graph here shares: directed edge lists read from a stored orientation, and connectivity."""
from __future__ import annotations

import numpy as np

from ..checks import check_choice

DIRECTIONS = ("forward", "backward", "both")  # which way each stored edge points


def orient(forward: np.ndarray, direction: str) -> np.ndarray:
    """Directed edges (u, v) from the (m, 2) ``forward`` edges: ``forward`` as stored, ``backward``
    (each reversed), or ``both`` (forward then backward)."""
    check_choice("direction", direction, DIRECTIONS)
    if direction == "forward":
        return forward
    backward = np.ascontiguousarray(forward[:, ::-1])
    return backward if direction == "backward" else np.concatenate([forward, backward])


def connected_components(adjacency: np.ndarray) -> list[np.ndarray]:
    """Connected components of an undirected graph given by its (n, n) adjacency (nonzero = edge):
    each a sorted array of node ids, ordered by smallest node."""
    a = np.asarray(adjacency)
    label = -np.ones(len(a), dtype=int)
    for s in range(len(a)):  # s is the smallest node of every component it starts
        if label[s] >= 0:
            continue
        label[s], stack = s, [s]
        while stack:
            u = stack.pop()
            for v in np.flatnonzero(a[u]):
                if label[v] < 0:
                    label[v] = s
                    stack.append(v)
    return [np.flatnonzero(label == s) for s in np.unique(label)]
