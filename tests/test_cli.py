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


@pytest.mark.parametrize("args,name", [
    (["--degree", "1"], "degree"),
    (["--path-length", "1"], "path_length"),
    (["--steps", "0"], "steps"),
    (["--lr", "0"], "lr"),
    (["--lr", "-3"], "lr"),
    (["--preset", "huge"], "--preset"),
    (["--objective", "reverse"], "--objective"),
    (["--pause-tokens", "-1"], "pause_tokens"),
    (["--width", "30", "--heads", "4"], "width"),
    (["--degree", "x"], "--degree"),
])
def test_in_weights_rejects_bad_input(tmp_path, capsys, args, name):
    out = tmp_path / "run"
    code, err = cli_in_process(capsys, "in-weights", *args, "--out", str(out))
    assert code == 2
    lines = err.strip().splitlines()
    assert len(lines) == 1 and name in lines[0], err
    assert not out.exists()


def test_in_weights_writes_contract(tmp_path):
    out = tmp_path / "run"
    r = cli("in-weights", *TINY, "--steps", "10", "--warmup", "2", "--eval-every", "10", "--out", str(out))
    assert r.returncode == 0, r.stderr
    m = json.loads((out / "metrics.json").read_text())
    for key in ("test_exact_match", "test_hardest_token", "train_exact_match", "chance", "steps",
                "train_seconds", "device", "config", "leaf_first_hop_diagonal_accuracy", "provenance"):
        assert key in m
    assert m["chance"] == 1 / 40 and m["steps"] == 10 and m["config"]["degree"] == 40
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


def test_reproduce_rejects_unknown_experiment(tmp_path, capsys):
    code, err = cli_in_process(capsys, "reproduce", "in-weights-g3-3", "--out", str(tmp_path / "x"))
    assert code == 2 and "experiment" in err and not (tmp_path / "x").exists()


def test_reproduce_large_batch_scales_lr_by_the_square_root_rule():
    from geomem_nb.reproduce import plan
    base, _ = plan("in-weights-g5000-5", "paper")
    big, _ = plan("in-weights-g5000-5", "paper", batch_size=4 * base.batch_size)
    assert big.batch_size == 4 * base.batch_size and math.isclose(big.lr, 2 * base.lr)
    fixed, _ = plan("in-weights-g5000-5", "paper", batch_size=4 * base.batch_size, lr=3e-4)
    assert fixed.lr == 3e-4
    assert base.eval_budget == 0.04 and plan("in-weights-g5000-5", "ci")[0].eval_budget == 0.0


def test_reproduce_rejects_a_bad_batch_size(tmp_path, capsys):
    code, err = cli_in_process(capsys, "reproduce", "in-weights-g5000-5", "--preset", "ci", "--batch-size", "0",
                               "--out", str(tmp_path / "x"))
    assert code == 2 and "batch_size" in err and not (tmp_path / "x").exists()
