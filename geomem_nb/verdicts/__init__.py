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
Where a claim has parts (readings of one quantity, knobs, pairs), ``grading.combine`` turns the parts'
outcomes into the status: one scheme for every rule.

The rules are grouped by the chapters that show their claims: ``path_star``, ``order``, ``star_geometry``
(chapters 1-4, with ``reach``: chapter 9's runs), ``tiny_graphs``, ``zigzag``, ``spectral`` (5-6),
``why_geometry`` (7), ``what_else``, ``pauses``, ``two_phase``, ``trees_mamba`` (8); ``base`` holds the
``Verdict`` type and what the rules share. ``RULES`` maps each claim id to its rule."""
from . import what_else
from .base import (BIG, CANNOT_TELL, FORMAT, IN_CONTEXT_GRAPHS, PAPER_GRAPHS, POSITIVE_CONTROL, STATUSES, TIMES_CHANCE,
                   Get, Verdict, differs, far_above, grade, in_weights_status, inconclusive, judge, listing, not_run, rule,
                   scale_of)
from .grading import OUTCOMES, combine
from .order import c2
from .path_star import c1, c3, c4
from .pauses import c18
from .reach import map_reach, study_reach
from .spectral import MINIMAL_SHARE, c13, c14, c15
from .star_geometry import c5, c6, c9
from .tiny_graphs import LEVEL_GEOMETRIC, TINY_GRAPHS, TINY_SEEDS, c7, c16, tiny_runs, tiny_seeds
from .trees_mamba import c20, c21
from .two_phase import c19
from .what_else import SEEDS_08, c17
from .why_geometry import C12_KNOBS, ONE_SEED, c8, c10, c12, c22
from .zigzag import c11

RULES = {"C1": c1, "C2": c2, "C3": c3, "C4": c4, "C5": c5, "C6": c6, "C7": c7, "C8": c8, "C9": c9, "C10": c10,
         "C11": c11, "C12": c12, "C13": c13, "C14": c14, "C15": c15, "C16": c16, "C17": c17, "C18": c18,
         "C19": c19, "C20": c20, "C21": c21, "C22": c22}

__all__ = ["BIG", "CANNOT_TELL", "C12_KNOBS", "FORMAT", "Get", "IN_CONTEXT_GRAPHS", "LEVEL_GEOMETRIC", "MINIMAL_SHARE",
           "ONE_SEED", "OUTCOMES", "PAPER_GRAPHS", "POSITIVE_CONTROL", "RULES", "SEEDS_08", "STATUSES", "TIMES_CHANCE",
           "TINY_GRAPHS", "TINY_SEEDS", "Verdict", "c1", "c2", "c3", "c4", "c5", "c6", "c7", "c8", "c9", "c10", "c11",
           "c12", "c13", "c14", "c15", "c16", "c17", "c18", "c19", "c20", "c21", "c22", "combine", "differs",
           "far_above", "grade", "in_weights_status", "inconclusive", "judge", "listing", "map_reach", "not_run", "rule",
           "scale_of", "study_reach", "tiny_runs", "tiny_seeds", "what_else"]
