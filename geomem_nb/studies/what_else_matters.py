"""Chapter 08's grid of in-weights variants (edge directions, pause tokens, staged vs mixed training,
tree-star splits, Mamba vs GPT), run for one seed as RunResults and reduced to a flat dict of
numbers; and a sweep over seeds that stores each number's spread (mean ± sd) as a record.

    python -m geomem_nb.studies.what_else_matters --preset cpu --seeds 0 1 2 --out results/cpu/08_what_else_matters_seeds
    python -m geomem_nb.studies.what_else_matters --preset cpu --seeds 0 1 2 --launcher slurm --partition P  # a job per seed
"""
from __future__ import annotations

import json
import sys
import time
from functools import partial
from pathlib import Path

import numpy as np

from .. import experiments, launch, presets, results, stats
from ..results import provenance, write_json
from ..guard import check_folder
from ..runtime import PRESETS, device, device_name
from ..usage import Parser, add_seeds

EDGES = ("both", "forward", "backward")
PATHS = ("forward", "reverse")
PAUSES = (0, 1, 2, 4)
SPLITS = ("leaf", "first-token")
# objective name in the chapter -> (objective, the metric that scores it)
MAMBA_OBJECTIVES = {"full paths": ("full-path", "test_exact_match"),
                    "first hop": ("hardest-token", "test_hardest_token"),
                    "edges only": ("edges-only", "leaf_first_hop_diagonal_accuracy")}
SEEDS = (0, 1, 2)
SEEDS_RECORD = "08_what_else_matters_seeds"


def base_config(preset: str | None = None, seed: int | None = None, **overrides):
    """The chapter's base run: the ``in-weights-small`` preset (at ``seed`` when given; ``overrides``
    shrink it for tests)."""
    return presets.config("in-weights-small", preset, seed=seed, **overrides)


def _run(base, desc: str, **overrides):
    """One variant: the base run with ``overrides``."""
    return experiments.in_weights(base.with_(**overrides), desc=f"{desc} (seed {base.seed})")


def directions(base) -> dict:
    """(edges, path direction) -> run, for every edge set and both path directions (C17)."""
    return {(e, p): _run(base, f"edges {e}, paths {p}", edges=e, path_direction=p) for e in EDGES for p in PATHS}


def pauses(base, mixed) -> dict:
    """Pause count -> run at the same budget (C18); ``mixed`` is the base run (the preset's count)."""
    return {k: mixed if k == base.pause_tokens else _run(base, f"{k} pause tokens", pause_tokens=k) for k in PAUSES}


