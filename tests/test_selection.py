"""Issue 12, item 7: with a target, the stop is decided on validation arms and every reported held-out
number comes from the other held-out arms; ``selection``/``rederive`` say how a saved run's number was
chosen."""
import importlib

import numpy as np
import pytest

from geomem_nb import experiments, presets
from geomem_nb.experiments import in_weights_eval
from geomem_nb.graphs import path_star, tree_star
from geomem_nb.selection import END_OF_BUDGET, ON_VALIDATION, rederive, selection
from geomem_nb.tasks.in_weights import InWeightsTask


def _tiny(**kw):
    """A G(20,5) run small enough for seconds on one core: 5 held-out arms (1 validation, 4 reported)."""
    base = dict(degree=20, layers=1, width=16, heads=2, batch_size=32, steps=20, eval_every=5, warmup=2)
    return presets.config("in-weights", "ci", **{**base, **kw}).validate()


@pytest.mark.parametrize("graph", [path_star(200, 5, seed=3), tree_star(16, 4, seed=1, split="first-token"),
                                   tree_star(16, 4, seed=1, split="leaf")])
def test_validation_split_is_disjoint_covers_the_held_out_arms_and_is_seeded(graph):
    val, rep = in_weights_eval.validation_split(graph, seed=3)
    assert len(val) >= 1 and len(rep) >= 1
    assert not set(val) & set(rep)
    assert sorted(np.concatenate([val, rep]).tolist()) == sorted(graph.test_arms.tolist())
    # whole first hops on each side (a tree-star subtree is never split between them)
    assert not set(graph.first_hops[val]) & set(graph.first_hops[rep])
    hops = len(np.unique(graph.first_hops[graph.test_arms]))
    assert len(np.unique(graph.first_hops[val])) == max(1, int(in_weights_eval.VALIDATION_FRACTION * hops))
    again, _ = in_weights_eval.validation_split(graph, seed=3)
    assert np.array_equal(val, again)


def test_validation_split_needs_two_held_out_first_hops():
    g = path_star(2, 3, seed=0)  # 1 train arm, 1 held-out arm
    with pytest.raises(ValueError, match="target"):
        in_weights_eval.validation_split(g, seed=0)
    with pytest.raises(ValueError, match="target"):
        presets.config("in-weights", "ci", degree=2, path_length=3, target=0.5).validate()


def _scripted(monkeypatch, scored, val_from: int, test_from: int):
    """Run the real evaluator (recording which arms it scores), then script the exact matches: the
    validation arms read 1.0 from step ``val_from``, the reported arms from ``test_from``."""
    real_prompts, real_eval = InWeightsTask.prompts, in_weights_eval.in_weights_evaluator

    def prompts(self, arms):
        scored.append(np.asarray(arms).copy())
        return real_prompts(self, arms)

    def evaluator(model, task, device, seed, validation=None, **options):
        evaluate = real_eval(model, task, device, seed, validation, **options)

        def scripted(step):
            rec = evaluate(step)
            rec["test_exact_match"] = float(step >= test_from)
            if validation is not None:
                rec["val_exact_match"] = float(step >= val_from)
            return rec
        return scripted

    monkeypatch.setattr(InWeightsTask, "prompts", prompts)
    monkeypatch.setattr(importlib.import_module("geomem_nb.experiments.in_weights"), "in_weights_evaluator", evaluator)


def test_the_stop_reads_the_validation_arms_and_reports_the_others(monkeypatch):
    cfg = _tiny(target=0.5)
    g = cfg.make_graph()
    val, rep = in_weights_eval.validation_split(g, cfg.seed)
    scored = []
    _scripted(monkeypatch, scored, val_from=10, test_from=0)  # reported arms "reach" it at once: no stop
    r = experiments.in_weights(cfg, save_embeddings=False, save_graph=False)
    assert r.metrics["steps"] == 10 and r.history[-1]["step"] == 10  # stopped when validation reached it
    s = r.metrics["stopping"]
    assert s == {"rule": "validation arms", "target": 0.5, "validation_arms": len(val), "reported_arms": len(rep),
                 "stopped_on_target": True, "step_at_target": 10, "time_to_target": r.history[-1]["train_seconds"],
                 "validation_exact_match": 1.0}
    assert s["validation_arms"] + s["reported_arms"] == len(g.test_arms)
    # the held-out arms scored: the validation arms and the reported arms, never one set for both
    held = [a for a in scored if set(a.tolist()) <= set(g.test_arms.tolist())]
    assert sorted(map(tuple, held)) == sorted([tuple(val), tuple(rep)])
    assert selection({**r.metrics, "history": r.history}) == ON_VALIDATION


def test_reported_arms_reaching_the_target_do_not_stop_the_run(monkeypatch):
    cfg = _tiny(target=0.5)
    _scripted(monkeypatch, [], val_from=10**9, test_from=0)
    r = experiments.in_weights(cfg, save_embeddings=False, save_graph=False)
    assert r.metrics["steps"] == cfg.steps
    assert r.metrics["stopping"]["stopped_on_target"] is False and r.metrics["time_to_target"] is None
    assert selection({**r.metrics, "history": r.history}) == END_OF_BUDGET


