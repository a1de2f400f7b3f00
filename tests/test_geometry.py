"""The path-averaged heatmap (the paper's Fig. 17): mean pair cosine between the nodes of two arms."""
import numpy as np
import pytest

from geomem_nb import geometry


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
