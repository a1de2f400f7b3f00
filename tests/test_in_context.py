"""The in-context path-star task: generator invariants, token layouts of every objective, the CLI."""
import json
import math
import subprocess
import sys
from pathlib import Path

import pytest
import torch

from geomem_nb import presets
from geomem_nb.experiments.in_context import InContextConfig, held_out, in_context
from geomem_nb.tasks.in_context import OBJECTIVES, FreshBatches, InContextTask


def gen(seed=0):
    return torch.Generator().manual_seed(seed)


@pytest.fixture(params=[(2, 3, 5), (2, 5, 50), (5, 4, 16), (3, 6, 100)])
def task(request):
    return InContextTask(*request.param)


def test_labels_distinct_within_each_example(task):
    b = task.draw(300, gen())
    labels = torch.cat([b.arms[:, 0, :1], b.arms[:, :, 1:].reshape(len(b.arms), -1)], dim=1)
    assert labels.shape[1] == task.num_nodes
    assert (labels.sort(1).values.diff(1) > 0).all()           # no label twice in one graph
    assert labels.min() >= 0 and labels.max() < task.num_labels
    assert (b.arms[:, :, 0] == b.arms[:, :1, 0]).all()          # one source shared by every arm


def test_labels_are_fresh_per_example():
    t = InContextTask(2, 4, 20)
    b = t.draw(500, gen())
    distinct_sources = b.arms[:, 0, 0].unique().numel()
    assert distinct_sources == t.num_labels                     # every label serves as a source somewhere
    assert not (b.arms[0] == b.arms[1]).all()


def test_edge_list_is_a_shuffle_of_the_true_edges(task):
    b = task.draw(200, gen(1))
    true = torch.stack([b.arms[:, :, :-1], b.arms[:, :, 1:]], dim=3).reshape(len(b.arms), -1, 2)
    key = lambda e: (e[..., 0] * task.num_labels + e[..., 1]).sort(1).values  # noqa: E731
    assert torch.equal(key(b.edges), key(true))
    assert not torch.equal(b.edges, true)                      # and the order really is shuffled


def test_target_is_the_true_path(task):
    b = task.draw(200, gen(2))
    p = b.paths
    assert p.shape == (200, task.path_length)
    assert torch.equal(p, b.arms[torch.arange(200), b.goal_arm])
    edges = {tuple(e) for e in b.edges[0].tolist()}
    assert all((u, v) in edges for u, v in zip(p[0, :-1].tolist(), p[0, 1:].tolist()))
    assert b.goal_arm.unique().numel() == task.degree           # every arm serves as the goal arm


def test_same_seed_same_examples_other_seed_other_examples():
    t = InContextTask(2, 5, 50)
    assert torch.equal(t.draw(64, gen(3)).edges, t.draw(64, gen(3)).edges)
    assert not torch.equal(t.draw(64, gen(3)).edges, t.draw(64, gen(4)).edges)


def layout_of(objective, d=2, ell=4, n=20):
    t = InContextTask(d, ell, n, objective)
    b = t.draw(8, gen(5))
    return t, b, *t.layout(b)


def test_prompt_layout():
    t, b, inputs, _, _ = layout_of("forward")
    E = t.num_edges
    prompts = t.prompts(b)
    assert prompts.shape[1] == t.prompt_length == 2 * E + 4
    assert torch.equal(prompts[:, :2 * E], b.edges.reshape(8, -1))
    assert (prompts[:, 2 * E] == t.token("[QUERY]")).all()
    assert torch.equal(prompts[:, 2 * E + 1], b.paths[:, 0])   # source
    assert torch.equal(prompts[:, 2 * E + 2], b.paths[:, -1])  # goal
    assert (prompts[:, 2 * E + 3] == t.token("[ANSWER]")).all()
    assert t.token_names(prompts[0])[-4:] == ["[QUERY]", str(b.paths[0, 0].item()), str(b.paths[0, -1].item()),
                                              "[ANSWER]"]


