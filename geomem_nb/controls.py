"""Two-sided controls. A run that is shown to *fail* (at chance, a reversed target, frozen embeddings)
is evidence only if it learned what it could: its training targets, its output format. Otherwise it
is under-trained, and every chapter says so the same way."""
from __future__ import annotations

import math

LEARNED = 0.9  # the bar a control's learnable targets must reach before its failure counts


def shortfalls(metrics: dict, bars: dict) -> list[str]:
    """The learnable targets (``{metric: bar}``) that the run did not reach, as 'name value < bar'.
    A missing or non-finite value is a shortfall too."""
    out = []
    for key, bar in bars.items():
        value = metrics.get(key)
        if value is None or not math.isfinite(value) or value < bar:
            shown = "missing" if value is None else f"{value:.3f}"
            out.append(f"{key.replace('_', ' ')} {shown} < {bar:g}")
    return out


def learned(metrics: dict, bars: dict) -> bool:
    return not shortfalls(metrics, bars)


def tag(metrics: dict, bars: dict) -> str:
    """'' for a run that learned what it could, else ' [under-trained: ...]' to print beside its numbers."""
    missing = shortfalls(metrics, bars)
    return f" [under-trained: {'; '.join(missing)}]" if missing else ""


def assert_learned(metrics: dict, bars: dict, name: str) -> None:
    """The 'learned' half of a two-sided control: raise AssertionError naming the run and what it missed."""
    missing = shortfalls(metrics, bars)
    assert not missing, f"{name} is under-trained, so its failure is no evidence: {'; '.join(missing)}"
