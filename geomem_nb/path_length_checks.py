"""What chapter 9 states about its shipped runs, as named checks: each maps a sentence of the chapter to
whether the records bear it out. The chapter shows the table and asserts every check; a check whose
records are not shipped is left out (not counted as holding)."""
from __future__ import annotations

from . import controls, first_hop, stats
from .path_length_tables import ONE_SCHEDULE, TRAINED
from .studies import long_path, path_length_map

DIAGONAL = "leaf_first_hop_diagonal_accuracy"


def _held(r: dict) -> float:
    return r["test_exact_match"]


def map_checks(cpu_rows: list[dict], knob_rows: list[dict] | None) -> dict[str, bool]:
    """The map and its knob runs (seed 0 of each setting; the mix over seeds is ``mix_checks``)."""
    six = [r for r in cpu_rows if r["path_length"] == 6]
    far = [r for r in cpu_rows + (knob_rows or []) if r["path_length"] >= 8]
    out = {"every run of the map fits its training paths": all(controls.learned(r, TRAINED) for r in cpu_rows),
           "ℓ = 6: the diagonal at least 0.9 in every run": all(r[DIAGONAL] >= 0.9 for r in six),
           "ℓ = 6, d = 100: held-out below 0.5 up to 1,000 epochs": all(_held(r) < 0.5 for r in six if r["degree"] == 100),
           "from ℓ = 8 no run of the map or the knobs reaches 0.5": all(_held(r) < 0.5 for r in far),
           "from ℓ = 8 no map diagonal reaches 0.5": all(r[DIAGONAL] < 0.5 for r in cpu_rows if r["path_length"] >= 8)}
    if not knob_rows:
        return out
    seed0 = [r for r in knob_rows if not r.get("seed")]
    knob = {(r["path_length"], r.get("knob")): r for r in seed0 if r["epochs"] == 300}
    long = {(r["path_length"], r.get("knob")): r for r in seed0 if r["epochs"] == 3000}
    base6 = next(r for r in cpu_rows if (r["degree"], r["path_length"], r["epochs"]) == (100, 6, 300))
    longest = longest_recipe_run(knob_rows)
    out.update({
        "3,000 epochs carry ℓ = 6 past 0.9": _held(long[(6, None)]) >= 0.9,
        "no knob carries ℓ = 6 to 0.5 within 300 epochs": all(_held(r) < 0.5 for (ell, _), r in knob.items() if ell == 6),
        "lr 3e-2 lifts ℓ = 6 by more than 0.2": _held(knob[(6, "lr 3e-2")]) > _held(base6) + 0.2,
        "without reverse edges the diagonal stays below 0.5": all(
            knob[(ell, "no reverse edges")][DIAGONAL] < 0.5 for ell in (6, 8)),
        "edges first at lr 1e-2 leaves the edges unlearned": all(
            knob[(ell, "edges first at lr 1e-2")]["edge_recovery"] < controls.LEARNED for ell in (6, 8)),
        "3,000 epochs at lr 1e-2 carry ℓ = 7 past 0.5, at the default lr not":
            _held(long[(7, "lr 1e-2")]) >= 0.5 > _held(long[(7, None)]),
        "the paper's lr leaves ℓ = 6 with a full diagonal and no held-out path":
            _held(long[(6, "lr 5e-5")]) < 0.5 <= long[(6, "lr 5e-5")][DIAGONAL],
        "10,000 epochs at lr 1e-2 give ℓ = 8 a full diagonal and no held-out path":
            longest[DIAGONAL] >= 0.9 and _held(longest) < 0.5})
    return out


def longest_recipe_run(knob_rows: list[dict]) -> dict:
    """The map's longest run at l = 8: 10,000 epochs at lr 1e-2."""
    return next(r for r in knob_rows if (r["path_length"], r["epochs"], r.get("knob")) == (8, 10000, "lr 1e-2"))