def test_forward_layout_is_teacher_forcing():
    t, b, inputs, targets, pos = layout_of("forward")
    k, ell = t.prompt_length, t.path_length
    assert inputs.shape[1] == k + ell - 1 == t.block_size
    assert torch.equal(inputs[:, k:], b.paths[:, :-1])
    assert torch.equal(targets, b.paths)
    assert pos.tolist() == list(range(k - 1, k - 1 + ell))
    # each target is the token that follows its position in the full sequence
    full = torch.cat([inputs, b.paths[:, -1:]], dim=1)
    assert torch.equal(full[:, pos + 1], targets)


def test_reverse_layout_runs_goal_to_source():
    t, b, inputs, targets, pos = layout_of("reverse")
    k = t.prompt_length
    assert torch.equal(targets, b.paths.flip(1))
    assert torch.equal(targets[:, 0], b.paths[:, -1]) and torch.equal(targets[:, -1], b.paths[:, 0])
    assert torch.equal(inputs[:, k:], targets[:, :-1])
    assert torch.equal(inputs[:, :k], t.prompts(b))            # the prompt is unchanged
    assert t.first_hop_index == t.path_length - 2
    assert torch.equal(targets[:, t.first_hop_index], b.paths[:, 1])


def test_teacherless_layout_hides_the_targets():
    t, b, inputs, targets, pos = layout_of("teacherless")
    k = t.prompt_length
    assert (inputs[:, k:] == t.token("[DUMMY]")).all()
    assert inputs.shape[1] == t.block_size
    assert torch.equal(targets, b.paths)
    assert pos.tolist() == list(range(k - 1, k - 1 + t.path_length))


def test_hardest_token_layout_scores_only_the_first_hop():
    t, b, inputs, targets, pos = layout_of("hardest-token", d=3, ell=5, n=30)
    k = t.prompt_length
    assert inputs.shape[1] == k + 1
    assert torch.equal(inputs[:, k], b.paths[:, 0])             # the source is given
    assert targets.shape == (8, 1) and torch.equal(targets[:, 0], b.paths[:, 1])
    assert pos.tolist() == [k]


@pytest.mark.parametrize("objective", OBJECTIVES)
def test_batch_source_matches_the_trainer_interface(objective):
    t = InContextTask(2, 4, 10, objective)
    src = FreshBatches(t, 16, torch.device("cpu"))
    tokens, targets = src.sample(gen(6))
    assert src.pos is None and src.mask is None
    assert tokens.dtype == torch.long and targets.dtype == torch.long
    assert src.flat_targets.numel() == targets.numel()
    inputs, tgt, pos = t.layout(t.draw(16, gen(6)))
    assert torch.equal(tokens, inputs) and torch.equal(targets, tgt.reshape(-1))
    # the flat target indices point at the rows and positions the layout scores
    rows, cols = src.flat_targets.view(16, -1).div(tokens.shape[1], rounding_mode="floor"), \
        src.flat_targets.view(16, -1) % tokens.shape[1]
    assert torch.equal(rows, torch.arange(16)[:, None].expand_as(rows))
    assert torch.equal(cols, pos[None, :].expand_as(cols))
    assert tokens.max() < t.vocab_size


@pytest.mark.parametrize("kwargs, name", [
    (dict(degree=1), "degree"), (dict(path_length=2), "path_length"), (dict(num_labels=6), "num_labels"),
    (dict(objective="sideways"), "objective"), (dict(degree=2.5), "degree"),
])
def test_task_rejects_bad_sizes(kwargs, name):
    args = dict(dict(degree=2, path_length=4, num_labels=50, objective="forward"), **kwargs)
    with pytest.raises(ValueError, match=name):
        InContextTask(**args)


def test_held_out_graphs_are_seeded_and_apart_from_training():
    t = InContextTask(2, 4, 20)
    a, b = held_out(t, 32, 0, "cpu"), held_out(t, 32, 0, "cpu")
    assert torch.equal(a.edges, b.edges)
    train_first = t.draw(32, torch.Generator().manual_seed(0))
    assert not torch.equal(a.edges, train_first.edges)


