"""Sending a set of independent runs to a launcher (submitit): local processes on this machine by default
(one thread each, ``workers`` at a time), or a SLURM cluster when asked. A job is either a function of
the package (pickled by submitit, its result sent back) or a command line (``command_job``: the same
process as a direct run, so its record is byte for byte the one it writes without the launcher). The
records go where the runs put them; submitit's own logs and pickles go to ``outputs/submitit/<tag>``.

    python -m geomem_nb.launch records [--launcher slurm --partition P] --after A=B,C -- G1 G2 ...

runs each group of ``results/make_records.sh`` as one job (``bash results/make_records.sh G``), a group
started only once the groups it comes ``--after`` have ended (``make records`` calls it).
"""
from __future__ import annotations

import argparse
import os
import re
import shutil
import subprocess
import sys
import time
from dataclasses import dataclass
from functools import partial
from pathlib import Path
from typing import Callable

from . import results
from .checks import check_choice, check_int
from .usage import Parser

LAUNCHERS = ("local", "slurm")
LOCAL_TIMEOUT_MIN = 30 * 24 * 60  # local jobs run to their end (submitit's default kills them after 2 minutes)
SLURM_TIME_MIN = 4 * 60
POLL_S = {"local": 0.2, "slurm": 15.0}


class LaunchError(RuntimeError):
    """Some jobs failed (or were skipped after a job they come after failed): ``failed`` maps each such
    job's name to why; ``done`` holds the results of the others."""

    def __init__(self, failed: dict, done: dict):
        super().__init__("jobs failed: " + "; ".join(f"{k}: {v}" for k, v in failed.items()))
        self.failed, self.done = failed, done


@dataclass(frozen=True)
class Launcher:
    """Where jobs run: ``local`` (this machine) or ``slurm`` (``partition`` required); at most ``workers``
    jobs at a time; ``gpus_per_node`` per job (local: the first ones; none given: the machine's own
    visibility, as a direct run); ``time`` (minutes) per job; ``folder``: submitit's files (default
    ``outputs/submitit``)."""
    kind: str = "local"
    workers: int = 1
    partition: str | None = None
    gpus_per_node: int | None = None
    time: int | None = None
    folder: str | Path | None = None

    def __post_init__(self):
        check_choice("launcher", self.kind, LAUNCHERS)
        check_int("workers", self.workers, 1)
        if self.kind == "slurm" and not self.partition:
            raise ValueError("partition is needed with launcher 'slurm' (--partition)")
        if self.kind == "slurm" and shutil.which("srun") is None:
            raise ValueError("launcher 'slurm' needs a SLURM cluster: no srun on this machine's PATH")
        if self.gpus_per_node is not None:
            check_int("gpus_per_node", self.gpus_per_node, 0)
        if self.time is not None:
            check_int("time", self.time, 1)
        if self.folder is not None and results.RESULTS is not None \
                and Path(self.folder).resolve().is_relative_to(Path(results.RESULTS).resolve()):
            raise ValueError(f"folder (submitit's files) must not be inside the records, got {self.folder}")

    def files(self, tag: str) -> Path:
        """Where submitit keeps the jobs of ``tag`` (logs, pickles): never a records folder."""
        return Path(self.folder or results.workspace("outputs") / "submitit") / tag


def add_arguments(p: argparse.ArgumentParser, launcher: str | None = "local", local_workers: int | None = None) -> None:
    """``--launcher`` (default ``launcher``; None: the module's own in-process loop), ``--partition``,
    ``--gpus-per-node``, ``--time`` and ``--workers`` (unset: ``local_workers`` local jobs at a time, or
    every job at once)."""
    g = p.add_argument_group("launcher (submitit)")
    g.add_argument("--launcher", choices=LAUNCHERS, default=launcher,
                   help="local: processes on this machine, one thread each; slurm: a job per run on a cluster"
                        + ("" if launcher else " (default: in this process, one run after another)"))
    g.add_argument("--partition", default=None, help="the SLURM partition (needed with --launcher slurm)")
    g.add_argument("--gpus-per-node", type=int, default=None, help="GPUs per job")
    g.add_argument("--time", type=int, default=None, help=f"minutes per job (slurm default {SLURM_TIME_MIN})")
    local = f"{local_workers} on local, " if local_workers else ""
    g.add_argument("--workers", type=int, default=None, help=f"jobs at a time (default: {local}every job at once)")


