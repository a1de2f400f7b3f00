"""Each rule can reach each status it should, on hand-built records: ``reproduced``, ``partly`` where it
means something, ``inconclusive`` (under-trained control, no power, regime far from the paper),
``differs`` (with the effect our data exclude) and ``not run``. A rule that cannot fail, or cannot say
"our test cannot tell", is a defect."""
import pytest

from geomem_nb import verdicts as v
from geomem_nb.verdicts import why_geometry
from test_verdicts import GOOD, _geometry, _m, _order_study, _sweep, in_weights, records, tiny_seed_record


def _status(verdict, status, *words):
    assert verdict.status == status, verdict.reason
    said = verdict.reason + " | " + " | ".join(verdict.detail)  # the reason, and the detail folded under it
    for w in words:
        assert w in said, (w, said)
    if status == "differs":
        assert "our data exclude" in verdict.reason
    if status == "inconclusive":
        assert verdict.reason.startswith("cannot tell (") and "would decide:" in verdict.reason


# ---- path-star chapters ---------------------------------------------------------------------------

def test_c1_differs_only_when_the_runs_learned_their_training_paths():
    zero = {"cpu__in_weights": in_weights(1000, 5, 0.0), **{f"in_weights_g{d}_{ell}": in_weights(d, ell, 0.0)
                                                             for d, ell in v.PAPER_GRAPHS}}
    _status(v.c1(records(**zero)), "differs", "held-out exact match above 0.000")
    untrained = {k: {**m, "train_exact_match": 0.2} for k, m in zero.items()}
    _status(v.c1(records(**untrained)), "inconclusive", "under-trained control")
    assert v.c1(records()).status == "not run"


def _tf_study(greedy, forced):
    study = _order_study(greedy)
    study["runs"]["preset lr"]["crossings_teacher_forced"] = [{str(p): s for p, s in c.items()} for c in forced]
    return study


def _teacherless(learned=True):
    tf = [1.0, 0.9 if learned else 0.0, 0.9 if learned else 0.0, 0.9 if learned else 0.0, 1.0]
    return {"history": [{"step": 10, "test_teacher_forced": tf}], "config": {"degree": 2, "path_length": 5},
            "steps": 10, "train_seconds": 1.0, "device": "cpu", "preset": "cpu"}


TANDEM = [{2: 100, 3: 110, 4: 100}, {2: 120, 3: 100, 4: 130}, {2: 100, 3: 100, 4: 110}]
CASCADE = [{2: 300, 3: 200, 4: 100}] * 3


def test_c2_reads_greedy_and_teacher_forced_order():
    both_tandem = v.c2(records(cpu__02_learning_order=_tf_study(TANDEM, TANDEM), cpu__in_context_teacherless=_teacherless()))
    _status(both_tandem, "reproduced", "read greedy, no cascade", "read teacher-forced, no cascade")
    one_each = v.c2(records(cpu__02_learning_order=_tf_study(CASCADE, TANDEM), cpu__in_context_teacherless=_teacherless()))
    _status(one_each, "partly", "read greedy, a right-to-left cascade", "read teacher-forced, no cascade")
    _status(v.c2(records(cpu__02_learning_order=_tf_study(CASCADE, CASCADE))), "differs", "P = 0.037")
    too_few = _order_study(CASCADE[:2])
    _status(v.c2(records(cpu__02_learning_order=too_few)), "inconclusive", "fewer than 3 runs", "teacher-forced not recorded")


def test_c2_leaves_out_runs_that_never_learned_the_first_hop():
    never = [{2: None, 3: 200, 4: 100}] * 3  # leaf side "first" only because the first hop never crosses
    r = v.c2(records(cpu__02_learning_order=_order_study(CASCADE + never)))
    _status(r, "differs", "3 of 3 runs that learned the first hop", "3 runs that never learned the first hop left out")
    _status(v.c2(records(cpu__02_learning_order=_order_study(never))), "inconclusive", "0 of 0")


def test_c5_reaches_reproduced_and_differs():
    geometry = _geometry(0.0)
    _status(v.c5(records(cpu__04_path_star_geometry=geometry, in_weights_g5000_5=in_weights(5000, 5, 0.99))), "reproduced")
    none = records(cpu__04_path_star_geometry=geometry, in_weights_g5000_5=in_weights(5000, 5, 0.0, diagonal=0.0))
    _status(v.c5(none), "differs", "diagonal above 0.00")
    unfit = records(cpu__04_path_star_geometry=geometry,
                    in_weights_g5000_5=in_weights(5000, 5, 0.0, train=0.3, diagonal=0.0))
    _status(v.c5(unfit), "inconclusive", "under-trained control", "did not fit their training paths")
    assert v.c5(records()).status == "not run"