def test_tiny_run_learns_and_is_deterministic(tmp_path):
    cfg = presets.config("in-context", "ci", steps=30, eval_every=15, eval_examples=64, lr=3e-3, warmup=10)
    r1 = in_context(cfg, out=tmp_path / "a")
    r2 = in_context(cfg)
    m = json.loads((tmp_path / "a" / "metrics.json").read_text())
    for key in ("test_exact_match", "test_exact_match_given_first_hop", "test_hardest_token",
                "teacher_forced_token_accuracy", "chance", "steps", "train_seconds", "device", "config",
                "provenance"):
        assert key in m, key
    assert m["chance"] == 1 / cfg.degree and m["steps"] == 30
    assert len(m["teacher_forced_token_accuracy"]) == cfg.path_length
    assert r1.metrics["teacher_forced_token_accuracy"] == r2.metrics["teacher_forced_token_accuracy"]
    assert r1.losses == r2.losses
    assert r1.losses[-1] < math.log(cfg.num_labels)             # it learned something (the source copy)


def cli(*args, tmp_path):
    return subprocess.run([sys.executable, "-m", "geomem_nb", "in-context", *args], capture_output=True,
                          text=True, cwd=tmp_path, timeout=120)


def test_cli_writes_metrics(tmp_path):
    out = tmp_path / "run"
    p = cli("--degree", "2", "--path-length", "3", "--num-labels", "8", "--objective", "reverse",
            "--preset", "ci", "--steps", "4", "--warmup", "2", "--eval-every", "2", "--out", str(out), tmp_path=tmp_path)
    assert p.returncode == 0, p.stderr
    m = json.loads((out / "metrics.json").read_text())
    assert m["config"]["objective"] == "reverse" and m["config"]["num_labels"] == 8
    assert m["provenance"]["command"].startswith("python -m geomem_nb in-context")
    assert m["steps"] == 4 and m["chance"] == 0.5


def test_config_defaults_validate():
    for preset in ("ci", "cpu", "gpu", "paper"):
        presets.config("in-context", preset).validate()
    assert InContextConfig().validate()


def test_warm_start_is_the_forward_run_then_the_objective():
    small = dict(steps=12, eval_every=6, eval_examples=64, warmup=4)
    forward = in_context(presets.config("in-context", "ci", **small))
    control_cfg = presets.config("in-context", "ci", objective="hardest-token", warm_start_steps=12,
                                 **{**small, "steps": 8})
    control = in_context(control_cfg)
    # the forward run handed over is the warm start it replaces: the same control, number for number
    taken = in_context(control_cfg, warm_from=forward)
    timeless = lambda m: {k: v for k, v in m.items() if "seconds" not in k and k != "warm_start"}  # noqa: E731
    assert timeless(taken.metrics) == timeless(control.metrics)
    assert timeless(taken.metrics["warm_start"]) == timeless(control.metrics["warm_start"])
    assert [timeless(h) for h in taken.history] == [timeless(h) for h in control.history]
    with pytest.raises(ValueError, match="warm_from must be a forward run made here"):
        in_context(control_cfg.with_(warm_start_steps=10), warm_from=forward)
    with pytest.raises(ValueError, match="warm_from needs warm_start_steps"):
        in_context(presets.config("in-context", "ci", **small), warm_from=forward)
    warm = control.metrics["warm_start"]
    assert warm["steps"] == 12 and control.metrics["steps"] == 8
    for key in ("test_exact_match", "test_first_hop_is_child", "test_loss"):  # its first phase is that run
        assert warm[key] == forward.metrics[key], key
    assert control.metrics["config"]["warm_start_steps"] == 12
    assert in_context(presets.config("in-context", "ci", **small)).metrics["warm_start"] is None
    assert presets.in_context_control("cpu").warm_start_steps == presets.config("in-context", "cpu").steps


def test_make_records_builds_the_control_its_preset_names():
    cfg = presets.in_context_control("cpu")
    script = (Path(__file__).resolve().parent.parent / "results" / "make_records.sh").read_text()
    line = " ".join(script.split("--objective hardest-token")[1].split("--out")[0].split())
    assert line == f"--preset cpu --warm-start-steps {cfg.warm_start_steps} \\ --steps {cfg.steps}"
