"""The landing page's one figure: held-out exact match in weights against in context on path-star graphs,
each beside its chance level 1/d, from the shipped paper-scale runs (``results/``)."""
from __future__ import annotations

from . import controls, viz
from .results import shipped
from .verdicts import IN_CONTEXT_GRAPHS, PAPER_GRAPHS, POSITIVE_CONTROL, far_above, listing


def headline(get=shipped) -> list[dict]:
    """One row per shipped run: setting, graph, held-out exact match, chance and a note. An in-context run
    whose positive control (exact match given the true first hop) was not learned is marked under-trained:
    its number is no evidence that the task is unlearnable in context."""
    rows = []
    for d, ell in PAPER_GRAPHS:
        m = get(f"in-weights-g{d}-{ell}")
        if m:
            rows.append({"setting": "in weights", "graph": f"G({d},{ell})", "held-out exact match":
                         m["test_exact_match"], "chance 1/d": m["chance"], "note": ""})
    for d in IN_CONTEXT_GRAPHS:
        m = get(f"in-context-g{d}-5-forward")
        if m:
            ok = controls.learned(m, POSITIVE_CONTROL)
            rows.append({"setting": "in context", "graph": f"G({d},5)", "held-out exact match":
                         m["test_exact_match"], "chance 1/d": m["chance"], "note": "" if ok else "under-trained"})
    return rows


def figure(rows=None):
    rows = headline() if rows is None else rows
    fig, (ax,) = viz.panels(width=7.0, height=3.4)
    viz.weights_vs_context(rows, ax=ax)
    return fig


def caption(rows=None) -> str:
    """What to see in the figure, written from the rows themselves (so the text cannot contradict it)."""
    rows = headline() if rows is None else rows
    pick = lambda setting, test: [r["graph"] for r in rows if r["setting"] == setting and test(r)]  # noqa: E731
    near = pick("in context", lambda r: not r["note"] and abs(r["held-out exact match"] - r["chance 1/d"]) <= 0.05)
    parts = listing(
        ("in weights, held-out paths are found far above chance on {}",
         pick("in weights", lambda r: far_above(r["held-out exact match"], r["chance 1/d"]))),
        ("not on {}, where our run stays near chance (the paper reports success there)",
         pick("in weights", lambda r: not far_above(r["held-out exact match"], r["chance 1/d"]))),
        ("in context the model sits at chance on {}", near),
        ("in context it is off chance on {}", pick("in context", lambda r: not r["note"] and r["graph"] not in near)),
        ("on {} in context our runs are under-trained (they have not learned even the part they could: the path "
         "given its first hop), so they say nothing either way", pick("in context", lambda r: bool(r["note"]))))
    return "**What to see:** " + "; ".join(parts) + "." if parts else "No shipped runs to show."