def from_args(p: argparse.ArgumentParser, args, jobs: int = 1, local_workers: int | None = None) -> Launcher | None:
    """The launcher the parsed ``args`` ask for (None when ``--launcher`` is unset), ``--workers`` unset:
    ``local_workers`` at a time on local, else all ``jobs`` at once; or a parser error naming the bad flag
    before anything runs."""
    if args.launcher is None:
        for flag in ("partition", "gpus_per_node", "time", "workers"):
            if getattr(args, flag) is not None:
                p.error(f"--{flag.replace('_', '-')} needs --launcher")
        return None
    workers = args.workers
    if workers is None:
        workers = local_workers if args.launcher == "local" and local_workers else max(jobs, 1)
    try:
        return Launcher(args.launcher, workers, args.partition, args.gpus_per_node, args.time)
    except ValueError as e:  # the message names the parameter (partition, workers, ...)
        p.error(str(e))


def _setup() -> list[str]:
    """Shell lines run before each job: one thread each (as the direct runs)."""
    return ["export OMP_NUM_THREADS=1 MKL_NUM_THREADS=1"]


def executor(launcher: Launcher, tag: str):
    """The submitit executor of ``launcher`` for the jobs of ``tag``."""
    import submitit

    folder = launcher.files(tag)
    if launcher.kind == "local":
        ex = submitit.LocalExecutor(folder)
        setup = _setup()
        if launcher.gpus_per_node is None:  # submitit hides every GPU unless asked: keep the machine's view
            cuda = os.environ.get("CUDA_VISIBLE_DEVICES")
            setup.append("unset CUDA_VISIBLE_DEVICES" if cuda is None else f"export CUDA_VISIBLE_DEVICES={cuda}")
        ex.update_parameters(timeout_min=launcher.time or LOCAL_TIMEOUT_MIN, gpus_per_node=launcher.gpus_per_node or 0,
                             setup=setup)
        return ex
    ex = submitit.AutoExecutor(folder, cluster="slurm")
    gpus = {} if launcher.gpus_per_node is None else dict(gpus_per_node=launcher.gpus_per_node)
    ex.update_parameters(slurm_partition=launcher.partition, timeout_min=launcher.time or SLURM_TIME_MIN,
                         cpus_per_task=1, tasks_per_node=1, nodes=1, slurm_setup=_setup(), name=f"geomem-{tag}", **gpus)
    return ex


def _order(jobs: dict, after: dict) -> None:
    """Refuse an ``after`` that names an unknown job or makes a cycle (nothing would ever start)."""
    for name, deps in after.items():
        unknown = [d for d in (name, *deps) if d not in jobs]
        if unknown:
            raise ValueError(f"after names jobs that are not in the set: {unknown}")
    seen, done = set(), set()

    def visit(n):
        if n in done:
            return
        if n in seen:
            raise ValueError(f"after makes a cycle through {n!r}")
        seen.add(n)
        for d in after.get(n, ()):
            visit(d)
        done.add(n)

    for n in jobs:
        visit(n)


def run(jobs: dict[str, Callable], launcher: Launcher, tag: str, after: dict | None = None,
        log=None) -> dict:
    """Run every job (name -> a function of no arguments, picklable) through ``launcher``, at most
    ``workers`` at a time, each only once the jobs ``after[name]`` names have ended well; returns
    {name: result} in the order of ``jobs``. A job that raised (or could not start because one before it
    failed) is collected, the others run on, and then LaunchError is raised."""
    if not isinstance(launcher, Launcher):
        raise ValueError(f"launcher must be a launch.Launcher, got {launcher!r}")
    after = {k: tuple(v) for k, v in (after or {}).items()}
    _order(jobs, after)
    ex = executor(launcher, tag)
    pending, running, done, failed = list(jobs), {}, {}, {}
    try:
        while pending or running:
            for name in list(pending):
                deps = after.get(name, ())
                if any(d in failed for d in deps):
                    failed[name] = f"not run: {[d for d in deps if d in failed]} failed"
                    pending.remove(name)
                elif all(d in done for d in deps) and len(running) < launcher.workers:
                    running[name] = ex.submit(jobs[name])
                    pending.remove(name)
                    if log:
                        log(f"started {name} (job {running[name].job_id}, logs in {launcher.files(tag)})")
            for name, job in list(running.items()):
                if job.done():
                    del running[name]
                    try:
                        done[name] = job.result()
                    except Exception as e:  # the job's own traceback, as submitit brings it back
                        failed[name] = f"{type(e).__name__}: {e}"
                    if log:
                        log(f"ended {name}: {'failed' if name in failed else 'ok'}")
            if running:
                time.sleep(POLL_S[launcher.kind])
    finally:
        for job in running.values():  # interrupted: no orphans left running
            job.cancel(check=False)
    if failed:
        raise LaunchError(failed, done)
    return {n: done[n] for n in jobs}


def each(fn: Callable, items, launcher: Launcher, tag: str) -> list:
    """``[fn(item) for item in items]``, one job per item (``fn``: a module's function, or a partial of
    one), in the order of ``items``."""
    items = list(items)
    if len({str(i) for i in items}) != len(items):
        raise ValueError(f"items must be distinct, got {items}")
    got = run({str(i): partial(fn, i) for i in items}, launcher, tag)
    return [got[str(i)] for i in items]


