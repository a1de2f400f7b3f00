"""The verdict rules on hand-built records: each rule must say what the numbers say."""
import pytest

from geomem_nb import verdicts as v
from geomem_nb.studies import learning_order


def in_weights(d, ell, test, train=1.0, diagonal=1.0, first_hop=None, **config):
    return {"test_exact_match": test, "test_hardest_token": test if first_hop is None else first_hop,
            "train_exact_match": train, "leaf_first_hop_diagonal_accuracy": diagonal, "edge_recovery": 1.0,
            "chance": 1 / d, "steps": 100, "train_seconds": 10.0, "device": "cpu",
            "config": {"degree": d, "path_length": ell, "eval_every": 10, **config}, "history": []}


def in_context(d, em, given, objective="forward", hop=None, child=1.0):
    return {"objective": objective, "test_exact_match": em, "test_exact_match_given_first_hop": given,
            "test_hardest_token": em if hop is None else hop, "test_first_hop_is_child": child, "chance": 1 / d,
            "steps": 100, "train_seconds": 1.0, "device": "cpu", "config": {"degree": d, "path_length": 5}}


def records(**named):
    """``get`` over hand-built records; a keyword spells a result name with ``__`` for ``/`` and ``_``
    for ``-``, except in the chapter names (which keep their underscores)."""
    def name(k):
        head, _, tail = k.rpartition("__")
        tail = tail if tail[:2].isdigit() else tail.replace("_", "-")
        return f"{head}/{tail}" if head else tail
    return {name(k): m for k, m in named.items()}.get


GOOD = dict(cpu__in_weights=in_weights(1000, 5, 0.99),
            cpu__in_weights_frozen=in_weights(1000, 5, 0.0, train=1.0, diagonal=0.0),
            in_weights_g5000_5=in_weights(5000, 5, 0.99), in_weights_g10000_6=in_weights(10000, 6, 0.97),
            in_context_g2_5_forward=in_context(2, 0.5, 1.0))


def test_c1_reproduced_only_when_every_paper_graph_is_solved():
    ok = v.c1(records(**GOOD, in_weights_g10000_10=in_weights(10000, 10, 0.95)))
    assert ok.status == "reproduced" and "frozen" in ok.control
    failed = v.c1(records(**GOOD, in_weights_g10000_10=in_weights(10000, 10, 0.0, diagonal=0.0004)))
    assert failed.status == "partly" and "at chance on G(10⁴,10)" in failed.reason
    missing = v.c1(records(**GOOD))
    assert missing.status == "partly" and "no saved run on G(10⁴,10)" in missing.reason


def test_c1_an_under_trained_in_context_run_is_no_evidence():
    r = v.c1(records(**{**GOOD, "in_context_g2_5_forward": in_context(2, 0.5, 0.3)},
                     in_weights_g10000_10=in_weights(10000, 10, 0.95)))
    assert r.status == "partly" and "in context under-trained on G(2,5)" in r.reason


def test_c1_without_a_learned_control_is_not_reproduced():
    weak = {**GOOD, "cpu__in_weights_frozen": in_weights(1000, 5, 0.0, train=0.2)}
    r = v.c1(records(**weak, in_weights_g10000_10=in_weights(10000, 10, 0.95)))
    assert r.status == "partly" and r.control is None


def _order_study(crossings):
    return {"graph": "G(300,5)", "runs": {"preset lr": {"steps": 600, "eval_every": 10, **learning_order.summary(crossings)}}}


def test_c2_follows_the_measured_order():
    cascade = [{2: 300, 3: 200, 4: 100}] * 3
    assert v.c2(records(cpu__02_learning_order=_order_study(cascade))).status == "differs"
    # The leaf side first but no strict cascade (ties between positions): no right-to-left cascade, so not
    # ``differs``; without the teacherless control it cannot be ``reproduced`` either.
    leaf_first_with_ties = [{2: 150, 3: 150, 4: 105}, {2: 160, 3: 135, 4: 135}, {2: 160, 3: 160, 4: 125}]
    assert v.c2(records(cpu__02_learning_order=_order_study(leaf_first_with_ties))).status == "partly"
    together = [{2: 100, 3: 110, 4: 100}, {2: 120, 3: 100, 4: 130}, {2: 100, 3: 100, 4: 110}]
    r = v.c2(records(cpu__02_learning_order=_order_study(together)))
    assert r.status == "partly" and "teacherless contrast has no saved run" in r.reason  # no control: not reproduced
    mixed = [{2: 100, 3: 110, 4: 90}, {2: 120, 3: 100, 4: 130}, {2: 100, 3: 100, 4: 110}]
    assert v.c2(records(cpu__02_learning_order=_order_study(mixed))).status == "partly"
    assert v.c2(records()).status == "not run"


