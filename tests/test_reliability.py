"""Nothing lost, nothing clobbered (issue 15): outputs checked before any work, result sets written as
one, no silent overwrite, resume that knows its run, memory limits up front, records read defensively,
and every failure a user can cause ending in one line with exit status 2 (bad input) or 1 (run failed).
In-process wherever it can be (no interpreter start-up per case)."""
import importlib
import json
import os
import subprocess
import sys
import time
from pathlib import Path

import pytest
from test_guard import finished_run, tree

from geomem_nb import guard, results
from geomem_nb.cli import main

ROOT = Path(__file__).resolve().parent.parent
SMALL = ["--preset", "ci", "--degree", "20", "--path-length", "4", "--layers", "1", "--width", "16", "--heads", "2",
         "--batch-size", "32", "--steps", "20", "--warmup", "2", "--eval-every", "10"]
IC = ["--degree", "2", "--path-length", "3", "--num-labels", "8", "--objective", "forward", "--preset", "ci",
      "--layers", "1", "--width", "16", "--heads", "2", "--steps", "4", "--warmup", "2", "--eval-every", "2"]
TINY = ["--graph", "cycle:7", "--model", "nn", "--steps", "20", "--preset", "ci"]


def run_cli(capsys, *args):
    """(exit status, stderr lines) of the CLI run in this process."""
    try:
        code = main([str(a) for a in args])
    except SystemExit as exit_:
        code = exit_.code
    return code, capsys.readouterr().err.strip().splitlines()




def test_out_that_is_a_file_exits_2_within_two_seconds(tmp_path):
    """The whole command, interpreter start-up included: refused before torch loads."""
    f = tmp_path / "afile"
    f.write_text("x")
    t0 = time.perf_counter()
    p = subprocess.run([sys.executable, "-m", "geomem_nb", "in-weights", "--preset", "ci", "--out", str(f)],
                       capture_output=True, text=True, cwd=ROOT, env={**os.environ, "PYTHONPATH": str(ROOT)})
    assert time.perf_counter() - t0 < 2
    assert p.returncode == 2 and len(p.stderr.strip().splitlines()) == 1 and "--out" in p.stderr
    assert f.read_text() == "x"


@pytest.mark.skipif(os.getuid() == 0, reason="root can write anywhere")
def test_unwritable_out_is_refused(tmp_path, capsys):
    locked = tmp_path / "locked"
    locked.mkdir(mode=0o500)
    code, lines = run_cli(capsys, "tiny", *TINY, "--out", locked / "run")
    assert code == 2 and "--out" in lines[0]


# Result sets -----------------------------------------------------------------------------------------


def test_a_full_disk_during_the_write_exits_1_and_keeps_the_old_set(tmp_path, capsys, monkeypatch):
    out = finished_run(tmp_path / "run")
    old = tree(out)

    def full(array):
        def write(path):
            raise OSError(28, "No space left on device", str(path))
        return write

    monkeypatch.setattr(guard, "save_npy", full)
    monkeypatch.setattr(importlib.import_module("geomem_nb.experiments.tiny"), "save_npy", full)
    code, lines = run_cli(capsys, "tiny", *TINY, "--overwrite", "--out", out)
    assert code == 1 and len(lines) == 1 and "No space left" in lines[0], lines
    assert tree(out) == old and sorted(p.name for p in tmp_path.iterdir()) == ["run"]


def test_a_diverging_run_exits_1_with_one_line(tmp_path, capsys, monkeypatch):
    def diverge(*a, **k):
        raise FloatingPointError("the training loss became nan by step 10; lower lr")

    monkeypatch.setattr(importlib.import_module("geomem_nb.experiments.in_weights"), "train", diverge)
    code, lines = run_cli(capsys, "in-weights", *SMALL, "--out", tmp_path / "run")
    assert code == 1 and len(lines) == 1 and "loss became nan" in lines[0] and not (tmp_path / "run").exists()


def test_existing_run_is_not_overwritten(tmp_path, capsys):
    out = tmp_path / "run"
    assert run_cli(capsys, "tiny", *TINY, "--out", out)[0] == 0
    first = tree(out)
    code, lines = run_cli(capsys, "tiny", *TINY, "--seed", "3", "--out", out)
    assert code == 2 and "already holds a finished run" in lines[0] and tree(out) == first
    assert run_cli(capsys, "tiny", *TINY, "--seed", "3", "--overwrite", "--out", out)[0] == 0
    assert json.loads((out / "metrics.json").read_text())["config"]["seed"] == 3
    assert sorted(p.name for p in tmp_path.iterdir()) == ["run"]


