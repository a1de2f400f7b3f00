"""The rules read from chapter 05's tiny graphs and chapter 06's spectral runs: capacity (C7), zig-zag
and self-edges (C11), the minimal set of eigendirections (C13), Node2Vec's spectral bias (C14, C15) and
the geometry of every model (C16). Most read the multi-seed record, judged beyond the spread."""
from __future__ import annotations

from ..graphs import TINY_GRAPHS
from ..stats import above, from_record
from ..tiny_seeds import authors_fiedler_share
from .base import Get, Verdict, differs, grade, inconclusive, not_run, rule



def tiny_runs(get: Get, model: str, variant: str = "") -> dict | None:
    """``{graph: metrics}`` of the cpu tiny runs ``cpu/tiny-<graph>-<model><variant>``; None unless all four."""
    runs = {g: get(f"cpu/tiny-{g}-{model}{variant}") for g in TINY_GRAPHS}
    return runs if all(runs.values()) else None


def _per_graph(runs: dict, fmt) -> str:
    return ", ".join(f"{g} {fmt(m)}" for g, m in runs.items())


TINY_SEEDS = "cpu/05_tiny_seeds"  # chapter 05's multi-seed record (geomem_nb.tiny_seeds)


def tiny_seeds(get: Get) -> dict | None:
    """Chapter 05's multi-seed record, or None."""
    rec = get(TINY_SEEDS)
    return rec if rec and rec.get("runs") else None


def _sp(rec: dict, entry: str, measure: str):
    """The Spread of ``measure`` over the seeds of ``entry`` (None if absent or missing on a seed)."""
    m = rec["runs"].get(entry, {}).get("measures", {}).get(measure)
    return None if m is None or "values" not in m or None in m["values"] else from_record(m)


def _ms(s, fmt="{:+.2f}") -> str:
    return "-" if s is None else f"{fmt.format(s.mean)} ± {fmt.format(s.sd).lstrip('+')} (n={s.n})"


def _seeds_line(rec: dict, model: str, measures, fmt="{:+.2f}", variant: str = "") -> str:
    return f"{model}{variant}: " + ", ".join(
        f"{g} " + " / ".join(_ms(_sp(rec, f"{g}/{model}{variant}", m), fmt) for m in measures) for g in TINY_GRAPHS)


@rule
def c7(get: Get) -> Verdict:
    rec = tiny_seeds(get)
    if not rec:
        return not_run("chapter 05's multi-seed tiny record")
    evidence = ["frozen embeddings (only W, b learn), authors' configurations, mean ± sd over seeds: top-k recovery / "
                "final geometric level " + _seeds_line(rec, "associative", ("topk_recovery", "geometric_level")),
                "frozen, width 512, lr 0.1: " + _seeds_line(rec, "associative-fast", ("topk_recovery", "geometric_level"))]
    fast_steps = {g: _sp(rec, f"{g}/associative-fast", "steps_to_full_recovery") for g in TINY_GRAPHS}
    if all(fast_steps.values()):
        evidence.append("width 512: every edge stored by step " + ", ".join(
            f"{g} {max(s.values):.0f} (worst seed)" for g, s in fast_steps.items()))

    def worst(model, g):
        s = _sp(rec, f"{g}/{model}", "topk_recovery")
        return None if s is None else min(s.values)

    # Capacity is shown by the wide frozen network storing every edge on every seed; the narrow one
    # (the authors' per-graph settings) may miss a few, which is said, not hidden.
    stored = all(worst("associative-fast", g) == 1.0 for g in TINY_GRAPHS)
    missed = [f"{g} ({worst('associative', g):.2f})" for g in TINY_GRAPHS if (worst("associative", g) or 0) < 1.0]
    levels = [_sp(rec, f"{g}/{m}", "geometric_level") for g in TINY_GRAPHS for m in ("associative", "associative-fast")]
    flat = all(lv and abs(lv.mean) + lv.sd <= 0.1 for lv in levels)
    tf = {g: _sp(rec, f"{g}/transformer", "geometric_level") for g in TINY_GRAPHS}
    frozen = {g: _sp(rec, f"{g}/associative", "geometric_level") for g in TINY_GRAPHS}
    control = None
    if all(tf.values()) and all(frozen.values()):
        above_frozen = [g for g in TINY_GRAPHS if above(tf[g], frozen[g])]
        evidence.append("learnable Transformer, final geometric level " + _seeds_line(rec, "transformer", ("geometric_level",))
                        + f"; above the frozen model beyond the spread on {', '.join(above_frozen) or 'no graph'}")
        if len(above_frozen) == len(TINY_GRAPHS):
            control = "the learnable Transformer on the same graphs, geometric beyond the spread on all four"
    note = f"; the narrow frozen network misses a few edges on some seed: {', '.join(missed)}" if missed else ""
    if stored and flat:
        return Verdict("reproduced" if control else "partly",
                       "frozen embeddings store every edge (width 512, every seed, by step 1-2) with no geometry "
                       "(|level| + sd <= 0.1) on all four graphs" + note
                       + ("" if control else "; the learnable control is not above it everywhere"), evidence, control)
    if not stored:
        return inconclusive("under-trained control", "the wide frozen network does not store every edge on every seed"
                            + note, "the frozen network trained until it stores every edge", evidence)
    return differs("the frozen model is geometric beyond 0.1" + note,
                   "a frozen model without geometry (|final level| + sd <= 0.1 on every graph)", evidence)



