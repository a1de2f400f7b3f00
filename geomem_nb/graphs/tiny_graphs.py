"""Tiny graphs: small undirected graphs for the tiny-graph chapters.

Each edge is stored once, oriented in a stated "forward" direction (path-star: parent -> child; grid:
right and down; cycle and path: i -> i+1; irregular and networkx graphs: lower label -> higher
label), so forward-only edge memorization is well defined. Labels are 0..n-1 in a stated order (not
shuffled).
"""
from __future__ import annotations

from dataclasses import dataclass

import numpy as np

from ..checks import check_choice, check_int
from .edges import connected_components, orient


@dataclass(frozen=True)
class TinyGraph:
    name: str
    num_nodes: int
    forward: np.ndarray   # (m, 2) each undirected edge once, in its forward direction
    layout: np.ndarray    # (n, 2) coordinates that show the graph's shape (for drawing only)

    def edges(self, direction: str = "both", self_edges: bool = False) -> np.ndarray:
        """Directed training edges (u, v): ``forward``, ``backward`` or ``both``; with ``self_edges``
        every node also gets (u, u)."""
        e = orient(self.forward, direction)
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
        return connected_components(self.adjacency())

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


def from_edges(name: str, n: int, pairs, layout) -> TinyGraph:
    """A tiny graph on nodes 0..n-1 from its (u, v) pairs, each undirected edge once in its forward
    direction, and a drawing ``layout`` (n, 2)."""
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
    return from_edges(f"path-star G({degree},{path_length})", degree * k + 1, pairs, layout)


def grid(rows: int = 4, cols: int = 4) -> TinyGraph:
    """rows x cols grid, labelled row-major; forward edges go right and down."""
    rows, cols = check_int("rows", rows, 1), check_int("cols", cols, 1)
    if rows * cols < 2:
        raise ValueError(f"grid must have at least 2 nodes, got {rows}x{cols}")
    pairs = [(r * cols + c, r * cols + c + 1) for r in range(rows) for c in range(cols - 1)]
    pairs += [(r * cols + c, (r + 1) * cols + c) for r in range(rows - 1) for c in range(cols)]
    layout = [[c, -r] for r in range(rows) for c in range(cols)]
    return from_edges(f"{rows}x{cols} grid", rows * cols, pairs, layout)


def cycle(n: int = 15) -> TinyGraph:
    """The n-cycle 0-1-...-(n-1)-0."""
    n = check_int("n", n, 3)
    return from_edges(f"{n}-cycle", n, [(i, (i + 1) % n) for i in range(n)], _ring_layout(n))


def path(n: int) -> TinyGraph:
    """The path 0-1-...-(n-1)."""
    n = check_int("n", n, 2)
    return from_edges(f"{n}-path", n, [(i, i + 1) for i in range(n - 1)], [[i, 0.0] for i in range(n)])


def irregular() -> TinyGraph:
    """The paper's 16-node, 20-edge irregular graph. It is **disconnected**: a 12-node component
    (the ring 0-1-...-11-0 plus the chords 1-3 and 5-8) and a K4 on {12, 13, 14, 15}."""
    ring = [(i, (i + 1) % 12) for i in range(12)]
    if ring[-1] == (11, 0):
        ring[-1] = (0, 11)  # forward = lower label -> higher label
    chords = [(1, 3), (5, 8)]
    k4 = [(a, b) for a in range(12, 16) for b in range(a + 1, 16)]
    layout = np.concatenate([1.6 * _ring_layout(12), np.array([[3.0, 0.5], [3.8, 0.5], [3.8, -0.3], [3.0, -0.3]])])
    return from_edges("irregular (K4 + 12-node component)", 16, ring + chords + k4, layout)


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
    return from_edges(name, len(nodes), pairs, [pos[v] for v in nodes])


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
