"""One config's regime against the paper's, setting by setting: ``facts`` (our side, as text),
``differs`` (does it differ from the paper's value?) and ``regime`` (one saved run in one line, for the
chapters to print beside its numbers)."""
from __future__ import annotations

import math

from ..train import TrainConfig, lr_at
from .configs import config_steps, epochs, family, graph_name, planned_steps, training_examples
from ..paper import IN_WEIGHTS, num, paper, paper_text, sci

_SET_WORDS = {"hardest-token": "first-hop-only"}  # a training set in words


def stopping(config: dict, metrics: dict | None) -> tuple[str, bool]:
    """(text, selected): how the run stopped; selected = its number was picked on the held-out leaves."""
    target, budget, planned = config.get("target", 0.0) or 0.0, config.get("time_budget", 0.0) or 0.0, planned_steps(config)
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
    tc = TrainConfig(steps=config["steps"], lr=config["lr"], warmup=config["warmup"])
    text = (f"linear warm-up {config['warmup']:,} steps, cosine to {sci(config['lr'] * tc.min_lr_ratio)} "
            f"at step {config['steps']:,}")
    if config.get("schedule") == "staged":
        text = f"edges alone {config['edge_steps']:,} steps at peak {sci(config['edge_lr'])}, then paths: " + text
    into_last_phase = None if steps is None else steps - (planned_steps(config) - config["steps"])
    if steps is not None and steps < planned_steps(config) and into_last_phase > 0:
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
    n = steps if steps is not None else planned_steps(config)
    gpt = config.get("model", "gpt") == "gpt"
    name = _MODEL_NAMES.get(config.get("model"), config.get("model"))
    f = {"graph": graph_name(config), "lr": sci(config["lr"]), "batch": f"{config['batch_size']:,}",
         "layers": str(config["layers"]), "width": str(config["width"]),
         "heads": str(config["heads"]) if gpt else f"— ({name})",
         "positions": "learned table" if gpt else f"none ({name}: recurrent)",
         "weight_decay": f"AdamW, {config['weight_decay']:g} (matrices only)",
         "schedule": _schedule(config, steps), "stopping": stopping(config, metrics)[0],
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


def _applies(v: dict, config: dict) -> tuple:
    """(value, paper graph) of a per-graph paper setting for ``config``'s graph: its own row of Table 1;
    else the paper's graphs with the same path length, when they all agree (then named); else the
    default. (In context G(2,5), G(10,5) and G(20,5) share l = 5 but not the width: a graph of ours
    with l = 5 that is none of them gets the default, not G(20,5)'s 784.)"""
    g = graph_name(config)
    if g in v:
        return v[g], g
    same = {name: x for name, x in v.items() if name.endswith(f",{config['path_length']})")}
    if same and len(set(same.values())) == 1:
        return next(iter(same.values())), ", ".join(same)
    return v.get("default"), None


def _paper_for(p: dict, config: dict) -> str:
    """The paper's value that applies to ``config`` (its graph's Table 1 row where there is one)."""
    if isinstance(p["value"], dict):
        x, g = _applies(p["value"], config)
        if x is not None:
            return f"{num(x)} on {g}" if g and g != graph_name(config) else num(x)
    return paper_text(p)


def differs(key: str, fam: str, config: dict, metrics: dict | None) -> bool:
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
        return stopping(config, metrics)[1] or (metrics is not None and metrics["steps"] < planned_steps(config))
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


def regime(metrics: dict) -> str:
    """One line: the regime of one saved run (a ``metrics.json`` dict) against the paper's, for the
    chapters to print next to the run's numbers. Every setting that differs names the paper's value;
    a run stopped at a held-out target says that its number was selected on those leaves."""
    config, steps = config_steps(metrics)
    fam = family(config)
    if fam is None:
        raise ValueError("metrics must come from an in-weights or in-context run")
    f = facts(config, metrics)

    def said(key, text):
        p = paper(key, fam)
        if p is not None and differs(key, fam, config, metrics):
            return f"{text} (paper: {_paper_for(p, config)})"
        return text

    model = config.get("model", "gpt")
    shape = [said("layers", f"{f['layers']} layers"), said("width", f"width {f['width']}")]
    if model == "gpt":
        shape.append(said("heads", f"{f['heads']} heads"))
    if fam == IN_WEIGHTS:
        sets = training_examples(config)
        seen = (f"{steps:,} steps = {epochs(metrics):,.0f} epochs of its "
                + " + ".join(f"{v:,} {_SET_WORDS.get(k, k)}" for k, v in sets.items()) + " training examples")
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
