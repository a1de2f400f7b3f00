"""Reading and writing results: atomic writes, provenance, the shipped ``results/`` folder."""
from __future__ import annotations

import json
import os
import subprocess
import sys
import tempfile
import time
from pathlib import Path

import numpy as np
import torch

REPO = Path(__file__).resolve().parent.parent
RESULTS = REPO / "results"


def _atomic(path, write) -> None:
    """Write to a temporary file in the same folder, then rename over ``path``."""
    path = Path(path)
    path.parent.mkdir(parents=True, exist_ok=True)
    fd, tmp = tempfile.mkstemp(dir=path.parent, prefix=f".{path.name}.")
    try:
        with os.fdopen(fd, "wb") as f:
            write(f)
            f.flush()
            os.fsync(f.fileno())
        os.chmod(tmp, 0o644)  # mkstemp makes 0600; results are shared files
        os.replace(tmp, path)
    except BaseException:
        if os.path.exists(tmp):
            os.unlink(tmp)
        raise


def atomic_save(obj, path) -> None:
    _atomic(path, lambda f: torch.save(obj, f))


def _jsonable(x):
    if isinstance(x, dict):
        return {str(k): _jsonable(v) for k, v in x.items()}
    if isinstance(x, (list, tuple)):
        return [_jsonable(v) for v in x]
    if isinstance(x, (np.integer,)):
        return int(x)
    if isinstance(x, (np.floating,)):
        return float(x)
    if isinstance(x, np.ndarray):
        return x.tolist()
    if isinstance(x, torch.Tensor):
        return x.tolist()
    return x


def write_json(obj, path) -> None:
    text = json.dumps(_jsonable(obj), indent=1)
    _atomic(path, lambda f: f.write(text.encode()))


def read_json(path) -> dict:
    with open(path) as f:
        return json.load(f)


def git_commit() -> str:
    """HEAD (``+dirty`` if tracked code changed; result files under ``results/`` do not count, so a
    batch of records written one after another all name the clean commit that made them);
    GEOMEM_GIT_COMMIT overrides it for a copy of the tree that travels without its .git (e.g. to a
    GPU machine)."""
    if os.environ.get("GEOMEM_GIT_COMMIT"):
        return os.environ["GEOMEM_GIT_COMMIT"]
    try:
        out = subprocess.run(["git", "rev-parse", "HEAD"], cwd=REPO, capture_output=True, text=True, timeout=10)
        commit = out.stdout.strip() or "unknown"
        dirty = subprocess.run(["git", "status", "--porcelain", "--untracked-files=no", "--", ".",
                                ":(exclude)results"], cwd=REPO,
                               capture_output=True, text=True, timeout=10).stdout.strip()
        return commit + ("+dirty" if dirty else "")
    except (OSError, subprocess.SubprocessError):
        return "unknown"


def provenance(device_name: str, seconds: float, command: str | None = None, commit: str | None = None) -> dict:
    return {
        "command": command or " ".join(["python -m geomem_nb"] + sys.argv[1:]),
        "git_commit": commit or git_commit(),
        "device": device_name,
        "torch_version": torch.__version__,
        "seconds": round(seconds, 2),
    }


def shipped(name: str) -> dict | None:
    """The shipped result ``results/<name>/metrics.json``, or None when it is not there."""
    path = RESULTS / name / "metrics.json"
    return read_json(path) if path.exists() else None


_CHAPTER_T0 = time.perf_counter()  # a chapter's record counts its seconds from the package import


def record(chapter: str, summary: dict, preset: str) -> Path | None:
    """Save a chapter's asserted numbers as ``results/<preset>/<chapter>/metrics.json`` (with
    provenance), for the claims table. Only when GEOMEM_SAVE_RESULTS=1: executing a notebook (in
    the book build, under nbmake) otherwise leaves the repository untouched."""
    from .schemas import missing

    lacking = missing(chapter, summary)
    if lacking:  # checked on every run, saved or not, so a renamed key fails in the notebook tests
        raise ValueError(f"the record of {chapter} lacks {', '.join(lacking)} (geomem_nb/schemas.py)")
    if os.environ.get("GEOMEM_SAVE_RESULTS") != "1":
        return None
    from .runtime import device, device_name

    path = RESULTS / preset / chapter / "metrics.json"
    write_json({**summary, "preset": preset, "provenance": provenance(
        device_name(device()), time.perf_counter() - _CHAPTER_T0, f"GEOMEM_SCALE={preset} notebooks/{chapter}")}, path)
    return path