def _self_edges(rec: dict, evidence: list) -> tuple[str, list]:
    """'held', 'some', 'failed' (the share rises with self-edges beyond the spread, no pair falls) or 'open'."""
    falls, rises = [], []
    for model in ("transformer", "nn"):
        evidence.append(f"{model}: share of the non-trivial energy on negative eigenspaces, without → with self-edges "
                        "(mean ± sd over seeds): " + ", ".join(
                            f"{g} {_ms(_sp(rec, f'{g}/{model}', 'negative_share'))} → "
                            f"{_ms(_sp(rec, f'{g}/{model}-self-edges', 'negative_share'))}" for g in TINY_GRAPHS))
        for g in TINY_GRAPHS:
            base, selfed = _sp(rec, f"{g}/{model}", "negative_share"), _sp(rec, f"{g}/{model}-self-edges", "negative_share")
            if base is not None and selfed is not None:
                (falls if above(base, selfed) else rises if above(selfed, base) else []).append(f"{model} on {g}")
    pairs = 2 * len(TINY_GRAPHS)
    return ("held" if len(falls) == pairs else "some" if 2 * len(falls) >= pairs else
            "failed" if rises and not falls else "open"), falls


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
    """The bilinear network's untying record (chapter 07), shown beside: not the paper's model for this claim."""
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


@rule
def c11(get: Get) -> Verdict:
    rec = tiny_seeds(get)
    if not rec:
        return not_run("chapter 05's multi-seed tiny record (with and without self-edges)")
    evidence = []
    selfed, falls = _self_edges(rec, evidence)
    untie = _untying_node2vec(rec, evidence)
    knobs = (get("cpu/07_why_geometry") or {}).get("knobs", {})
    parts = [f"self-edges lower the negative-eigenspace share beyond the spread on {len(falls)} of "
             f"{2 * len(TINY_GRAPHS)} (model, graph) pairs" + ("" if selfed != "failed" else ", and raise it on some")]
    decide = "Node2Vec with untied tables on the four tiny graphs (<graph>/node2vec-untied in chapter 05's seed record)"
    parts.append({None: f"untying on Node2Vec cannot tell: the run is missing ({decide})", "held": "untying brings Node2Vec to chance on every graph",
                  "failed": "untying leaves Node2Vec above chance on every graph",
                  "open": "untying on Node2Vec: mixed across graphs"}[untie])
    beside = _untying_bilinear(knobs, evidence)
    parts += [beside] if beside else []
    dirs = knobs.get("directions", {}).get("self-edges undo the zig-zag (lr 1e-2)")
    if dirs:
        held = [k for k, x in dirs["verdicts"].items() if x == "holds"]
        evidence.append(f"15-cycle bilinear network, {len(knobs['seeds'])} seeds: self-edges raise "
                        + ", ".join(dirs["verdicts"]) + f" — beyond the spread on {', '.join(held) or 'none'}")
    control = "the same models without self-edges (and the tied tables), same seeds"
    states = (selfed, untie or "open")
    if "open" in states and "held" not in states and "some" not in states:
        return inconclusive("no power", "; ".join(parts), decide, evidence)
    return grade("; ".join(parts), evidence, control, states == ("held", "held"), bool({"held", "some"} & set(states)),
                 excludes="the paper's two effects: " + "; ".join(parts))


MINIMAL_SHARE = 0.9  # "only the Fiedler pair": at least this share of the non-trivial energy on it


