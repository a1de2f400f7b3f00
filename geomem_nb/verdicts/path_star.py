"""The rules of the path-star chapters (01-04): success in weights and not in context (C1), the order
in which path tokens are learned (C2), the hardest token alone (C3), frozen embeddings (C4), and the
leaf/first-hop geometry (C5, C6, C9)."""
from __future__ import annotations

from .. import controls, learning_order, long_path
from ..deviations import regime
from ..sweep import FOLDERS, cells as sweep_cells, knob_cells as sweep_knob_cells, name as sweep_name, selected
from .base import (BIG, FORMAT, IN_CONTEXT_GRAPHS, PAPER_GRAPHS, POSITIVE_CONTROL, Get, Verdict, differs, far_above,
                   grade, graph_label, in_context_line, in_weights_line, inconclusive, listing, not_run, rule, where_run)

def study_runs(get: Get) -> list[tuple[str, dict]]:
    """(name, metrics with the cell's settings) of chapter 09's long-path study, as far as it is there."""
    found = [(f"cpu/{FOLDERS['frontier']}/{sweep_name(c)}", c) for c in selected("cpu", "frontier")]
    return [(n, {**get(n), **c, "steps": get(n)["steps"]}) for n, c in found if get(n)]


def study_reach(get: Get) -> str | None:
    """The long-path study in one line: the settings that reach their l on every seed, and the furthest."""
    runs = [m for _, m in study_runs(get)]
    if not runs:
        return None
    done = [k for k, rs in long_path.screen(runs).items() if long_path.reached(rs)]
    best = long_path.furthest(runs)
    return ("chapter 09 long-path study (cpu, one knob at a time at equal steps, two seeds each): settings whose "
            "held-out exact match reaches 0.5 on every seed: " + (", ".join(long_path.label(k) for k in done) or "none")
            + "; furthest l reached: " + (long_path.label(best) if best else "none"))


def map_reach(get: Get) -> str | None:
    """Chapter 09's cpu map in one line: the longest path each (d, epochs) generalizes, and l = 10."""
    long_runs = [c for c in sweep_knob_cells("cpu") if not c.get("knob") and not c.get("seed")]  # the recipe, longer (seed 0, as the map)
    runs = [(c, get(f"cpu/09_path_length/{sweep_name(c)}")) for c in sweep_cells("cpu") + long_runs]
    runs = [(c, m) for c, m in runs if m]
    if not runs:
        return None
    best = {}
    for c, m in runs:
        if m["test_exact_match"] >= 0.5:
            key = (c["degree"], c["epochs"])
            best[key] = max(best.get(key, 0), c["path_length"])
    ten = ", ".join(f"d={c['degree']}, {c['epochs']} epochs: {m['test_exact_match']:.3f} (train {m['train_exact_match']:.3f})"
                    for c, m in runs if c["path_length"] == 10)
    return ("chapter 09 map (cpu, 2 layers, width 64): longest l with held-out >= 0.5: "
            + ", ".join(f"d={d}, {e} epochs: {best.get((d, e), 'none')}" for d, e in sorted({(c['degree'], c['epochs']) for c, _ in runs}))
            + (f"; l = 10: {ten}" if ten else ""))


