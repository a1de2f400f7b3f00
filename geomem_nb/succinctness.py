"""What it costs to store a graph associatively or geometrically (the paper's Propositions 1-3), and
Node2Vec's contrived associative memory (Proposition 4).

The counts follow the paper (``shared/reference/paper-claims.md``, C8), in bits (log base 2) and in
the l2 norm needed for a unit margin:

* **associative** storage keeps one entry per stored fact: |E| log2|V| bits and an l2 norm of at most
  sqrt(|E|), each doubled (the norm by sqrt 2) when both directions of every edge are stored;
* **geometric** storage gives every node a point in m dimensions with Delta cells per dimension:
  |V| m log2(Delta) bits and an l2 norm of at least sqrt(|V|), doubled (sqrt 2) when the embedding
  and unembedding tables are untied.

The graphs and their geometric embeddings (the paper's):

* the **n-cycle**: |V| = |E| = n, m = 2 dimensions with n / 2 cells each (a circle);
* the **path-star** G(d, l): |V| = d (l - 1) + 1, |E| = d (l - 1); one dimension per arm (m = d) with
  l cells each, or, by Johnson-Lindenstrauss, m = log2 d dimensions (the paper's |V| log d log l;
  the lemma's constant is left out, as in the paper).

The paper's three regimes: tied tables with both directions stored (its tiny models), untied tables
with both directions, and tied tables with forward edges only.
"""
from __future__ import annotations

import math
from dataclasses import dataclass

import numpy as np

from . import geometry, spectral
from .checks import check_choice, check_int
from .geometry import undirected_edges

# name -> (both directions stored, tables tied)
REGIMES = {
    "tied, both directions": (True, True),
    "untied, both directions": (True, False),
    "tied, forward only": (False, True),
}


@dataclass(frozen=True)
class StorageCosts:
    """The quantities the paper's counts use for one graph and one geometric embedding."""
    graph: str
    nodes: int      # |V|
    edges: int      # |E|, undirected
    dim: float      # m, dimensions of the geometric embedding
    cells: float    # Delta, cells per dimension

    def associative_bits(self, both_directions: bool = True) -> float:
        return (2 if both_directions else 1) * self.edges * math.log2(self.nodes)

    def geometric_bits(self, tied: bool = True) -> float:
        return (1 if tied else 2) * self.nodes * self.dim * math.log2(self.cells)

    def associative_l2(self, both_directions: bool = True) -> float:
        return math.sqrt((2 if both_directions else 1) * self.edges)

    def geometric_l2(self, tied: bool = True) -> float:
        return math.sqrt((1 if tied else 2) * self.nodes)

    def ratios(self, regime: str = "tied, both directions") -> dict:
        """Associative cost / geometric cost, in bits and in l2 norm, in one of ``REGIMES``. Above 1:
        the geometry is the more succinct storage; below 1: the lookup is."""
        check_choice("regime", regime, REGIMES, shown=", ".join(map(repr, REGIMES)))
        both, tied = REGIMES[regime]
        return {"bits": self.associative_bits(both) / self.geometric_bits(tied),
                "l2": self.associative_l2(both) / self.geometric_l2(tied)}


def cycle_costs(n: int) -> StorageCosts:
    """The n-cycle on a circle: m = 2 dimensions, n / 2 cells each (n >= 4, so at least 2 cells)."""
    n = check_int("n", n, 4)
    return StorageCosts(f"{n}-cycle", n, n, 2, n / 2)


def path_star_costs(degree: int, path_length: int, jl: bool = True) -> StorageCosts:
    """G(d, l): l cells per dimension; m = log2 d dimensions (Johnson-Lindenstrauss, ``jl``) or m = d
    (one axis per arm). d >= 2 and l >= 2 (at least 2 cells)."""
    d = check_int("degree", degree, 2)
    ell = check_int("path_length", path_length, 2)
    return StorageCosts(f"G({d},{ell})", d * (ell - 1) + 1, d * (ell - 1), math.log2(d) if jl else d, ell)


