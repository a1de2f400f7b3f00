from collections import Counter, defaultdict

import numpy as np
import pytest

from geomem_nb.graphs import path_star, tree_star
from geomem_nb.tasks.in_weights import InWeightsTask

SIZES = [(2, 3), (3, 4), (5, 3), (4, 6), (2, 8)]


def children_of(g):
    kids = defaultdict(list)
    for u, v in g.edges("forward").tolist():
        kids[u].append(v)
    return kids


@pytest.mark.parametrize("split", ["leaf", "first-token"])
@pytest.mark.parametrize("d,ell", SIZES)
def test_sizes_and_labels(d, ell, split):
    g = tree_star(d, ell, seed=5, split=split)
    n = 1 + d * (2 ** (ell - 1) - 1)
    assert g.num_nodes == n
    assert g.num_leaves == d * 2 ** (ell - 2)
    assert g.arms.shape == (g.num_leaves, ell)
    assert g.split == split and g.seed == 5
    # labels: a permutation of 0..n-1, all of which appear on some root->leaf path
    assert sorted(np.unique(g.arms).tolist()) == list(range(n))
    assert len(np.unique(g.leaves)) == g.num_leaves
    assert np.array_equal(g.leaves, g.arms[:, -1]) and np.array_equal(g.first_hops, g.arms[:, 1])
    assert np.all(g.arms[:, 0] == g.root)


@pytest.mark.parametrize("d,ell", SIZES)
def test_tree_shape_and_edges(d, ell):
    g = tree_star(d, ell, seed=1)
    fwd = g.edges("forward")
    pairs = [tuple(e) for e in fwd.tolist()]
    assert fwd.shape == (g.num_nodes - 1, 2)
    assert len(set(pairs)) == len(pairs)  # shared prefixes give no repeated edges
    # every node but the root has exactly one parent
    parents = Counter(v for _, v in pairs)
    assert set(parents) == set(range(g.num_nodes)) - {g.root}
    assert set(parents.values()) == {1}
    kids = children_of(g)
    leaves = set(g.leaves.tolist())
    assert len(kids[g.root]) == d
    for node in range(g.num_nodes):
        if node == g.root:
            continue
        assert len(kids[node]) == (0 if node in leaves else 2), node
    # every row is a root->leaf path along forward edges, and each leaf has exactly one row
    edge_set = set(pairs)
    for row in g.arms.tolist():
        assert all((a, b) in edge_set for a, b in zip(row[:-1], row[1:]))
        assert not kids[row[-1]]
    assert len({tuple(r) for r in g.arms.tolist()}) == g.num_leaves
    # backward / both
    assert {tuple(e) for e in g.edges("backward").tolist()} == {(v, u) for u, v in pairs}
    both = g.edges("both")
    assert len(both) == 2 * len(pairs)
    assert {tuple(e) for e in both.tolist()} == edge_set | {(v, u) for u, v in pairs}
    with pytest.raises(ValueError, match="direction"):
        g.edges("sideways")


@pytest.mark.parametrize("split", ["leaf", "first-token"])
@pytest.mark.parametrize("d,ell", SIZES + [(40, 5)])
def test_split_partitions_leaves(d, ell, split):
    g = tree_star(d, ell, seed=2, split=split)
    train, test = set(g.train_arms.tolist()), set(g.test_arms.tolist())
    assert train | test == set(range(g.num_leaves))
    assert not train & test
    assert train and test
    assert np.all(np.diff(g.train_arms) > 0) and np.all(np.diff(g.test_arms) > 0)


def test_leaf_split_is_a_quarter_and_mixes_subtrees():
    g = tree_star(10, 6, seed=0, split="leaf")  # 160 leaves
    assert len(g.test_arms) == g.num_leaves - int(0.75 * g.num_leaves) == 40
    # held-out leaves are not whole subtrees: most test first hops also lead to training leaves
    train_hops = set(g.first_hops[g.train_arms].tolist())
    shared = np.isin(g.first_hops[g.test_arms], list(train_hops))
    assert shared.mean() > 0.5


