"""Chapter 9's named checks: every one holds on the shipped records, and each kind turns false when a
record is changed against the sentence it checks."""
import copy

import pytest

from geomem_nb import controls
from geomem_nb import path_length_checks as checks
from geomem_nb import path_length_tables as tables
from geomem_nb.studies import long_path, path_length_map

CPU, KNOBS = path_length_map.shipped("cpu"), path_length_map.shipped("cpu", "knobs")
STUDY = path_length_map.shipped("cpu", "frontier")
needs_records = pytest.mark.skipif(not (CPU and KNOBS and STUDY), reason="the shipped cpu records are not here")


@needs_records
def test_every_check_holds_on_the_shipped_records():
    mix_runs = tables.mix_runs(KNOBS)
    found = {**checks.map_checks(CPU, KNOBS), **checks.mix_checks(tables.mix_spreads(mix_runs), mix_runs)}
    _, _, fits, _ = tables.cost(STUDY, KNOBS)
    found.update(checks.study_checks(STUDY, tables.push_choice(STUDY), fits, checks.longest_recipe_run(KNOBS)))
    assert len(found) > 25 and not controls.failed(found)


@needs_records
def test_a_changed_record_fails_the_sentence_it_contradicts():
    rows = copy.deepcopy(CPU)
    six = next(r for r in rows if r["path_length"] == 6)
    six["leaf_first_hop_diagonal_accuracy"] = 0.5
    assert controls.failed(checks.map_checks(rows, KNOBS)) == ["ℓ = 6: the diagonal at least 0.9 in every run"]
    study = copy.deepcopy(STUDY)
    for r in study:
        if r["path_length"] == 8:
            r["first_hop"]["share_training_first_hop"] = 0.9
    _, _, fits, _ = tables.cost(study, KNOBS)
    assert "…with few of its wrong first hops on training ones" in controls.failed(
        checks.study_checks(study, tables.push_choice(study), fits, None))


def _stopped(steps_to, steps_run, learned=True, ell=9, seed=2):
    history = [{"step": steps_to or steps_run, "test_exact_match": 0.6 if steps_to else 0.1}]
    return {"path_length": ell, "seed": seed, "steps": 200000, "steps_run": steps_run, "history": history,
            "stopping": {"rule": "held-out level reached"}, "config": {"objective": "full-path"},
            "test_exact_match": history[-1]["test_exact_match"], "train_exact_match": 1.0 if learned else 0.5,
            "edge_recovery": 1.0}


def test_the_reach_checks_catch_a_run_that_stopped_wrong_or_missed_untrained():
    good = [_stopped(24000, 24000), _stopped(32000, 32000, seed=3)]
    assert not controls.failed(checks.reach_checks([], good))
    assert "ℓ = 9 is reached on both fresh seeds" in checks.reach_checks([], good)
    assert controls.failed(checks.reach_checks([], [_stopped(24000, 28000)])) == [
        "every stopped run stopped at its first evaluation at 0.5, or ran its whole budget"]
    missed = [_stopped(None, 200000, learned=False), _stopped(24000, 24000, seed=3)]
    assert set(controls.failed(checks.reach_checks([], missed))) == {
        "every stopped run that missed 0.5 learned its training paths and edges", "ℓ = 9 is reached on both fresh seeds"}
    assert long_path.ran_to_end({"stopping": {"rule": "end of budget"}})


