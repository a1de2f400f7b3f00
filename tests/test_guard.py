"""geomem_nb.guard: result sets written as one (a kill at any moment leaves the old set or the new one),
leftovers of a dead run cleaned at the next start, and a checkpoint matched to its run before resume."""
import json
import os
import subprocess
from pathlib import Path

import numpy as np
import pytest

from geomem_nb import guard
from geomem_nb.graphs import path_star

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


def test_resume_refuses_a_checkpoint_of_another_graph(tmp_path):
    a, b = path_star(20, 4, seed=0), path_star(20, 4, seed=1)
    assert guard.graph_hash(a) == guard.graph_hash(path_star(20, 4, seed=0)) != guard.graph_hash(b)
    with pytest.raises(ValueError, match="graph_sha256"):
        guard.check_same_run({"seed": 0, "graph_sha256": guard.graph_hash(a)},
                             {"seed": 0, "graph_sha256": guard.graph_hash(b)}, "ck/checkpoint.pt")
    with pytest.raises(ValueError, match="no run settings"):
        guard.check_same_run(None, {"seed": 0}, "ck/checkpoint.pt")


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
