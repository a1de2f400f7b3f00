"""The CLI contract: rejections (one line, exit 2, nothing written), a tiny real run, and resume after SIGKILL."""
import json
import math
import os
import signal
import subprocess
import sys
import time
from pathlib import Path

import pytest

from test_guard import finished_run, tree

ROOT = Path(__file__).resolve().parent.parent
ENV = {**os.environ, "GEOMEM_PROGRESS": "0", "PYTHONPATH": str(ROOT)}
TINY = ["--preset", "ci", "--degree", "40", "--path-length", "4", "--layers", "1", "--width", "32",
        "--heads", "2", "--batch-size", "64"]


def cli(*args, **kw):
    return subprocess.run([sys.executable, "-m", "geomem_nb", *args], capture_output=True, text=True,
                          env=ENV, cwd=ROOT, timeout=600, **kw)


def cli_in_process(capsys, *args):
    """The CLI's entry point in this process (no interpreter start-up per case): (exit code, stderr)."""
    from geomem_nb.cli import main
    try:
        code = main(list(args))
    except SystemExit as exit_:
        code = exit_.code
    return code, capsys.readouterr().err


# The one table of rejected command lines: name -> (argv with {out}/{tmp} placeholders, what the one
# error line must name, a setup of tmp_path or None, environment variables).
SMALL = ["--preset", "ci", "--degree", "20", "--path-length", "4", "--layers", "1", "--width", "16", "--heads", "2",
         "--batch-size", "32", "--steps", "20", "--warmup", "2", "--eval-every", "10"]
IC = ["--degree", "2", "--path-length", "3", "--num-labels", "8", "--objective", "forward", "--preset", "ci",
      "--layers", "1", "--width", "16", "--heads", "2", "--steps", "4", "--warmup", "2", "--eval-every", "2"]
IC4 = ["--preset", "ci", "--degree", "2", "--path-length", "4", "--objective", "forward"]
TINY_GRAPH = ["--graph", "cycle:7", "--model", "nn", "--steps", "20", "--preset", "ci"]


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


