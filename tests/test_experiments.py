"""The experiments wing: every named config validates, one default and one override path per
setting, flags made from the fields, and the wing's imports go only downward."""
import ast
import dataclasses
from pathlib import Path

import pytest

from geomem_nb import cli, presets, reproduce
from geomem_nb.experiments import InContextConfig, InWeightsConfig, NetConfig, TinyConfig
from geomem_nb.experiments.base import TRAINER_FLAGS
from geomem_nb.runtime import PRESETS
from geomem_nb.train import TrainConfig

WING = Path(__file__).resolve().parent.parent / "geomem_nb" / "experiments"


@pytest.mark.parametrize("name", sorted(presets.NAMED))
@pytest.mark.parametrize("preset", PRESETS)
def test_every_named_config_validates_at_every_preset(name, preset):
    cfg = presets.config(name, preset).validate()
    assert cfg.preset == preset


@pytest.mark.parametrize("name", sorted(presets.PAPER_RUNS))
@pytest.mark.parametrize("preset", PRESETS)
def test_every_paper_run_validates_at_every_preset(name, preset):
    cfg, _ = reproduce.plan(name, preset)  # plan validates: the shrunk ci checks keep warmup <= steps
    assert cfg.warmup <= cfg.steps


@pytest.mark.parametrize("cls", [InWeightsConfig, InContextConfig])
def test_run_settings_hold_the_trainer_and_the_network(cls):
    cfg = cls()
    assert cfg.train == TrainConfig() and cfg.net == NetConfig()  # one default: the part's own
    names = cls.setting_names()
    assert len(names) == len(set(names))  # no setting lives in two parts
    changed = cfg.with_(steps=7, warmup=3, width=64, seed=2, preset="ci")
    assert (changed.train.steps, changed.train.warmup, changed.net.width, changed.seed) == (7, 3, 64, 2)
    assert cfg.steps == TrainConfig().steps  # with_ copies: the original is unchanged
    record = changed.record()
    assert set(record) == set(names) and record["steps"] == 7 and record["width"] == 64
    assert cls.from_record(record) == changed
    with pytest.raises(AttributeError, match="with_"):
        changed.steps = 3
    with pytest.raises(ValueError, match="unknown setting"):
        cfg.with_(stepz=3)


def test_presets_config_takes_flat_overrides_and_ignores_none():
    cfg = presets.config("in-weights-small", "ci", steps=40, lr=None, objective="hardest-token")
    base = presets.config("in-weights-small", "ci")
    assert (cfg.steps, cfg.lr, cfg.objective) == (40, base.lr, "hardest-token")
    with pytest.raises(ValueError, match="unknown setting.*in-weights-small"):
        presets.config("in-weights-small", "ci", stepz=40)
    with pytest.raises(ValueError, match="experiment"):
        presets.config("in-weights-huge", "ci")


@pytest.mark.parametrize("name,overrides", [("in-weights", dict(steps=10, warmup=20)),
                                            ("in-context", dict(steps=10, warmup=20)),
                                            ("in-weights", dict(schedule="staged", edge_steps=5, warmup=8, steps=10))])
def test_warmup_beyond_the_run_is_refused(name, overrides):
    with pytest.raises(ValueError, match="warmup"):
        presets.config(name, "ci", **overrides).validate()


def test_tiny_sequence_models_never_warm_up():
    cfg = presets.config("tiny", "ci", model="transformer").validate()
    assert cfg.train.warmup == 0 and cfg.train.batch_size == 1


def test_every_trainer_flag_is_on_every_sequence_command():
    p = cli.parser()
    sub = p._subparsers._group_actions[0].choices
    for command in ("in-weights", "in-context", "reproduce"):
        dests = {a.dest for a in sub[command]._actions}
        assert set(TRAINER_FLAGS) <= dests, command
    assert set(TRAINER_FLAGS) <= {f.name for f in dataclasses.fields(TrainConfig)}
    tiny = {a.dest for a in sub["tiny"]._actions}
    assert {"cosine", "tied", "self_edges", "graph", "model"} <= tiny


def test_flags_keep_their_spellings():
    args = cli.parser().parse_args(["in-weights", "--path-length", "4", "--batch-size", "8", "--no-pack",
                                    "--no-memory-check", "--edge-steps", "3", "--freeze-embeddings", "--out", "x"])
    assert (args.path_length, args.batch_size, args.pack, args.memory_check, args.edge_steps,
            args.freeze_embeddings) == (4, 8, False, False, 3, True)
    t = cli.parser().parse_args(["tiny", "--graph", "cycle", "--model", "nn", "--schedule", "constant", "--untied",
                                 "--out", "x"])
    assert (t.cosine, t.tied) == (False, False)
    t = cli.parser().parse_args(["tiny", "--graph", "cycle", "--model", "nn", "--out", "x"])
    assert (t.cosine, t.tied, t.steps) == (None, None, None)  # not given: the preset's (the authors') value


def _imports(path: Path) -> set:
    mods = set()
    for node in ast.walk(ast.parse(path.read_text())):
        if isinstance(node, ast.ImportFrom) and node.level:
            mods |= {(node.level, node.module or "")}
    return mods


def test_the_wing_imports_only_downward_and_at_the_top():
    above = {"presets", "cli", "reproduce", "learning_order", "variants", "tiny_seeds", "verdicts", "claims",
             "deviations", "landing"}
    for path in sorted(WING.glob("*.py")):
        tree = ast.parse(path.read_text())
        for level, module in _imports(path):
            if level == 2:
                assert module.split(".")[0] not in above, (path.name, module)
        top = set(map(id, tree.body))
        nested = [n for n in ast.walk(tree) if isinstance(n, (ast.Import, ast.ImportFrom)) and id(n) not in top]
        assert not nested, path.name  # no import inside a function
        assert len(path.read_text().splitlines()) < 300, path.name


def test_tiny_config_is_flat_and_validates_its_defaults():
    cfg = TinyConfig(graph="cycle", model="nn").validate()
    assert cfg.record()["dim"] == 512 and cfg.with_(lr=0.5).lr == 0.5


def test_recorded_loads_a_run_only_when_its_settings_are_these(tmp_path, monkeypatch, capsys):
    from geomem_nb import experiments, results
    cfg = presets.config("in-weights-small", "ci", degree=8, path_length=3, steps=6, eval_every=3, width=16,
                         layers=1, heads=2, batch_size=16, warmup=1)
    made = experiments.in_weights(cfg, out=tmp_path / "cpu" / "run")
    monkeypatch.setattr(results, "RESULTS", tmp_path)
    loaded = experiments.recorded(cfg, "cpu/run")
    assert "cpu/run: loaded (commit" in capsys.readouterr().out
    assert loaded.history == made.history and loaded.model is None
    assert loaded.metrics["test_exact_match"] == made.metrics["test_exact_match"]
    assert list(loaded.graph.test_arms) == list(made.graph.test_arms)  # the graph rebuilt from the settings
    assert experiments.recorded(cfg.with_(lr=cfg.lr * 2), "cpu/run") is None
    assert "other settings (lr): trained here instead" in capsys.readouterr().out
    assert experiments.recorded(cfg, "cpu/absent") is None
    monkeypatch.setattr(results, "RESULTS", None)  # from scratch: nothing is loaded
    assert experiments.recorded(cfg, "cpu/run") is None