def test_reproduce_cannot_replace_a_shipped_result(tmp_path):
    """The README's ``reproduce in-weights-g5000-5`` writes to runs/, and results/ is refused off a GPU."""
    from geomem_nb import reproduce as rep
    from geomem_nb.runtime import device

    _, out = rep.plan("in-weights-g5000-5", "paper")
    assert out == rep.RUNS / "in-weights-g5000-5" and results.RESULTS not in out.parents
    assert rep.plan("in-context-g2-5-forward", "ci")[1] == rep.RUNS / "in-context-g2-5-forward-ci"
    if device().type != "cuda":
        with pytest.raises(ValueError, match="results/"):
            rep.check_ship(results.RESULTS / "in-weights-g5000-5-new")
        rep.check_ship(results.RESULTS / "x", overwrite=True)
    rep.check_ship(tmp_path / "x")


# Resume ----------------------------------------------------------------------------------------------
def test_resume_refuses_another_run_and_marks_a_resumed_one(tmp_path, capsys):
    ck = ["--checkpoint-dir", tmp_path / "ck", "--checkpoint-every", "10"]
    assert run_cli(capsys, "in-weights", *SMALL, *ck, "--out", tmp_path / "a")[0] == 0
    a = json.loads((tmp_path / "a" / "metrics.json").read_text())
    assert a["resumed_from_step"] is None
    for change, name in ((["--seed", "5"], "seed"), (["--lr", "0.01"], "lr"), (["--degree", "24"], "degree"),
                         (["--width", "32"], "width"), (["--batch-size", "16"], "batch_size")):
        code, lines = run_cli(capsys, "in-weights", *SMALL, *change, *ck, "--resume", "--out", tmp_path / "b")
        assert code == 2 and len(lines) == 1 and f": {name} is" in lines[0], lines
        assert not (tmp_path / "b").exists()
    code, _ = run_cli(capsys, "in-weights", *SMALL, *ck, "--eval-every", "5", "--resume", "--out", tmp_path / "b")
    assert code == 0  # the evaluation grid does not change the run
    b = json.loads((tmp_path / "b" / "metrics.json").read_text())
    assert b["resumed_from_step"] == 20 and b["test_exact_match"] == a["test_exact_match"]


# Memory ----------------------------------------------------------------------------------------------


def test_validation_does_not_build_the_graph(monkeypatch):
    from geomem_nb import presets

    def no(*a, **k):
        raise AssertionError("the graph was built")

    monkeypatch.setattr(importlib.import_module("geomem_nb.experiments.in_weights"), "path_star", no)
    presets.config("in-weights", "paper", target=0.99).validate()
    presets.config("in-weights", "ci", degree=10**9).validate()




# The Python API ------------------------------------------------------------------------------------
@pytest.mark.parametrize("entry", ["in_weights", "in_context", "tiny"])
def test_api_checks_outputs_before_building_anything(tmp_path, monkeypatch, entry):
    import geomem_nb.experiments as ex
    from geomem_nb import presets

    def no(*a, **k):
        raise AssertionError("built before the outputs were checked")

    for mod, name in (("in_weights", "path_star"), ("in_weights", "build"), ("in_context", "build"), ("tiny", "build_model")):
        monkeypatch.setattr(importlib.import_module(f"geomem_nb.experiments.{mod}"), name, no)
    (tmp_path / "afile").write_text("x")
    call = {"in_weights": lambda out: ex.in_weights(presets.config("in-weights", "ci"), out=out),
            "in_context": lambda out: ex.in_context(presets.config("in-context", "ci"), out=out),
            "tiny": lambda out: ex.tiny(presets.config("tiny", "ci", graph="cycle", model="nn"), out=out)}[entry]
    for out, says in ((tmp_path / "afile", "is a file"), (tmp_path / "afile" / "x", "under"), ("", "empty")):
        with pytest.raises(ValueError, match=says):
            call(out)
    ck = dict(checkpoint_dir=str(tmp_path / "afile"), checkpoint_every=5)
    if entry != "tiny":
        kind = entry.replace("_", "-")
        run = ex.in_weights if entry == "in_weights" else ex.in_context
        with pytest.raises(ValueError, match="--checkpoint-dir"):
            run(presets.config(kind, "ci", **ck))


def test_no_memory_check_skips_the_estimate(tmp_path, monkeypatch):
    from geomem_nb import experiments, presets
    from geomem_nb.experiments import base

    def refuse(*a, **k):
        raise AssertionError("the memory check ran")

    monkeypatch.setattr(base, "check_memory", refuse)
    experiments.tiny(presets.config("tiny", "ci", graph="cycle:7", model="nn", steps=5), memory_check=False)
    with pytest.raises(AssertionError):
        experiments.tiny(presets.config("tiny", "ci", graph="cycle:7", model="nn", steps=5))


def test_geomem_debug_shows_the_traceback(tmp_path, monkeypatch):
    monkeypatch.setenv("GEOMEM_DEBUG", "1")
    with pytest.raises(ValueError, match="time_budget"):
        main(["in-weights", *SMALL, "--time-budget", "-1", "--out", str(tmp_path / "run")])
