"""The tables and found lists of the tiny-graph chapter (5), built from its multi-seed record (``rec``:
``tiny_graph_seeds.load_or_run``): every cell is mean ± sd over seeds in reader words, so the chapter holds
calls, figures and asserts, not bookkeeping."""
from __future__ import annotations

from . import stats
from .controls import LEARNED
from .experiments import tiny_config
from .graphs import TINY_GRAPHS
from .studies.tiny_graph_seeds import AUTHORS_RECORDED, comparisons, entries, sign_flips, spread_of, text

# The models' names on the page (the glossary's), by their names in the record.
NAMES = {"transformer": "Transformer", "nn": "bilinear network", "associative": "associative memory",
         "associative-fast": "fast associative memory", "node2vec": "Node2Vec", "mamba": "Mamba"}
GRAPHS = {"star": "path-star", "grid": "4×4 grid", "cycle": "15-cycle", "irregular": "irregular graph"}
POSITION_INITS = (("N(0, 1)", ""), ("N(0, 0.02)", "-pos-0.02"))
FIEDLER = (("Node2Vec, width 100", "cycle/node2vec"), ("bilinear network, width 512 (the authors')", "cycle/nn"),
           ("bilinear network, width 32", "cycle/nn-width-32"))


def name(model: str) -> str:
    """A model's page name; a variant keeps its suffix in words ('bilinear network, self-edges')."""
    for key in sorted(NAMES, key=len, reverse=True):
        if model == key or model.startswith(key + "-"):
            rest = model[len(key):].lstrip("-").replace("-", " ")
            return NAMES[key] + (f", {rest}" if rest else "")
    return model


def graph(g: str) -> str:
    """A tiny graph's page name."""
    return GRAPHS.get(g, g)


def configurations() -> list[dict]:
    """The authors' configuration of each model and variant on each graph (d = width, st = steps)."""
    rows = []
    for model in tiny_config.TINY_MODELS:
        for variant in ("", "self-edges", "forward-only"):
            if f"star/{model}{'-' + variant if variant else ''}" not in entries():
                continue
            flags = dict(self_edges=variant == "self-edges", forward_only=variant == "forward-only")
            rows.append({"model": name(model), "variant": variant.replace("-", " ") or "both directions",
                         **{graph(g): tiny_config.describe(tiny_config.settings(model, g, **flags), model) for g in TINY_GRAPHS}})
    return rows


def seeds_table(rec: dict) -> list[dict]:
    """Every (graph, model): recovery, when every edge was stored, geometric level, concentration, chance."""
    return [{"graph": graph(g), "model": name(m), "seeds": len(rec["runs"][f"{g}/{m}"]["seeds"]),
             "top-k edge recovery": text(rec, f"{g}/{m}", "topk_recovery", "{:.3f}"),
             "every edge at step": text(rec, f"{g}/{m}", "steps_to_full_recovery", "{:.0f}"),
             "geometric level": text(rec, f"{g}/{m}", "geometric_level"),
             "highest level once memorized": text(rec, f"{g}/{m}", "memorized_geometric_level"),
             "spectral concentration": text(rec, f"{g}/{m}", "spectral_concentration", "{:.2f}"),
             "its chance": text(rec, f"{g}/{m}", "concentration_chance", "{:.2f}")}
            for g in TINY_GRAPHS for m in tiny_config.TINY_MODELS]


def authors_table(rec: dict) -> tuple[list[dict], list[str]]:
    """Each number the authors recorded (seed 7) beside ours under their definition; and the entries
    whose measure changes sign across our seeds."""
    found = comparisons(rec)
    rows = [{"graph": graph(c["graph"]), "model": name(c["entry"]), "measure": c["measure"].replace("_", " "),
             "ours (mean ± sd)": c["ours"].short(), "the authors'": c["authors"],
             "theirs within ours": "yes" if c["within"] else "no", "sign changes over seeds": "yes" if c["flips"] else ""}
            for c in found]
    return rows, [f"{name(c['entry'])} on the {graph(c['graph'])}" for c in found if c["flips"]]


def level_effect(rec: dict, a: str, b: str, measure: str = "geometric_level") -> dict:
    """Per graph, ``(higher, lower)``: whether entry suffix ``a``'s measure is above / below ``b``'s beyond the spread."""
    return {g: (stats.above(spread_of(rec, f"{g}/transformer{a}", measure), spread_of(rec, f"{g}/transformer{b}", measure)),
                stats.above(spread_of(rec, f"{g}/transformer{b}", measure), spread_of(rec, f"{g}/transformer{a}", measure)))
            for g in TINY_GRAPHS}


