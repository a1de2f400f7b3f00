"""The paper's claims C1-C22, stated as the paper states them (``claims.json``: the data), the chapter
that shows each, and the verdict our saved runs give it (``verdicts``: one rule per claim, read from
``results/``, never typed by hand). ``table()`` renders the book's claims page."""
from __future__ import annotations

import html
import json
from collections import Counter
from dataclasses import dataclass
from pathlib import Path
from typing import Callable

from . import verdicts as v
from .verdicts.grading import TABLE
from .results import REPO, BadRecord, shipped

NOTEBOOKS = REPO / "notebooks"
DATA = Path(__file__).with_name("claims.json")


@dataclass
class Claim:
    id: str
    statement: str
    chapters: tuple
    rule: Callable
    short: str = ""  # the claim in one line, for the claims page (the statement opens under it)
    paper: str = ""  # the paper's own number for the claim, in a few words (the intro's results table)


CHAPTERS = {
    "01": "01_in_context_path_star", "02": "02_in_weights_path_star", "03": "03_hardest_token",
    "04": "04_path_star_geometry", "05": "05_tiny_graphs", "06": "06_spectral_bias",
    "07": "07_why_geometry", "08": "08_what_else_matters",
}


def _load(path: Path = DATA) -> list[Claim]:
    """The claims as the paper states them (data, in ``claims.json``), each with its rule (``verdicts.RULES``)."""
    return [Claim(r["id"], r["statement"], tuple(r["chapters"]), v.RULES[r["id"]], r["short"], r["paper"])
            for r in json.loads(path.read_text(encoding="utf-8"))]


CLAIMS = _load()


def verdicts(get=shipped) -> dict:
    """``{claim id: Verdict}`` from the records ``get(name)`` returns (default: the saved ``results/``).
    A claim whose record is unreadable shows as such; the other claims are still judged."""
    found = {}
    for c in CLAIMS:
        try:
            found[c.id] = c.rule(get)
        except BadRecord as err:
            found[c.id] = v.Verdict("not run", f"unreadable record: {err}")
    return found


def counts(found: dict) -> dict:
    """``{verdict: number of claims}`` in the order of ``verdicts.STATUSES``."""
    n = Counter(x.status for x in found.values())
    return {s: n[s] for s in v.STATUSES}


def summary(found: dict) -> str:
    return ", ".join(f"{k} {s}" for s, k in counts(found).items()) + f" (of {len(found)} claims)"


def badge(status: str, text: str | None = None, small: bool = False) -> str:
    """A verdict's badge; ``small``: a reproduction from small-scale (cpu) runs only, in its own colour."""
    colour = SMALL_SCALE_COLOUR if small and status == "reproduced" else COLOURS[status]
    return f'<span class="verdict" style="background:{colour}">{html.escape(text or status)}</span>'


def small_scale(found: dict) -> int:
    """How many claims are reproduced from small-scale runs only (or computed, with no run)."""
    return sum(x.status == "reproduced" and x.label != x.status for x in found.values())


def _count(found: dict, status: str, k: int) -> str:
    small = small_scale(found) if status == "reproduced" else 0
    return f"{k} {status}" + (f" ({small} of them at small scale or computed only)" if small else "")


def summary_html(found: dict, link: str | None = None) -> str:
    """The verdict counts as badges (for the claims page and the landing page); ``link``: the claims page."""
    parts = " ".join(badge(s, _count(found, s, k)) for s, k in counts(found).items())
    more = f' <a href="{link}">every claim, with its reason and evidence</a>' if link else ""
    return f'<p class="verdicts"><b>Verdicts:</b> {parts} (of {len(found)} claims){more}</p>'


def rows(get=shipped) -> list[dict]:
    found = verdicts(get)
    return [{"id": c.id, "statement": c.statement, "short": c.short,
             "chapters": [CHAPTERS[k] for k in c.chapters], "verdict": found[c.id]} for c in CLAIMS]


COLOURS = {"reproduced": "#1a7f37", "partly": "#9a6700", "inconclusive": "#8250df", "differs": "#cf222e",
           "not run": "#6e7781"}
SMALL_SCALE_COLOUR = "#4d9e63"  # a lighter green: reproduced at cpu scale (or computed) only


def _links(chapters) -> str:
    return " ".join(f'<a href="../notebooks/{c}.html">{c[:2]}</a>' if (NOTEBOOKS / f"{c}.py").exists()
                    else f"{c[:2]}&nbsp;(to&nbsp;come)" for c in chapters)


def _row(r: dict) -> str:
    """One claim: verdict, id, the claim in one line, the reason (one or two sentences) and its scale;
    the detail, the control, the paper's full statement and the evidence (every saved run, with
    provenance) fold under the reason."""
    x, esc = r["verdict"], html.escape
    more = "".join(f"<li>{esc(d)}</li>" for d in x.detail)
    control = f"<p><b>Control:</b> {esc(x.control)}</p>" if x.control else ""
    evidence = "".join(f"<li>{esc(e)}</li>" for e in x.evidence) or "<li><em>no saved run</em></li>"
    details = (f"<details><summary>detail, the paper's statement and the evidence ({len(x.evidence)})</summary>"
               + (f"<ul>{more}</ul>" if more else "") + control
               + f"<p><b>The paper:</b> {esc(r['statement'])}</p><ul>{evidence}</ul></details>")
    scale = f' <span class="scale">(scale: {esc(x.scale)})</span>' if x.scale else ""
    return (f'<tr id="claim-{r["id"]}"><td>{badge(x.status, x.label, x.label != x.status)}</td>'
            f"<td><b>{r['id']}</b> {esc(r['short'] or r['statement'])}</td><td>{esc(sentence(x.reason))}{scale}{details}</td>"
            f"<td>{_links(r['chapters'])}</td></tr>")


def sentence(text: str) -> str:
    """A reason as the page shows it: a capital first letter and a closing full stop."""
    text = text.strip()
    return (text[:1].upper() + text[1:] + ("" if text.endswith(".") else ".")) if text else text


def scheme_table() -> str:
    """The one grading scheme (``verdicts.grading.TABLE``) as a small table for the claims page, folded."""
    from IPython.display import HTML

    rows = "".join(f"<tr><td>{html.escape(parts)}</td><td>{badge(status)}</td></tr>" for parts, status in TABLE)
    return HTML("<details><summary>How a claim's parts combine into its verdict (one scheme for every claim)"
                '</summary><table class="scheme"><thead><tr><th>what the parts of a claim show</th><th>verdict</th>'
                f"</tr></thead><tbody>{rows}</tbody></table></details>")


def table(get=shipped):
    """The claims page: the verdict counts, then one row per claim, verdict first."""
    from IPython.display import HTML

    rs = rows(get)
    head = (summary_html({r["id"]: r["verdict"] for r in rs})
            + '<table class="claims"><colgroup><col class="verdict"><col class="claim"><col><col class="chapter">'
            '</colgroup><thead><tr><th>verdict</th><th>claim</th>'
            "<th>what our runs show</th><th>chapter</th></tr></thead><tbody>")
    return HTML(head + "\n".join(_row(r) for r in rs) + "</tbody></table>")
