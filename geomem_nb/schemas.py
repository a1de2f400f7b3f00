"""The keys of each chapter record: one list shared by the notebook that writes the record
(``results.record`` refuses a summary that lacks one) and by the verdict rules that read it (a test
checks every shipped record against it), so a renamed key fails in the unit tests, not at book build."""
from __future__ import annotations

CHAPTER_RECORDS = {
    "03_hardest_token": ("graph", "steps", "chance", "in_weights_hardest_token", "untrained_hardest_token",
                         "in_context_hardest_token", "in_context_chance", "in_context_first_hop_is_child",
                         "edge_phase_hardest_token", "edge_phase_diagonal", "staged_hardest_token",
                         "staged_peak_hardest_token", "staged_steps"),
    "04_path_star_geometry": ("graph", "steps", "chance", "diagonal", "untrained", "contrast_leaf_first_hop",
                              "contrast_path_averaged", "untrained_path_averaged", "path_averaged_diagonal",
                              "edges_only_seeds"),
    "07_why_geometry": ("distance2_cosine", "race", "knobs"),
    "08_what_else_matters": ("graph", "steps", "chance", "directions", "pauses", "staged_peak", "staged_final",
                             "mixed_final", "tree", "tree_chance", "trees", "mamba"),
}


def missing(chapter: str, summary: dict) -> list[str]:
    """The schema keys ``summary`` lacks (a chapter with no schema has none to lack)."""
    return [k for k in CHAPTER_RECORDS.get(chapter, ()) if k not in summary]
