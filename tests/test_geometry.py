"""geometry.py: the embedding metrics, each on hand-built cases. First the path-averaged heatmap (the
paper's Fig. 17: mean pair cosine between the nodes of two arms), then the other path-star metrics,
then the graph-wide ones."""
import math

import numpy as np
import pytest

from geomem_nb import geometry
from geomem_nb.graphs import path_star, tree_star


def _brute_force(emb, arms, arm_ids):
    """The definition, one pair at a time: root excluded, self-pairs left out on the diagonal."""
    cos = geometry.cosine_matrix(emb)
    out = np.zeros((len(arm_ids), len(arm_ids)))
    for a, i in enumerate(arm_ids):
        for b, j in enumerate(arm_ids):
            pairs = [cos[u, v] for u in arms[i, 1:] for v in arms[j, 1:] if a != b or u != v]
            out[a, b] = np.mean(pairs)
    return out


def test_tiny_case_by_hand_leaves_out_self_pairs_and_the_root():
    e1, e2, e3 = np.eye(3)
    arms = np.array([[0, 1, 2, 3], [0, 4, 5, 6]])
    # The root points along e1: counting it would raise every cell.
    emb = np.stack([e1, e1, 5 * e1, e2, e2, e3, 2 * (e2 + e3)])
    m = geometry.path_averaged_cosines(emb, arms, [0, 1])
    # arm 0 = {e1, e1, e2}: distinct pairs (1,2)=1, (1,3)=0, (2,3)=0 -> 1/3 (with self-pairs: 5/9)
    # arm 1 = {e2, e3, (e2+e3)/sqrt2}: 0, 1/sqrt2, 1/sqrt2 -> sqrt2/3
    # across: only e2 (arm 0) meets e2 (1) and (e2+e3)/sqrt2 (1/sqrt2), over 9 pairs
    expected = np.array([[1 / 3, (1 + 2 ** -0.5) / 9], [(1 + 2 ** -0.5) / 9, 2 ** 0.5 / 3]])
    assert m == pytest.approx(expected, abs=1e-12)
    assert m[0, 0] != pytest.approx(5 / 9)
    assert geometry.diagonal_contrast(m) == pytest.approx((1 / 3 + 2 ** 0.5 / 3) / 2 - (1 + 2 ** -0.5) / 9)


def test_vectorized_matches_the_definition_on_a_subset_of_arms():
    rng = np.random.default_rng(0)
    arms = np.concatenate([np.zeros((12, 1), int), 1 + rng.permutation(12 * 6).reshape(12, 6)], axis=1)
    emb = rng.normal(size=(1 + 12 * 6, 8))
    emb[5] = 0.0  # a zero row has cosine 0 with everything, itself included
    ids = [3, 0, 7, 11, 5]
    assert geometry.path_averaged_cosines(emb, arms, ids) == pytest.approx(_brute_force(emb, arms, ids), abs=1e-12)


@pytest.mark.parametrize("seed", [0, 1, 2, 3, 4])
def test_random_gaussian_embeddings_have_no_path_averaged_diagonal(seed):
    """The old metric (cosine of arm means) gave a contrast of about 1 here; the paper's gives about 0.
    Per diagonal cell the sd is about 0.07 (6 distinct pairs in 32 dims); over 100 arms, about 0.007."""
    rng = np.random.default_rng(seed)
    n, ell, dim = 100, 5, 32
    arms = np.concatenate([np.zeros((n, 1), int), 1 + np.arange(n * (ell - 1)).reshape(n, ell - 1)], axis=1)
    emb = rng.normal(size=(1 + n * (ell - 1), dim))
    c = geometry.diagonal_contrast(geometry.path_averaged_cosines(emb, arms, np.arange(n)))
    assert abs(c) <= 0.05, c


def test_arms_along_shared_directions_give_a_large_diagonal():
    rng = np.random.default_rng(0)
    n, ell, dim = 60, 5, 64
    arms = np.concatenate([np.zeros((n, 1), int), 1 + np.arange(n * (ell - 1)).reshape(n, ell - 1)], axis=1)
    direction = rng.normal(size=(n, dim)) / np.sqrt(dim)
    emb = rng.normal(size=(1 + n * (ell - 1), dim)) * 0.3 / np.sqrt(dim)
    for a in range(n):
        emb[arms[a, 1:]] += direction[a]
    m = geometry.path_averaged_cosines(emb, arms, np.arange(n))
    assert geometry.diagonal_contrast(m) > 0.8
    assert (np.diag(m) < 1).all()  # self-pairs left out: noise keeps the diagonal below 1