REJECTED = {
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
    "tiny graph too big": (["tiny", *TINY_GRAPH, "--graph", "cycle:1000000000", "--out", "{out}"], "graph", None, {}),
    "tiny out is a file": (["tiny", *TINY_GRAPH, "--out", "{tmp}/afile"], "--out", _file, {}),
    "tiny lr inf": (["tiny", *TINY_GRAPH, "--lr", "inf", "--out", "{out}"], "lr", None, {}),
    "tiny huge dim": (["tiny", *TINY_GRAPH, "--dim", str(10**7), "--out", "{out}"], "memory", None, {}),
    "tiny finished run": (["tiny", *TINY_GRAPH, "--out", "{out}"], "--overwrite", _finished, {}),
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
    "env device index": (["tiny", *TINY_GRAPH, "--out", "{out}"], "GEOMEM_DEVICE", None, {"GEOMEM_DEVICE": "cuda:99"}),
    # in-weights, argument checks
    "iw degree 1": (["in-weights", "--preset", "ci", "--degree", "1", "--out", "{out}"], "degree", None, {}),
    "iw path length 1": (["in-weights", "--preset", "ci", "--path-length", "1", "--out", "{out}"], "path_length", None, {}),
    "iw steps 0": (["in-weights", "--preset", "ci", "--steps", "0", "--out", "{out}"], "steps", None, {}),
    "iw lr 0": (["in-weights", "--preset", "ci", "--lr", "0", "--out", "{out}"], "lr", None, {}),
    "iw lr negative": (["in-weights", "--preset", "ci", "--lr", "-3", "--out", "{out}"], "lr", None, {}),
    "iw preset unknown": (["in-weights", "--preset", "huge", "--out", "{out}"], "--preset", None, {}),
    "iw objective unknown": (["in-weights", "--preset", "ci", "--objective", "reverse", "--out", "{out}"], "--objective", None, {}),
    "iw pause tokens negative": (["in-weights", "--preset", "ci", "--pause-tokens", "-1", "--out", "{out}"],
                                 "pause_tokens", None, {}),
    "iw width not divisible": (["in-weights", "--preset", "ci", "--width", "30", "--heads", "4", "--out", "{out}"],
                               "width", None, {}),
    "iw degree not a number": (["in-weights", "--preset", "ci", "--degree", "x", "--out", "{out}"], "--degree", None, {}),
    "iw tree star too large": (["in-weights", "--preset", "ci", "--graph", "tree-star", "--degree", "3", "--path-length",
                                "30", "--out", "{out}"], "2000000", None, {}),
    "iw staged without edge steps": (["in-weights", "--preset", "ci", "--schedule", "staged", "--out", "{out}"],
                                     "edge_steps", None, {}),
    "iw staged edges only": (["in-weights", "--preset", "ci", "--schedule", "staged", "--edge-steps", "5", "--objective",
                              "edges-only", "--out", "{out}"], "path objective", None, {}),
    "iw staged warmup beyond edge steps": (["in-weights", *SMALL, "--schedule", "staged", "--edge-steps", "1",
                                            "--out", "{out}"], "edge_steps", None, {}),
    "iw reverse hardest token": (["in-weights", "--preset", "ci", "--path-direction", "reverse", "--objective",
                                  "hardest-token", "--out", "{out}"], "path_direction", None, {}),
    "iw path share 1": (["in-weights", "--preset", "ci", "--path-share", "1", "--out", "{out}"], "path_share", None, {}),
    "iw path share staged": (["in-weights", "--preset", "ci", "--path-share", "0.5", "--schedule", "staged",
                              "--edge-steps", "5", "--out", "{out}"], "path_share", None, {}),
    "iw path share edges only": (["in-weights", "--preset", "ci", "--path-share", "0.5", "--objective", "edges-only",
                                  "--out", "{out}"], "path_share", None, {}),
    "iw edge lr 0": (["in-weights", "--preset", "ci", "--edge-lr", "0", "--out", "{out}"], "edge_lr", None, {}),
    "iw model unknown": (["in-weights", "--preset", "ci", "--model", "rnn", "--out", "{out}"], "--model", None, {}),
    "iw split unknown": (["in-weights", "--preset", "ci", "--split", "middle", "--out", "{out}"], "--split", None, {}),
    # in-context, argument checks (degree 2, path length 4, objective forward unless the case says)
    "ic degree 1": (["in-context", *IC4, "--degree", "1", "--out", "{out}"], "degree", None, {}),
    "ic path length 2": (["in-context", *IC4, "--path-length", "2", "--out", "{out}"], "path_length", None, {}),
    "ic labels too few for the graph": (["in-context", *IC4, "--degree", "5", "--path-length", "5", "--num-labels", "20",
                                         "--out", "{out}"], "num_labels", None, {}),
    "ic objective unknown": (["in-context", *IC4, "--objective", "sideways", "--out", "{out}"], "--objective", None, {}),
    "ic steps 0": (["in-context", *IC4, "--steps", "0", "--out", "{out}"], "steps", None, {}),
    "ic width not divisible": (["in-context", *IC4, "--width", "30", "--heads", "4", "--out", "{out}"], "width", None, {}),
    "ic lr negative": (["in-context", *IC4, "--lr", "-1", "--out", "{out}"], "lr", None, {}),
    "ic eval examples 0": (["in-context", *IC4, "--eval-examples", "0", "--out", "{out}"], "eval_examples", None, {}),
    "ic no pack": (["in-context", *IC4, "--no-pack", "--out", "{out}"], "--no-pack", None, {}),
    "ic warm start of a forward run": (["in-context", *IC4, "--warm-start-steps", "5", "--out", "{out}"],
                                       "warm_start_steps", None, {}),
    "ic warm start negative": (["in-context", *IC4, "--objective", "hardest-token", "--warm-start-steps", "-1",
                                "--out", "{out}"], "warm_start_steps", None, {}),
    "ic warm start shorter than warm-up": (["in-context", *IC4, "--objective", "hardest-token", "--warm-start-steps",
                                            "1", "--out", "{out}"], "warm_start_steps", None, {}),
    "ic degree not a number": (["in-context", *IC4, "--degree", "x", "--out", "{out}"], "--degree", None, {}),
    "ic without objective": (["in-context", "--degree", "2", "--path-length", "4", "--out", "{out}"], "--objective", None, {}),
    "ic without out": (["in-context", "--degree", "2", "--path-length", "4", "--objective", "forward"], "--out", None, {}),
    "ic without degree": (["in-context", "--path-length", "4", "--objective", "forward", "--out", "{out}"], "--degree",
                          None, {}),
    # tiny, argument checks
    "tiny graph unknown": (["tiny", "--graph", "wheel", "--model", "nn", "--out", "{out}"], "graph", None, {}),
    "tiny model unknown": (["tiny", "--graph", "star", "--model", "gpt", "--out", "{out}"], "--model", None, {}),
    "tiny steps negative": (["tiny", "--graph", "star", "--model", "nn", "--steps", "-1", "--out", "{out}"], "steps", None, {}),
    "tiny lr 0": (["tiny", "--graph", "star", "--model", "nn", "--lr", "0", "--out", "{out}"], "lr", None, {}),
    "tiny node2vec forward only": (["tiny", "--graph", "star", "--model", "node2vec", "--forward-only", "--out", "{out}"],
                                   "forward_only", None, {}),
    "tiny schedule unknown": (["tiny", *TINY_GRAPH, "--schedule", "linear", "--out", "{out}"], "--schedule", None, {}),
    # reproduce, argument checks
    "rep experiment unknown": (["reproduce", "in-weights-g3-3", "--out", "{out}"], "EXPERIMENT", None, {}),
    "rep batch size 0": (["reproduce", "in-weights-g5000-5", "--preset", "ci", "--batch-size", "0", "--out", "{out}"],
                         "batch_size", None, {}),
    "rep buckets in context": (["reproduce", "in-context-g2-5-forward", "--preset", "ci", "--buckets", "--out", "{out}"],
                               "buckets", None, {}),
}


