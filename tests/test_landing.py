"""The landing figure marks a run its time limit stopped before it showed anything, from the run's own
record: an in-weights failure says how much of the paper's training it had; an in-context run that did
not learn the path given its first hop is left out of the figure, and the caption says why."""
import copy

import matplotlib

from geomem_nb import landing

matplotlib.use("Agg")


def in_weights(held_out, steps, budget=150.0, target=0.95, planned=8000):
    return {"test_exact_match": held_out, "train_exact_match": 1.0, "chance": 1e-4, "steps": steps,
            "config": {"degree": 10000, "path_length": 10, "pause_tokens": 10, "objective": "full-path",
                       "edges": "both", "steps": planned, "batch_size": 2048, "time_budget": budget,
                       "target": target, "seed": 0}}


def in_context(d, given_first_hop, steps, budget=20.0, warmup=500):
    return {"objective": "forward", "test_exact_match": 0.0, "test_exact_match_given_first_hop": given_first_hop,
            "chance": 1 / d, "steps": steps, "config": {"degree": d, "path_length": 5, "num_labels": 100,
                                                        "steps": 20000, "warmup": warmup, "time_budget": budget}}


def rows(records):
    return landing.headline(get=lambda name: copy.deepcopy(records.get(name)))


def test_a_failing_run_stopped_by_its_time_limit_says_how_much_training_it_had():
    (r,) = rows({"in-weights-g10000-10": in_weights(0.0, 4500)})
    assert r["shown"] and r["note"].startswith("stopped at 150 s:") and "of the paper's\n50,000 epochs" in r["note"]
    assert "cannot tell" in landing.caption([r])


def test_a_run_that_went_its_full_length_or_succeeded_has_no_note():
    full, reached = in_weights(0.0, 8000), in_weights(0.97, 3000)
    assert [r["note"] for r in rows({"in-weights-g10000-10": full, "in-weights-g10000-6": reached})] == ["", ""]
    assert "a run that went its full length" in landing.caption(rows({"in-weights-g10000-10": full}))


def test_an_in_context_run_that_did_not_learn_its_control_is_left_out_of_the_figure():
    found = rows({"in-context-g2-5-forward": in_context(2, 0.99, 3000),
                  "in-context-g20-5-forward": in_context(20, 0.0, 250),
                  "in-context-g10-5-forward": in_context(10, 0.0, 1000)})
    assert [(r["graph"], r["shown"], r["note"]) for r in found] == [
        ("G(2,5)", True, ""), ("G(10,5)", False, "stopped at 20 s"),
        ("G(20,5)", False, "stopped at 20 s (still in its warm-up)")]
    text = landing.caption(found)
    assert "G(10,5), G(20,5) in context are left out" in text and "G(2,5)" in text
    fig = landing.figure(found)
    assert [t.get_text() for t in fig.axes[0].get_xticklabels()] == ["G(2,5)"]


def test_the_shipped_runs_give_a_caption_and_a_figure():
    found = landing.headline()
    assert landing.caption(found).startswith("**What to see:**")
    assert len(landing.figure(found).axes[0].get_xticklabels()) == sum(r["shown"] for r in found)
