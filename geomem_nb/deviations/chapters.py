"""The regimes of the chapter-level records behind the verdicts (the C2 study, chapters 03 and 04,
chapter 8's seeds and its decisive C20/C21 runs, chapter 9's map, the tiny-graph runs and chapter
07's knobs at its width and at the authors'), read from the
records under ``results/cpu/``.

A record that keeps its runs' configs (chapter 9's cells, the tiny runs) is read as it is. One that
keeps only some settings (the C2 study: lr and steps per run; chapter 8's seeds: graph and steps)
gets the rest from the code that wrote it (the preset it names, with the same overrides), and the
settings it does keep are checked against that rebuild: a mismatch raises, naming the record, so the
page never shows a regime the record contradicts.
"""
from __future__ import annotations

from pathlib import Path

from .. import presets
from ..studies import trees_and_mamba, knob_table, what_else_matters
from ..tiny_tables import name as model_name
from ..experiments import tiny_config, tiny_knobs
from ..results import RESULTS, read_record
from .configs import graph_name, planned_steps, set_epochs
from ..paper import IN_WEIGHTS, paper, sci

STUDY_02, HARDEST_03, GEOMETRY_04 = "02_learning_order", "03_hardest_token", "04_path_star_geometry"
SEEDS_08, MAP_09, TINY_05, WHY_07 = what_else_matters.SEEDS_RECORD, "09_path_length", "05_tiny_seeds", "07_why_geometry"
LASTS_05 = "05_geometry_lasts"
DECISIVE_C20_C21, KNOBS_07 = trees_and_mamba.RECORD, knob_table.RECORD
REBUILT = "the record's {kept}; the rest from the code that wrote it ({code})"


def paper_staged_lrs() -> tuple[float, float]:
    """The paper's (phase-1, phase-2) peak lr of two-phase training (§D.3)."""
    return tuple(paper("staged_lr", IN_WEIGHTS)["value"])


def _check(record: str, what: str, kept, rebuilt) -> None:
    if kept != rebuilt:
        raise ValueError(f"results/cpu/{record}: the record's {what} is {kept!r}, but the code that wrote it now "
                         f"gives {rebuilt!r}; rerun the record (make records)")


def schedule_text(cfg: dict) -> str:
    """Warm-up and decay; for a staged run both phases' peak lr and their ratio beside the paper's."""
    decay = (f"cosine to ×{cfg.get('min_lr_ratio', 0.1):g} over {cfg['steps']:,}" if cfg.get("cosine", True)
             else "constant after warm-up")
    text = f"warm-up {cfg['warmup']:,}, {decay}"
    if cfg.get("schedule") != "staged":
        return "edges and paths interleaved; " + text
    p1, p2 = paper_staged_lrs()
    return (f"phase 1: edges alone {cfg['edge_steps']:,} steps at peak {sci(cfg['edge_lr'])}; phase 2: paths alone "
            f"at peak {sci(cfg['lr'])} ({text}); phase 2 / phase 1 = 1/{cfg['edge_lr'] / cfg['lr']:.3g} "
            f"(paper: {sci(p2)} after {sci(p1)}, 1/{p1 / p2:.3g})")


def _iw_row(record: str, runs: str, cfg: dict, seeds, source: str) -> dict:
    """One row of the in-weights table: a config as it trains (planned steps: a record keeps its final
    numbers at the end of the budget)."""
    steps = planned_steps(cfg)
    per_set = set_epochs({"config": cfg, "steps": steps})
    model = cfg.get("model", "gpt")
    return dict(record=f"results/cpu/{record}", runs=runs, graph=graph_name(cfg),
                model=f"{'Mamba' if model == 'mamba' else 'GPT'} {cfg['layers']} layers × {cfg['width']}",
                lr=sci(cfg["lr"]), steps=f"{steps:,}",
                epochs=", ".join(f"{k} {v:,.0f}" for k, v in per_set.items()),
                schedule=schedule_text(cfg), seeds=seeds, source=source,
                lr_off=cfg["lr"] != paper("lr", IN_WEIGHTS)["value"])