@rule
def c1(get: Get) -> Verdict:
    evidence, shown, failed, missing = [], [], [], []
    cpu, frozen = get("cpu/in-weights"), get("cpu/in-weights-frozen")
    for name in ("cpu/in-weights", "cpu/in-weights-mamba", "cpu/in-weights-frozen"):
        if get(name):
            evidence.append(in_weights_line(name, get(name)))
    for d, ell in PAPER_GRAPHS:
        name = f"in-weights-g{d}-{ell}"
        m = get(name)
        if m is None:
            missing.append(f"G({d},{ell})")
            continue
        evidence.append(in_weights_line(name, m))
        if m.get("provenance"):  # a saved run (hand-built test records have no regime to state)
            evidence.append(regime(m))
        (shown if far_above(m["test_exact_match"], m["chance"]) else failed).append(
            f"G({d},{ell}) {m['test_exact_match']:.3f}")
    for reach in (map_reach(get), study_reach(get)):
        if reach:
            evidence.append(reach)
    ic_ok, ic_bad = [], []
    for d in IN_CONTEXT_GRAPHS:
        m = get(f"in-context-g{d}-5-forward")
        if m is None:
            continue
        evidence.append(in_context_line(f"in-context-g{d}-5-forward", m))
        (ic_ok if controls.learned(m, POSITIVE_CONTROL) and abs(m["test_exact_match"] - m["chance"]) <= 0.05
         else ic_bad).append(f"G({d},5)")
    if not (cpu or shown or failed):
        return not_run("in-weights path-star runs")
    control = None
    if frozen and controls.learned(frozen, {"train_exact_match": controls.LEARNED}) \
            and frozen["test_exact_match"] <= 3 * frozen["chance"]:
        control = (f"frozen embeddings (cpu): held-out {frozen['test_exact_match']:.3f} with train "
                   f"{frozen['train_exact_match']:.3f}; chance 1/d")
    reason = "; ".join(listing(("shown at paper scale on {}", shown), ("NOT on {} (at or near chance)", failed),
                               ("not run: {}", missing), ("in context at chance with its positive control on {}", ic_ok),
                               ("in context under-trained on {}", ic_bad))) or "cpu scale only"
    if shown and not failed and not missing and not ic_bad and control:
        return Verdict("reproduced", reason, evidence, control)
    if shown or (cpu and far_above(cpu["test_exact_match"], cpu["chance"])):
        return Verdict("partly", reason, evidence, control)
    runs = [m for m in [cpu] + [get(f"in-weights-g{d}-{ell}") for d, ell in PAPER_GRAPHS] if m]
    if not all(controls.learned(m, {"train_exact_match": controls.LEARNED}) for m in runs):
        return inconclusive("under-trained control", reason + "; some run did not learn its training paths",
                            "the same runs trained until their training paths are learned", evidence, control)
    best = max(m["test_exact_match"] for m in runs)
    return differs(reason, f"held-out exact match above {best:.3f} on every graph run, its training paths learned "
                   "(the paper: up to 100%)", evidence, control)


# ---- C2: the order in which path tokens are learned ---------------------------------------------

READINGS = {"greedy": "test_per_position", "teacher-forced": "test_teacher_forced"}  # the paper's Fig. 24 names neither


def _paper_scale_orders(get: Get, key: str) -> tuple[list, list]:
    """(evidence lines, one summary per paper graph) of the per-position crossings under ``key``."""
    lines, summaries = [], []
    for d, ell in PAPER_GRAPHS:
        m = get(f"in-weights-g{d}-{ell}")
        if m is None or not any(h.get(key) for h in m["history"]):
            continue
        c = learning_order.crossings(m["history"], ell, key=key)
        summaries.append(learning_order.summary([c]))
        lines.append(f"G({d},{ell}) (one seed, evaluations every {m['config']['eval_every']} steps), {key}: step at "
                     f"which v1..v{ell - 2} first reach 50%: " + ", ".join(str(c[p]) for p in sorted(c)))
    return lines, summaries


def _study_lines(study: dict) -> list[str]:
    return [f"{study['graph']}, {label} ({r['steps']} steps, {r['seeds']} seeds, evaluations every {r['eval_every']} "
            f"steps), greedy: crossings (v1, v2, ...) per seed "
            + "; ".join(", ".join(str(c[p]) for p in sorted(c, key=int)) for c in r["crossings"])
            for label, r in study["runs"].items()]


def _c2_readings(get: Get) -> tuple[dict, list]:
    """``{reading: (status, reason)}`` (greedy and teacher-forced per-position accuracy) and the evidence.
    The study stores greedy crossings (``crossings``) and, where recorded, teacher-forced ones
    (``crossings_teacher_forced``)."""
    study, found, evidence = get("cpu/02_learning_order"), {}, []
    if study:
        evidence += _study_lines(study)
    for reading, key in READINGS.items():
        lines, summaries = _paper_scale_orders(get, key)
        evidence += lines
        field = "crossings" if reading == "greedy" else "crossings_teacher_forced"
        summaries += [learning_order.summary([{int(p): x for p, x in c.items()} for c in r[field]])
                      for r in (study or {"runs": {}})["runs"].values() if field in r]
        if summaries:
            found[reading] = learning_order.verdict(summaries)
    return found, evidence


def _both_readings(found: dict) -> str:
    """One status from the two readings: the same status, or ``partly`` when one holds and the other
    differs; anything else cannot tell which reading the paper means."""
    statuses = {s for s, _ in found.values()}
    if len(statuses) == 1:
        return statuses.pop()
    return "partly" if statuses == {"reproduced", "differs"} else "inconclusive"


