"""How our runs differ from the paper's training regime (Table 1 and App. B), built by code.

The paper's settings are data (``PAPER``: one dict per setting, with the section it comes from). Our
side is read from the presets (``presets.NAMED``), the ``reproduce`` experiments at paper scale
(``reproduce.plan``) and the shipped runs (``results/*/metrics.json``, ``results/<scale>/*/metrics.json``).

``table()`` lines the two up, ``regime(metrics)`` states one saved run's regime in one line (for the
chapters to print next to its numbers), ``epochs(metrics)`` counts the epochs a run saw, and ``html()``
renders the book's deviations page.

Epochs. The trainer draws every batch at random, with replacement, from all training examples at
once, each set (directed edges, training paths) in proportion to its size (``train.mix_counts``;
the authors' code likewise shuffles edges and paths into one dataset). One epoch here is therefore
one training set's worth of examples drawn: examples drawn / (directed edge examples + training path
examples), counting the examples each step really draws (packing rounds each set up to whole rows, so
a step can draw a few more than ``batch_size``). In expectation every example is then seen once per
epoch, edges and paths alike. An in-context run draws a fresh graph for every example: it has no fixed
training set, hence no epochs.
"""
from __future__ import annotations

import html as _html
import math
from functools import lru_cache
from pathlib import Path

from .results import RESULTS, read_record
from .runtime import PRESETS
from .checks import check_choice

IN_WEIGHTS, IN_CONTEXT = "in-weights", "in-context"
FAMILIES = (IN_WEIGHTS, IN_CONTEXT)

# The paper's graphs, in our naming (graph_name): Table 1.
_G_IW = ("G(5000,5)", "G(10000,6)", "G(10000,10)")
_G_IC = ("G(2,5)", "G(10,5)", "G(20,5)")

_EPOCHS = 50000  # §B.3: "we train all our models to 50,000 epochs"

# Why a setting may matter, only where the paper (or its authors' release) says the knob matters.
_LR_EFFECT = ("C12: lr (with weight decay and initialization) decides whether a model memorizes "
              "geometrically or associatively; v2 Fig. 22: lr 0.1 is 'too aggressive' for the geometry "
              "to form (tiny graphs). A larger lr is not a neutral speed-up.")
_EPOCH_EFFECT = ("§B.3: accuracy gains appear after 'a couple of thousand epochs'; §7 lists training time "
                 "among the settings that may decide which memory wins. A run that stops early sees its "
                 "memory at an earlier point of that competition.")
_STOP_EFFECT = ("C19 (§D.3): accuracy can peak and then fall ('momentarily, only to deteriorate'); a number "
                "taken at the first evaluation that reaches a target is selected on the leaves it reports "
                "and says nothing about what a longer run keeps.")