def test_c3_differs_when_the_first_hop_is_learned_in_context():
    from test_verdicts import in_context
    s = {"graph": "G(300,5)", "chance": 1 / 300, "in_weights_hardest_token": 0.96, "untrained_hardest_token": 0.0,
         "staged_peak_hardest_token": 0.6, "staged_hardest_token": 0.3}
    learned = in_context(2, None, None, "hardest-token", hop=0.97, child=0.99)
    # one half holds (in weights), the other departs (in context): a mixed case
    _status(v.c3(records(cpu__03_hardest_token=s, cpu__in_context_hardest_token=learned)), "partly",
            "in context it is learned (0.97")
    above = in_context(2, None, None, "hardest-token", hop=0.7, child=0.99)
    _status(v.c3(records(cpu__03_hardest_token=s, cpu__in_context_hardest_token=above)), "partly", "above chance")


MAP = "cpu/09_path_length/d100-l6-e300"  # a cell of chapter 09's cpu map


def test_c6_reads_chapter_09_where_the_look_up_finds_what_the_model_does_not():
    solved = dict(cpu__04_path_star_geometry=_geometry(0.0), in_weights_g5000_5=in_weights(5000, 5, 0.99))
    _status(v.c6(records(**solved)), "reproduced", "finds it as often")
    cell = in_weights(100, 6, 0.0, diagonal=1.0, first_hop=0.02)
    present = v.c6(lambda n: cell if n == MAP else records(**solved)(n))
    _status(present, "partly", "present but not sufficient", "G(100,6) 1")
    assert any("cpu/09_path_length/d100-l6-e300" in e for e in present.evidence)
    _status(v.c6(records(in_weights_g5000_5=in_weights(5000, 5, 0.0, diagonal=1.0))), "inconclusive", "no power")
    assert v.c6(records()).status == "not run"


def test_c9_reads_peak_and_final_and_can_differ():
    staged = {"staged_peak_hardest_token": 0.67, "staged_hardest_token": 0.35}
    r = v.c9(records(cpu__04_path_star_geometry=_geometry(0.01), cpu__03_hardest_token=staged))
    # peak and final are two readings of one quantity: one high, one not, reads partly
    _status(r, "partly", "peaks at 0.67 and ends at 0.35")
    both = {"staged_peak_hardest_token": 0.67, "staged_hardest_token": 0.6}
    _status(v.c9(records(cpu__04_path_star_geometry=_geometry(0.01), cpu__03_hardest_token=both)), "reproduced")
    low = {**_geometry(0.01), "diagonal": {"edges only": 0.0}}
    _status(v.c9(records(cpu__04_path_star_geometry=low, cpu__03_hardest_token=staged)), "partly", "diagonal is 0.00")
    assert v.c9(records()).status == "not run"


# ---- tiny graphs ----------------------------------------------------------------------------------

def test_c7_under_trained_frozen_network_is_inconclusive():
    rec = tiny_seed_record()
    rec["runs"]["star/associative-fast"]["measures"]["topk_recovery"] = _m(1.0, 0.9, 1.0)
    _status(v.c7(records(cpu__05_tiny_seeds=rec)), "inconclusive", "under-trained control")


def _untied_node2vec(rec, values):
    for g in v.TINY_GRAPHS:
        rec["runs"][f"{g}/node2vec-untied"] = {"config": {}, "measures": {"spectral_concentration": _m(*values)}}
    return rec


def test_c11_untying_judged_on_node2vec():
    destroyed = _untied_node2vec(tiny_seed_record(), (0.25, 0.26, 0.24))  # at chance (0.25)
    _status(v.c11(records(cpu__05_tiny_seeds=destroyed)), "reproduced", "untying brings Node2Vec to chance")
    kept = _untied_node2vec(tiny_seed_record(nn_selfed_negative=(0.9, 0.92, 0.91)), (0.9, 0.91, 0.92))
    rec = kept
    for g in v.TINY_GRAPHS:  # self-edges raise the share for both models; untying keeps the geometry
        rec["runs"][f"{g}/transformer-self-edges"]["measures"]["negative_share"] = _m(0.9, 0.92, 0.91)
    _status(v.c11(records(cpu__05_tiny_seeds=rec)), "differs", "untying leaves Node2Vec above chance")
    within = tiny_seed_record(nn_selfed_negative=(0.3, 0.7, 0.5))
    for g in v.TINY_GRAPHS:
        within["runs"][f"{g}/transformer-self-edges"]["measures"]["negative_share"] = _m(0.1, 0.5, 0.3)
    _status(v.c11(records(cpu__05_tiny_seeds=within)), "inconclusive", "untying on Node2Vec has no saved run")
    assert v.c11(records()).status == "not run"


