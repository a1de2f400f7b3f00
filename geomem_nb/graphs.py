"""Graphs of the paper.

Path-star G(d, l): a root with ``degree`` = d disjoint arms; ``path_length`` = l counts the nodes of
an arm *including* the root, so the graph has d(l-1)+1 nodes. Node labels are a seeded random
permutation, and the leaves (= arms = paths) are split 75/25 into train and test arms.
"""
from __future__ import annotations

from dataclasses import dataclass

import numpy as np

from .checks import check_choice, check_int

DIRECTIONS = ("forward", "backward", "both")  # which way each stored edge points
TRAIN_FRACTION = 0.75


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
        fwd = np.stack([self.arms[:, :-1].ravel(), self.arms[:, 1:].ravel()], axis=1)
        if direction == "forward":
            return fwd
        if direction == "backward":
            return fwd[:, ::-1].copy()
        if direction == "both":
            return np.concatenate([fwd, fwd[:, ::-1]])
        check_choice("direction", direction, DIRECTIONS)

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

    @property
    def num_nodes(self) -> int:
        return _tree_star_num_nodes(self.degree, self.path_length)

    @property
    def leaves_per_subtree(self) -> int:
        return 2 ** (self.path_length - 2)

    def edges(self, direction: str = "both") -> np.ndarray:
        """Directed edges (u, v) as an (n, 2) array, each tree edge once (level by level):
        ``forward`` = parent->child, ``backward``, or ``both``."""
        check_choice("direction", direction, DIRECTIONS)
        # Rows are ordered so that the node in column k changes every 2^(l-1-k) rows: taking every
        # 2^(l-1-k)-th row gives each level-k node (and its edge to its parent) exactly once.
        ell = self.path_length
        fwd = np.concatenate([self.arms[:: 2 ** (ell - 1 - k), k - 1:k + 1] for k in range(1, ell)])
        fwd = np.ascontiguousarray(fwd, dtype=np.int64)
        if direction == "forward":
            return fwd
        if direction == "backward":
            return fwd[:, ::-1].copy()
        return np.concatenate([fwd, fwd[:, ::-1]])

    def to_json(self) -> dict:
        return {
            "degree": self.degree,
            "path_length": self.path_length,
            "num_nodes": self.num_nodes,
            "num_leaves": self.num_leaves,
            "split": self.split,
            "seed": self.seed,
            "arms": self.arms.tolist(),
            "train_arms": self.train_arms.tolist(),
            "test_arms": self.test_arms.tolist(),
        }


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


