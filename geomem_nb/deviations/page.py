"""The book's deviations page: the paper's settings beside ours at every preset scale, ``reproduce``
plan and shipped run (``table``), rendered per experiment family as a table in brief with the full one
folded beneath it (``html``)."""
from __future__ import annotations

import html as _html
from pathlib import Path

from .. import presets, reproduce
from ..results import RESULTS, read_record
from ..runtime import PRESETS
from .budgets import budget_rows
from .chapters import in_weights_rows, tiny_rows
from .configs import epochs, family, planned_steps
from ..paper import FAMILIES, IN_CONTEXT, IN_WEIGHTS, ORDER, paper, paper_text, sci
from .summary import budget_brief, effects, family_rows, record_rows
from .regime import differs, facts, regime, stopping


def _cells(config: dict, metrics: dict | None = None) -> dict:
    """``facts`` in the short form of the table's cells (``regime`` prints the long form)."""
    f = facts(config, metrics)
    steps = metrics["steps"] if metrics is not None else None
    n, plan = (steps, "") if steps is not None else (planned_steps(config), "≤ ")
    if family(config) == IN_WEIGHTS:
        f["epochs"] = f"{plan}{epochs({'config': config, 'steps': n}):,.0f} ({n:,} steps)"
        f["mix"] = "interleaved" if config.get("schedule", "mixed") == "mixed" else "two phases"
    else:
        f["epochs"] = f"none: fresh graphs ({plan}{n:,} steps)"
    f["schedule"] = f"warm-up {config['warmup']:,}, cosine to ×0.1 over {config['steps']:,}"
    if config.get("schedule") == "staged":
        f["schedule"] = f"edges {config['edge_steps']:,} at {sci(config['edge_lr'])}, then " + f["schedule"]
    f["weight_decay"] = f"{config['weight_decay']:g}"
    target, budget = config.get("target", 0.0) or 0.0, config.get("time_budget", 0.0) or 0.0
    if metrics is None:
        rules = ([f"target {target:g} (selected)"] if target else []) + ([f"time limit {budget:g} s"] if budget else [])
        f["stopping"] = "; ".join(rules) or "none (fixed steps)"
    else:
        text, selected = stopping(config, metrics)
        f["stopping"] = (f"target {target:g} reached at step {steps:,}: selected" if selected
                         else f"time limit at {steps:,} of {planned_steps(config):,}" if text.startswith("stopped by")
                         else "none (fixed steps)")
    f["seeds"] = str(config.get("seed", 0))
    return f



# where our configs come from ---------------------------------------------------------------------------
def preset_configs() -> dict:
    """label -> config, for every preset scale of the in-weights, in-weights-small and in-context presets."""
    out = {}
    for kind in ("in-weights", "in-weights-small", "in-context"):
        for s in PRESETS:
            out[f"preset {kind} · {s}"] = presets.config(kind, s).record()
    return out


def reproduce_configs() -> dict:
    """label -> config, for every ``reproduce`` experiment as planned at the paper scale."""
    return {f"reproduce {name} (plan)": reproduce.plan(name, "paper")[0].record()
            for name in sorted(presets.PAPER_RUNS)}


def shipped_runs(root: Path = RESULTS) -> dict:
    """label -> metrics, for every saved in-weights or in-context run under ``results/`` and
    ``results/<scale>/`` (chapter records and tiny-graph runs are left out)."""
    if root is None:  # from scratch: no records
        return {}
    root = Path(root)
    paths = sorted(root.glob("*/metrics.json")) + [p for s in PRESETS for p in sorted(root.glob(f"{s}/*/metrics.json"))]
    out = {}
    for p in paths:
        m = read_record(p)  # schema-checked: a bad record names its file
        if isinstance(m.get("config"), dict) and family(m["config"]) and "steps" in m:
            out[f"run results/{p.parent.relative_to(root).as_posix()}"] = m
    return out


def _columns(root: Path = RESULTS) -> list:
    """[(label, config, metrics or None)] for every preset, reproduce plan and shipped run."""
    cols = [(k, c, None) for k, c in preset_configs().items()]
    cols += [(k, c, None) for k, c in reproduce_configs().items()]
    cols += [(k, m["config"], m) for k, m in shipped_runs(root).items()]
    return cols


