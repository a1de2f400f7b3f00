"""The tables of the path-star chapters (1 to 3), built from runs and saved records: the in-context
run's numbers, the first-hop-only control, the paper-scale runs, the learning-order evidence and the
two-phase run. Each returns rows in reader words (``viz.table`` renders them), so a chapter holds calls,
not bookkeeping."""
from __future__ import annotations

from .studies import learning_order
from .controls import FORMAT, POSITIVE_CONTROL, learned, run_bars
from .page_notes import status
from .results import shipped

IN_CONTEXT_DEGREES = (2, 10, 20)   # the paper's in-context graphs G(d,5)
IN_WEIGHTS_PAPER = ("in-weights-g5000-5", "in-weights-g10000-6", "in-weights-g10000-10")
FORMAT_LEARNED = "learned its format"


def graph_name(config: dict) -> str:
    """'G(d,l)' of a run's settings."""
    return f"G({config['degree']},{config['path_length']})"


def in_context_numbers(m: dict) -> list[dict]:
    """The forward in-context run at a glance: exact match against chance, the first hop, the positive
    control, and the loss against the cheat's."""
    return [{"held-out exact match": m["test_exact_match"], "chance 1/d": m["chance"],
             "first hop (greedy)": m["test_hardest_token"],
             "first hops that are children of the source": m["test_first_hop_is_child"],
             "exact match given the true first hop": m["test_exact_match_given_first_hop"],
             "held-out loss": m["test_loss"], "the cheat's loss ln(d)/ℓ": m["cheat_loss"]}]


def first_hop_control(h: dict) -> list[dict]:
    """The in-context run trained on the first hop alone (after its forward warm start)."""
    warm = h.get("warm_start") or {}
    return [{"first hop trained alone": h["test_hardest_token"], "chance 1/d": h["chance"],
             "its guesses that are children of the source": h["test_first_hop_is_child"],
             "warm-start steps": warm.get("steps", 0), "first-hop-only steps": h["steps"],
             "status": status(h, FORMAT, FORMAT_LEARNED)}]


def paper_in_context(get=shipped) -> dict:
    """The saved paper-scale in-context runs, ``{graph: (chance, {target: metrics})}`` (only those present)."""
    out = {}
    for d in IN_CONTEXT_DEGREES:
        runs = {obj: get(f"in-context-g{d}-5-{obj}") for obj in ("forward", "reverse")}
        runs = {obj: m for obj, m in runs.items() if m is not None}
        if runs:
            out[f"G({d},5)"] = (next(iter(runs.values()))["chance"], runs)
    return out


def labelled(runs: dict) -> dict:
    """Legend labels for saved runs (``label -> metrics``): 'under-trained' added where a run did not learn
    what it could (in context its positive control, in weights its training paths)."""
    return {f"{label}{'' if learned(m, run_bars(m)) else ' (under-trained)'}": m for label, m in runs.items()}


def paper_in_context_rows(found: dict) -> list[dict]:
    """One row per paper-scale in-context run: its numbers, budget and status."""
    return [{"graph": g, "target": obj, "held-out exact match": m["test_exact_match"], "chance 1/d": chance,
             "given the true first hop": m["test_exact_match_given_first_hop"], "steps": m["steps"],
             "seconds": m["train_seconds"], "device": m["provenance"]["device"],
             "status": status(m, POSITIVE_CONTROL, "positive control learned")}
            for g, (chance, runs) in found.items() for obj, m in runs.items()]


def in_weights_rows(runs: dict) -> list[dict]:
    """The in-weights runs (``label -> metrics``): held-out and training numbers, budget, and whether each
    learned what it could (its training paths; edges for an edges-only run)."""
    return [{"run": label, "held-out exact match": m["test_exact_match"], "held-out first hop": m["test_hardest_token"],
             "training exact match": m["train_exact_match"], "edge recovery": m["edge_recovery"],
             "steps": m["steps"], "seconds": m["train_seconds"], "chance 1/d": m["chance"],
             "status": status(m, run_bars(m), "trained")} for label, m in runs.items()]


def paper_in_weights(get=shipped) -> dict:
    """The saved paper-scale in-weights runs, ``{graph: metrics}`` (only those present)."""
    found = {name: get(name) for name in IN_WEIGHTS_PAPER}
    return {graph_name(m["config"]): m for m in found.values() if m is not None}


def _crossing_text(c: dict) -> str:
    return ", ".join(f"{p}: {'never' if s is None else s}" for p, s in sorted(c.items(), key=lambda kv: int(kv[0])))


def order_evidence(study: dict, get=shipped) -> tuple[list, list[dict]]:
    """The learning-order evidence of chapter 2: ``(summaries, rows)``. ``summaries``: one per study
    setting and per paper-scale run that has an order to read (``learning_order.summary``); ``rows``: for
    each, the first step at which each position reached one half."""
    summaries, rows = [], []
    for label, r in study["runs"].items():
        summaries.append(r)
        for seed, c in enumerate(r["crossings"]):
            rows.append({"runs": f"{study['graph']}, {label}, seed {seed}", "first step at 50%, by position": _crossing_text(c)})
    for graph, m in paper_in_weights(get).items():
        c = learning_order.crossings(m["history"], m["config"]["path_length"])
        if any(v is not None for v in c.values()):
            summaries.append(learning_order.summary([c]))
            rows.append({"runs": f"{graph}, paper scale", "first step at 50%, by position": _crossing_text(c)})
    teacherless = get("cpu/in-context-teacherless")
    if teacherless:
        c = learning_order.crossings(teacherless["history"], teacherless["config"]["path_length"],
                                     key="test_teacher_forced")
        learned = any(v is not None for v in c.values())
        rows.append({"runs": "in context, teacherless objective" + ("" if learned else " (under-trained: no contrast)"),
                     "first step at 50%, by position": _crossing_text(c)})
    return summaries, rows


def order_rows(study: dict) -> list[dict]:
    """The learning-order study per setting: how often the leaf side crossed first, and the first hop's lag."""
    return [{"setting": f"{study['graph']}, {label}", "steps": r["steps"], "evaluated every": r["eval_every"],
             "leaf side first": f"{r['leaf_side_first']} of {r['seeds']} seeds",
             "first hop behind the leaf side (steps)": (f"{r['first_hop_lag']['mean']:.0f} ± {r['first_hop_lag']['sd']:.0f}"
                                                        if r["first_hop_lag"] else "—")}
            for label, r in study["runs"].items()]


def two_phase(history: list) -> dict:
    """The two-phase run read off its history: the end of the edge phase and the path phase's peak."""
    edges = [h for h in history if h.get("phase") == "edges"]
    paths = [h["test_hardest_token"] for h in history if h.get("phase") == "paths"]
    if not edges or not paths:
        raise ValueError("history must hold a staged run's 'edges' and 'paths' phases")
    return {"edge_phase_end": edges[-1], "peak": max(paths), "final": paths[-1]}