def test_c3_needs_the_in_context_control_to_have_learned_its_format():
    s = {"graph": "G(300,5)", "chance": 1 / 300, "in_weights_hardest_token": 0.96, "untrained_hardest_token": 0.0,
         "staged_peak_hardest_token": 0.6, "staged_hardest_token": 0.3}
    unlearned = in_context(2, None, None, "hardest-token", hop=0.116, child=0.245)
    r = v.c3(records(cpu__03_hardest_token=s, cpu__in_context_hardest_token=unlearned))
    assert r.status == "partly" and "has not learned the format" in r.reason
    learned = in_context(2, None, None, "hardest-token", hop=0.5, child=0.99)
    assert v.c3(records(cpu__03_hardest_token=s, cpu__in_context_hardest_token=learned)).status == "reproduced"
    low = {**s, "in_weights_hardest_token": 0.01}  # at chance, its training first hops not recorded: cannot tell
    r = v.c3(records(cpu__03_hardest_token=low, cpu__in_context_hardest_token=learned))
    assert r.status == "partly" and "is not recorded" in r.reason  # the in-context half holds
    assert v.c3(records(cpu__03_hardest_token=low)).status == "inconclusive"
    warm = {**learned, "warm_start": {"steps": 1200}, "steps": 2400}
    r = v.c3(records(cpu__03_hardest_token=s, cpu__in_context_hardest_token=warm))
    assert r.status == "reproduced" and "1,200" in r.reason and "from scratch" in r.reason  # the deviation is said
    assert "1,200-step forward warm start" in " ".join(r.evidence)


def test_c4_an_under_trained_frozen_run_is_not_evidence():
    r = v.c4(records(cpu__in_weights_frozen=in_weights(1000, 5, 0.0, train=0.3)))
    assert r.status == "inconclusive" and "under-trained control" in r.reason
    assert v.c4(records(cpu__in_weights_frozen=in_weights(1000, 5, 0.0))).status == "reproduced"
    r = v.c4(records(cpu__in_weights_frozen=in_weights(1000, 5, 0.8)))
    assert r.status == "differs" and "exclude a frozen model at chance" in r.reason
    assert v.c4(records()).status == "not run"


def _geometry(pa_edges):
    return {"graph": "G(300,5)", "chance": 1 / 300, "diagonal": {"edges only": 1.0, "edges + full paths": 1.0},
            "untrained": {"edges only": 0.0}, "contrast_leaf_first_hop": {"edges only": 0.6},
            "contrast_path_averaged": {"edges only": pa_edges}}


def test_c9_reports_a_path_averaged_diagonal_the_paper_does_not_see():
    staged = {"staged_peak_hardest_token": 0.9, "staged_hardest_token": 0.85}
    assert v.c9(records(cpu__04_path_star_geometry=_geometry(0.01), cpu__03_hardest_token=staged)).status == "reproduced"
    r = v.c9(records(cpu__04_path_star_geometry=_geometry(0.4), cpu__03_hardest_token=staged))
    assert r.status == "partly" and "where the paper finds none" in r.reason


def test_c5_partly_when_a_paper_graph_has_no_diagonal():
    get = records(cpu__04_path_star_geometry=_geometry(0.0), in_weights_g5000_5=in_weights(5000, 5, 0.99),
                  in_weights_g10000_10=in_weights(10000, 10, 0.0, diagonal=0.0004))
    r = v.c5(get)
    assert r.status == "partly" and "not on G(10000,10)" in r.reason


def test_a_verdict_is_one_of_five_and_each_status_says_what_it_must():
    with pytest.raises(ValueError, match="status must be one of"):
        v.Verdict("confirmed", "x")
    with pytest.raises(ValueError, match="control"):
        v.Verdict("reproduced", "x")
    with pytest.raises(ValueError, match="exclude"):
        v.Verdict("differs", "x")
    with pytest.raises(ValueError, match="decide"):
        v.Verdict("inconclusive", "x")
    with pytest.raises(ValueError, match="kind must be one of"):
        v.inconclusive("too hard", "x", "y", [])
    r = v.inconclusive("no power", "a null result", "more seeds", [])
    assert r.reason == "cannot tell (no power): a null result; would decide: more seeds"
    assert v.differs("a gap", "a gap above 0.1", []).reason == "a gap; our data exclude a gap above 0.1"