def test_c12_within_the_spread_everywhere_is_inconclusive():
    from test_verdicts import _knobs
    rec = _knobs("within the spread")
    for d in rec["knobs"]["directions"].values():
        d["verdicts"] = {k: "within the spread" for k in d["verdicts"]}
    # chapter 07's width-128 table alone: far from the authors' width 512; at width 512: no power
    _status(v.c12(records(cpu__07_why_geometry=rec)), "inconclusive", "regime far from the paper", "width 512")
    _status(v.c12(records(cpu__07_why_geometry=_knobs("holds"), cpu__07_knobs_width512=_wide(rec))), "inconclusive",
            "no power", "width 512, 3 seeds")


def _wide(rec):
    return {"preset": "cpu", "knobs": {**rec["knobs"], "width": 512, "steps": 10000}}


def test_c12_reads_the_authors_width_with_the_narrow_table_as_context():
    from test_verdicts import _knobs
    narrow = _knobs("within the spread")
    r = v.c12(records(cpu__07_why_geometry=narrow, cpu__07_knobs_width512=_wide(_knobs("holds"))))
    _status(r, "reproduced", "width 512")
    assert any(e.startswith("context, 15-cycle bilinear network, width 128") for e in r.evidence), r.evidence
    # some knobs hold, one reverses: a mixed case
    _status(v.c12(records(cpu__07_why_geometry=_knobs("holds"), cpu__07_knobs_width512=_wide(_knobs("reversed")))),
            "partly", "learning rate reverses a measure")
    partly = v.c12(records(cpu__07_knobs_width512=_wide(_knobs("within the spread"))))
    _status(partly, "partly", "width 512", "learning rate moves no measure")


def test_c13_reads_the_statement_and_the_authors_artifact():
    r = v.c13(records(cpu__05_tiny_seeds=tiny_seed_record()))
    _status(r, "differs", "the authors' own saved network: at most", "Fiedler-pair share of 0.9 or more")
    _status(v.c13(records(cpu__05_tiny_seeds=tiny_seed_record(wide_share=(0.5, 0.95, 0.75)))), "inconclusive", "no power")
    rec = tiny_seed_record()
    rec["runs"]["cycle/nn"]["measures"]["topk_recovery"] = _m(1.0, 0.8, 1.0)
    _status(v.c13(records(cpu__05_tiny_seeds=rec)), "inconclusive", "under-trained control")


def _node2vec_runs(concentration, decay=True):
    return {f"cpu__tiny_{g}_node2vec": {"spectral_concentration": concentration, "concentration_chance": 0.25,
                                        "dynamics": {"other_projection": [10.0, 0.1 if decay else 9.0]},
                                        "config": {"dim": 100}, "preset": "cpu"} for g in v.TINY_GRAPHS}


def test_c14_can_reproduce_hold_partly_and_differ():
    _status(v.c14(records(**_node2vec_runs(0.99))), "reproduced")
    _status(v.c14(records(**_node2vec_runs(0.99, decay=False))), "partly")
    _status(v.c14(records(**_node2vec_runs(0.3, decay=False))), "differs", "concentration of 0.9 or more")
    assert v.c14(records()).status == "not run"


def _set(rec, model, measure, values):
    for g in v.TINY_GRAPHS:
        rec["runs"][f"{g}/{model}"]["measures"][measure] = _m(*values)
    return rec


def test_c15_differs_when_the_others_are_cleaner_and_cannot_tell_within_the_spread():
    rec = tiny_seed_record()
    for m in ("transformer", "mamba"):
        _set(_set(rec, m, "spectral_concentration", (0.999, 0.999, 0.999)), m, "geometric_level", (0.99, 0.99, 0.99))
    _set(_set(rec, "node2vec", "spectral_concentration", (0.5, 0.5, 0.51)), "node2vec", "geometric_level", (0.3, 0.3, 0.31))
    _status(v.c15(records(cpu__05_tiny_seeds=rec)), "differs", "the other model is cleaner")
    rec = tiny_seed_record()
    for m in ("transformer", "mamba", "node2vec"):
        _set(_set(rec, m, "spectral_concentration", (0.3, 0.6, 0.9)), m, "geometric_level", (0.3, 0.6, 0.9))
    _status(v.c15(records(cpu__05_tiny_seeds=rec)), "inconclusive", "in 0 of 16 comparisons", "within the spread")


