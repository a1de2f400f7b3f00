"""geomem_nb.learning_order: the step at which each path position is first learned, and what order that is."""
import pytest

from geomem_nb import learning_order as lo

def test_learning_order_reads_only_the_positions_a_model_works_out():
    assert lo.learned_positions(5) == [2, 3, 4]
    hist = [{"step": s, "test_per_position": [1.0, a, b, c, 1.0]} for s, a, b, c in
            ((0, 0.0, 0.0, 0.0), (10, 0.1, 0.2, 0.6), (20, 0.2, 0.7, 0.9), (30, 0.8, 0.9, 1.0))]
    c = lo.crossings(hist, 5)
    assert c == {2: 30, 3: 20, 4: 10} and lo.is_cascade(c) and lo.leaf_side_first(c)
    assert not lo.leaf_side_first({2: 10, 3: 20, 4: 30})
    assert lo.leaf_side_first({2: None, 3: None, 4: 50}) and not lo.leaf_side_first({2: None, 3: None, 4: None})
    with pytest.raises(ValueError, match="path_length"):
        lo.learned_positions(2)
