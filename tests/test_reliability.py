"""Nothing lost, nothing clobbered (issue 15): outputs checked before any work, result sets written as
one, no silent overwrite, resume that knows its run, memory limits up front, records read defensively,
and every failure a user can cause ending in one line with exit status 2 (bad input) or 1 (run failed).
In-process wherever it can be (no interpreter start-up per case)."""
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


# name -> (subcommand args with {out}/{tmp} placeholders, what the one line must name, setup, env)
def _file(tmp):
    (tmp / "afile").write_text("not a folder")


def _foreign(tmp):
    (tmp / "run").mkdir()
    (tmp / "run" / "notes.txt").write_text("mine")


def _finished(tmp):
    finished_run(tmp / "run")


def _corrupt_checkpoint(tmp):
    (tmp / "ck").mkdir()
    (tmp / "ck" / "checkpoint.pt").write_bytes(b"PK\x03\x04 truncated")


INVALID = {
    # in-weights
    "iw out empty": (["in-weights", *SMALL, "--out", ""], "--out", None, {}),
    "iw out is a file": (["in-weights", *SMALL, "--out", "{tmp}/afile"], "--out", _file, {}),
    "iw out under a file": (["in-weights", *SMALL, "--out", "{tmp}/afile/run"], "--out", _file, {}),
    "iw out holds a finished run": (["in-weights", *SMALL, "--out", "{out}"], "--overwrite", _finished, {}),
    "iw out holds other files": (["in-weights", *SMALL, "--out", "{out}"], "--out", _foreign, {}),
    "iw time budget negative": (["in-weights", *SMALL, "--time-budget", "-1", "--out", "{out}"], "time_budget", None, {}),
    "iw time budget nan": (["in-weights", *SMALL, "--time-budget", "nan", "--out", "{out}"], "time_budget", None, {}),
    "iw checkpoint dir without every": (["in-weights", *SMALL, "--checkpoint-dir", "{tmp}/ck", "--out", "{out}"],
                                        "checkpoint_every", None, {}),
    "iw checkpoint every without dir": (["in-weights", *SMALL, "--checkpoint-every", "5", "--out", "{out}"],
                                        "checkpoint_dir", None, {}),
    "iw checkpoint dir is a file": (["in-weights", *SMALL, "--checkpoint-dir", "{tmp}/afile", "--checkpoint-every", "5",
                                     "--out", "{out}"], "--checkpoint-dir", _file, {}),
    "iw checkpoint dir inside out": (["in-weights", *SMALL, "--checkpoint-dir", "{out}/ck", "--checkpoint-every", "5",
                                      "--out", "{out}"], "--checkpoint-dir", None, {}),
    "iw resume without checkpoint dir": (["in-weights", *SMALL, "--resume", "--out", "{out}"], "--checkpoint-dir", None, {}),
    "iw resume corrupt checkpoint": (["in-weights", *SMALL, "--checkpoint-dir", "{tmp}/ck", "--checkpoint-every", "10",
                                      "--resume", "--out", "{out}"], "checkpoint", _corrupt_checkpoint, {}),
    "iw warmup beyond steps": (["in-weights", *SMALL, "--warmup", "50", "--out", "{out}"], "warmup", None, {}),
    "iw edge lr inf": (["in-weights", *SMALL, "--schedule", "staged", "--edge-steps", "5", "--edge-lr", "inf",
                        "--out", "{out}"], "edge_lr", None, {}),
    "iw lr nan": (["in-weights", *SMALL, "--lr", "nan", "--out", "{out}"], "lr", None, {}),
    "iw eval budget nan": (["in-weights", *SMALL, "--eval-budget", "nan", "--out", "{out}"], "eval_budget", None, {}),
    "iw target nan": (["in-weights", *SMALL, "--target", "nan", "--out", "{out}"], "target", None, {}),
    "iw target above one": (["in-weights", *SMALL, "--target", "1.5", "--out", "{out}"], "target", None, {}),
    "iw seed negative": (["in-weights", *SMALL, "--seed", "-1", "--out", "{out}"], "seed", None, {}),
    "iw batch size zero": (["in-weights", *SMALL, "--batch-size", "0", "--out", "{out}"], "batch_size", None, {}),
    "iw huge degree": (["in-weights", *SMALL, "--degree", str(10**12), "--out", "{out}"], "memory", None, {}),
    "iw huge width": (["in-weights", *SMALL, "--width", str(2**20), "--out", "{out}"], "memory", None, {}),
    "iw tree star too big": (["in-weights", *SMALL, "--graph", "tree-star", "--path-length", "40", "--out", "{out}"],
                             "tree_star", None, {}),
    # in-context
    "ic out empty": (["in-context", *IC, "--out", ""], "--out", None, {}),
    "ic time budget inf": (["in-context", *IC, "--time-budget", "inf", "--out", "{out}"], "time_budget", None, {}),
    "ic warmup beyond steps": (["in-context", *IC, "--warmup", "9", "--out", "{out}"], "warmup", None, {}),
    "ic resume without checkpoint dir": (["in-context", *IC, "--resume", "--out", "{out}"], "--checkpoint-dir", None, {}),
    "ic too few labels": (["in-context", *IC, "--num-labels", "3", "--out", "{out}"], "num_labels", None, {}),
    "ic finished run": (["in-context", *IC, "--out", "{out}"], "--overwrite", _finished, {}),
    # tiny
    "tiny graph too big": (["tiny", *TINY, "--graph", "cycle:1000000000", "--out", "{out}"], "graph", None, {}),
    "tiny out is a file": (["tiny", *TINY, "--out", "{tmp}/afile"], "--out", _file, {}),
    "tiny lr inf": (["tiny", *TINY, "--lr", "inf", "--out", "{out}"], "lr", None, {}),
    "tiny huge dim": (["tiny", *TINY, "--dim", str(10**7), "--out", "{out}"], "memory", None, {}),
    "tiny finished run": (["tiny", *TINY, "--out", "{out}"], "--overwrite", _finished, {}),
    # reproduce
    "rep resume without checkpoint dir": (["reproduce", "in-weights-g5000-5", "--preset", "ci", "--resume",
                                           "--out", "{out}"], "--checkpoint-dir", None, {}),
    "rep checkpoint dir without every": (["reproduce", "in-weights-g5000-5", "--preset", "ci", "--checkpoint-dir",
                                          "{tmp}/ck", "--out", "{out}"], "checkpoint_every", None, {}),
    "rep warmup beyond steps": (["reproduce", "in-weights-g5000-5", "--steps", "10", "--out", "{out}"], "warmup", None, {}),
    "rep out empty": (["reproduce", "in-context-g2-5-forward", "--preset", "ci", "--out", ""], "--out", None, {}),
    # environment
    "env bad device": (["in-weights", *SMALL, "--out", "{out}"], "GEOMEM_DEVICE", None, {"GEOMEM_DEVICE": "gpu"}),
    "env bad scale": (["in-weights", "--degree", "20", "--out", "{out}"], "GEOMEM_SCALE", None, {"GEOMEM_SCALE": "huge"}),
    "env device index": (["tiny", *TINY, "--out", "{out}"], "GEOMEM_DEVICE", None, {"GEOMEM_DEVICE": "cuda:99"}),
}


