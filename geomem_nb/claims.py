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
    return _in_context_text("cpu/in-context-hardest-token")


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
    Claim("C5", "Leaf and first-hop embeddings of the same held-out path are close: a global geometry.", ("04",)),
    Claim("C6", "Geometric memory turns an l-fold composition into a 1-step navigation.", ("04",)),
    Claim("C7", "Capacity does not explain the geometry: frozen embeddings memorize the edges associatively.", ("05", "07"), _c7),
    Claim("C8", "Succinctness does not break the tie: associative and geometric costs differ by a factor in [1, 2].", ("07",)),
    Claim("C9", "Supervision does not explain it: the geometry appears with edge-only training.", ("04", "07")),
    Claim("C10", "Optimization ease does not explain it: associative storage is found faster (~2 vs ~100 steps).", ("07",)),
    Claim("C11", "Zig-zag geometry comes from negative eigendirections and fades with self-edges.", ("05",), _c11),
    Claim("C12", "Learning rate, weight decay, initialization and dropout tip geometric vs associative.", ("07",)),
    Claim("C13", "A wide model uses a minimal set of eigendirections (two for a cycle).", ("06",), _c13),
    Claim("C14", "Node2Vec's embeddings converge onto the top non-trivial eigenvectors: a spectral bias.", ("06",), _c14),
    Claim("C15", "Headroom: Node2Vec's geometry is cleaner than the Transformer's.", ("05", "06"), _c15),
    Claim("C16", "On tiny graphs geometry is universal across models.", ("05",), _c16),
    Claim("C17", "Reverse edges are critical: forward-only edges fail both directions (reversal curse).", ("08",)),
    Claim("C18", "Pause tokens speed up convergence.", ("08",)),
    Claim("C19", "Two-phase training peaks and then collapses; interleaving is stable.", ("08",)),
    Claim("C20", "Tree-star graphs are harder; splitting at the first token is harder than at the leaf.", ("08",)),
    Claim("C21", "Everything carries over to Mamba.", ("08",)),
    Claim("C22", "Node2Vec can represent a contrived associative memory (dimension |E|).", ("07",)),
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
