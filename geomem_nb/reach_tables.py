"""Chapter 9's reach (every length on one schedule, fresh seeds) in tables and words: where each run
stopped, the furthest length reached on every seed, whether the longest runs keep their peak, and the
push's setting on its cost curve against one schedule."""
from __future__ import annotations

from .path_length_tables import ONE_SCHEDULE, setting_words
from .prose import words
from .studies import long_path, path_length_map


def reach_head(reach: list[dict]) -> str:
    """The furthest length the reach got to on every seed, with its scale and its schedule."""
    ell = long_path.furthest_on_every_seed(reach, path_length_map.REACH_SEEDS)
    schedule = (f"one schedule of {reach[0]['steps']:,} steps, evaluated every {reach[0]['config']['eval_every']:,}"
                if reach else "")
    return (f"**Furthest length reached on every seed: ℓ = {ell}** (seeds {words(path_length_map.REACH_SEEDS)}; "
            f"cpu, d = 100, 2 layers, width 64; {schedule})." if ell else "No length reached on every seed.")


def reach_text(reach: list[dict]) -> str:
    """The reach in words: the furthest length reached on every seed, then each length's seeds (held-out
    exact match where each run stopped, and when)."""
    parts = [f"ℓ = {ell}: " + ", ".join(map(long_path.where_stopped, runs))
             for ell, runs in long_path.by_length(reach).items()]
    return f"{reach_head(reach)} Held-out exact match where each run stopped: {'; '.join(parts)}."


def reach_rows(reach: list[dict]) -> list[dict]:
    """One row per reach run: where it stopped (the first evaluation at held-out 0.5, or its budget),
    what it scored there, and whether it learned its training paths and edges."""
    return [{"ℓ": r["path_length"], "seed": r["seed"],
             "steps to 0.5": long_path.steps_to(r["history"]) or f"not within {r['steps_run']:,}",
             "held-out exact match": r["test_exact_match"], "diagonal": r["leaf_first_hop_diagonal_accuracy"],
             "train exact match": r["train_exact_match"], "edges": r["edge_recovery"],
             "training minutes": r["train_seconds"] / 60}
            for r in sorted(reach, key=lambda r: (r["path_length"], r["seed"]))]


def peak_text(peaks: list[dict]) -> str:
    """Each run's held-out exact match and diagonal at the end of training against their peaks."""
    return "At the end of training against the peak: " + "; ".join(
        f"{setting_words(p['run'].get('knob'))}, seed {p['run'].get('seed', 0)}: held-out "
        f"{p['held-out exact match']['end']:.2f} (peak {p['held-out exact match']['peak']:.2f}), diagonal "
        f"{p['diagonal']['end']:.2f} (peak {p['diagonal']['peak']:.2f})" for p in peaks) + "."


def peak_rows(peaks: list[dict]) -> list[dict]:
    """``long_path.peak_and_end`` as a table: per run, each measure at the end and at its peak."""
    return [{"setting": setting_words(p["run"].get("knob")), "ℓ": p["run"]["path_length"], "seed": p["run"].get("seed", 0),
             **{f"{name} {k}": p[name][k] for name in long_path.PEAKS for k in ("end", "peak")},
             "held-out peak at step": p["held-out exact match"]["peak step"], "budget": p["run"]["steps"]} for p in peaks]


def schedule_text(fits: dict) -> str:
    """The push's setting on its cost curve (each length at its own budget) against the same setting on
    one schedule: the two factors per +1 in l with their 95% intervals, and whether the intervals part."""
    curve, one = fits.get(path_length_map.PUSH_KNOB), fits.get(ONE_SCHEDULE)
    if not (curve and one and curve["interval"] and one["interval"]):
        return ""
    apart = one["interval"][1] < curve["interval"][0]
    return (f"The same setting, two ways: on its cost curve ×{curve['factor per l']:.1f} per +1 in ℓ (95% interval "
            f"×{curve['interval'][0]:.1f}–×{curve['interval'][1]:.1f}); on one schedule ×{one['factor per l']:.1f} "
            f"(×{one['interval'][0]:.1f}–×{one['interval'][1]:.1f}), over ℓ = {one['lengths'][0]} to {one['lengths'][-1]}. "
            + ("The intervals do not overlap." if apart else "The intervals overlap."))