def test_the_reported_numbers_are_scored_on_the_reported_arms(monkeypatch):
    """Real scores, no script: the reported exact match is a multiple of 1/len(reported)."""
    cfg = _tiny(target=0.99, steps=10)
    _, rep = in_weights_eval.validation_split(cfg.make_graph(), cfg.seed)
    r = experiments.in_weights(cfg, save_embeddings=False, save_graph=False)
    for h in r.history:
        assert "val_exact_match" in h and len(h["test_per_position"]) == cfg.path_length
        assert abs(h["test_exact_match"] * len(rep) - round(h["test_exact_match"] * len(rep))) < 1e-4


def test_without_a_target_nothing_is_held_back(monkeypatch):
    cfg = _tiny(steps=5)
    scored = []
    _scripted(monkeypatch, scored, val_from=0, test_from=10**9)
    r = experiments.in_weights(cfg, save_embeddings=False, save_graph=False)
    g = cfg.make_graph()
    assert all("val_exact_match" not in h for h in r.history)
    assert any(np.array_equal(a, g.test_arms) for a in scored)
    assert r.metrics["stopping"]["rule"] == "end of budget"
    assert r.metrics["stopping"]["reported_arms"] == len(g.test_arms)


# selection / rederive on hand-built saved runs ---------------------------------------------------------

def _history(values, every=100):
    return [{"step": i * every, "test_exact_match": v, "train_seconds": float(i)} for i, v in enumerate(values)]


def test_selection_says_how_each_kind_of_run_was_chosen():
    budget = {"config": {"target": 0.0}, "history": _history([0.1, 0.5])}
    assert selection(budget) == "end of budget (not selected)"
    new = {"config": {"target": 0.9}, "stopping": {"rule": "validation arms", "stopped_on_target": True},
           "history": _history([0.1, 0.8])}
    assert selection(new) == "stopped on validation arms (not selected)"
    new_unreached = {**new, "stopping": {"rule": "validation arms", "stopped_on_target": False}}
    assert selection(new_unreached) == "end of budget (not selected)"
    old = {"config": {"target": 0.99}, "history": _history([0.5, 0.97, 0.991])}
    assert selection(old) == ("selected: stopped at the first evaluation whose held-out exact match reached 0.99; "
                              "the reported number is that evaluation's")
    old_unreached = {"config": {"target": 0.99}, "history": _history([0.5, 0.7])}  # ran out of budget
    assert selection(old_unreached) == "end of budget (not selected)"
    in_context = {"config": {"eval_examples": 100}, "history": _history([0.0, 0.5])}  # no target at all
    assert selection(in_context) == "end of budget (not selected)"
    with pytest.raises(ValueError, match="config"):
        selection({"history": []})


def test_rederive_reads_the_history_around_the_stop():
    old = {"config": {"target": 0.99, "eval_examples": 1000}, "history": _history([0.0, 0.6, 0.95, 0.93, 0.976, 0.992])}
    r = rederive(old)
    assert r["selection"].startswith("selected")
    assert (r["reported"], r["reported_step"], r["previous"], r["previous_step"]) == (0.992, 500, 0.976, 400)
    assert (r["best"], r["best_step"], r["evaluations"]) == (0.992, 500, 6)
    assert r["rising"] and r["last_gain"] == pytest.approx(0.016)
    assert r["target_reached"] and r["first_step_at_target"] == 500 and r["stop_decided_on"] == "reported held-out arms"
    assert r["held_out"] == 1000 and r["standard_error"] == pytest.approx((0.992 * 0.008 / 1000) ** 0.5)

    plateau = {"config": {"eval_examples": 10}, "history": _history([0.0, 0.5, 0.6, 0.5, 0.55])}
    r = rederive(plateau)
    assert (r["best"], r["best_step"], r["reported"]) == (0.6, 200, 0.55)
    assert not r["rising"] and r["target"] == 0 and r["stop_decided_on"] is None and not r["target_reached"]

    hist = _history([0.1, 0.4, 0.7])
    for h, v in zip(hist, (0.0, 0.95, 0.95)):
        h["val_exact_match"] = v
    new = {"config": {"target": 0.9}, "history": hist,
           "stopping": {"rule": "validation arms", "target": 0.9, "stopped_on_target": True, "reported_arms": 40}}
    r = rederive(new)
    assert r["first_step_at_target"] == 100 and r["stop_decided_on"] == "validation arms" and r["held_out"] == 40

    hardest = {"config": {"eval_examples": 10}, "history": [{"step": 0, "test_exact_match": None,
                                                            "test_hardest_token": 0.3}]}
    r = rederive(hardest)
    assert r["metric"] == "test_hardest_token" and r["previous"] is None and not r["rising"]
    with pytest.raises(ValueError, match="history"):
        rederive({"config": {}, "history": []})