@rule
def c2(get: Get) -> Verdict:
    found, evidence = _c2_readings(get)
    tl, control = get("cpu/in-context-teacherless"), None
    if tl:
        c = learning_order.crossings(tl["history"], tl["config"]["path_length"], key="test_teacher_forced")
        learned = any(x is not None for x in c.values())
        evidence.append(f"in context, teacherless, G({tl['config']['degree']},{tl['config']['path_length']}) "
                        f"({where_run(tl)}): step at which positions 2..l-1 first reach 50%: {c}"
                        + ("" if learned else " [under-trained: only the copied positions (source, goal) learned]"))
        if learned:
            control = "the in-context teacherless run, where the paper expects later tokens first"
    if not found:
        return not_run("the learning-order study")
    status = _both_readings(found)
    missing = [r for r in READINGS if r not in found]
    reason = " | ".join(f"{r} per-position accuracy: {s}, {why}" for r, (s, why) in found.items()) + "".join(
        f" | {r}: not recorded" for r in missing)
    if not control:
        reason += "; the in-context teacherless contrast " + ("is under-trained" if tl else "is not run")
    if status == "reproduced" and not control:
        status = "partly"
    decide = ("teacher-forced per-position accuracies in the cpu learning-order study (3 seeds), beside the greedy "
              "ones, and the in-context teacherless contrast trained until it learns")
    if status == "inconclusive":
        return inconclusive("no power", reason, decide, evidence, control)
    if status == "differs":
        return differs(reason, "a cascade rate of a third or less on both readings (the P values above)",
                       evidence, control)
    return Verdict(status, reason, evidence, control)


# ---- C3: the hardest token alone ----------------------------------------------------------------

@rule
def c3(get: Get) -> Verdict:
    s, ic = get("cpu/03_hardest_token"), get("cpu/in-context-hardest-token")
    if not s:
        return not_run("chapter 03's record")
    evidence = [f"in weights (cpu, {s['graph']}): first hop trained alone {s['in_weights_hardest_token']:.3f} on "
                f"held-out leaves vs chance {s['chance']:.2g} (untrained {s['untrained_hardest_token']:.3f}); edges "
                f"first, then the first hop alone: peak {s['staged_peak_hardest_token']:.3f}, final "
                f"{s['staged_hardest_token']:.3f}"]
    weights_ok = far_above(s["in_weights_hardest_token"], s["chance"])
    if ic:
        evidence.append(in_context_line("cpu/in-context-hardest-token", ic))
    ic_learned = bool(ic) and controls.learned(ic, FORMAT)
    ic_fails = bool(ic) and abs(ic["test_hardest_token"] - ic["chance"]) <= 0.05
    if not weights_ok:
        return inconclusive("no power", f"in weights the first hop alone reaches only {s['in_weights_hardest_token']:.3f} "
                            "on one run", "the first-hop-only run over 3 seeds, trained until its training first hops "
                            "are learned", evidence)
    if ic_learned and ic_fails:
        warm = ic.get("warm_start")
        how = (f" (it started as the forward run of {warm['steps']:,} steps, so that it knows the format, then "
               f"trained {ic['steps']:,} steps on the first hop alone; the paper trains it from scratch)" if warm else "")
        return Verdict("reproduced", "learned in weights far above chance; in context at chance after learning the "
                       f"format{how}", evidence, "the in-context run of the same objective (format learned, first hop at chance)")
    if ic_learned and ic["test_hardest_token"] >= controls.LEARNED:  # the one decision, learned in context
        return differs(f"in context the first hop trained alone is learned ({ic['test_hardest_token']:.3f}, chance "
                       f"{ic['chance']:.2g}), where the paper finds it at chance", "an in-context first hop within 0.05 "
                       "of chance on its held-out graphs", evidence)
    why = ("the in-context control is under-trained (its guesses are not yet children of the source)" if ic and not ic_learned
           else "in context the first hop is above chance, not learned" if ic else "the in-context control is not run")
    return Verdict("partly", f"in weights shown ({s['in_weights_hardest_token']:.3f}); {why}", evidence)


# ---- C4: frozen embeddings fail ------------------------------------------------------------------