def test_the_peak_checks_catch_a_push_that_falls_after_its_peak():
    def peak(knob, held, diag):
        run = {"knob": knob, "config": {"objective": "full-path"}, "train_exact_match": 1.0, "edge_recovery": 1.0}
        return {"run": run, "held-out exact match": dict(zip(("end", "peak"), held)),
                "diagonal": dict(zip(("end", "peak"), diag))}
    push, control = path_length_map.PUSH_KNOB, path_length_map.COST_KNOB
    kept = [peak(push, (0.84, 0.86), (1.0, 1.0)), peak(control, (0.0, 0.08), (1.0, 1.0))]
    assert not controls.failed(checks.peak_checks(kept))
    fell = [peak(push, (0.5, 0.9), (1.0, 1.0)), peak(control, (0.0, 0.6), (0.5, 1.0))]
    assert len(controls.failed(checks.peak_checks(fell))) == 3
    fell[1]["run"]["train_exact_match"] = 0.5  # a control that never fitted its paths is no evidence
    assert "…having learned its training paths and edges" in controls.failed(checks.peak_checks(fell))
    assert len(controls.failed(checks.peak_checks([]))) == 4  # nothing to read is not a pass


def test_the_reach_order_checks_read_the_diagonal_before_the_crossing():
    def r(ell, seed, diag, held):  # one evaluation per 1,000 steps
        history = [{"step": 1000 * i, "test_exact_match": h, "leaf_first_hop_diagonal_accuracy": d}
                   for i, (d, h) in enumerate(zip(diag, held))]
        return {"path_length": ell, "seed": seed, "history": history}
    first = ([0.0, 0.95, 1.0], [0.0, 0.1, 0.6])  # the diagonal full before the crossing
    late = ([0.0, 0.3, 0.5], [0.0, 0.2, 0.6])    # the crossing with the diagonal at half
    by = {8: [r(8, s, *first) for s in (2, 3)], 9: [r(9, s, *late) for s in (2, 3)], 10: [r(10, s, *first) for s in (2, 3)]}
    assert not controls.failed(checks.reach_order_checks(by))
    by[10] = [r(10, s, *late) for s in (2, 3)]
    by[9] = [r(9, s, [0.0, 0.2, 0.3, 0.3, 0.9], [0.0, 0.1, 0.2, 0.3, 0.6]) for s in (2, 3)]  # slower, and a full diagonal
    assert len(controls.failed(checks.reach_order_checks(by))) == 3


def test_the_schedule_checks_compare_one_schedule_with_the_cost_curve():
    from geomem_nb.stats import spread
    one_key = tables.ONE_SCHEDULE

    def c(ell, steps):
        return {"l": ell, "steps to 0.5": spread(steps), "seed steps": steps}
    curves = {path_length_map.PUSH_KNOB: [c(7, [6000, 7000]), c(8, [24000, 28000])],
              one_key: [c(7, [12000, 20000]), c(8, [20000, 32000]), c(9, [24000, 36000])]}
    fits = {path_length_map.PUSH_KNOB: {"interval": (3.1, 6.3), "at": lambda ell: 26000 * 4.4 ** (ell - 8)},
            one_key: {"interval": (1.0, 1.6), "at": lambda ell: 26000 * 1.2 ** (ell - 8)}}
    assert not controls.failed(checks.schedule_checks(curves, fits))
    fits[one_key]["interval"] = (1.0, 3.5)  # overlapping intervals
    curves[one_key][0] = c(7, [4000, 5000])  # the shortest length as fast as at its own budget
    assert len(controls.failed(checks.schedule_checks(curves, fits))) == 2
    assert checks.schedule_checks(curves, {}) == {}


def test_the_clock_checks_hold_on_the_shipped_runs_and_catch_a_wrong_answer():
    from geomem_nb.studies import clock
    rows, _ = clock.load("cpu")
    if not any(r.get("knob") == "lr 1e-2, weight decay 1.0" for r in rows):
        pytest.skip("the clock test is not shipped")
    found, collapse = clock.settings(rows), clock.collapse(rows)
    answer = clock.answer(found, collapse)
    got = checks.clock_checks(found, rows, collapse, answer)
    assert len(got) >= 4 and not controls.failed(got)
    wrong = dict(answer, collapse="collapses (a pure clock)")
    assert controls.failed(checks.clock_checks(found, rows, collapse, wrong)) == [
        "the clock's answer in words is the one its fit gives"]
