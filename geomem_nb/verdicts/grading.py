"""The one grading scheme: how the parts of a claim combine into its status. A part is one reading of
one quantity (greedy or teacher-forced, peak or final, endpoint or speed), one knob, one (model, graph)
pair or one half of a two-part claim. Each part has one outcome:

- ``holds``: the paper's effect, beyond the spread;
- ``partly``: the part itself holds only in some of its sub-parts;
- ``differs``: a departure with power: the opposite beyond the spread, or a null whose spread excludes
  the paper's effect;
- ``open``: no effect beyond the spread, and the spread cannot exclude the paper's (no power);
- ``under-trained``: the part's run did not learn what it could (no evidence either way);
- ``far``: a knob the paper calls decisive set far from its value (no evidence either way);
- ``missing``: the part has not been run.

The status depends only on which outcomes occur (``combine``):

1. nothing judged and nothing under-trained, far or open (no part, or every part missing): ``not run``;
2. every part holds: ``reproduced`` (``partly`` when the claim's control is missing);
3. some part holds (or holds partly) and some does not, whatever the rest: ``partly`` (a mixed case);
4. nothing holds and some part departs with power: ``differs`` (the parts that cannot be judged are
   named, never counted as holding);
5. nothing holds or departs: ``inconclusive``, for the first that occurs of an under-trained part
   (``under-trained control``), a knob far from the paper (``regime far from the paper``) and a part
   without power (``no power``)."""
from __future__ import annotations

from ..checks import check_choice

OUTCOMES = ("holds", "partly", "differs", "open", "under-trained", "far", "missing")
HELD = {"holds", "partly"}
CANNOT_JUDGE = (("under-trained", "under-trained control"), ("far", "regime far from the paper"),
                ("open", "no power"))
# A status read back as the outcome of a part (a reading graded on its own, then combined).
FROM_STATUS = {"reproduced": "holds", "partly": "partly", "differs": "differs", "inconclusive": "open",
               "not run": "missing"}
# The scheme as the claims page shows it: (what the parts show, the status).
TABLE = (("every part holds beyond the spread, beside its control", "reproduced"),
         ("every part holds, but the control is missing or under-trained", "partly"),
         ("some parts hold and others do not (reverse, show nothing, or cannot be judged)", "partly"),
         ("no part holds, and some part departs with power (the opposite, or a null whose spread excludes "
          "the paper's effect)", "differs"),
         ("no part holds or departs: an under-trained control, a knob far from the paper's, or a spread that "
          "cannot exclude the paper's effect (no power), in that order", "inconclusive"),
         ("no part has been run", "not run"))


def combine(outcomes, control: bool = True) -> tuple[str, str | None]:
    """(status, why it cannot tell) from the parts' ``outcomes`` (any of ``OUTCOMES``); ``control``: the
    claim's control learned and present. The second item is one of ``verdicts.CANNOT_TELL`` for an
    ``inconclusive`` status, else None."""
    found = set(outcomes)
    for o in found:
        check_choice("outcome", o, OUTCOMES)
    if found == {"holds"}:
        return ("reproduced" if control else "partly"), None
    if found & HELD:
        return "partly", None
    if "differs" in found:
        return "differs", None
    for outcome, kind in CANNOT_JUDGE:
        if outcome in found:
            return "inconclusive", kind
    return "not run", None


def outcome(status: str) -> str:
    """A part graded on its own (a status), read back as an outcome for ``combine``."""
    check_choice("status", status, tuple(FROM_STATUS))
    return FROM_STATUS[status]


def beyond(effect: bool, reverse: bool, excluded: bool) -> str:
    """One comparison's outcome: ``holds`` (the paper's direction beyond the spread), ``differs`` (the
    opposite beyond the spread, or a null whose spread ``excluded`` the paper's effect), else ``open``."""
    return "holds" if effect else "differs" if reverse or excluded else "open"
