"""The paper's claims C1-C22, the chapter that shows each, and the measured result read from the
saved runs under ``results/`` (never typed by hand). ``table()`` renders the book's claims page."""
from __future__ import annotations

import html
from dataclasses import dataclass
from typing import Callable

from .evaluate import first_crossing
from .results import REPO, RESULTS, read_json

NOTEBOOKS = REPO / "notebooks"


def load(name: str) -> dict | None:
    """``results/<name>/metrics.json``, or None."""
    path = RESULTS / name / "metrics.json"
    return read_json(path) if path.exists() else None


def _run_text(m: dict, label: str) -> str:
    p = m.get("provenance", {})
    return (f"{label}: held-out exact match {m['test_exact_match']:.3f} vs chance {m['chance']:.2g} "
            f"({m['steps']} steps, {m['train_seconds']:.0f} s on {p.get('device', m.get('device'))})")


def _c1() -> str | None:
    parts = []
    m = load("cpu/in-weights")
    if m:
        c = m["config"]
        parts.append(_run_text(m, f"cpu preset, G({c['degree']},{c['path_length']})"))
    for name in ("in-weights-g5000-5", "in-weights-g10000-6", "in-weights-g10000-10"):
        m = load(name)
        if m:
            c = m["config"]
            parts.append(_run_text(m, f"G({c['degree']},{c['path_length']})"))
    for name in ("cpu/in-context-forward", "in-context-g2-5-forward", "in-context-g2-5-reverse"):
        parts.append(_in_context_text(name))
    return "; ".join(p for p in parts if p) or None


def _in_context_text(name: str) -> str | None:
    """One in-context run (chapter 01): exact match vs chance, and the positive control where there is one."""
    m = load(name)
    if not m:
        return None
    c, p = m["config"], m.get("provenance", {})
    where = f"{m['steps']} steps, {m['train_seconds']:.0f} s on {p.get('device', m.get('device'))}"
    scale = f"{name.split('/')[0]} preset" if "/" in name else "paper scale"
    head = f"in context ({scale}, G({c['degree']},{c['path_length']}), {c['objective']}): "
    if c["objective"] == "hardest-token":
        return head + f"first hop trained alone {m['test_hardest_token']:.3f} vs chance {m['chance']:.2g} ({where})"
    return head + (f"held-out exact match {m['test_exact_match']:.3f} vs chance {m['chance']:.2g}, "
                   f"{m['test_exact_match_given_first_hop']:.3f} given the true first hop ({where})")


def _c3() -> str | None:
    parts = []
    m = load("cpu/03_hardest_token")
    if m:
        parts.append(f"in weights (cpu preset, {m['graph']}): first hop trained alone {m['in_weights_hardest_token']:.3f} "
                     f"on held-out leaves vs chance {m['chance']:.2g}; edges first, then the first hop alone: "
                     f"{m['staged_hardest_token']:.3f}")
    parts.append(_in_context_text("cpu/in-context-hardest-token"))
    return "; ".join(p for p in parts if p) or None


def _geometry() -> str | None:
    m = load("cpu/04_path_star_geometry")
    if not m:
        return None
    shown = ", ".join(f"{k} {v:.3f}" for k, v in m["diagonal"].items())
    return (f"cpu preset, {m['graph']}: held-out leaves nearest their own arm's first hop — {shown} "
            f"(chance {m['chance']:.2g}; untrained model {max(m['untrained'].values()):.3f})")


def _c9() -> str | None:
    m, s = load("cpu/04_path_star_geometry"), load("cpu/03_hardest_token")
    parts = []
    if m:
        parts.append(f"edges only (cpu preset, {m['graph']}): leaf/first-hop diagonal accuracy "
                     f"{m['diagonal']['edges only']:.3f} vs chance {m['chance']:.2g}; diagonal contrast "
                     f"{m['contrast_leaf_first_hop']['edges only']:.3f} leaf/first hop, "
                     f"{m['contrast_path_averaged']['edges only']:.3f} path-averaged")
    if s:
        parts.append(f"after the edge phase alone, diagonal accuracy {s['edge_phase_diagonal']:.3f}; fine-tuned on "
                     f"the first hop alone, {s['staged_hardest_token']:.3f} held-out first hop")
    return "; ".join(parts) or None