def _load(root: Path, record: str) -> dict | None:
    path = Path(root) / "cpu" / record / "metrics.json"
    return read_record(path) if path.exists() else None


def study_02(root: Path) -> list:
    rec = _load(root, STUDY_02)
    if rec is None:
        return []
    base = presets.config("in-weights-small", rec["preset"])
    _check(STUDY_02, "graph", rec["graph"], f"G({base.degree},{base.path_length})")
    src = REBUILT.format(kept="lr, steps and seeds", code="chapter 2's learning-order study, the in-weights-small preset")
    return [_iw_row(STUDY_02, f"C2 study, {label}", base.with_(lr=r["lr"], steps=r["steps"]).record(),
                    f"{r['seeds']} seeds", src) for label, r in rec["runs"].items()]


def hardest_03(root: Path) -> list:
    rec = _load(root, HARDEST_03)
    if rec is None:
        return []
    cfg = presets.config("in-weights-small", rec["preset"], objective="hardest-token")
    staged = cfg.with_(schedule="staged", edge_steps=cfg.steps, lr=cfg.lr / 10)  # as chapter 3 builds it
    _check(HARDEST_03, "graph and steps", (rec["graph"], rec["steps"]), (graph_name(cfg.record()), cfg.steps))
    _check(HARDEST_03, "staged steps", rec["staged_steps"], planned_steps(staged.record()))
    src = REBUILT.format(kept="graph and steps", code="chapter 3, the in-weights-small preset")
    return [_iw_row(HARDEST_03, "edges + first hop", cfg.record(), f"seed {cfg.seed}", src),
            _iw_row(HARDEST_03, "edges, then first hop (two phases)", staged.record(), f"seed {cfg.seed}", src)]


def geometry_04(root: Path) -> list:
    rec = _load(root, GEOMETRY_04)
    if rec is None:
        return []
    base = presets.config("in-weights-small", rec["preset"])
    _check(GEOMETRY_04, "graph and steps", (rec["graph"], rec["steps"]), (graph_name(base.record()), base.steps))
    n = rec.get("edges_only_seeds", {}).get("diagonal", {}).get("n")
    src = REBUILT.format(kept="graph and steps", code="chapter 4, the in-weights-small preset")
    runs = {"edges + full paths": "full-path", "edges + first hop": "hardest-token", "edges only": "edges-only"}
    return [_iw_row(GEOMETRY_04, label, base.with_(objective=obj).record(),
                    f"{n} seeds" if n and obj == "edges-only" else f"seed {base.seed}", src)
            for label, obj in runs.items()]


def _seeds_record(root: Path, record: str, describe, kept: str, code: str):
    """(base config, 'seeds ...', source) of a chapter-08 seeds record whose ``graph`` the code that wrote
    it (``describe``) still rebuilds, or None when it is not there."""
    rec = _load(root, record)
    if rec is None:
        return None
    base = what_else_matters.base_config(rec["preset"])
    _check(record, "graph", rec["graph"], describe(base))
    return base, f"seeds {', '.join(map(str, rec['seeds']))}", REBUILT.format(kept=kept, code=code)


def seeds_08(root: Path) -> list:
    got = _seeds_record(root, SEEDS_08, what_else_matters.describe, "graph, steps and seeds",
                        "chapter 8's seed sweep, the in-weights-small preset")
    if got is None:
        return []
    base, seeds, src = got
    rows = [_iw_row(SEEDS_08, "mixed, both edge directions (C17), every pause count (C18)", base.record(), seeds, src),
            _iw_row(SEEDS_08, "forward-only or backward-only edges (C17)", base.with_(edges="forward").record(),
                    seeds, src)]
    rows += [_iw_row(SEEDS_08, f"staged {name} (C19)", base.with_(**o).record(), seeds, src)
             for name, o in what_else_matters.staged_overrides(base).items()]
    rows.append(_iw_row(SEEDS_08, "tree-star, both splits (C20)", base.with_(**what_else_matters.tree_config(base)).record(),
                        seeds, src))
    for name, (objective, _) in what_else_matters.MAMBA_OBJECTIVES.items():
        if objective != "full-path":  # the GPT's full-path run is the mixed one above
            rows.append(_iw_row(SEEDS_08, f"GPT, {name} (C21)", base.with_(objective=objective).record(), seeds, src))
        rows.append(_iw_row(SEEDS_08, f"Mamba, {name} (C21)",
                            base.with_(**what_else_matters.mamba_overrides(base, objective)).record(), seeds, src))
    return rows