def staged_overrides(base) -> dict:
    """'fast' (the preset's path lr) and 'slow' (a tenth of it) -> the overrides of a staged run: the
    edges alone for the whole budget, then the paths alone for the same budget, evaluated 4x as often
    to catch a peak (C19). The deviations page reads the same overrides."""
    fine = max(base.eval_every // 4, 1)
    return {name: dict(schedule="staged", edge_steps=base.steps, lr=lr, eval_every=fine)
            for name, lr in (("fast", base.lr), ("slow", base.lr / 10))}


def staged_lrs(base) -> dict:
    """'fast' and 'slow' -> (edge-phase lr, path-phase lr) of the staged runs (C19 reads them): the edge
    phase at the config's ``edge_lr``, the paths at the lr of ``staged_overrides``."""
    return {name: (base.edge_lr, o["lr"]) for name, o in staged_overrides(base).items()}


def staged(base) -> dict:
    """'fast' and 'slow' -> a staged run (``staged_overrides``)."""
    return {name: _run(base, f"staged, path lr {o['lr']:g}", **o) for name, o in staged_overrides(base).items()}


def tree_config(base) -> dict:
    """The tree-star graph of C20: root degree d/8, the base path length."""
    return dict(graph="tree-star", degree=max(base.degree // 8, 2), path_length=base.path_length)


def trees(base) -> dict:
    """Split -> run on the tree-star graph (C20)."""
    return {s: _run(base, f"tree-star, {s} split", split=s, **tree_config(base)) for s in SPLITS}


def mamba_overrides(base, objective: str) -> dict:
    """The overrides of chapter 08's Mamba run on ``objective``: twice the GPT's steps (C21)."""
    return dict(model="mamba", objective=objective, steps=2 * base.steps)


def mamba_vs_gpt(base, mixed) -> dict:
    """(model, objective name) -> run (C21). Mamba gets twice the GPT's steps; the GPT's full-path run
    is ``mixed``."""
    out = {}
    for name, (obj, _) in MAMBA_OBJECTIVES.items():
        out[("mamba", name)] = _run(base, f"mamba, {name}", **mamba_overrides(base, obj))
        out[("gpt", name)] = mixed if obj == "full-path" else _run(base, f"gpt, {name}", objective=obj)
    return out


def run_seed(preset: str | None = None, seed: int | None = None, **overrides) -> dict:
    """Every variant of the chapter for one seed: {section: {key: RunResult}}."""
    base = base_config(preset, seed, **overrides)
    d = directions(base)
    mixed = d[("both", "forward")]
    return {"base": base, "directions": d, "pauses": pauses(base, mixed), "staged": staged(base),
            "mixed": mixed, "trees": trees(base), "mamba": mamba_vs_gpt(base, mixed)}


def held_out_auc(run) -> float:
    """The area under the held-out exact-match curve, as the mean over the run's evenly spaced
    evaluations (1: right from the first): how fast a run converges, C18's speed reading."""
    return float(np.mean([h["test_exact_match"] for h in run.history if h.get("test_exact_match") is not None]))


def path_phase(run) -> tuple[float, float]:
    """(peak, final) held-out exact match over the path phase of a staged run."""
    em = [h["test_exact_match"] for h in run.history if h["phase"] == "paths"]
    return max(em), em[-1]


def measure(runs: dict) -> dict:
    """The flat dict of numbers of one seed's runs (keys 'section/variant/metric'); sections not run
    yet are left out (the chapter measures as it goes)."""
    base, m = runs["base"], {}
    m["chance"] = 1 / base.degree
    for (e, p), r in runs.get("directions", {}).items():
        for k in ("test_exact_match", "train_exact_match", "edge_recovery"):
            m[f"directions/{e}/{p}/{k}"] = r.metrics[k]
    for k, r in runs.get("pauses", {}).items():
        m[f"pauses/{k}/test_exact_match"] = r.metrics["test_exact_match"]
        m[f"pauses/{k}/held_out_auc"] = held_out_auc(r)
    for name, r in runs.get("staged", {}).items():
        m[f"staged/{name}/peak"], m[f"staged/{name}/final"] = path_phase(r)
        m[f"staged/{name}/edge_lr"], m[f"staged/{name}/path_lr"] = staged_lrs(base)[name]
        m[f"staged/{name}/train_exact_match"] = r.metrics["train_exact_match"]
        m[f"staged/{name}/edge_phase_edge_recovery"] = r.metrics["edge_phase_edge_recovery"]
    if "mixed" in runs:
        m["mixed/test_exact_match"] = runs["mixed"].metrics["test_exact_match"]
    if "trees" in runs:
        m["tree/chance"] = runs["trees"]["leaf"].metrics["chance"]
    for s, r in runs.get("trees", {}).items():
        for k in ("test_exact_match", "test_hardest_token", "train_exact_match"):
            m[f"tree/{s}/{k}"] = r.metrics[k]
    for (model, name), r in runs.get("mamba", {}).items():
        m[f"mamba/{name}/{model}"] = r.metrics[MAMBA_OBJECTIVES[name][1]]
    return m


def check_seeds(seeds) -> list:
    """``seeds`` as a list, refused unless distinct integers, at least one."""
    seeds = list(seeds)
    if len(seeds) < 1 or len(set(seeds)) != len(seeds) or not all(isinstance(s, int) for s in seeds):
        raise ValueError(f"seeds must be distinct integers, at least one; got {seeds}")
    return seeds


def measure_seed(preset: str | None, seed: int, **overrides) -> dict:
    """The flat dict of numbers of one seed of the whole grid."""
    return measure(run_seed(preset, seed, **overrides))


def seed_job(measure_seed, preset, overrides: dict, seed: int) -> dict:
    """One seed as a launcher's job (``launch.each`` hands the seed last)."""
    return measure_seed(preset, seed, **overrides)


def sweep(preset: str | None, seeds, known: dict | None = None, on_seed=None, measure_seed=measure_seed,
          launcher: launch.Launcher | None = None, **overrides) -> tuple[dict, list]:
    """{measurement: Spread over ``seeds``} and the per-seed flat dicts; ``known`` ({seed: measure(...)})
    holds seeds already run (the chapter's live seed), which are not run again; ``on_seed(seed, numbers)``
    hears each seed as it ends (a long sweep shows its progress); ``measure_seed(preset, seed, **overrides)``
    runs one seed (default: the whole grid; another module's decisive runs pass their own); ``launcher``:
    one job per seed through it (default: here, one seed after another)."""
    seeds, known = check_seeds(seeds), dict(known or {})
    todo = [s for s in seeds if s not in known]
    if launcher is not None and todo:
        one = partial(seed_job, measure_seed, preset, overrides)
        known.update(zip(todo, launch.each(one, todo, launcher, f"seeds-{measure_seed.__module__}")))
    per_seed = []
    for s in seeds:
        per_seed.append(known[s] if s in known else measure_seed(preset, s, **overrides))
        if on_seed is not None:
            on_seed(s, per_seed[-1])
    keys = per_seed[0].keys()
    return {k: stats.spread([p[k] for p in per_seed]) for k in keys}, per_seed


def write(out, preset: str, seeds, spreads: dict, seconds: float, command: str | None = None,
          describe=None) -> Path:
    """The seeds record: per measurement, ``stats.as_record``; with the preset, the seeds, what it was
    run on (``describe(base config)``, default this grid's) and provenance."""
    path = Path(out) / "metrics.json"
    describe = describe or globals()["describe"]
    write_json({"preset": preset, "seeds": list(seeds), "graph": describe(base_config(preset)),
                "measurements": {k: stats.as_record(s) for k, s in spreads.items()},
                "provenance": provenance(device_name(device()), seconds, command)}, path)
    return path


def describe(base) -> dict:
    """What the record was run on (the base run's graph and budget)."""
    t = tree_config(base)
    return {"graph": f"G({base.degree},{base.path_length})", "steps": base.steps,
            "tree": f"T({t['degree']},{t['path_length']})"}


def load(preset: str, root=None, record: str = SEEDS_RECORD) -> dict | None:
    """{measurement: Spread} from the shipped seeds record of ``preset`` (``record``: this grid's, or
    another module's in its layout), or None when it is not there."""
    rec = results.read_at(preset, record, root)
    if rec is None:
        return None
    return {"seeds": rec["seeds"], "provenance": rec["provenance"], "graph": rec.get("graph"),
            "spreads": {k: stats.from_record(v) for k, v in rec["measurements"].items()}}


def load_for(preset: str) -> tuple[dict | None, str]:
    """The seeds record chapter 08 reads at ``preset``, and the preset it comes from: ci shows the cpu
    sweep's spread; gpu and paper read their own, else the cpu one (the sweep is too long for one
    notebook session on one GPU: ``python -m geomem_nb.studies.what_else_matters --preset gpu`` runs it)."""
    own = None if preset == "ci" else load(preset)
    if own is not None or preset == "cpu":
        return own, preset
    return load("cpu"), "cpu"


WHAT = """Run chapter 8's grid of in-weights variants (edge directions, pause tokens, staged or mixed
    training, tree-star splits, Mamba beside the transformer) once for each seed, and write the spread of
    each number over the seeds (mean ± sd) to metrics.json in --out."""
EXAMPLES = ["python -m geomem_nb.studies.what_else_matters --preset ci --seeds 0 --out outputs/ci/variants",
            "python -m geomem_nb.studies.what_else_matters --preset cpu --seeds 0 1 2",
            "python -m geomem_nb.studies.what_else_matters --preset cpu --seeds 0 1 2 --launcher slurm --partition P"]


def seeds_cli(module: str, what: str, examples, record: str, argv=None, seeds=SEEDS) -> tuple:
    """The command line of a multi-seed record (``--preset``, ``--seeds``, ``--out``, and the launcher's
    flags: ``args.launcher`` is a ``launch.Launcher`` or None), its help ``what`` and ``examples``:
    (args, the record's folder, the command as the record names it)."""
    p = Parser(prog=f"python -m {module}", what=what + " With --launcher, each seed is a job of its own.",
               examples=examples)
    p.add_argument("--preset", default="cpu", choices=PRESETS, help="the runs' size (default cpu)")
    add_seeds(p, seeds)
    p.add_argument("--out", default=None, help="folder of metrics.json (default results/<preset>/" + record + ")")
    launch.add_arguments(p, launcher=None)  # one job per seed when asked
    args = p.parse_args(argv)
    args.launcher = launch.from_args(p, args, jobs=len(args.seeds))
    with p.refusing():
        out = check_folder(results.record_folder(args.out, args.preset, record), "--out")
    return args, out, " ".join([f"python -m {module}"] + (sys.argv[1:] if argv is None else list(argv)))


def main(argv=None, module: str = "geomem_nb.studies.what_else_matters", record: str = SEEDS_RECORD, what: str = WHAT,
         examples=EXAMPLES, measure_seed=measure_seed, describe=None, seeds=SEEDS) -> int:
    """The seeds CLI: this grid's by default; another module's decisive runs pass their ``module``,
    ``record``, ``what``, ``examples``, ``measure_seed``, ``describe`` and default ``seeds``."""
    args, out, command = seeds_cli(module, what, examples, record, argv, seeds)
    t0 = time.perf_counter()
    spreads, _ = sweep(args.preset, args.seeds, measure_seed=measure_seed, launcher=args.launcher, on_seed=lambda s, m: print(
        f"seed {s} ({time.perf_counter() - t0:.0f} s): {json.dumps(m)}", flush=True))
    path = write(out, args.preset, args.seeds, spreads, time.perf_counter() - t0, command, describe)
    for k, s in spreads.items():
        print(f"{k:50s} {s}")
    print("wrote", path)
    return 0


if __name__ == "__main__":
    sys.exit(main())
