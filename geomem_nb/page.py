"""What a book page shows of the verdicts: a chapter's takeaway (its claims, their verdicts and scale) and
the intro's results table (one row per claim), both read from ``claims.verdicts()``, never typed; and
the checks a page's visible text must pass (``text_issues``: nothing internal; ``contradictions``: no
status that differs from the claims page)."""
from __future__ import annotations

import html
import re
from pathlib import Path

from IPython.display import HTML

from . import claims
from .checks import check_choice
from .deviations import budgets
from .deviations.configs import epochs, graph_name
from .paper import IN_WEIGHTS, paper
from .results import shipped

CLAIMS_PAGE = "../book/claims.html"  # from a chapter (notebooks/NN.html) to the claims page
BY_ID = {c.id: c for c in claims.CLAIMS}


def _claim(cid: str):
    return BY_ID[check_choice("claim id", cid, BY_ID, "C1..C22")]


def scale(v) -> str:
    """Our result with its scale: the verdict's headline where the rule gives one, else its scale."""
    return getattr(v, "headline", "") or v.scale


def _badge(v) -> str:
    return claims.badge(v.status, v.label, v.label != v.status)


def takeaway(*claim_ids: str, get=shipped, link: str = CLAIMS_PAGE):
    """The top of a chapter: each claim in one line, its verdict badge and scale, and a link to its row on
    the claims page (reason and evidence)."""
    if not claim_ids:
        raise ValueError("takeaway needs at least one claim id (C1..C22)")
    wanted = [_claim(c) for c in claim_ids]
    found = claims.verdicts(get)
    lines = "".join(
        f'<li>{_badge(found[c.id])} <b>{c.id}</b> {html.escape(c.short or c.statement)} '
        f'<span class="scale">({html.escape(scale(found[c.id]))})</span> '
        f'<a href="{link}#claim-{c.id}">why</a></li>' for c in wanted)
    return HTML(f'<ul class="takeaway" style="list-style:none;padding-left:0">{lines}</ul>')


def results_table(get=shipped, link: str = "claims.html"):
    """The intro's table: one row per claim: the claim in words, the paper's number, ours with its scale,
    and the verdict."""
    found = claims.verdicts(get)
    rows = "".join(
        f'<tr><td><a href="{link}#claim-{c.id}">{c.id}</a></td><td>{html.escape(c.short or c.statement)}</td>'
        f"<td>{html.escape(getattr(c, 'paper', '') or '')}</td><td>{html.escape(scale(found[c.id]))}</td>"
        f"<td>{_badge(found[c.id])}</td></tr>" for c in claims.CLAIMS)
    head = "".join(f"<th>{h}</th>" for h in ("", "the paper's claim", "the paper", "ours (scale)", "verdict"))
    cols = "".join(f'<col style="width:{w}">' for w in ("3em", "28%", "22%", "", "11.5em"))
    return HTML(f'<table class="claims results"><colgroup>{cols}</colgroup><thead><tr>{head}</tr></thead>'
                f"<tbody>{rows}</tbody></table>")


def _ids(found: dict, test) -> str:
    return ", ".join(k for k, v in found.items() if test(v))


def _span(values, fmt: str) -> str:
    lo, hi = min(values), max(values)
    return format(lo, fmt) if f"{lo:{fmt}}" == f"{hi:{fmt}}" else f"{lo:{fmt}}–{hi:{fmt}}"


def _paper_runs_text(runs: dict) -> list[str]:
    """What ran at the paper's graph and model sizes, on what, with what time limits and epochs."""
    graphs = {kind: sorted({graph_name(m["config"]) for n, m in runs.items() if n.startswith(kind)},
                           key=lambda g: (len(g), g)) for kind in ("in-weights", "in-context")}
    iw = [m for n, m in runs.items() if n.startswith("in-weights")]
    devices = sorted({str(m.get("provenance", {}).get("device") or m.get("device")) for m in runs.values()})
    limits = [m["config"].get("time_budget") or 0 for m in runs.values()]
    seen = f" (the in-weights runs saw {_span([epochs(m) for m in iw], ',.0f')} epochs)" if iw else ""
    text = [f"{len(runs)} runs used the paper's graphs and model sizes, each on one {' or '.join(devices)} GPU: "
            f"in weights on {', '.join(graphs['in-weights']) or 'none'}, in context on "
            f"{', '.join(graphs['in-context']) or 'none'}. Each had a time limit of {_span(limits, 'g')} s of "
            f"training, far short of the paper's {paper('epochs', IN_WEIGHTS)['value']:,} epochs{seen}."]
    if not any((m["config"].get("model") or "gpt") == "mamba" for m in runs.values()):
        text.append("No Mamba model ran at the paper's scale.")
    return text