# The paper's settings. ``value``: a scalar, a tuple of allowed values, or a dict graph -> value (with
# "default" for the other graphs); None where the paper states none. ``text``: how the paper says it.
PAPER = (
    dict(key="graph", setting="graph", family=IN_WEIGHTS, value=_G_IW, source="Table 1",
         text="G(5000,5), G(10000,6), G(10000,10)"),
    dict(key="graph", setting="graph", family=IN_CONTEXT, value=_G_IC, source="Table 1",
         text="G(2,5), G(10,5), G(20,5)"),
    dict(key="lr", setting="peak learning rate", family=IN_WEIGHTS, value=5e-5, source="Table 1",
         effect=_LR_EFFECT),
    dict(key="lr", setting="peak learning rate", family=IN_CONTEXT, value=1e-4, source="Table 1",
         effect=_LR_EFFECT),
    dict(key="epochs", setting="epochs", family=IN_WEIGHTS, value=_EPOCHS, source="§B.3", text=f"{_EPOCHS:,} epochs",
         effect=_EPOCH_EFFECT),
    dict(key="epochs", setting="epochs", family=IN_CONTEXT, value=_EPOCHS, source="§B.3 (stated for all runs)",
         text=f"{_EPOCHS:,} epochs"),
    dict(key="batch", setting="batch size", family=None, value=(64, 128, 256, 512, 1024),
         source="§B.3 (swept)"),
    dict(key="layers", setting="layers", family=None, value=12, source="Table 1"),
    dict(key="width", setting="width", family=IN_WEIGHTS, value={"default": 384, "G(10000,10)": 784},
         source="Table 1"),
    dict(key="width", setting="width", family=IN_CONTEXT, value={"default": 384, "G(20,5)": 784},
         source="Table 1"),
    dict(key="heads", setting="heads", family=None, value=8, source="Table 1"),
    dict(key="pauses", setting="pause tokens", family=IN_WEIGHTS,
         value={"G(5000,5)": 5, "G(10000,6)": 6, "G(10000,10)": 10}, source="Table 1, §B.3",
         effect="C18 (§D.2): pause tokens 'reliably' boost exact match for a given training time; more "
                "pauses converge faster."),
    dict(key="pauses", setting="pause tokens", family=IN_CONTEXT, value=None, source="Table 1",
         text="not stated in the paper"),
    dict(key="positions", setting="positions", family=None, value="sinusoidal", source="§B.2.1",
         text="sinusoidal; the authors' code: a learned table"),
    dict(key="weight_decay", setting="weight decay", family=None, value=0.01, source="§B.3",
         text="AdamW, 0.01",
         effect="C12: weight decay is one of the knobs; in the authors' regularizer notebook it restores "
                "geometric memory on the 15-cycle. §7 lists it among the settings that may foster geometry."),
    dict(key="schedule", setting="lr schedule", family=None, value="cosine", source="§B.3",
         text="linear warm-up, then cosine decay (warm-up length not stated)"),
    dict(key="mix", setting="edges and paths", family=IN_WEIGHTS, value="mixed", source="§B.3, §D.3",
         text="interleaved in one training run",
         effect="C19 (§D.3): two-phase training (edges, then paths) is 'less stable': it peaks, then "
                "deteriorates."),
    dict(key="edges", setting="edge directions", family=IN_WEIGHTS, value="both", source="§B.1, §D.1",
         text="both (forward and reverse)",
         effect="C17 (§D.1.1): with forward edges only the model fails forward path-finding; reverse edges "
                "are critical at scale."),
    dict(key="stopping", setting="stopping rule", family=None, value="none", source="§B.3",
         text=f"none: every run trained to {_EPOCHS:,} epochs", effect=_STOP_EFFECT),
    dict(key="seeds", setting="seeds", family=None, value=None, source="§B", text="not stated in the paper"),
)

_ORDER = ("graph", "lr", "epochs", "batch", "layers", "width", "heads", "pauses", "positions",
          "weight_decay", "schedule", "mix", "edges", "stopping", "seeds")


def paper(key: str, family: str) -> dict | None:
    """The paper's setting ``key`` for ``family`` (in-weights or in-context), or None if it has none."""
    check_choice("family", family, FAMILIES)
    for p in PAPER:
        if p["key"] == key and p["family"] in (family, None):
            return p
    return None


# formatting ---------------------------------------------------------------------------------------
def sci(x: float) -> str:
    """5e-05 -> '5e-5', 0.00025 -> '2.5e-4'."""
    mant, exp = f"{x:.2e}".split("e")
    return f"{mant.rstrip('0').rstrip('.')}e{int(exp)}"


def _num(x) -> str:
    if isinstance(x, float) and not x.is_integer():
        return sci(x) if x < 0.01 else f"{x:g}"
    return f"{int(x):,}"


def paper_text(p: dict) -> str:
    """The paper's value as the page prints it: from the data, never typed into the page."""
    if p.get("text"):
        return p["text"]
    v = p["value"]
    if isinstance(v, dict):
        rest = "; ".join(f"{_num(x)} for {g}" for g, x in v.items() if g != "default")
        return f"{_num(v['default'])}; {rest}" if "default" in v else rest
    if isinstance(v, tuple):
        return "{" + ", ".join(str(x) for x in v) + "}"
    if isinstance(v, float) and v < 0.01:
        return sci(v)
    return _num(v) if isinstance(v, (int, float)) else str(v)


