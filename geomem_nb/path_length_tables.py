"""The path-length chapter's tables, read out of the sweep's and the long-path study's records: one row
per run of the map, the frontier per (arms, budget), the knob runs, the mix over seeds, the first-hop
diagnosis, the study's settings, the frontier push, the cost of each +1 in l and its GPU bill. Every
row is in reader words (no record names, yes/no for flags), so the chapter only shows it."""
from __future__ import annotations

from . import controls, deviations, first_hop, stats
from .studies import long_path, path_length_map
from .paper import IN_WEIGHTS, paper
from .prose import yes_no

TRAINED = {"train_exact_match": controls.LEARNED}  # a run that fits its training paths
SETTING_WORDS = {path_length_map.COST_KNOB: f"the recipe ({path_length_map.COST_KNOB})"}
# the reach's runs: the push's setting with every length on one schedule, on seeds that did not choose it
ONE_SCHEDULE = (f"{path_length_map.PUSH_KNOB}, one {path_length_map.REACH_STEPS:,}-step schedule "
                f"(seeds {', '.join(map(str, path_length_map.REACH_SEEDS))})")


def setting_words(knob: str | None) -> str:
    """A knob's name for a legend or a row: the recipe named as such."""
    return SETTING_WORDS.get(knob, knob or "the map's recipe")


def summary(r: dict) -> dict:
    """One run's measures, then whether it fitted its training paths."""
    short = controls.tag(r, TRAINED).strip(" []")
    return {"steps": r["steps"], "held-out exact match": r["test_exact_match"], "first hop": r["test_hardest_token"],
            "diagonal": r["leaf_first_hop_diagonal_accuracy"], "train exact match": r["train_exact_match"],
            "edges": r["edge_recovery"], "chance": r["chance"], "fitted its training paths": short or "yes"}


def map_rows(rows: list[dict]) -> list[dict]:
    return [{"d": r["degree"], "l": r["path_length"], "epochs": r["epochs"], **summary(r),
             "steps per second": r["steps_per_second"]} for r in rows]


def _line(rows: list[dict], d: int, e: int) -> list[dict]:
    return sorted((r for r in rows if (r["degree"], r["epochs"]) == (d, e)), key=lambda r: r["path_length"])


def frontier_rows(rows: list[dict]) -> list[dict]:
    """Per (arms, budget): the lengths tried, the longest whose held-out exact match (and diagonal)
    reaches 0.5, and whether every run fitted its training paths."""
    out = []
    for d, e in sorted({(r["degree"], r["epochs"]) for r in rows}):
        line = _line(rows, d, e)
        works = [r["path_length"] for r in line if r["test_exact_match"] >= long_path.REACHED]
        diag = [r["path_length"] for r in line if r["leaf_first_hop_diagonal_accuracy"] >= long_path.REACHED]
        out.append({"d": d, "epochs": e, "lengths tried": ", ".join(str(r["path_length"]) for r in line),
                    "longest l, held-out at least 0.5": max(works) if works else "none",
                    "longest l, diagonal at least 0.5": max(diag) if diag else "none",
                    "every run fitted its training paths": yes_no(all(controls.learned(r, TRAINED) for r in line))})
    return out


def knob_label(r: dict) -> str:
    parts = (r.get("knob"), r["epochs"] != 300 and f"{r['epochs']:,} epochs", r.get("seed") and f"seed {r['seed']}")
    return ", ".join(x for x in parts if x)


def knob_table(map_rows_: list[dict], knobs: list[dict]) -> list[dict]:
    """The knob runs on d = 100 beside the map's recipe at 300 epochs, by length."""
    base = {r["path_length"]: r for r in map_rows_ if r["degree"] == 100 and r["epochs"] == 300}
    table = [{"l": ell, "setting": "the map's recipe (300 epochs)", **summary(base[ell])} for ell in sorted(base)
             if ell in (6, 8)]
    table += [{"l": r["path_length"], "setting": knob_label(r), **summary(r)} for r in knobs]
    return sorted(table, key=lambda t: t["l"])


MIXES = {"in proportion (the map's mix)": None, "half of each batch paths": "path share 0.5"}
MIX_KEYS = {"held-out exact match": "test_exact_match", "diagonal": "leaf_first_hop_diagonal_accuracy",
            "train exact match": "train_exact_match", "edges": "edge_recovery"}


def mix_runs(knobs: list[dict] | None) -> dict[str, list[dict]]:
    """The two mixes at l = 6, 3,000 epochs, every seed."""
    return {label: [r for r in knobs or [] if (r["path_length"], r["epochs"], r.get("knob")) == (6, 3000, k)]
            for label, k in MIXES.items()}


def mix_spreads(runs: dict[str, list[dict]]) -> dict[str, dict[str, stats.Spread]]:
    return {label: {name: stats.spread([r[key] for r in rs]) for name, key in MIX_KEYS.items()}
            for label, rs in runs.items() if rs}


