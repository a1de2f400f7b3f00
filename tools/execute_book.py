"""Fill the book's execution cache with every chapter run in parallel (make book, make check-book).

Jupyter Book reads executed notebooks from its jupyter-cache (`execute_notebooks: cache` in
_config.yml); this adds each executed page of _toc.yml to that cache and executes them with jupyter-cache's
own worker, ``--jobs`` at a time (one per core, each kernel one thread as set by the caller), the
longest first so that the last to start are short. The build that follows then executes nothing.

    python tools/execute_book.py [--jobs N] [--timeout S]

The cache is emptied first: the preset (GEOMEM_SCALE) is not part of a cache key, so outputs of
another preset must never be reused. For the same reason _config.yml itself says `force` (a plain
`jupyter-book build .` executes every page); this writes CACHED_CONFIG, _config.yml with the cache
switched on, for the build that follows (`jupyter-book build --config .book-cached.yml .`).
"""
from __future__ import annotations

import argparse
import multiprocessing
import os
import shutil
import sys
import time
from pathlib import Path

import yaml
from jupyter_cache import get_cache
from jupyter_cache.executors.basic import ExecutionWorkerLocalMProc, ProcessData

ROOT = Path(__file__).resolve().parents[1]
CACHE = ROOT / "_build" / ".jupyter_cache"
CACHED_CONFIG = ROOT / ".book-cached.yml"  # beside _config.yml: Sphinx paths in it are relative to its folder
# The order the jobs start in: the chapters' measured seconds at the cpu preset, longest first (make book,
# 2026-12: 08 430, 07 254, 05 160, 04 79, 03 52, 06 12, 09 7, 01 6, 02 5; 01 and 02 load their cpu runs).
# A page not listed starts last; the order changes only the wall time, never an output.
LONGEST_FIRST = ("08", "07", "05", "04", "03", "06", "09", "01", "02")
# Read with jupytext, whose notebooks hash as the book's readers' do (the .py percent format; MyST pages).
JUPYTEXT = {"name": "jupytext", "type": "plugin"}


def _source(entry: str) -> Path | None:
    """The file of a _toc.yml entry that the book executes: a .py chapter, or a MyST page with a kernel."""
    for suffix in (".py", ".md"):
        path = ROOT / (entry + suffix)
        if path.exists():
            executed = suffix == ".py" or "\nkernelspec:" in path.read_text().split("\n---", 1)[0]
            return path if executed else None
    return None


def pages(toc: Path = ROOT / "_toc.yml") -> list[Path]:
    """The executed pages of ``toc`` (its root and every file), longest first."""
    def entries(node):
        if isinstance(node, dict):
            for key in ("root", "file"):
                if key in node:
                    yield str(node[key])
            for value in node.values():
                yield from entries(value)
        elif isinstance(node, list):
            for item in node:
                yield from entries(item)

    found = [p for p in dict.fromkeys(map(_source, entries(yaml.safe_load(toc.read_text())))) if p]
    rank = {n: i for i, n in enumerate(LONGEST_FIRST)}
    return sorted(found, key=lambda p: rank.get(p.name[:2], len(rank)))


def write_cached_config() -> Path:
    """_config.yml with ``execute_notebooks: cache`` reading CACHE; other settings untouched."""
    config = yaml.safe_load((ROOT / "_config.yml").read_text())
    config["execute"] = {**config.get("execute", {}), "execute_notebooks": "cache", "cache": str(CACHE)}
    CACHED_CONFIG.write_text("# written by tools/execute_book.py from _config.yml; do not edit\n"
                             + yaml.safe_dump(config, sort_keys=False))
    return CACHED_CONFIG


def _run(data: ProcessData) -> tuple[int, str, float]:
    start = time.perf_counter()
    code, uri = ExecutionWorkerLocalMProc()(data)
    return code, uri, time.perf_counter() - start


def execute(jobs: int, timeout: int) -> int:
    """Empty the cache, add every chapter and execute them ``jobs`` at a time; 0 when all succeeded."""
    if not (isinstance(jobs, int) and jobs >= 1):
        raise ValueError(f"jobs must be an integer >= 1, got {jobs!r}")
    shutil.rmtree(CACHE, ignore_errors=True)
    write_cached_config()
    cache = get_cache(str(CACHE))
    records = [cache.add_nb_to_project(str(p), read_data=JUPYTEXT) for p in pages()]
    work = [ProcessData(r.pk, r.uri, cache, timeout, False) for r in records]
    failed = []
    with multiprocessing.get_context("spawn").Pool(jobs) as pool:  # one chapter per task, in the given order
        for code, uri, seconds in pool.imap_unordered(_run, work, chunksize=1):
            print(f"{'ok' if code == 0 else 'FAILED'} {seconds:7.1f} s  {Path(uri).name}", flush=True)
            if code:
                failed.append(uri)
    for uri in failed:
        record = cache.get_project_record(uri)
        print(f"\n{Path(uri).name} failed:\n{record.traceback or '(no traceback)'}", file=sys.stderr)
    return 1 if failed else 0


def main(argv=None) -> int:
    p = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    p.add_argument("--jobs", type=int, default=os.cpu_count(), help="chapters at a time (default: the cores)")
    p.add_argument("--timeout", type=int, default=3600, help="seconds per cell (as _config.yml)")
    a = p.parse_args(argv)
    start = time.perf_counter()
    status = execute(a.jobs, a.timeout)
    print(f"executed in {time.perf_counter() - start:.0f} s with {a.jobs} job(s)")
    return status


if __name__ == "__main__":
    sys.exit(main())
