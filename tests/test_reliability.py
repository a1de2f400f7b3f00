"""Nothing lost, nothing clobbered (issue 15): outputs checked before any work, result sets written as
one, no silent overwrite, resume that knows its run, memory limits up front, records read defensively,
and every failure a user can cause ending in one line with exit status 2 (bad input) or 1 (run failed).
In-process wherever it can be (no interpreter start-up per case)."""
import importlib
import json
import math
import os
import subprocess
import sys
import time
from pathlib import Path

import numpy as np
import pytest

from geomem_nb import claims, guard, results
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


def tree(path: Path) -> dict:
    """Every file under ``path`` with its bytes (None if ``path`` does not exist)."""
    if not path.exists():
        return None
    if path.is_file():
        return {"": path.read_bytes()}
    return {str(p.relative_to(path)): p.read_bytes() for p in sorted(path.rglob("*")) if p.is_file()}


def finished_run(folder: Path) -> Path:
    """A folder holding a (fake) finished run: a result set as ``write_set`` leaves it."""
    guard.write_set(folder, {"metrics.json": guard.save_json({"steps": 1, "old": True}),
                             "embeddings.npy": guard.save_npy(np.arange(6.0).reshape(2, 3))})
    return folder


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
def test_kill_during_the_result_write_leaves_the_old_set_whole(tmp_path):
    out = finished_run(tmp_path / "run")
    old = tree(out)

    def killed(path):  # half a file, then the process dies without any clean-up (as under SIGKILL)
        with open(path, "wb") as f:
            f.write(b"\x93NUMPY half")
        os._exit(9)

    pid = os.fork()
    if pid == 0:  # the run being killed
        guard.write_set(out, {"metrics.json": guard.save_json({"steps": 2, "new": True}), "embeddings.npy": killed})
        os._exit(0)
    _, status = os.waitpid(pid, 0)
    assert os.WEXITSTATUS(status) == 9
    assert tree(out) == old  # the old set, whole
    leftovers = [p.name for p in tmp_path.iterdir() if p.name != "run"]
    assert leftovers and all(n.startswith(".run.tmp-") for n in leftovers)
    guard.clean_leftovers(out)  # what the next start does
    assert sorted(p.name for p in tmp_path.iterdir()) == ["run"] and tree(out) == old


def test_kill_between_the_two_renames_brings_the_old_set_back(tmp_path):
    """Where the file system cannot exchange two folders: old set moved aside, new set not yet in."""
    out = finished_run(tmp_path / "run")
    old = tree(out)
    dead = subprocess.Popen(["true"])  # a process id no live process holds
    dead.wait()
    os.rename(out, tmp_path / f".run.old-{dead.pid}")
    finished_run(tmp_path / "new")
    os.rename(tmp_path / "new", tmp_path / f".run.tmp-{dead.pid}-x")
    guard.clean_leftovers(out)
    assert tree(out) == old and sorted(p.name for p in tmp_path.iterdir()) == ["run"]


def test_write_set_replaces_the_whole_set(tmp_path):
    out = finished_run(tmp_path / "run")
    guard.write_set(out, {"metrics.json": guard.save_json({"steps": 2})})
    assert sorted(tree(out)) == ["metrics.json"] and json.loads((out / "metrics.json").read_text()) == {"steps": 2}


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


def test_resume_refuses_a_checkpoint_of_another_graph(tmp_path):
    from geomem_nb.graphs import path_star

    a, b = path_star(20, 4, seed=0), path_star(20, 4, seed=1)
    assert guard.graph_hash(a) == guard.graph_hash(path_star(20, 4, seed=0)) != guard.graph_hash(b)
    with pytest.raises(ValueError, match="graph_sha256"):
        guard.check_same_run({"seed": 0, "graph_sha256": guard.graph_hash(a)},
                             {"seed": 0, "graph_sha256": guard.graph_hash(b)}, "ck/checkpoint.pt")
    with pytest.raises(ValueError, match="no run settings"):
        guard.check_same_run(None, {"seed": 0}, "ck/checkpoint.pt")


# Memory ----------------------------------------------------------------------------------------------
@pytest.mark.parametrize("override", [dict(width=2**20, heads=4), dict(degree=10**12)])
def test_memory_check_refuses_an_impossible_run_within_a_second(override):
    from geomem_nb import experiments, presets

    cfg = presets.config("in-weights", "ci", **override)
    t0 = time.perf_counter()
    with pytest.raises(ValueError, match=r"memory: this run needs about .* but the device has"):
        experiments.in_weights(cfg)
    assert time.perf_counter() - t0 < 1