# what a config is ---------------------------------------------------------------------------------
def family(config: dict) -> str | None:
    """in-context (labels in the prompt), in-weights (pause tokens after a leaf), or None (tiny graphs)."""
    if "num_labels" in config:
        return IN_CONTEXT
    if "pause_tokens" in config:
        return IN_WEIGHTS
    return None


def graph_name(config: dict) -> str:
    tree = config.get("graph") == "tree-star"
    return f"{'T' if tree else 'G'}({config['degree']},{config['path_length']})"


def _in_weights_config(config: dict):
    from .experiments import InWeightsConfig

    return InWeightsConfig.from_record(config)


@lru_cache(maxsize=64)
def _draws(items: tuple) -> tuple:
    """((set name, distinct examples, examples drawn per step), ...) for each training phase of an
    in-weights config: one phase when mixed, (edges,) then (paths,) when staged."""
    from .models import MODELS
    from .train import make_layout

    cfg = _in_weights_config(dict(items))
    task = cfg.make_task()
    sets = task.training_examples()
    phases = [sets] if cfg.schedule == "mixed" else [sets[:1], sets[1:]]
    out = []
    for phase in phases:
        layout = make_layout(phase, cfg.train, MODELS.get(cfg.model), task.token("[PAD]"), "cpu")
        out.append(tuple((s.name, len(s), int(c)) for s, c in zip(phase, layout.counts)))
    return tuple(out)


def training_examples(config: dict) -> dict:
    """Distinct training examples of an in-weights config, per set: {"edges": n, "paths": n}."""
    if family(config) != IN_WEIGHTS:
        raise ValueError("config must be an in-weights config (an in-context run draws a fresh graph "
                         "for every example: it has no fixed training set)")
    return {name: n for phase in _draws(_key(config)) for name, n, _ in phase}


def _key(config: dict) -> tuple:
    return tuple(sorted((k, v) for k, v in config.items() if not isinstance(v, (list, dict))))


def _phase_steps(config: dict, steps: int) -> list[int]:
    if config.get("schedule", "mixed") == "staged":
        first = min(steps, config["edge_steps"])
        return [first, steps - first]
    return [steps]


def epochs(metrics: dict) -> float:
    """Epochs a saved in-weights run saw: examples drawn / distinct training examples (directed edge
    examples + training paths; see the module docstring). ``metrics`` needs ``config`` and ``steps``."""
    config, steps = _config_steps(metrics)
    if family(config) != IN_WEIGHTS:
        raise ValueError("metrics must come from an in-weights run: an in-context run draws a fresh graph "
                         "for every example, so it has no epochs")
    phases = _draws(_key(config))
    drawn = sum(n * sum(c for _, _, c in phase) for n, phase in zip(_phase_steps(config, steps), phases))
    return drawn / sum(training_examples(config).values())


def _config_steps(metrics: dict):
    if not isinstance(metrics, dict) or "config" not in metrics:
        raise ValueError("metrics must be a saved run's metrics dict, with 'config' and 'steps'")
    steps = metrics.get("steps")
    if isinstance(steps, bool) or not isinstance(steps, int) or steps < 0:
        raise ValueError(f"metrics['steps'] must be an integer >= 0, got {steps!r}")
    return metrics["config"], steps


# one config's regime, setting by setting ------------------------------------------------------------
def _planned(config: dict) -> int:
    """Steps a config plans: a staged run's edge phase comes on top of ``steps``."""
    return config["steps"] + (config["edge_steps"] if config.get("schedule") == "staged" else 0)


def _stopping(config: dict, metrics: dict | None) -> tuple[str, bool]:
    """(text, selected): how the run stopped; selected = its number was picked on the held-out leaves."""
    target, budget, planned = config.get("target", 0.0) or 0.0, config.get("time_budget", 0.0) or 0.0, _planned(config)
    if metrics is None:  # a plan, not a run
        parts = [f"at most {planned:,} steps"]
        if target:
            parts.append(f"stop at the first evaluation with held-out exact match ≥ {target:g} (selected on "
                         "the held-out leaves)")
        if budget:
            parts.append(f"time limit {budget:g} s")
        return "; ".join(parts), bool(target)
    steps = metrics["steps"]
    hit = next((h["step"] for h in metrics.get("history", [])
                if target and (h.get("test_exact_match") or 0) >= target), None)
    if hit is not None:
        return (f"stopped at the first evaluation whose held-out exact match reached {target:g} (step "
                f"{hit:,} of {planned:,}): the number is selected on the held-out leaves it reports"), True
    miss = f" (target {target:g} never reached)" if target else ""
    if steps < planned and budget:
        return f"stopped by the {budget:g} s time limit at step {steps:,} of {planned:,}{miss}", False
    return f"all {steps:,} planned steps, no early stopping{miss}; the number is the last evaluation", False


