"""Checks made before any work starts, and result sets written so that nothing is lost or clobbered.

* ``check_outputs``: ``out`` and the checkpoint folder must be folders we can create and write, and
  ``out`` must not already hold a finished run (unless ``overwrite`` or ``resume``) nor other files.
* ``write_set``: every file of a run goes into a temporary folder beside ``out`` (``metrics.json``, the
  file that says "finished", last), then one atomic exchange puts it in place: a kill at any moment
  leaves either the old complete set or the new one. ``clean_leftovers`` removes what a killed run
  left behind.
* ``check_memory``: an estimate of the memory a run needs (embedding table, other parameters,
  optimizer state, activations at the batch size, evaluation, graph), made from the sizes alone,
  against what the device has.
* ``run_identity`` / ``check_same_run``: what a checkpoint must agree on before ``resume`` continues it.
"""
from __future__ import annotations

import ctypes
import ctypes.util
import hashlib
import os
import shutil
import tempfile
from pathlib import Path

import numpy as np

RESULT_FILES = ("metrics.json", "embeddings.npy", "graph.json", "dynamics.npz")
# Settings that change neither the trained weights nor the reported numbers' meaning: a resumed run
# may differ in these (e.g. a longer time budget, or compile on a faster machine).
RUNTIME_ONLY = ("time_budget", "eval_budget", "eval_every", "compile", "cuda_graphs", "attention",
                "checkpoint_dir", "checkpoint_every", "preset")


# Outputs -------------------------------------------------------------------------------------------
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
    from .results import write_json

    return lambda path: write_json(obj, path)


# Resume --------------------------------------------------------------------------------------------
def graph_hash(graph) -> str:
    """A short hash of a graph's arms and split: two runs agree on it iff they train on one graph."""
    h = hashlib.sha256()
    for a in (graph.arms, graph.train_arms, graph.test_arms):
        a = np.ascontiguousarray(a, dtype=np.int64)
        h.update(str(a.shape).encode())
        h.update(a.tobytes())
    return h.hexdigest()[:16]


def run_identity(cfg, graph=None) -> dict:
    """What a checkpoint must agree on to be resumed: every setting that changes the result (seed,
    graph, model shape, lr, schedule, batch, ...) in the config's order, and the graph's hash."""
    ident = {k: v for k, v in cfg.record().items() if k not in RUNTIME_ONLY}
    if graph is not None:
        ident["graph_sha256"] = graph_hash(graph)
    return ident


def check_same_run(saved: dict | None, current: dict, where) -> None:
    """Refuse to resume a checkpoint of another run, naming the first setting that differs."""
    if saved is None:
        raise ValueError(f"--resume: {where} records no run settings (an older checkpoint), so it cannot be "
                         "matched to this run; start again without --resume")
    for key in list(current) + [k for k in saved if k not in current]:
        a, b = saved.get(key, "(not set)"), current.get(key, "(not set)")
        if a != b:
            raise ValueError(f"--resume: {where} is a checkpoint of a different run: {key} is {a!r} there and "
                             f"{b!r} here; resume with the same settings, or start a new run without --resume")


# Memory --------------------------------------------------------------------------------------------
FLOAT = 4  # bytes: parameters, optimizer state and activations are counted in fp32 (CPU; bf16 on CUDA is less)
ACTIVATION_FLOATS = {"gpt": 20, "mamba": 48}  # floats kept per token, layer and unit of width (training)


def _gb(n: float) -> str:
    if n >= 1e12:
        return f"{n / 1e12:,.0f} TB"
    return f"{n / 1e9:.1f} GB" if n >= 1e8 else f"{n / 1e6:.0f} MB"


def model_params(model: str, vocab: int, block: int, layers: int, width: int, heads: int) -> int:
    """The exact parameter count, from the model built on the ``meta`` device (no memory)."""
    import torch

    from .models import GPTConfig, build

    try:
        with torch.device("meta"):
            m = build(model, GPTConfig(vocab, block, layers, width, heads))
        return sum(p.numel() for p in m.parameters())
    except Exception:  # an estimate is enough: the GPT's count
        return vocab * width + block * width + layers * (12 * width * width + 13 * width) + 2 * width


def estimate_sequence_model(model, vocab, block, layers, width, heads, batch_size, targets_per_row,
                            frozen_embeddings, graph_bytes, eval_rows, path_length) -> dict:
    """Bytes by part for training a sequence model (GPT or Mamba) on rows of ``block`` tokens."""
    from .evaluate import CHUNK

    params = model_params(model, vocab, block, layers, width, heads)
    embedding = vocab * width
    trainable = params - (embedding if frozen_embeddings else 0)
    tokens = batch_size * block  # an upper bound: packed rows carry no more tokens than padded ones
    per_token = ACTIVATION_FLOATS.get(model, 48) * width * layers + 2 * heads * block * layers
    targets = batch_size * targets_per_row
    rows = min(eval_rows, CHUNK)
    return {
        "embedding table": FLOAT * embedding,
        "other parameters": FLOAT * (params - embedding),
        "gradients and optimizer state": 3 * FLOAT * trainable,  # grad, Adam's two moments
        "activations": FLOAT * (tokens * per_token + 3 * targets * vocab),  # + logits, softmax, their grad
        "evaluation": FLOAT * rows * (2 * vocab + (block + path_length) * width * 8),
        "graph": graph_bytes,
    }


def memory_limit(device) -> tuple[int, str]:
    """(bytes, what) the run may use: free memory on a CUDA device, available RAM on a CPU."""
    import torch

    if device.type == "cuda":
        free, _ = torch.cuda.mem_get_info(device)
        return int(free), f"free on {torch.cuda.get_device_name(device)}"
    try:
        with open("/proc/meminfo") as f:
            info = dict(line.split(":", 1) for line in f)
        return int(info["MemAvailable"].split()[0]) * 1024, "RAM available"
    except (OSError, KeyError, ValueError):
        return os.sysconf("SC_PAGE_SIZE") * os.sysconf("SC_PHYS_PAGES"), "RAM"


def check_memory(parts: dict, device, limit: tuple[int, str] | None = None) -> int:
    """Refuse a run whose estimate exceeds the device's memory, in one line (the estimate by part and
    the limit); ``--no-memory-check`` skips this. Returns the estimate."""
    total = sum(parts.values())
    limit, what = memory_limit(device) if limit is None else limit
    if total > limit:
        big = sorted(parts.items(), key=lambda kv: -kv[1])[:3]
        raise ValueError(f"memory: this run needs about {_gb(total)} ({', '.join(f'{k} {_gb(v)}' for k, v in big)}) "
                         f"but the device has {_gb(limit)} {what}; use a smaller graph, width, layers or batch size, "
                         "or --no-memory-check to try anyway")
    return total


def preflight(argv) -> int | None:
    """The output checks of a command line, before anything heavy is imported: exit status 2 (after
    one line) for a bad ``--out`` or ``--checkpoint-dir``, None to go on (the full parser then checks
    everything, these included)."""
    import argparse
    import sys

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
