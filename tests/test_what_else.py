"""The in-weights options of chapter 08 (path direction, tree-star graphs, staged schedule, Mamba); the
path-star geometry metrics of chapter 04 are tested in test_geometry.py."""
import pytest
import torch

from geomem_nb import presets
from geomem_nb.experiments import in_weights
from geomem_nb.graphs import path_star
from geomem_nb.tasks import InWeightsTask


def tiny_cfg(**kw):
    base = dict(degree=12, path_length=4, layers=1, width=32, heads=2, batch_size=64, steps=20, eval_every=10,
                warmup=5, lr=3e-3)
    return presets.config("in-weights", "ci", **{**base, **kw})


def test_reverse_paths_run_leaf_to_root():
    g = path_star(6, 5, seed=1)
    fwd, rev = InWeightsTask(g), InWeightsTask(g, path_direction="reverse")
    arms = g.test_arms
    assert torch.equal(rev.paths(arms), fwd.paths(arms).flip(1))
    ex = rev.path_examples(g.train_arms)
    assert torch.equal(ex.targets, torch.as_tensor(g.arms[g.train_arms][:, ::-1].copy()))
    assert ex.targets[0, 0] == g.arms[g.train_arms[0], -1]  # the first target is the leaf itself
    assert (ex.targets[:, -1] == g.root).all()
    assert rev.first_hop_index == 3 and fwd.first_hop_index == 1
    assert rev.paths(arms)[:, rev.first_hop_index].tolist() == g.first_hops[arms].tolist()


def test_reverse_with_hardest_token_is_rejected():
    with pytest.raises(ValueError, match="path_direction"):
        InWeightsTask(path_star(4, 4), objective="hardest-token", path_direction="reverse")
    with pytest.raises(ValueError, match="path_direction"):
        InWeightsTask(path_star(4, 4), path_direction="sideways")


def test_staged_history_has_both_phases_and_counts_steps_from_the_start():
    r = in_weights(tiny_cfg(schedule="staged", edge_steps=10, steps=20, objective="hardest-token"))
    phases = [h["phase"] for h in r.history]
    assert phases[0] == "edges" and phases[-1] == "paths"
    steps = [h["step"] for h in r.history]
    assert steps == sorted(set(steps)) and steps[-1] == 30 == r.metrics["steps"]
    assert len(r.losses) == 30
    # no path prompt was ever trained in the edge phase: the first hop is never right by then
    assert all(h["test_hardest_token"] == 0 for h in r.history if h["phase"] == "edges" and h["step"] == 0)


def test_tree_star_run_uses_one_over_leaves_as_chance():
    r = in_weights(tiny_cfg(graph="tree-star", degree=3, path_length=4, split="first-token"))
    g = r.graph
    assert g.num_leaves == 12 and r.metrics["chance"] == pytest.approx(1 / 12)
    assert 0 <= r.metrics["leaf_first_hop_diagonal_accuracy"] <= 1


def test_mamba_trains_in_weights_unpacked():
    r = in_weights(tiny_cfg(model="mamba", steps=10))
    assert r.metrics["config"]["model"] == "mamba" and len(r.losses) == 10




def test_curves_marks_where_a_staged_run_switches_phase_and_accepts_adapters():
    import matplotlib
    matplotlib.use("Agg")
    from geomem_nb import viz
    from geomem_nb.experiments import RunResult

    hist = [{"step": 0, "phase": "edges", "x": 0.0}, {"step": 10, "phase": "edges", "x": 0.1},
            {"step": 20, "phase": "paths", "x": 0.5}]
    run = RunResult({"schedule": "staged", "edge_steps": 20}, {}, hist, [])  # its settings say where paths begin
    ax = viz.curves({"staged": run}, "x")
    assert any(list(line.get_xdata()) == [20, 20] for line in ax.lines)  # the phase marker
    assert not any(list(line.get_xdata()) == [20, 20] for line in viz.curves({"mixed": RunResult({}, {}, hist, [])}, "x").lines)
    ax = viz.run_metrics(run, {"x": "x"})  # an adapter without a history draws too
    assert len(ax.lines) >= 1