def _schedule(config: dict, steps: int | None) -> str:
    from .train import TrainConfig, lr_at

    tc = TrainConfig(steps=config["steps"], lr=config["lr"], warmup=config["warmup"])
    text = (f"linear warm-up {config['warmup']:,} steps, cosine to {sci(config['lr'] * tc.min_lr_ratio)} "
            f"at step {config['steps']:,}")
    if config.get("schedule") == "staged":
        text = f"edges alone {config['edge_steps']:,} steps at peak {sci(config['edge_lr'])}, then paths: " + text
    into_last_phase = None if steps is None else steps - (_planned(config) - config["steps"])
    if steps is not None and steps < _planned(config) and into_last_phase > 0:
        lr = sci(lr_at(into_last_phase - 1, tc))
        text += (f" (stopped at step {steps:,}, still in warm-up: lr had reached only {lr})"
                 if into_last_phase <= config["warmup"] else f" (stopped at step {steps:,}, lr still {lr})")
    return text


def facts(config: dict, metrics: dict | None = None) -> dict:
    """Our side of every setting for one config (a plan) or one saved run (``metrics``): key -> text."""
    fam = family(config)
    if fam is None:
        raise ValueError("config must be an in-weights or in-context config")
    steps = metrics["steps"] if metrics is not None else None
    n = steps if steps is not None else _planned(config)
    gpt = config.get("model", "gpt") == "gpt"
    f = {"graph": graph_name(config), "lr": sci(config["lr"]), "batch": f"{config['batch_size']:,}",
         "layers": str(config["layers"]), "width": str(config["width"]),
         "heads": str(config["heads"]) if gpt else f"— ({config.get('model')})",
         "positions": "learned table" if gpt else f"none ({config.get('model')}: recurrent)",
         "weight_decay": f"AdamW, {config['weight_decay']:g} (matrices only)",
         "schedule": _schedule(config, steps), "stopping": _stopping(config, metrics)[0],
         "seeds": f"one run, seed {config.get('seed', 0)}"}
    if fam == IN_WEIGHTS:
        up_to = "" if metrics is not None else "at most "
        ep = epochs({"config": config, "steps": n})
        sets = training_examples(config)
        f["epochs"] = (f"{up_to}{ep:,.0f} in {n:,} steps (one epoch: {sum(sets.values()):,} examples drawn, "
                       "the " + " + ".join(f"{v:,} {k}" for k, v in sets.items()) + " of the training set)")
        f["pauses"] = str(config["pause_tokens"])
        f["mix"] = ("interleaved: each batch draws edges and paths in proportion to their counts"
                    if config.get("schedule", "mixed") == "mixed" else "two phases: edges, then paths")
        f["edges"] = config.get("edges", "both")
        if config.get("freeze_embeddings"):
            f["graph"] += ", frozen embeddings (control)"
        if config.get("objective", "full-path") != "full-path":
            f["graph"] += f", objective {config['objective']}"
    else:
        up_to = "" if metrics is not None else "at most "
        f["epochs"] = (f"none: a fresh graph per example ({up_to}{n * config['batch_size']:,} graphs in "
                       f"{n:,} steps)")
        f["pauses"] = "0"
        f["graph"] += f", {config['num_labels']} labels, objective {config['objective']}"
    return f


def _cells(config: dict, metrics: dict | None = None) -> dict:
    """``facts`` in the short form of the table's cells (``regime`` prints the long form)."""
    f = facts(config, metrics)
    steps = metrics["steps"] if metrics is not None else None
    n, plan = (steps, "") if steps is not None else (_planned(config), "≤ ")
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
        text, selected = _stopping(config, metrics)
        f["stopping"] = (f"target {target:g} reached at step {steps:,}: selected" if selected
                         else f"time limit at {steps:,} of {_planned(config):,}" if text.startswith("stopped by")
                         else "none (fixed steps)")
    f["seeds"] = str(config.get("seed", 0))
    return f


