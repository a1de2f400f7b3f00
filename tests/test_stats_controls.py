import math

import pytest

from geomem_nb import controls, stats


def test_spread_mean_and_sample_sd():
    s = stats.spread([1.0, 2.0, 3.0])
    assert s.mean == pytest.approx(2.0) and s.sd == pytest.approx(1.0) and s.n == 3
    assert stats.spread([0.5]).sd == 0.0
    assert stats.from_record(stats.as_record(s)) == s


def test_a_spread_as_a_table_cell():
    s = stats.spread([-0.5, -0.3, -0.1])
    assert s.short("{:+.2f}") == "-0.30 ± 0.20" and stats.spread([0.1, 0.3]).short("{:+.2f}") == "+0.20 ± 0.14"
    assert stats.cell({"m": s}, "m") == "-0.300 ± 0.200" and stats.cell({"m": s}, "other") == "-"


def test_spread_rejects_empty_and_nan():
    with pytest.raises(ValueError, match="at least one"):
        stats.spread([])
    with pytest.raises(ValueError, match="finite"):
        stats.spread([0.1, math.nan])


def test_above_needs_the_gap_beyond_the_spread_and_three_seeds():
    low, high = stats.spread([0.1, 0.2, 0.15]), stats.spread([0.8, 0.9, 0.85])
    assert stats.above(high, low) and not stats.above(low, high)
    noisy = stats.spread([0.1, 0.9, 0.5])
    assert not stats.above(high, noisy)
    assert not stats.above(stats.spread([0.9, 0.9]), stats.spread([0.1, 0.1]))  # two seeds show no spread
    assert stats.ordered([low, stats.spread([0.4, 0.5, 0.45]), high])
    assert not stats.ordered([high, low])


def test_controls_name_what_was_not_learned():
    bars = {"train_exact_match": 0.9, "edge_recovery": 0.9}
    good = {"train_exact_match": 0.95, "edge_recovery": 1.0}
    bad = {"train_exact_match": 0.41, "edge_recovery": 1.0}
    assert controls.learned(good, bars) and controls.tag(good, bars) == ""
    assert not controls.learned(bad, bars)
    assert "train exact match 0.410 < 0.9" in controls.tag(bad, bars)
    assert not controls.learned({"edge_recovery": 1.0}, bars)  # a missing value is not 'learned'
    assert not controls.learned({"train_exact_match": math.nan, "edge_recovery": 1.0}, bars)
    with pytest.raises(AssertionError, match="frozen is under-trained"):
        controls.assert_learned(bad, bars, "frozen")
    controls.assert_learned(good, bars, "frozen")
