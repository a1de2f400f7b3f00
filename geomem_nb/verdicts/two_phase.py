"""C19: two-phase training (edges, then paths) against interleaving, at the paper's learning rates."""
from __future__ import annotations

from .. import controls
from ..studies import what_else_matters
from ..stats import above
from .base import BIG, Get, Verdict, differs, inconclusive, judge, not_run, rule
from .what_else import FAR, PAPER_STAGED_LR, _decisive, _learned_worst, _paired_gain, _seeds


def _staged_lrs(sp: dict, rec: dict) -> dict:
    """'fast'/'slow' -> (edge-phase lr, path-phase lr): the record's (``staged/<name>/edge_lr``,
    ``staged/<name>/path_lr``) where stored, else the config of the record's preset."""
    if all(f"staged/{n}/path_lr" in sp for n in ("fast", "slow")):
        return {n: (sp[f"staged/{n}/edge_lr"].mean, sp[f"staged/{n}/path_lr"].mean) for n in ("fast", "slow")}
    return what_else_matters.staged_lrs(what_else_matters.base_config(rec.get("preset", "cpu")))


def _far(x: float, paper: float) -> bool:
    return not paper / FAR <= x <= paper * FAR


def _c19_regime(lrs: dict) -> tuple[str, bool]:
    """(text, far): each staged run's lrs against the paper's, and whether any is far from it."""
    e_paper, p_paper = PAPER_STAGED_LR
    far = any(_far(p, p_paper) or _far(p / e, p_paper / e_paper) for e, p in lrs.values())
    text = "; ".join(f"{n}: phase 2 lr {p:g} ({p / p_paper:.0f}x the paper's {p_paper:g}), phase-2/phase-1 ratio "
                     f"1/{e / p:.0f} (the paper: 1/{e_paper / p_paper:.0f})" for n, (e, p) in lrs.items())
    return text, far


def _chapter03_staged(get: Get) -> str | None:
    s = get("cpu/03_hardest_token")
    if not s or "staged_peak_hardest_token" not in s:
        return None
    peak, final = s["staged_peak_hardest_token"], s["staged_hardest_token"]
    return (f"chapter 3's staged run (edges, then the first hop alone; one seed, no spread, {s['graph']}): peak "
            f"{peak:.3f}, final {final:.3f}" + (f": high, then a fall of {peak - final:.3f} ({(peak - final) / peak:.0%} "
                                                 "of the peak), the paper's pattern" if peak >= BIG and final < peak else ""))


def _c19_decisive(sp: dict, where: str, mixed, context: list) -> Verdict:
    """C19 on the decisive staged run at the paper's lrs: its peak and its final (both readings of the
    paper's "peak momentarily, then deteriorate"), and whether phase 2 overwrites the edges."""
    g = lambda k: sp[f"c19/{k}"]  # noqa: E731
    regime, far = _c19_regime({"decisive": (g("edge_lr").mean, g("path_lr").mean)})
    peak, final = g("peak"), g("final")
    fall = _paired_gain(peak, final)
    evidence = [f"{where}: staged at the paper's lrs: held-out peak {peak} (at phase-2 step {g('peak_step').mean:.0f} "
                f"on average), final {final}, fall {g('fall')}; train exact match {g('train_exact_match')}; edge recovery "
                f"after phase 1 {g('edge_phase_edge_recovery')}, lowest in phase 2 {g('edge_recovery_min')}, final "
                f"{g('edge_recovery_final')}", f"learning rates: {regime}"] + context
    collapse = above(peak, final) and peak.mean - final.mean >= peak.mean / 2  # "deteriorate dramatically"
    high = peak.mean >= BIG
    kept = g("edge_recovery_min").mean >= controls.LEARNED
    detail = [f"learning rates: {regime}",
              "phase 2 keeps the edges (edge recovery 0.9 or more throughout)" if kept else
              f"phase 2 overwrites the edges (edge recovery down to {g('edge_recovery_min')})"]
    reason = (f"At the paper's learning rates (cpu, {peak.n} seeds) the staged run "
              + ("peaks, then loses at least half of it" if collapse else "does not collapse from its peak")
              + f"; its peak is {'high' if high else 'not high'} ({peak.mean:.2f} ± {peak.sd:.2f}; interleaved "
              f"{mixed.mean:.2f} ± {mixed.sd:.2f})")
    checks = {"edge_phase_edge_recovery": "stored its edges in phase 1 (edge recovery",
              "train_exact_match": "fit its training paths in phase 2 (train exact match"}
    missed = [f"{what} {g(key).mean:.2f} ± {g(key).sd:.2f})" for key, what in checks.items()
              if not _learned_worst(sp, "c19/", (key,))]
    # the two readings of "peak momentarily, then deteriorate dramatically; the peak is still high"
    outcomes = ["holds" if collapse else "differs" if fall < peak.mean / 2 and peak.n >= 3 else "open",
                "holds" if high else "open"]
    if missed:  # name only the bars a seed missed
        outcomes, reason = ["under-trained"], f"{reason}; not every seed " + " or ".join(missed)
    elif far:
        outcomes = ["far"]
    return judge(outcomes, reason, evidence, "the interleaved run at the same budget",
                 excludes=f"a fall of more than {max(fall, 0):.3f} from the peak (paired mean + 2 sd), under half the peak",
                 decide="a longer phase 2, 3 seeds or more" if missed else
                 "staged runs at the paper's learning rates" if far else "more seeds of the staged run", detail=detail)


