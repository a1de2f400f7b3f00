"""The launcher (submitit): a sweep and the seed studies run as local jobs write the same records as the
direct path; jobs wait for the jobs they come after; bad input is refused before any work starts."""
import json
import os
import operator
import subprocess
from functools import partial
from pathlib import Path

import pytest

from geomem_nb import launch
from geomem_nb.studies import knob_table, path_length_map, what_else_matters
from geomem_nb.results import REPO

TINY_CELL = dict(degree=(20,), path_length=(4,), epochs=(200,))
TINY_GRID = dict(degree=16, path_length=4, layers=1, width=32, heads=2, batch_size=64, steps=10, eval_every=10,
                 warmup=2)


def local(tmp_path, workers=2) -> launch.Launcher:
    return launch.Launcher("local", workers, folder=tmp_path / "submitit")


def untimed(x):
    """A record without what changes from one run to the next: its timings."""
    if isinstance(x, dict):
        return {k: untimed(v) for k, v in x.items() if not k.endswith("seconds")}
    if isinstance(x, list):
        return [untimed(v) for v in x]
    return x


def test_a_sweep_through_the_launcher_writes_the_direct_runs_record(tmp_path, monkeypatch):
    monkeypatch.setitem(path_length_map.GRIDS, "ci", TINY_CELL)
    (cell,) = path_length_map.cells("ci")
    run = path_length_map.name(cell)
    direct = tmp_path / "direct"
    cmd = path_length_map.command(path_length_map.config(cell, "ci"), direct / run)
    subprocess.run(cmd, env={**os.environ, "OMP_NUM_THREADS": "1", "GEOMEM_PROGRESS": "0"}, cwd=REPO, check=True,
                   capture_output=True)
    assert path_length_map.run("ci", tmp_path / "launched", launcher=local(tmp_path)) == []
    a = json.loads((direct / run / "metrics.json").read_text())
    b = json.loads((tmp_path / "launched" / run / "metrics.json").read_text())
    assert b["provenance"]["command"] == a["provenance"]["command"].replace("/direct/", "/launched/")
    assert b["provenance"]["device"] == a["provenance"]["device"] and "1 threads" in b["provenance"]["device"]
    for rec in (a, b):
        rec.pop("provenance")
        rec["config"].pop("out", None)
    assert untimed(b) == untimed(a) and b["history"] and b["train_seconds"] > 0
    # the records folder holds the run alone; submitit's files went to their own folder
    assert sorted(p.name for p in (tmp_path / "launched").iterdir()) == [run]
    assert sorted(f.name for f in (tmp_path / "launched" / run).iterdir()) == ["metrics.json"]
    assert any((tmp_path / "submitit" / "sweep-grid").glob("*_log.out"))


def test_a_failed_cell_is_named_with_its_error(tmp_path, monkeypatch):
    monkeypatch.setitem(path_length_map.GRIDS, "ci", TINY_CELL)
    monkeypatch.setattr(path_length_map, "command", lambda cfg, out, checkpoint=None: ["python3", "-c", "import sys; sys.exit('no such run')"])
    (failed,) = path_length_map.run("ci", tmp_path / "out", launcher=local(tmp_path))
    assert failed.startswith("d20-l4-e200:") and "no such run" in failed


def test_a_seed_study_through_the_launcher_writes_the_direct_record(tmp_path):
    spreads, per_seed = what_else_matters.sweep("ci", [0, 1], **TINY_GRID)
    seen = []
    launched, per_seed_l = what_else_matters.sweep("ci", [0, 1], launcher=local(tmp_path), on_seed=lambda s, m: seen.append(s),
                                          **TINY_GRID)
    assert per_seed_l == per_seed and seen == [0, 1]
    a = what_else_matters.write(tmp_path / "a", "ci", [0, 1], spreads, 1.0, "test")
    b = what_else_matters.write(tmp_path / "b", "ci", [0, 1], launched, 1.0, "test")
    a, b = (json.loads(p.read_text()) for p in (a, b))
    a.pop("provenance"), b.pop("provenance")
    assert a == b and len(a["measurements"]) > 20
    assert len(list((tmp_path / "submitit" / "seeds-geomem_nb.studies.what_else_matters").glob("*_result.pkl"))) == 2


def test_a_seed_cli_through_the_launcher_writes_the_direct_record(tmp_path, monkeypatch):
    monkeypatch.setattr(launch.results, "workspace", lambda name: tmp_path / name)  # submitit's files
    args = ["--preset", "ci", "--width", "16", "--steps", "30", "--seeds", "7", "0", "--c12-rows"]
    assert knob_table.main(args + ["--out", str(tmp_path / "direct")]) == 0
    assert knob_table.main(args + ["--out", str(tmp_path / "launched"), "--launcher", "local", "--workers", "2"]) == 0
    a, b = (json.loads((tmp_path / d / "metrics.json").read_text()) for d in ("direct", "launched"))
    assert b["provenance"]["command"].endswith("--launcher local --workers 2")
    a.pop("provenance"), b.pop("provenance")
    assert a == b and a["knobs"]["seeds"] == [7, 0]
    assert sorted(p.name for p in (tmp_path / "launched").iterdir()) == ["metrics.json"]
    assert len(list((tmp_path / "outputs" / "submitit" / knob_table.RECORD).glob("*_result.pkl"))) == 2


