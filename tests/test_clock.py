"""The clock test's readout on hand-built runs: the factor per +1 in l with its interval and leave-one-out
range, the collapse of steps on lr x weight decay, the equal-clock pair, and the answers in words."""
import math

import pytest

from geomem_nb import stats
from geomem_nb.studies import clock, long_path


def run(ell, knob, seed, hit_at, lr, wd, every=100, steps=100000):
    """A run whose held-out exact match first reaches 0.5 at ``hit_at`` (None: never)."""
    n = (hit_at or steps) // every
    history = [{"step": every * (i + 1), "test_exact_match": 0.6 if hit_at and every * (i + 1) >= hit_at else 0.0}
               for i in range(n)]
    return {"degree": 100, "path_length": ell, "knob": knob, "seed": seed, "steps": steps, "history": history,
            "config": {"eval_every": every, "lr": lr, "weight_decay": wd},
            "test_exact_match": history[-1]["test_exact_match"]}


def curve_rows(knob, lr, wd, base, factor, lengths=(5, 6, 7, 8), jitter=1.1):
    return [run(ell, knob, s, int(round(base * factor ** (ell - 5) * (jitter if s else 1) / 100)) * 100, lr, wd)
            for ell in lengths for s in (0, 1)]


def test_line_fit_recovers_a_line_and_its_interval_narrows_with_less_noise():
    x = [0, 1, 2, 3, 4]
    exact = stats.line_fit(x, [1 + 2 * v for v in x])
    assert exact["slope"] == pytest.approx(2) and exact["intercept"] == pytest.approx(1)
    assert exact["interval"][0] == pytest.approx(2) and exact["interval"][1] == pytest.approx(2)
    noisy = stats.line_fit(x, [1 + 2 * v + (0.3 if v % 2 else -0.3) for v in x])
    lo, hi = noisy["interval"]
    assert lo < noisy["slope"] < hi and hi - lo > 0.1
    assert stats.line_fit([0, 1], [0, 1])["interval"] is None  # two points leave no spread
    with pytest.raises(ValueError, match="line_fit"):
        stats.line_fit([1, 1], [0, 1])


def test_growth_gives_the_interval_and_the_leave_one_length_out_range():
    rows = curve_rows("lr 1e-2", 1e-2, 0.01, 200, 4.0)
    g = long_path.growth(long_path.cost_curve(rows, "lr 1e-2"))
    assert g["factor per l"] == pytest.approx(4.0 * 1.1 ** 0.0, rel=0.1)
    lo, hi = g["interval"]
    assert lo < g["factor per l"] < hi
    a, b = g["leave one out"]
    assert a <= g["factor per l"] <= b
    two = long_path.growth(long_path.cost_curve(rows[:4], "lr 1e-2"))  # l = 5 and 6 only
    assert two["leave one out"] is None and two["interval"] is not None  # four seeds' points, two lengths


def test_a_pure_clock_collapses_and_a_task_cost_does_not():
    # steps proportional to 1 / (lr x wd): beta = -1; the same steps at every clock: beta = 0
    pure = (curve_rows(clock.SETTINGS[1], 1e-2, 0.1, 2000, 4.0)
            + curve_rows(clock.SETTINGS[3], 1e-2, 1.0, 200, 4.0))
    fit = clock.collapse(pure)
    assert fit["beta"] == pytest.approx(-1, abs=0.05) and fit["lengths"] == [5, 6, 7, 8]
    assert clock.answer(clock.settings(pure), fit)["collapse"].startswith("collapses")
    task = (curve_rows(clock.SETTINGS[1], 1e-2, 0.1, 2000, 4.0)
            + curve_rows(clock.SETTINGS[3], 1e-2, 1.0, 2000, 4.0, jitter=1.2))
    fit = clock.collapse(task)
    assert abs(fit["beta"]) < 0.1
    assert clock.answer(clock.settings(task), fit)["collapse"] == "does not depend on the clock"


def test_the_factor_falls_only_beyond_both_intervals():
    slow = curve_rows(clock.SETTINGS[1], 1e-2, 0.1, 200, 6.0)
    fast = curve_rows(clock.SETTINGS[3], 1e-2, 1.0, 200, 2.0)
    found = clock.settings(slow + fast)
    assert [s["clock"] for s in found] == sorted(s["clock"] for s in found)
    assert clock.answer(found, None)["factor"] == "falls"
    same = clock.settings(slow + curve_rows(clock.SETTINGS[3], 1e-2, 1.0, 200, 6.0, jitter=1.3))
    assert clock.answer(same, None)["factor"] == "no change beyond the intervals"
    assert clock.answer(clock.settings(slow), None)["factor"].startswith("cannot tell")


def test_the_equal_clock_pair_and_runs_that_never_reach():
    a = curve_rows(clock.PAIR[0], 1e-2, 0.1, 200, 4.0, lengths=(5, 6))
    b = curve_rows(clock.PAIR[1], 3e-3, 0.33, 600, 4.0, lengths=(5, 6))
    ratios = clock.pair_ratio(a + b)
    assert set(ratios) == {5, 6} and all(r == pytest.approx(3, rel=0.15) for r in ratios.values())
    never = [run(7, clock.PAIR[1], s, None, 3e-3, 0.33, steps=1000) for s in (0, 1)]
    assert 7 not in clock.pair_ratio(a + b + never)
    assert all(p[0] != 7 for p in clock.points(never))
    assert math.isclose(clock.clock(never[0]), 3e-3 * 0.33)


def test_the_table_reads_every_length_and_says_what_is_missing():
    rows = curve_rows(clock.SETTINGS[1], 1e-2, 0.1, 200, 4.0, lengths=(5, 6, 7))
    rows += [run(8, clock.SETTINGS[1], s, None, 1e-2, 0.1, steps=1000) for s in (0, 1)]
    (row,) = clock.table_rows(clock.settings(rows))
    assert row["lr × wd"] == "1e-3" and row["setting"] == "lr 1e-2, weight decay 0.1" and row["ℓ = 5"].startswith("200")
    assert row["ℓ = 8"] == "not within 1,000"
    assert row["factor per +1 in ℓ"].startswith("×4.") and "95%" in row["factor per +1 in ℓ"]
    (partial,) = clock.table_rows(clock.settings(rows[:2]))
    assert partial["ℓ = 7"] == "not run yet" and partial["factor per +1 in ℓ"] == "—"


def test_related_work_sits_beside_our_cheapest_factor_and_the_clock_power():
    rows = curve_rows("lr 1e-2, weight decay 0.1", 1e-2, 0.1, 200, 4.0) + curve_rows("lr 1e-2", 1e-2, 0.01, 200, 7.0)
    found = clock.settings(rows)
    table = clock.related_rows(found, {"beta": 0.24, "interval": (0.12, 0.35)})
    assert [r["work"] for r in table] == [r["work"] for r in clock.RELATED] + ["this book"]
    ours = table[-1]
    assert "×4." in ours["what one more hop costs"] and "weight decay 0.1" in ours["what one more hop costs"]
    assert "+0.24" in ours["the optimizer's clock"] and all("key" not in r for r in table)
    assert clock.related_rows([], None)[-1]["the optimizer's clock"] == "—"
