"""The one grading scheme (``verdicts.grading.combine``), over every combination of part outcomes: the
status depends only on which outcomes occur, so every subset of ``OUTCOMES`` is checked against the
scheme's table, written out here independently."""
import itertools

import pytest

from geomem_nb.verdicts import Verdict, grading, judge
from geomem_nb.verdicts.base import CANNOT_TELL

ALL = [set(c) for k in range(len(grading.OUTCOMES) + 1) for c in itertools.combinations(grading.OUTCOMES, k)]


def expected(found: set, control: bool = True) -> tuple:
    held = found & {"holds", "partly"}
    if found == {"holds"}:
        return ("reproduced" if control else "partly"), None
    if held:  # a mixed case
        return "partly", None
    if "differs" in found:  # a departure with power, nothing holding
        return "differs", None
    for outcome, kind in (("under-trained", "under-trained control"), ("far", "regime far from the paper"),
                          ("open", "no power")):
        if outcome in found:
            return "inconclusive", kind
    return "not run", None


@pytest.mark.parametrize("found", ALL, ids=lambda f: "+".join(sorted(f)) or "none")
def test_every_combination_of_outcomes(found):
    for control in (True, False):
        assert grading.combine(sorted(found), control) == expected(found, control)
        # repeats and order do not matter: only which outcomes occur
        assert grading.combine(sorted(found) * 2 + sorted(found, reverse=True), control) == expected(found, control)


def test_the_table_covers_every_status_and_kind():
    reached = {grading.combine(f) for f in ALL}
    assert {s for s, _ in reached} == {"reproduced", "partly", "inconclusive", "differs", "not run"}
    assert {k for _, k in reached if k} == set(CANNOT_TELL)
    assert {status for _, status in grading.TABLE} == {s for s, _ in reached}


def test_the_audit_cases():
    assert grading.combine(["differs", "partly"])[0] == "partly"      # C2: greedy cascade, teacher-forced between
    assert grading.combine(["holds", "holds", "holds", "partly", "differs", "open"])[0] == "partly"  # C12
    assert grading.combine(["differs", "differs"])[0] == "differs"    # a consistent reversal with power
    assert grading.combine(["differs", "missing"])[0] == "differs"    # C11: a failed half, the other not run
    assert grading.combine(["open", "open"]) == ("inconclusive", "no power")


def test_bad_outcomes_are_refused_before_any_work():
    with pytest.raises(ValueError, match="outcome"):
        grading.combine(["holds", "reversed"])
    with pytest.raises(ValueError, match="status"):
        grading.outcome("maybe")


def test_outcome_reads_a_status_back_and_beyond_reads_a_comparison():
    assert [grading.outcome(s) for s in ("reproduced", "partly", "differs", "inconclusive", "not run")] == \
        ["holds", "partly", "differs", "open", "missing"]
    assert grading.beyond(True, False, False) == "holds"
    assert grading.beyond(False, True, False) == grading.beyond(False, False, True) == "differs"
    assert grading.beyond(False, False, False) == "open"


def test_judge_builds_each_status_with_what_it_must_say():
    ev = ["a run"]
    assert judge(["holds"], "r", ev, "c").status == "reproduced"
    assert judge(["holds"], "r", ev, None).status == "partly"  # no control: not a reproduction
    d = judge(["differs"], "r", ev, excludes="x")
    assert d.status == "differs" and d.reason.endswith("our data exclude x")
    i = judge(["under-trained", "open"], "r", ev, decide="y", detail=["more"])
    assert i.status == "inconclusive" and i.reason.startswith("cannot tell (under-trained control)") and i.detail == ["more"]
    assert judge(["missing"], "r", ev).status == "not run"
    with pytest.raises(ValueError, match="excludes"):
        judge(["differs"], "r", ev)
    with pytest.raises(ValueError, match="decide"):
        judge(["open"], "r", ev)
    assert isinstance(judge(["partly"], "r", ev), Verdict)