def test_c16_reads_spectral_concentration_beside_the_edge_cosine():
    rec = _set(tiny_seed_record(), "nn", "spectral_concentration", (0.5, 0.52, 0.51))  # negative cosine, spectral geometry
    r = v.c16(records(cpu__05_tiny_seeds=rec))
    _status(r, "reproduced", "16 of 16 (model, graph) pairs concentrate",
            "geometric level not above 0.2 beyond the spread for bilinear network on star")
    _status(v.c16(records(cpu__05_tiny_seeds=tiny_seed_record())), "partly", "not above chance beyond the spread for bilinear network")
    flat = tiny_seed_record()
    for m in ("transformer", "mamba", "nn", "node2vec"):
        _set(_set(flat, m, "spectral_concentration", (0.25, 0.25, 0.25)), m, "geometric_level", (0.0, 0.01, -0.01))
    _status(v.c16(records(cpu__05_tiny_seeds=flat)), "differs", "a geometry on either reading")
    # an under-trained model cannot be judged; the others still depart with power
    _status(v.c16(records(cpu__05_tiny_seeds=_set(flat, "nn", "topk_recovery", (1.0, 0.5, 1.0)))), "differs",
            "4 did not recover every edge")
    every = flat
    for m in ("transformer", "mamba", "node2vec"):
        every = _set(every, m, "topk_recovery", (1.0, 0.5, 1.0))
    _status(v.c16(records(cpu__05_tiny_seeds=every)), "inconclusive", "under-trained control")


# ---- chapter 07: computed claims and the race ---------------------------------------------------

def test_c8_reads_statement_and_thesis_and_can_differ(monkeypatch):
    r = v.c8(records())  # the cycle within [1, 2]; the path-star's bits not, growing with d
    _status(r, "partly", "the factor grows with the graph", "the thesis reading")
    assert r.scale == "computed from the paper's counts" and r.label == "partly"
    monkeypatch.setattr(why_geometry.sc, "gap_range", lambda costs, unit, regimes=None: (2.5, 3.0))
    _status(v.c8(records()), "differs", "a factor within [1, 2]")
    monkeypatch.setattr(why_geometry.sc, "gap_range", lambda costs, unit, regimes=None: (1.0, 2.0))
    _status(v.c8(records()), "reproduced")


def test_c10_reaches_each_status():
    def race(frozen_steps, learn_steps, seeds=(7, 0, 1)):
        return {"race": {"frozen, width 512, lr 0.1": {"steps_to_full_recovery": frozen_steps, "margin_when_memorized": 0.0,
                                                       "seeds": list(seeds)},
                         "learnable, lr 1e-2": {"half_geometric_margin_step": learn_steps}}, "preset": "cpu"}
    _status(v.c10(records(cpu__07_why_geometry=race(1, 50))), "reproduced")
    _status(v.c10(records(cpu__07_why_geometry=race(1, 50, seeds=(7,)))), "partly")
    _status(v.c10(records(cpu__07_why_geometry=race(40, 50))), "differs")
    _status(v.c10(records(cpu__07_why_geometry=race(None, 50))), "inconclusive", "under-trained control")
    _status(v.c10(records(cpu__07_why_geometry=race(1, None))), "inconclusive", "never reached half")
    assert v.c10(records()).status == "not run"


def test_c22_is_computed_and_can_differ(monkeypatch):
    r = v.c22(records())
    assert r.status == "reproduced" and r.label == "reproduced (computed)" and not r.small_scale
    real = why_geometry.sc.proposition4
    monkeypatch.setattr(why_geometry.sc, "proposition4", lambda g: {**real(g), "exact": False})
    _status(v.c22(records()), "differs", "does not decode")


# ---- chapter 08 -----------------------------------------------------------------------------------

def test_c17_differs_when_forward_only_edges_generalize():
    r = v.c17(_sweep(**{"directions/forward/forward/test_exact_match": [0.8, 0.82, 0.84]}))
    _status(r, "partly", "forward-only edges generalize")  # the other parts hold: a mixed case
    undiagnosed = v.c17(_sweep(**{"directions/backward/reverse/test_exact_match": [0.0] * 3}))
    _status(undiagnosed, "partly", "undiagnosed", "task tokens")
    assert v.c17(records()).status == "not run"


