"""Chapter 09's sweep: the grid, budgets matched in epochs, one process per run, records read back."""
import pytest

from geomem_nb import cli, deviations
from geomem_nb.studies import path_length_map


def test_ci_grid_is_the_frontier_in_two_runs():
    assert [path_length_map.name(c) for c in path_length_map.cells("ci")] == ["d100-l5-e100", "d100-l8-e100"]
    names = [path_length_map.name(c) for c in path_length_map.cells("cpu")]
    assert len(names) == len(set(names)) and "d1000-l10-e100" in names and "d100-l10-e1000" in names
    with pytest.raises(ValueError, match="preset"):
        path_length_map.cells("huge")


@pytest.mark.parametrize("ell", [5, 8, 10])
def test_budgets_are_matched_in_epochs(ell):
    cfg = path_length_map.config(dict(degree=100, path_length=ell, epochs=100), "cpu")
    assert deviations.epochs({"config": cfg.record(), "steps": cfg.steps}) == pytest.approx(100, rel=0.01)
    assert cfg.eval_every == cfg.steps // path_length_map.EVALUATIONS and cfg.width == 64  # the in-weights-small model


def test_the_command_builds_the_same_run(tmp_path):
    cfg = path_length_map.config(dict(degree=100, path_length=8, epochs=100), "ci")
    argv = path_length_map.command(cfg, tmp_path / "run")[3:]  # after "python -m geomem_nb"
    args = cli.parser().parse_args(argv)
    flat = {k: v for k, v in vars(args).items() if v is not None and k in cfg.setting_names()}
    assert cfg.with_(**flat).record() == cfg.record()


def test_a_run_is_made_once_and_read_back(tmp_path, monkeypatch):
    monkeypatch.setitem(path_length_map.GRIDS, "ci", dict(degree=(20,), path_length=(4,), epochs=(200,)))
    assert path_length_map.run("ci", tmp_path) == []
    (row,) = path_length_map.collect(tmp_path, "ci")
    assert row["degree"] == 20 and row["path_length"] == 4 and row["chance"] == pytest.approx(1 / 20)
    assert 0 <= row["train_exact_match"] <= 1 and row["steps_per_second"] > 0 and row["provenance"]["command"]
    assert sorted(f.name for f in (tmp_path / "d20-l4-e200").iterdir()) == ["metrics.json"]
    written = (tmp_path / "d20-l4-e200" / "metrics.json").stat().st_mtime
    assert path_length_map.run("ci", tmp_path) == [] and (tmp_path / "d20-l4-e200" / "metrics.json").stat().st_mtime == written
    # --clear removes the selected runs (and only those) and makes them again
    (tmp_path / "other").mkdir()
    (tmp_path / "other" / "metrics.json").write_text("{}")
    assert path_length_map.run("ci", tmp_path, clear=True) == []
    assert (tmp_path / "d20-l4-e200" / "metrics.json").stat().st_mtime > written
    assert (tmp_path / "other" / "metrics.json").exists()


def test_knobs_change_one_thing_each():
    for cell in path_length_map.knob_cells("cpu"):
        if not cell.get("knob"):
            continue
        base = path_length_map.config({k: v for k, v in cell.items() if k != "knob"}, "cpu").record()
        cfg = path_length_map.config(cell, "cpu")
        changed = {k for k, v in cfg.record().items() if base[k] != v}
        allowed = set(path_length_map.KNOBS[cell["knob"]](cfg)) | {"steps", "eval_every"} | ({"edge_steps"} if cfg.schedule == "staged" else set())
        assert changed <= allowed, cell
        assert "/" not in path_length_map.name(cell) and " " not in path_length_map.name(cell)
    names = [path_length_map.name(c) for c in path_length_map.knob_cells("cpu")]
    assert len(names) == len(set(names))  # a seed is part of the name
    seeded = path_length_map.config(dict(degree=100, path_length=6, epochs=3000, seed=2, knob="path share 0.5"), "cpu")
    assert (seeded.seed, seeded.path_share) == (2, 0.5) and "d100-l6-e3000-path_share_0.5-seed2" in names
    staged = path_length_map.config(dict(degree=100, path_length=6, epochs=300, knob="edges first at lr 1e-2"), "cpu")
    assert staged.schedule == "staged" and staged.edge_steps == staged.steps


def test_set_epochs_follow_the_mix():
    """In proportion, every set gets the cell's epochs; with half of each batch paths, the paths get many more."""
    for knob in (None, "path share 0.5"):
        cell = dict(degree=100, path_length=6, epochs=300, **({"knob": knob} if knob else {}))
        cfg = path_length_map.config(cell, "cpu")
        epochs = deviations.set_epochs({"config": cfg.record(), "steps": cfg.steps})
        if knob:
            assert epochs["paths"] > 5 * epochs["edges"] and epochs["edges"] < 300
        else:
            assert epochs["edges"] == pytest.approx(300, rel=0.02) and epochs["paths"] == pytest.approx(300, rel=0.1)


def test_study_changes_one_thing_against_its_recipe_at_equal_steps():
    """Each study cell: the recipe (lr 1e-2 on the same graph) with one change, at the same steps, diagnosed."""
    cells = path_length_map.selected("cpu", "frontier")
    names = [path_length_map.name(c) for c in cells]
    assert len(names) == len(set(names)) and len(path_length_map.knob_cells("cpu")) == 34  # the map's knob runs untouched
    assert {c.get("seed", 0) for c in cells} == {0, 1} and "d100-l7-s14768-lr_1e-2_4_layers-seed1" in names
    for cell in cells:
        cfg = path_length_map.config(cell, "cpu", diagnose=True)
        recipe = path_length_map.config({**cell, "knob": "lr 1e-2"}, "cpu", diagnose=True).record()
        changed = {k for k, v in cfg.record().items() if recipe[k] != v}
        knob = cell["knob"]
        expected = {"lr"} if knob == "lr 3e-2" else set(path_length_map.STUDY_KNOBS.get(knob, lambda c: {})(cfg)) - {"lr"}
        assert changed == expected, (cell, changed)
        assert cfg.diagnose_first_hop and cfg.steps == (path_length_map.STUDY_STEPS if cell["path_length"] == 7 else cell["steps"])
    push = [c for c in cells if c["path_length"] == 8]
    assert {c["knob"] for c in push} == {path_length_map.PUSH_KNOB} and sorted(c["seed"] for c in push) == [0, 1]
    with pytest.raises(ValueError, match="only: no cell named nope"):
        path_length_map.run("cpu", "unused", group="frontier", only=["nope"])
    cost = [c for c in cells if c["path_length"] < 7]  # the cost curve's shorter lengths: the recipe alone
    assert {c["knob"] for c in cost} == set(path_length_map.COST_KNOBS) and {c["path_length"] for c in cost} == {5, 6}
    assert all(path_length_map.config(c, "cpu").eval_every == c["steps"] // 20 for c in cost)
    first = path_length_map.config(next(c for c in cells if c["knob"] == "lr 1e-2, first hop only"), "cpu")
    assert first.objective == "hardest-token" and "--objective=hardest-token" in path_length_map.command(first, "x")
    constant = path_length_map.config(next(c for c in cells if c["knob"] == "lr 1e-2, constant"), "cpu")
    assert "--min-lr-ratio=1.0" in path_length_map.command(constant, "x")
