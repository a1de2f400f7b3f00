"""What every rule shares: the ``Verdict`` type (its status, the scale it rests on, what a ``differs``
excludes and what would decide an ``inconclusive``), the bars a number must clear ("far above chance"),
the paper's graphs, one-line descriptions of a saved run, and the ways a rule words its result."""
from __future__ import annotations

import functools
from dataclasses import dataclass, field
from typing import Callable

from .. import controls
from ..checks import check_choice
from ..selection import rederive
from ..stats import spread
from .grading import combine

STATUSES = ("reproduced", "partly", "inconclusive", "differs", "not run")
# Why a test cannot tell (``inconclusive``): each reason names one of these and the experiment that decides.
CANNOT_TELL = ("under-trained control", "no power", "regime far from the paper")
SCALES = ("paper", "gpu", "cpu", "ci")  # the presets, largest first (``scale_of``); below gpu: small scale
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
    scale: str = ""                               # the presets of the records it rests on (``rule`` sets it)
    excludes: str | None = None                   # differs: the effect our data exclude
    decide: str | None = None                     # inconclusive: the experiment that would decide
    headline: str = ""                            # our key number with its scale, for the intro's table
    detail: list = field(default_factory=list)    # the longer reading, folded under the reason on the page

    def __post_init__(self):
        check_choice("status", self.status, STATUSES)
        if self.status == "reproduced" and not self.control:
            raise ValueError("a reproduced verdict must cite its control")
        if self.status == "differs" and not self.excludes:
            raise ValueError("a differs verdict must state the effect our data exclude (excludes)")
        if self.status == "inconclusive" and not self.decide:
            raise ValueError("an inconclusive verdict must name the experiment that would decide (decide)")

    @property
    def computed(self) -> bool:
        """Rests on a count or a construction, no training run."""
        return self.scale.startswith("computed")

    @property
    def small_scale(self) -> bool:
        """Rests on training runs at small presets only (cpu, ci: no paper- or gpu-scale run)."""
        return bool(self.scale) and not self.computed and not any(s in self.scale for s in SCALES[:2])

    @property
    def label(self) -> str:
        """The status as the claims page shows it: a reproduction from small-scale runs only, or from a
        computation, says so."""
        if self.status == "reproduced" and (self.small_scale or self.computed):
            return f"reproduced ({'computed' if self.computed else self.scale + ' scale'})"
        return self.status


def differs(reason: str, excludes: str, evidence: list, control: str | None = None) -> Verdict:
    """``differs``, its reason closed by the effect our data exclude (like for like, with the power to)."""
    return Verdict("differs", f"{reason}; our data exclude {excludes}", evidence, control, excludes=excludes)


def inconclusive(kind: str, reason: str, decide: str, evidence: list, control: str | None = None) -> Verdict:
    """``inconclusive``: the test cannot tell, for one of ``CANNOT_TELL``; the reason names which, and
    the experiment that would decide."""
    check_choice("kind", kind, CANNOT_TELL)
    if reason[:1].isupper() and reason[1:2].islower():  # a sentence, now inside one
        reason = reason[0].lower() + reason[1:]
    return Verdict("inconclusive", f"cannot tell ({kind}): {reason}; would decide: {decide}", evidence, control,
                   decide=decide)


def preset_of(m: dict) -> str | None:
    """The preset a record was run at (a chapter record's own, or its run config's)."""
    config = m.get("config") if isinstance(m.get("config"), dict) else {}
    return m.get("preset") or config.get("preset")


def scale_of(records) -> str:
    """The scales of the records a verdict read, largest first ("paper + cpu"); "computed" when it read
    none (a count or a construction, no training run)."""
    found = {preset_of(m) for m in records}
    named = [s for s in SCALES if s in found] + (["unstated"] if found - set(SCALES) else [])
    return " + ".join(named) if named else "computed"