def mix_rows(mix: dict, runs: dict) -> list[dict]:
    return [{"mix (l = 6, d = 100, 3,000 epochs)": label,
             "seeds": ", ".join(str(s) for s in sorted(r.get("seed", 0) for r in runs[label])),
             **{f"epochs of the {k}": round(v) for k, v in deviations.set_epochs(runs[label][0]).items()},
             **{name: sp.short() for name, sp in m.items()}} for label, m in mix.items()]


def furthest(rows: list[dict]) -> dict | None:
    """The run that reached the longest l at held-out 0.5 (the quickest such run on a tie)."""
    reached = [r for r in rows if r["test_exact_match"] >= long_path.REACHED]
    return max(reached, key=lambda r: (r["path_length"], -r["train_seconds"])) if reached else None


def diagnosis_label(r: dict) -> str:
    return f"l = {r['path_length']}, {r['epochs']:,} epochs" + (f", {r['knob']}" if r.get("knob") else "")


def reading_words(r: dict) -> str:
    """A diagnosed run's reading in words: passes, or the first word of its hypothesis's reading."""
    key = first_hop.reading(r["first_hop"])
    return "passes" if key is None else first_hop.READINGS[key].split(":")[0]


def diagnosis_rows(diagnosed: list[dict]) -> list[dict]:
    return [{"run": diagnosis_label(r), "held-out exact match": r["test_exact_match"],
             "first hop right": r["first_hop"]["share_correct"],
             "right among held-out hops": r["first_hop"]["accuracy_among_held_out"],
             "chance among them": r["first_hop"]["chance_among_held_out"],
             "logit gap": r["first_hop"]["logit_gap"], "cosine margin": r["first_hop"]["cosine_margin"],
             "diagonal": r["leaf_first_hop_diagonal_accuracy"], "reading": reading_words(r)} for r in diagnosed]


def study_label(key: tuple) -> str:
    words = setting_words(key[2])
    return words if key[0] == 100 else f"{words}, d = {key[0]}"


def study_tables(study: list[dict]) -> tuple[list[dict], list[dict]]:
    """The one-knob comparison, two tables: the measures, then the first-hop diagnosis (mean ± sd)."""
    screened = long_path.screen(study)
    recipe = long_path.spreads(next(runs for k, runs in screened.items() if k[0] == 100 and k[2] == path_length_map.COST_KNOB))
    measures, diagnoses = [], []
    for key, runs in screened.items():
        sp = long_path.spreads(runs)
        name = {"setting": study_label(key), "seeds": len(runs)}
        measures.append({**name, **{m: stats.cell(sp, m) for m in long_path.MEASURES},
                         "reached": yes_no(long_path.reached(runs))})
        diagnoses.append({**name, **{m: stats.cell(sp, m) for m in long_path.DIAGNOSIS},
                          "first hop against the recipe": long_path.against(recipe["first hop"], sp["first hop"])})
    return measures, diagnoses


def study_spreads(study: list[dict], key: str) -> dict[str, stats.Spread]:
    """One measure of every studied setting over its seeds, for a figure (settings without it left out)."""
    return {study_label(k): stats.spread([r[key] for r in runs]) for k, runs in long_path.screen(study).items()
            if all(r.get(key) is not None for r in runs)}


def push_choice(study: list[dict], path_length: int = 7, seed: int = 0) -> tuple[str, float, float]:
    """The setting with the highest held-out exact match on ``seed`` at ``path_length`` (d = 100), its
    value, and the recipe's: how the frontier push's setting was chosen."""
    first = {r.get("knob"): r["test_exact_match"] for r in study
             if (r["degree"], r["path_length"], r.get("seed", 0)) == (100, path_length, seed)
             and r["steps"] == path_length_map.STUDY_STEPS and r["test_exact_match"] is not None}
    best = max(first, key=first.get)
    return best, first[best], first[path_length_map.COST_KNOB]


def push_rows(push: list[dict]) -> list[dict]:
    return [{"seed": r.get("seed", 0), "held-out exact match": r["test_exact_match"],
             "diagonal": r["leaf_first_hop_diagonal_accuracy"], "train exact match": r["train_exact_match"],
             "edges": r["edge_recovery"], **{name: r["first_hop"][key] for name, key in long_path.DIAGNOSIS.items()},
             "steps to 0.5": long_path.steps_to(r["history"]) or "not reached",
             "training minutes": r["train_seconds"] / 60} for r in push]