def test_memory_check_passes_every_preset():
    import torch

    from geomem_nb import presets

    limit = guard.memory_limit(torch.device("cpu"))
    for kind in ("in-weights", "in-weights-small", "in-context"):
        for preset in ("ci", "cpu"):
            guard.check_memory(presets.config(kind, preset).validate().memory_estimate(), torch.device("cpu"), limit)
    # The paper's largest runs fit an H200's 141 GB.
    from geomem_nb import reproduce as rep
    for name in presets.PAPER_RUNS:
        assert sum(rep.plan(name, "paper")[0].memory_estimate().values()) < 100e9, name


def test_validation_does_not_build_the_graph(monkeypatch):
    from geomem_nb import presets

    def no(*a, **k):
        raise AssertionError("the graph was built")

    monkeypatch.setattr(importlib.import_module("geomem_nb.experiments.in_weights"), "path_star", no)
    presets.config("in-weights", "paper", target=0.99).validate()
    presets.config("in-weights", "ci", degree=10**9).validate()


# Records ---------------------------------------------------------------------------------------------
def _corrupt(text: str, how: str) -> str:
    if how == "truncated":
        return text[: len(text) // 2]
    if how == "empty":
        return ""
    if how == "list":
        return "[1, 2, 3]"
    m = json.loads(text)
    if how == "missing key":
        del m["chance"]
    if how == "nan":
        m["test_exact_match"] = float("nan")
    return json.dumps(m)


@pytest.mark.parametrize("how,says", [("truncated", "not valid JSON"), ("empty", "is empty"),
                                      ("list", "JSON list"), ("missing key", "chance"),
                                      ("nan", "test_exact_match is not a finite number")])
def test_a_corrupt_record_shows_as_unreadable_on_the_claims_page(tmp_path, monkeypatch, how, says):
    name = "cpu/in-weights-frozen"  # C4's run
    if results.shipped(name) is None:
        pytest.skip(f"{name} is not shipped")
    good = claims.verdicts()
    bad = tmp_path / name / "metrics.json"
    bad.parent.mkdir(parents=True)
    bad.write_text(_corrupt((results.RESULTS / name / "metrics.json").read_text(), how))
    monkeypatch.setattr(results, "RESULTS", tmp_path)
    monkeypatch.setattr(results, "REPO", tmp_path.parent)

    def get(n):
        return results.shipped(n) if n == name else results.read_record(ROOT / "results" / n / "metrics.json", n) \
            if (ROOT / "results" / n / "metrics.json").exists() else None

    found = claims.verdicts(get)
    assert len(found) == len(claims.CLAIMS)
    broken = [k for k, x in found.items() if x.reason.startswith("unreadable record")]
    assert broken, "no claim read the corrupt record"
    for k in broken:
        assert found[k].status == "not run" and f"{name}/metrics.json" in found[k].reason and says in found[k].reason
    assert all(found[k] == good[k] for k in found if k not in broken)
    with pytest.raises(results.BadRecord, match=says):
        results.shipped(name)


def test_every_shipped_record_passes_the_schema():
    for path in sorted(results.RESULTS.rglob("metrics.json")):
        results.read_record(path, str(path.parent.relative_to(results.RESULTS)))


def test_load_if_present_names_the_bad_file_and_goes_on(tmp_path, monkeypatch, capsys):
    (tmp_path / "cpu" / "x").mkdir(parents=True)
    (tmp_path / "cpu" / "x" / "metrics.json").write_text("{")
    monkeypatch.setattr(results, "RESULTS", tmp_path)
    assert results.load_if_present("cpu/x") is None
    assert "cpu/x/metrics.json" in capsys.readouterr().out
    assert results.load_if_present("cpu/absent") is None


def test_a_diverged_loss_in_a_history_is_a_measurement():
    rec = {"config": {}, "steps": 1, "history": [{"step": 0, "loss": math.nan}], "provenance": {},
           "test_exact_match": 0.1, "test_hardest_token": 0.2, "chance": 0.5}
    results.check_record(rec, "x")
    rec["history"][0]["test_exact_match"] = math.inf
    with pytest.raises(ValueError, match=r"history\[0\]\.test_exact_match"):
        results.check_record(rec, "x")


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


def test_temp_files_of_a_dead_run_are_cleaned_at_the_next_start(tmp_path):
    dead = subprocess.Popen(["true"])
    dead.wait()
    out, ck = tmp_path / "run", tmp_path / "ck"
    finished_run(out)
    ck.mkdir()
    stale = [out / f".metrics.json.{dead.pid}.abc", ck / f".checkpoint.pt.{dead.pid}.xyz", ck / ".checkpoint.pt.old"]
    live = ck / ".checkpoint.pt.1.xyz"  # pid 1 is alive: another run's write in progress
    for p in stale + [live]:
        p.write_bytes(b"partial")
    guard.clean_leftovers(out, ck)
    assert not any(p.exists() for p in stale) and live.exists()
    assert sorted(tree(out)) == ["embeddings.npy", "metrics.json"]