@rule
def c4(get: Get) -> Verdict:
    m = get("cpu/in-weights-frozen")
    if not m:
        return not_run("the frozen-embedding control")
    bars = {"train_exact_match": controls.LEARNED, "edge_recovery": controls.LEARNED}
    evidence = [in_weights_line("cpu/in-weights-frozen", m) + f", edge recovery {m['edge_recovery']:.3f}"]
    if not controls.learned(m, bars):
        return inconclusive("under-trained control", "the frozen run did not learn its training paths and edges"
                            + controls.tag(m, bars), "the frozen run trained until it fits its training paths and edges",
                            evidence)
    if m["test_exact_match"] <= 3 * m["chance"]:
        return Verdict("reproduced", f"frozen embeddings fit the training paths ({m['train_exact_match']:.3f}) and the "
                       f"edges ({m['edge_recovery']:.3f}) but score {m['test_exact_match']:.3f} on held-out leaves "
                       f"(our budget: {m['steps']} steps, not the paper's 50,000 epochs)", evidence,
                       "the same model with learned embeddings (C1's cpu run)")
    return differs(f"frozen embeddings generalize: {m['test_exact_match']:.3f}",
                   f"a frozen model at chance: held-out {m['test_exact_match']:.3f} > 3 x chance {m['chance']:.2g}", evidence)


# ---- C5, C6: the geometry on the path-star ------------------------------------------------------

def _diagonal_runs(get: Get) -> list:
    """(name, metrics) of every saved full in-weights run that records a leaf/first-hop diagonal."""
    names = ["cpu/in-weights", "cpu/in-weights-mamba"] + [f"in-weights-g{d}-{ell}" for d, ell in PAPER_GRAPHS]
    return [(n, get(n)) for n in names if get(n) and get(n).get("leaf_first_hop_diagonal_accuracy") is not None]


def _untrained_control(g: dict | None) -> str | None:
    if not g:
        return None
    worst = max(g["untrained"].values())
    if worst > 3 * max(g["chance"], 1 / 75):  # 75 held-out leaves at cpu: 1/75 is one lucky leaf
        return None
    return f"the untrained model's diagonal ({worst:.3f}, chance {g['chance']:.2g})"


@rule
def c5(get: Get) -> Verdict:
    g, runs = get("cpu/04_path_star_geometry"), _diagonal_runs(get)
    if not (g or runs):
        return not_run("geometry records")
    evidence = []
    if g:
        evidence.append(f"cpu, {g['graph']}: held-out leaves nearest their own arm's first hop — "
                        + ", ".join(f"{k} {v:.3f}" for k, v in g["diagonal"].items())
                        + f" (chance {g['chance']:.2g}; untrained {max(g['untrained'].values()):.3f})")
    shown, not_shown, untrained = [], [], []
    for name, m in runs:
        evidence.append(f"{name} {graph_label(m)}: leaf/first-hop diagonal {m['leaf_first_hop_diagonal_accuracy']:.4f} "
                        f"(chance {m['chance']:.2g})")
        found = far_above(m["leaf_first_hop_diagonal_accuracy"], m["chance"])
        (shown if found else not_shown).append(graph_label(m))
        if not found and not controls.learned(m, {"train_exact_match": controls.LEARNED}):
            untrained.append(graph_label(m))  # no diagonal, but no fitted training paths either: no evidence
    control = _untrained_control(g)
    reason = f"diagonal on {', '.join(shown) or 'none'}" + (f"; none on {', '.join(not_shown)}" if not_shown else "")
    best = max((m["leaf_first_hop_diagonal_accuracy"] for _, m in runs), default=0.0)
    cannot = (("under-trained control", f"the runs without a diagonal ({', '.join(untrained)}) did not fit their "
               "training paths") if not_shown and set(untrained) == set(not_shown) else None)
    return grade(reason if not cannot else f"{reason}; {cannot[1]}", evidence, control,
                 bool(shown and not not_shown and control), bool(shown), cite=True,
                 excludes=f"a leaf/first-hop diagonal above {best:.3f} on any full run",
                 cannot_tell=cannot and (cannot[0], "the same runs trained until they fit their training paths"))


def _map_runs(get: Get) -> list:
    """(name, metrics) of chapter 09's cpu map and knob runs (seed 0 and the seed runs), and its long-path
    study's full-path runs."""
    found = [(f"cpu/09_path_length/{sweep_name(c)}", c) for c in sweep_cells("cpu") + sweep_knob_cells("cpu")]
    study = [(n, m) for n, m in study_runs(get) if m["config"].get("objective", "full-path") == "full-path"]
    return [(n, get(n)) for n, _ in found if get(n)] + study


