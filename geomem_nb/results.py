"""Reading and writing results: atomic writes, provenance, the shipped ``results/`` folder (every record
schema-checked on load: ``BadRecord`` names the file and what is wrong).

Where the shipped records are read from (``RESULTS``), in this order:
* ``GEOMEM_RESULTS=none``: nowhere, the from-scratch mode: every chapter computes what it shows at its preset;
  ``GEOMEM_RESULTS=<folder>``: that folder;
* in a checkout (an editable install, ``make``): the repository's ``results/``;
* in an installed wheel (Colab): the same files, shipped as the package data ``geomem_nb/shipped_results``
  (``pyproject.toml`` maps ``results/`` there, so the repository keeps one copy)."""
from __future__ import annotations

import json
import math
import os
import re
import subprocess
import sys
import tempfile
import time
from pathlib import Path

import numpy as np
import torch

from .runtime import device, device_name
from .schemas import missing

REPO = Path(__file__).resolve().parent.parent
# A source checkout (not site-packages): where records are written and outputs/ and runs/ go.
CHECKOUT = (REPO / "pyproject.toml").is_file() and (REPO / "results").is_dir()
FROM_SCRATCH = "none"  # the GEOMEM_RESULTS value that ignores every shipped record


def records_root(setting: str | None = None) -> Path | None:
    """The folder the shipped records are read from (None: from scratch); ``setting`` stands for
    GEOMEM_RESULTS. A folder named there that does not exist is refused, naming the variable."""
    setting = os.environ.get("GEOMEM_RESULTS", "") if setting is None else setting
    if setting.strip().lower() == FROM_SCRATCH:
        return None
    if setting.strip():
        root = Path(setting).expanduser()
        if not root.is_dir():
            raise ValueError(f"GEOMEM_RESULTS must be {FROM_SCRATCH!r} or an existing folder, got {setting!r}")
        return root.resolve()
    if CHECKOUT:
        return REPO / "results"
    packaged = Path(__file__).resolve().parent / "shipped_results"
    return packaged if packaged.is_dir() else None


RESULTS = records_root()


def record_folder(out, preset: str, record: str) -> Path:
    """Where a CLI writes a record: ``out`` when given, else ``results/<preset>/<record>``; refused (a
    ValueError naming --out) when there is no records folder (GEOMEM_RESULTS=none)."""
    if out is None and RESULTS is None:
        raise ValueError("--out is needed when GEOMEM_RESULTS=none (no records folder)")
    return Path(out) if out is not None else RESULTS / preset / record


def read_at(preset: str, record: str, root=None) -> dict | None:
    """The record ``<root>/<preset>/<record>/metrics.json`` (root: the records folder, ``RESULTS``), or
    None when there is none."""
    root = root or RESULTS
    path = None if root is None else Path(root) / preset / record / "metrics.json"
    return read_json(path) if path is not None and path.exists() else None


def workspace(name: str) -> Path:
    """Where runs that are not records go (``outputs``, ``runs``): beside the repository in a checkout,
    else in the current folder (an installed package must not write into site-packages)."""
    return (REPO if CHECKOUT else Path.cwd()) / name


def records_note() -> str:
    """One line saying which records a chapter reads, for its first output."""
    if RESULTS is None:
        return "records: none (GEOMEM_RESULTS=none, from scratch): nothing is loaded"
    if RESULTS == REPO / "results":
        return "records: the repository's results/"
    packaged = RESULTS == Path(__file__).resolve().parent / "shipped_results"
    return f"records: {'shipped with the package' if packaged else RESULTS}"


def _atomic(path, write) -> None:
    """Write to a temporary file in the same folder, then rename over ``path``."""
    path = Path(path)
    path.parent.mkdir(parents=True, exist_ok=True)
    # The pid in the name lets the next run tell a dead run's leftover from a live one's (guard.clean_leftovers).
    fd, tmp = tempfile.mkstemp(dir=path.parent, prefix=f".{path.name}.{os.getpid()}.")
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


class BadRecord(ValueError):
    """A saved record that cannot be read as one: its message is ``<path>: <what is wrong>``."""


# Keys every record of a kind must have. Chapter records (``results/<preset>/NN_chapter``) carry their
# own summary; runs (everything else) their config, history and headline numbers.
CHAPTER_KEYS = ("preset", "provenance")
RUN_KEYS = ("config", "steps", "history", "provenance")
RUN_KINDS = {"tiny": ("topk_recovery", "geometric_level"),
             "sequence": ("test_exact_match", "test_hardest_token", "chance")}


