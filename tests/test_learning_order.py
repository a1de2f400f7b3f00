"""geomem_nb.studies.learning_order: the step at which each path position is first learned, and what order that is."""
import pytest

from geomem_nb.studies import learning_order as lo

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


def _summary(per_seed):
    return lo.summary(per_seed)


def test_verdict_counts_strict_cascades_among_runs_that_learned_the_first_hop():
    cascade, tandem, never = {2: 300, 3: 200, 4: 100}, {2: 100, 3: 100, 4: 100}, {2: None, 3: 200, 4: 100}
    status, reason = lo.verdict([_summary([cascade] * 3 + [never] * 4)])
    assert status == "differs" and "3 of 3 runs" in reason and "4 runs that never learned the first hop" in reason
    assert lo.verdict([_summary([tandem] * 3)])[0] == "reproduced"
    assert lo.verdict([_summary([cascade, cascade, tandem])])[0] == "inconclusive"  # P = 0.26
    assert lo.verdict([_summary([cascade, tandem, tandem, cascade])])[0] == "partly"
    assert lo.verdict([_summary([never] * 3)])[0] == "inconclusive"


def test_cascade_p_is_the_binomial_tail():
    assert abs(lo.cascade_p(3, 3) - 1 / 27) < 1e-12
    assert lo.cascade_p(0, 5) == pytest.approx(1.0)