def test_a_rule_states_the_scale_of_the_records_it_read():
    @v.rule
    def reads(get):
        get("a"), get("b"), get("missing")
        return v.Verdict("reproduced", "x", [], "c")
    both = reads({"a": {"config": {"preset": "paper"}}, "b": {"preset": "cpu"}}.get)
    assert both.scale == "paper + cpu" and both.label == "reproduced" and not both.small_scale
    small = reads({"a": {"preset": "cpu"}, "b": {"config": {"preset": "cpu"}}}.get)
    assert small.scale == "cpu" and small.label == "reproduced (cpu scale)"
    assert reads({}.get).label == "reproduced (computed)"
    assert v.scale_of([{"config": {}}]) == "unstated"


def _knobs(verdict_lr):
    d = lambda v: {"verdicts": {"geometric_margin": v, "fiedler_share": v}}  # noqa: E731
    return {"knobs": {"width": 128, "steps": 100, "seeds": [7, 0, 1], "directions": {
        "initialization: N(0, 0.02) above unit-normal": d("holds"), "weight decay 10 restores": d("holds"),
        "learning rate: 1e-2 above 1e-4": d(verdict_lr)}}}


def test_c12_judges_each_knob_beyond_the_spread():
    assert v.c12(records(cpu__07_why_geometry=_knobs("holds"))).status == "reproduced"
    r = v.c12(records(cpu__07_why_geometry=_knobs("within the spread")))
    assert r.status == "partly" and "learning rate moves no measure" in r.reason and "not at the authors' width 512" in r.reason
    # off the authors' width a reversal cannot be judged; the knobs that hold still hold
    assert v.c12(records(cpu__07_why_geometry=_knobs("reversed"))).status == "partly"
    assert v.c12(records()).status == "not run"


def _sweep(**overrides):
    """A chapter-08 seeds record: three seeds per measurement, the paper's picture unless overridden."""
    chance = 1 / 300
    m = {"chance": [chance] * 3, "tree/chance": [0.003] * 3, "mixed/test_exact_match": [0.9, 0.91, 0.92]}
    for e, p, x in (("both", "forward", 0.9), ("both", "reverse", 0.9), ("forward", "forward", 0.0),
                    ("forward", "reverse", 0.0), ("backward", "forward", 0.0), ("backward", "reverse", 0.5)):
        m[f"directions/{e}/{p}/test_exact_match"] = [x, x + 0.01, x + 0.02] if x else [0.0] * 3
        m[f"directions/{e}/{p}/train_exact_match"] = m[f"directions/{e}/{p}/edge_recovery"] = [1.0] * 3
    for k, x in ((0, 0.5), (1, 0.6), (2, 0.7), (4, 0.8)):
        m[f"pauses/{k}/test_exact_match"] = m[f"pauses/{k}/held_out_auc"] = [x, x + 0.01, x + 0.02]
    for name, peak, final in (("fast", 0.7, 0.0), ("slow", 0.8, 0.6)):
        m[f"staged/{name}/peak"], m[f"staged/{name}/final"] = [peak, peak + 0.01, peak + 0.02], [final] * 3
        m[f"staged/{name}/edge_phase_edge_recovery"] = m[f"staged/{name}/train_exact_match"] = [1.0] * 3
        m[f"staged/{name}/edge_lr"], m[f"staged/{name}/path_lr"] = [1e-2] * 3, [5e-5] * 3  # the paper's
    for split, x in (("leaf", 0.3), ("first-token", 0.1)):
        m[f"tree/{split}/test_exact_match"], m[f"tree/{split}/train_exact_match"] = [x, x + 0.01, x + 0.02], [1.0] * 3
    for name in ("full paths", "first hop", "edges only"):
        m[f"mamba/{name}/gpt"], m[f"mamba/{name}/mamba"] = [0.9, 0.95, 1.0], [0.92, 0.95, 0.98]
    m.update(overrides)
    rec = {"seeds": [0, 1, 2], "graph": {"graph": "G(300,5)", "steps": 600, "tree": "T(37,5)"}, "preset": "cpu",
           "measurements": {k: {"values": v} for k, v in m.items()}}
    return records(cpu__08_what_else_matters_seeds=rec)