def decisive_c17_c19_rows(root: Path) -> list:
    """Chapter 8's decisive runs of C17-C19 (``studies.edges_pauses_phases``)."""
    from ..studies import edges_pauses_phases as dc  # same floor; imported here as it reads this package's paper rates

    rec = _load(root, dc.RECORD)
    if rec is None:
        return []
    base = dc.base_config(rec["preset"])
    _check(dc.RECORD, "graph", rec["graph"], dc.describe(base))
    seeds = f"seeds {', '.join(map(str, rec['seeds']))}"
    src = REBUILT.format(kept="graph, steps, lrs and seeds",
                         code="chapter 8's decisive C17-C19 runs, the in-weights-small preset")
    rows = [_iw_row(dc.RECORD, f"C17 backward-only edges, reverse paths: {name}", base.with_(**o).record(), seeds, src)
            for name, o in dc.c17_overrides(base).items()]
    rows.append(_iw_row(dc.RECORD, f"C18 frontier cell, pause tokens {', '.join(map(str, dc.PAUSES))}",
                        base.with_(**dc.frontier(base)).record(), seeds, src))
    rows.append(_iw_row(dc.RECORD, "C19 staged at the paper's two rates (two phases)",
                        base.with_(**dc.c19_overrides(base)).record(), seeds, src))
    return rows


def decisive_c20_c21_rows(root: Path) -> list:
    """Chapter 8's decisive C20/C21 runs: the tree-star splits, the GPT and Mamba on full paths."""
    got = _seeds_record(root, DECISIVE_C20_C21, trees_and_mamba.describe, "graph, trees, steps, lr and seeds",
                        "chapter 8's decisive C20 and C21 runs, the in-weights-small preset")
    if got is None:
        return []
    base, seeds, src = got
    return [_iw_row(DECISIVE_C20_C21, "decisive tree-star, both splits (C20)",
                    base.with_(**trees_and_mamba.tree_config(base)).record(), seeds, src),
            _iw_row(DECISIVE_C20_C21, "GPT, full paths (C21, beside Mamba)", base.record(), seeds, src),
            _iw_row(DECISIVE_C20_C21, "decisive Mamba, full paths (C21)",
                    base.with_(**trees_and_mamba.mamba_overrides(base)).record(), seeds, src)]


# the map, the long-path study, the first-hop diagnosis, the clock test (with the l = 8 control) and the reach
CHAPTER_09 = (MAP_09, "09_long_path", "09_first_hop", "09_clock", "09_reach")


def map_09(root: Path) -> list:
    """One row per run of chapter 9's folders: the map, the long-path study and the first-hop diagnosis."""
    rows = []
    for folder in CHAPTER_09:
        for path in sorted((Path(root) / "cpu" / folder).glob("*/metrics.json")):
            m = read_record(path)
            cfg = m["config"]
            if not cfg.get("stop_at"):  # a clock or reach run stops when it reaches its held-out level
                _check(f"{folder}/{path.parent.name}", "steps", m["steps"], planned_steps(cfg))
            rows.append(_iw_row(folder, path.parent.name, cfg, f"seed {cfg.get('seed', 0)}", "the record's config"))
    return rows


def in_weights_rows(root: Path = RESULTS) -> list:
    """The in-weights chapter records, one row per regime (chapter 9: one per cell)."""
    return (study_02(root) + hardest_03(root) + geometry_04(root) + seeds_08(root) + decisive_c17_c19_rows(root)
            + decisive_c20_c21_rows(root) + map_09(root))


