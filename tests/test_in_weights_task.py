import numpy as np

from geomem_nb.graphs import PathStar
from geomem_nb.tasks import InWeightsTask

# A hand-built G(2,3): root 4, arms 4-0-2 (train) and 4-3-1 (test).
ARMS = np.array([[4, 0, 2], [4, 3, 1]])
G = PathStar(2, 3, ARMS, np.array([0]), np.array([1]), seed=0)
PAUSE, EDGE, PATH, PAD = 5, 6, 7, 8


def test_vocab_and_specials():
    t = InWeightsTask(G, pause_tokens=2)
    assert t.vocab_size == 9
    assert [t.token(s) for s in ("[PAUSE]", "[EDGE]", "[PATH]", "[PAD]")] == [PAUSE, EDGE, PATH, PAD]
    assert t.token_names([4, PAUSE, PATH]) == ["4", "[PAUSE]", "[PATH]"]


def test_edge_examples_layout():
    e = InWeightsTask(G).edge_examples()
    rows = {(tuple(x.tolist()), int(y)) for x, y in zip(e.inputs, e.targets[:, 0])}
    both = {(4, 0), (0, 2), (4, 3), (3, 1), (0, 4), (2, 0), (3, 4), (1, 3)}
    assert rows == {((EDGE, u), v) for u, v in both}
    assert e.target_pos.tolist() == [1]


def test_path_examples_layout_full_path():
    t = InWeightsTask(G, pause_tokens=2)
    ex = t.path_examples([0])
    # [PATH] leaf [PAUSE] [PAUSE] root v1  -> targets root v1 leaf at positions 3, 4, 5
    assert ex.inputs.tolist() == [[PATH, 2, PAUSE, PAUSE, 4, 0]]
    assert ex.targets.tolist() == [[4, 0, 2]]
    assert ex.target_pos.tolist() == [3, 4, 5]
    # the target at position p is the token at input position p + 1 (next-token prediction)
    assert ex.inputs[0, 4:].tolist() == ex.targets[0, :-1].tolist()


def test_hardest_token_and_edges_only():
    t = InWeightsTask(G, pause_tokens=1, objective="hardest-token")
    ex = t.path_examples([1])
    assert ex.inputs.tolist() == [[PATH, 1, PAUSE]]
    assert ex.targets.tolist() == [[3]] and ex.target_pos.tolist() == [2]
    names = [s.name for s in InWeightsTask(G, objective="edges-only").training_examples()]
    assert names == ["edges"]
    # training paths come from train arms only
    full = InWeightsTask(G).training_examples()[1]
    assert full.inputs[:, 1].tolist() == [2]


def test_bad_objective_rejected():
    import pytest
    with pytest.raises(ValueError, match="objective"):
        InWeightsTask(G, objective="teacherless")
    with pytest.raises(ValueError, match="pause_tokens"):
        InWeightsTask(G, pause_tokens=-1)