def test_chapter_08_claims_follow_the_seed_spreads():
    paper = _sweep()
    assert [getattr(v, f"c{i}")(paper).status for i in range(17, 22)] == ["reproduced"] * 5
    flat = _sweep(**{f"pauses/{k}/{x}": [0.8, 0.85, 0.9] for k in (0, 1, 2, 4) for x in ("test_exact_match", "held_out_auc")})
    r = v.c18(flat)  # n = 3, flat on both readings at the ceiling: the test cannot tell
    assert r.status == "inconclusive" and "near the ceiling" in r.reason
    no_back = _sweep(**{"directions/backward/reverse/test_exact_match": [0.0, 0.0, 0.0]})
    assert v.c17(no_back).status == "partly" and "do not give reverse paths" in v.c17(no_back).reason
    unlearned = _sweep(**{"directions/forward/forward/edge_recovery": [1.0, 0.5, 1.0]})
    assert v.c17(unlearned).status == "inconclusive" and "under-trained control" in v.c17(unlearned).reason
    low_peak = _sweep(**{"staged/fast/peak": [0.1, 0.12, 0.14], "staged/slow/peak": [0.3, 0.32, 0.34]})
    assert v.c19(low_peak).status == "partly" and "not high" in v.c19(low_peak).reason
    first_zero = _sweep(**{"tree/first-token/test_exact_match": [0.0, 0.0, 0.0]})
    r = v.c20(first_zero)
    assert r.status == "partly" and "first-token split 0.00" in r.reason and "not judged" in r.reason
    mamba_behind = _sweep(**{"mamba/full paths/mamba": [0.3, 0.35, 0.4]})
    r = v.c21(mamba_behind)
    assert r.status == "partly" and "not on full paths" in r.reason and "GPT above Mamba beyond the spread on full paths" in r.detail[0]
    assert v.c21(records()).status == "not run"


# ---- tiny graphs: chapter 05's multi-seed record -------------------------------------------------

def _m(*values):
    import numpy as np
    return {"mean": float(np.mean(values)), "sd": float(np.std(values, ddof=1)), "n": len(values), "values": list(values)}


def tiny_seed_record(tf_level=(0.4, 0.42, 0.38), frozen_level=(0.0, 0.01, -0.01), wide_share=(0.2, 0.22, 0.21),
                     nn_selfed_negative=(0.1, 0.12, 0.11)):
    runs = {}
    for g in v.TINY_GRAPHS:
        base = dict(topk_recovery=_m(1.0, 1.0, 1.0), concentration_chance=_m(0.25, 0.25, 0.25))
        runs[f"{g}/transformer"] = {"config": {"dim": 32}, "measures": {**base, "geometric_level": _m(*tf_level),
                                    "spectral_concentration": _m(0.6, 0.62, 0.58), "negative_share": _m(0.3, 0.32, 0.31)}}
        runs[f"{g}/mamba"] = {"config": {"dim": 32}, "measures": {**base, "geometric_level": _m(0.3, 0.32, 0.31),
                              "spectral_concentration": _m(0.5, 0.52, 0.51)}}
        runs[f"{g}/node2vec"] = {"config": {"dim": 100}, "measures": {**base, "geometric_level": _m(0.9, 0.91, 0.92),
                                 "spectral_concentration": _m(0.99, 0.995, 0.99), "fiedler_share": _m(0.99, 0.99, 0.99)}}
        runs[f"{g}/nn"] = {"config": {"dim": 512}, "measures": {**base, "geometric_level": _m(-0.3, -0.32, -0.31),
                           "negative_share": _m(0.5, 0.52, 0.51), "fiedler_share": _m(*wide_share)}}
        runs[f"{g}/associative"] = {"config": {"dim": 32}, "measures": {**base, "geometric_level": _m(*frozen_level)}}
        runs[f"{g}/associative-fast"] = {"config": {"dim": 512}, "measures": {"steps_to_full_recovery": _m(1, 1, 2),
                                         "topk_recovery": _m(1.0, 1.0, 1.0), "geometric_level": _m(0.0, 0.01, 0.0)}}
        runs[f"{g}/transformer-self-edges"] = {"config": {}, "measures": {"negative_share": _m(0.1, 0.12, 0.11)}}
        runs[f"{g}/nn-self-edges"] = {"config": {}, "measures": {"negative_share": _m(*nn_selfed_negative)}}
        runs[f"{g}/transformer-forward-only"] = {"config": {}, "measures": {"geometric_level": _m(0.2, 0.25, 0.3)}}
    runs["cycle/nn-width-32"] = {"config": {"dim": 32}, "measures": {"fiedler_share": _m(0.3, 0.32, 0.31)}}
    return {"runs": runs, "preset": "cpu", "provenance": {}}


