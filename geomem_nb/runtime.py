"""Runtime helpers shared by every experiment: the preset, device, seeding, progress display."""
from __future__ import annotations

import contextlib
import os
import platform
import random
import sys
import time

import numpy as np
import torch

PRESETS = ("ci", "cpu", "gpu", "paper")  # the sizes every named config comes in


def preset() -> str:
    """The preset chosen by the environment variable GEOMEM_SCALE (default ``cpu``)."""
    value = os.environ.get("GEOMEM_SCALE", "cpu")
    if value not in PRESETS:
        raise ValueError(f"GEOMEM_SCALE={value!r} is not allowed; use one of {', '.join(PRESETS)}")
    return value


def device(name: str | None = None) -> torch.device:
    """``cuda`` when available (or when asked for), else ``cpu``."""
    source = "device"
    if name is None:
        source = "GEOMEM_DEVICE"
        name = os.environ.get("GEOMEM_DEVICE") or ("cuda" if torch.cuda.is_available() else "cpu")
    try:
        dev = torch.device(name)
    except (RuntimeError, TypeError):
        raise ValueError(f"{source}={name!r} is not a device; use cpu or cuda (cuda:N)") from None
    if dev.type not in ("cpu", "cuda"):
        raise ValueError(f"{source}={name!r} is not supported; use cpu or cuda (cuda:N)")
    if dev.type == "cuda" and not torch.cuda.is_available():
        raise ValueError(f"{source}={name!r} but torch sees no CUDA device; use cpu")
    if dev.type == "cuda" and dev.index is not None and dev.index >= torch.cuda.device_count():
        raise ValueError(f"{source}={name!r} but there are {torch.cuda.device_count()} CUDA device(s)")
    return dev


def set_seed(seed: int) -> None:
    """Seed every generator a run touches: python, numpy and torch (CPU and CUDA)."""
    random.seed(seed)
    np.random.seed(seed)
    torch.manual_seed(seed)
    torch.cuda.manual_seed_all(seed)


def device_name(dev: torch.device) -> str:
    if dev.type == "cuda":
        return torch.cuda.get_device_name(dev)
    return f"cpu ({platform.processor() or platform.machine()}, {torch.get_num_threads()} threads)"


def env_line() -> str:
    """One line saying what this run uses: torch version, device, preset."""
    dev = device()
    return f"torch {torch.__version__} | device {device_name(dev)} | GEOMEM_SCALE={preset()}"


def progress(iterable=None, **kwargs):
    """The one progress display of the project: tqdm's bar on a terminal or in a notebook; in a log
    (stderr not a terminal: CI, ``make records``, a SLURM job) one plain line each tenth of the way,
    since a log keeps every carriage-return redraw of a bar.

    Off when GEOMEM_PROGRESS=0 (set for book builds and notebook tests), so executed notebooks carry no
    widget state; ``disable`` must be passed explicitly because tqdm's notebook bar ignores TQDM_DISABLE.
    """
    from tqdm.auto import tqdm

    if os.environ.get("GEOMEM_PROGRESS", "1") == "0":
        kwargs["disable"] = True
    elif not _interactive(tqdm):
        return LogLines(iterable, kwargs.get("desc"), kwargs.get("total"), kwargs.get("initial", 0))
    return tqdm(iterable, **kwargs)


def _interactive(bar) -> bool:
    """Whether a bar can redraw in place: a notebook's (tqdm.auto picked its widget) or a terminal's."""
    if any(c.__module__ == "tqdm.notebook" for c in bar.__mro__):
        return True
    try:
        return sys.stderr.isatty()
    except (AttributeError, ValueError):  # a replaced or closed stream
        return False


class LogLines:
    """Progress for a log: iterates ``iterable`` and writes one line to stderr whenever the count
    (from ``initial``, of ``total``) passes another ``every`` percent; never a carriage return."""

    def __init__(self, iterable, desc=None, total=None, initial=0, every=10):
        self.iterable, self.desc, self.n, self.every = iterable, desc or "progress", initial, every
        self.total = total if total is not None else initial + len(iterable)
        self.shown = self._mark()
        self.t0 = time.perf_counter()

    def _mark(self) -> int:
        return 100 * self.n // max(self.total, 1) // self.every

    def __iter__(self):
        for item in self.iterable:
            yield item
            self.n += 1
            if self._mark() > self.shown:
                self.shown = self._mark()
                print(f"{self.desc}: {100 * self.n // max(self.total, 1)}% ({self.n}/{self.total}, "
                      f"{time.perf_counter() - self.t0:.0f} s)", file=sys.stderr, flush=True)

    def close(self):
        pass


@contextlib.contextmanager
def single_thread(dev: torch.device | str | None = None):
    """Run the block on one CPU thread (restored afterwards). For the tiny-graph models every
    matrix is tiny: intra-op threads only add overhead, and stall badly when the cores are shared.
    Does nothing for a CUDA device."""
    dev = torch.device(dev) if dev is not None else torch.device("cpu")
    threads = torch.get_num_threads()
    if dev.type == "cpu":
        torch.set_num_threads(1)
    try:
        yield
    finally:
        torch.set_num_threads(threads)