def mix_checks(mix: dict, mix_runs: dict) -> dict[str, bool]:
    """Half a batch of paths against the proportional mix, over seeds."""
    (prop, half), runs = mix.values(), mix_runs["half of each batch paths"]
    return {"half a batch of paths does worse than the proportional mix beyond the spread":
            stats.above(prop["held-out exact match"], half["held-out exact match"]),
            "…while learning its paths and edges and keeping the diagonal":
            all(r[DIAGONAL] >= 0.9 and r["edge_recovery"] >= controls.LEARNED and controls.learned(r, TRAINED)
                for r in runs)}


def diagnosis_checks(diagnosed: list[dict], mapped: list[dict]) -> dict[str, bool]:
    """The first-hop diagnosis: the same runs as the map's, and its readings as the chapter states them."""
    by_name = {path_length_map.name(r): r for r in mapped}
    full = [r for r in diagnosed if first_hop.reading(r["first_hop"]) and r[DIAGONAL] >= 0.9]
    gap = {path_length_map.name(r): r["first_hop"]["logit_gap"] for r in diagnosed}
    return {"each diagnosed run reproduces its map run's number":
            all(_held(r) == _held(by_name[path_length_map.name(r)]) for r in diagnosed),
            "the wrong-first-hop shares sum to 1":
            all(abs(sum(r["first_hop"][f"share_{s}"] for s in first_hop.SHARES) - 1) < 1e-6 for r in diagnosed),
            "every failing run with a full diagonal reads as outbid (H1)":
            bool(full) and all(first_hop.reading(r["first_hop"]) == "H1" for r in full),
            "only the incomplete-diagonal run reads as not found": [
                path_length_map.name(r) for r in diagnosed if first_hop.reading(r["first_hop"]) == "H2/H3"]
            == ["d100-l8-e3000-lr_1e-2"],
            "longer arms, larger logit gap": gap["d100-l8-e10000-lr_1e-2"] > gap["d100-l6-e1000"] > 0}


def study_checks(study: list[dict], choice: tuple, fits: dict, longest: dict | None) -> dict[str, bool]:
    """The long-path study, the push to l = 8 and the cost curves, as the chapter states them."""
    by_knob = {(k[2] if k[0] == 100 else f"d = {k[0]}"): runs for k, runs in long_path.screen(study).items()}
    sp = {k: long_path.spreads(runs) for k, runs in by_knob.items()}
    recipe, decay = sp[path_length_map.COST_KNOB], sp[path_length_map.PUSH_KNOB]
    hops, held = "guesses on training first hops", "held-out exact match"
    push = [r for r in study if r["path_length"] == 8]
    cost, push_fit = fits.get(path_length_map.COST_KNOB), fits.get(path_length_map.PUSH_KNOB)
    return {
        "every run of the study learned its targets and edges": all(long_path.learned(r) for r in study),
        "the recipe and the tenfold weight decay reach ℓ = 7": long_path.reached(by_knob[path_length_map.COST_KNOB])
        and long_path.reached(by_knob[path_length_map.PUSH_KNOB]),
        "the decay is above the recipe": long_path.against(recipe[held], decay[held]) == "above",
        "…with few training-first-hop guesses and a negative logit gap":
            decay[hops].mean < 0.1 and decay["logit gap"].mean < 0 < recipe[hops].mean,
        "more arms (d = 300) guess fewer training first hops": sp["d = 300"][hops].mean < recipe[hops].mean
        and sp["d = 300"]["logit gap"].mean < 0,
        "d = 1000 guesses more and keeps less of the diagonal": sp["d = 1000"][hops].mean > recipe[hops].mean
        and sp["d = 1000"]["diagonal"].mean < recipe["diagonal"].mean,
        "the first-hop-only objective falls below the recipe":
            long_path.against(recipe["first hop"], sp["lr 1e-2, first hop only"]["first hop"]) == "below",
        "…and guesses training first hops most": sp["lr 1e-2, first hop only"][hops].mean == max(x[hops].mean for x in sp.values()),
        "no schedule knob, smaller path share or depth is above the recipe": all(
            long_path.against(recipe[held], sp[k][held]) != "above"
            for k in ("lr 3e-2", "lr 1e-2, constant", "lr 1e-2, path share 0.02", "lr 1e-2, 4 layers")),
        "four layers stay within the recipe's spread":
            long_path.against(recipe[held], sp["lr 1e-2, 4 layers"][held]) == "within the spread",
        "the push reaches ℓ = 8 with a full diagonal": long_path.reached(push) and all(r[DIAGONAL] >= 0.9 for r in push),
        "…where the map's longer run did not": longest is None or (longest["steps"] > push[0]["steps"]
                                                                  and _held(longest) < long_path.REACHED),
        "…with few of its wrong first hops on training ones": all(r["first_hop"]["share_training_first_hop"] < 0.5 for r in push),
        "the push's setting carried ℓ = 7 furthest on seed 0": choice[0] == path_length_map.PUSH_KNOB and choice[1] > choice[2],
        "the steps to 0.5 grow per +1 in ℓ, less with the decay":
            bool(cost and push_fit) and 1 < push_fit["factor per l"] < cost["factor per l"]}


