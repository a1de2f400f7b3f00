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


def nearest_own_accuracy(queries: np.ndarray, keys: np.ndarray, own) -> float:
    """Share of query rows whose nearest key row (cosine) is ``keys[own[i]]``."""
    nearest = cosine_matrix(queries, keys).argmax(1)
    return float(np.mean(nearest == np.asarray(own)))


def leaf_first_hop_diagonal_accuracy(embeddings: np.ndarray, arms: np.ndarray, query_arms) -> float:
    """Share of the query arms whose leaf embedding is nearest (cosine) to its *own* arm's first-hop
    embedding, among the first hops of all d arms. Chance is 1/d."""
    arms, query_arms = np.asarray(arms), np.asarray(query_arms)
    return nearest_own_accuracy(embeddings[arms[query_arms, -1]], embeddings[arms[:, 1]], query_arms)


def leaf_first_hop_cosines(embeddings: np.ndarray, arms: np.ndarray, arm_ids) -> np.ndarray:
    """(n, n) cosine similarity of leaf(i) (rows) and first hop(j) (columns) over the given arms: a
    geometric memory puts its mass on the diagonal (the paper's Figs. 6, 9, 16)."""
    arms, arm_ids = np.asarray(arms), np.asarray(arm_ids)
    return cosine_matrix(embeddings[arms[arm_ids, -1]], embeddings[arms[arm_ids, 1]])


def path_averaged_cosines(embeddings: np.ndarray, arms: np.ndarray, arm_ids) -> np.ndarray:
    """(n, n) path-averaged heatmap (the paper's Fig. 17, in similarity rather than distance): cell
    (i, j) is the mean cosine similarity over the node pairs (u on arm i, v on arm j), root excluded;
    on the diagonal the self-pairs u = v are left out, so a diagonal means that *different* nodes of
    one arm are closer than nodes of different arms (with self-pairs every arm would score 1 there).

    Vectorized: with unit rows x_u and S_i = sum of arm i's rows, the sum of the pair cosines is
    S_i . S_j, and the diagonal's self-pairs add sum_u |x_u|^2 (1 per node, 0 for a zero row)."""
    arms = np.asarray(arms)
    if arms.ndim != 2 or arms.shape[1] < 3:
        raise ValueError(f"arms must be a (num_arms, path_length >= 3) array (>= 2 nodes besides the "
                         f"root), got shape {arms.shape}")
    arm_ids = np.asarray(arm_ids, dtype=np.int64).reshape(-1)
    if len(arm_ids) == 0 or arm_ids.min() < 0 or arm_ids.max() >= len(arms):
        raise ValueError(f"arm_ids must be non-empty indices into the {len(arms)} arms")
    x = np.asarray(embeddings, dtype=np.float64)
    x = x / np.maximum(np.linalg.norm(x, axis=1, keepdims=True), 1e-12)
    nodes = x[arms[arm_ids, 1:]]                     # (n, k, m): the k = l - 1 non-root nodes of each arm
    k = nodes.shape[1]
    sums = nodes.sum(1)                              # (n, m)
    pair_sums = sums @ sums.T                        # (n, n): sum over (u, v) of cos(u, v)
    out = pair_sums / (k * k)
    self_pairs = np.einsum("nkm,nkm->n", nodes, nodes)
    np.fill_diagonal(out, (np.diag(pair_sums) - self_pairs) / (k * (k - 1)))
    return out


def diagonal_contrast(m: np.ndarray) -> float:
    """Mean of the diagonal minus the mean off the diagonal of a square matrix (0 = no diagonal)."""
    m = np.asarray(m, dtype=np.float64)
    n = len(m)
    if n < 2 or m.shape != (n, n):
        raise ValueError(f"need a square matrix of size >= 2, got shape {m.shape}")
    off = (m.sum() - np.trace(m)) / (n * n - n)
    return float(np.trace(m) / n - off)


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


def undirected_edges(edges) -> np.ndarray:
    """Distinct undirected edges (u < v) of a directed edge list; self-edges (u, u) dropped."""
    e = np.sort(np.asarray(edges, dtype=np.int64).reshape(-1, 2), axis=1)
    e = e[e[:, 0] != e[:, 1]]
    return np.unique(e, axis=0)


def geometric_level(embeddings: np.ndarray, edges) -> float:
    """Mean cosine similarity of the two embeddings of each distinct undirected edge. Self-edges and
    repeated or reversed copies of an edge are never counted (a self-edge would add a cosine of 1)."""
    e = undirected_edges(edges)
    if len(e) == 0:
        raise ValueError("edges must contain at least one edge between two different nodes")
    x = np.asarray(embeddings, dtype=np.float64)
    x = x / np.maximum(np.linalg.norm(x, axis=1, keepdims=True), 1e-12)
    return float(np.mean(np.sum(x[e[:, 0]] * x[e[:, 1]], axis=1)))


