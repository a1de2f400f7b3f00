"""The long-path study's readout on hand-built runs: reach over seeds, steps to 0.5, the cost per +1 in l."""
import math

import pytest

from geomem_nb.studies import long_path


def run(ell, knob="lr 1e-2", seed=0, final=0.0, curve=(), degree=100, steps=1000, every=100, **extra):
    history = [{"step": every * (i + 1), "test_exact_match": v} for i, v in enumerate(curve)]
    return {"degree": degree, "path_length": ell, "knob": knob, "seed": seed, "steps": steps, "history": history,
            "config": {"eval_every": every}, "test_exact_match": final, "test_hardest_token": final,
            "leaf_first_hop_diagonal_accuracy": 1.0, "train_exact_match": 1.0, "edge_recovery": 1.0,
            "first_hop": {"share_training_first_hop": 0.8, "accuracy_among_held_out": 0.3, "logit_gap": 2.0}, **extra}


def test_a_reach_needs_every_seed_and_two_of_them():
    assert not long_path.reached([run(7, final=0.9)])  # one seed is not a reach
    assert long_path.reached([run(7, final=0.9), run(7, seed=1, final=0.5)])
    assert not long_path.reached([run(7, final=0.9), run(7, seed=1, final=0.49)])
    rows = [run(7, final=0.9), run(7, seed=1, final=0.8), run(8, final=0.9), run(8, seed=1, final=0.1),
            run(6, final=1.0), run(6, seed=1, final=1.0)]
    assert long_path.furthest(rows) == (100, 7, "lr 1e-2", 1000)
    assert long_path.furthest([run(8, final=0.9)]) is None


def test_spreads_skip_a_measure_a_setting_does_not_have():
    runs = [run(7, final=0.2), run(7, seed=1, final=0.6)]
    sp = long_path.spreads(runs)
    assert sp["held-out exact match"].mean == pytest.approx(0.4) and sp["logit gap"].mean == 2.0
    first_hop_only = [dict(r, test_exact_match=None, train_exact_match=None) for r in runs]
    sp = long_path.spreads(first_hop_only)
    assert "held-out exact match" not in sp and "train exact match" not in sp and sp["first hop"].n == 2


def test_steps_to_reach_is_the_first_evaluation_at_the_level():
    assert long_path.steps_to([{"step": 100, "test_exact_match": 0.2}, {"step": 200, "test_exact_match": 0.5},
                               {"step": 300, "test_exact_match": 0.4}]) == 200
    assert long_path.steps_to([{"step": 100, "test_exact_match": 0.49}]) is None


def test_cost_curve_and_its_growth_per_length():
    rows = [run(5, curve=(0.6,), final=1.0), run(5, seed=1, curve=(0.6,), final=1.0),                 # 100 steps
            run(6, curve=(0.1, 0.2, 0.7), final=1.0), run(6, seed=1, curve=(0.1, 0.1, 0.6), final=1.0),  # 300
            run(7, curve=(0.0,) * 8 + (0.9,), final=0.9), run(7, seed=1, curve=(0.0,) * 8 + (0.9,), final=0.9),  # 900
            run(8, curve=(0.0,) * 10, final=0.0), run(8, seed=1, curve=(0.0,) * 10, final=0.0),
            run(5, knob="lr 3e-2", curve=(0.9,), final=1.0)]  # another recipe: not on this curve
    curve = long_path.cost_curve(rows, "lr 1e-2")
    assert [c["l"] for c in curve] == [5, 6, 7, 8] and [c["reached"] for c in curve] == [True, True, True, False]
    assert [c["steps to 0.5"].mean for c in curve[:3]] == [100, 300, 900] and curve[3]["steps to 0.5"] is None
    g = long_path.growth(curve)
    assert g["factor per l"] == pytest.approx(3.0) and g["lengths"] == [5, 6, 7]
    assert g["at"](10) == pytest.approx(100 * 3 ** 5)
    assert long_path.growth(curve[:1]) is None and not math.isnan(g["at"](8))


