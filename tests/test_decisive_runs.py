"""Issue 24's decisive runs: chapter 08's C20/C21 record (``studies.trees_and_mamba``) and chapter 07's knob
table at a width of choice (``knob_table``), each run small, written, and read back as the verdicts
and chapters read them."""
import pytest

from geomem_nb.studies import trees_and_mamba as dc, knob_table, what_else_matters
from geomem_nb.experiments import tiny_knobs

TINY = dict(steps=20, warmup=5, eval_every=10, degree=20, width=16, layers=1, heads=2)


def test_decisive_record_holds_both_splits_and_mamba_at_its_own_budget(tmp_path):
    spreads, per_seed = what_else_matters.sweep("ci", [0, 1, 2], measure_seed=dc.measure_seed, **TINY)
    runs = dc.run_seed("ci", 0, **TINY)
    base = runs["base"]
    mamba = runs["mamba"][("mamba", dc.FULL_PATHS)]
    assert mamba.config["model"] == "mamba" and mamba.config["lr"] == pytest.approx(base.lr * dc.MAMBA_LR)
    assert mamba.metrics["steps"] == dc.MAMBA_STEPS["ci"] * base.steps
    assert {r.config["split"] for r in runs["trees"].values()} == set(what_else_matters.SPLITS)
    assert all(r.config["degree"] == dc.TREE["ci"]["degree"] for r in runs["trees"].values())
    what_else_matters.write(tmp_path / "ci" / dc.RECORD, "ci", [0, 1, 2], spreads, 1.0, "test", dc.describe)
    got = dc.load("ci", tmp_path)
    assert got["seeds"] == [0, 1, 2] and got["graph"]["tree"] == "T(20,3)" and got["graph"]["mamba_lr"] == 1e-3
    for key in ("tree/first-token/test_exact_match", "tree/leaf/test_exact_match", "mamba/full paths/mamba",
                "mamba/full paths/gpt", "mamba/full paths/mamba_train_exact_match"):
        assert got["spreads"][key].n == 3, key
    assert dc.load("ci", tmp_path / "elsewhere") is None


def test_knob_table_writes_the_c12_rows_at_its_width(tmp_path):
    out = tmp_path / "cpu" / knob_table.RECORD
    assert knob_table.main(["--preset", "ci", "--width", "16", "--steps", "30", "--seeds", "7", "0", "1",
                            "--c12-rows", "--out", str(out)]) == 0
    rec = knob_table.load("cpu", tmp_path)
    k = rec["knobs"]
    assert (k["width"], k["steps"], k["seeds"]) == (16, 30, [7, 0, 1])
    assert set(k["rows"]) == set(tiny_knobs.C12_ROWS) and len(tiny_knobs.C12_ROWS) == 7
    assert all(knob.startswith(tiny_knobs.C12_KNOBS) for knob in k["directions"])
    assert "knob_table --preset ci --width 16" in rec["provenance"]["command"]
    W = knob_table.spreads(k)
    assert set(W) == set(tiny_knobs.C12_ROWS) and W["lr 1e-2"]["fiedler_share"].n == 3
    narrow = tiny_knobs.knob_directions(W)  # the same spreads judged again: the two columns must agree
    rows = knob_table.beside(narrow, k)
    assert rows and all(r["width 16"] == r["narrower"] for r in rows)
    assert {r["narrower"] for r in knob_table.beside({}, k)} == {"-"}


@pytest.mark.parametrize("flag", ["--width", "--steps"])
def test_knob_table_refuses_a_non_positive_size(flag, capsys):
    with pytest.raises(SystemExit):
        knob_table.main([flag, "0", "--out", "/nonexistent"])
    assert f"{flag} must be a positive integer" in capsys.readouterr().err