def test_c18_reads_endpoint_and_speed():
    _status(v.c18(_sweep()), "reproduced", "endpoint", "speed")
    flat = {f"pauses/{k}/{x}": [0.4, 0.4, 0.4] if k else [0.5, 0.5, 0.5] for k in (0, 1, 2, 4)
            for x in ("test_exact_match", "held_out_auc")}
    _status(v.c18(_sweep(**flat)), "differs", "no gain")
    open_ = {f"pauses/{k}/{x}": [0.3, 0.5, 0.7] if k else [0.7, 0.5, 0.3] for k in (0, 1, 2, 4)
             for x in ("test_exact_match", "held_out_auc")}  # paired gains -0.4, 0, 0.4: a gain of 0.8 left open
    _status(v.c18(_sweep(**open_)), "inconclusive", "no power", "a gain up to")
    no_speed = _sweep()
    sweep = no_speed("cpu/08_what_else_matters_seeds")
    for k in (0, 1, 2, 4):
        del sweep["measurements"][f"pauses/{k}/held_out_auc"]
    _status(v.c18(no_speed), "partly", "speed: not recorded")


def test_c19_a_regime_far_from_the_paper_cannot_tell():
    far = {f"staged/{n}/path_lr": [3e-3] * 3 for n in ("fast", "slow")}
    no_fall = {"staged/fast/final": [0.7, 0.71, 0.72], "staged/slow/final": [0.8, 0.81, 0.82]}
    r = v.c19(_sweep(**far, **no_fall))  # the peak and interleaving hold; the fall cannot be judged so far off
    _status(r, "partly", "shows no fall", "60x the paper's", "1/200")
    low = {"staged/fast/peak": [0.2, 0.21, 0.22], "staged/slow/peak": [0.2, 0.21, 0.22], "mixed/test_exact_match": [0.2] * 3}
    _status(v.c19(_sweep(**far, **no_fall, **low)), "inconclusive", "regime far from the paper", "60x the paper's")
    _status(v.c19(_sweep(**no_fall)), "partly", "shows no fall")  # no fall, but a high peak: a mixed case
    low = {"staged/fast/peak": [0.2, 0.21, 0.22], "staged/slow/peak": [0.2, 0.21, 0.22],
           "staged/fast/final": [0.2, 0.21, 0.22], "staged/slow/final": [0.2, 0.21, 0.22], "mixed/test_exact_match": [0.2] * 3}
    _status(v.c19(_sweep(**low)), "differs", "a fall of more than")
    unlearned = v.c19(_sweep(**{"staged/slow/edge_phase_edge_recovery": [1.0, 0.4, 1.0]}))
    _status(unlearned, "inconclusive", "under-trained control")


def test_c19_reads_chapter_03s_staged_run():
    get = _sweep()
    ch03 = {"graph": "G(300,5)", "staged_peak_hardest_token": 0.667, "staged_hardest_token": 0.347}
    r = v.c19(lambda n: ch03 if n == "cpu/03_hardest_token" else get(n))
    assert any("chapter 3's staged run" in e and "the paper's pattern" in e for e in r.evidence), r.evidence


def test_c20_orders_the_splits_only_when_both_are_above_chance():
    within = v.c20(_sweep(**{"tree/first-token/test_exact_match": [0.28, 0.3, 0.32]}))
    _status(within, "partly", "neither split is harder")
    _status(v.c20(_sweep(**{"tree/leaf/test_exact_match": [0.0] * 3})), "partly", "leaf split reaches 0.00")
    _status(v.c20(_sweep(**{f"tree/{s}/test_exact_match": [0.0] * 3 for s in ("leaf", "first-token")})), "differs",
            "leaf split reaches 0.00")
    unlearned = {"tree/leaf/test_exact_match": [0.0] * 3, "tree/leaf/train_exact_match": [0.5] * 3}
    _status(v.c20(_sweep(**unlearned)), "partly", "which is harder is not judged")  # one split cannot be judged


def test_c21_carries_over_without_matching_the_gpt():
    below_gpt = v.c21(_sweep(**{"mamba/full paths/mamba": [0.6, 0.62, 0.64]}))
    _status(below_gpt, "reproduced", "GPT above Mamba beyond the spread on full paths")
    at_chance = {f"mamba/{n}/mamba": [0.0] * 3 for n in ("full paths", "first hop", "edges only")}
    _status(v.c21(_sweep(**at_chance)), "differs", "no objective")
    between = {f"mamba/{n}/mamba": [0.02, 0.05, 0.1] for n in ("full paths", "first hop", "edges only")}
    _status(v.c21(_sweep(**between)), "inconclusive", "under-trained control")


