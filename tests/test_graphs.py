import numpy as np
import pytest

from geomem_nb import graphs
from geomem_nb.graphs import path_star


@pytest.mark.parametrize("d,ell", [(2, 2), (4, 5), (10, 3), (1000, 5)])
def test_path_star_invariants(d, ell):
    g = path_star(d, ell, seed=3)
    assert g.num_nodes == d * (ell - 1) + 1
    assert g.arms.shape == (d, ell)
    assert np.all(g.arms[:, 0] == g.root)
    # labels are exactly 0..N-1, each non-root node on exactly one arm (arms disjoint)
    assert sorted(np.unique(g.arms).tolist()) == list(range(g.num_nodes))
    assert len(np.unique(g.arms[:, 1:])) == d * (ell - 1)
    # split: disjoint, covering, 75/25
    assert set(g.train_arms) | set(g.test_arms) == set(range(d))
    assert not set(g.train_arms) & set(g.test_arms)
    assert len(g.test_arms) >= 1 and len(g.train_arms) >= 1
    if d >= 100:
        assert len(g.train_arms) == int(0.75 * d)


def test_edges_both_directions():
    g = path_star(7, 4, seed=0)
    fwd = {tuple(e) for e in g.edges("forward")}
    both = {tuple(e) for e in g.edges("both")}
    assert len(fwd) == 7 * 3
    assert both == fwd | {(v, u) for u, v in fwd}
    assert len(g.edges("both")) == 2 * len(fwd)
    # every forward edge goes parent -> child along an arm
    for arm in g.arms:
        for a, b in zip(arm[:-1], arm[1:]):
            assert (a, b) in fwd


def test_seeded_and_random_labels():
    a, b, c = path_star(50, 5, seed=1), path_star(50, 5, seed=1), path_star(50, 5, seed=2)
    assert np.array_equal(a.arms, b.arms) and np.array_equal(a.test_arms, b.test_arms)
    assert not np.array_equal(a.arms, c.arms)
    assert a.root != 0 or a.arms[0, 1] != 1  # labels are permuted, not laid out in order


@pytest.mark.parametrize("kw,name", [(dict(degree=1, path_length=5), "degree"),
                                     (dict(degree=3, path_length=1), "path_length"),
                                     (dict(degree=2.5, path_length=5), "degree")])
def test_bad_sizes_rejected(kw, name):
    with pytest.raises(ValueError, match=name):
        path_star(**kw)


def test_orient_reads_the_stored_edges_either_way():
    fwd = np.array([[0, 1], [1, 2]])
    assert graphs.orient(fwd, "forward") is fwd
    assert graphs.orient(fwd, "backward").tolist() == [[1, 0], [2, 1]]
    assert graphs.orient(fwd, "both").tolist() == [[0, 1], [1, 2], [1, 0], [2, 1]]
    with pytest.raises(ValueError, match="direction must be one of"):
        graphs.orient(fwd, "sideways")


def test_connected_components_by_hand_and_on_the_irregular_graph():
    a = np.zeros((6, 6))
    for u, v in [(4, 1), (1, 5), (2, 3)]:
        a[u, v] = a[v, u] = 1
    assert [c.tolist() for c in graphs.connected_components(a)] == [[0], [1, 4, 5], [2, 3]]
    g = graphs.irregular()
    parts = [c.tolist() for c in graphs.connected_components(g.adjacency())]
    assert parts == [list(range(12)), [12, 13, 14, 15]] == [c.tolist() for c in g.components()]
