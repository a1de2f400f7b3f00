"""path_star_tables: the path-star chapters' tables, on hand-built records."""
import pytest

from geomem_nb import path_star_tables as tables


def _ic(em_given, chance=0.1, steps=100):
    return {"test_exact_match": chance, "chance": chance, "test_exact_match_given_first_hop": em_given,
            "steps": steps, "train_seconds": 20.0, "provenance": {"device": "gpu"},
            "history": [{"step": 0, "test_exact_match": 0.0}, {"step": steps, "test_exact_match": chance}]}


def test_paper_in_context_keeps_what_is_saved_and_marks_the_under_trained():
    saved = {"in-context-g10-5-forward": _ic(0.95), "in-context-g10-5-reverse": _ic(0.2)}
    found = tables.paper_in_context(saved.get)
    assert list(found) == ["G(10,5)"]
    chance, runs = found["G(10,5)"]
    assert chance == 0.1 and set(runs) == {"forward", "reverse"}
    assert list(tables.labelled({obj: {**m, "objective": obj} for obj, m in runs.items()})) == ["forward", "reverse (under-trained)"]
    rows = tables.paper_in_context_rows(found)
    assert [r["status"] for r in rows] == [
        "positive control learned", "under-trained: held-out exact match given the true first hop 0.200 below 0.9"]


def test_first_hop_control_reads_its_warm_start_and_format():
    h = {"test_hardest_token": 0.5, "chance": 0.5, "test_first_hop_is_child": 0.99, "steps": 3000,
         "warm_start": {"steps": 1500}}
    row, = tables.first_hop_control(h)
    assert row["warm-start steps"] == 1500 and row["status"] == "learned its format"
    row, = tables.first_hop_control({**h, "test_first_hop_is_child": 0.3, "warm_start": None})
    assert row["warm-start steps"] == 0 and row["status"].startswith("under-trained")


def test_two_phase_reads_the_edge_phase_end_and_the_path_phase_peak():
    history = [{"phase": "edges", "step": 0, "test_hardest_token": 0.0}, {"phase": "edges", "step": 300, "test_hardest_token": 0.0},
               {"phase": "paths", "step": 400, "test_hardest_token": 0.6}, {"phase": "paths", "step": 500, "test_hardest_token": 0.3}]
    two = tables.two_phase(history)
    assert two["edge_phase_end"]["step"] == 300 and two["peak"] == 0.6 and two["final"] == 0.3
    with pytest.raises(ValueError, match="staged"):
        tables.two_phase(history[:2])


def test_order_evidence_gathers_study_seeds_and_paper_runs():
    study = {"graph": "G(100,5)", "runs": {"lr 1e-3": {
        "steps": 600, "eval_every": 10, "seeds": 2, "leaf_side_first": 2, "cascades": 1,
        "first_hop_lag": {"mean": 50.0, "sd": 10.0, "values": [40.0, 60.0]},
        "crossings": [{"2": 100, "3": 50, "4": 40}, {"2": 120, "3": None, "4": 60}]}}}
    paper = {"config": {"degree": 5000, "path_length": 5},
             "history": [{"step": 0, "test_per_position": [1, 0, 0, 0, 1]}, {"step": 500, "test_per_position": [1, 0.6, 0.6, 0.7, 1]}]}
    summaries, rows = tables.order_evidence(study, {"in-weights-g5000-5": paper}.get)
    assert len(summaries) == 2 and summaries[0] is study["runs"]["lr 1e-3"]
    assert summaries[1]["crossings"] == [{"2": 500, "3": 500, "4": 500}]
    assert [r["runs"] for r in rows] == ["G(100,5), lr 1e-3, seed 0", "G(100,5), lr 1e-3, seed 1", "G(5000,5), paper scale"]
    assert rows[1]["first step at 50%, by position"] == "2: 120, 3: never, 4: 60"
    assert tables.order_rows(study)[0]["first hop behind the leaf side (steps)"] == "50 ± 10"
