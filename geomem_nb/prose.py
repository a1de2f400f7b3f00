"""Numbers and sentences for a chapter's visible text: a value rounded for a reader, yes/no instead of
True/False, a list in words, and a computed sentence shown as Markdown on the page (plain text in a
terminal). Nothing here prints a repr, ``None`` or a full-precision float."""
from __future__ import annotations

import math

MISSING = "—"


def num(x, digits: int = 3) -> str:
    """``x`` for a page: an integer with thousands separators, a float to at most ``digits`` decimals
    (scientific below 10^-digits), "—" for a missing value."""
    if isinstance(digits, bool) or not isinstance(digits, int) or not 0 <= digits <= 3:
        raise ValueError(f"digits must be an integer from 0 to 3; got {digits!r}")
    if x is None:
        return MISSING
    if isinstance(x, bool):
        return yes_no(x)
    if isinstance(x, int) or (isinstance(x, float) and x.is_integer() and abs(x) >= 1000):
        return f"{int(x):,}"
    x = float(x)
    if not math.isfinite(x):
        return MISSING
    if x != 0 and abs(x) < 10 ** -digits:
        return f"{x:.1e}"
    return f"{x:,.{digits}f}"


def yes_no(flag) -> str:
    """A boolean as a reader's word."""
    if not isinstance(flag, bool):
        raise ValueError(f"flag must be True or False; got {flag!r}")
    return "yes" if flag else "no"


def words(items, last: str = "and") -> str:
    """``["a", "b", "c"]`` as "a, b and c"; an empty list as "none"."""
    items = [str(i) for i in items]
    if not items:
        return "none"
    return items[0] if len(items) == 1 else f"{', '.join(items[:-1])} {last} {items[-1]}"


class _Markdown:
    """Markdown for the page (Jupyter renders ``_repr_markdown_``); the plain text in a terminal."""

    def __init__(self, text: str):
        self.text = text

    def _repr_markdown_(self) -> str:
        return self.text

    def __repr__(self) -> str:
        return self.text


def say(text: str) -> _Markdown:
    """A computed sentence for the page: return it as the last line of a cell tagged remove-input (an
    empty text shows nothing)."""
    if not isinstance(text, str):
        raise ValueError(f"text must be a string; got {type(text).__name__}")
    return _Markdown(text)
