"""Chapter 07's knob table (C12) as a record of its own, at a width and budget of choice: the authors'
regularizer notebook ran the bilinear network on the 15-cycle at width 512 for 10,000 full-batch steps,
where chapter 07's cpu table runs width 128. Each row over seeds (the authors' seed 7 and more), each
knob's direction judged beyond the spread, in the layout of chapter 07's ``knobs`` record.

    python -m geomem_nb.studies.knob_table --preset cpu --width 512 --steps 10000 --seeds 7 0 1 --c12-rows \\
        --out results/cpu/07_knobs_width512
"""
from __future__ import annotations

import sys
import time
from functools import partial

from .. import launch, results
from ..experiments import tiny_knobs
from ..results import provenance, write_json
from ..stats import from_record
from ..guard import check_folder
from ..runtime import PRESETS, device, device_name
from ..usage import Parser, add_seeds

RECORD = "07_knobs_width512"
WIDTH, STEPS = 512, 10000  # the authors' regularizer notebook (paper-claims.md §3.4)


def seed_runs(preset: str, width: int, steps: int, rows, seed: int) -> dict:
    """Every row of the table for one seed: ``{label: [TinyResult]}`` (a launcher's job)."""
    return tiny_knobs.knob_seeds(preset, seeds=[seed], rows=rows, dim=width, steps=steps)


def table(preset: str, width: int, steps: int, seeds, rows=None, launcher: launch.Launcher | None = None) -> dict:
    """Chapter 07's ``knobs`` record (``tiny_knobs.knob_record``) for ``rows`` (default all) at ``width``
    and ``steps``, every row trained with each of ``seeds`` (``launcher``: one job per seed through it;
    default here, one after another)."""
    if launcher is None:
        runs = tiny_knobs.knob_seeds(preset, seeds=seeds, rows=rows, dim=width, steps=steps)
    else:
        seeds = tiny_knobs.check_seeds(seeds)
        per_seed = launch.each(partial(seed_runs, preset, width, steps, rows), seeds, launcher, RECORD)
        runs = {label: [r for one in per_seed for r in one[label]] for label in per_seed[0]}
    spreads = tiny_knobs.knob_spreads(runs)
    chance = tiny_knobs.knob_chance(next(iter(runs.values()))[0].spaces)
    return {"width": width, "steps": steps, "seeds": list(seeds),
            **tiny_knobs.knob_record(spreads, tiny_knobs.knob_directions(spreads), chance)}


def spreads(knobs: dict) -> dict:
    """``{row: {measure: Spread over seeds}}`` of a ``knobs`` record (``tiny_knobs.knob_spreads``' shape)."""
    return {label: {m: from_record(x) for m, x in row["spread"].items()} for label, row in knobs["rows"].items()}


def beside(narrow: dict, wide: dict) -> list:
    """Table rows: each knob and measure of the ``wide`` record's directions with its verdict there and in
    the ``narrow`` one (``tiny_knobs.knob_directions``' output or a record's ``directions``), '-' where
    the narrow table has no such knob."""
    def verdicts(dirs):
        return {k: ({m: x["verdict"] for m, x in d.items()} if "verdicts" not in d else d["verdicts"])
                for k, d in dirs.items()}
    n, w = verdicts(narrow), verdicts(wide["directions"])
    return [{"knob": knob, "measure": m, f"width {wide['width']}": x, "narrower": n.get(knob, {}).get(m, "-")}
            for knob, per in w.items() for m, x in per.items()]


def load(preset: str = "cpu", root=None) -> dict | None:
    """The shipped record at ``preset`` (its ``knobs`` in chapter 07's layout), or None."""
    return results.read_at(preset, RECORD, root)


WHAT = """Build chapter 7's table of training knobs (claim C12) as a record of its own, at a width and a
    number of steps of your choice: the bilinear network on the 15-cycle, each knob over seeds, its
    direction judged beyond the spread over seeds. The authors ran width 512 for 10,000 full-batch steps;
    chapter 7's own table uses width 128. Writes metrics.json to --out. With --launcher, each seed is a job
    of its own."""
EXAMPLES = ["python -m geomem_nb.studies.knob_table --preset ci --width 32 --steps 200 --seeds 7 --out outputs/ci/knobs",
            "python -m geomem_nb.studies.knob_table --preset cpu --width 512 --steps 10000 --seeds 7 0 1 --c12-rows"]


def main(argv=None) -> int:
    p = Parser(prog="python -m geomem_nb.studies.knob_table", what=WHAT, examples=EXAMPLES)
    p.add_argument("--preset", default="cpu", choices=PRESETS, help="the knob table's preset (its graph and model)")
    p.add_argument("--width", type=int, default=WIDTH, help=f"the embedding width (default {WIDTH})")
    p.add_argument("--steps", type=int, default=STEPS, help=f"full-batch training steps (default {STEPS})")
    add_seeds(p, (7, 0, 1))
    p.add_argument("--c12-rows", action="store_true", help="only the rows C12's knobs compare (tiny_knobs.C12_ROWS)")
    p.add_argument("--out", default=None, help=f"folder of metrics.json (default results/<preset>/{RECORD})")
    launch.add_arguments(p, launcher=None)  # one job per seed when asked
    args = p.parse_args(argv)
    launcher = launch.from_args(p, args, jobs=len(args.seeds))
    for name in ("width", "steps"):
        if getattr(args, name) < 1:
            p.error(f"--{name} must be a positive integer, got {getattr(args, name)}")
    with p.refusing():
        out = check_folder(results.record_folder(args.out, args.preset, RECORD), "--out")
    t0 = time.perf_counter()
    knobs = table(args.preset, args.width, args.steps, args.seeds, tiny_knobs.C12_ROWS if args.c12_rows else None,
                  launcher)
    command = " ".join(["python -m geomem_nb.studies.knob_table"] + (sys.argv[1:] if argv is None else list(argv)))
    write_json({"preset": args.preset, "knobs": knobs,
                "provenance": provenance(device_name(device()), time.perf_counter() - t0, command)},
               out / "metrics.json")
    for knob, d in knobs["directions"].items():
        print(f"{knob}: {d['verdicts']}")
    print("wrote", out / "metrics.json")
    return 0


if __name__ == "__main__":
    sys.exit(main())
