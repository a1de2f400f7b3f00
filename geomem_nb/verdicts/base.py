"""What every rule shares: the ``Verdict`` type, the bars a number must clear ("far above chance"), the
paper's graphs, one-line descriptions of a saved run, and the two ways a rule words its result."""
from __future__ import annotations

from dataclasses import dataclass, field
from typing import Callable

from .. import controls
from ..checks import check_choice
from ..selection import rederive

STATUSES = ("reproduced", "partly", "differs", "not run")
BIG = 0.5            # "far above chance / highly non-trivial": at least this held-out accuracy ...
TIMES_CHANCE = 10    # ... and at least this many times chance
PAPER_GRAPHS = ((5000, 5), (10000, 6), (10000, 10))  # the paper's in-weights graphs (Table 1)
IN_CONTEXT_GRAPHS = (2, 10, 20)                      # in-context G(d, 5)
Get = Callable[[str], "dict | None"]


@dataclass
class Verdict:
    status: str
    reason: str
    evidence: list = field(default_factory=list)  # one line per saved run or computation
    control: str | None = None                    # what would fail if the claim were false

    def __post_init__(self):
        check_choice("status", self.status, STATUSES)
        if self.status == "reproduced" and not self.control:
            raise ValueError("a reproduced verdict must cite its control")


def far_above(value, chance) -> bool:
    return value is not None and value >= BIG and value >= TIMES_CHANCE * chance


def not_run(what: str) -> Verdict:
    return Verdict("not run", f"no saved run yet: {what}")


def grade(reason: str, evidence: list, control: str | None, full: bool, some: bool,
          cite: bool = False) -> Verdict:
    """``reproduced`` (citing ``control``) when the claim holds in ``full``, else ``partly`` when it holds
    in ``some`` part, else ``differs``; the weaker verdicts cite the control only with ``cite``."""
    if full:
        return Verdict("reproduced", reason, evidence, control)
    return Verdict("partly" if some else "differs", reason, evidence, control if cite else None)


def listing(*parts) -> list[str]:
    """``(template, names)`` pairs to phrases: each template with its non-empty list of names filled in
    (``{}``), the pairs with no names left out; a reason or caption is these phrases joined."""
    return [template.format(", ".join(names)) for template, names in parts if names]


def graph_label(m) -> str:
    c = m["config"]
    model = " Mamba" if c.get("model") == "mamba" else ""
    return f"{'T' if c.get('graph') == 'tree-star' else 'G'}({c['degree']},{c['path_length']}){model}"


def where_run(m) -> str:
    p = m.get("provenance", {})
    return f"{m['steps']} steps, {m['train_seconds']:.0f} s on {p.get('device', m.get('device'))}"


def chosen(m: dict) -> str:
    """How the number was chosen, for a run with a target (with the evaluation before a selected stop)."""
    if not m["config"].get("target") or not m.get("history"):
        return ""
    r = rederive(m)
    before = (f"; the evaluation before: {r['previous']:.3f}" if r["selection"].startswith("selected")
              and r.get("previous") is not None else "")
    return f"; {r['selection']}{before}"


def in_weights_line(name: str, m: dict) -> str:
    return (f"{name} {graph_label(m)}: held-out exact match {m['test_exact_match']:.3f} vs chance {m['chance']:.2g}, "
            f"train {m['train_exact_match']:.3f}, leaf/first-hop diagonal "
            f"{m['leaf_first_hop_diagonal_accuracy']:.3f} ({where_run(m)}{chosen(m)})")


POSITIVE_CONTROL = {"test_exact_match_given_first_hop": controls.LEARNED}
FORMAT = {"test_first_hop_is_child": controls.LEARNED}


def in_context_line(name: str, m: dict) -> str:
    tag = controls.tag(m, FORMAT if m["objective"] == "hardest-token" else POSITIVE_CONTROL)
    if m["objective"] == "hardest-token":
        head = f"first hop trained alone {m['test_hardest_token']:.3f}"
    else:
        head = (f"held-out exact match {m['test_exact_match']:.3f}, given the true first hop "
                f"{m['test_exact_match_given_first_hop']:.3f}")
    c = m["config"]
    if m.get("warm_start"):
        head += f" after a {m['warm_start']['steps']:,}-step forward warm start"
    return f"{name} G({c['degree']},{c['path_length']}) {m['objective']}: {head} vs chance {m['chance']:.2g} ({where_run(m)}){tag}"



def in_weights_status(m: dict) -> str:
    """What one in-weights run shows, to print beside its numbers: under-trained (its training paths
    not learned: no evidence either way), a success (held-out far above chance), or a failure that
    learned its training paths (held-out near chance: the associative signature)."""
    trained = {"train_exact_match": controls.LEARNED}
    if not controls.learned(m, trained):
        return controls.tag(m, trained)
    if far_above(m["test_exact_match"], m["chance"]):
        return ""
    return (f" [fails: held-out {m['test_exact_match']:.3f} while the training paths are learned "
            f"({m['train_exact_match']:.3f}): not a reproduction of C1 on this graph]")
