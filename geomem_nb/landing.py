"""The landing page's one figure: held-out exact match in weights against in context on path-star graphs,
each beside its chance level 1/d, from the shipped paper-scale runs (``results/``)."""
from __future__ import annotations

from . import controls
from .results import shipped
from .verdicts import IN_CONTEXT_GRAPHS, PAPER_GRAPHS, POSITIVE_CONTROL


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
    import matplotlib.pyplot as plt

    from . import viz

    rows = headline() if rows is None else rows
    fig, ax = plt.subplots(figsize=(7.5, 3.4))
    viz.weights_vs_context(rows, ax=ax)
    return fig


def caption(rows=None) -> str:
    """What to see in the figure, written from the rows themselves (so the text cannot contradict it)."""
    from .verdicts import far_above

    rows = headline() if rows is None else rows
    pick = lambda setting, test: [r["graph"] for r in rows if r["setting"] == setting and test(r)]  # noqa: E731
    high = pick("in weights", lambda r: far_above(r["held-out exact match"], r["chance 1/d"]))
    low = pick("in weights", lambda r: not far_above(r["held-out exact match"], r["chance 1/d"]))
    near = pick("in context", lambda r: not r["note"] and abs(r["held-out exact match"] - r["chance 1/d"]) <= 0.05)
    other = pick("in context", lambda r: not r["note"] and r["graph"] not in near)
    weak = pick("in context", lambda r: bool(r["note"]))
    join = ", ".join
    parts = []
    if high:
        parts.append(f"in weights, held-out paths are found far above chance on {join(high)}")
    if low:
        parts.append(f"not on {join(low)}, where our run stays near chance (the paper reports success there)")
    if near:
        parts.append(f"in context the model sits at chance on {join(near)}")
    if other:
        parts.append(f"in context it is off chance on {join(other)}")
    if weak:
        parts.append(f"on {join(weak)} in context our runs are under-trained (they have not learned even the "
                     "part they could: the path given its first hop), so they say nothing either way")
    return "**What to see:** " + "; ".join(parts) + "." if parts else "No shipped runs to show."