@pytest.mark.parametrize("arms,ids,match", [
    (np.array([[0, 1], [0, 2]]), [0, 1], "arms"),
    (np.array([[0, 1, 2], [0, 3, 4]]), [0, 2], "arm_ids"),
    (np.array([[0, 1, 2], [0, 3, 4]]), [], "arm_ids"),
])
def test_bad_input_names_the_parameter(arms, ids, match):
    with pytest.raises(ValueError, match=match):
        geometry.path_averaged_cosines(np.ones((5, 2)), arms, ids)


# path-star metrics: leaf vs first hop, nearest own -----------------------------------------------


def test_leaf_first_hop_diagonal_on_hand_built_embeddings():
    arms = np.array([[0, 1, 2], [0, 3, 4], [0, 5, 6]])
    e = np.zeros((7, 3))
    e[[1, 2], 0] = 1          # arm 0 along x
    e[[3, 4], 1] = 1          # arm 1 along y
    e[[5, 6], 2] = 1          # arm 2 along z
    assert geometry.leaf_first_hop_diagonal_accuracy(e, arms, [0, 1, 2]) == 1.0
    e2 = e.copy()
    e2[[2, 4, 6]] = e[[4, 6, 2]]  # leaves rotated to the wrong arms
    assert geometry.leaf_first_hop_diagonal_accuracy(e2, arms, [0, 1, 2]) == 0.0


def test_diagonal_accuracy_handles_repeated_first_hops():
    """On a tree-star several leaves share a first hop: a leaf nearest its own subtree's hop counts."""
    g = tree_star(2, 4, seed=0)  # 2 subtrees, 4 leaves each
    emb = np.zeros((g.num_nodes, 2))
    for row in g.arms:  # each subtree's nodes along one axis
        axis = 0 if row[1] == g.first_hops[0] else 1
        emb[row[1:], axis] = 1.0
    hops, own = np.unique(g.first_hops, return_inverse=True)
    assert geometry.nearest_own_accuracy(emb[g.arms[:, -1]], emb[hops], own) == 1.0


def test_leaf_first_hop_and_path_averaged_heatmaps_on_hand_built_embeddings():
    g = path_star(4, 5, seed=0)
    emb = np.zeros((g.num_nodes, 4))
    for a in range(4):  # every node of arm a on axis a: a perfect geometry
        emb[g.arms[a, 1:], a] = 1.0
    lf = geometry.leaf_first_hop_cosines(emb, g.arms, np.arange(4))
    assert np.allclose(lf, np.eye(4))
    assert geometry.diagonal_contrast(lf) == pytest.approx(1.0)
    pa = geometry.path_averaged_cosines(emb, g.arms, np.arange(4))
    assert np.allclose(pa, np.eye(4))
    assert geometry.diagonal_contrast(np.ones((4, 4))) == pytest.approx(0.0)
    with pytest.raises(ValueError, match="square"):
        geometry.diagonal_contrast(np.ones((2, 3)))


# graph-wide metrics: edges, neighbours, margins, distances -------------------------------------


def test_topk_recovery_hand_made():
    scores = np.array([[0, 5, 4, 1], [3, 0, 1, 9]])
    assert geometry.topk_recovery(scores, [np.array([1, 2]), np.array([3])]) == 1.0
    assert geometry.topk_recovery(scores, [np.array([1, 3]), np.array([0])]) == 0.25


def test_neighbour_lists_subset_and_repeats():
    edges = [(2, 0), (0, 1), (0, 2), (2, 0), (1, 0)]
    assert [x.tolist() for x in geometry.neighbour_lists(4, edges)] == [[1, 2], [0], [0], []]
    assert [x.tolist() for x in geometry.neighbour_lists(4, edges, nodes=[2, 3])] == [[0], []]


def test_geometric_level_counts_each_undirected_edge_once_and_never_self_edges():
    x = np.array([[1.0, 0.0], [1.0, 0.0], [0.0, 1.0]])
    edges = np.array([[0, 1], [1, 0], [0, 1], [1, 2], [0, 0], [2, 2]])
    assert geometry.undirected_edges(edges).tolist() == [[0, 1], [1, 2]]
    assert geometry.geometric_level(x, edges) == pytest.approx(0.5)  # cosines 1 and 0
    assert geometry.geometric_level(np.array([[1.0, 0], [-2.0, 0]]), [[0, 1]]) == pytest.approx(-1.0)
    with pytest.raises(ValueError, match="at least one edge"):
        geometry.geometric_level(x, [[1, 1]])


