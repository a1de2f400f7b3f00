"""What a chapter shows beside its results, in words and folded: a details block (``fold``) that holds
tables and notes one click away, the chapter's setup note (where its records come from, folded), a
saved run loaded or trained with one short line saying which (``load_or_train``), and a run's status in
words (``status``: learned what it could, or under-trained and on which target)."""
from __future__ import annotations

import contextlib
import html
import io
import re

import torch

from .studies.chapter_records import announce
from .controls import shortfalls
from .experiments import recorded
from .runtime import device, preset


class Folded:
    """A ``<details>`` block: ``summary`` shown, ``parts`` (tables, text, anything with ``_repr_html_``)
    one click away; in a terminal, the summary and the parts as text."""

    def __init__(self, summary: str, parts: tuple):
        if not summary.strip():
            raise ValueError("summary must be a non-empty line saying what the fold holds")
        self.summary, self.parts = summary, parts

    @staticmethod
    def _html(part) -> str:
        if hasattr(part, "_repr_html_"):
            return part._repr_html_()
        return "<p>" + html.escape(str(part)).replace("\n", "<br>") + "</p>"

    def _repr_html_(self) -> str:
        body = "".join(self._html(p) for p in self.parts)
        return f"<details><summary>{html.escape(self.summary)}</summary>{body}</details>"

    def __repr__(self) -> str:
        return "\n".join([self.summary] + [repr(p) if hasattr(p, "_repr_html_") else str(p) for p in self.parts])


def fold(summary: str, *parts) -> Folded:
    """Tables and notes folded under one line (``summary``)."""
    return Folded(summary, parts)


def setup_note(chapter: str) -> Folded:
    """The chapter's setup, folded: the software and device it ran on, and which saved records it reads
    (with what it does without each)."""
    where = "a GPU" if device().type == "cuda" else "the CPU"
    return fold("How this page was run (software, device, saved records)",
                f"Run with torch {torch.__version__.split('+')[0]} on {where}, at the {preset()} preset.", announce(chapter))


def load_or_train(cfg, record: str, train):
    """``(run, line)``: the saved run ``record`` when it was made with ``cfg``'s settings, else ``train()``;
    ``line`` says which in words (the loader's own lines are kept out of the page)."""
    said = io.StringIO()
    with contextlib.redirect_stdout(said):
        run = recorded(cfg, record)
    if run is not None:
        return run, "loaded from the saved run made with these settings (the same numbers, not trained again)"
    other = "the saved run has other settings; " if "other settings" in said.getvalue() else ""
    return train(), f"{other}trained here"


def status(metrics: dict, bars: dict, learned: str = "learned what it could") -> str:
    """A control's status in words: ``learned`` when it reached every bar, else 'under-trained: <what>
    <value> below <bar>'."""
    missing = shortfalls(metrics, bars)  # each 'name value < bar', the name in the glossary's words
    if not missing:
        return learned
    words = []
    for text in missing:
        name, value, bar = re.match(r"(.+?) (missing|\S+) < (\S+)$", text).groups()
        words.append(f"{name} missing" if value == "missing" else f"{name} {value} below {bar}")
    return "under-trained: " + "; ".join(words)