def gap(a: float, b: float) -> float:
    """The factor between two positive costs, whichever is larger: max / min (>= 1)."""
    if not (a > 0 and b > 0):
        raise ValueError(f"costs must be positive, got {a!r} and {b!r}")
    return max(a, b) / min(a, b)


def gap_range(costs, unit: str, regimes=tuple(REGIMES)) -> tuple[float, float]:
    """(smallest, largest) factor between the associative and the geometric cost (``gap``), in ``unit``
    ("bits" or "l2"), over the ``costs`` (``StorageCosts``) and ``regimes`` given: chapter 07's table
    and the claims page's verdict on C8 both read it."""
    gaps = [gap(c.ratios(r)[unit], 1.0) for c in costs for r in regimes]
    return min(gaps), max(gaps)


# The paper's in-weights path-stars (Table 1): the sizes "at the paper's sizes" refers to.
PAPER_PATH_STARS = ((5000, 5), (10000, 6), (10000, 10))


def paper_size_gaps(unit: str = "bits") -> list[dict]:
    """One row per paper path-star and regime: graph, regime, the factor between the two costs
    (``gap``, >= 1) and which storage is the cheaper one ('associative' or 'geometric'), Johnson-
    Lindenstrauss embedding. Chapter 07's prose about the paper's sizes is read from these rows."""
    check_choice("unit", unit, ("bits", "l2"))
    rows = []
    for d, ell in PAPER_PATH_STARS:
        c = path_star_costs(d, ell)
        for r in REGIMES:
            ratio = c.ratios(r)[unit]
            rows.append(dict(graph=c.graph, regime=r, factor=gap(ratio, 1.0),
                             cheaper="geometric" if ratio > 1 else "associative"))
    return rows


def incidence_embedding(num_nodes: int, edges) -> np.ndarray:
    """Proposition 4's contrived Node2Vec table: one dimension per undirected edge e_i (self-edges and
    repeated or reversed copies dropped), Phi(u)_i = 1 if u is an endpoint of e_i. Then, for u != v,
    Phi(u).Phi(v) = 1 if (u, v) is an edge and 0 otherwise (two distinct nodes share at most one
    edge), while Phi(u).Phi(u) = deg(u): a purely local, associative memory in a Node2Vec-shaped
    model (decoded with u itself excluded, as the project's Node2Vec recovery does)."""
    num_nodes = check_int("num_nodes", num_nodes, 1)
    e = undirected_edges(edges)
    if len(e) and e.max() >= num_nodes:
        raise ValueError(f"edges must join nodes among 0..{num_nodes - 1}")
    phi = np.zeros((num_nodes, len(e)))
    cols = np.arange(len(e))
    phi[e[:, 0], cols] = 1.0
    phi[e[:, 1], cols] = 1.0
    return phi


def proposition4(graph) -> dict:
    """Proposition 4's table on one tiny graph, measured as a trained Node2Vec table is (chapter 07's
    Prop. 4 rows and the claims page's verdict on C22): its dimension; whether the dot products equal
    the adjacency off the diagonal (``exact``); the distinct dot products on edges (``edge``) and on
    other pairs (``other``); top-k edge recovery (a node's own score, deg(u), excluded); geometric
    level; spectral concentration and its chance level; the mean cosine two hops apart (``cos2``)."""
    phi = incidence_embedding(graph.num_nodes, graph.edges())
    dots, a = phi @ phi.T, graph.adjacency()
    off = ~np.eye(graph.num_nodes, dtype=bool)
    spaces = spectral.eigenspaces(a)
    return dict(dim=phi.shape[1], exact=np.array_equal(dots[off], a[off]),
                edge=np.unique(dots[off & (a == 1)]), other=np.unique(dots[off & (a == 0)]),
                recovery=geometry.topk_recovery(np.where(off, dots, -np.inf),
                                                geometry.neighbour_lists(graph.num_nodes, graph.edges())),
                level=geometry.geometric_level(phi, graph.forward), conc=spectral.concentration(phi, spaces),
                chance=spectral.concentration_chance(spaces), cos2=geometry.cosine_by_distance(phi, a)[2])