def position_init(rec: dict) -> tuple[list[dict], dict]:
    """The Transformer's final and highest level and its all-edges step under each position init; and the
    effect of the authors' N(0, 1) on the final level, per graph (``level_effect``)."""
    rows = [{"graph": graph(g), "position init": label, "final level": text(rec, f"{g}/transformer{e}", "geometric_level"),
             "highest level": text(rec, f"{g}/transformer{e}", "max_geometric_level"),
             "every edge at step": text(rec, f"{g}/transformer{e}", "steps_to_full_recovery", "{:.0f}")}
            for g in TINY_GRAPHS for label, e in POSITION_INITS]
    return rows, level_effect(rec, "", "-pos-0.02")


def fiedler(rec: dict) -> dict:
    """The Fiedler-pair share over seeds: ``label -> Spread`` (``FIEDLER``)."""
    return {label: spread_of(rec, e, "fiedler_share") for label, e in FIEDLER}


def forward_only(rec: dict) -> list[dict]:
    """The forward-only Transformer beside the both-directions one."""
    e = "transformer-forward-only"
    return [{"graph": graph(g), "top-k edge recovery": text(rec, f"{g}/{e}", "topk_recovery", "{:.3f}"),
             "geometric level": text(rec, f"{g}/{e}", "geometric_level"),
             "both directions": text(rec, f"{g}/transformer", "geometric_level"),
             "spectral concentration": text(rec, f"{g}/{e}", "spectral_concentration", "{:.2f}")} for g in TINY_GRAPHS]


def self_edges(rec: dict, models=("transformer", "nn", "node2vec")) -> list[dict]:
    """The share on negative eigendirections and the geometric level, without and with self-edges."""
    return [{"graph": graph(g), "model": name(m),
             "negative share": text(rec, f"{g}/{m}", "negative_share", "{:.3f}"),
             "with self-edges": text(rec, f"{g}/{m}-self-edges", "negative_share", "{:.3f}"),
             "geometric level": text(rec, f"{g}/{m}", "geometric_level"),
             "level with self-edges": text(rec, f"{g}/{m}-self-edges", "geometric_level")}
            for g in TINY_GRAPHS for m in models]


def margins(rec: dict, models=("nn", "associative", "associative-fast", "nn-self-edges", "associative-self-edges")):
    """The bilinear models' edge margin and geometric margin (ours; the authors' full-vocabulary one),
    beside the authors' recorded value, and whether the sign changes over seeds."""
    rows = []
    for g in TINY_GRAPHS:
        for m in models:
            e = f"{g}/{m}"
            theirs = AUTHORS_RECORDED.get(f"{e}/geometric_margin_full_vocab")
            rows.append({"graph": graph(g), "model": name(m), "seeds": len(rec["runs"][e]["seeds"]),
                         "edge margin": text(rec, e, "edge_margin"), "geometric margin, ours": text(rec, e, "geometric_margin"),
                         "full vocabulary": text(rec, e, "geometric_margin_full_vocab"),
                         "the authors'": "—" if theirs is None else f"{theirs:+.2f}",
                         "sign changes over seeds": "yes" if sign_flips(rec, e, "geometric_margin_full_vocab") else ""})
    return rows


def worst_recovery(rec: dict) -> dict:
    """Entries that miss an edge on some seed: ``entry -> the worst seed's top-k recovery``."""
    return {e: min(r["measures"]["topk_recovery"]["values"]) for e, r in rec["runs"].items()
            if min(r["measures"]["topk_recovery"]["values"]) < 1.0}


def found(rec: dict) -> dict:
    """What is found rather than claimed: ``short`` (entry -> worst seed's recovery, below 1), the graphs
    where self-edges lower the Transformer's negative share beyond the spread, and those where the
    bilinear network's full-vocabulary margin clears zero (mean - sd > 0)."""
    sp = lambda e, m: spread_of(rec, e, m)  # noqa: E731
    return {"short": worst_recovery(rec),
            "transformer_self_edges": [g for g in TINY_GRAPHS if stats.above(
                sp(f"{g}/transformer", "negative_share"), sp(f"{g}/transformer-self-edges", "negative_share"))],
            "bilinear_margin_clear": [g for g in TINY_GRAPHS if sp(f"{g}/nn", "geometric_margin_full_vocab").mean
                                      - sp(f"{g}/nn", "geometric_margin_full_vocab").sd > 0]}


def found_rows(f: dict) -> list[dict]:
    """``found`` in words, one row per list."""
    words = lambda d: ", ".join(f"{name(e.split('/')[1])} on the {graph(e.split('/')[0])} ({v:.3f})"  # noqa: E731
                                for e, v in d.items()) or "none"
    return [{"found": "short of every edge on some seed (worst seed's recovery)", "where": words(f["short"])},
            {"found": f"under-trained on some seed (recovery below {LEARNED})",
             "where": words({e: v for e, v in f["short"].items() if v < LEARNED})},
            {"found": "self-edges lower the Transformer's negative share beyond the spread",
             "where": ", ".join(map(graph, f["transformer_self_edges"])) or "none"},
            {"found": "the bilinear network's full-vocabulary margin above zero beyond the spread",
             "where": ", ".join(map(graph, f["bilinear_margin_clear"])) or "none"}]