def _applies(v: dict, config: dict) -> tuple:
    """(value, paper graph) of a per-graph paper setting for ``config``'s graph: its own row of Table 1,
    else the paper graph with the same path length, else the default."""
    g = graph_name(config)
    if g in v:
        return v[g], g
    same = [(x, name) for name, x in v.items() if name.endswith(f",{config['path_length']})")]
    return same[0] if same else (v.get("default"), None)


def _paper_for(p: dict, config: dict) -> str:
    """The paper's value that applies to ``config`` (its graph's Table 1 row where there is one)."""
    if isinstance(p["value"], dict):
        x, g = _applies(p["value"], config)
        if x is not None:
            return f"{_num(x)} on {g}" if g and g != graph_name(config) else _num(x)
    return paper_text(p)


def _differs(key: str, fam: str, config: dict, metrics: dict | None) -> bool:
    """Does our value of ``key`` differ from the paper's? (Unstated paper values count as differing
    only where ours is a choice the paper would have had to state.)"""
    p = paper(key, fam)
    if p is None:
        return False
    g, v = graph_name(config), p["value"]
    ours = {"lr": config["lr"], "batch": config["batch_size"], "layers": config["layers"],
            "width": config["width"], "heads": config["heads"], "weight_decay": config["weight_decay"],
            "pauses": config.get("pause_tokens", 0), "edges": config.get("edges", "both"),
            "mix": config.get("schedule", "mixed"), "graph": g}.get(key)
    if key == "graph":
        return g not in v or bool(config.get("freeze_embeddings"))
    if key == "epochs":
        return True  # no run here comes near 50,000 epochs; in context there are no epochs at all
    if key == "positions":
        return config.get("model", "gpt") == "gpt"  # a learned table, not sinusoidal
    if key == "stopping":
        return _stopping(config, metrics)[1] or (metrics is not None and metrics["steps"] < _planned(config))
    if key == "schedule":
        return config.get("schedule") == "staged"
    if key == "seeds":
        return False
    if v is None:
        return False
    if key == "heads" and config.get("model", "gpt") != "gpt":
        return False
    if isinstance(v, dict):
        return ours != _applies(v, config)[0]
    if isinstance(v, tuple):
        return ours not in v
    if isinstance(v, float):
        return not math.isclose(ours, v, rel_tol=1e-9)
    return ours != v


# where our configs come from ---------------------------------------------------------------------------
def preset_configs() -> dict:
    """label -> config, for every preset scale of the in-weights, in-weights-small and in-context presets."""
    from . import presets

    out = {}
    for kind in ("in-weights", "in-weights-small", "in-context"):
        for s in PRESETS:
            out[f"preset {kind} · {s}"] = presets.config(kind, s).record()
    return out


def reproduce_configs() -> dict:
    """label -> config, for every ``reproduce`` experiment as planned at the paper scale."""
    from .presets import PAPER_RUNS
    from .reproduce import plan

    return {f"reproduce {name} (plan)": plan(name, "paper")[0].record() for name in sorted(PAPER_RUNS)}


def shipped_runs(root: Path = RESULTS) -> dict:
    """label -> metrics, for every saved in-weights or in-context run under ``results/`` and
    ``results/<scale>/`` (chapter records and tiny-graph runs are left out)."""
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
        for key in _ORDER:
            p = paper(key, fam)
            if p is None:
                continue
            rows.append(dict(experiment=fam, key=key, setting=p["setting"], paper=paper_text(p),
                             source=p["source"], effect=p.get("effect", ""),
                             ours={label: ours[label][key] for label, _, _ in mine},
                             differs={label: _differs(key, fam, c, m) for label, c, m in mine}))
    return rows