def test_geometric_margin_on_a_hand_built_score_matrix():
    logits = np.array([[9.0, 3.0, 1.0, 2.0],
                       [3.0, 9.0, 5.0, 4.0],
                       [0.0, 0.0, 0.0, 0.0]])
    neighbours = [np.array([1]), np.array([0, 2]), np.array([0, 1, 2, 3])]  # node 2: no non-neighbour
    # node 0: best neighbour 3 - best other 2 = 1; node 1: max(3, 5) - 4 = 1; self scores ignored.
    assert geometry.geometric_margin(logits[:, :4], neighbours) == pytest.approx(1.0)
    logits[0, 3] = 7.0
    assert geometry.geometric_margin(logits[:, :4], neighbours) == pytest.approx((-4.0 + 1.0) / 2)


def test_skewed_logits_keep_the_diagonal_in_the_singular_basis():
    rng = np.random.default_rng(0)
    e = rng.normal(size=(6, 4))
    _, _, vh = np.linalg.svd(e, full_matrices=False)
    w_diag = vh.T @ np.diag([2.0, -1.0, 0.5, 3.0]) @ vh
    assert np.allclose(geometry.skewed_logits(e, w_diag), e @ w_diag @ e.T)  # already diagonal: unchanged
    off = vh.T @ np.array([[0, 1, 0, 0], [1, 0, 0, 0], [0, 0, 0, 0], [0, 0, 0, 0.0]]) @ vh
    assert np.allclose(geometry.skewed_logits(e, off), 0)  # purely off-diagonal: nothing geometric left
    w = rng.normal(size=(4, 4))
    assert np.allclose(geometry.skewed_logits(e, w), geometry.skewed_logits(e, w.T))
    with pytest.raises(ValueError, match="weight"):
        geometry.skewed_logits(e, np.zeros((3, 3)))


def test_full_vocab_margin_counts_the_special_rows_and_columns():
    rng = np.random.default_rng(1)
    nodes, specials = rng.normal(size=(5, 3)), rng.normal(size=(2, 3))
    w = rng.normal(size=(3, 3))
    nb = geometry.neighbour_lists(5, [(0, 1), (1, 0), (1, 2), (2, 1), (3, 4), (4, 3)])
    table = np.vstack([nodes, specials])
    full = geometry.skewed_logits(table, w)[:5]  # SVD over every row; special columns are non-neighbours
    by_hand = np.mean([full[u, nb[u]].max() - np.delete(full[u], np.r_[nb[u], u]).max() for u in range(5)])
    assert geometry.geometric_margin_full_vocab(table, w, nb) == pytest.approx(by_hand)
    # Without special rows the two definitions agree.
    assert geometry.geometric_margin_full_vocab(nodes, w, nb) == pytest.approx(geometry.geometric_margin(geometry.skewed_logits(nodes, w), nb))
    with pytest.raises(ValueError, match="neighbours"):
        geometry.geometric_margin_full_vocab(nodes[:3], w, nb)


def test_cosine_by_distance_by_hand():
    # The path 0-1-2 and an isolated node 3 (its pairs have no distance and are left out).
    a = np.zeros((4, 4))
    a[0, 1] = a[1, 0] = a[1, 2] = a[2, 1] = 1
    x = np.array([[1.0, 0.0], [1.0, 1.0], [0.0, 1.0], [1.0, 0.0]])
    prof = geometry.cosine_by_distance(x, a)
    assert list(prof) == [1, 2]
    assert prof[1] == pytest.approx(1 / math.sqrt(2)) and prof[2] == pytest.approx(0.0)
    with pytest.raises(ValueError, match="adjacency"):
        geometry.cosine_by_distance(x, a[:3, :3])


def test_pca_recovers_a_plane_with_a_fixed_sign():
    rng = np.random.default_rng(1)
    plane = rng.normal(size=(30, 2)) * [5.0, 2.0]
    x = plane @ np.linalg.qr(rng.normal(size=(8, 8)))[0][:2]
    p = geometry.pca(x)
    centred = plane - plane.mean(0)
    rotation = np.linalg.lstsq(p, centred, rcond=None)[0]  # p is an orthogonal transform of the plane
    assert np.allclose(p @ rotation, centred) and np.allclose(rotation.T @ rotation, np.eye(2))
    assert p.var(0)[0] >= p.var(0)[1]
    assert np.allclose(geometry.pca(-x), p)