def _lookup_line(name: str, m: dict) -> str:
    return (f"{name} {graph_label(m)}: first hop by one cosine look-up from the leaf "
            f"{m['leaf_first_hop_diagonal_accuracy']:.3f}, by the model {m['test_hardest_token']:.3f} "
            f"(train exact match {m['train_exact_match']:.3f}, chance {m['chance']:.2g})")


@rule
def c6(get: Get) -> Verdict:
    """The one-step navigation (the root neighbour nearest the leaf's embedding) read off the embeddings
    alone, against the model's own held-out first hop: on the full runs and on chapter 09's map, where the
    look-up may find the first hop that the model does not (the geometry present but not sufficient)."""
    runs, maps, g = _diagonal_runs(get), _map_runs(get), get("cpu/04_path_star_geometry")
    if not (runs or maps):
        return not_run("in-weights runs with embeddings")
    evidence = [_lookup_line(n, m) for n, m in runs + maps]
    solves = lambda m: far_above(m["test_hardest_token"], m["chance"])  # noqa: E731
    short = [graph_label(m) for _, m in runs + maps if solves(m) and m["leaf_first_hop_diagonal_accuracy"] < m["test_hardest_token"] - 0.05]
    unused = [graph_label(m) for n, m in runs + maps if far_above(m["leaf_first_hop_diagonal_accuracy"], m["chance"]) and not solves(m)
              and controls.learned(m, {"train_exact_match": controls.LEARNED})]
    solved = [graph_label(m) for _, m in runs + maps if solves(m)]
    control = _untrained_control(g)
    parts = listing(("wherever the model finds the first hop, one cosine look-up from the leaf finds it as often ({})",
                     [] if short else sorted(set(solved))),
                    ("the look-up falls short of the model on {}", list(dict.fromkeys(short))),
                    (f"the geometry is present but not sufficient: on {len(unused)} of {len(runs + maps)} runs the "
                     "look-up finds the first hop where the model, its training paths learned, does not (runs per "
                     "graph: {}; each in the evidence)", [f"{g} {unused.count(g)}" for g in dict.fromkeys(unused)]))
    if not solved:
        return inconclusive("no power", "no run solves the first hop, so the look-up cannot be set beside a success",
                            "runs that learn the first hop, with their embeddings", evidence, control)
    if short or unused:
        return Verdict("partly", "; ".join(parts), evidence, control)
    return Verdict("reproduced" if control else "partly", "; ".join(parts), evidence, control)


@rule
def c9(get: Get) -> Verdict:
    g, s = get("cpu/04_path_star_geometry"), get("cpu/03_hardest_token")
    if not g:
        return not_run("chapter 04's record")
    edges = g["diagonal"]["edges only"]
    pa = g["contrast_path_averaged"]["edges only"]
    evidence = [f"edges only (cpu, {g['graph']}): leaf/first-hop diagonal accuracy {edges:.3f} vs chance "
                f"{g['chance']:.2g}; diagonal contrast {g['contrast_leaf_first_hop']['edges only']:.3f} leaf/first hop, "
                f"{pa:.3f} path-averaged (mean cosine over node pairs)"]
    parts, ok = [], far_above(edges, g["chance"])
    parts.append(f"edge-only diagonal {edges:.3f}" + ("" if ok else " (not above chance)"))
    parts.append(f"path-averaged contrast {pa:+.3f} " + ("(no diagonal, as in the paper)" if abs(pa) <= 0.05
                                                         else "(a diagonal, where the paper finds none)"))
    if s:
        peak, final = s["staged_peak_hardest_token"], s["staged_hardest_token"]
        evidence.append(f"edges alone, then fine-tuned on the first hop alone: held-out first hop peak {peak:.3f}, "
                        f"final {final:.3f}")
        ok = ok and peak >= BIG
        # The paper's "high test accuracy" (reached momentarily, §D.3) is a peak; the final is the other reading.
        parts.append(f"fine-tuned on the first hop: peak {peak:.3f} ({'high' if peak >= BIG else 'not high'}, the "
                     f"paper's reading), final {final:.3f} ({'high' if final >= BIG else 'not high'})")
    control = _untrained_control(g)
    return grade("; ".join(parts), evidence, control, bool(ok and abs(pa) <= 0.05 and control and s),
                 far_above(edges, g["chance"]), cite=True,
                 excludes=f"an edge-only diagonal above {edges:.3f} (chance {g['chance']:.2g})")