def reach_checks(clock_rows: list[dict], reach: list[dict]) -> dict[str, bool]:
    """The clock test and the reach measure what they say; l = 9 is reached on both fresh seeds."""
    stopped = [r for r in clock_rows + reach if not long_path.ran_to_end(r)]
    hits = [(r, long_path.steps_to(r["history"])) for r in stopped]
    out = {"every stopped run stopped at its first evaluation at 0.5, or ran its whole budget":
           all((hit == r["steps_run"]) if hit is not None else r["steps_run"] == r["steps"] for r, hit in hits),
           "every stopped run that missed 0.5 learned its training paths and edges":
           all(hit is not None or long_path.learned(r) for r, hit in hits)}
    by = long_path.by_length(reach)
    for ell in (9, 10):
        if len(by.get(ell, [])) == len(path_length_map.REACH_SEEDS):
            out[f"ℓ = {ell} is reached on both fresh seeds"] = long_path.reached(by[ell])
    if all(len(by.get(ell, [])) == len(path_length_map.REACH_SEEDS) for ell in (8, 9, 10)):
        out.update(reach_order_checks(by))
    return out


def schedule_checks(curves: dict, fits: dict) -> dict[str, bool]:
    """The push's setting on its cost curve (each length at its own budget) against one schedule
    (``path_length_tables.cost`` curves and fits), as the chapter reads them."""
    curve, one = fits.get(path_length_map.PUSH_KNOB), fits.get(ONE_SCHEDULE)
    if not (curve and one and curve["interval"] and one["interval"]):
        return {}
    own = {c["l"]: c["steps to 0.5"] for c in curves[path_length_map.PUSH_KNOB] if c["steps to 0.5"]}
    long = {c["l"]: c for c in curves[ONE_SCHEDULE] if c["steps to 0.5"]}
    shared = sorted(set(own) & set(long))
    return {"on one schedule the factor per +1 in ℓ is below the cost curve's, the 95% intervals apart":
            one["interval"][1] < curve["interval"][0],
            "the shortest shared length takes more steps on the long schedule than at its own budget":
            bool(shared) and long[shared[0]]["steps to 0.5"].mean > own[shared[0]].mean,
            "the cost curve's extrapolation is above every seed's steps at the lengths it did not run":
            all(curve["at"](ell) > max(c["seed steps"]) for ell, c in long.items() if ell not in own)}


def _first_diagonal_before_crossing(run: dict, level: float = 0.9) -> bool:
    """The diagonal reached ``level`` at an evaluation before held-out exact match first reached 0.5."""
    cross = long_path.steps_to(run["history"])
    return any(h["step"] < cross and (h.get(DIAGONAL) or 0) >= level for h in run["history"])


def reach_order_checks(by: dict[int, list[dict]]) -> dict[str, bool]:
    """What the reach's figure shows: the diagonal rises first at l = 8 and 10, while at l = 9 the held-out
    path crosses 0.5 with the diagonal never above 0.6."""
    return {"at ℓ = 8 and 10 the diagonal reaches 0.9 before held-out crosses 0.5, on both seeds": all(
                _first_diagonal_before_crossing(r) for ell in (8, 10) for r in by[ell]),
            "at ℓ = 9 the diagonal stays at or below 0.6 until held-out crosses 0.5, on both seeds": all(
                max(h.get(DIAGONAL) or 0 for h in r["history"]) <= 0.6 for r in by[9]),
            "ℓ = 9 and 10 cross 0.5 within 1.5 times ℓ = 8's steps (mean over seeds)": all(
                _mean_steps(by[ell]) <= 1.5 * _mean_steps(by[8]) for ell in (9, 10))}