def neighbour_lists(num_nodes: int, edges, nodes=None) -> list[np.ndarray]:
    """Targets of each node u (of ``nodes``, default all), {v : (u, v) in edges}, sorted and without
    repeats. One sort, then a slice per node: fast on graphs of 10^5 nodes."""
    e = np.unique(np.asarray(edges, dtype=np.int64).reshape(-1, 2), axis=0)  # sorted by (u, v)
    nodes = np.arange(num_nodes) if nodes is None else np.asarray(nodes)
    lo, hi = np.searchsorted(e[:, 0], nodes), np.searchsorted(e[:, 0], nodes, side="right")
    return [e[a:b, 1] for a, b in zip(lo, hi)]


def skewed_logits(embeddings: np.ndarray, weight: np.ndarray) -> np.ndarray:
    """The geometry-only part of a bilinear model's logits. With E = U S Vh (node rows only) keep
    only the diagonal of W in E's right-singular basis, W' = Vh^T diag(diag(Vh W Vh^T)) Vh, and
    return E W' E^T (symmetric; W and W^T give the same result). Associative storage that needs
    off-diagonal couplings between singular directions is removed."""
    e = np.asarray(embeddings, dtype=np.float64)
    w = np.asarray(weight, dtype=np.float64)
    if w.shape != (e.shape[1], e.shape[1]):
        raise ValueError(f"weight must be {e.shape[1]}x{e.shape[1]} to match the embeddings, got {w.shape}")
    _, _, vh = np.linalg.svd(e, full_matrices=False)
    lam = np.einsum("ki,ij,kj->k", vh, w, vh)
    return e @ (vh.T * lam) @ vh @ e.T


def geometric_margin(logits: np.ndarray, neighbours: list[np.ndarray]) -> float:
    """Mean over nodes u (with at least one neighbour other than u and one non-neighbour) of the best
    neighbour's logit minus the best non-neighbour's logit; u itself is neither. Node rows and
    columns only. Positive = every node ranks a true neighbour above every non-neighbour."""
    logits = np.asarray(logits, dtype=np.float64)
    n = logits.shape[1]
    margins = []
    for u, nb in enumerate(neighbours):
        is_nb = np.zeros(n, dtype=bool)
        is_nb[np.asarray(nb, dtype=np.int64)] = True
        is_nb[u] = False
        other = ~is_nb
        other[u] = False
        if is_nb.any() and other.any():
            margins.append(logits[u, is_nb].max() - logits[u, other].max())
    if not margins:
        raise ValueError("no node has both a neighbour and a non-neighbour")
    return float(np.mean(margins))


def geometric_margin_full_vocab(embeddings: np.ndarray, weight: np.ndarray, neighbours: list[np.ndarray]) -> float:
    """The authors' definition of the geometric margin: the skewed logits of the **whole** vocabulary
    table (node rows first, then the special tokens), the SVD taken over every row, and the special
    tokens' columns counted as non-neighbours. Rows are the nodes (``neighbours`` is indexed by node;
    the special rows have no neighbours, so they never count as rows). ``geometric_margin`` on
    ``skewed_logits`` of the node rows alone is our definition; the two differ, e.g. when the special
    rows pull E's singular basis away from the nodes'."""
    e = np.asarray(embeddings, dtype=np.float64)
    if len(neighbours) > len(e):
        raise ValueError(f"neighbours lists {len(neighbours)} nodes but embeddings has only {len(e)} rows")
    logits = skewed_logits(e, weight)[: len(neighbours)]
    return geometric_margin(logits, neighbours)


def pca(x: np.ndarray, k: int = 2) -> np.ndarray:
    """Coordinates of the rows of ``x`` on their top-``k`` principal components (rows centred), with
    a deterministic sign (largest-magnitude entry of each component positive)."""
    x = np.asarray(x, dtype=np.float64)
    x = x - x.mean(0)
    u, s, _ = np.linalg.svd(x, full_matrices=False)
    coords = u[:, :k] * s[:k]
    flip = np.sign(coords[np.abs(coords).argmax(0), np.arange(coords.shape[1])])
    return coords * np.where(flip == 0, 1.0, flip)


def cosine_by_distance(embeddings: np.ndarray, adjacency: np.ndarray) -> dict:
    """Mean cosine similarity of the pairs of distinct nodes at each hop distance ``{distance: mean}``
    (pairs in different components are left out). A local memory has positive similarity at distance
    1 only; a global geometry falls off gradually with distance."""
    from scipy.sparse.csgraph import shortest_path

    a = np.asarray(adjacency, dtype=np.float64)
    x = np.asarray(embeddings, dtype=np.float64)
    if a.ndim != 2 or a.shape[0] != a.shape[1] or a.shape[0] != len(x):
        raise ValueError(f"adjacency must be {len(x)}x{len(x)} to match the embeddings, got {a.shape}")
    dist = shortest_path(a, unweighted=True, directed=False)
    cos = cosine_matrix(x)
    iu = np.triu_indices(len(x), 1)
    d, c = dist[iu], cos[iu]
    ok = np.isfinite(d)
    return {int(k): float(c[ok & (d == k)].mean()) for k in np.unique(d[ok])}