@pytest.mark.parametrize("case", sorted(REJECTED))
def test_rejected_command_line_exits_2_with_one_line_and_writes_nothing(tmp_path, capsys, monkeypatch, case):
    args, name, setup, env = REJECTED[case]
    for k, v in env.items():
        monkeypatch.setenv(k, v)
    if setup:
        setup(tmp_path)
    before = {p: tree(tmp_path / p) for p in ("run", "ck", "afile")}
    args = [a.replace("{out}", str(tmp_path / "run")).replace("{tmp}", str(tmp_path)) for a in args]
    code, err = cli_in_process(capsys, *args)
    lines = err.strip().splitlines()
    assert code == 2, (code, lines)
    assert len(lines) == 1 and name in lines[0], lines
    assert "Traceback" not in lines[0]
    assert {p: tree(tmp_path / p) for p in before} == before  # nothing written, nothing changed
    assert sorted(p.name for p in tmp_path.iterdir()) == sorted(p for p in before if before[p] is not None)


def test_every_subcommand_has_rejections():
    assert len(REJECTED) >= 60
    assert {a[0][0] for a in REJECTED.values()} == {"in-weights", "in-context", "tiny", "reproduce"}


def test_in_weights_writes_contract(tmp_path):
    out = tmp_path / "run"
    r = cli("in-weights", *TINY, "--steps", "10", "--warmup", "2", "--eval-every", "10", "--out", str(out))
    assert r.returncode == 0, r.stderr
    m = json.loads((out / "metrics.json").read_text())
    for key in ("test_exact_match", "test_hardest_token", "train_exact_match", "chance", "steps",
                "train_seconds", "device", "config", "leaf_first_hop_diagonal_accuracy", "provenance"):
        assert key in m
    assert m["chance"] == 1 / 40 and m["steps"] == 10 and m["config"]["degree"] == 40
    # 10 steps learn nothing: the run says so on its last line and in metrics.json
    assert m["status"].startswith("under-trained: train exact match"), m["status"]
    assert r.stdout.strip().splitlines()[-1].startswith("status: under-trained: train exact match"), r.stdout
    g = json.loads((out / "graph.json").read_text())
    assert len(g["arms"]) == 40 and len(g["train_arms"]) + len(g["test_arms"]) == 40
    import numpy as np
    assert np.load(out / "embeddings.npy").shape == (40 * 3 + 1, 32)


def test_resume_after_sigkill_matches_uninterrupted(tmp_path):
    args = ["--preset", "ci", "--degree", "20", "--path-length", "4", "--layers", "1", "--width", "16",
            "--heads", "2", "--batch-size", "32", "--steps", "120", "--eval-every", "40", "--checkpoint-every", "20"]
    ref = cli("in-weights", *args, "--checkpoint-dir", str(tmp_path / "ck_ref"), "--out", str(tmp_path / "ref"))
    assert ref.returncode == 0, ref.stderr

    ck = tmp_path / "ck"
    p = subprocess.Popen([sys.executable, "-m", "geomem_nb", "in-weights", *args, "--checkpoint-dir", str(ck),
                          "--out", str(tmp_path / "killed")], env=ENV, cwd=ROOT,
                         stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
    deadline = time.time() + 300
    while not (ck / "checkpoint.pt").exists() and time.time() < deadline and p.poll() is None:
        time.sleep(0.05)
    p.send_signal(signal.SIGKILL)
    p.wait()
    assert p.returncode == -signal.SIGKILL, "the run finished before it could be killed"
    assert not (tmp_path / "killed" / "metrics.json").exists()

    res = cli("in-weights", *args, "--checkpoint-dir", str(ck), "--resume", "--out", str(tmp_path / "resumed"))
    assert res.returncode == 0, res.stderr
    a = json.loads((tmp_path / "ref" / "metrics.json").read_text())
    b = json.loads((tmp_path / "resumed" / "metrics.json").read_text())
    for key in ("test_exact_match", "test_hardest_token", "train_exact_match", "leaf_first_hop_diagonal_accuracy",
                "edge_recovery", "test_per_position", "steps"):
        assert a[key] == b[key], key
    strip = lambda h: [{k: v for k, v in r.items() if k != "train_seconds"} for r in h]  # noqa: E731
    assert strip(a["history"]) == strip(b["history"])


def test_reproduce_large_batch_scales_lr_by_the_square_root_rule():
    from geomem_nb.reproduce import plan
    base, _ = plan("in-weights-g5000-5", "paper")
    big, _ = plan("in-weights-g5000-5", "paper", batch_size=4 * base.batch_size)
    assert big.batch_size == 4 * base.batch_size and math.isclose(big.lr, 2 * base.lr)
    fixed, _ = plan("in-weights-g5000-5", "paper", batch_size=4 * base.batch_size, lr=3e-4)
    assert fixed.lr == 3e-4
    assert base.eval_budget == 0.04 and plan("in-weights-g5000-5", "ci")[0].eval_budget == 0.0