@pytest.mark.parametrize("d", [2, 3, 4, 8, 20])
def test_first_token_split_holds_out_whole_subtrees(d):
    g = tree_star(d, 5, seed=4, split="first-token")
    train_hops = set(g.first_hops[g.train_arms].tolist())
    test_hops = set(g.first_hops[g.test_arms].tolist())
    assert not train_hops & test_hops
    assert len(train_hops) + len(test_hops) == d
    assert 1 <= len(test_hops) <= d - 1
    if d >= 4:
        assert len(test_hops) == d - int(0.75 * d)
    # whole subtrees: every leaf under a held-out first hop is in test
    for hop in test_hops:
        assert np.sum(g.first_hops[g.test_arms] == hop) == g.leaves_per_subtree == 2 ** 3
    assert len(g.test_arms) == len(test_hops) * 2 ** 3


def test_deterministic_by_seed():
    for split in ("leaf", "first-token"):
        a, b = tree_star(6, 5, seed=7, split=split), tree_star(6, 5, seed=7, split=split)
        c = tree_star(6, 5, seed=8, split=split)
        assert np.array_equal(a.arms, b.arms) and np.array_equal(a.test_arms, b.test_arms)
        assert np.array_equal(a.edges("both"), b.edges("both"))
        assert a.to_json() == b.to_json()
        assert not np.array_equal(a.arms, c.arms)
    # same seed, same labels whatever the split
    assert np.array_equal(tree_star(6, 5, seed=7).arms, tree_star(6, 5, seed=7, split="first-token").arms)


def test_to_json():
    j = tree_star(3, 4, seed=1, split="first-token").to_json()
    assert j["num_nodes"] == 1 + 3 * 7 and j["num_leaves"] == 12 and j["split"] == "first-token"
    assert len(j["arms"]) == 12 and len(j["train_arms"]) + len(j["test_arms"]) == 12


@pytest.mark.parametrize("kwargs,name", [
    (dict(degree=1, path_length=4), "degree"),
    (dict(degree=2.0, path_length=4), "degree"),
    (dict(degree=True, path_length=4), "degree"),
    (dict(degree=3, path_length=2), "path_length"),
    (dict(degree=3, path_length="4"), "path_length"),
    (dict(degree=3, path_length=4, split="leaves"), "split"),
    (dict(degree=3, path_length=4, split=None), "split"),
])
def test_bad_inputs(kwargs, name):
    with pytest.raises(ValueError, match=name):
        tree_star(**kwargs)


def test_split_error_lists_allowed_values():
    with pytest.raises(ValueError, match="leaf, first-token"):
        tree_star(3, 4, split="random")


@pytest.mark.parametrize("d,ell", [(2, 23), (2, 10 ** 9), (10 ** 6, 4), (2000, 12)])
def test_absurd_sizes_rejected(d, ell):
    with pytest.raises(ValueError, match="nodes"):
        tree_star(d, ell)


def test_largest_allowed_size_builds():
    g = tree_star(2, 20)  # 1 + 2 * (2^19 - 1) nodes, under the 2,000,000 cap
    assert g.num_nodes == 2 ** 20 - 1 and len(g.edges("forward")) == g.num_nodes - 1


def test_in_weights_task_smoke():
    g = tree_star(3, 4)
    task = InWeightsTask(g, pause_tokens=1)
    edges, paths = task.training_examples()
    assert edges.inputs.shape[0] == 2 * (g.num_nodes - 1)
    assert np.array_equal(paths.targets.numpy(), g.arms[g.train_arms])
    assert np.array_equal(paths.inputs[:, 1].numpy(), g.leaves[g.train_arms])
    assert task.block_size == task.prompt_length + 3
    hard = InWeightsTask(g, pause_tokens=2, objective="hardest-token").path_examples(g.test_arms)
    assert np.array_equal(hard.targets[:, 0].numpy(), g.first_hops[g.test_arms])


def test_path_star_num_leaves():
    assert path_star(7, 4).num_leaves == 7