# tiny graphs --------------------------------------------------------------------------------------
_TINY_KEYS = ("dim", "lr", "steps", "cosine", "weight_decay")


def _tiny_row(record: str, entry: str, cfg: dict, seeds: str, source: str, authors: dict | None = None) -> dict:
    """One tiny config beside the authors' configuration: ``authors``, else their notebook's for its
    model, graph and variant (``tiny_config.settings``). Full batch, so a step is an epoch."""
    if authors is None:
        authors = tiny_config.settings(cfg["model"], cfg["graph"], cfg.get("self_edges", False),
                                       cfg.get("forward_only", False))
    off = [k for k in _TINY_KEYS if k in authors and authors[k] != cfg.get(k)]
    return dict(record=f"results/cpu/{record}", runs=entry, graph=cfg["graph"], model=model_name(cfg["model"]),
                ours=tiny_config.describe({k: cfg.get(k) for k in _TINY_KEYS}, cfg["model"]),
                authors=tiny_config.describe({**dict.fromkeys(_TINY_KEYS), **authors}, cfg["model"]),
                off=", ".join(off), seeds=seeds, source=source)


def tiny_rows(root: Path = RESULTS) -> list:
    """Chapter 5's multi-seed record, the single tiny runs and chapter 7's knob table."""
    rows = []
    rec = _load(root, TINY_05)
    for entry, r in (rec or {}).get("runs", {}).items():
        rows.append(_tiny_row(TINY_05, entry, r["config"], f"seeds {', '.join(map(str, r['seeds']))}",
                              "the record's config"))
    lasts = _load(root, LASTS_05)  # the same entries at ten times the budget, configs from their preset
    for entry, e in (lasts or {}).get("entries", {}).items():
        graph, model = entry.split("/")
        cfg = presets.config("tiny", lasts["preset"], graph=graph, model=model, steps=e["steps"]).validate().record()
        rows.append(_tiny_row(LASTS_05, entry, cfg, f"seeds {', '.join(map(str, e['seeds']))}",
                              f"the preset's config at {lasts['factor']}× the budget"))
    for path in sorted((Path(root) / "cpu").glob("tiny-*/metrics.json")):
        m = read_record(path)
        rows.append(_tiny_row(path.parent.name, "one run", m["config"], f"seed {m['config']['seed']}",
                              "the record's config"))
    why = _load(root, WHY_07)
    knobs = (why or {}).get("knobs")
    if knobs:
        _check(WHY_07, "knob width and steps", (knobs["width"], knobs["steps"]),
               (tiny_knobs.knob_config("cpu").dim, tiny_knobs.knob_config("cpu").steps))
        rows += _knob_rows(WHY_07, knobs, "cpu", {}, "chapter 7's knob table at the cpu preset")
    wide = _load(root, KNOBS_07)
    if wide:
        k = wide["knobs"]
        rows += _knob_rows(KNOBS_07, k, wide["preset"], dict(dim=k["width"], steps=k["steps"]),
                           f"chapter 7's knob table at the {wide['preset']} preset, width and steps from the record")
    return rows


def _knob_rows(record: str, knobs: dict, preset: str, size: dict, code: str) -> list:
    """One row per knob-table row, beside the authors' regularizer notebook (the paper preset)."""
    src = REBUILT.format(kept="width, steps and seeds", code=code)
    rows = []
    for label in knobs.get("rows", {}):
        over = tiny_knobs.KNOBS[label][0]
        cfg = tiny_knobs.knob_config(preset, **over, **size).validate().record()
        theirs = tiny_knobs.knob_config("paper", **over).validate().record()
        rows.append(_tiny_row(record, f"knob: {label}", cfg, f"seeds {', '.join(map(str, knobs['seeds']))}", src,
                              {k: theirs[k] for k in _TINY_KEYS}))
    return rows


__all__ = ["in_weights_rows", "paper_staged_lrs", "schedule_text", "tiny_rows"]