def test_variants_sweep_measures_every_variant_and_writes_spreads(tmp_path):
    """Chapter 08's grid on a toy graph: every measurement is a number per seed, stored as a spread."""
    from geomem_nb import stats
    from geomem_nb.studies import what_else_matters, what_else_readings

    tiny = dict(degree=16, path_length=4, layers=1, width=32, heads=2, batch_size=64, steps=10, eval_every=10,
                warmup=2)
    spreads, per_seed = what_else_matters.sweep("ci", [0, 1], **tiny)
    assert len(per_seed) == 2 and spreads["chance"].mean == pytest.approx(1 / 16)
    assert {"directions/forward/forward/edge_recovery", "staged/fast/edge_phase_edge_recovery",
            "tree/first-token/train_exact_match", "mamba/edges only/mamba", "pauses/4/test_exact_match"} <= set(spreads)
    assert all(s.n == 2 for s in spreads.values())
    assert all(0 <= x <= 1 for k in what_else_matters.PAUSES for x in spreads[f"pauses/{k}/held_out_auc"].values)  # C18's speed
    assert spreads["staged/slow/path_lr"].mean == pytest.approx(spreads["staged/fast/path_lr"].mean / 10)  # C19's regime
    what_else_matters.write(tmp_path / "ci" / what_else_matters.SEEDS_RECORD, "ci", [0, 1], spreads, 1.0, "test")
    loaded = what_else_matters.load("ci", root=tmp_path)
    assert loaded["seeds"] == [0, 1] and loaded["spreads"]["chance"].values == spreads["chance"].values
    assert isinstance(loaded["spreads"]["staged/slow/peak"], stats.Spread)
    checks = what_else_readings.beyond_spread(spreads)
    assert checks and not any(checks.values())  # two seeds never count as a spread
    worst = what_else_readings.control(spreads, "directions/forward/forward/", {"edge_recovery": 0.9})
    assert worst["edge_recovery"] == min(p["directions/forward/forward/edge_recovery"] for p in per_seed)
    with pytest.raises(ValueError, match="seeds"):
        what_else_matters.sweep("ci", [0, 0], **tiny)


def _spreads(**kw):
    from geomem_nb import stats
    return {k.replace("__", "/"): stats.spread(list(v)) for k, v in kw.items()}


def test_split_order_needs_both_splits_above_chance():
    from geomem_nb.studies import what_else_readings

    chance = (0.01, 0.01, 0.01)
    # the first-token split at zero: "leaf above first-token" would hold vacuously, so it is unreadable
    zero = _spreads(tree__chance=chance, tree__leaf__test_exact_match=(0.1, 0.12, 0.14),
                    **{"tree__first-token__test_exact_match": (0.0, 0.0, 0.0)})
    readable, order, text = what_else_readings.split_order(zero)
    assert not readable and order is None and "cannot be read" in text and "first-token" in text
    both = _spreads(tree__chance=chance, tree__leaf__test_exact_match=(0.5, 0.55, 0.6),
                    **{"tree__first-token__test_exact_match": (0.1, 0.12, 0.14)})
    assert what_else_readings.split_order(both)[:2] == (True, "leaf")
    close = _spreads(tree__chance=chance, tree__leaf__test_exact_match=(0.1, 0.2, 0.3),
                     **{"tree__first-token__test_exact_match": (0.15, 0.2, 0.25)})
    assert what_else_readings.split_order(close)[:2] == (True, None)


def test_staged_reading_says_whether_a_peak_falls():
    from geomem_nb.studies import what_else_readings

    sp = _spreads(staged__fast__peak=(0.0, 0.02, 0.1), staged__fast__final=(0.0, 0.0, 0.0),
                  staged__slow__peak=(0.8, 0.85, 0.9), staged__slow__final=(0.1, 0.15, 0.2))
    r = what_else_readings.staged_reading(sp)
    assert r["fast"].endswith("no fall from its peak beyond the spread")
    assert r["slow"].endswith("peaks, then falls beyond the spread")


def test_held_out_auc_is_the_mean_of_the_held_out_curve():
    from types import SimpleNamespace

    from geomem_nb.studies import what_else_matters
    run = SimpleNamespace(history=[{"step": 10, "test_exact_match": 0.0}, {"step": 20, "test_exact_match": 0.5},
                                   {"step": 30, "test_exact_match": 1.0}, {"step": 30, "edge_recovery": 1.0}])
    assert what_else_matters.held_out_auc(run) == pytest.approx(0.5)
    staged = what_else_matters.staged_lrs(what_else_matters.base_config("ci"))
    assert staged["slow"][1] == pytest.approx(staged["fast"][1] / 10) and staged["fast"][0] == what_else_matters.base_config("ci").edge_lr
