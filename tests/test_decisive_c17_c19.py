"""Chapter 08's decisive runs (C17-C19): the reverse target without the leaf's copy (``leaf_echo``),
the speed reading of C18, edge recovery through a staged run's phase 2, and the record the CLI writes."""
import json

import pytest
import torch

from geomem_nb import experiments
from geomem_nb.studies import edges_pauses_phases as dc
from geomem_nb.graphs import path_star
from geomem_nb.tasks import InWeightsTask
from test_what_else import tiny_cfg


def test_reverse_target_without_the_leafs_copy_starts_at_its_parent():
    g = path_star(6, 5, seed=1)
    echo, no_echo = InWeightsTask(g, path_direction="reverse"), InWeightsTask(g, path_direction="reverse", leaf_echo=False)
    arms = g.test_arms
    assert torch.equal(no_echo.paths(arms), echo.paths(arms)[:, 1:])
    assert no_echo.target_length == 4 and echo.target_length == 5
    assert no_echo.block_size == echo.block_size - 1
    ex = no_echo.path_examples(g.train_arms)
    assert ex.targets[0, 0] == g.arms[g.train_arms[0], -2]  # the leaf's parent
    assert ex.inputs.shape[1] == no_echo.block_size and ex.inputs[0, no_echo.prompt_length] == ex.targets[0, 0]
    assert no_echo.paths(arms)[:, no_echo.first_hop_index].tolist() == g.first_hops[arms].tolist()


def test_leaf_echo_is_validated():
    with pytest.raises(ValueError, match="leaf_echo=False needs path_direction reverse"):
        InWeightsTask(path_star(4, 4), leaf_echo=False)
    with pytest.raises(ValueError, match="leaf_echo must be True or False"):
        InWeightsTask(path_star(4, 4), path_direction="reverse", leaf_echo="no")
    with pytest.raises(ValueError, match="path_length >= 3"):
        tiny_cfg(path_length=2, path_direction="reverse", leaf_echo=False).validate()


def test_a_run_without_the_leafs_copy_scores_its_shorter_targets():
    r = experiments.in_weights(tiny_cfg(path_direction="reverse", leaf_echo=False, edges="backward"))
    assert len(r.metrics["test_per_position"]) == 3 and len(r.metrics["test_teacher_forced"]) == 3


def test_staged_runs_measure_edge_recovery_at_every_path_phase_evaluation():
    r = experiments.in_weights(tiny_cfg(schedule="staged", edge_steps=10, steps=20))
    paths = [h for h in r.history if h["phase"] == "paths"]
    assert paths and all(0 <= h["edge_recovery"] <= 1 for h in paths)
    assert r.metrics["edge_phase_edge_recovery"] == [h for h in r.history if h["phase"] == "edges"][-1]["edge_recovery"]


def test_steps_to_level_counts_a_run_that_never_gets_there_past_its_budget():
    h = [{"step": s, "test_exact_match": x} for s, x in ((0, 0.0), (50, 0.05), (100, 0.2), (150, 0.3))]
    assert dc.steps_to(h, 0.1) == (100.0, True)
    assert dc.steps_to(h, 0.5) == (200.0, False)


def test_the_paper_lrs_are_the_decisive_staged_runs():
    base = dc.base_config("cpu")
    o = dc.c19_overrides(base)
    assert (o["edge_lr"], o["lr"]) == dc.paper_lrs() and o["edge_lr"] / o["lr"] == pytest.approx(200)
    assert dc.frontier(base)["path_length"] == base.path_length + 1


def test_the_ci_record_has_every_claims_numbers(tmp_path):
    assert dc.main(["--preset", "ci", "--seeds", "0", "--out", str(tmp_path)]) == 0
    rec = json.loads((tmp_path / "metrics.json").read_text())
    m = rec["measurements"]
    for v in dc.C17_VARIANTS:
        assert f"c17/{v}/forced/0" in m and f"c17/{v}/test_exact_match" in m
    assert "c17/no leaf echo/greedy/3" in m and "c17/no leaf echo/greedy/4" not in m  # l - 1 targets
    assert all(f"c18/{k}/steps_to_level" in m for k in dc.PAUSES)
    assert m["c19/path_lr"]["mean"] == dc.paper_lrs()[1] and len(rec["curves"]["c19"]) == 1
    assert rec["graph"]["c18_graph"] == "G(20,6)" and rec["provenance"]["command"].startswith("python -m geomem_nb.studies.edges_pauses_phases")
    import matplotlib
    matplotlib.use("Agg")
    from geomem_nb import viz

    assert len(viz.seed_curves(dc.pause_curves(rec)).lines) == len(dc.PAUSES)
    series = dc.phase2_curves(rec)
    assert set(series) == {"held-out exact match", "train exact match", "edge recovery"}
    assert all(len(steps) == len(per_seed[0]) for steps, per_seed in series.values())
    lines = dc.regime_lines(rec)
    assert len(lines) == 3 and "5e-05" in lines[2] and "G(20,6)" in lines[1]
    sp = dc.spreads(rec)
    assert len(dc.positions(sp, "no leaf echo")) == 4 and len(dc.positions(sp, "as in the sweep", "greedy")) == 5
    gain = dc.paired(sp, "steps_to_level", 4, lower_better=True)
    assert gain.values[0] == m["c18/0/steps_to_level"]["values"][0] - m["c18/4/steps_to_level"]["values"][0]