def scale_text(get=shipped, runs: dict | None = None) -> str:
    """The intro's scale paragraph (Markdown): what ran at the paper's scale and with what time limits,
    what rests on ``cpu`` runs alone or on a computation, and what never ran; ``runs``: the paper-scale
    records by name (default: the shipped ones)."""
    runs = budgets.paper_scale_runs() if runs is None else runs
    found = claims.verdicts(get)
    parts = ["**At what scale.**"] + (_paper_runs_text(runs) if runs else [])
    at_paper = _ids(found, lambda v: not v.computed and ("paper" in v.scale or "gpu" in v.scale))
    if at_paper:
        parts.append(f"The verdicts of {at_paper} rest in part on these runs.")
    small = [k for k, v in found.items() if v.small_scale and v.status != "not run"]
    computed = [k for k, v in found.items() if v.computed]
    rest = [f"{len(small)} rest on `cpu` runs alone (smaller graphs and models, minutes each on a CPU)" if small
            else "", f"{len(computed)} on a computation with no training run" if computed else ""]
    if any(rest):
        parts.append("Of the others, " + " and ".join(r for r in rest if r) + ".")
    never = _ids(found, lambda v: v.status == "not run")
    parts.append(f"Not run yet: {never}." if never else "Every claim has a verdict.")
    return " ".join(parts)


# --- What a page's visible text may not hold ------------------------------------------------------------
# Each check: (what it finds, pattern). Run on a page's text outside its code inputs (tools/check_book.py).
_MODULES = "|".join(sorted({p.stem for p in Path(__file__).parent.glob("*.py") if p.stem[0] != "_"}
                           | {p.stem for p in Path(__file__).parent.glob("studies/*.py") if p.stem[0] != "_"}
                           | {p.name for p in Path(__file__).parent.iterdir() if (p / "__init__.py").exists()}
                           | {"geomem_nb"}))
LEAKS = (
    ("a Python repr", re.compile(r"\b[A-Z][a-z]+(?:[A-Z][a-z]*)+\((?:[a-z_]+=)?|\{'[^']*': |\['[^']*', ")),
    ("a Python value", re.compile(r"\bNone\b(?! of\b)|\b(?:True|False)\b")),
    ("a float at full precision", re.compile(  # more than 4 significant decimals; an arXiv id is no float
        r"(?<![\d.])(?!\d{4}\.\d{4,5}(?:v\d+)?\b)(?:0\.0*[1-9]\d{4,}|[1-9]\d*\.\d{5,})(?![\d.])")),
    ("a machine path", re.compile(r"(?<![\w.])(?:/tmp/|/work/|/home/|/Users/|/root/|/var/folders/)|\.venv\b")),
    ("a code name in prose", re.compile(  # a module of the package, a dot, a name (not a file's extension)
        rf"\b(?:{_MODULES})\.(?!html?\b|json\b|py\b|md\b|ipynb\b)(?:[a-z_]\w*|[A-Z][A-Z0-9_]+\b)")),
    ("a remark about the build machine", re.compile(
        r"\b(?:one|two|\d+) (?:CPU )?cores?\b|\b\d+-minute command|\bbuild machine\b|\bthe machine's\b", re.I)),
)


