"""Chapter 09's map: in-weights runs over the path length l, the degree d and the epochs, at the
``in-weights-small`` preset's model and optimizer. Each run is a separate ``python -m geomem_nb
in-weights`` process, sent as one job through ``launch`` (by default local, ``--workers`` at a time (2),
one thread each; ``--launcher slurm --partition P``: a cluster, every cell at once), writing its own
``metrics.json``; a run whose folder already holds one is not run again. ``collect`` reads the folder back as one row per run.

    python -m geomem_nb.studies.path_length_map --preset cpu --out results/cpu/09_path_length [--workers 2] [--knobs] [--clear]
    python -m geomem_nb.studies.path_length_map --preset cpu --out results/cpu/09_path_length --launcher slurm --partition P
    python -m geomem_nb.studies.path_length_map --preset cpu --first-hop --out results/cpu/09_first_hop
    python -m geomem_nb.studies.path_length_map --preset cpu --frontier --out results/cpu/09_long_path
"""
from __future__ import annotations

import shutil
import sys
from functools import partial
from pathlib import Path

from .. import launch, presets
from ..checks import check_choice, check_int
from ..experiments import InWeightsConfig
from .. import results
from ..results import REPO, read_record
from ..runtime import PRESETS, preset as env_preset

from .path_length_cells import (  # the runs as data; re-exported: every reader of the map names them here
    BASE, GRIDS, EXTRA, KNOBS, STUDY_KNOBS, KNOB_CELLS, FIRST_HOP_CELLS, STUDIED, STUDY_STEPS, COST_KNOB,
    PUSH_KNOB, PUSH_STEPS, COST_KNOBS, FRONTIER_CELLS, CLOCK_KNOBS, COST_BUDGETS, CLOCK_CELLS, REACH_CELLS,
    REACH_SEEDS, REACH_STEPS, REACH_LENGTHS, CHECKPOINTED, GROUPS, EVALUATIONS, DIAGNOSED, DROPPED, MEASURES,
    cells, knob_cells, first_hop_cells, selected)


def name(cell: dict) -> str:
    knob = f"-{cell['knob']}".replace(" ", "_").replace(",", "").replace("=", "eq") if cell.get("knob") else ""
    seed = f"-seed{cell['seed']}" if cell.get("seed") else ""  # seed 0, the preset's, goes unnamed
    budget = f"e{cell['epochs']}" if "epochs" in cell else f"s{cell['steps']}"
    return f"d{cell['degree']}-l{cell['path_length']}-{budget}{knob}{seed}"