def _mean_steps(runs: list[dict]) -> float:
    return sum(long_path.steps_to(r["history"]) for r in runs) / len(runs)


def peak_checks(peaks: list[dict], tol: float = 0.05) -> dict[str, bool]:
    """The longest runs that trained their whole budget: the push keeps what it reached; its control
    without the extra weight decay never passes 0.5 and keeps its diagonal full."""
    push = [p for p in peaks if p["run"].get("knob") == path_length_map.PUSH_KNOB]
    control = [p for p in peaks if p["run"].get("knob") == path_length_map.COST_KNOB]
    held, diag = "held-out exact match", "diagonal"
    return {"the push ends within 0.05 of its peak, held-out and diagonal": bool(push) and all(
        p[k]["peak"] - p[k]["end"] <= tol for p in push for k in (held, diag)),
            "its control never passes 0.5 held out": bool(control) and all(p[held]["peak"] < long_path.REACHED for p in control),
            "…having learned its training paths and edges": bool(control) and all(long_path.learned(p["run"]) for p in control),
            "…and ends with its diagonal full": bool(control) and all(p[diag]["end"] >= 0.9 for p in control)}


def clock_checks(found: list[dict], rows: list[dict], collapse: dict | None, answer: dict) -> dict[str, bool]:
    """The clock test as the chapter states it (``clock.settings``, its runs, ``clock.collapse`` and
    ``clock.answer``): weight decay 1.0 needs several times the push's steps at l = 5, misses l = 7 on
    every seed and grows its weights most at l = 6; the answer in words is the one the fit gives."""
    out = {}
    by = {s["setting"]: {c["l"]: c for c in s["curve"]} for s in found}
    fast = by.get("lr 1e-2, weight decay 1.0", {})
    if path_length_map.PUSH_KNOB in by and {5, 7} <= set(fast):
        push5 = by[path_length_map.PUSH_KNOB][5]["steps to 0.5"].mean
        norms = {r["knob"]: r["history"][-1]["weight_norm"] for r in rows
                 if r["path_length"] == 6 and "weight_norm" in r["history"][-1]}
        out.update({"weight decay 1.0 needs at least twice the push's steps at ℓ = 5":
                    fast[5]["steps to 0.5"].mean >= 2 * push5,
                    "weight decay 1.0 misses ℓ = 7 on every seed": fast[7]["reached 0.5"] == 0,
                    "…and ℓ = 8, where it ran": 8 not in fast or fast[8]["reached 0.5"] == 0,
                    "weight decay 1.0 grows its weights most at ℓ = 6": max(norms, key=norms.get) == "lr 1e-2, weight decay 1.0"})
    push = by.get(path_length_map.PUSH_KNOB, {})
    if push and all(ell in push for ell in (5, 6, 7, 8)):
        def steps(setting, ell):
            return by[setting].get(ell, {}).get("steps to 0.5")
        out["the push's setting is the fastest to 0.5 at ℓ = 7 (mean over seeds)"] = (
            steps(path_length_map.PUSH_KNOB, 7).mean <= min(steps(k, 7).mean for k in by if steps(k, 7)))
        out["…and at ℓ = 8 no setting is below it beyond the spread"] = not any(
            stats.above(steps(path_length_map.PUSH_KNOB, 8), steps(k, 8)) for k in by if steps(k, 8))
        lower = by.get("lr 3e-3, weight decay 0.33", {})
        if 8 in lower:
            out["at ℓ = 8 the push's clock at the lower lr misses 0.5 on both seeds, the push reaches it"] = (
                lower[8]["reached 0.5"] == 0 and push[8]["reached"])
    if collapse and collapse["interval"]:
        lo, hi = collapse["interval"]
        out["the clock's answer in words is the one its fit gives"] = (
            (answer["collapse"] != "collapses (a pure clock)" or lo <= -1 <= hi)
            and (answer["collapse"] != "slower with a faster clock" or lo > 0))
    return out
