"""What chapter 5 states about its multi-seed record, as named checks: each maps a sentence of the chapter
to whether the record bears it out ("beyond the spread": the mean minus sd of one above the mean plus sd
of the other). The chapter shows the table and asserts every check."""
from __future__ import annotations

from . import controls, stats
from .experiments.tiny_config import TINY_GRAPHS, TINY_MODELS
from .studies import tiny_graph_seeds
from .tiny_tables import found

MEMORIES = ("associative", "associative-fast")


def _all(graphs, test) -> bool:
    return all(test(g) for g in graphs)


def seed_checks(rec: dict, graphs=TINY_GRAPHS) -> dict[str, bool]:
    """The controls, Node2Vec, the Transformer, Mamba and the bilinear network on every tiny graph."""
    def sp(entry, measure):
        return tiny_graph_seeds.spread_of(rec, entry, measure)

    def stored(g, m):  # every seed of the memory stores (nearly) every edge
        return all(v >= controls.LEARNED for v in rec["runs"][f"{g}/{m}"]["measures"]["topk_recovery"]["values"])

    def spectral_gap(g, m):
        a, b = sp(f"{g}/node2vec", "spectral_concentration"), sp(f"{g}/{m}", "spectral_concentration")
        return stats.above(a, b) and a.mean >= b.mean + 0.2

    short = found(rec)
    return {
        "both associative memories store nearly every edge on every seed": _all(graphs, lambda g: all(stored(g, m) for m in MEMORIES)),
        "…the fast one within 2 steps": _all(graphs, lambda g: max(sp(f"{g}/associative-fast", "steps_to_full_recovery").values) <= 2),
        "…with a geometric level within 0.1 of zero (mean + sd)": _all(graphs, lambda g: all(
            abs(sp(f"{g}/{m}", "geometric_level").mean) + sp(f"{g}/{m}", "geometric_level").sd <= 0.1 for m in MEMORIES)),
        "…and no positive full-vocabulary margin (mean + sd at most 0.5)": _all(graphs, lambda g: all(
            sp(f"{g}/{m}", "geometric_margin_full_vocab").mean + sp(f"{g}/{m}", "geometric_margin_full_vocab").sd <= 0.5
            for m in MEMORIES)),
        "Node2Vec's level is at least 0.8 (mean − sd)": _all(graphs, lambda g: (
            sp(f"{g}/node2vec", "geometric_level").mean - sp(f"{g}/node2vec", "geometric_level").sd >= 0.8)),
        "Node2Vec's final loss per node matches the authors' on every graph": all(
            abs(c["ours"].mean - c["authors"]) <= 0.01 for c in tiny_graph_seeds.comparisons(rec) if c["measure"] == "final_loss"),
        "the Transformer's level is above the associative memory's beyond the spread": _all(graphs, lambda g: stats.above(
            sp(f"{g}/transformer", "geometric_level"), sp(f"{g}/associative", "geometric_level"))),
        "the Transformer's and Mamba's spectral concentration below Node2Vec's by at least 0.2": _all(
            graphs, lambda g: spectral_gap(g, "transformer") and spectral_gap(g, "mamba")),
        "the bilinear network puts at least 40% of its energy on negative eigendirections": _all(
            graphs, lambda g: sp(f"{g}/nn", "negative_share").mean >= 0.4),
        "…a share that falls beyond the spread with self-edges": _all(graphs, lambda g: stats.above(
            sp(f"{g}/nn", "negative_share"), sp(f"{g}/nn-self-edges", "negative_share"))),
        "with self-edges its level reaches 0.3 and its margin 2 (mean − sd)": _all(graphs, lambda g: (
            sp(f"{g}/nn-self-edges", "geometric_level").mean - sp(f"{g}/nn-self-edges", "geometric_level").sd >= 0.3
            and sp(f"{g}/nn-self-edges", "geometric_margin_full_vocab").mean
            - sp(f"{g}/nn-self-edges", "geometric_margin_full_vocab").sd >= 2)),
        "the base runs other than the Transformer learn what they can on every seed": all(
            v >= controls.LEARNED for e, v in short["short"].items() if e.split("/")[1] in TINY_MODELS[1:]),
        "self-edges lower the Transformer's negative share on at least 3 graphs": len(short["transformer_self_edges"]) >= 3,
        "the bilinear network's margin clears zero on every graph": _all(
            graphs, lambda g: sp(f"{g}/nn", "geometric_margin_full_vocab").mean > 0)}


def found_checks(pos_effect: dict, wide, narrow, n2v_share) -> dict[str, bool]:
    """What the chapter found rather than claimed: the position initialization and C13's wide network."""
    return {"the authors' position initialization is never lower beyond the spread, higher on some graph":
            not any(lo for _, lo in pos_effect.values()) and any(hi for hi, _ in pos_effect.values()),
            "the wide network's Fiedler share is far below 0.9 and below Node2Vec's beyond the spread":
            wide.mean + wide.sd < 0.9 and stats.above(n2v_share, wide),
            "…and not above the narrow network's": not stats.above(wide, narrow)}