def table(root: Path = RESULTS) -> list:
    """One row per (setting, experiment family): the paper's value and source, ours at each preset
    scale, ``reproduce`` plan and shipped run (``ours``: label -> text; ``differs``: label -> bool),
    and the effect the paper says the setting may have ('' where it says none)."""
    cols = _columns(root)
    rows = []
    for fam in FAMILIES:
        mine = [(label, c, m) for label, c, m in cols if family(c) == fam]
        ours = {label: _cells(c, m) for label, c, m in mine}
        for key in ORDER:
            p = paper(key, fam)
            if p is None:
                continue
            rows.append(dict(experiment=fam, key=key, setting=p["setting"], paper=paper_text(p),
                             source=p["source"], effect=p.get("effect", ""),
                             ours={label: ours[label][key] for label, _, _ in mine},
                             differs={label: differs(key, fam, c, m) for label, c, m in mine}))
    return rows




# the page ---------------------------------------------------------------------------------------
_FAMILY_TITLE = {IN_WEIGHTS: "In-weights path-star (Table 1, App. B)",
                 IN_CONTEXT: "In-context path-star (Table 1, App. B)"}


def html_escape(x) -> str:
    return _html.escape(str(x))


_STYLE = """<style>
table.geomem-dev {border-collapse: collapse; font-size: 80%}
table.geomem-dev th, table.geomem-dev td {border: 1px solid #ccc; padding: 2px 5px; vertical-align: top}
table.geomem-dev th.row {text-align: left; white-space: nowrap}
table.geomem-dev td.paper {background: #eef4fb}
table.geomem-dev td.off {background: #fde8e6}
</style>"""


def _folded(summary: str, body: list) -> list:
    """``body`` (HTML lines) one click away, under ``summary`` (HTML)."""
    return [f"<details><summary>{summary}</summary>", *body, "</details>"]


def _family_html(rows: list, fam: str, runs: dict) -> str:
    """One family: the settings in brief (visible), then, folded, the full table (every preset, plan and
    saved run beside the paper) and each saved run's regime in one line."""
    rows, e = [r for r in rows if r["experiment"] == fam], html_escape
    cols = [("setting", "setting"), ("paper", "the paper"), ("ours", f"our {len(runs)} saved runs"),
            ("off", "runs that differ")]
    out = [f"<h3>{e(_FAMILY_TITLE[fam])}</h3>"]
    out += _plain_table(cols, family_rows(rows, fam, runs), shade=lambda r, k: k == "off" and r[k][0] != "0")
    head = "".join(f"<th>{e(r['setting'])}</th>" for r in rows)
    paper_row = "".join(f"<td class='paper'>{e(r['paper'])}<br><i>{e(r['source'])}</i></td>" for r in rows)
    full = ["<div style='overflow-x:auto'><table class='geomem-dev'>", f"<tr><th></th>{head}</tr>",
            f"<tr><th class='row'>paper</th>{paper_row}</tr>"]
    for label in rows[0]["ours"]:
        tds = "".join(f"<td{' class=off' if r['differs'][label] else ''}>{e(r['ours'][label])}</td>" for r in rows)
        full.append(f"<tr><th class='row'>{e(label)}</th>{tds}</tr>")
    full.append("</table></div>")
    out += _folded(f"The full table: every preset, plan and saved run ({len(rows[0]['ours'])} rows; "
                   "shaded: differs from the paper)", full)
    if runs:
        out += _folded(f"Each saved run's regime in one line ({len(runs)} runs)",
                       ["<ul>"] + [f"<li><code>{e(label[4:])}</code>: {e(regime(m))}</li>" for label, m in runs.items()]
                       + ["</ul>"])
    return "\n".join(out)


def _effects_html(rows: list) -> str:
    said = effects(rows)
    if not said:
        return ""
    return "\n".join(["<p><b>Where the paper says a setting matters</b></p><ul>"]
                     + [f"<li><b>{html_escape(s)}</b>: {html_escape(x)}</li>" for s, x in said] + ["</ul>"])


def _plain_table(cols: list, rows: list, shade=lambda row, key: False, first: list | None = None) -> list:
    """An HTML table: ``cols`` as (key, title); ``first`` rows (the paper's) drawn in the paper's colour."""
    e = html_escape
    out = ["<div style='overflow-x:auto'><table class='geomem-dev'>",
           "<tr>" + "".join(f"<th>{e(t)}</th>" for _, t in cols) + "</tr>"]
    for row in first or []:
        out.append("<tr>" + "".join(f"<td class='paper'>{e(row.get(k, ''))}</td>" for k, _ in cols) + "</tr>")
    for row in rows:
        out.append("<tr>" + "".join(f"<td{' class=off' if shade(row, k) else ''}>{e(row[k])}</td>" for k, _ in cols)
                   + "</tr>")
    out.append("</table></div>")
    return out