def test_the_screen_is_the_common_length_and_budget_and_compares_beyond_the_spread():
    rows = [run(7, knob=k, seed=s, steps=500) for k in ("lr 1e-2", "lr 3e-2") for s in (0, 1)]
    rows += [run(5, seed=s, steps=200) for s in (0, 1)]  # a cost-curve run: not in the screen
    assert [k[2] for k in long_path.screen(rows)] == ["lr 1e-2", "lr 3e-2"]
    low, high = long_path.stats.spread([0.1, 0.2]), long_path.stats.spread([0.8, 0.9])
    assert long_path.against(low, high) == "above" and long_path.against(high, low) == "below"
    assert long_path.against(low, long_path.stats.spread([0.0, 0.5])) == "within the spread"


def test_learned_reads_the_targets_each_objective_trains():
    full = run(7, final=0.0, config={"eval_every": 100, "objective": "full-path"})
    assert long_path.learned(full) and not long_path.learned({**full, "edge_recovery": 0.5})
    assert not long_path.learned({**full, "train_exact_match": 0.5})
    first = dict(full, config={"objective": "hardest-token"}, train_exact_match=None,
                 history=[{"step": 1, "train_hardest_token": 0.95}])
    assert long_path.learned(first) and not long_path.learned(dict(first, history=[{"step": 1, "train_hardest_token": 0.4}]))
    assert not long_path.learned(dict(first, history=[]))


def test_peak_and_end_reads_the_longest_runs_that_trained_their_whole_budget():
    """A run that decays after its peak shows both; a run stopped at 0.5 is left out (it has no later),
    and so are shorter lengths."""
    def hist(values):
        return [{"step": 100 * (i + 1), "test_exact_match": v, "leaf_first_hop_diagonal_accuracy": 1.0}
                for i, v in enumerate(values)]
    decays = run(8, final=0.1, history=hist([0.0, 0.4, 0.1]), stopping={"rule": "end of budget"})
    holds = run(8, seed=1, final=0.9, history=hist([0.2, 0.9, 0.9]), stopping={"rule": "end of budget"})
    stopped = run(9, seed=2, final=0.6, history=hist([0.1, 0.6]), stopping={"rule": "held-out level reached"})
    shorter = run(7, final=1.0, history=hist([1.0]))
    peaks = long_path.peak_and_end([decays, holds, stopped, shorter])
    assert [p["run"]["seed"] for p in peaks] == [0, 1]
    first, second = (p["held-out exact match"] for p in peaks)
    assert (first["end"], first["peak"], first["peak step"]) == (0.1, 0.4, 200)
    assert (second["end"], second["peak"], second["peak step"]) == (0.9, 0.9, 200)  # the first step at the peak
    assert not long_path.ran_to_end(stopped) and long_path.ran_to_end(shorter)


def test_the_reach_in_words_names_the_furthest_length_reached_on_every_seed():
    from geomem_nb import reach_tables

    def r(ell, seed, final, at):
        return run(ell, seed=seed, final=final, steps=200000, steps_run=at, curve=[final], every=at, train_seconds=60)
    reach = [r(9, 2, 0.64, 24000), r(9, 3, 0.52, 32000), r(10, 2, 0.6, 80000), r(10, 3, 0.2, 200000)]
    text = reach_tables.reach_text(reach)
    assert text.startswith("**Furthest length reached on every seed: ℓ = 9** (seeds 2 and 3")
    assert "seed 3 0.20 after 200,000 steps" in text and "seed 2 0.64 at step 24,000" in text
    assert reach_tables.reach_text([r(9, 2, 0.64, 24000)]).startswith("No length reached on every seed")
    rows = reach_tables.reach_rows(reach)
    assert [(x["ℓ"], x["seed"]) for x in rows] == [(9, 2), (9, 3), (10, 2), (10, 3)]
    assert rows[-1]["steps to 0.5"] == "not within 200,000"


def test_a_study_group_is_refused_by_name():
    with pytest.raises(ValueError, match="group"):
        long_path.load("cpu", "clock")
