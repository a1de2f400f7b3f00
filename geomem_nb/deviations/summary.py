"""The deviations page's visible part, in brief: per experiment family one row per setting (the paper's
value, our saved runs' values and how many of them differ), each paper-scale run's budget in one line,
and each chapter-level record in one row. The full tables (every preset, plan, run and record) fold
beneath them (``page``)."""
from __future__ import annotations

from .configs import epochs
from ..paper import IN_WEIGHTS

BRIEF = 3  # at most this many distinct values are listed; more are summed up


def _distinct(values) -> list:
    return list(dict.fromkeys(values))


def _span(values, fmt: str = ",.0f") -> str:
    lo, hi = min(values), max(values)
    return f"{lo:{fmt}}" if f"{lo:{fmt}}" == f"{hi:{fmt}}" else f"{lo:{fmt}} to {hi:{fmt}}"


def stop_kind(cell: str) -> str:
    """How a run's stopping cell (``page._cells``) reads in brief."""
    if cell.startswith("target"):
        return "stopped at a held-out target (the number selected on those leaves)"
    return "stopped by a time limit" if cell.startswith("time limit") else "ran all planned steps"


def _ours(key: str, fam: str, cells: list, runs: list) -> str:
    """Our saved runs' values of one setting, in brief: the distinct values when few, else a summary."""
    values = _distinct(cells)
    if not values:  # from scratch: no saved run
        return "no saved run"
    if key == "epochs":
        if fam == IN_WEIGHTS:
            return f"{_span([epochs(m) for m in runs])} epochs"
        return f"none: a fresh graph per example ({_span([m['steps'] for m in runs])} steps)"
    if key == "stopping":
        kinds = [stop_kind(c) for c in cells]
        return "; ".join(f"{kinds.count(k)} {k}" for k in _distinct(kinds))
    if len(values) <= BRIEF:
        return "; ".join(values)
    heads = _distinct(v.split(", ")[0].split(" (")[0] for v in values)
    brief = "; ".join(heads) if len(heads) <= 2 * BRIEF else f"{len(values)} different settings"
    return brief + " (full table below)"


def family_rows(rows: list, fam: str, runs: dict) -> list[dict]:
    """One row per setting of family ``fam``: the paper's value and source, our saved runs' values in
    brief, and how many of the runs differ from the paper on it (``rows``: ``page.table()``; ``runs``:
    label -> metrics of the family's saved runs)."""
    out = []
    for r in (r for r in rows if r["experiment"] == fam):
        labels = [label for label in r["ours"] if label in runs]
        off = sum(r["differs"][label] for label in labels)
        out.append(dict(setting=r["setting"], paper=f"{r['paper']} ({r['source']})",
                        ours=_ours(r["key"], fam, [r["ours"][label] for label in labels], [runs[k] for k in labels]),
                        off=f"{off} of {len(labels)}"))
    return out


def effects(rows: list) -> list[tuple[str, str]]:
    """(setting, the paper's word on why it matters), once per distinct word over both families."""
    return list(dict.fromkeys((r["setting"], r["effect"]) for r in rows if r["effect"]))


def budget_brief(rows: list) -> list[dict]:
    """Each paper-scale run (``budgets.budget_rows``) in one row: what it got and what stopped it."""
    return [dict(run=r["run"], got=r["got"], by=r["by"]) for r in rows]


def record_rows(iw: list, tiny: list) -> list[dict]:
    """One row per chapter-level record: how many regimes it holds and how it differs, in brief
    (``iw``: ``chapters.in_weights_rows``; ``tiny``: ``chapters.tiny_rows``)."""
    out = []
    for record in _distinct(r["record"] for r in iw):
        mine = [r for r in iw if r["record"] == record]
        out.append(dict(record=record, rows=str(len(mine)),
                        how=f"peak lr {', '.join(_distinct(r['lr'] for r in mine))}; "
                            f"{_span([int(r['steps'].replace(',', '')) for r in mine])} steps"))
    for record in _distinct(_tiny_group(r["record"]) for r in tiny):
        mine = [r for r in tiny if _tiny_group(r["record"]) == record]
        off = sum(bool(r["off"]) for r in mine)
        said = _distinct(SETTING_WORDS.get(k, k) for r in mine for k in r["off"].split(", ") if k)
        out.append(dict(record=record, rows=str(len(mine)),
                        how=f"{off} of {len(mine)} differ from the authors' settings"
                            + (f" (in {', '.join(said)})" if off else "")))
    return out


SETTING_WORDS = {"dim": "width", "cosine": "schedule", "weight_decay": "weight decay"}  # a tiny config's keys
SINGLE_TINY = "results/cpu/tiny-"  # the single tiny runs: one folder each, one row for all of them here


def _tiny_group(record: str) -> str:
    return f"{SINGLE_TINY}… (the single runs, one folder each)" if record.startswith(SINGLE_TINY) else record