@rule
def c13(get: Get) -> Verdict:
    rec = tiny_seeds(get)
    if not rec or "cycle/nn-width-32" not in rec["runs"]:
        return not_run("the wide and narrow bilinear networks on the 15-cycle (chapter 05's multi-seed record)")
    wide, narrow, n2v = (_sp(rec, e, "fiedler_share") for e in ("cycle/nn", "cycle/nn-width-32", "cycle/node2vec"))
    width = rec["runs"]["cycle/nn"]["config"]["dim"]
    evidence = [f"15-cycle, share of the non-trivial embedding energy on the Fiedler pair (mean ± sd over seeds): "
                f"bilinear width {width} {_ms(wide, '{:.3f}')}, width {rec['runs']['cycle/nn-width-32']['config']['dim']} "
                f"{_ms(narrow, '{:.3f}')}, Node2Vec {_ms(n2v, '{:.3f}')}",
                "negative-eigenspace share of the wide network: " + _ms(_sp(rec, "cycle/nn", "negative_share"), "{:.3f}")]
    authors = authors_fiedler_share()
    evidence.append(f"the authors' own width-512 network on the 15-cycle (their notebook's spectral plot): at most "
                    f"{authors:.2f} of its energy on the Fiedler pair, the rest on eigenvectors 11-14 (the zig-zag)")
    control = "Node2Vec on the same cycle (its energy on the Fiedler pair) and the narrow network"
    artifact = (f"on the authors' own artifact too the share is at most {authors:.2f}: their network does not use only "
                "the Fiedler pair either")
    if wide.mean - wide.sd >= MINIMAL_SHARE:
        return Verdict("reproduced", f"the wide network puts >= {MINIMAL_SHARE} of its energy on the Fiedler pair; "
                       + artifact, evidence, control)
    recovery = _sp(rec, "cycle/nn", "topk_recovery")
    if recovery is None or min(recovery.values) < 1.0:
        return inconclusive("under-trained control", "the wide network does not store every edge on every seed",
                            "the wide network trained until it stores every edge", evidence)
    wider = "above" if above(wide, narrow) else "below" if above(narrow, wide) else "within the spread of"
    reason = (f"the statement: the wide network does not use only the Fiedler pair: {wide.mean:.2f} of its energy there "
              f"(Node2Vec {n2v.mean:.2f}); {wider} the narrow network's share; most of the rest sits on negative "
              f"eigendirections (the zig-zag); {artifact}")
    if wide.mean + 2 * wide.sd < MINIMAL_SHARE:
        return differs(reason, f"a Fiedler-pair share of {MINIMAL_SHARE} or more (mean + 2 sd: "
                       f"{wide.mean + 2 * wide.sd:.2f})", evidence)
    return inconclusive("no power", reason, "more seeds of the wide network on the 15-cycle", evidence)


@rule
def c14(get: Get) -> Verdict:
    runs = tiny_runs(get, "node2vec")
    if not runs:
        return not_run("tiny Node2Vec runs")
    evidence = [f"cpu, Node2Vec (dimension {runs['cycle']['config']['dim']}, plain GD to the last step): spectral "
                "concentration " + _per_graph(runs, lambda m: f"{m['spectral_concentration']:.3f} (chance {m['concentration_chance']:.2f})"),
                "norm outside the top two eigenspaces, first → last step: "
                + _per_graph(runs, lambda m: "{:.1f}→{:.3f}".format(*m["dynamics"]["other_projection"]))]
    ok = all(m["spectral_concentration"] >= 0.9 and m["dynamics"]["other_projection"][1] < 0.1 * m["dynamics"]["other_projection"][0]
             for m in runs.values())
    control = "spectral concentration by chance (the share of eigendirections counted): " + _per_graph(
        runs, lambda m: f"{m['concentration_chance']:.2f}")
    if ok:
        return Verdict("reproduced", "on all four graphs the embeddings concentrate on the top eigenspaces and the rest decays",
                       evidence, control)
    best = max(m["spectral_concentration"] for m in runs.values())
    if best >= 0.9:
        return Verdict("partly", "concentration below 0.9 or no decay on some graph", evidence)
    return differs(f"on no graph do the embeddings concentrate (highest {best:.3f}, one deterministic full-batch run per "
                   "graph)", f"a concentration of 0.9 or more on any of the four graphs", evidence)