def cost(study: list[dict], knobs: list[dict] | None, reach: list[dict] | None = None) -> tuple[dict, dict, dict, list[dict]]:
    """The cost curves of the recipe and the push's setting (and with ``reach``, the push's setting on one
    schedule), the recipe's lower bound at l = 8 (the map's longest failing run), the fitted growth of
    each, and one table of all of it."""
    curves = {k: long_path.cost_curve(study, k) for k in path_length_map.COST_KNOBS}
    if reach:
        curves[ONE_SCHEDULE] = long_path.cost_curve(reach, path_length_map.PUSH_KNOB)
    longest = [r for r in knobs or [] if r["path_length"] >= 8 and r.get("knob") == path_length_map.COST_KNOB
               and r["degree"] == 100 and r["test_exact_match"] < long_path.REACHED]
    bounds = {path_length_map.COST_KNOB: {r["path_length"]: r["steps"] for r in sorted(longest, key=lambda r: r["steps"])}}
    fits = {k: long_path.growth(c) for k, c in curves.items()}
    table = [{"setting": setting_words(k), "l": c["l"], "seeds": c["seeds"], "seeds that reached 0.5": c["reached 0.5"],
              "budget (steps)": c["budget"], "evaluated every": c["eval_every"],
              "steps to 0.5": c["steps to 0.5"].short("{:.0f}") if c["steps to 0.5"] else "not reached"}
             for k, curve in curves.items() for c in curve]
    table += [{"setting": setting_words(k), "l": ell, "seeds": 1, "seeds that reached 0.5": 0, "budget (steps)": steps,
               "steps to 0.5": f"more than {steps:,} (the map's run)"} for k, b in bounds.items() for ell, steps in b.items()]
    return curves, bounds, fits, table


def _pair(x) -> tuple[float, float] | None:
    return (float(x[0]), float(x[1])) if isinstance(x, (tuple, list)) and len(x) == 2 else None


def factor_text(fit: dict) -> str:
    """The factor per +1 in l, stated no finer than the data allow: rounded, with the range leaving one
    length out and the 95% interval where the fit gives them."""
    f = fit["factor per l"]
    text = f"about ×{f:.1f} per +1 in ℓ" if f < 3 else f"about ×{f:.0f} per +1 in ℓ"
    notes = []
    loo = _pair(fit.get("leave one out"))
    if loo:
        notes.append(f"×{loo[0]:.1f}–×{loo[1]:.1f} leaving one length out")
    ci = _pair(fit.get("interval"))
    if ci:
        notes.append(f"95% interval ×{ci[0]:.1f}–×{ci[1]:.1f}")
    lengths = fit["lengths"]
    notes.append(f"fitted over ℓ = {lengths[0]} to {lengths[-1]}")
    return f"{text} ({'; '.join(notes)})"


def paper_rows(paper_runs: dict) -> list[dict]:
    """The shipped paper-scale runs, named by their graph."""
    return [{"graph": f"G({m['config']['degree']},{m['config']['path_length']})", "held-out exact match": m["test_exact_match"],
             "first hop": m["test_hardest_token"], "diagonal": m["leaf_first_hop_diagonal_accuracy"],
             "train exact match": m["train_exact_match"], "epochs": deviations.epochs(m),
             "training minutes": m["train_seconds"] / 60} for m in paper_runs.values() if m]


def bill_rows(rows: list[dict], big_run: dict | None, fits: dict) -> list[dict]:
    """GPU minutes for G(10^4,10) at the shipped run's step rate: from the map's longest failing budget
    (a lower bound), and from each fitted cost curve extrapolated to l = 10."""
    bill = []
    ten = [r for r in rows if r["path_length"] == 10]
    if big_run and ten:
        at_ten = [r["epochs"] for r in ten if r["test_exact_match"] >= long_path.REACHED]
        failed = [r["epochs"] for r in rows if r["path_length"] >= 8 and r["test_exact_match"] < long_path.REACHED]
        need, bound = (min(at_ten), "") if at_ten else (max(failed), "more than ")
        bill.append({"from": "the map: the longest failing budget (a lower bound)",
                     "epochs needed at l = 10": f"{bound}{need:,.0f}", **long_path.gpu_bill(need, big_run)})
    for k, fit in (fits.items() if big_run else ()):
        if fit:
            need = long_path.epochs_for(fit["at"](10), 100, 10)
            f = fit["factor per l"]
            how = "fitted at ℓ = 10" if 10 in fit["lengths"] else "extrapolated to ℓ = 10"
            bill.append({"from": f"the cost curve of {setting_words(k)} (×{f:.1f} per +1 in ℓ), {how}",
                         "epochs needed at l = 10": f"{need:.3g}", **long_path.gpu_bill(need, big_run)})
    return bill


def bill_text(fits: dict, big_run: dict | None) -> str:
    """The bill from the cheapest cost curve at l = 10 (the fewest fitted steps there), in words."""
    fitted = {k: f for k, f in fits.items() if f}
    if not (fitted and big_run):
        return ""
    best = min(fitted, key=lambda k: fitted[k]["at"](10))
    need = long_path.epochs_for(fitted[best]["at"](10), 100, 10)
    return (f"From the cheapest, {setting_words(best)} (×{fitted[best]['factor per l']:.1f} per +1 in ℓ): about "
            f"{need:,.0f} epochs, {long_path.gpu_bill(need, big_run)['GPU minutes']:,.0f} GPU minutes at the shipped "
            f"run's step rate, against the paper's {paper('epochs', IN_WEIGHTS)['text']}.")


def under_trained(rows: list[dict]) -> str:
    names = [f"d = {r['degree']}, l = {r['path_length']}, {r['epochs']:,} epochs" for r in rows
             if not controls.learned(r, TRAINED)]
    return "; ".join(names) or "none"