def _variants(fmt) -> Callable[[], str | None]:
    def measure():
        m = load("cpu/08_what_else_matters")
        return fmt(m) if m else None
    return measure


def _c17(m) -> str:
    d = m["directions"]
    return (f"cpu preset, {m['graph']}, held-out exact match (forward / reverse paths): both edges "
            f"{d['both/forward']:.3f} / {d['both/reverse']:.3f}, forward-only {d['forward/forward']:.3f} / "
            f"{d['forward/reverse']:.3f}, backward-only {d['backward/forward']:.3f} / {d['backward/reverse']:.3f}; "
            f"chance {m['chance']:.2g}")


def _c18(m) -> str:
    shown = ", ".join(f"{k} pauses {v:.3f}" for k, v in m["pauses"].items())
    return f"cpu preset, {m['graph']}, {m['steps']} steps each: {shown} (chance {m['chance']:.2g})"


def _c19(m) -> str:
    runs = "; ".join(f"{k}: peak {m['staged_peak'][k]:.3f}, final {m['staged_final'][k]:.3f}" for k in m["staged_peak"])
    return f"cpu preset, {m['graph']}: {runs}; mixed final {m['mixed_final']:.3f} (chance {m['chance']:.2g})"


def _c20(m) -> str:
    t = m["trees"]
    return (f"cpu preset, {m['tree']}: leaf split {t['leaf']:.3f}, first-token split {t['first-token']:.3f} "
            f"vs chance 1/num_leaves = {m['tree_chance']:.2g}")


def _c21(m) -> str:
    s = m["mamba"]
    return (f"cpu preset, {m['graph']}, Mamba vs GPT: full paths {s['full paths']['mamba']:.3f} vs "
            f"{s['full paths']['gpt']:.3f}; first hop {s['first hop']['mamba']:.3f} vs {s['first hop']['gpt']:.3f}; "
            f"edges-only leaf/first-hop diagonal {s['edges only']['mamba']:.3f} vs {s['edges only']['gpt']:.3f} "
            f"(chance {m['chance']:.2g})") + _c21_headline()


def _c21_headline() -> str:
    """The in-weights chapter's graph, when the Mamba run of it is shipped."""
    gpt, mamba = load("cpu/in-weights"), load("cpu/in-weights-mamba")
    if not (gpt and mamba):
        return ""
    c = mamba["config"]
    return (f"; on G({c['degree']},{c['path_length']}): Mamba {mamba['test_exact_match']:.3f} after "
            f"{mamba['steps']} steps vs GPT {gpt['test_exact_match']:.3f} after {gpt['steps']}")


def _c2() -> str | None:
    m = load("cpu/in-weights")
    if not m:
        return None
    steps = first_crossing(m["history"])
    shown = ", ".join(f"position {i}: {s}" for i, s in enumerate(steps, start=1) if i > 1)
    return f"cpu preset: step at which each held-out position first reaches 50% — {shown}"


def _c4() -> str | None:
    m = load("cpu/in-weights-frozen")
    if not m:
        return None
    return (_run_text(m, "cpu preset, frozen token embeddings") +
            f"; train exact match {m['train_exact_match']:.3f}")


TINY_GRAPHS = ("star", "grid", "cycle", "irregular")


def _tiny_runs(model: str, variant: str = "") -> dict | None:
    """``{graph: metrics}`` of the cpu-preset tiny runs ``results/cpu/tiny-<graph>-<model><variant>``;
    None unless all four graphs are there."""
    runs = {g: load(f"cpu/tiny-{g}-{model}{variant}") for g in TINY_GRAPHS}
    return runs if all(runs.values()) else None


def _per_graph(runs: dict, fmt) -> str:
    return ", ".join(f"{g} {fmt(m)}" for g, m in runs.items())