def regime(metrics: dict) -> str:
    """One line: the regime of one saved run (a ``metrics.json`` dict) against the paper's, for the
    chapters to print next to the run's numbers. Every setting that differs names the paper's value;
    a run stopped at a held-out target says that its number was selected on those leaves."""
    config, steps = _config_steps(metrics)
    fam = family(config)
    if fam is None:
        raise ValueError("metrics must come from an in-weights or in-context run")
    f = facts(config, metrics)

    def said(key, text):
        p = paper(key, fam)
        if p is not None and _differs(key, fam, config, metrics):
            return f"{text} (paper: {_paper_for(p, config)})"
        return text

    model = config.get("model", "gpt")
    shape = [said("layers", f"{f['layers']} layers"), said("width", f"width {f['width']}")]
    if model == "gpt":
        shape.append(said("heads", f"{f['heads']} heads"))
    if fam == IN_WEIGHTS:
        sets = training_examples(config)
        seen = (f"{steps:,} steps = {epochs(metrics):,.0f} epochs of its "
                + " + ".join(f"{v:,} {k}" for k, v in sets.items()) + " training examples")
        pauses = f"pause tokens {f['pauses']}"
    else:
        seen = f"{steps:,} steps, " + f["epochs"].replace("none: ", "no epochs: ")
        pauses = "no pause tokens"
    parts = [f"{f['graph']}; {_MODEL_NAMES.get(model, model)} " + ", ".join(shape),
             said("lr", f"peak lr {f['lr']}"), said("epochs", seen), said("batch", f"batch {f['batch']}"),
             said("pauses", pauses), said("positions", f"positions: {f['positions']}"),
             f"AdamW weight decay {config['weight_decay']:g}", f["schedule"]]
    if fam == IN_WEIGHTS:
        parts += [said("mix", f["mix"].split(":")[0] + " edges and paths"),
                  said("edges", f"edge directions: {f['edges']}")]
    parts += [said("stopping", f["stopping"]), f["seeds"]]
    return "Regime: " + "; ".join(parts) + "."


_MODEL_NAMES = {"gpt": "GPT", "mamba": "Mamba"}


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


def _family_html(rows: list, fam: str, runs: dict) -> str:
    rows, e = [r for r in rows if r["experiment"] == fam], html_escape
    head = "".join(f"<th>{e(r['setting'])}</th>" for r in rows)
    paper_row = "".join(f"<td class='paper'>{e(r['paper'])}<br><i>{e(r['source'])}</i></td>"
                        for r in rows)
    out = [f"<h3>{e(_FAMILY_TITLE[fam])}</h3>", "<div style='overflow-x:auto'><table class='geomem-dev'>",
           f"<tr><th></th>{head}</tr>", f"<tr><th class='row'>paper</th>{paper_row}</tr>"]
    for label in rows[0]["ours"]:
        tds = "".join(f"<td{' class=off' if r['differs'][label] else ''}>{e(r['ours'][label])}</td>"
                      for r in rows)
        out.append(f"<tr><th class='row'>{e(label)}</th>{tds}</tr>")
    out.append("</table></div>")
    effects = [r for r in rows if r["effect"]]
    if effects:
        out.append("<p><b>Where the paper says the setting matters</b></p><ul>")
        out += [f"<li><b>{e(r['setting'])}</b>: {e(r['effect'])}</li>" for r in effects]
        out.append("</ul>")
    if runs:
        out.append("<p><b>Each shipped run in one line</b> (<code>deviations.regime</code>)</p><ul>")
        out += [f"<li><code>{e(label[4:])}</code>: {e(regime(m))}</li>" for label, m in runs.items()]
        out.append("</ul>")
    return "\n".join(out)


def html(root: Path = RESULTS):
    """The deviations page: one table per experiment family (cells that differ from the paper shaded),
    the paper's own word on why a setting matters, and each shipped run's regime in one line."""
    from IPython.display import HTML

    rows, runs = table(root), shipped_runs(root)
    parts = [_STYLE, f"<p>Shaded: differs from the paper. Presets are plans (<code>GEOMEM_SCALE</code>); "
             f"runs are what was trained and saved under <code>results/</code>.</p>"]
    for fam in FAMILIES:
        parts.append(_family_html(rows, fam, {k: m for k, m in runs.items() if family(m["config"]) == fam}))
    return HTML("\n".join(parts))