def held_out_count(units: int) -> int:
    """How many of ``units`` arms (or leaves, or subtrees) the seeded 75/25 split holds out."""
    return units - min(max(int(TRAIN_FRACTION * units), 1), units - 1)


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
        n_train = min(max(int(TRAIN_FRACTION * num_leaves), 1), num_leaves - 1)
        train, test = order[:n_train], order[n_train:]
    else:
        order = rng.permutation(degree)
        n_train = min(max(int(TRAIN_FRACTION * degree), 1), degree - 1)
        in_test = np.isin(j // per_subtree, order[n_train:])
        train, test = j[~in_test], j[in_test]
    return TreeStar(degree, path_length, arms, np.sort(train), np.sort(test), seed, num_leaves, split)


# Tiny graphs ---------------------------------------------------------------------------------
# Small undirected graphs for the tiny-graph chapters. Each edge is stored once, oriented in a
# stated "forward" direction (path-star: parent -> child; grid: right and down; cycle and path:
# i -> i+1; irregular and networkx graphs: lower label -> higher label), so forward-only
# edge memorization is well defined. Labels are 0..n-1 in a stated order (not shuffled).


@dataclass(frozen=True)
class TinyGraph:
    name: str
    num_nodes: int
    forward: np.ndarray   # (m, 2) each undirected edge once, in its forward direction
    layout: np.ndarray    # (n, 2) coordinates that show the graph's shape (for drawing only)

    def edges(self, direction: str = "both", self_edges: bool = False) -> np.ndarray:
        """Directed training edges (u, v): ``forward``, ``backward`` or ``both``; with ``self_edges``
        every node also gets (u, u)."""
        if direction == "forward":
            e = self.forward
        elif direction == "backward":
            e = self.forward[:, ::-1]
        elif direction == "both":
            e = np.concatenate([self.forward, self.forward[:, ::-1]])
        else:
            check_choice("direction", direction, DIRECTIONS)
        if self_edges:
            loops = np.arange(self.num_nodes)
            e = np.concatenate([e, np.stack([loops, loops], axis=1)])
        return np.ascontiguousarray(e, dtype=np.int64)

    def adjacency(self) -> np.ndarray:
        """The symmetric 0/1 adjacency matrix of the undirected graph (no self-loops)."""
        a = np.zeros((self.num_nodes, self.num_nodes))
        a[self.forward[:, 0], self.forward[:, 1]] = 1.0
        a[self.forward[:, 1], self.forward[:, 0]] = 1.0
        return a

    def components(self) -> list[np.ndarray]:
        """Connected components, each a sorted array of node ids (ordered by smallest node)."""
        parent = list(range(self.num_nodes))

        def find(x):
            while parent[x] != x:
                parent[x] = parent[parent[x]]
                x = parent[x]
            return x

        for u, v in self.forward:
            parent[find(int(u))] = find(int(v))
        roots = np.array([find(i) for i in range(self.num_nodes)])
        comps = [np.flatnonzero(roots == r) for r in np.unique(roots)]
        return sorted(comps, key=lambda c: int(c[0]))

    @property
    def connected(self) -> bool:
        return len(self.components()) == 1

    def to_networkx(self):
        import networkx as nx

        g = nx.Graph()
        g.add_nodes_from(range(self.num_nodes))
        g.add_edges_from(self.forward.tolist())
        return g

    def to_json(self) -> dict:
        return {"name": self.name, "nodes": list(range(self.num_nodes)),
                "edges": self.forward.tolist(), "connected": self.connected,
                "components": [c.tolist() for c in self.components()]}


def _tiny(name: str, n: int, pairs, layout) -> TinyGraph:
    forward = np.asarray(pairs, dtype=np.int64).reshape(-1, 2)
    if len(forward) and (forward.min() < 0 or forward.max() >= n or (forward[:, 0] == forward[:, 1]).any()):
        raise ValueError(f"{name}: edges must join two different nodes among 0..{n - 1}")
    key = np.sort(forward, axis=1)
    if len(np.unique(key, axis=0)) != len(key):
        raise ValueError(f"{name}: an undirected edge is listed twice")
    return TinyGraph(name, n, forward, np.asarray(layout, dtype=float))


def _ring_layout(n: int) -> np.ndarray:
    a = 2 * np.pi * np.arange(n) / n
    return np.stack([np.cos(a), np.sin(a)], axis=1)


def tiny_path_star(degree: int = 4, path_length: int = 5) -> TinyGraph:
    """G(d, l) labelled in order: root 0, then arm 1 root->leaf, arm 2, ... (17 nodes for d=4, l=5)."""
    degree = check_int("degree", degree, 2)
    path_length = check_int("path_length", path_length, 2)
    k = path_length - 1
    pairs, layout = [], [[0.0, 0.0]]
    for arm in range(degree):
        nodes = [0] + [1 + arm * k + j for j in range(k)]
        pairs += list(zip(nodes[:-1], nodes[1:]))
        a = 2 * np.pi * arm / degree
        layout += [[(j + 1) * np.cos(a), (j + 1) * np.sin(a)] for j in range(k)]
    return _tiny(f"path-star G({degree},{path_length})", degree * k + 1, pairs, layout)


def grid(rows: int = 4, cols: int = 4) -> TinyGraph:
    """rows x cols grid, labelled row-major; forward edges go right and down."""
    rows, cols = check_int("rows", rows, 1), check_int("cols", cols, 1)
    if rows * cols < 2:
        raise ValueError(f"grid must have at least 2 nodes, got {rows}x{cols}")
    pairs = [(r * cols + c, r * cols + c + 1) for r in range(rows) for c in range(cols - 1)]
    pairs += [(r * cols + c, (r + 1) * cols + c) for r in range(rows - 1) for c in range(cols)]
    layout = [[c, -r] for r in range(rows) for c in range(cols)]
    return _tiny(f"{rows}x{cols} grid", rows * cols, pairs, layout)


def cycle(n: int = 15) -> TinyGraph:
    """The n-cycle 0-1-...-(n-1)-0."""
    n = check_int("n", n, 3)
    return _tiny(f"{n}-cycle", n, [(i, (i + 1) % n) for i in range(n)], _ring_layout(n))


def path(n: int) -> TinyGraph:
    """The path 0-1-...-(n-1)."""
    n = check_int("n", n, 2)
    return _tiny(f"{n}-path", n, [(i, i + 1) for i in range(n - 1)], [[i, 0.0] for i in range(n)])


def irregular() -> TinyGraph:
    """The paper's 16-node, 20-edge irregular graph. It is **disconnected**: a 12-node component
    (the ring 0-1-...-11-0 plus the chords 1-3 and 5-8) and a K4 on {12, 13, 14, 15}."""
    ring = [(i, (i + 1) % 12) for i in range(12)]
    if ring[-1] == (11, 0):
        ring[-1] = (0, 11)  # forward = lower label -> higher label
    chords = [(1, 3), (5, 8)]
    k4 = [(a, b) for a in range(12, 16) for b in range(a + 1, 16)]
    layout = np.concatenate([1.6 * _ring_layout(12), np.array([[3.0, 0.5], [3.8, 0.5], [3.8, -0.3], [3.0, -0.3]])])
    return _tiny("irregular (K4 + 12-node component)", 16, ring + chords + k4, layout)


def from_networkx(g, name: str = "networkx graph") -> TinyGraph:
    """Any undirected networkx graph; nodes are relabelled 0..n-1 in sorted order (if sortable),
    self-loops are dropped, each edge is kept once as (lower label, higher label)."""
    import networkx as nx

    nodes = list(g.nodes)
    try:
        nodes = sorted(nodes)
    except TypeError:
        pass
    if len(nodes) < 2:
        raise ValueError(f"graph must have at least 2 nodes, got {len(nodes)}")
    index = {v: i for i, v in enumerate(nodes)}
    pairs = sorted({tuple(sorted((index[u], index[v]))) for u, v in g.edges if u != v})
    pos = nx.spring_layout(g, seed=0)
    return _tiny(name, len(nodes), pairs, [pos[v] for v in nodes])


TINY_GRAPHS = ("star", "grid", "cycle", "irregular")  # the paper's four tiny graphs: the one list
TINY_SPECS = TINY_GRAPHS + ("cycle:N", "grid:RxC", "path:N")  # every name tiny_graph takes


def tiny_graph(spec: str) -> TinyGraph:
    """A tiny graph by name: ``star`` (G(4,5)), ``grid`` (4x4), ``cycle`` (15), ``irregular``,
    ``cycle:N``, ``grid:RxC`` or ``path:N``."""
    fixed = {"star": tiny_path_star, "grid": grid, "cycle": cycle, "irregular": irregular}
    if spec in fixed:
        return fixed[spec]()
    kind, _, size = str(spec).partition(":")
    try:
        if kind == "cycle" and size:
            return cycle(int(size))
        if kind == "path" and size:
            return path(int(size))
        if kind == "grid" and size:
            r, x, c = size.partition("x")
            if x:
                return grid(int(r), int(c))
    except ValueError as err:
        if "invalid literal" not in str(err):
            raise ValueError(f"graph {spec!r}: {err}") from None
    check_choice("graph", spec, (), shown=f"{', '.join(TINY_SPECS)} (N, R, C integers)")
