"""Two-sided controls. A run that is shown to *fail* (at chance, a reversed target, frozen embeddings)
is evidence only if it learned what it could: its training targets, its output format. Otherwise it
is under-trained, and every chapter says so the same way."""
from __future__ import annotations

import math
import re

LEARNED = 0.9  # the bar a control's learnable targets must reach before its failure counts


# The words a page uses for a metric key, in the glossary's names ("test" is the held-out split); any
# other key: its underscores as spaces, a leading "test" as "held-out".
WORDS = {"test_exact_match_given_first_hop": "held-out exact match given the true first hop",
         "test_first_hop_is_child": "guesses that are children of the source"}


def metric_words(key: str) -> str:
    """A metric key as a page names it: 'test_exact_match_given_first_hop' -> 'held-out exact match given
    the true first hop', 'test_exact_match' -> 'held-out exact match'."""
    return WORDS.get(key) or re.sub(r"^test ", "held-out ", key.replace("_", " "))


def shortfalls(metrics: dict, bars: dict) -> list[str]:
    """The learnable targets (``{metric: bar}``) that the run did not reach, as 'name value < bar'
    (the name in words, ``metric_words``). A missing or non-finite value is a shortfall too."""
    out = []
    for key, bar in bars.items():
        value = metrics.get(key)
        if value is None or not math.isfinite(value) or value < bar:
            shown = "missing" if value is None else f"{value:.3f}"
            out.append(f"{metric_words(key)} {shown} < {bar:g}")
    return out


def learned(metrics: dict, bars: dict) -> bool:
    return not shortfalls(metrics, bars)


def tag(metrics: dict, bars: dict) -> str:
    """'' for a run that learned what it could, else ' [under-trained: ...]' to print beside its numbers."""
    missing = shortfalls(metrics, bars)
    return f" [under-trained: {'; '.join(missing)}]" if missing else ""


def failed(checks: dict[str, bool]) -> list[str]:
    """The named checks (a chapter's sentence -> whether its records bear it out) that do not hold."""
    return [k for k, ok in checks.items() if not ok]


def assert_learned(metrics: dict, bars: dict, name: str) -> None:
    """The 'learned' half of a two-sided control: raise AssertionError naming the run and what it missed."""
    missing = shortfalls(metrics, bars)
    assert not missing, f"{name} is under-trained, so its failure is no evidence: {'; '.join(missing)}"


# What a run of each kind can learn whatever its held-out result (the learnable half of the two-sided
# rule): an in-weights run its training targets, an in-context run the easy positions (given the true
# first hop) or, trained on the first hop alone, the answer's format; a tiny-graph run its edges.
POSITIVE_CONTROL = {"test_exact_match_given_first_hop": LEARNED}
FORMAT = {"test_first_hop_is_child": LEARNED}


def run_bars(metrics: dict) -> dict:
    """The learnable targets of the run ``metrics`` describes, as ``{metric: bar}``."""
    if "topk_recovery" in metrics:
        return {"topk_recovery": LEARNED}
    if "objective" in metrics:  # in context
        return FORMAT if metrics["objective"] == "hardest-token" else POSITIVE_CONTROL
    edges_only = (metrics.get("config") or {}).get("objective") == "edges-only"
    return {"edge_recovery": LEARNED} if edges_only else {"train_exact_match": LEARNED}


def run_status(metrics: dict) -> str:
    """'trained', or 'under-trained: <what it missed>': whether a run's held-out result is evidence."""
    missing = shortfalls(metrics, run_bars(metrics))
    return f"under-trained: {'; '.join(missing)}" if missing else "trained"
