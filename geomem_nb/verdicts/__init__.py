"""One rule per claim: the verdict the saved runs give it. Each rule reads records through ``get(name)``
(``results/<name>/metrics.json`` as a dict, or None), so it can be tested on hand-built records.

Verdicts: ``reproduced`` (the paper's statement holds in our runs, beside its control), ``partly``
(holds for some of the settings or scales the paper claims; the reason names which), ``inconclusive``
(our test cannot tell: an under-trained control, a null result whose spread does not exclude the
paper's effect, or a regime knob the paper calls decisive set far from its value; the reason names
which and the experiment that would decide), ``differs`` (measured like for like, our runs show
something materially different or the opposite, and the reason states the effect our data exclude),
``not run`` (no evidence yet). Every verdict states its ``scale``: the presets of the records it read
(``rule`` stamps it), so a reproduction from cpu-scale runs only shows as such (``Verdict.label``).

The rules are grouped by the chapters that show their claims: ``path_star`` (01-04), ``tiny_graphs``
(05-06), ``why_geometry`` (07), ``what_else`` (08); ``base`` holds the ``Verdict`` type and what the
rules share. ``RULES`` maps each claim id to its rule."""
from .base import (BIG, CANNOT_TELL, FORMAT, IN_CONTEXT_GRAPHS, PAPER_GRAPHS, POSITIVE_CONTROL, STATUSES, TIMES_CHANCE,
                   Get, Verdict, differs, far_above, grade, in_weights_status, inconclusive, listing, not_run, rule,
                   scale_of)
from .path_star import c1, c2, c3, c4, c5, c6, c9, map_reach, study_reach
from .tiny_graphs import (LEVEL_GEOMETRIC, MINIMAL_SHARE, TINY_GRAPHS, TINY_SEEDS, c7, c11, c13, c14, c15, c16,
                          tiny_runs, tiny_seeds)
from .what_else import SEEDS_08, c17, c18, c19, c20, c21
from .why_geometry import C12_KNOBS, ONE_SEED, c8, c10, c12, c22

RULES = {"C1": c1, "C2": c2, "C3": c3, "C4": c4, "C5": c5, "C6": c6, "C7": c7, "C8": c8, "C9": c9, "C10": c10,
         "C11": c11, "C12": c12, "C13": c13, "C14": c14, "C15": c15, "C16": c16, "C17": c17, "C18": c18,
         "C19": c19, "C20": c20, "C21": c21, "C22": c22}

__all__ = ["BIG", "CANNOT_TELL", "differs", "inconclusive", "rule", "scale_of", "c1", "c10", "c11", "c12", "C12_KNOBS", "c13", "c14", "c15", "c16", "c17", "c18", "c19", "c2",
           "c20", "c21", "c22", "c3", "c4", "c5", "c6", "c7", "c8", "c9", "far_above", "FORMAT", "Get", "grade",
           "IN_CONTEXT_GRAPHS", "in_weights_status", "LEVEL_GEOMETRIC", "listing", "map_reach", "MINIMAL_SHARE", "not_run", "study_reach",
           "ONE_SEED", "PAPER_GRAPHS", "POSITIVE_CONTROL", "RULES", "SEEDS_08", "STATUSES", "TIMES_CHANCE",
           "TINY_GRAPHS", "tiny_runs", "TINY_SEEDS", "tiny_seeds", "Verdict"]