@rule
def c15(get: Get) -> Verdict:
    rec = tiny_seeds(get)
    if not rec:
        return not_run("chapter 05's multi-seed tiny record")
    models = [m for m in ("transformer", "mamba") if f"star/{m}" in rec["runs"]]
    evidence, behind = [], []
    for m in models:
        evidence.append(f"spectral concentration, Node2Vec vs {m} (mean ± sd over seeds): " + ", ".join(
            f"{g} {_ms(_sp(rec, f'{g}/node2vec', 'spectral_concentration'))} vs "
            f"{_ms(_sp(rec, f'{g}/{m}', 'spectral_concentration'))}" for g in TINY_GRAPHS))
        for g in TINY_GRAPHS:
            for measure in ("spectral_concentration", "geometric_level"):
                n2v, other = _sp(rec, f"{g}/node2vec", measure), _sp(rec, f"{g}/{m}", measure)
                if not (n2v and other and above(n2v, other)):
                    behind.append(f"{m} {measure.replace('_', ' ')} on {g}")
    evidence.append("final geometric level " + "; ".join(_seeds_line(rec, m, ("geometric_level",))
                                                       for m in ["node2vec"] + models))
    control = "the chance concentration of an embedding unrelated to the graph: " + ", ".join(
        f"{g} {_sp(rec, f'{g}/node2vec', 'concentration_chance').mean:.2f}" for g in TINY_GRAPHS)
    if not behind:
        return Verdict("reproduced", f"Node2Vec is cleaner than the {' and '.join(models)} on all four graphs, on "
                       "concentration and level, beyond the spread", evidence, control)
    pairs = len(models) * len(TINY_GRAPHS) * 2
    reason = "Node2Vec is not cleaner beyond the spread for " + ", ".join(behind)
    if len(behind) < pairs:
        return Verdict("partly", reason, evidence)
    reversed_ = [f"{m} {k.replace('_', ' ')} on {g}" for m in models for g in TINY_GRAPHS
                 for k in ("spectral_concentration", "geometric_level")
                 if (a := _sp(rec, f"{g}/{m}", k)) and (b := _sp(rec, f"{g}/node2vec", k)) and above(a, b)]
    if reversed_:
        return differs(reason + "; the other model is cleaner beyond the spread for " + ", ".join(reversed_),
                       "Node2Vec being the cleaner geometry there", evidence)
    return inconclusive("no power", reason + " (all within the spread)", "more seeds of each model", evidence)


LEVEL_GEOMETRIC = 0.2  # final geometric level that counts as a geometry (the frozen control sits within ±0.1)


@rule
def c16(get: Get) -> Verdict:
    rec = tiny_seeds(get)
    if not rec:
        return not_run("chapter 05's multi-seed tiny record")
    models = ("transformer", "mamba", "nn", "node2vec")
    evidence = [_seeds_line(rec, m, ("topk_recovery", "geometric_level")) + " (top-k recovery / final geometric level)"
                for m in models + ("associative",)]
    evidence.append("forward edges only: " + _seeds_line(rec, "transformer", ("geometric_level",), variant="-forward-only"))
    unlearned = [f"{m} on {g}" for m in models for g in TINY_GRAPHS
                 if (s := _sp(rec, f"{g}/{m}", "topk_recovery")) is None or min(s.values) < 1.0]
    if unlearned:
        evidence.append("not every edge recovered on every seed: " + ", ".join(unlearned))
    flat = all((s := _sp(rec, f"{g}/associative", "geometric_level")) and abs(s.mean) + s.sd <= 0.1 for g in TINY_GRAPHS)
    flat = flat and len(_spectral_misses(rec, ("associative",))) == len(TINY_GRAPHS)  # at chance on both readings
    control = "the frozen-embedding model, which stores every edge with no geometry on either reading" if flat else None
    level = [f"{m} on {g}" for m in models for g in TINY_GRAPHS
             if not ((s := _sp(rec, f"{g}/{m}", "geometric_level")) and s.mean - s.sd >= LEVEL_GEOMETRIC)]
    spectral = _spectral_misses(rec, models)
    evidence.append("spectral concentration vs its chance (mean ± sd): " + "; ".join(
        _seeds_line(rec, m, ("spectral_concentration", "concentration_chance")) for m in models + ("associative",)))
    # The edge cosine is negative for the sign-alternating (zig-zag) geometry the paper describes; the
    # spectral reading (energy on the top eigenspaces, above chance) sees it. A model counts as geometric
    # on either reading.
    neither = [x for x in level if x in spectral]
    reason = (f"spectral concentration above chance beyond the spread for every model on every graph" if not spectral
              else "spectral concentration not above chance beyond the spread for " + ", ".join(spectral))
    reason += ("; final edge cosine (geometric level) above " + f"{LEVEL_GEOMETRIC} beyond the spread everywhere" if not level
               else f"; final edge cosine not above {LEVEL_GEOMETRIC} beyond the spread for " + ", ".join(level))
    reason += "; not every edge recovered: " + ", ".join(unlearned) if unlearned else ""
    pairs = len(models) * len(TINY_GRAPHS)
    if not neither and not unlearned and control:
        return Verdict("reproduced", reason, evidence, control)
    if len(neither) < pairs:
        return Verdict("partly", reason, evidence, control)
    if unlearned or not control:
        return inconclusive("under-trained control", reason, "every model trained until it recovers every edge, "
                            "beside a frozen control without geometry", evidence)
    return differs(reason, "a geometry on either reading for any model", evidence)


def _spectral_misses(rec: dict, models) -> list:
    """(model, graph) whose spectral concentration is not above its chance beyond the spread."""
    return [f"{m} on {g}" for m in models for g in TINY_GRAPHS
            if not ((c := _sp(rec, f"{g}/{m}", "spectral_concentration")) and
                    (ch := _sp(rec, f"{g}/{m}", "concentration_chance")) and above(c, ch))]
