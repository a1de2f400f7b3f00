"""The paper's claims C1-C22, stated as the paper states them, the chapter that shows each, and the
verdict our saved runs give it (``verdicts``: one rule per claim, read from ``results/``, never typed
by hand). ``table()`` renders the book's claims page."""
from __future__ import annotations

import html
from collections import Counter
from dataclasses import dataclass
from typing import Callable

from . import verdicts as v
from .results import REPO, BadRecord, shipped

NOTEBOOKS = REPO / "notebooks"


@dataclass
class Claim:
    id: str
    statement: str
    chapters: tuple
    rule: Callable


CHAPTERS = {
    "01": "01_in_context_path_star", "02": "02_in_weights_path_star", "03": "03_hardest_token",
    "04": "04_path_star_geometry", "05": "05_tiny_graphs", "06": "06_spectral_bias",
    "07": "07_why_geometry", "08": "08_what_else_matters",
}

CLAIMS = [
    Claim("C1", "On in-weights path-star graphs of up to 5×10^4 nodes (G(5000,5), G(10^4,6), G(10^4,10): up to a "
                "10-fold composition), trained on 75% of the paths, the Transformer and Mamba predict the paths of "
                "held-out leaves with as much as 100% accuracy, far above chance 1/d; in context (G(2,5), G(10,5), "
                "G(20,5)) full-path accuracy stays at chance.", ("02", "01"), v.c1),
    Claim("C2", "In weights, the target tokens are learned in no particular order (largely in tandem): no "
                "right-to-left cascade; in context with the teacherless objective, later tokens are learned first.",
          ("02",), v.c2),
    Claim("C3", "The hardest token (the first hop) is learned in isolation in weights, from edges plus "
                "first-token-only path examples, to non-trivial accuracy; in context it fails to be learned in "
                "isolation.", ("03", "01"), v.c3),
    Claim("C4", "With frozen token embeddings, the same GPT fails the in-weights path-star task even after 50,000 "
                "epochs: the associative view does not explain C1.", ("02",), v.c4),
    Claim("C5", "On the large graphs, the leaf and first-hop embeddings of the same unseen path are closer than "
                "across paths (a diagonal heatmap), for the Transformer and Mamba: a global geometry.", ("04",), v.c5),
    Claim("C6", "Geometric memory turns the l-fold composition into a 1-step navigation: pick the root neighbour "
                "best aligned with the leaf's embedding.", ("04",), v.c6),
    Claim("C7", "Capacity does not explain the geometry: on tiny graphs the same setup memorizes every edge "
                "associatively with its embeddings frozen.", ("05", "07"), v.c7),
    Claim("C8", "Succinctness does not break the tie: for path-star and cycle graphs the associative memory costs, "
                "in bits and in l2 norm, equal to or at most twice the geometric one (equal with no weight-tying or "
                "with forward edges only).", ("07",), v.c8),
    Claim("C9", "Supervision does not explain it: the leaf/first-hop geometry appears with edge-only training "
                "(while the path-averaged heatmap shows no diagonal), and an edge-only model fine-tuned on the first "
                "hop alone reaches high test accuracy.", ("04", "03"), v.c9),
    Claim("C10", "Optimization ease does not explain it: frozen embeddings store the edges in about 2 full-batch "
                 "steps at lr 0.1, while the geometry needs about 10^2 steps at lr 1e-3 to 1e-2.", ("07",), v.c10),
    Claim("C11", "Zig-zag geometry comes from strongly negative eigendirections and disappears when self-edges "
                 "(A → A) are added; untying the embedding and unembedding destroys the visible geometry.",
          ("05", "07"), v.c11),
    Claim("C12", "Learning rate, weight decay, initialization and dropout tip memorization between geometric and "
                 "associative: a non-geometric initialization at a small lr memorizes non-geometrically; a large lr, "
                 "weight decay or dropout restore the geometry.", ("07",), v.c12),
    Claim("C13", "A wide 2-layer model under cross-entropy uses only a minimal set of eigendirections (two for a "
                 "cycle), without regularization.", ("06",), v.c13),
    Claim("C14", "Node2Vec's embeddings converge onto the top non-trivial (Fiedler-like) eigenvectors of the graph, "
                 "with width 100 above the number of nodes and no early stopping: a spectral bias.", ("06",), v.c14),
    Claim("C15", "Headroom: Node2Vec's geometry is much stronger and better organized than the Transformer's.",
          ("05", "06"), v.c15),
    Claim("C16", "On tiny graphs (path-star, grid, cycle, irregular) a geometry arises in Node2Vec, the Transformer, "
                 "the NN and Mamba with no global supervision, although the same setup can memorize associatively.",
          ("05",), v.c16),
    Claim("C17", "Reverse edges are critical: with forward-only edges the model struggles on both forward and reverse "
                 "path-finding (the reversal curse); with reverse-only edges it reaches non-trivial reverse accuracy "
                 "(mainly on smaller graphs) and fails forward; mixed edges give high forward accuracy.", ("08",), v.c17),
    Claim("C18", "Pause tokens after the prompt reliably boost exact-match accuracy for a given training time; more "
                 "pause tokens converge faster.", ("08",), v.c18),
    Claim("C19", "Two-phase training (edges first, then paths) is less stable than interleaving: it reaches its peak "
                 "momentarily, then deteriorates dramatically; the peak is still high.", ("08",), v.c19),
    Claim("C20", "On tree-star graphs the Transformer reaches non-trivial accuracy, above chance 1/num_leaves, on both "
                 "splits; splitting at the first token is much harder than at the leaf.", ("08",), v.c20),
    Claim("C21", "All the Transformer's findings carry over to Mamba; Mamba's edge-only models show a strong "
                 "geometry.", ("08",), v.c21),
    Claim("C22", "Node2Vec can represent a contrived associative memory: with dimension |E| the incidence table "
                 "decodes every edge and nothing else.", ("07",), v.c22),
]


