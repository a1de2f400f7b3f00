"""The landing page's one figure: held-out exact match in weights against in context on path-star graphs,
each beside its chance level 1/d, from the shipped paper-scale runs (``results/``). A run its time limit
stopped before it showed anything is marked so, or left out, from its own record (never typed)."""
from __future__ import annotations

from . import controls, viz
from .deviations.configs import epochs, planned_steps
from .paper import IN_WEIGHTS, paper
from .results import shipped
from .verdicts import IN_CONTEXT_GRAPHS, PAPER_GRAPHS, POSITIVE_CONTROL, far_above, listing


def stopped_early(m: dict) -> bool:
    """The run ended at its time limit, before its planned steps (not at a target it reached)."""
    c = m["config"]
    return bool(c.get("time_budget")) and m["steps"] < planned_steps(c) and not (
        c.get("target") and m["test_exact_match"] >= c["target"])


def _in_weights(name: str, m: dict) -> dict:
    """A failing run stopped by its time limit is marked with how much of the paper's training it had."""
    d, ell = m["config"]["degree"], m["config"]["path_length"]
    note = ""
    if stopped_early(m) and not far_above(m["test_exact_match"], m["chance"]):
        note = (f"stopped at {m['config']['time_budget']:g} s:\n{epochs(m):,.0f} of the paper's\n"
                f"{paper('epochs', IN_WEIGHTS)['value']:,} epochs")
    return {"setting": "in weights", "graph": f"G({d},{ell})", "held-out exact match": m["test_exact_match"],
            "chance 1/d": m["chance"], "note": note, "shown": True}


def _in_context(m: dict) -> dict:
    """A run that did not learn even the path given its first hop is no evidence: left out of the figure."""
    c = m["config"]
    learned = controls.learned(m, POSITIVE_CONTROL)
    warm = " (still in its warm-up)" if m["steps"] < (c.get("warmup") or 0) else ""
    note = "" if learned else f"stopped at {c['time_budget']:g} s{warm}" if stopped_early(m) else "under-trained"
    return {"setting": "in context", "graph": f"G({c['degree']},{c['path_length']})",
            "held-out exact match": m["test_exact_match"], "chance 1/d": m["chance"], "note": note,
            "shown": learned}


def headline(get=shipped) -> list[dict]:
    """One row per shipped run: setting, graph, held-out exact match, chance, a note, and whether the
    figure shows it."""
    rows = [_in_weights(f"in-weights-g{d}-{ell}", m) for d, ell in PAPER_GRAPHS
            if (m := get(f"in-weights-g{d}-{ell}"))]
    return rows + [_in_context(m) for d in IN_CONTEXT_GRAPHS if (m := get(f"in-context-g{d}-5-forward"))]


def figure(rows=None):
    rows = headline() if rows is None else rows
    fig, (ax,) = viz.panels(width=7.0, height=3.4)
    viz.weights_vs_context([r for r in rows if r["shown"]], ax=ax)
    return fig


def caption(rows=None) -> str:
    """What to see in the figure, written from the rows themselves (so the text cannot contradict it)."""
    rows = headline() if rows is None else rows
    pick = lambda setting, test: [r["graph"] for r in rows if r["setting"] == setting and test(r)]  # noqa: E731
    near = lambda r: abs(r["held-out exact match"] - r["chance 1/d"]) <= 0.05  # noqa: E731
    parts = listing(
        ("in weights, held-out paths are found far above chance on {}",
         pick("in weights", lambda r: far_above(r["held-out exact match"], r["chance 1/d"]))),
        ("not on {}, whose run was stopped by its time limit long before the paper's training length, so it "
         "cannot tell", pick("in weights", lambda r: r["note"])),
        ("not on {} (a run that went its full length)",
         pick("in weights", lambda r: not r["note"] and not far_above(r["held-out exact match"], r["chance 1/d"]))),
        ("in context the model sits at chance on {}", pick("in context", lambda r: r["shown"] and near(r))),
        ("in context it is off chance on {}", pick("in context", lambda r: r["shown"] and not near(r))),
        ("{} in context are left out: their runs were stopped before they learned even the part they could "
         "(the path given its first hop), so they say nothing either way",
         pick("in context", lambda r: not r["shown"])))
    return "**What to see:** " + "; ".join(parts) + "." if parts else "No shipped runs to show."