def _c19_headline(get: Get) -> str:
    sp, _, _ = _seeds(get)
    dec = _decisive(get)
    if dec and "c19/peak" in dec[0]:
        return (f"staged peak {dec[0]['c19/peak'].mean:.2f}, interleaved {sp['mixed/test_exact_match'].mean:.2f} "
                "held-out exact match")
    return f"staged peak {sp['staged/fast/peak'].mean:.2f}, interleaved {sp['mixed/test_exact_match'].mean:.2f}"


@rule(headline=lambda get: _c19_headline(get))
def c19(get: Get) -> Verdict:
    if not (got := _seeds(get)):
        return not_run("the multi-seed sweep of chapter 8")
    sp, where, rec = got
    g = lambda k: sp[k]  # noqa: E731
    regime, far = _c19_regime(_staged_lrs(sp, rec))
    evidence = [f"{where}: staged at the preset's path lr (fast): peak {g('staged/fast/peak')}, final "
                f"{g('staged/fast/final')}; at a tenth of it (slow): peak {g('staged/slow/peak')}, final "
                f"{g('staged/slow/final')}; mixed {g('mixed/test_exact_match')}; edge recovery after the edge phase "
                f"{g('staged/fast/edge_phase_edge_recovery')}", f"learning rates: {regime}"]
    ch03 = _chapter03_staged(get)
    evidence += [ch03] if ch03 else []
    dec = _decisive(get)
    if dec and "c19/peak" in dec[0]:
        return _c19_decisive(dec[0], dec[1], g("mixed/test_exact_match"), evidence)
    if not all(_learned_worst(sp, f"staged/{n}/", ("edge_phase_edge_recovery", "train_exact_match")) for n in ("fast", "slow")):
        return inconclusive("under-trained control", "a staged run did not learn its edges or training paths on every seed",
                            "the staged runs trained until their edge phase stores the edges", evidence)
    collapse = any(above(g(f"staged/{n}/peak"), g(f"staged/{n}/final")) for n in ("fast", "slow"))
    peak = max(g("staged/fast/peak").mean, g("staged/slow/peak").mean)
    stable = above(g("mixed/test_exact_match"), g("staged/slow/peak")) and g("mixed/test_exact_match").mean >= 0.8
    fall = max(_paired_gain(g(f"staged/{n}/peak"), g(f"staged/{n}/final")) for n in ("fast", "slow"))
    # three parts: the fall ("deteriorate dramatically": at least half the peak lost), the peak, interleaving
    outcomes = ["holds" if collapse else "differs" if fall < peak / 2 else "open", "holds" if peak >= BIG else "open",
                "holds" if stable else "open"]
    if far:  # at lrs far from the paper's, what does not hold cannot be judged
        outcomes = [o if o == "holds" else "far" for o in outcomes]
    reason = (f"On {where.split(', ')[1]} (cpu, {g('mixed/test_exact_match').n} seeds, at the preset's learning rates) the "
              f"staged run " + ("peaks, then falls beyond the spread" if collapse else "shows no fall beyond the spread")
              + f"; its best peak is {'high' if peak >= BIG else 'not high'} ({peak:.2f}); interleaving is "
              + ("stable and above it" if stable else "not above it"))
    return judge(outcomes, reason, evidence, "the mixed (interleaved) run at the same budget",
                 excludes=f"a fall of more than {fall:.3f} from the peak (paired mean + 2 sd), under half the peak",
                 decide="staged runs at the paper's learning rates (a phase-2/phase-1 ratio of 1/200), 3 seeds or more",
                 detail=[f"learning rates: {regime}"] + ([ch03] if ch03 else []))

