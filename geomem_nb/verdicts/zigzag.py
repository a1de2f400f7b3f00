"""C11: the zig-zag geometry, self-edges and untying, read from chapter 5's multi-seed record."""
from __future__ import annotations

from ..graphs import TINY_GRAPHS
from ..stats import above, from_record
from .base import Get, Verdict, judge, not_run, rule
from .grading import beyond, combine, outcome
from .tiny_graphs import _ms, _sp, learned_sp, left_out, named, seeds_of, tiny_seeds


def _self_edges(rec: dict, evidence: list) -> tuple[str, dict]:
    """The self-edge half, judged on its own through the scheme: each (model, graph) pair holds when
    self-edges lower the negative-eigenspace share beyond the spread, differs when they raise it, else
    is open; seeds that did not store their edges are left out. Returns (status, {outcome: pairs})."""
    pairs = {"holds": [], "differs": [], "open": []}
    for model in ("transformer", "nn"):
        evidence.append(f"{named(model)}: share of the non-trivial energy on negative eigenspaces, without → with self-edges "
                        "(mean ± sd over the seeds that stored their edges): " + ", ".join(
                            f"{g} {_ms(learned_sp(rec, f'{g}/{model}', 'negative_share'))} → "
                            f"{_ms(learned_sp(rec, f'{g}/{model}-self-edges', 'negative_share'))}" for g in TINY_GRAPHS))
        for g in TINY_GRAPHS:
            base = learned_sp(rec, f"{g}/{model}", "negative_share")
            selfed = learned_sp(rec, f"{g}/{model}-self-edges", "negative_share")
            if base is not None and selfed is not None:
                pairs[beyond(above(base, selfed), above(selfed, base), False)].append(f"{named(model)} on {g}")
    found = [o for o, x in pairs.items() for _ in x]
    return combine(found or ["missing"])[0], pairs


def _untying_node2vec(rec: dict, evidence: list) -> str | None:
    """The paper's untying (v2 §4.4) on Node2Vec: 'held' when the untied table's spectral concentration
    is within the spread of chance on every graph, 'failed' when above it beyond the spread on every
    graph, 'open' between; None without the runs (``<graph>/node2vec-untied``)."""
    untied = {g: _sp(rec, f"{g}/node2vec-untied", "spectral_concentration") for g in TINY_GRAPHS}
    if not all(untied.values()):
        return None
    chance = {g: _sp(rec, f"{g}/node2vec", "concentration_chance") for g in TINY_GRAPHS}
    evidence.append("Node2Vec, untied tables: spectral concentration " + ", ".join(
        f"{g} {_ms(untied[g], '{:.2f}')} (chance {chance[g].mean:.2f})" for g in TINY_GRAPHS))
    kept = [g for g in TINY_GRAPHS if above(untied[g], chance[g])]
    return "held" if not kept else "failed" if len(kept) == len(TINY_GRAPHS) else "open"


def _untying_bilinear(knobs: dict, evidence: list) -> str | None:
    """The bilinear network's untying record (chapter 7), shown beside: not the paper's model for this claim."""
    untie = knobs.get("untying")
    if not untie:
        return None
    lines, kept = [], True
    for table in ("untied_input", "untied_output"):
        for measure, c in untie["chance"].items():
            x, tied = from_record(untie[table][measure]), from_record(untie["tied"][measure])
            lines.append(f"{measure.replace('_', ' ')} {table.replace('_', ' ')} {x} vs tied {tied} (chance {c:.2f})")
            kept = kept and x.mean - x.sd > c
    evidence.append("untying, 15-cycle bilinear network: " + "; ".join(lines))
    return ("on the bilinear network (not the paper's Node2Vec) both untied tables stay above chance" if kept
            else "on the bilinear network untying brings the tables to chance")


UNTYING = {None: ("missing", "untying on Node2Vec has no saved run"),
           "held": ("holds", "untying brings Node2Vec to chance on every graph"),
           "failed": ("differs", "untying leaves Node2Vec above chance on every graph"),
           "open": ("partly", "untying brings Node2Vec to chance on some graphs only")}


def _c11_headline(get: Get) -> str:
    _, pairs = _self_edges(tiny_seeds(get), [])
    return (f"self-edges lower the zig-zag share on {len(pairs['holds'])} of "
            f"{sum(map(len, pairs.values()))} (model, graph) pairs")


@rule(headline=_c11_headline)
def c11(get: Get) -> Verdict:
    rec = tiny_seeds(get)
    if not rec:
        return not_run("chapter 5's multi-seed tiny record (with and without self-edges)")
    evidence = []
    selfed, pairs = _self_edges(rec, evidence)
    untie, untie_text = UNTYING[_untying_node2vec(rec, evidence)]
    knobs = (get("cpu/07_why_geometry") or {}).get("knobs", {})
    n = sum(map(len, pairs.values()))
    dropped = left_out(rec, [f"{g}/{m}{v}" for m in ("transformer", "nn") for g in TINY_GRAPHS for v in ("", "-self-edges")])
    reason = (f"On four tiny graphs (cpu, {seeds_of(rec)} seeds) self-edges lower the share of the negative eigendirections (the "
              f"zig-zag) beyond the spread on {len(pairs['holds'])} of {n} (model, graph) pairs"
              + (f", raise it on {len(pairs['differs'])}" if pairs["differs"] else "") + f"; {untie_text}"
              + (f" (left out: {', '.join(dropped)}, which did not store their edges)" if dropped else ""))
    said = {"holds": "lower the share beyond the spread", "differs": "raise it beyond the spread",
            "open": "change it within the spread"}
    detail = [f"self-edges {said[o]} for " + ", ".join(x) for o, x in pairs.items() if x]
    beside = _untying_bilinear(knobs, evidence)
    detail += [beside] if beside else []
    dirs = knobs.get("directions", {}).get("self-edges undo the zig-zag (lr 1e-2)")
    if dirs:
        held = [k for k, x in dirs["verdicts"].items() if x == "holds"]
        evidence.append(f"15-cycle bilinear network, {len(knobs['seeds'])} seeds: self-edges raise "
                        + ", ".join(dirs["verdicts"]) + f" — beyond the spread on {', '.join(held) or 'none'}")
    return judge([outcome(selfed), untie], reason, evidence,
                 "the same models without self-edges (and the tied tables), same seeds",
                 excludes="the paper's effects where our runs show the opposite",
                 decide="Node2Vec with untied tables on the four tiny graphs, and more seeds of each pair",
                 detail=detail)
