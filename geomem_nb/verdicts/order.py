"""C2: the order in which the path tokens are learned, read greedy and teacher-forced."""
from __future__ import annotations

from ..studies import learning_order
from .base import PAPER_GRAPHS, Get, Verdict, judge, not_run, rule, where_run
from .grading import outcome


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
        reading = next(r for r, k in READINGS.items() if k == key)
        lines.append(f"G({d},{ell}) (one seed, evaluations every {m['config']['eval_every']} steps), {reading}: step at "
                     "which each path node, the first hop first, first reaches 50%: "
                     + ", ".join(_step(c[p]) for p in sorted(c)))
    return lines, summaries


def _step(x) -> str:
    return "never" if x is None else f"{x:,}"


def _study_lines(study: dict) -> list[str]:
    return [f"{study['graph']}, {label} ({r['steps']} steps, {r['seeds']} seeds, evaluations every {r['eval_every']} "
            f"steps), greedy: step at which each path node, the first hop first, first reaches 50%, per seed: "
            + "; ".join(", ".join(_step(c[p]) for p in sorted(c, key=int)) for c in r["crossings"])
            for label, r in study["runs"].items()]


def _c2_readings(get: Get) -> tuple[dict, list, dict]:
    """``{reading: (status, reason)}`` (greedy and teacher-forced per-position accuracy), the evidence and
    ``{reading: [crossings of each run]}``. The study stores greedy crossings (``crossings``) and, where
    recorded, teacher-forced ones (``crossings_teacher_forced``)."""
    study, found, evidence, orders = get("cpu/02_learning_order"), {}, [], {}
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
            orders[reading] = [{int(p): x for p, x in c.items()} for x in summaries for c in x["crossings"]]
    return found, evidence, orders


def _cascades(orders: list) -> tuple[int, int, int]:
    """(strict right-to-left cascades, first hop learned last, runs that learned the first hop)."""
    learned = [c for c in orders if learning_order.first_hop_learned(c)]
    last = sum(c[min(c)] == max(c.values()) for c in learned)
    return sum(learning_order.is_cascade(c) for c in learned), last, len(learned)


def _c2_headline(get: Get) -> str:
    _, _, orders = _c2_readings(get)
    if "greedy" not in orders:
        return ""
    k, _, n = _cascades(orders["greedy"])
    return f"{k} of {n} runs cascade right to left, greedy (P = {learning_order.cascade_p(k, n):.3f})"


@rule(headline=_c2_headline)
def c2(get: Get) -> Verdict:
    found, evidence, orders = _c2_readings(get)
    tl, control = get("cpu/in-context-teacherless"), None
    if tl:
        c = learning_order.crossings(tl["history"], tl["config"]["path_length"], key="test_teacher_forced")
        learned = any(x is not None for x in c.values())
        evidence.append(f"in context, teacherless, G({tl['config']['degree']},{tl['config']['path_length']}) "
                        f"({where_run(tl)}): step at which positions 2..l-1 first reach 50%: "
                        + ", ".join("never" if x is None else str(x) for _, x in sorted(c.items()))
                        + ("" if learned else " [under-trained: only the copied positions (source, goal) learned]"))
        if learned:
            control = "the in-context teacherless run, where the paper expects later tokens first"
    if not found:
        return not_run("the learning-order study")
    words = {"reproduced": "no cascade", "partly": "no consistent order", "differs": "a right-to-left cascade",
             "inconclusive": "too few runs to tell"}
    said = []
    for reading, runs in orders.items():
        k, last, n = _cascades(runs)
        p = f", P = {learning_order.cascade_p(k, n):.3f}" if found[reading][0] == "differs" else ""
        said.append(f"{reading}, {words[found[reading][0]]} ({k} of {n} runs that learned the first hop cascade{p}; "
                    f"first hop last in {last} of {n})")
    missing = [r for r in READINGS if r not in found]
    reason = ("In weights (cpu and paper scale), read " + "; read ".join(said)
              + "".join(f"; {r} not recorded" for r in missing)
              + ("" if control else "; the in-context teacherless contrast " + ("is under-trained" if tl else "has no saved run")))
    outcomes = [outcome(status) for status, _ in found.values()] + ["missing"] * len(missing)
    return judge(outcomes, reason, evidence, control,
                 excludes="a cascade rate of a third or less, on every reading that departs",
                 decide="more runs of the learning-order study that learn the first hop, on both readings",
                 detail=[f"{r}: {why}" for r, (_, why) in found.items()])