def rule(fn: Callable[[Get], Verdict] | None = None, *, headline: Callable[[Get], str] | None = None):
    """A claim's rule, its verdict stamped with the scale of the records it read (unless it says its own)
    and, with ``headline``, our key number in a few words with that scale (for the intro's table)."""
    if fn is None:
        return lambda f: rule(f, headline=headline)

    @functools.wraps(fn)
    def judged(get: Get) -> Verdict:
        seen = []

        def reading(name):
            m = get(name)
            if m:
                seen.append(m)
            return m
        verdict = fn(reading)
        if not verdict.scale:
            verdict.scale = scale_of(seen) if verdict.status != "not run" else "none"
        if headline and not verdict.headline and verdict.status != "not run":
            verdict.headline = headline_with_scale(headline(get), verdict.scale)
        return verdict
    return judged


def headline_with_scale(text: str, scale: str) -> str:
    """A headline closed by its scale ("cpu", "paper + cpu", "computed")."""
    return f"{text}, {'computed' if scale.startswith('computed') else scale}" if text else ""


def far_above(value, chance) -> bool:
    return value is not None and value >= BIG and value >= TIMES_CHANCE * chance


def not_run(what: str) -> Verdict:
    return Verdict("not run", f"no saved run yet: {what}")


KIND_OUTCOME = {"under-trained control": "under-trained", "no power": "open", "regime far from the paper": "far"}


def judge(outcomes, reason: str, evidence: list, control: str | None = None, excludes: str | None = None,
          decide: str | None = None, detail: list | tuple = (), cite: bool = True) -> Verdict:
    """The verdict of a claim from its parts' ``outcomes`` through the one scheme (``grading.combine``):
    ``reproduced`` cites ``control`` (without one, every part holding reads ``partly``); ``differs``
    closes the reason with what our data exclude; ``inconclusive`` with the experiment that decides.
    The weaker verdicts cite the control only with ``cite``; ``detail`` folds under the reason."""
    status, kind = combine(outcomes, bool(control))
    shown = control if cite or status == "reproduced" else None
    if status == "inconclusive":
        if not decide:
            raise ValueError("an inconclusive verdict needs decide (the experiment that would decide)")
        v = inconclusive(kind, reason, decide, evidence, shown)
    elif status == "differs":
        if not excludes:
            raise ValueError("a differs verdict needs excludes (the effect our data exclude)")
        v = differs(reason, excludes, evidence, shown)
    elif status == "not run":
        v = Verdict("not run", reason, evidence)
    else:
        v = Verdict(status, reason, evidence, shown)
    v.detail = list(detail)
    return v


def grade(reason: str, evidence: list, control: str | None, full: bool, some: bool, cite: bool = False,
          excludes: str | None = None, cannot_tell: tuple | None = None, detail=()) -> Verdict:
    """Two parts through the one scheme: the whole claim (``full``) and some part of it (``some``); a
    claim that holds nowhere cannot tell for ``cannot_tell`` = (kind, experiment that decides), else
    departs with power (``excludes``)."""
    if full:
        outcomes = ["holds"]
    elif some:
        outcomes = ["holds", "differs" if excludes else "open"]
    elif cannot_tell:
        outcomes = [KIND_OUTCOME[cannot_tell[0]]]
    elif excludes:
        outcomes = ["differs"]
    else:
        raise ValueError("grade needs excludes or cannot_tell for a claim that does not hold")
    return judge(outcomes, reason, evidence, control, excludes, cannot_tell and cannot_tell[1], detail, cite)


def bound(diffs) -> float:
    """The largest effect a set of paired differences leaves open: mean + 2 sd (about 95% for a few seeds)."""
    s = spread(diffs)
    return s.mean + 2 * s.sd


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


POSITIVE_CONTROL, FORMAT = controls.POSITIVE_CONTROL, controls.FORMAT  # one definition: the run status's


def in_context_line(name: str, m: dict) -> str:
    tag = controls.tag(m, controls.run_bars(m))
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
    trained = controls.run_bars(m)
    if not controls.learned(m, trained):
        return controls.tag(m, trained)
    if far_above(m["test_exact_match"], m["chance"]):
        return ""
    return (f" [fails: held-out {m['test_exact_match']:.3f} while the training paths are learned "
            f"({m['train_exact_match']:.3f}): not a reproduction of C1 on this graph]")