def _c7() -> str | None:
    frozen, fast = _tiny_runs("associative"), _tiny_runs("associative-fast")
    if not (frozen and fast):
        return None
    return ("cpu preset, embeddings frozen (only W, b learn): top-k recovery / geometric level "
            + _per_graph(frozen, lambda m: f"{m['topk_recovery']:.2f} / {m['geometric_level']:+.2f}")
            + "; width 512, lr 0.1: every edge stored by step "
            + _per_graph(fast, lambda m: str(m["steps_to_full_recovery"])))


def _c11() -> str | None:
    parts = []
    for model in ("transformer", "nn"):
        base, selfed = _tiny_runs(model), _tiny_runs(model, "-self-edges")
        if not (base and selfed):
            return None
        parts.append(f"{model}: " + ", ".join(
            f"{g} {base[g]['negative_share']:.2f}→{selfed[g]['negative_share']:.2f}" for g in TINY_GRAPHS))
    return "cpu preset, share of the non-trivial energy on negative eigenspaces, without → with self-edges; " + "; ".join(parts)


def _c13() -> str | None:
    m = load("cpu/tiny-cycle-node2vec")
    if not m:
        return None
    return (f"cpu preset, Node2Vec (dimension {m['config']['dim']}) on the 15-cycle: {m['fiedler_share']:.4f} of the "
            f"non-trivial energy on the Fiedler pair (one 2-dimensional eigenspace) after {m['steps']} steps")


def _c14() -> str | None:
    runs = _tiny_runs("node2vec")
    if not runs:
        return None
    dims = {m["config"]["dim"] for m in runs.values()}
    nodes = max(m["num_nodes"] for m in runs.values())
    return (f"cpu preset, Node2Vec (dimension {', '.join(map(str, sorted(dims)))}, at most {nodes} nodes; plain GD "
            "to the last step): spectral concentration "
            + _per_graph(runs, lambda m: f"{m['spectral_concentration']:.3f} (chance {m['concentration_chance']:.2f})")
            + "; norm outside the top two eigenspaces "
            + _per_graph(runs, lambda m: "{:.1f}→{:.3f}".format(*m["dynamics"]["other_projection"]))
            + "; final loss per node " + _per_graph(runs, lambda m: f"{m['final_loss']:.3f}"))


def _c15() -> str | None:
    n2v, tf = _tiny_runs("node2vec"), _tiny_runs("transformer")
    if not (n2v and tf):
        return None
    return "cpu preset, spectral concentration Node2Vec vs Transformer: " + ", ".join(
        f"{g} {n2v[g]['spectral_concentration']:.2f} vs {tf[g]['spectral_concentration']:.2f}" for g in TINY_GRAPHS)


def _c16() -> str | None:
    runs = {m: _tiny_runs(m) for m in ("transformer", "nn", "associative", "associative-fast", "node2vec")}
    if not all(runs.values()):
        return None
    recovery = [r["topk_recovery"] for model in runs.values() for r in model.values()]

    def span(model, key, sign="+"):
        vals = [r[key] for r in runs[model].values()]
        return f"{min(vals):{sign}.2f} to {max(vals):{sign}.2f}"

    return (f"cpu preset, {len(runs)} models × {len(TINY_GRAPHS)} graphs: top-k recovery {min(recovery):.2f} to {max(recovery):.2f}; "
            f"geometric level (most geometric memorized state) transformer {span('transformer', 'memorized_geometric_level')}, "
            f"Node2Vec {span('node2vec', 'memorized_geometric_level')}, frozen control "
            f"{span('associative', 'memorized_geometric_level')}; bilinear network {span('nn', 'memorized_geometric_level')} "
            f"(zig-zag: negative-eigenspace share {span('nn', 'negative_share', '')})")


