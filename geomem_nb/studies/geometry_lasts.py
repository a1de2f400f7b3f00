"""Does the tiny graphs' geometry last? Every model of chapter 5 on every tiny graph, trained for ``FACTOR``
times its budget (the authors' steps) on two seeds, with the geometric level (and, for the bilinear
models, the geometric margin) recorded over training. The verdicts read these measures at the stated
budget; this study says what a longer budget does to them.

The longer run keeps the recipe (its cosine schedule stretched over the longer budget), so it is a run
with a larger budget, not the budgeted run continued. Compared: its final value with the budgeted runs'
final value (``05_tiny_seeds``, same seeds), and its own peak with its own end.

    python -m geomem_nb.studies.geometry_lasts --preset cpu --out results/cpu/05_geometry_lasts
"""
from __future__ import annotations

import sys
import time

from .. import presets
from ..checks import check_choice, check_int
from ..experiments import tiny
from ..experiments.tiny_config import SNAPSHOTS, TINY_GRAPHS, TINY_MODELS
from ..guard import check_folder
from ..results import load_if_present, provenance, write_json
from ..runtime import PRESETS
from ..stats import spread
from ..usage import Parser

FACTOR = 10
SEEDS = (7, 0)  # the authors' seed and the next of 05_tiny_seeds
MEASURES = ("geometric_level", "geometric_margin")  # over training; the margin: bilinear models only
RECORD = "cpu/05_geometry_lasts"
CI_ENTRIES = ("star/transformer", "star/associative")  # at ci, two quick entries (the longer run's shape only)


def entries(preset: str) -> list[str]:
    """``graph/model`` for every tiny graph and model of chapter 5 (two at ci)."""
    check_choice("preset", preset, PRESETS)
    return list(CI_ENTRIES) if preset == "ci" else [f"{g}/{m}" for g in TINY_GRAPHS for m in TINY_MODELS]


def budget(name: str, preset: str) -> int:
    """The entry's stated budget: the steps its chapter-5 run trains at ``preset``."""
    graph, model = name.split("/")
    return presets.config("tiny", preset, graph=graph, model=model).validate().steps