def _decisive_c20_c21(**overrides):
    """Chapter 08's seed sweep and its decisive C20/C21 record (T(150,4), Mamba at its own lr): the
    decisive numbers unless overridden."""
    m = {"chance": [1 / 300] * 3, "tree/chance": [0.002] * 3}
    for split, x in (("leaf", 0.3), ("first-token", 0.1)):
        m[f"tree/{split}/test_exact_match"], m[f"tree/{split}/train_exact_match"] = [x, x + 0.01, x + 0.02], [1.0] * 3
        m[f"tree/{split}/test_hardest_token"] = [1.0] * 3
    m["mamba/full paths/gpt"], m["mamba/full paths/mamba"] = [0.9, 0.92, 0.94], [0.85, 0.87, 0.89]
    m["mamba/full paths/mamba_train_exact_match"] = [1.0] * 3
    m.update(overrides)
    rec = {"seeds": [1, 2, 3], "preset": "cpu", "measurements": {k: {"values": v} for k, v in m.items()},
           "graph": {"graph": "G(300,5)", "steps": 600, "tree": "T(150,4)", "mamba_steps": 2400, "lr": 3e-3,
                     "mamba_lr": 1e-3}}
    old = _sweep(**{"tree/first-token/test_exact_match": [0.0] * 3, "mamba/full paths/mamba": [0.36, 0.67, 0.51]})
    return lambda name: rec if name == "cpu/08_decisive_c20_c21" else old(name)


def test_c20_reads_the_decisive_tree():
    _status(v.c20(_decisive_c20_c21()), "reproduced", "the first-token split is the harder one")
    r = v.c20(_decisive_c20_c21(**{"tree/first-token/test_exact_match": [0.55, 0.57, 0.59]}))
    _status(r, "partly", "the reverse of the paper", "first-token split 0.57")
    assert "T(150,4)" in r.evidence[0] and "T(37,5)" in r.evidence[1], r.evidence
    at_chance = v.c20(_decisive_c20_c21(**{"tree/first-token/test_exact_match": [0.0] * 3}))
    _status(at_chance, "partly", "which is harder is not judged")
    assert "too few" not in at_chance.reason  # the decisive tree has enough training subtrees


def test_c21_reads_mamba_at_the_budget_it_needs():
    r = v.c21(_decisive_c20_c21())
    _status(r, "reproduced", "full paths, first hop, edges only")
    assert "own learning rate (0.001, the GPT's 0.003) and 4 times the GPT's steps (2,400)" in r.reason, r.reason
    plateau = v.c21(_decisive_c20_c21(**{"mamba/full paths/mamba": [0.4, 0.42, 0.44]}))
    _status(plateau, "partly", "not on full paths", "for full paths Mamba had its own learning rate")
    only = v.c21(lambda n: _decisive_c20_c21()(n) if n == "cpu/08_decisive_c20_c21" else None)
    _status(only, "partly", "edge-only geometry is not recorded")  # full paths alone cannot show "all findings"


@pytest.mark.parametrize("claim", sorted(v.RULES, key=lambda c: int(c[1:])))
def test_every_rule_states_a_scale(claim):
    found = v.RULES[claim](records(**GOOD, cpu__05_tiny_seeds=tiny_seed_record(), cpu__08_what_else_matters_seeds=
                                   _sweep()("cpu/08_what_else_matters_seeds")))
    assert found.scale


def test_not_run_without_records():
    for claim, rule in v.RULES.items():
        if claim not in ("C8", "C22"):  # computed from the paper's counts: always judged
            found = rule(records())
            assert found.status == "not run" and found.scale == "none", claim


# ---- chapter 08's decisive runs (C17-C19) ---------------------------------------------------------

