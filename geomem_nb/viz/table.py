"""Run summaries as small tables: HTML in the book and Jupyter, aligned text in a terminal."""
from __future__ import annotations

import html
import math

import numpy as np


def _cell(value, digits: int) -> tuple[str, bool]:
    """A value as table text, rounded to what it can support; True when it is a number."""
    if value is None:
        return "—", False
    if isinstance(value, bool) or not isinstance(value, (int, float, np.integer, np.floating)):
        return str(value), False
    if isinstance(value, (int, np.integer)):
        return f"{int(value):,}", True
    x = float(value)
    if not math.isfinite(x):
        return str(x), True
    if x != 0 and abs(x) < 10 ** -digits:  # a chance level like 1/5000: keep its two significant digits
        return f"{x:.1e}", True
    return (f"{x:,.0f}" if abs(x) >= 100 else f"{x:.1f}" if abs(x) >= 10 else f"{x:.{digits}f}"), True


class Table:
    """A small run summary: an HTML table in the book and Jupyter, aligned text in a terminal."""

    def __init__(self, rows: list, columns: list, caption: str | None, digits: int):
        self.columns, self.caption = columns, caption
        self.cells = [[_cell(r.get(c), digits) for c in columns] for r in rows]

    def _repr_html_(self) -> str:
        esc = html.escape
        head = "".join(f"<th>{esc(str(c))}</th>" for c in self.columns)
        body = "".join("<tr>" + "".join(f'<td class="num">{esc(s)}</td>' if num else f"<td>{esc(s)}</td>"
                                        for s, num in row) + "</tr>" for row in self.cells)
        cap = f"<caption>{esc(self.caption)}</caption>" if self.caption else ""
        return f'<table class="runs">{cap}<thead><tr>{head}</tr></thead><tbody>{body}</tbody></table>'

    def __repr__(self) -> str:
        text = [[str(c) for c in self.columns]] + [[s for s, _ in row] for row in self.cells]
        widths = [max(len(r[j]) for r in text) for j in range(len(self.columns))]
        lines = ["  ".join(s.ljust(w) for s, w in zip(r, widths)).rstrip() for r in text]
        return "\n".join(([self.caption] if self.caption else []) + lines)


def table(rows, columns: list | None = None, caption: str | None = None, digits: int = 3, show: bool = True):
    """Show run summaries as a small table instead of long printed lines. ``rows``: a list of dicts, or
    ``{label: dict}`` (the label becomes the first column, named ``columns[0]`` when given). Floats are
    rounded to ``digits`` decimals (fewer above 10, scientific below 10^-digits). Displays the table
    (printed outside Jupyter) and returns None, unless ``show=False``, which returns it."""
    if isinstance(rows, dict):
        first = columns[0] if columns else "run"
        rows = [{first: label, **values} for label, values in rows.items()]
        if columns is not None and len(columns) == 1:  # only the label's name: every value column follows
            columns = None
    rows = list(rows)
    if not all(isinstance(r, dict) for r in rows):
        raise ValueError("rows must be a list of dicts or a dict of dicts")
    if isinstance(digits, bool) or not isinstance(digits, int) or not 0 <= digits <= 6:
        raise ValueError(f"digits must be an integer from 0 to 6; got {digits!r}")
    columns = list(columns or dict.fromkeys(k for r in rows for k in r))
    t = Table(rows, columns, caption, digits)
    if not show:
        return t
    try:
        from IPython import get_ipython
        from IPython.display import display
    except ImportError:
        get_ipython = None
    if get_ipython is not None and get_ipython() is not None:
        display(t)
    else:
        print(repr(t))
    return None