def _c8() -> str | None:
    """Computed from the paper's cost counts (``succinctness``, chapter 07): arithmetic, nothing to load."""
    from . import succinctness as sc

    cycles = [sc.cycle_costs(n) for n in (4, 5, 15, 100, 10 ** 4, 10 ** 6)]
    stars = [sc.path_star_costs(d, ell) for d in (4, 10, 100, 1000, 5000, 10 ** 4) for ell in (5, 6, 10)]

    def span(costs, unit, regimes=tuple(sc.REGIMES)):
        gaps = [sc.gap(c.ratios(r)[unit], 1.0) for c in costs for r in regimes]
        return f"{min(gaps):.2f} to {max(gaps):.2f}"

    other = ("untied, both directions", "tied, forward only")
    return ("computed from the paper's counts; factor between the associative and the geometric cost: n-cycle "
            f"(n = 4 to 10^6) bits {span(cycles, 'bits')}, l2 {span(cycles, 'l2')}; path-star G(d,l) (d = 4 to 10^4, "
            f"l = 5, 6, 10; Johnson-Lindenstrauss embedding) l2 {span(stars, 'l2')}, bits "
            f"{span(stars, 'bits', ('tied, both directions',))} with tied tables and both directions, "
            f"{span(stars, 'bits', other)} untied or forward-only (there the geometry is the dearer storage)")


def _c22() -> str | None:
    """Proposition 4's incidence table built on the four tiny graphs (chapter 07), against the saved
    cpu-preset Node2Vec runs."""
    import numpy as np

    from . import geometry, spectral, succinctness
    from .graphs import tiny_graph

    n2v = _tiny_runs("node2vec")
    if not n2v:
        return None
    dims, exact, recovered, conc = [], True, [], {}
    for g in TINY_GRAPHS:
        graph = tiny_graph(g)
        phi = succinctness.incidence_embedding(graph.num_nodes, graph.edges())
        dots, a = phi @ phi.T, graph.adjacency()
        off = ~np.eye(graph.num_nodes, dtype=bool)
        exact = exact and np.array_equal(dots[off], a[off])
        recovered.append(geometry.topk_recovery(np.where(off, dots, -np.inf),
                                                geometry.neighbour_lists(graph.num_nodes, graph.edges())))
        dims.append(phi.shape[1])
        conc[g] = spectral.concentration(phi, spectral.eigenspaces(a))
    return (f"incidence table of dimension |E| ({', '.join(map(str, dims))}): dot product "
            f"{'exactly 1 on every edge and 0 on every other pair' if exact else 'NOT exact'}, top-k recovery "
            f"{min(recovered):.2f} on all four graphs; spectral concentration vs trained Node2Vec (cpu preset) "
            + ", ".join(f"{g} {conc[g]:.2f} vs {n2v[g]['spectral_concentration']:.2f}" for g in TINY_GRAPHS))


def _c10() -> str | None:
    m = load("cpu/07_why_geometry")
    if not m:
        return None
    r = m["race"]
    frozen = r["frozen, width 512, lr 0.1"]
    learn = "; ".join(f"{k.removeprefix('learnable, ')}: step {v['half_geometric_margin_step']}" for k, v in r.items()
                      if k.startswith("learnable"))
    wide = r["learnable, width 512, lr 1e-3"]
    return (f"cpu preset, 15-cycle, full batch: the frozen control (width 512, lr 0.1) stores every edge by step "
            f"{frozen['steps_to_full_recovery']} with no geometry; the learnable network first reaches half its final "
            f"geometric margin at ({learn}); the wide learnable one stores every edge by step "
            f"{wide['steps_to_full_recovery']} (margin then {wide['margin_when_memorized']:+.2f}) and ends at "
            f"{wide['final_geometric_margin']:+.2f}")


def _c12() -> str | None:
    m = load("cpu/07_why_geometry")
    if not m:
        return None
    k = m["knobs"]
    rows = "; ".join(f"{label}: {x['geometric_margin']:+.2f}" for label, x in k["rows"].items()
                     if x["geometric_margin"] is not None)
    return (f"cpu preset, 15-cycle, bilinear network of width {k['width']}, {k['steps']} steps; geometric margin "
            f"({rows}); untied: embedding geometric level {k['rows']['untied, lr 1e-2']['geometric_level']:+.3f} vs "
            f"{k['rows']['lr 1e-2']['geometric_level']:+.3f} tied")


@dataclass
class Claim:
    id: str
    statement: str
    chapters: tuple
    measure: Callable[[], str | None] | None = None