def verdicts(get=shipped) -> dict:
    """``{claim id: Verdict}`` from the records ``get(name)`` returns (default: the saved ``results/``).
    A claim whose record is unreadable shows as such; the other claims are still judged."""
    found = {}
    for c in CLAIMS:
        try:
            found[c.id] = c.rule(get)
        except BadRecord as err:
            found[c.id] = v.Verdict("not run", f"unreadable record: {err}")
    return found


def summary(found: dict) -> str:
    counts = Counter(x.status for x in found.values())
    return ", ".join(f"{counts[s]} {s}" for s in v.STATUSES) + f" (of {len(found)} claims)"


def rows(get=shipped) -> list[dict]:
    found = verdicts(get)
    return [{"id": c.id, "statement": c.statement, "chapters": [CHAPTERS[k] for k in c.chapters],
             "verdict": found[c.id]} for c in CLAIMS]


COLOURS = {"reproduced": "#1a7f37", "partly": "#9a6700", "differs": "#cf222e", "not run": "#6e7781"}


def _links(chapters) -> str:
    return ", ".join(f'<a href="../notebooks/{c}.html">{c[:2]}</a>' if (NOTEBOOKS / f"{c}.py").exists()
                     else f"{c[:2]} (to come)" for c in chapters)


def _row(r: dict) -> str:
    x = r["verdict"]
    badge = (f'<span style="background:{COLOURS[x.status]};color:white;padding:1px 6px;border-radius:4px;'
             f'white-space:nowrap">{x.status}</span>')
    control = f"<br><b>control:</b> {html.escape(x.control)}" if x.control else ""
    evidence = "".join(f"<li>{html.escape(e)}</li>" for e in x.evidence) or "<li><em>no saved run</em></li>"
    return (f"<tr><td>{badge}</td><td>{r['id']}</td><td>{html.escape(r['statement'])}</td>"
            f"<td>{html.escape(x.reason)}{control}<details><summary>evidence ({len(x.evidence)})</summary>"
            f"<ul>{evidence}</ul></details></td><td>{_links(r['chapters'])}</td></tr>")


def table(get=shipped):
    """The claims page: a verdict summary, then one row per claim (verdict first)."""
    from IPython.display import HTML

    rs = rows(get)
    head = (f"<p><b>Verdicts:</b> {summary({r['id']: r['verdict'] for r in rs})}.</p>"
            "<table><thead><tr><th>verdict</th><th>claim</th><th>the paper says</th><th>what our runs show</th>"
            "<th>chapter</th></tr></thead><tbody>")
    return HTML(head + "\n".join(_row(r) for r in rs) + "</tbody></table>")