def config(cell: dict, preset: str, diagnose: bool = False) -> InWeightsConfig:
    """The run of ``cell``: the base preset on G(d, l), its steps given (``steps``) or set to draw
    ``epochs`` epochs (with ``diagnose``: recording the first-hop diagnosis at each evaluation)."""
    cfg = presets.config(BASE, preset, degree=cell["degree"], path_length=cell["path_length"], seed=cell.get("seed", 0))
    if cell.get("knob"):  # first: knobs that change the examples (edges, pauses) change the epoch's size
        cfg = cfg.with_(**{**KNOBS, **STUDY_KNOBS, **CLOCK_KNOBS}[cell["knob"]](cfg))
    steps = cell["steps"] if "steps" in cell else cfg.steps_for_epochs(cell["epochs"])
    staged = dict(edge_steps=steps) if cfg.schedule == "staged" else {}  # an edge phase as long as the paths'
    every = max(1, steps // cell.get("evaluations", EVALUATIONS))
    return cfg.with_(steps=steps, eval_every=every, diagnose_first_hop=diagnose, stop_at=cell.get("stop_at", 0.0),
                     **staged)


def command(cfg: InWeightsConfig, out: Path, checkpoint: Path | None = None) -> list[str]:
    """The command line that runs ``cfg`` (every setting that defines the run, spelled out); with
    ``checkpoint`` (a folder), checkpointed at every evaluation and resumed from it when there."""
    flags = dict(preset=cfg.preset, degree=cfg.degree, path_length=cfg.path_length, layers=cfg.layers,
                 width=cfg.width, heads=cfg.heads, batch_size=cfg.batch_size, lr=cfg.lr, warmup=cfg.warmup,
                 pause_tokens=cfg.pause_tokens, steps=cfg.steps, eval_every=cfg.eval_every, seed=cfg.seed,
                 edges=cfg.edges, schedule=cfg.schedule, edge_steps=cfg.edge_steps, edge_lr=cfg.edge_lr,
                 weight_decay=cfg.weight_decay, min_lr_ratio=cfg.min_lr_ratio, objective=cfg.objective,
                 path_share=cfg.path_share, stop_at=cfg.stop_at)
    args = [f"--{k.replace('_', '-')}={v}" for k, v in flags.items()] + ["--diagnose-first-hop"] * cfg.diagnose_first_hop
    if checkpoint:  # every evaluation, into a folder beside the runs' (never inside a record's)
        args += [f"--checkpoint-dir={checkpoint}", f"--checkpoint-every={cfg.eval_every}", "--resume"]
    return [sys.executable, "-m", "geomem_nb", "in-weights", *args, "--out", str(out)]


def run(preset: str, out: str | Path, workers: int = 2, group: str = "grid", clear: bool = False,
        only: list[str] | None = None, launcher: launch.Launcher | None = None) -> list[str]:
    """Run every cell of ``group`` at ``preset`` not yet in ``out`` (with ``clear``: every one, its old run
    removed first; with ``only``: just the cells of these names), one job per cell through ``launcher``
    (default: ``workers`` local processes); returns the names of the runs that failed."""
    check_int("workers", workers, 1)
    launcher = launcher or launch.Launcher("local", workers)
    out, runs = Path(out), selected(preset, group)
    if only is not None:
        unknown = sorted(set(only) - {name(c) for c in runs})
        if unknown:
            raise ValueError(f"only: no cell named {', '.join(unknown)} in group {group!r} at {preset!r}")
        runs = [c for c in runs if name(c) in only]
    if clear:
        for c in runs:
            shutil.rmtree(out / name(c), ignore_errors=True)
    todo = {name(c): c for c in runs if not (out / name(c) / "metrics.json").exists()}
    env = {"OMP_NUM_THREADS": "1", "GEOMEM_PROGRESS": "0"}
    jobs = {n: partial(launch.command_job, command(config(c, preset, group in DIAGNOSED), out / n,
                                                   checkpoints(out, n) if group in CHECKPOINTED else None), env, REPO)
            for n, c in todo.items()}
    try:
        done = launch.run(jobs, launcher, f"sweep-{group}")
    except launch.LaunchError as e:  # a job that could not run its process at all
        done = {**e.done, **{n: (1, why) for n, why in e.failed.items()}}
    failed = []
    for n in todo:
        code, err = done[n]
        if code:
            failed.append(f"{n}: {err.splitlines()[-1:]}")
            continue
        for extra in DROPPED:  # the map reads metrics.json only; the tables would make it megabytes
            (out / n / extra).unlink(missing_ok=True)
    return failed


def checkpoints(out: Path, run_name: str) -> Path:
    """Where a checkpointed run keeps its checkpoint: outputs/checkpoints/<folder of out>/<run>, never in
    the records' folder (a resumed run picks it up; it is not a result)."""
    return results.workspace("outputs") / "checkpoints" / Path(out).name / run_name


def collect(out: str | Path, preset: str, group: str = "grid") -> list[dict]:
    """One row per cell of ``group`` at ``preset`` found in ``out``: the cell, its final measures (and
    first-hop diagnosis, where recorded), epochs and steps/s."""
    rows = []
    for cell in selected(preset, group):
        path = Path(out) / name(cell) / "metrics.json"
        if path.exists():
            m = read_record(path)
            row = {**cell, **{k: m[k] for k in MEASURES}, "first_hop": m.get("first_hop")}
            row["steps"] = cell.get("steps", m["steps"])  # the budget: a run stopped at a level ran fewer
            row["steps_run"] = m["steps"]
            row["steps_per_second"] = m["steps"] / m["train_seconds"] if m["train_seconds"] else None
            row["history"], row["config"], row["stopping"] = m["history"], m["config"], m.get("stopping")
            row["provenance"] = m.get("provenance")
            rows.append(row)
    return rows


FOLDERS = {"grid": "09_path_length", "knobs": "09_path_length", "first-hop": "09_first_hop",
           "frontier": "09_long_path", "clock": "09_clock", "reach": "09_reach"}


def shipped(preset: str, group: str = "grid", whole: bool = True) -> list[dict] | None:
    """The rows of ``group`` in ``results/<preset>/<FOLDERS[group]>`` when every run is there (``whole``
    False: when any is: a group whose runs resume across sessions), else None."""
    if results.RESULTS is None:  # from scratch
        return None
    rows = collect(results.RESULTS / preset / FOLDERS[group], preset, group)
    return rows if rows and (not whole or len(rows) == len(selected(preset, group))) else None


def run_here(group: str, workers: int = 2) -> tuple[list[dict], str]:
    """The ci cells of ``group``, run here under outputs/ci (seconds), and where they come from: what a
    chapter shows of a study whose records are not beside it."""
    here = results.workspace("outputs") / "ci" / FOLDERS[group]
    failed = run("ci", here, workers=workers, group=group)
    if failed:
        raise RuntimeError("runs failed: " + "; ".join(failed))
    return collect(here, "ci", group), f"{here.name} (the ci {'cell' if len(selected('ci', group)) == 1 else 'cells'}, run here)"


def load_or_run(preset: str | None = None, workers: int = 2) -> tuple[list[dict], str]:
    """The grid of ``preset``: its shipped records (``results/<preset>/09_path_length``) when complete,
    else run (missing cells only) into ``outputs/<preset>/09_path_length``. Returns (rows, folder)."""
    preset = preset or env_preset()
    rows = shipped(preset)
    if rows:
        return rows, f"results/{preset}/09_path_length"
    # The map is dozens of runs: at gpu and paper a chapter shows the cpu map rather than run its own
    # (python -m geomem_nb.studies.path_length_map --preset gpu --out ... runs it).
    rows = shipped("cpu") if preset in ("gpu", "paper") else None
    if rows:
        return rows, f"results/cpu/09_path_length (the cpu map: the {preset} map is not run in the chapter)"
    here = results.workspace("outputs") / preset / "09_path_length"
    failed = run(preset, here, workers)
    if failed:
        raise RuntimeError("runs failed: " + "; ".join(failed))
    return collect(here, preset), str(here.relative_to(REPO) if results.CHECKOUT else here)


def main(argv=None) -> int:
    from ..guard import check_folder
    from ..usage import Parser

    p = Parser(prog="python -m geomem_nb.studies.path_length_map", what="""Run chapter 9's map of in-weights training runs over
        the path length, the degree and the epochs: one run per cell of the map, each its own process,
        writing its metrics.json into a folder of --out named after the cell. A cell whose folder already
        holds a result is not run again (--clear runs it anew). --knobs, --first-hop, --frontier (the
        long-path study), --clock or --reach run that group of cells instead of the map; --list names a group's
        cells. The runs share this machine (--workers at a time, default 2, one thread each) or go to a
        SLURM cluster (--launcher slurm).""", examples=[
        "python -m geomem_nb.studies.path_length_map --preset ci --out outputs/ci/09_path_length",
        "python -m geomem_nb.studies.path_length_map --preset cpu --frontier --list",
        "python -m geomem_nb.studies.path_length_map --preset cpu --frontier --only d100-l7-s14768-lr_1e-2 --out outputs/cpu/09_long_path",
        "python -m geomem_nb.studies.path_length_map --preset cpu --out results/cpu/09_path_length --launcher slurm --partition P"])
    p.add_argument("--preset", choices=PRESETS, default=None, help="the runs' size (default: GEOMEM_SCALE, else cpu)")
    p.add_argument("--out", help="the folder of the runs, one folder per cell (needed unless --list)")
    launch.add_arguments(p, local_workers=2)
    which = p.add_mutually_exclusive_group()
    which.add_argument("--knobs", action="store_true", help="the knob runs instead of the grid")
    which.add_argument("--first-hop", action="store_true",
                       help="the diagnosed runs (first_hop.diagnose at every evaluation) instead of the grid")
    which.add_argument("--frontier", action="store_true", help="the long-path study's runs instead of the grid")
    which.add_argument("--clock", action="store_true", help="the clock test's runs (checkpointed, resumable)")
    which.add_argument("--reach", action="store_true", help="the l = 9 reach runs (checkpointed, resumable)")
    p.add_argument("--clear", action="store_true", help="remove the selected runs from --out first, then run them all")
    p.add_argument("--only", nargs="+", metavar="NAME", help="run just these cells of the group (their folder names)")
    p.add_argument("--list", action="store_true", help="print the names of the group's cells, and run nothing")
    a = p.parse_args(argv)
    group = "knobs" if a.knobs else "first-hop" if a.first_hop else "frontier" if a.frontier else "clock" if a.clock else "reach" if a.reach else "grid"
    with p.refusing():  # the input only: the runs below report their own failures
        preset = a.preset or env_preset()
        cells = [name(c) for c in selected(preset, group)]
        many = f"the {len(cells)} cells of the {group} group at {preset} (--list names them)"
        for n in a.only or ():
            check_choice("--only", n, cells, many if len(cells) > 6 else None)
        if a.list:
            print("\n".join(cells))
            return 0
        if a.out is None:
            p.error("the following arguments are required: --out (or --list)")
        check_folder(a.out, "--out")
    jobs = len(a.only) if a.only else len(cells)
    launcher = launch.from_args(p, a, jobs=jobs, local_workers=2)
    failed = run(preset, a.out, launcher.workers, group, a.clear, a.only, launcher)
    for f in failed:
        print(f, file=sys.stderr)
    return 1 if failed else 0


if __name__ == "__main__":
    sys.exit(main())
