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
    short: str = ""  # the claim in one line, for the claims page (the statement opens under it)


CHAPTERS = {
    "01": "01_in_context_path_star", "02": "02_in_weights_path_star", "03": "03_hardest_token",
    "04": "04_path_star_geometry", "05": "05_tiny_graphs", "06": "06_spectral_bias",
    "07": "07_why_geometry", "08": "08_what_else_matters",
}

CLAIMS = [
    Claim("C1", "On in-weights path-star graphs of up to 5×10^4 nodes (G(5000,5), G(10^4,6), G(10^4,10): up to a "
                "10-fold composition), trained on 75% of the paths, the Transformer and Mamba predict the paths of "
                "held-out leaves with as much as 100% accuracy, far above chance 1/d; in context (G(2,5), G(10,5), "
                "G(20,5)) full-path accuracy stays at chance.", ("02", "01"), v.c1,
          short="Held-out paths are found in weights (Transformer, Mamba); in context they stay at chance"),
    Claim("C2", "In weights, the target tokens are learned in no particular order (largely in tandem): no "
                "right-to-left cascade; in context with the teacherless objective, later tokens are learned first.",
          ("02",), v.c2,
          short="In weights, the path tokens are learned in no particular order (no right-to-left cascade)"),
    Claim("C3", "The hardest token (the first hop) is learned in isolation in weights, from edges plus "
                "first-token-only path examples, to non-trivial accuracy; in context it fails to be learned in "
                "isolation.", ("03", "01"), v.c3,
          short="The first hop alone is learnable in weights, not in context"),
    Claim("C4", "With frozen token embeddings, the same GPT fails the in-weights path-star task even after 50,000 "
                "epochs: the associative view does not explain C1.", ("02",), v.c4,
          short="With frozen embeddings the same model fails: the associative view does not explain C1"),
    Claim("C5", "On the large graphs, the leaf and first-hop embeddings of the same unseen path are closer than "
                "across paths (a diagonal heatmap), for the Transformer and Mamba: a global geometry.", ("04",), v.c5,
          short="A leaf and its first hop are embedded close together: a global geometry"),
    Claim("C6", "Geometric memory turns the l-fold composition into a 1-step navigation: pick the root neighbour "
                "best aligned with the leaf's embedding.", ("04",), v.c6,
          short="The geometry turns an ℓ-fold composition into one step of navigation"),
    Claim("C7", "Capacity does not explain the geometry: on tiny graphs the same setup memorizes every edge "
                "associatively with its embeddings frozen.", ("05", "07"), v.c7,
          short="Capacity does not explain it: tiny graphs can be memorized associatively"),
    Claim("C8", "Succinctness does not break the tie: for path-star and cycle graphs the associative memory costs, "
                "in bits and in l2 norm, equal to or at most twice the geometric one (equal with no weight-tying or "
                "with forward edges only).", ("07",), v.c8,
          short="Succinctness does not explain it: associative memory costs at most twice the geometric"),
    Claim("C9", "Supervision does not explain it: the leaf/first-hop geometry appears with edge-only training "
                "(while the path-averaged heatmap shows no diagonal), and an edge-only model fine-tuned on the first "
                "hop alone reaches high test accuracy.", ("04", "03"), v.c9,
          short="Supervision does not explain it: the geometry appears from edges alone"),
    Claim("C10", "Optimization ease does not explain it: frozen embeddings store the edges in about 2 full-batch "
                 "steps at lr 0.1, while the geometry needs about 10^2 steps at lr 1e-3 to 1e-2.", ("07",), v.c10,
          short="Optimization ease does not explain it: associative storage is learned faster"),
    Claim("C11", "Zig-zag geometry comes from strongly negative eigendirections and disappears when self-edges "
                 "(A → A) are added; untying the embedding and unembedding destroys the visible geometry.",
          ("05", "07"), v.c11,
          short="Zig-zag geometry: negative eigendirections; self-edges and untying remove it"),
    Claim("C12", "Learning rate, weight decay, initialization and dropout tip memorization between geometric and "
                 "associative: a non-geometric initialization at a small lr memorizes non-geometrically; a large lr, "
                 "weight decay or dropout restore the geometry.", ("07",), v.c12,
          short="Learning rate, weight decay, initialization, dropout tip geometric vs associative"),
    Claim("C13", "A wide 2-layer model under cross-entropy uses only a minimal set of eigendirections (two for a "
                 "cycle), without regularization.", ("05", "06"), v.c13,
          short="A wide 2-layer model uses a minimal set of eigendirections"),
    Claim("C14", "Node2Vec's embeddings converge onto the top non-trivial (Fiedler-like) eigenvectors of the graph, "
                 "with width 100 above the number of nodes and no early stopping: a spectral bias.", ("06",), v.c14,
          short="Node2Vec converges onto the top eigenvectors: a spectral bias"),
    Claim("C15", "Headroom: Node2Vec's geometry is much stronger and better organized than the Transformer's.",
          ("05", "06"), v.c15,
          short="Node2Vec's geometry is much stronger than the Transformer's"),
    Claim("C16", "On tiny graphs (path-star, grid, cycle, irregular) a geometry arises in Node2Vec, the Transformer, "
                 "the NN and Mamba with no global supervision, although the same setup can memorize associatively.",
          ("05",), v.c16,
          short="On tiny graphs a geometry arises in Node2Vec, Transformer, NN and Mamba"),
    Claim("C17", "Reverse edges are critical: with forward-only edges the model struggles on both forward and reverse "
                 "path-finding (the reversal curse); with reverse-only edges it reaches non-trivial reverse accuracy "
                 "(mainly on smaller graphs) and fails forward; mixed edges give high forward accuracy.", ("08",), v.c17,
          short="Reverse edges are critical (the reversal curse)"),
    Claim("C18", "Pause tokens after the prompt reliably boost exact-match accuracy for a given training time; more "
                 "pause tokens converge faster.", ("08",), v.c18,
          short="Pause tokens boost exact match and speed up convergence"),
    Claim("C19", "Two-phase training (edges first, then paths) is less stable than interleaving: it reaches its peak "
                 "momentarily, then deteriorates dramatically; the peak is still high.", ("08",), v.c19,
          short="Two-phase training (edges, then paths) is less stable than interleaving"),
    Claim("C20", "On tree-star graphs the Transformer reaches non-trivial accuracy, above chance 1/num_leaves, on both "
                 "splits; splitting at the first token is much harder than at the leaf.", ("08",), v.c20,
          short="Tree-star graphs: above chance on both splits; the first-token split is harder"),
    Claim("C21", "All the Transformer's findings carry over to Mamba; Mamba's edge-only models show a strong "
                 "geometry.", ("08",), v.c21,
          short="The Transformer's findings carry over to Mamba"),
    Claim("C22", "Node2Vec can represent a contrived associative memory: with dimension |E| the incidence table "
                 "decodes every edge and nothing else.", ("07",), v.c22,
          short="Node2Vec can represent a contrived associative memory"),
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


def counts(found: dict) -> dict:
    """``{verdict: number of claims}`` in the order of ``verdicts.STATUSES``."""
    n = Counter(x.status for x in found.values())
    return {s: n[s] for s in v.STATUSES}


def summary(found: dict) -> str:
    return ", ".join(f"{k} {s}" for s, k in counts(found).items()) + f" (of {len(found)} claims)"


def badge(status: str, text: str | None = None) -> str:
    return f'<span class="verdict" style="background:{COLOURS[status]}">{html.escape(text or status)}</span>'


def summary_html(found: dict, link: str | None = None) -> str:
    """The verdict counts as badges (for the claims page and the landing page); ``link``: the claims page."""
    parts = " ".join(badge(s, f"{k} {s}") for s, k in counts(found).items())
    more = f' <a href="{link}">every claim, with its reason and evidence</a>' if link else ""
    return f'<p class="verdicts"><b>Verdicts:</b> {parts} (of {len(found)} claims){more}</p>'


def rows(get=shipped) -> list[dict]:
    found = verdicts(get)
    return [{"id": c.id, "statement": c.statement, "short": c.short,
             "chapters": [CHAPTERS[k] for k in c.chapters], "verdict": found[c.id]} for c in CLAIMS]


COLOURS = {"reproduced": "#1a7f37", "partly": "#9a6700", "differs": "#cf222e", "not run": "#6e7781"}


def _links(chapters) -> str:
    return " ".join(f'<a href="../notebooks/{c}.html">{c[:2]}</a>' if (NOTEBOOKS / f"{c}.py").exists()
                    else f"{c[:2]}&nbsp;(to&nbsp;come)" for c in chapters)


def _row(r: dict) -> str:
    """One claim: verdict, id, the claim in one line, the reason and control; the paper's full statement
    and the evidence (every saved run, with provenance) fold under the reason."""
    x, esc = r["verdict"], html.escape
    control = f'<br><b>control:</b> {esc(x.control)}' if x.control else ""
    evidence = "".join(f"<li>{esc(e)}</li>" for e in x.evidence) or "<li><em>no saved run</em></li>"
    details = (f"<details><summary>the paper's statement and the evidence ({len(x.evidence)})</summary>"
               f"<p><b>The paper:</b> {esc(r['statement'])}</p><ul>{evidence}</ul></details>")
    return (f'<tr id="claim-{r["id"]}"><td>{badge(x.status)}</td>'
            f"<td><b>{r['id']}</b> {esc(r['short'] or r['statement'])}</td><td>{esc(x.reason)}{control}{details}</td>"
            f"<td>{_links(r['chapters'])}</td></tr>")


def table(get=shipped):
    """The claims page: the verdict counts, then one row per claim, verdict first."""
    from IPython.display import HTML

    rs = rows(get)
    head = (summary_html({r["id"]: r["verdict"] for r in rs})
            + '<table class="claims"><colgroup><col class="verdict"><col class="claim"><col><col class="chapter">'
            '</colgroup><thead><tr><th>verdict</th><th>claim</th>'
            "<th>what our runs show, and the control</th><th>chapter</th></tr></thead><tbody>")
    return HTML(head + "\n".join(_row(r) for r in rs) + "</tbody></table>")
