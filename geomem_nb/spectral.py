"""Spectral analysis of node embeddings against the graph.

The operator is the paper's, stated explicitly: with the adjacency A (symmetric, 0/1), the degree
matrix D and the random-walk matrix P = D^-1 A (row-stochastic), the symmetric operator is

    M = P + P^T        (the paper's -L = (P - I) + (P - I)^T is M - 2I: same eigenvectors).

It is *not* the normalized Laplacian I - D^-1/2 A D^-1/2. Its spectrum is often degenerate (the
path-star's arms, the grid's and the cycle's symmetries), and a solver returns an arbitrary basis of
a repeated eigenvalue, so embeddings are compared with **eigenspaces** (all eigenvectors of one
eigenvalue together), never with single eigenvectors. Each connected component has one *trivial*
eigenvector: the top eigenvector of M restricted to that component (positive, near-constant; exactly
constant when the component is regular). All of them are set apart from the non-trivial spectrum.

Energy of an embedding X (row i = node i) on an eigenspace with orthonormal basis B is
||B^T X||_F^2; over all eigenspaces the energies add up to ||X||_F^2. Embeddings are not centred:
a shared offset of all rows lies mostly on the trivial eigenvectors.
"""
from __future__ import annotations

from dataclasses import dataclass

import numpy as np

from .graphs import connected_components

TOL = 1e-6  # eigenvalues closer than this are one eigenspace


def walk_matrix(adjacency: np.ndarray) -> np.ndarray:
    """P = D^-1 A; a node without edges gets a zero row."""
    a = np.asarray(adjacency, dtype=np.float64)
    if a.ndim != 2 or a.shape[0] != a.shape[1]:
        raise ValueError(f"adjacency must be a square matrix, got shape {a.shape}")
    deg = a.sum(1)
    return np.divide(a, deg[:, None], out=np.zeros_like(a), where=deg[:, None] > 0)


def operator(adjacency: np.ndarray) -> np.ndarray:
    """M = P + P^T with P = D^-1 A."""
    p = walk_matrix(adjacency)
    return p + p.T


@dataclass
class Eigenspace:
    eigenvalue: float     # of M = P + P^T
    basis: np.ndarray     # (n, k) orthonormal columns
    trivial: bool         # the top eigenvector of one connected component

    @property
    def dim(self) -> int:
        return self.basis.shape[1]


def eigenspaces(adjacency: np.ndarray, tol: float = TOL) -> list[Eigenspace]:
    """All eigenspaces of M, sorted by eigenvalue (descending): first the trivial eigenvector of
    each connected component, then the non-trivial eigenspaces, equal eigenvalues (within ``tol``)
    grouped, across components too. Together the bases form an orthonormal basis of R^n."""
    a = np.asarray(adjacency, dtype=np.float64)
    if not np.allclose(a, a.T):
        raise ValueError("adjacency must be symmetric (an undirected graph)")
    a = a * (1 - np.eye(len(a)))  # the operator of the graph itself: self-loops are not part of it
    m = operator(a)
    n = len(a)
    trivial, rest_vals, rest_vecs = [], [], []
    for comp in connected_components(a):
        vals, vecs = np.linalg.eigh(m[np.ix_(comp, comp)])
        full = np.zeros((n, len(comp)))
        full[comp] = vecs
        top = int(np.argmax(vals))
        v = full[:, top] * np.sign(full[comp, top].sum() or 1.0)
        trivial.append(Eigenspace(float(vals[top]), v[:, None], True))
        keep = np.arange(len(comp)) != top
        rest_vals.append(vals[keep])
        rest_vecs.append(full[:, keep])
    vals = np.concatenate(rest_vals)
    vecs = np.concatenate(rest_vecs, axis=1)
    order = np.argsort(-vals, kind="stable")
    vals, vecs = vals[order], vecs[:, order]
    spaces, start = [], 0
    for i in range(1, len(vals) + 1):
        if i == len(vals) or vals[start] - vals[i] > tol:
            spaces.append(Eigenspace(float(vals[start:i].mean()), vecs[:, start:i], False))
            start = i
    return sorted(trivial, key=lambda s: -s.eigenvalue) + spaces


def nontrivial(spaces: list[Eigenspace]) -> list[Eigenspace]:
    return [s for s in spaces if not s.trivial]


def energies(embeddings: np.ndarray, spaces: list[Eigenspace]) -> np.ndarray:
    """||B^T X||_F^2 per eigenspace, in the order of ``spaces``."""
    x = np.asarray(embeddings, dtype=np.float64)
    if x.ndim != 2 or x.shape[0] != spaces[0].basis.shape[0]:
        raise ValueError(f"embeddings must have one row per node ({spaces[0].basis.shape[0]}), got shape {x.shape}")
    return np.array([float(np.sum((s.basis.T @ x) ** 2)) for s in spaces])


def spectral_energy(embeddings: np.ndarray, spaces: list[Eigenspace]) -> list[dict]:
    """Per eigenspace: eigenvalue, dimension, trivial flag, energy and its share of the
    non-trivial energy (None for trivial eigenspaces)."""
    e = energies(embeddings, spaces)
    nt = sum(v for v, s in zip(e, spaces) if not s.trivial)
    return [{"eigenvalue": s.eigenvalue, "dim": s.dim, "trivial": s.trivial, "energy": float(v),
             "share": None if s.trivial else float(v / nt) if nt > 0 else 0.0}
            for s, v in zip(spaces, e)]


def concentration(embeddings: np.ndarray, spaces: list[Eigenspace], top: int = 2) -> float:
    """Spectral concentration: the share of the non-trivial embedding energy on the ``top``
    non-trivial eigenspaces (largest eigenvalues). 1 = all structure on the Fiedler-like spaces."""
    e = energies(embeddings, nontrivial(spaces))
    total = e.sum()
    return float(e[:top].sum() / total) if total > 0 else 0.0


def concentration_chance(spaces: list[Eigenspace], top: int = 2) -> float:
    """The expected concentration of an embedding with no relation to the graph (energy spread
    evenly over the non-trivial dimensions): dims of the top spaces / all non-trivial dims."""
    dims = [s.dim for s in nontrivial(spaces)]
    return sum(dims[:top]) / sum(dims)


def fiedler_coordinates(spaces: list[Eigenspace], k: int = 2) -> np.ndarray:
    """(n, k) coordinates from the top non-trivial eigenvectors (a basis inside degenerate
    eigenspaces is arbitrary: only the span is meaningful)."""
    return np.concatenate([s.basis for s in nontrivial(spaces)], axis=1)[:, :k]


def dynamics_norms(embeddings: np.ndarray, targets: np.ndarray, spaces: list[Eigenspace]):
    """The paper's Node2Vec dynamics at one step, per eigenspace: ||V^T B||_F and ||C B||_F with
    C = (T - Q) + (T - Q)^T, Q = row_softmax(V V^T) and T the row-normalized training targets
    (= D^-1 A for edges in both directions). Gradient descent moves V by lr * C V."""
    v = np.asarray(embeddings, dtype=np.float64)
    s = v @ v.T
    q = np.exp(s - s.max(1, keepdims=True))
    q /= q.sum(1, keepdims=True)
    active = np.asarray(targets).sum(1) > 0
    g = (np.asarray(targets) - q) * active[:, None]
    c = g + g.T
    proj = np.array([np.linalg.norm(sp.basis.T @ v) for sp in spaces])
    cnorm = np.array([np.linalg.norm(c @ sp.basis) for sp in spaces])
    return proj, cnorm