def run_entry(name: str, preset: str, seeds=SEEDS, factor: int = FACTOR) -> dict:
    """``factor`` times the budget on each seed: per seed, the measures over training (step, value) and
    at the end."""
    graph, model = name.split("/")
    steps = budget(name, preset) * factor
    out = {"budget": budget(name, preset), "steps": steps, "seeds": list(seeds), "runs": []}
    for s in seeds:
        cfg = presets.config("tiny", preset, graph=graph, model=model, seed=s, steps=steps,
                             eval_every=max(1, steps // SNAPSHOTS))
        r = tiny(cfg)
        curves = {m: [(h["step"], h[m]) for h in r.history if h.get(m) is not None] for m in MEASURES}
        out["runs"].append({"seed": s, "curves": {m: c for m, c in curves.items() if c},
                            "final": {m: r.metrics.get(m) for m in MEASURES}})
    return out


def study(preset: str, names=None, factor: int = FACTOR) -> dict:
    check_int("factor", factor, 1)
    names = entries(preset) if names is None else list(names)
    return {n: run_entry(n, preset, factor=factor) for n in names}


def change(entry: dict, budgeted: dict | None, measure: str = "geometric_level", tol: float = 0.05) -> dict:
    """How ``measure`` moves with the longer budget: the longer runs' finals and peaks (mean over seeds)
    against the budgeted runs' finals (``budgeted``: ``05_tiny_seeds`` measures of the entry; None when
    absent). ``persists`` where the longer final lies within ``tol`` or two budgeted sds of the budgeted
    final, else ``rises`` or ``decays``; ``after its peak``: the longer run's final below its own peak by
    more than ``tol``."""
    finals = [r["final"][measure] for r in entry["runs"] if r["final"].get(measure) is not None]
    if not finals:
        return {}
    peaks = [max(v for _, v in r["curves"][measure]) for r in entry["runs"] if measure in r["curves"]]
    longer, peak = spread(finals), spread(peaks)
    out = {"longer final": longer, "longer peak": peak, "falls after its peak": peak.mean - longer.mean > tol}
    base = (budgeted or {}).get(measure)
    if base and "mean" in base:
        band = max(tol, 2 * base["sd"])
        d = longer.mean - base["mean"]
        out.update({"budgeted final": base["mean"],
                    "with the longer budget": "persists" if abs(d) <= band else "rises" if d > 0 else "decays"})
    return out


def load(preset: str) -> tuple[dict | None, str]:
    """The shipped record (every preset reads the cpu one), else at ci the two quick entries run here."""
    rec = load_if_present(RECORD)
    if rec is not None:
        return rec, f"results/{RECORD}"
    if preset != "ci":
        return None, f"not shipped: python -m geomem_nb.studies.geometry_lasts --preset cpu --out results/{RECORD}"
    return {"entries": study("ci"), "factor": FACTOR, "preset": "ci"}, "the ci entries, run here"


def main(argv=None) -> int:
    p = Parser(prog="python -m geomem_nb.studies.geometry_lasts",
               what="""Train every model of chapter 5 on every tiny graph for ten times its budget, on two
               seeds, and record the geometric level (and the bilinear models' geometric margin) over
               training: does the geometry the verdicts read at the budget last?""",
               examples=["python -m geomem_nb.studies.geometry_lasts --preset cpu --out results/cpu/05_geometry_lasts"])
    p.add_argument("--preset", choices=PRESETS, default="cpu")
    p.add_argument("--out", required=True, help="the record's folder (metrics.json is written there)")
    p.add_argument("--only", nargs="+", metavar="GRAPH/MODEL", help="just these entries")
    a = p.parse_args(argv)
    with p.refusing():
        names = entries(a.preset)
        for n in a.only or []:
            check_choice("only", n, names)
        out = check_folder(a.out, "out")
    start = time.perf_counter()
    rec = {"entries": study(a.preset, a.only), "factor": FACTOR, "preset": a.preset}
    argv_text = " ".join(sys.argv[1:] if argv is None else argv)
    rec["provenance"] = provenance("cpu", time.perf_counter() - start, f"python -m geomem_nb.studies.geometry_lasts {argv_text}")
    out.mkdir(parents=True, exist_ok=True)
    write_json(rec, out / "metrics.json")
    return 0



def table_rows(rec: dict, budgeted: dict | None, names: dict | None = None,
               measure: str = "geometric_level") -> list[dict]:
    """One row per entry that has ``measure`` (the margin: bilinear models only), for ``viz.table``: its
    budget, the measure at the budget (``budgeted``: the ``05_tiny_seeds`` record; mean over its seeds),
    the longer runs' final and peak (mean over two seeds), and how it moves. ``names``: model -> words."""
    check_choice("measure", measure, MEASURES)
    out = []
    for name, entry in rec["entries"].items():
        c = change(entry, ((budgeted or {}).get("runs", {}).get(name) or {}).get("measures"), measure)
        if not c:
            continue
        graph, model = name.split("/")
        out.append({"graph / model": f"{graph} / {(names or {}).get(model, model)}", "budget": entry["budget"],
                    "at the budget": c.get("budgeted final"), f"at ×{rec['factor']}": c["longer final"].mean,
                    "its peak": c["longer peak"].mean, "longer budget": c.get("with the longer budget", "—")})
    return out


def tally(rows: list[dict]) -> dict[str, int]:
    """How many rows (of ``table_rows``) persist, rise or decay with the longer budget."""
    return {w: sum(r["longer budget"] == w for r in rows) for w in ("persists", "rises", "decays")}


def lower_at_end(rec: dict, budgeted: dict | None, models=("transformer", "mamba")) -> dict[str, float]:
    """For ``models``: the longer runs' final level minus the budgeted final level, per entry (mean over
    seeds), so a page can say by how much, and on how many graphs, a longer budget leaves them lower."""
    out = {}
    for name, entry in rec["entries"].items():
        if name.split("/")[1] in models:
            c = change(entry, ((budgeted or {}).get("runs", {}).get(name) or {}).get("measures"))
            if "budgeted final" in c:
                out[name] = c["longer final"].mean - c["budgeted final"]
    return out


if __name__ == "__main__":
    sys.exit(main())