def test_c7_follows_the_seeds_and_needs_the_learnable_control():
    ok = v.c7(records(cpu__05_tiny_seeds=tiny_seed_record()))
    assert ok.status == "reproduced" and ok.control
    weak = v.c7(records(cpu__05_tiny_seeds=tiny_seed_record(tf_level=(0.3, -0.2, 0.1))))
    assert weak.status == "partly" and weak.control is None
    geometric = v.c7(records(cpu__05_tiny_seeds=tiny_seed_record(frozen_level=(0.05, 0.2, 0.1))))
    assert geometric.status == "differs"
    assert v.c7(records()).status == "not run"


def test_c11_self_edges_judged_beyond_the_spread():
    ok = v.c11(records(cpu__05_tiny_seeds=tiny_seed_record()))
    assert ok.status == "partly" and "on 8 of 8" in ok.reason and "untying on Node2Vec has no saved run" in ok.reason
    within = v.c11(records(cpu__05_tiny_seeds=tiny_seed_record(nn_selfed_negative=(0.3, 0.7, 0.5))))
    assert within.status == "partly" and "on 4 of 8" in within.reason  # 4 of 8 pairs still beyond the spread


def test_c13_wide_network_share_against_node2vec_and_narrow():
    low = v.c13(records(cpu__05_tiny_seeds=tiny_seed_record()))
    assert low.status == "differs" and "below" in " ".join(low.detail)
    high = v.c13(records(cpu__05_tiny_seeds=tiny_seed_record(wide_share=(0.95, 0.96, 0.97))))
    assert high.status == "reproduced" and "Node2Vec" in high.control
    assert v.c13(records()).status == "not run"


def test_c15_and_c16_follow_the_spread():
    rec = tiny_seed_record()
    c15 = v.c15(records(cpu__05_tiny_seeds=rec))
    assert c15.status == "reproduced" and "chance" in c15.control
    c16 = v.c16(records(cpu__05_tiny_seeds=rec))
    assert c16.status == "partly" and "bilinear network on star" in c16.detail[0] and "Mamba" not in c16.detail[0]
    flipping = v.c15(records(cpu__05_tiny_seeds=tiny_seed_record(tf_level=(0.95, 0.1, 0.9))))
    assert flipping.status == "partly"


def test_c1_cites_the_path_length_map():
    rec = {"test_exact_match": 0.0, "train_exact_match": 1.0}
    found = {"cpu/09_path_length/d100-l5-e100": {"test_exact_match": 0.9, "train_exact_match": 1.0},
             "cpu/09_path_length/d100-l10-e100": rec}
    line = v.map_reach(found.get)
    assert "d=100, 100 epochs: 5" in line and "l = 10: d=100, 100 epochs: 0.000 (train 1.000)" in line
    assert v.map_reach({}.get) is None


def test_c1_cites_the_long_path_study_reach_over_seeds():
    def rec(em, knob_cfg=None):
        return {"test_exact_match": em, "train_exact_match": 1.0, "steps": 14768, "config": knob_cfg or {}}
    base = "cpu/09_long_path/d100-l7-s14768-"
    found = {base + "lr_1e-2": rec(0.6), base + "lr_1e-2-seed1": rec(0.4),      # one seed short: no reach
             base + "lr_3e-2": rec(0.8), base + "lr_3e-2-seed1": rec(0.7)}
    line = v.study_reach(found.get)
    assert "every seed: d = 100, l = 7, lr 3e-2, 14768 steps;" in line and "furthest l reached: d = 100, l = 7, lr 3e-2" in line
    assert "lr 1e-2," not in line.split("every seed:")[1].split(";")[0]
    assert v.study_reach({}.get) is None
    only_one = {base + "lr_3e-2": rec(0.8)}
    assert v.study_reach(only_one.get).endswith("furthest l reached: none")
