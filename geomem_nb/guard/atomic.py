"""A run's files written as one set: every file goes into a temporary folder beside ``out``
(``metrics.json``, the file that says "finished", last), then one atomic exchange puts it in place, so a
kill at any moment leaves either the old complete set or the new one."""
from __future__ import annotations

import ctypes
import ctypes.util
import os
import shutil
import tempfile
from pathlib import Path

import numpy as np

_RENAME_EXCHANGE = 2


def _exchange(a: Path, b: Path) -> bool:
    """Swap two paths in one step (Linux ``renameat2(RENAME_EXCHANGE)``); False where unsupported."""
    try:
        libc = ctypes.CDLL(ctypes.util.find_library("c") or None, use_errno=True)
        renameat2 = libc.renameat2
    except (OSError, AttributeError):
        return False
    renameat2.argtypes = [ctypes.c_int, ctypes.c_char_p, ctypes.c_int, ctypes.c_char_p, ctypes.c_uint]
    at_fdcwd = -100
    if renameat2(at_fdcwd, os.fsencode(a), at_fdcwd, os.fsencode(b), _RENAME_EXCHANGE) == 0:
        return True
    err = ctypes.get_errno()
    if err in (22, 38, 95):  # EINVAL, ENOSYS, EOPNOTSUPP: this file system cannot exchange
        return False
    raise OSError(err, os.strerror(err), str(b))


def _fsync_dir(path: Path) -> None:
    try:
        fd = os.open(path, os.O_RDONLY)
    except OSError:
        return
    try:
        os.fsync(fd)
    except OSError:
        pass
    finally:
        os.close(fd)


def write_set(out, files: dict) -> Path:
    """Write a run's files as one set: ``files`` maps a file name to ``write(path)``. All are written
    into a temporary folder beside ``out``, ``metrics.json`` last, then the folder takes ``out``'s
    place in one exchange (the old set, if any, is then removed)."""
    out = Path(out)
    if out.is_symlink():  # replace the folder it points to, not the link
        out = out.resolve()
    out.parent.mkdir(parents=True, exist_ok=True)
    tmp = Path(tempfile.mkdtemp(dir=out.parent, prefix=f".{out.name}.tmp-{os.getpid()}-"))
    try:
        for name in sorted(files, key=lambda n: n == "metrics.json"):  # metrics.json last
            files[name](tmp / name)
        os.chmod(tmp, 0o755)  # mkdtemp makes 0700; results are shared folders
        _fsync_dir(tmp)
        if not out.exists():
            os.rename(tmp, out)
        elif _exchange(tmp, out):
            shutil.rmtree(tmp)  # now the old set
        else:  # two renames; a kill between them is undone by clean_leftovers (the old set comes back)
            old = out.parent / f".{out.name}.old-{os.getpid()}"
            os.rename(out, old)
            os.rename(tmp, out)
            shutil.rmtree(old)
        _fsync_dir(out.parent)
    except BaseException:
        shutil.rmtree(tmp, ignore_errors=True)
        raise
    return out


def save_npy(array) -> callable:
    """A ``write(path)`` for ``write_set`` that saves ``array`` as ``.npy`` and syncs it to disk."""
    def write(path):
        with open(path, "wb") as f:
            np.save(f, array)
            f.flush()
            os.fsync(f.fileno())
    return write


def save_npz(arrays: dict) -> callable:
    def write(path):
        with open(path, "wb") as f:
            np.savez_compressed(f, **arrays)
            f.flush()
            os.fsync(f.fileno())
    return write


def save_json(obj) -> callable:
    # Not at the top: results loads torch, and the guard stays light so that ``preflight`` can refuse a
    # bad --out before torch loads (results is on the same floor: this is no upward import).
    from ..results import write_json

    return lambda path: write_json(obj, path)