@pytest.mark.parametrize("case", sorted(INVALID))
def test_invalid_input_exits_2_with_one_line_and_writes_nothing(tmp_path, capsys, monkeypatch, case):
    args, name, setup, env = INVALID[case]
    for k, v in env.items():
        monkeypatch.setenv(k, v)
    if setup:
        setup(tmp_path)
    before = {p: tree(tmp_path / p) for p in ("run", "ck", "afile")}
    args = [a.replace("{out}", str(tmp_path / "run")).replace("{tmp}", str(tmp_path)) for a in args]
    code, lines = run_cli(capsys, *args)
    assert code == 2, (code, lines)
    assert len(lines) == 1 and name in lines[0], lines
    assert "Traceback" not in lines[0]
    assert {p: tree(tmp_path / p) for p in before} == before  # nothing written, nothing changed
    assert sorted(p.name for p in tmp_path.iterdir()) == sorted(p for p in before if before[p] is not None)


def test_enough_invalid_cases():
    assert len(INVALID) >= 30
    assert {a[0][0] for a in INVALID.values()} == {"in-weights", "in-context", "tiny", "reproduce"}


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
    import geomem_nb.tiny as tiny_mod
    monkeypatch.setattr(tiny_mod, "save_npy", full)
    code, lines = run_cli(capsys, "tiny", *TINY, "--overwrite", "--out", out)
    assert code == 1 and len(lines) == 1 and "No space left" in lines[0], lines
    assert tree(out) == old and sorted(p.name for p in tmp_path.iterdir()) == ["run"]


def test_a_diverging_run_exits_1_with_one_line(tmp_path, capsys, monkeypatch):
    import geomem_nb.experiments as ex

    def diverge(*a, **k):
        raise FloatingPointError("the training loss became nan by step 10; lower lr")

    monkeypatch.setattr(ex, "train", diverge)
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
    import geomem_nb.experiments as ex
    from geomem_nb import presets

    def no(*a, **k):
        raise AssertionError("the graph was built")

    monkeypatch.setattr(ex, "path_star", no)
    presets.config("in-weights", "paper", target=0.99).validate()
    presets.config("in-weights", "ci", degree=10**9).validate()




# The Python API ------------------------------------------------------------------------------------
@pytest.mark.parametrize("entry", ["in_weights", "in_context", "tiny"])
def test_api_checks_outputs_before_building_anything(tmp_path, monkeypatch, entry):
    import geomem_nb.experiments as ex
    import geomem_nb.in_context as ic
    import geomem_nb.tiny as tiny_mod
    from geomem_nb import presets

    def no(*a, **k):
        raise AssertionError("built before the outputs were checked")

    for mod, name in ((ex, "path_star"), (ex, "build"), (ic, "build"), (tiny_mod, "build_model")):
        monkeypatch.setattr(mod, name, no)
    (tmp_path / "afile").write_text("x")
    call = {"in_weights": lambda out: ex.in_weights(presets.config("in-weights", "ci"), out=out),
            "in_context": lambda out: ex.in_context(presets.config("in-context", "ci"), out=out),
            "tiny": lambda out: tiny_mod.tiny(presets.config("tiny", "ci", graph="cycle", model="nn"), out=out)}[entry]
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
    import geomem_nb.tiny as tiny_mod
    from geomem_nb import presets

    def refuse(*a, **k):
        raise AssertionError("the memory check ran")

    monkeypatch.setattr(tiny_mod, "check_memory", refuse)
    tiny_mod.tiny(presets.config("tiny", "ci", graph="cycle:7", model="nn", steps=5), memory_check=False)
    with pytest.raises(AssertionError):
        tiny_mod.tiny(presets.config("tiny", "ci", graph="cycle:7", model="nn", steps=5))


def test_geomem_debug_shows_the_traceback(tmp_path, monkeypatch):
    monkeypatch.setenv("GEOMEM_DEBUG", "1")
    with pytest.raises(ValueError, match="time_budget"):
        main(["in-weights", *SMALL, "--time-budget", "-1", "--out", str(tmp_path / "run")])