# Names the glossary replaces (book/glossary.md): a quoted name (the paper's "hardest token") is allowed, and
# so is a part of a record's name or path (results/cpu/tiny-cycle-nn, star/nn).
_UNQUOTED, _NOT_IN_A_NAME = r"(?<![\"“'‘/-])", r"(?![/-])"
NAMES = tuple((f"not the glossary's name ({canonical})", re.compile(_UNQUOTED + pattern + _NOT_IN_A_NAME))
              for canonical, pattern in (
    ("geometric level", r"\b(?:geo level|edge cosine)s?\b"),
    ("bilinear network", r"\b(?:nn|NN|learnable network)s?\b"),
    ("first hop", r"\b(?:hardest token|position 2)\b"),
    ("fast associative memory", r"\bassociative-fast\b"),
    ("held-out", r"\btest (?:accuracy|leaf|leaves|arms?|paths?|exact match|hardest token)\b"),
))


def text_issues(text: str) -> list[str]:
    """Everything internal in ``text``, and every name the glossary replaces: each finding as "what: the
    text around it"."""
    found = []
    for what, pattern in LEAKS + NAMES:
        for m in pattern.finditer(text):
            around = text[max(0, m.start() - 30):m.end() + 30].replace("\n", " ")
            found.append(f"{what}: …{around}…")
    return found


# --- One voice: a status a page states for a claim -------------------------------------------------------
# A status word and the verdicts it agrees with; the longest phrases first ("partly reproduced" is partly).
# "holds" / "does not hold" may describe one part of a claim: a partly verdict agrees with both.
STATED = (
    ("partly reproduced", {"partly"}), ("reproduced in part", {"partly"}), ("partially", {"partly"}),
    ("not reproduced", {"differs", "inconclusive", "not run"}), ("does not hold", {"differs", "partly"}),
    ("cannot tell", {"inconclusive"}), ("inconclusive", {"inconclusive"}), ("reproduced", {"reproduced"}),
    ("partly", {"partly"}), ("differs", {"differs"}), ("not run", {"not run"}),
    ("holds", {"reproduced", "partly"}), ("fails", {"differs", "partly"}),
)
# "holds" and "fails" also describe a model ("the control fails"): they state a status only right after
# the claim id or a separator (a table cell, a colon, a bracket, a dash).
_AMBIGUOUS = {"holds", "fails"}
_WORD = re.compile(r"\b(?:" + "|".join(re.escape(w) for w, _ in STATED) + r")\b", re.I)
_ID = re.compile(r"\bC(\d{1,2})\b")
_SENTENCE_END = re.compile(r"[.!?](?:\s+[A-Z]|\s*$)")
WINDOW = 200  # how far after a claim id its status is looked for (a table row, or the rest of its sentence)


def stated(text: str) -> list[tuple[str, str]]:
    """(claim id, status word) for each claim id in ``text`` followed, in the same line and sentence and
    before the next claim id, by a status word (the first one). A table row (cells joined by " | ")
    states the status of its first claim id only, to the row's end."""
    found = []
    for line in text.splitlines():
        ids = [m for m in _ID.finditer(line) if f"C{m.group(1)}" in BY_ID]
        row = " | " in line  # a table row is about its first claim; a later id is named in its text
        ids = ids[:1] if row else ids
        for k, m in enumerate(ids):
            end = ids[k + 1].start() if k + 1 < len(ids) else len(line)
            span = line[m.end():end if row else min(end, m.end() + WINDOW)]
            stop = None if row else _SENTENCE_END.search(span)
            span = span[:stop.start() + 1] if stop else span
            for w in _WORD.finditer(span):
                word = w.group(0).lower()
                before = span[:w.start()].rstrip()
                if word in _AMBIGUOUS and before and before[-1] not in "|:(—–-,":
                    continue
                found.append((f"C{m.group(1)}", word))
                break
    return found


def contradictions(text: str, found: dict) -> list[str]:
    """Each status ``text`` states for a claim that differs from its verdict in ``found``
    (``claims.verdicts()``), as "C2: the page says differs, the claims page inconclusive"."""
    agree = dict((w, s) for w, s in STATED)
    return [f"{cid}: the page says {word}, the claims page {found[cid].label}"
            for cid, word in stated(text) if found[cid].status not in agree[word]]
