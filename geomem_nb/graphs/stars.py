"""Star graphs: the path-star G(d, l) of the paper and the tree-star T(d, l), each stored as its
root->leaf paths (``arms``) with a seeded 75/25 split of them into train and held-out rows.

Path-star G(d, l): a root with ``degree`` = d disjoint arms; ``path_length`` = l counts the nodes of
an arm *including* the root, so the graph has d(l-1)+1 nodes. Node labels are a seeded random
permutation, and the leaves (= arms = paths) are split 75/25 into train and test arms.
"""
from __future__ import annotations

from dataclasses import dataclass

import numpy as np

from ..checks import check_choice, check_int
from .edges import orient

TRAIN_FRACTION = 0.75


def train_count(units: int) -> int:
    """How many of ``units`` arms (or leaves, or subtrees) the seeded 75/25 split trains on: at
    least one, and at least one held out."""
    return min(max(int(TRAIN_FRACTION * units), 1), units - 1)


def held_out_count(units: int) -> int:
    """How many of ``units`` arms (or leaves, or subtrees) the seeded 75/25 split holds out."""
    return units - train_count(units)


class _Arms:
    """What path-star and tree-star graphs share: ``arms`` holds one root->leaf path per row."""

    @property
    def root(self) -> int:
        return int(self.arms[0, 0])

    @property
    def leaves(self) -> np.ndarray:
        return self.arms[:, -1]

    @property
    def first_hops(self) -> np.ndarray:
        """v_1 of every row: the hardest token (rows of one tree-star subtree share it)."""
        return self.arms[:, 1]

    _json_extra = ()  # fields of a subclass reported between num_nodes and seed

    def to_json(self) -> dict:
        return {"degree": self.degree, "path_length": self.path_length, "num_nodes": self.num_nodes,
                **{k: getattr(self, k) for k in self._json_extra}, "seed": self.seed,
                "arms": self.arms.tolist(), "train_arms": self.train_arms.tolist(),
                "test_arms": self.test_arms.tolist()}


@dataclass(frozen=True)
class PathStar(_Arms):
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
    def num_leaves(self) -> int:
        """One leaf per arm (same name as ``TreeStar.num_leaves``)."""
        return self.degree

    def edges(self, direction: str = "both") -> np.ndarray:
        """Directed edges (u, v) as an (n, 2) array: ``forward`` = parent->child, ``backward``, or ``both``."""
        return orient(np.stack([self.arms[:, :-1].ravel(), self.arms[:, 1:].ravel()], axis=1), direction)


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
    n_train = train_count(degree)
    return PathStar(degree, path_length, arms, np.sort(order[:n_train]), np.sort(order[n_train:]), seed)


# Tree-star T(d, l) ----------------------------------------------------------------------------
# A root of degree d; every non-leaf node below the root has exactly 2 children; every root-to-leaf
# path has l nodes including the root. So each of the d first-hop subtrees is a complete binary
# tree with 2^(l-2) leaves: d * 2^(l-2) leaves and 1 + d * (2^(l-1) - 1) nodes in all. The graph has
# the interface of ``PathStar`` that ``InWeightsTask`` uses, with one row of ``arms`` per *leaf*
# (its root->leaf path; rows share prefixes).

TREE_STAR_SPLITS = ("leaf", "first-token")
TREE_STAR_MAX_NODES = 2_000_000


def _tree_star_num_nodes(degree: int, path_length: int) -> int:
    return 1 + degree * (2 ** (path_length - 1) - 1)


@dataclass(frozen=True)
class TreeStar(_Arms):
    degree: int
    path_length: int
    arms: np.ndarray        # (num_leaves, path_length): row j is the root->leaf path to leaf j
    train_arms: np.ndarray  # indices into arms rows (= leaves)
    test_arms: np.ndarray
    seed: int
    num_leaves: int         # degree * 2^(path_length - 2)
    split: str              # "leaf" or "first-token"

    _json_extra = ("num_leaves", "split")

    @property
    def num_nodes(self) -> int:
        return _tree_star_num_nodes(self.degree, self.path_length)

    @property
    def leaves_per_subtree(self) -> int:
        return 2 ** (self.path_length - 2)

    def edges(self, direction: str = "both") -> np.ndarray:
        """Directed edges (u, v) as an (n, 2) array, each tree edge once (level by level):
        ``forward`` = parent->child, ``backward``, or ``both``."""
        # Rows are ordered so that the node in column k changes every 2^(l-1-k) rows: taking every
        # 2^(l-1-k)-th row gives each level-k node (and its edge to its parent) exactly once.
        ell = self.path_length
        fwd = np.concatenate([self.arms[:: 2 ** (ell - 1 - k), k - 1:k + 1] for k in range(1, ell)])
        return orient(np.ascontiguousarray(fwd, dtype=np.int64), direction)


def check_tree_star(degree: int, path_length: int, split: str = "leaf") -> tuple[int, int, int]:
    """The checks of ``tree_star``'s arguments, without building it: (degree, path_length, nodes)."""
    degree = check_int("degree", degree, 2)
    path_length = check_int("path_length", path_length, 3)
    check_choice("split", split, TREE_STAR_SPLITS)
    # 1 + 2 * (2^21 - 1) > 2e6 already, so a longer path is too big whatever the degree (and we
    # never build a huge power of two).
    if path_length > 22 or _tree_star_num_nodes(degree, path_length) > TREE_STAR_MAX_NODES:
        size = "more than 2^21" if path_length > 22 else str(_tree_star_num_nodes(degree, path_length))
        raise ValueError(f"tree_star({degree}, {path_length}) would have {size} nodes; "
                         f"at most {TREE_STAR_MAX_NODES} are allowed")
    return degree, path_length, _tree_star_num_nodes(degree, path_length)


def tree_star(degree: int, path_length: int, seed: int = 0, split: str = "leaf") -> TreeStar:
    """T(degree, path_length) with random node labels and a seeded 75/25 split of its leaves.

    ``split="leaf"``: held-out leaves drawn uniformly at random, so a held-out leaf's first hop is
    usually on some training path. ``split="first-token"``: whole first-hop subtrees are held out
    (25% of them, at least 1 and at most d-1), so a held-out leaf's first hop is on no training path.
    """
    degree, path_length, n = check_tree_star(degree, path_length, split)
    per_subtree = 2 ** (path_length - 2)
    num_leaves = degree * per_subtree
    rng = np.random.default_rng(seed)
    labels = rng.permutation(n)
    # Canonical (BFS) numbering: level k (1..l-1) holds degree * 2^(k-1) nodes from offset
    # 1 + degree * (2^(k-1) - 1); node i of level k >= 2 has parent i // 2 on level k-1, and the
    # level-1 nodes hang off the root 0. Leaf j's ancestor on level k is therefore j >> (l-1-k).
    j = np.arange(num_leaves, dtype=np.int64)
    arms = np.empty((num_leaves, path_length), dtype=np.int64)
    arms[:, 0] = labels[0]
    for k in range(1, path_length):
        arms[:, k] = labels[1 + degree * (2 ** (k - 1) - 1) + (j >> (path_length - 1 - k))]
    if split == "leaf":
        order = rng.permutation(num_leaves)
        n_train = train_count(num_leaves)
        train, test = order[:n_train], order[n_train:]
    else:
        order = rng.permutation(degree)
        n_train = train_count(degree)
        in_test = np.isin(j // per_subtree, order[n_train:])
        train, test = j[~in_test], j[in_test]
    return TreeStar(degree, path_length, arms, np.sort(train), np.sort(test), seed, num_leaves, split)