CHAPTERS = {
    "01": "01_in_context_path_star", "02": "02_in_weights_path_star", "03": "03_hardest_token",
    "04": "04_path_star_geometry", "05": "05_tiny_graphs", "06": "06_spectral_bias",
    "07": "07_why_geometry", "08": "08_what_else_matters",
}

CLAIMS = [
    Claim("C1", "In-weights path-star: held-out root→leaf paths are generated far above chance 1/d "
                "(in context, the same task stays at chance).", ("02", "01"), _c1),
    Claim("C2", "In-weights, the target tokens are learned roughly together: no right-to-left cascade.", ("02",), _c2),
    Claim("C3", "The hardest token (the first hop) is learned in isolation in-weights, not in context.", ("03", "01"), _c3),
    Claim("C4", "This contradicts the associative view: with frozen embeddings the held-out paths fail.", ("02", "07"), _c4),
    Claim("C5", "Leaf and first-hop embeddings of the same held-out path are close: a global geometry.", ("04",), _geometry),
    Claim("C6", "Geometric memory turns an l-fold composition into a 1-step navigation.", ("04",), _geometry),
    Claim("C7", "Capacity does not explain the geometry: frozen embeddings memorize the edges associatively.", ("05", "07"), _c7),
    Claim("C8", "Succinctness does not break the tie: associative and geometric costs differ by a factor in [1, 2].", ("07",), _c8),
    Claim("C9", "Supervision does not explain it: the geometry appears with edge-only training.", ("04", "07"), _c9),
    Claim("C10", "Optimization ease does not explain it: associative storage is found faster (~2 vs ~100 steps).", ("07",), _c10),
    Claim("C11", "Zig-zag geometry comes from negative eigendirections and fades with self-edges.", ("05",), _c11),
    Claim("C12", "Learning rate, weight decay, initialization and dropout tip geometric vs associative.", ("07",), _c12),
    Claim("C13", "A wide model uses a minimal set of eigendirections (two for a cycle).", ("06",), _c13),
    Claim("C14", "Node2Vec's embeddings converge onto the top non-trivial eigenvectors: a spectral bias.", ("06",), _c14),
    Claim("C15", "Headroom: Node2Vec's geometry is cleaner than the Transformer's.", ("05", "06"), _c15),
    Claim("C16", "On tiny graphs geometry is universal across models.", ("05",), _c16),
    Claim("C17", "Reverse edges are critical: forward-only edges fail both directions (reversal curse).", ("08",), _variants(_c17)),
    Claim("C18", "Pause tokens speed up convergence.", ("08",), _variants(_c18)),
    Claim("C19", "Two-phase training peaks and then collapses; interleaving is stable.", ("08",), _variants(_c19)),
    Claim("C20", "Tree-star graphs are harder; splitting at the first token is harder than at the leaf.", ("08",), _variants(_c20)),
    Claim("C21", "Everything carries over to Mamba.", ("08",), _variants(_c21)),
    Claim("C22", "Node2Vec can represent a contrived associative memory (dimension |E|).", ("07",), _c22),
]


def rows() -> list[dict]:
    out = []
    for c in CLAIMS:
        measured = c.measure() if c.measure else None
        out.append({"id": c.id, "statement": c.statement,
                    "chapters": [CHAPTERS[k] for k in c.chapters], "measured": measured})
    return out


def table():
    """The claims table as HTML (links to the chapter pages; 'not yet measured' where no result exists)."""
    from IPython.display import HTML

    lines = ["<table><thead><tr><th>claim</th><th>statement</th><th>chapter</th><th>measured here</th>"
             "</tr></thead><tbody>"]
    for r in rows():
        links = ", ".join(f'<a href="../notebooks/{c}.html">{c[:2]}</a>' if (NOTEBOOKS / f"{c}.py").exists()
                          else f"{c[:2]} (to come)" for c in r["chapters"])
        measured = html.escape(r["measured"]) if r["measured"] else "<em>not yet measured</em>"
        lines.append(f"<tr><td>{r['id']}</td><td>{html.escape(r['statement'])}</td><td>{links}</td>"
                     f"<td>{measured}</td></tr>")
    lines.append("</tbody></table>")
    return HTML("\n".join(lines))