def _budgets_html(root: Path) -> str:
    rows = budget_rows(root)
    if not rows:
        return ""
    cols = [("run", "run"), ("plan", "today's plan (paper scale)"), ("given", "what the run was given"),
            ("got", "what it got"), ("stopped", "why it stopped"), ("other", "other settings off the plan"),
            ("command", "made by")]
    out = ["<h3>Paper-scale runs: the planned budget beside the one each run got</h3>"]
    out += _plain_table([("run", "run"), ("got", "what it got"), ("by", "stopped by")], budget_brief(rows))
    full = ["<p>Read from each run's record (its config, steps, training seconds and the command in its provenance) "
            "beside what the paper-scale plan gives it today: a run stopped by its time limit saw a fraction of the "
            "planned steps, and the time limit it had is stated with where it came from.</p>"]
    full += _plain_table(cols, rows, shade=lambda r, k: k == "given" and "not the plan's" in r[k])
    return "\n".join(out + _folded("Each run's plan, time limit, stopping step and command", full))


def _chapters_html(root: Path) -> str:
    iw, tiny = in_weights_rows(root), tiny_rows(root)
    if not iw and not tiny:
        return ""
    lr, ep = paper_text(paper("lr", IN_WEIGHTS)), paper_text(paper("epochs", IN_WEIGHTS))
    out = ["<h3>Chapter-level records behind the verdicts</h3>",
           f"<p>The studies the claims page reads besides the runs above, one row per record (the paper: peak lr "
           f"{html_escape(lr)}, {html_escape(ep)}; the tiny graphs: the authors' notebook settings).</p>"]
    out += _plain_table([("record", "record"), ("rows", "regimes"), ("how", "our regime in brief")],
                        record_rows(iw, tiny))
    if iw:
        first = [dict(record="paper", runs="every in-weights run", lr=lr, epochs=ep,
                      schedule=f"{paper_text(paper('schedule', IN_WEIGHTS))}; two phases (§D.3): "
                               f"{paper_text(paper('staged_lr', IN_WEIGHTS))}")]
        cols = [("record", "record"), ("runs", "runs"), ("graph", "graph"), ("model", "model"), ("lr", "peak lr"),
                ("steps", "steps"), ("epochs", "epochs"), ("schedule", "schedule"), ("seeds", "seeds"),
                ("source", "read from")]
        body = ["<p>One row per regime of each record (chapter 9's map, long-path study, first-hop diagnosis and "
                "clock test: one row per run), computed from the records. Where a record keeps only some settings, "
                "the rest come from the code that wrote it, checked against the settings it keeps (the <i>read "
                "from</i> column). Epochs are counted per example set at the end of the planned steps.</p>"]
        body += _plain_table(cols, iw, shade=lambda r, k: (k == "lr" and r["lr_off"]) or
                             (k == "schedule" and r["schedule"].startswith("phase 1")), first=first)
        body.append(f"<p><b>Two-phase peak learning rates</b>: {html_escape(paper('staged_lr', IN_WEIGHTS)['effect'])}</p>")
        out += _folded(f"<b>In-weights path-star studies</b> (chapters 2, 3, 4, 8 and 9; {len(iw)} rows)", body)
    if tiny:
        cols = [("record", "record"), ("runs", "entry"), ("graph", "graph"), ("model", "model"),
                ("ours", "ours: width, lr, full-batch steps, schedule, weight decay"), ("authors", "the authors'"),
                ("off", "differs"), ("seeds", "seeds"), ("source", "read from")]
        out += _folded(f"<b>Tiny-graph records</b> (chapters 5 and 7; {len(tiny)} rows), beside the authors' "
                       "notebook configurations",
                       _plain_table(cols, tiny, shade=lambda r, k: k in ("ours", "off") and bool(r["off"])))
    return "\n".join(out)


def html(root: Path = RESULTS):
    """The deviations page: per experiment family the settings in brief beside the paper's (the full
    table and each saved run's regime folded), the paper's own word on why a setting matters, the
    paper-scale runs' budgets and the chapter-level records' regimes, each in brief with its full
    table folded."""
    from IPython.display import HTML

    rows, runs = table(root), shipped_runs(root)
    parts = [_STYLE, "<p>Shaded: differs from the paper. Presets are plans (the sizes the book can run at); "
             "runs are what was trained and saved under <code>results/</code>.</p>"]
    for fam in FAMILIES:
        parts.append(_family_html(rows, fam, {k: m for k, m in runs.items() if family(m["config"]) == fam}))
    parts.append(_effects_html(rows))
    if root is not None:  # from scratch (GEOMEM_RESULTS=none): no run to show
        parts += [_budgets_html(root), _chapters_html(root)]
    return HTML("\n".join(p for p in parts if p))