def _non_finite(x, where: str = "") -> str | None:
    """Where the first NaN or infinity sits in ``x`` (None: none). A diverged run's training loss in its
    history (``history[i].loss``) is a measurement and may be NaN."""
    if isinstance(x, float) and not math.isfinite(x):
        return where or "the value"
    items = x.items() if isinstance(x, dict) else enumerate(x) if isinstance(x, list) else ()
    for k, v in items:
        here = f"{where}[{k}]" if isinstance(k, int) else f"{where}.{k}" if where else str(k)
        if re.fullmatch(r"history\[\d+\]\.loss", here):
            continue
        found = _non_finite(v, here)
        if found:
            return found
    return None


def check_record(record, name: str = "") -> dict:
    """``record`` if it is a well-formed saved record, else a ValueError saying what is wrong."""
    if not isinstance(record, dict):
        raise ValueError(f"holds a JSON {type(record).__name__}, not an object")
    chapter = re.fullmatch(r"\d\d_\w+", Path(name).name or "") is not None
    keys = CHAPTER_KEYS if chapter else RUN_KEYS
    if not chapter:
        kind = "tiny" if "topk_recovery" in record or "spectral_concentration" in record else "sequence"
        keys = keys + RUN_KINDS[kind]
    missing = [k for k in keys if k not in record]
    if missing:
        raise ValueError(f"lacks the key(s) {', '.join(missing)}")
    if not isinstance(record["provenance"], dict):
        raise ValueError("provenance is not an object")
    if not chapter and not (isinstance(record["config"], dict) and isinstance(record["history"], list)):
        raise ValueError("config must be an object and history a list")
    bad = _non_finite(record)
    if bad:
        raise ValueError(f"{bad} is not a finite number")
    for k in keys:
        v = record[k]
        if k not in ("config", "history", "provenance", "preset") and not (v is None or isinstance(v, (int, float))):
            raise ValueError(f"{k} is {type(v).__name__}, not a number")
    return record


def _reject_constant(token):
    return float(token)  # NaN / Infinity parse to floats; check_record reports where they sit


def read_record(path, name: str = "") -> dict:
    """A saved ``metrics.json``, schema-checked: a ``BadRecord`` names the file and what is wrong."""
    path = Path(path)
    shown = path.relative_to(REPO) if path.is_absolute() and REPO in path.parents else path
    try:
        text = path.read_text()
    except (OSError, UnicodeDecodeError) as err:
        raise BadRecord(f"{shown}: cannot be read ({err})") from None
    if not text.strip():
        raise BadRecord(f"{shown}: is empty")
    try:
        record = json.loads(text, parse_constant=_reject_constant)
    except json.JSONDecodeError as err:
        raise BadRecord(f"{shown}: is not valid JSON (truncated?): {err}") from None
    try:
        return check_record(record, name or path.parent.name)
    except ValueError as err:
        raise BadRecord(f"{shown}: {err}") from None


def shipped(name: str) -> dict | None:
    """The shipped result ``results/<name>/metrics.json``, or None when it is not there; a record that
    is there but unreadable raises ``BadRecord`` (naming the file and what is wrong)."""
    if RESULTS is None:
        return None
    path = RESULTS / name / "metrics.json"
    return read_record(path, name) if path.exists() else None


def load_if_present(name: str) -> dict | None:
    """For a chapter's "load if present" cell: ``shipped(name)``, but a bad record is reported in one
    line (which file, what is wrong) and treated as absent, so the chapter runs its preset instead."""
    try:
        return shipped(name)
    except BadRecord as err:
        print(f"ignoring an unreadable record: {err}; running the preset instead")
        return None


_CHAPTER_T0 = time.perf_counter()  # a chapter's record counts its seconds from the package import


def record(chapter: str, summary: dict, preset: str) -> Path | None:
    """Save a chapter's asserted numbers as ``results/<preset>/<chapter>/metrics.json`` (with
    provenance), for the claims table. Only when GEOMEM_SAVE_RESULTS=1: executing a notebook (in
    the book build, under nbmake) otherwise leaves the repository untouched."""
    lacking = missing(chapter, summary)
    if lacking:  # checked on every run, saved or not, so a renamed key fails in the notebook tests
        raise ValueError(f"the record of {chapter} lacks {', '.join(lacking)} (geomem_nb/schemas.py)")
    if os.environ.get("GEOMEM_SAVE_RESULTS") != "1":
        return None
    if RESULTS is None:
        raise ValueError("GEOMEM_SAVE_RESULTS=1 needs a records folder; GEOMEM_RESULTS=none reads and writes none")
    path = RESULTS / preset / chapter / "metrics.json"
    write_json({**summary, "preset": preset, "provenance": provenance(
        device_name(device()), time.perf_counter() - _CHAPTER_T0, f"GEOMEM_SCALE={preset} notebooks/{chapter}")}, path)
    return path