def command_job(argv: list[str], env: dict | None = None, cwd: str | Path | None = None,
                log: str | Path | None = None, check: bool = False) -> tuple[int, str]:
    """A job that runs ``argv`` as a process, its environment the job's own with ``env`` set on top
    (``log``: a file for its output, else the job's own log): (return code, the tail of its error
    output); with ``check``, a failed process raises (the jobs after it then do not run)."""
    env = {**os.environ, **(env or {})}
    if log is None:
        p = subprocess.run(argv, env=env, cwd=cwd, capture_output=True, text=True)
        sys.stdout.write(p.stdout)
        sys.stderr.write(p.stderr)
        tail = p.stderr.strip()[-2000:]
    else:
        with open(log, "w") as f:
            p = subprocess.run(argv, env=env, cwd=cwd, stdout=f, stderr=subprocess.STDOUT, text=True)
        tail = f"see {log}"
    if check and p.returncode:
        raise RuntimeError(f"{' '.join(map(str, argv))} exited with {p.returncode}: {tail}")
    return p.returncode, tail


RECORDS = ("Make the shipped records: run each named group of results/make_records.sh (one of its shell "
           "functions) as a job of its own, its output in results/make_records.<group>.log, a group starting once "
           "the groups it comes --after have ended well (make records calls this). The jobs share this machine "
           "(--workers at a time, default 2) or go to a SLURM cluster (--launcher slurm).",
           ["python -m geomem_nb.launch records -- tiny learning_order",
            "python -m geomem_nb.launch records --after chapters=runs,tiny -- runs tiny chapters",
            "python -m geomem_nb.launch records --launcher slurm --partition P -- path_length_map"])


def records(argv=None) -> int:
    """``records``: each group of ``make_records.sh`` as one job (its output in
    ``results/make_records.<group>.log``), after the groups it needs; 1 when a group failed."""
    p = Parser(prog="python -m geomem_nb.launch records", what=RECORDS[0], examples=RECORDS[1])
    p.add_argument("groups", nargs="+", metavar="GROUP", help="the script's groups to run (its shell functions)")
    p.add_argument("--script", default="results/make_records.sh", help="the script (default %(default)s)")
    p.add_argument("--logs", default="results", help="folder of each group's log, make_records.<group>.log")
    p.add_argument("--after", action="append", default=[], metavar="GROUP=NEEDED,...",
                   help="GROUP starts once every NEEDED group has ended well")
    add_arguments(p, local_workers=2)
    a = p.parse_args(argv)
    launcher = from_args(p, a, jobs=len(a.groups), local_workers=2)
    after = {}
    for spec in a.after:
        group, sep, needed = spec.partition("=")
        if not sep or not group or not needed:
            p.error(f"--after takes GROUP=NEEDED[,NEEDED...], got {spec!r}")
        after[group] = tuple(needed.split(","))
    if len(set(a.groups)) != len(a.groups):
        p.error(f"groups must be distinct, got {a.groups}")
    cwd = results.REPO if results.CHECKOUT else Path.cwd()
    jobs = {g: partial(command_job, ["bash", a.script, g], {"OMP_NUM_THREADS": "1", "WORKERS": "1"}, cwd,
                       Path(cwd, a.logs, f"make_records.{g}.log"), True) for g in a.groups}
    with p.refusing():
        _order(jobs, after)
        script = Path(cwd, a.script)
        if not script.is_file():
            raise ValueError(f"--script must name a file, got {a.script!r}")
        for g in a.groups:  # a group is one of the script's shell functions
            check_choice("GROUP", g, re.findall(r"^([A-Za-z_]\w*)\(\)\s*\{", script.read_text(), re.M))
    t0 = time.time()
    say = lambda m: print(f"{time.strftime('%H:%M:%S', time.gmtime())} {m}", flush=True)  # noqa: E731
    try:
        run(jobs, launcher, "records", after, log=say)
    except LaunchError as e:
        for g, why in e.failed.items():
            print(f"make records: {g} failed: {why}", file=sys.stderr)
        return 1
    say(f"every group ended well ({(time.time() - t0) / 60:.0f} min)")
    return 0


def main(argv=None) -> int:
    argv = sys.argv[1:] if argv is None else list(argv)
    if argv[:1] == ["records"]:
        return records(argv[1:])
    p = Parser(prog="python -m geomem_nb.launch", what="Send sets of runs as jobs: to this machine's cores "
               "or to a SLURM cluster. One command so far, records.", examples=RECORDS[1][:1])
    p.add_subparsers(title="commands", metavar="COMMAND", required=True).add_parser(
        "records", help="run groups of results/make_records.sh as jobs (see records --help)")
    p.parse_args(argv)  # ends here: the help, or one line naming the command
    return 2


if __name__ == "__main__":
    sys.exit(main())
