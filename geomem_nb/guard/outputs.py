"""A run's outputs, checked before any work starts: ``out`` and the checkpoint folder must be folders we
can create and write, and ``out`` must not already hold a finished run (unless ``overwrite`` or
``resume``) nor other files; ``clean_leftovers`` removes what a killed run left behind; ``preflight``
makes these checks on a command line before anything heavy is imported."""
from __future__ import annotations

import argparse
import os
import shutil
import sys
import tempfile
from pathlib import Path

RESULT_FILES = ("metrics.json", "embeddings.npy", "graph.json", "dynamics.npz")

def _pid_alive(pid: int) -> bool:
    try:
        os.kill(pid, 0)
    except ProcessLookupError:
        return False
    except PermissionError:
        return True
    return True


def _owner(name: str) -> int | None:
    """The process id a temporary name was made by (``.<target>.tmp-<pid>-xyz``, ``.<target>.old-<pid>``,
    ``.<file>.<pid>.xyz``), None if it names none."""
    head = ""
    for marker in (".tmp-", ".old-"):
        if marker in name:
            head = name.split(marker, 1)[1].split("-", 1)[0]
            break
    else:
        for f in RESULT_FILES + ("checkpoint.pt",):
            if name.startswith(f".{f}."):
                head = name[len(f) + 2:].split(".", 1)[0]
    return int(head) if head.isdigit() else None


def _is_leftover(name: str, target: str | None = None) -> bool:
    """A temporary file or folder of ours: ``.<file>.<pid>.xyz`` (``results._atomic``) or
    ``.<target>.tmp-<pid>-xyz`` / ``.<target>.old-<pid>`` (``write_set``)."""
    if not name.startswith("."):
        return False
    if target is not None:
        return name.startswith((f".{target}.tmp-", f".{target}.old-"))
    return any(name.startswith(f".{f}.") for f in RESULT_FILES + ("checkpoint.pt",))


def check_folder(path, name: str) -> Path:
    """``path`` as a folder we can create and write into, else a ValueError naming ``name``. Writes
    nothing that stays (one probe folder, removed at once: ``os.access`` says yes to root on a
    read-only file system)."""
    if isinstance(path, str) and not path.strip():
        raise ValueError(f"{name} must name a folder, got an empty string")
    p = Path(path)
    q = p
    while not q.exists():
        if q.is_symlink():
            raise ValueError(f"{name} {str(path)!r}: {q} is a broken link")
        q = q.parent
    if not q.is_dir():
        where = "is a file, not a folder" if q == p else f"lies under {q}, which is a file"
        raise ValueError(f"{name} {str(path)!r} {where}")
    try:
        os.rmdir(tempfile.mkdtemp(dir=q, prefix=".geomem-probe-"))
    except OSError as err:
        raise ValueError(f"{name} {str(path)!r}: cannot write in {q} ({err.strerror})") from None
    return p


def check_outputs(out, checkpoint_dir=None, overwrite: bool = False, resume: bool = False) -> Path | None:
    """The up-front checks of a run's outputs (``out`` None: nothing is written)."""
    if checkpoint_dir is not None:
        check_folder(checkpoint_dir, "--checkpoint-dir")
        if Path(checkpoint_dir).exists() and not Path(checkpoint_dir).is_dir():
            raise ValueError(f"--checkpoint-dir {str(checkpoint_dir)!r} is a file, not a folder")
    if out is None:
        return None
    out = check_folder(out, "--out")
    if checkpoint_dir is not None:
        ck, o = Path(checkpoint_dir).resolve(), out.resolve()
        if ck == o or o in ck.parents:
            raise ValueError(f"--checkpoint-dir {str(checkpoint_dir)!r} must lie outside --out {str(out)!r}: "
                             "the result set replaces that folder as a whole")
    if out.is_dir():
        foreign = sorted(e.name for e in out.iterdir() if e.name not in RESULT_FILES and not _is_leftover(e.name))
        if foreign:
            more = f" and {len(foreign) - 3} more" if len(foreign) > 3 else ""
            raise ValueError(f"--out {str(out)!r} holds files that are not a run's ({', '.join(foreign[:3])}{more}); "
                             "choose a new or empty folder")
        if (out / "metrics.json").exists() and not (overwrite or resume):
            raise ValueError(f"--out {str(out)!r} already holds a finished run (metrics.json); pass --overwrite "
                             "to replace it, or choose another folder")
    return out


def clean_leftovers(out=None, checkpoint_dir=None) -> list[str]:
    """Remove what a killed run left: temporary sets beside ``out`` (an ``.old`` set whose target is
    gone is put back: it was the complete previous set), temporary files inside ``out`` and the
    checkpoint folder. Those of a process still alive are left alone. Returns what was removed."""
    removed = []
    if out is not None:
        out = Path(out)
        if out.parent.is_dir():
            for e in sorted(out.parent.iterdir()):
                if not _is_leftover(e.name, out.name) or _pid_alive_or_none(e.name):
                    continue
                if ".old-" in e.name and not out.exists():
                    os.rename(e, out)
                else:
                    shutil.rmtree(e, ignore_errors=True) if e.is_dir() else e.unlink()
                removed.append(str(e))
    for folder in (out, checkpoint_dir):
        if folder is not None and Path(folder).is_dir():
            for e in Path(folder).iterdir():
                if _is_leftover(e.name) and e.is_file() and not _pid_alive_or_none(e.name):
                    e.unlink()
                    removed.append(str(e))
    return removed


def _pid_alive_or_none(name: str) -> bool:
    pid = _owner(name)
    return pid is not None and pid != os.getpid() and _pid_alive(pid)


def preflight(argv) -> int | None:
    """The output checks of a command line, before anything heavy is imported: exit status 2 (after
    one line) for a bad ``--out`` or ``--checkpoint-dir``, None to go on (the full parser then checks
    everything, these included)."""
    if not argv or argv[0] not in ("in-weights", "in-context", "tiny", "reproduce"):
        return None
    p = argparse.ArgumentParser(add_help=False, allow_abbrev=False)
    p.add_argument("--out")
    p.add_argument("--checkpoint-dir")
    p.add_argument("--overwrite", action="store_true")
    p.add_argument("--resume", action="store_true")
    try:
        args, _ = p.parse_known_args(argv[1:])
    except SystemExit:
        return None
    try:
        check_outputs(args.out, args.checkpoint_dir, overwrite=args.overwrite, resume=args.resume)
    except ValueError as err:
        print(f"python -m geomem_nb {argv[0]}: error: {err}", file=sys.stderr)
        return 2
    return None