def test_the_decisive_cli_through_the_launcher_writes_the_direct_record(tmp_path, monkeypatch):
    from geomem_nb.studies import edges_pauses_phases as dc

    monkeypatch.setattr(launch.results, "workspace", lambda name: tmp_path / name)
    args = ["--preset", "ci", "--seeds", "3"]  # one seed: the gathering of several is the seed study's test
    assert dc.main(args + ["--out", str(tmp_path / "direct")]) == 0
    assert dc.main(args + ["--out", str(tmp_path / "launched"), "--launcher", "local"]) == 0
    a, b = (json.loads((tmp_path / d / "metrics.json").read_text()) for d in ("direct", "launched"))
    a.pop("provenance"), b.pop("provenance")
    assert a == b and len(a["curves"]["c19"]) == 1 and a["measurements"]["chance"]["n"] == 1 and a["seeds"] == [3]
    assert len(list((tmp_path / "outputs" / "submitit" / f"seeds-{dc.RECORD}").glob("*_result.pkl"))) == 1


def test_jobs_wait_for_the_jobs_they_come_after(tmp_path):
    with pytest.raises(launch.LaunchError) as e:
        launch.run({"sum": partial(operator.add, 1, 2), "threads": partial(os.getenv, "OMP_NUM_THREADS"),
                    "bad": partial(int, "x"), "after bad": partial(abs, -1)}, local(tmp_path), "t",
                   after={"threads": ["sum"], "after bad": ["bad"]})
    assert e.value.done == {"sum": 3, "threads": "1"}  # one thread per job
    with pytest.raises(ValueError, match="distinct"):
        launch.each(abs, [1, 1], local(tmp_path), "t")
    assert "invalid literal" in e.value.failed["bad"] and "not run" in e.value.failed["after bad"]


def test_make_records_groups_run_as_jobs_in_their_order(tmp_path, monkeypatch):
    monkeypatch.setattr(launch.results, "workspace", lambda name: tmp_path / name)
    script = tmp_path / "groups.sh"
    script.write_text(f"cd {tmp_path}\n"
                      "first() { sleep 1; touch first.done; }\n"
                      "second() { test -e first.done && echo 'saw first' && touch second.done; }\n"
                      "broken() { echo oops; exit 3; }\n"
                      '"$1"\n')
    flags = ["--script", str(script), "--logs", str(tmp_path), "--workers", "2"]
    assert launch.records(flags + ["--after", "second=first", "--", "second", "first"]) == 0
    assert (tmp_path / "second.done").exists()
    assert "saw first" in (tmp_path / "make_records.second.log").read_text()
    assert launch.records(flags + ["--after", "second=broken", "--", "broken", "second"]) == 1
    assert "oops" in (tmp_path / "make_records.broken.log").read_text()


@pytest.mark.parametrize("kwargs, named", [
    (dict(kind="cloud"), "launcher"), (dict(kind="slurm"), "partition"), (dict(workers=0), "workers"),
    (dict(kind="local", gpus_per_node=-1), "gpus_per_node"), (dict(kind="local", time=0), "time")])
def test_bad_launchers_are_refused_naming_the_parameter(kwargs, named):
    with pytest.raises(ValueError, match=named):
        launch.Launcher(**kwargs)


def test_submitits_files_stay_out_of_the_records(tmp_path, monkeypatch):
    monkeypatch.setattr(launch.results, "RESULTS", tmp_path / "records")
    with pytest.raises(ValueError, match="folder"):
        launch.Launcher(folder=tmp_path / "records" / "cpu" / "09_path_length" / ".submitit")
    assert launch.Launcher(folder=tmp_path / "jobs").files("t") == tmp_path / "jobs" / "t"


def test_slurm_needs_a_cluster_and_gets_its_settings(tmp_path, monkeypatch):
    monkeypatch.setenv("PATH", str(tmp_path))  # no srun here
    with pytest.raises(ValueError, match="srun"):
        launch.Launcher("slurm", partition="gpu")
    (tmp_path / "srun").write_text("#!/bin/sh\nexit 0\n")
    (tmp_path / "srun").chmod(0o755)
    lau = launch.Launcher("slurm", 4, partition="gpu", gpus_per_node=1, time=90, folder=tmp_path / "jobs")
    text = launch.executor(lau, "sweep-grid")._executor._make_submission_file_text("CMD", "uid")
    for line in ("--partition=gpu", "--gpus-per-node=1", "--time=90", "--cpus-per-task=1",
                 "export OMP_NUM_THREADS=1", f"--output={tmp_path}/jobs/sweep-grid/"):
        assert line in text, line