def _decisive(**overrides):
    """Chapter 08's seeds record (the sweep: backward-only edges at zero on reverse paths) beside a
    decisive record showing the paper's picture unless overridden."""
    m = {"chance": [1 / 300] * 3}
    for variant, em in (("as in the sweep", 0.5), ("lower lr", 0.0), ("no leaf echo", 0.6)):
        m.update({f"c17/{variant}/test_exact_match": [em, em + 0.01, em + 0.02] if em else [0.0] * 3,
                  f"c17/{variant}/train_exact_match": [1.0] * 3, f"c17/{variant}/edge_recovery": [1.0] * 3,
                  f"c17/{variant}/lr": [3e-3] * 3})
        for j in range(4 if variant == "no leaf echo" else 5):
            m[f"c17/{variant}/greedy/{j}"] = m[f"c17/{variant}/forced/{j}"] = [0.0 if j == 0 else 1.0] * 3
    for k, steps, area in ((0, 400, 0.2), (1, 300, 0.3), (2, 200, 0.4), (4, 100, 0.5)):
        m.update({f"c18/{k}/steps_to_level": [steps, steps + 10, steps + 20], f"c18/{k}/held_out_auc": [area, area + 0.01, area + 0.02],
                  f"c18/{k}/test_exact_match": [0.2, 0.25, 0.3], f"c18/{k}/train_exact_match": [1.0] * 3})
    m.update({"c19/peak": [0.8, 0.81, 0.82], "c19/final": [0.1, 0.1, 0.1], "c19/fall": [0.7, 0.71, 0.72],
              "c19/peak_step": [100] * 3, "c19/train_exact_match": [1.0] * 3, "c19/train_peak": [1.0] * 3,
              "c19/edge_phase_edge_recovery": [1.0] * 3, "c19/edge_recovery_min": [0.95] * 3,
              "c19/edge_recovery_final": [0.95] * 3, "c19/edge_recovery_at_peak": [1.0] * 3,
              "c19/edge_lr": [1e-2] * 3, "c19/path_lr": [5e-5] * 3})
    m.update(overrides)
    rec = {"seeds": [0, 1, 2], "preset": "cpu", "measurements": {k: {"values": x} for k, x in m.items()},
           "graph": {"graph": "G(300,5)", "c18_graph": "G(300,6)", "c18_eval_every": 50, "level": 0.1}}
    sweep = _sweep(**{"directions/backward/reverse/test_exact_match": [0.0] * 3})
    return lambda n: rec if n == "cpu/08_decisive_c17_c19" else sweep(n)


def test_c17_follows_the_decisive_runs():
    _status(v.c17(_decisive()), "reproduced", "non-trivial reverse paths (decisive runs)")
    zero = {"c17/as in the sweep/test_exact_match": [0.0] * 3}
    fmt = v.c17(_decisive(**zero))
    _status(fmt, "partly", "only when the target starts at the leaf's parent", "copy of the held-out leaf")
    assert fmt.control  # partly, with its forward-only control cited
    none = {**zero, "c17/no leaf echo/test_exact_match": [0.0] * 3, "c17/as in the sweep/forced/2": [0.1] * 3}
    _status(v.c17(_decisive(**none)), "partly", "in any decisive run", "not confined to the leaf's copy")
    untrained = {**zero, "c17/no leaf echo/train_exact_match": [1.0, 0.3, 1.0]}
    _status(v.c17(_decisive(**untrained)), "partly", "in any decisive run")  # an unlearned variant is no evidence


def _c18(per_count):
    """C18 overrides: pause count -> (steps to the level, area) triples."""
    out = {}
    for k, (steps, area) in per_count.items():
        out[f"c18/{k}/steps_to_level"], out[f"c18/{k}/held_out_auc"] = steps, area
    return out


def test_c18_is_judged_on_speed_on_the_frontier_cell():
    _status(v.c18(_decisive()), "reproduced", "frontier cell G(300,6)", "steps to held-out exact match 0.1")
    only4 = _c18({k: ([400, 410, 420], [0.2, 0.21, 0.22]) for k in (1, 2)})
    _status(v.c18(_decisive(**only4)), "partly", "4 pauses beat none")
    slower = _c18({k: ([500, 510, 520], [0.1, 0.11, 0.12]) for k in (1, 2, 4)})
    r = v.c18(_decisive(**slower))
    _status(r, "differs", "no gain")
    assert "steps to 0.1 shortened by more than" in r.excludes
    noisy = _c18({k: ([200, 400, 600], [0.1, 0.2, 0.3]) for k in (1, 2, 4)})
    _status(v.c18(_decisive(**noisy)), "inconclusive", "no power", "is left open")
    ceiling = {"c18/0/test_exact_match": [0.85, 0.9, 0.95]}
    _status(v.c18(_decisive(**ceiling)), "inconclusive", "regime far from the paper")
    _status(v.c18(_decisive(**{"c18/2/train_exact_match": [1.0, 0.5, 1.0]})), "inconclusive", "under-trained control")


def test_c19_reads_peak_and_final_at_the_papers_rates():
    r = v.c19(_decisive())
    _status(r, "reproduced", "At the paper's learning rates", "1/200", "phase 2 keeps the edges")
    no_fall = {"c19/final": [0.8, 0.81, 0.82]}
    _status(v.c19(_decisive(**no_fall)), "partly", "does not collapse from its peak", "its peak is high")
    low = {"c19/peak": [0.3, 0.31, 0.32], "c19/final": [0.3, 0.3, 0.31], "c19/edge_recovery_min": [0.5] * 3}
    _status(v.c19(_decisive(**low)), "differs", "its peak is not high", "phase 2 overwrites the edges")
    noisy = {"c19/peak": [0.3, 0.31, 0.32], "c19/final": [0.0, 0.3, 0.3]}
    _status(v.c19(_decisive(**noisy)), "inconclusive", "no power")
    _status(v.c19(_decisive(**{"c19/train_exact_match": [1.0, 0.2, 1.0]})), "inconclusive", "under-trained control")
    far = {"c19/path_lr": [3e-3] * 3}
    _status(v.c19(_decisive(**far, **low)), "inconclusive", "regime far from the paper")


