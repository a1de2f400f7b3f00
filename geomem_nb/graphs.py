"""Graphs of the paper.

Path-star G(d, l): a root with ``degree`` = d disjoint arms; ``path_length`` = l counts the nodes of
an arm *including* the root, so the graph has d(l-1)+1 nodes. Node labels are a seeded random
permutation, and the leaves (= arms = paths) are split 75/25 into train and test arms.
"""
from __future__ import annotations

from dataclasses import dataclass

import numpy as np

TRAIN_FRACTION = 0.75


def check_int(name: str, value, minimum: int) -> int:
    """Reject bad sizes before any work starts, naming the parameter and what is allowed."""
    if isinstance(value, bool) or not isinstance(value, (int, np.integer)) or value < minimum:
        raise ValueError(f"{name} must be an integer >= {minimum}, got {value!r}")
    return int(value)


@dataclass(frozen=True)
class PathStar:
    degree: int
    path_length: int
    arms: np.ndarray        # (degree, path_length) node ids; arms[:, 0] is the root
    train_arms: np.ndarray  # indices into arms
    test_arms: np.ndarray
    seed: int

    @property
    def num_nodes(self) -> int:
        return self.degree * (self.path_length - 1) + 1

    @property
    def root(self) -> int:
        return int(self.arms[0, 0])

    @property
    def leaves(self) -> np.ndarray:
        return self.arms[:, -1]

    @property
    def first_hops(self) -> np.ndarray:
        """v_1 of every arm: the hardest token."""
        return self.arms[:, 1]

    def edges(self, direction: str = "both") -> np.ndarray:
        """Directed edges (u, v) as an (n, 2) array: ``forward`` = parent->child, ``backward``, or ``both``."""
        fwd = np.stack([self.arms[:, :-1].ravel(), self.arms[:, 1:].ravel()], axis=1)
        if direction == "forward":
            return fwd
        if direction == "backward":
            return fwd[:, ::-1].copy()
        if direction == "both":
            return np.concatenate([fwd, fwd[:, ::-1]])
        raise ValueError(f"direction must be one of forward, backward, both; got {direction!r}")

    def to_json(self) -> dict:
        return {
            "degree": self.degree,
            "path_length": self.path_length,
            "num_nodes": self.num_nodes,
            "seed": self.seed,
            "arms": self.arms.tolist(),
            "train_arms": self.train_arms.tolist(),
            "test_arms": self.test_arms.tolist(),
        }


def path_star(degree: int, path_length: int, seed: int = 0) -> PathStar:
    """G(degree, path_length) with random node labels and a seeded 75/25 split of its arms."""
    degree = check_int("degree", degree, 2)
    path_length = check_int("path_length", path_length, 2)
    rng = np.random.default_rng(seed)
    labels = rng.permutation(degree * (path_length - 1) + 1)
    arms = np.empty((degree, path_length), dtype=np.int64)
    arms[:, 0] = labels[0]
    arms[:, 1:] = labels[1:].reshape(degree, path_length - 1)
    order = rng.permutation(degree)
    n_train = min(max(int(TRAIN_FRACTION * degree), 1), degree - 1)
    return PathStar(degree, path_length, arms, np.sort(order[:n_train]), np.sort(order[n_train:]), seed)