def test_workers_default_to_the_local_share_or_every_job(tmp_path, monkeypatch):
    import argparse

    (tmp_path / "srun").write_text("#!/bin/sh\nexit 0\n")
    (tmp_path / "srun").chmod(0o755)
    monkeypatch.setenv("PATH", f"{tmp_path}:{os.environ['PATH']}")
    p = argparse.ArgumentParser()
    launch.add_arguments(p, local_workers=2)
    workers = lambda *argv: launch.from_args(p, p.parse_args(argv), jobs=7, local_workers=2).workers  # noqa: E731
    assert workers() == 2 and workers("--workers", "3") == 3
    assert workers("--launcher", "slurm", "--partition", "p") == 7 and workers("--launcher", "slurm", "--partition",
                                                                              "p", "--workers", "1") == 1


@pytest.mark.parametrize("argv, named", [
    (["--launcher", "slurm"], "partition"), (["--launcher", "cloud"], "--launcher"),
    (["--workers", "0"], "workers")])
def test_the_sweep_cli_refuses_bad_launchers_before_any_run(argv, named, tmp_path, capsys, monkeypatch):
    monkeypatch.setattr(path_length_map, "run", lambda *a, **k: pytest.fail("ran"))
    with pytest.raises(SystemExit):
        path_length_map.main(["--preset", "ci", "--out", str(tmp_path / "out")] + argv)
    assert named in capsys.readouterr().err and not (tmp_path / "out").exists()


@pytest.mark.parametrize("argv, named", [
    (["--partition", "gpu"], "--partition needs --launcher"), (["--launcher", "slurm"], "partition"),
    (["--launcher", "local", "--workers", "0"], "workers")])
def test_the_seed_clis_refuse_bad_launchers_before_any_run(argv, named, tmp_path, capsys, monkeypatch):
    monkeypatch.setattr(what_else_matters, "sweep", lambda *a, **k: pytest.fail("ran"))
    with pytest.raises(SystemExit):
        what_else_matters.main(["--preset", "ci", "--seeds", "0", "--out", str(tmp_path)] + argv)
    assert named in capsys.readouterr().err and not list(Path(tmp_path).iterdir())


def test_records_refuses_an_order_that_cannot_run(capsys):
    with pytest.raises(SystemExit):
        launch.records(["--after", "a=nowhere", "--", "a"])
    assert "nowhere" in capsys.readouterr().err
    with pytest.raises(SystemExit):
        launch.records(["--after", "a=b", "--after", "b=a", "--", "a", "b"])
    assert "cycle" in capsys.readouterr().err


def test_the_learning_order_study_through_the_launcher_is_the_direct_one(tmp_path, monkeypatch):
    from geomem_nb import presets
    from geomem_nb.studies import learning_order

    small = presets.config("in-weights-small", "ci").with_(**{**TINY_GRID, "steps": 20})
    monkeypatch.setattr(learning_order.presets, "config", lambda name, preset: small)  # the jobs get the config
    direct = learning_order.study("ci", [0, 1])
    launched = learning_order.study("ci", [0, 1], launcher=local(tmp_path))
    assert launched == direct and direct["runs"]["lr / 10"]["steps"] == 60
    assert len(list((tmp_path / "submitit" / "learning-order").glob("*_result.pkl"))) == 4


def test_make_records_sends_every_group_with_the_chapters_last(monkeypatch):
    """The script's launch line: every group (shell function) is a job, once; chapters after what it reads."""
    import re
    import shlex

    script = (REPO / "results" / "make_records.sh").read_text()
    line = script[script.index('exec "$PY" -m geomem_nb.launch records'):].replace("\\\n", " ")
    argv = shlex.split(line.split(" records", 1)[1].replace('"$@"', ""))
    seen = {}
    monkeypatch.setattr(launch, "run", lambda jobs, lau, tag, after, log: seen.update(jobs=list(jobs), after=after))
    assert launch.records(argv) == 0
    groups = set(re.findall(r"^([a-z_0-9]+)\(\) \{", script, re.M)) - {"cli", "in_context"}  # in_context: in runs
    assert sorted(seen["jobs"]) == sorted(groups)
    # chapters comes after every group that writes a record chapters 03, 04, 07 and 08 read
    from geomem_nb.studies import chapter_records

    bodies = dict(re.findall(r"^([a-z_0-9]+)\(\) \{[ \t]*(?:#[^\n]*)?\n(.*?)^\}", script, re.M | re.S))
    bodies["runs"] += bodies.pop("in_context")
    read = {r for c in ("03_hardest_token", "04_path_star_geometry", "07_why_geometry", "08_what_else_matters")
            for need in chapter_records.NEEDS[c] for r in need.records if r.startswith("cpu/")}
    writers = {g for r in read for g, body in bodies.items() if re.search(rf"results/{r}[\s\"]", body)}
    assert len(writers) >= 5 and writers == set(seen["after"]["chapters"]) and list(seen["after"]) == ["chapters"]