# ---- every status a rule's data can show (issue 35): one hand-built record per new branch -----------

def test_c6_differs_when_the_look_up_misses_what_the_model_finds():
    blind = in_weights(5000, 5, 0.99, diagonal=0.0)  # the model finds the first hop; the look-up is at chance
    _status(v.c6(records(cpu__04_path_star_geometry=_geometry(0.0), in_weights_g5000_5=blind)), "differs",
            "at chance on 1", "wherever the model does")
    short = in_weights(5000, 5, 0.99, diagonal=0.6)  # above chance, short of the model
    _status(v.c6(records(cpu__04_path_star_geometry=_geometry(0.0), in_weights_g5000_5=short)), "partly",
            "less often but above chance on 1")


C3_RECORD = {"graph": "G(300,5)", "chance": 1 / 300, "in_weights_hardest_token": 0.01, "untrained_hardest_token": 0.0,
             "staged_peak_hardest_token": 0.6, "staged_hardest_token": 0.3}


def test_c3_differs_for_an_in_weights_failure_that_fitted_its_training_first_hops():
    fitted = {**C3_RECORD, "in_weights_train_hardest_token": 1.0}
    _status(v.c3(records(cpu__03_hardest_token=fitted)), "differs", "fits its training first hops (1.00)",
            "from a run that fits its training first hops")
    unfit = {**C3_RECORD, "in_weights_train_hardest_token": 0.4}
    _status(v.c3(records(cpu__03_hardest_token=unfit)), "inconclusive", "under-trained control", "did not fit")
    # an old record without the training first-hop accuracy: the branch that says it is missing
    _status(v.c3(records(cpu__03_hardest_token=C3_RECORD)), "inconclusive", "no power", "is not recorded")


def test_c11_self_edge_half_is_judged_on_its_own():
    rec = tiny_seed_record(nn_selfed_negative=(0.9, 0.92, 0.91))
    for g in v.TINY_GRAPHS:  # self-edges raise the share for both models; the untying run is missing
        rec["runs"][f"{g}/transformer-self-edges"]["measures"]["negative_share"] = _m(0.9, 0.92, 0.91)
    _status(v.c11(records(cpu__05_tiny_seeds=rec)), "differs", "raise it on 8", "untying on Node2Vec has no saved run")


def test_c11_and_c15_leave_out_a_seed_that_did_not_store_its_edges():
    rec = tiny_seed_record()
    rec["runs"]["cycle/transformer"]["measures"]["topk_recovery"] = _m(1.0, 0.5, 1.0)
    for r in (v.c11(records(cpu__05_tiny_seeds=rec)), v.c15(records(cpu__05_tiny_seeds=rec))):
        assert "left out: the Transformer on the cycle (1 of 3 seeds)" in r.reason, r.reason


def test_c9_guards_against_an_edge_only_run_that_did_not_store_its_edges():
    staged = {"staged_peak_hardest_token": 0.9, "staged_hardest_token": 0.85}
    low = {**_geometry(0.01), "diagonal": {"edges only": 0.0}}
    unstored = {**low, "edge_recovery": {"edges only": 0.3}}
    _status(v.c9(records(cpu__04_path_star_geometry=unstored, cpu__03_hardest_token=staged)), "partly",
            "the edges not stored (0.30)")
    stored = {**low, "edge_recovery": {"edges only": 1.0}, "edges_only_seeds": {
        "path_averaged": _m(0.7, 0.72, 0.71), "untrained_path_averaged": _m(0.0, 0.01, -0.01)}}
    flat = {"staged_peak_hardest_token": 0.1, "staged_hardest_token": 0.05}
    _status(v.c9(records(cpu__04_path_star_geometry=stored, cpu__03_hardest_token=flat)), "differs",
            "+0.71 ± 0.01 over 3 seeds")
    alone = {**unstored, "contrast_path_averaged": {"edges only": 0.3}}  # one run: no power on the contrast
    _status(v.c9(records(cpu__04_path_star_geometry=alone)), "inconclusive", "under-trained control")
