"""The chapters' table and sentence builders (chapters 6 to 9): each row in reader words, every number
rounded, every flag yes/no, and each computed sentence true of the rows it is computed from."""
from types import SimpleNamespace

import pytest

from geomem_nb import graphs, path_length_tables, prose, spectral, spectrum_tables, stats
from geomem_nb.studies import path_length_map
from geomem_nb import what_else_tables, why_geometry_tables


# --- prose ------------------------------------------------------------------------------------------
def test_num_rounds_and_never_prints_a_repr():
    assert prose.num(0.97916666) == "0.979" and prose.num(2 / 3, 2) == "0.67"
    assert prose.num(14768) == "14,768" and prose.num(1e-5) == "1.0e-05"
    assert prose.num(None) == "—" and prose.num(float("nan")) == "—"
    assert prose.num(True) == "yes" and prose.yes_no(False) == "no"


@pytest.mark.parametrize("bad", [-1, 4, 1.5, True])
def test_num_refuses_bad_digits(bad):
    with pytest.raises(ValueError, match="digits"):
        prose.num(0.5, bad)


def test_yes_no_refuses_a_non_boolean():
    with pytest.raises(ValueError, match="flag"):
        prose.yes_no(1)


def test_words_and_say():
    assert prose.words(["a", "b", "c"]) == "a, b and c" and prose.words(["a"]) == "a" and prose.words([]) == "none"
    shown = prose.say("**x** is 1")
    assert shown._repr_markdown_() == "**x** is 1" and repr(shown) == "**x** is 1"
    with pytest.raises(ValueError, match="text"):
        prose.say(None)


# --- chapter 6 --------------------------------------------------------------------------------------
def test_metric_controls_span_chance_to_one():
    g = {"cycle": graphs.tiny_graph("cycle")}
    spaces = {"cycle": spectral.eigenspaces(g["cycle"].adjacency())}
    (row,) = spectrum_tables.metric_controls(g, spaces)
    assert row["built from the top two eigenspaces"] == pytest.approx(1.0)
    assert row["random orthogonal"] == pytest.approx(row["chance"]) and row["chance"] < 0.5
    (eig,) = spectrum_tables.eigenvalue_rows(spaces)
    assert eig["trivial"] == "2.000" and eig["non-trivial (×dimension)"].startswith("1.827×2")


def _n2v_run(shares, concentration, chance):
    energy = [{"trivial": True, "share": 0.0}] + [{"trivial": False, "share": s} for s in shares]
    return SimpleNamespace(metrics={"spectral_energy": energy, "spectral_concentration": concentration,
                                    "concentration_chance": chance})


def test_energy_caption_reads_the_runs():
    text = spectrum_tables.energy_caption({("cycle", "node2vec"): _n2v_run([0.999, 0.001], 1.0, 0.286),
                                           ("irregular", "node2vec"): _n2v_run([0.59, 0.38, 0.03], 0.97, 0.143)})
    assert "the 15-cycle 1.00 on the first bar" in text and "the irregular graph 0.59 on the first bar and 0.97" in text
    assert "chance 0.14" in text


# --- chapter 9 --------------------------------------------------------------------------------------
def _run(d, ell, epochs, held_out, diagonal=1.0, train=1.0, **extra):
    return {"degree": d, "path_length": ell, "epochs": epochs, "test_exact_match": held_out, "train_exact_match": train,
            "leaf_first_hop_diagonal_accuracy": diagonal, "train_seconds": 10.0 * ell, **extra}


def test_frontier_rows_find_the_longest_length_per_line():
    rows = [_run(100, 5, 100, 0.9), _run(100, 6, 100, 0.0, 0.95), _run(100, 7, 100, 0.0, 0.2),
            _run(300, 5, 100, 0.8), _run(300, 6, 100, 0.6, train=0.5)]
    a, b = path_length_tables.frontier_rows(rows)
    assert (a["d"], a["lengths tried"], a["longest l, held-out at least 0.5"], a["longest l, diagonal at least 0.5"]) \
        == (100, "5, 6, 7", 5, 6)
    assert a["every run fitted its training paths"] == "yes" and b["every run fitted its training paths"] == "no"
    assert b["longest l, held-out at least 0.5"] == 6


def test_furthest_takes_the_longest_reached_length():
    rows = [_run(100, 6, 3000, 0.9), _run(100, 7, 3000, 0.6), _run(100, 8, 10000, 0.0)]
    assert path_length_tables.furthest(rows)["path_length"] == 7
    assert path_length_tables.furthest([_run(100, 8, 100, 0.1)]) is None


def test_factor_text_rounds_and_gives_the_range():
    fit = {"factor per l": 4.43, "lengths": [5, 6, 7, 8], "leave one out": (2.91, 5.24), "interval": [3.1, 6.3]}
    text = path_length_tables.factor_text(fit)
    assert text.startswith("about ×4 per +1 in ℓ") and "×2.9–×5.2 leaving one length out" in text
    assert "95% interval ×3.1–×6.3" in text and "ℓ = 5 to 8" in text and "4.43" not in text
    assert "leaving" not in path_length_tables.factor_text({"factor per l": 7.4, "lengths": [5, 6]})


def test_push_choice_is_the_best_seed0_setting():
    steps = path_length_map.STUDY_STEPS
    study = [dict(_run(100, 7, 0, v, knob=k, seed=s), steps=steps) for k, v, s in
             [(path_length_map.COST_KNOB, 0.6, 0), (path_length_map.PUSH_KNOB, 1.0, 0), ("lr 3e-2", 0.9, 1), ("first hop only", None, 0)]]
    assert path_length_tables.push_choice(study) == (path_length_map.PUSH_KNOB, 1.0, 0.6)


def test_knob_label_and_under_trained_in_words():
    assert path_length_tables.knob_label({"knob": "lr 1e-2", "epochs": 3000, "seed": 1}) == "lr 1e-2, 3,000 epochs, seed 1"
    assert path_length_tables.knob_label({"knob": None, "epochs": 300}) == ""
    rows = [_run(100, 5, 100, 0.9), _run(100, 8, 100, 0.0, train=0.4)]
    assert path_length_tables.under_trained(rows) == "d = 100, l = 8, 100 epochs"
    assert path_length_tables.under_trained(rows[:1]) == "none"


# --- chapter 7 --------------------------------------------------------------------------------------
def test_race_timing_takes_the_weakest_case_over_seeds():
    def run(memorized, margins):
        history = [{"step": i, "topk_recovery": 1.0 if i >= memorized else 0.5, "geometric_margin": m}
                   for i, m in enumerate(margins)]
        return SimpleNamespace(history=history, metrics={"geometric_margin": margins[-1], "steps_to_full_recovery": memorized})
    t = why_geometry_tables.race_timing([run(1, [0, 0, 1, 2, 4]), run(2, [0, 0, 0, 3, 4])])
    assert t["memorized"] == 2 and t["half"] == 3 and t["final"] == 4.0
    assert t["seeds"]["memorized"] == [1, 2] and t["seeds"]["half"] == [3, 3]
    (row,) = why_geometry_tables.race_rows({"frozen, width 512, lr 0.1": t})
    assert row["setting"].startswith("fast associative memory") and row["every edge stored at step"] == "1, 2"


def test_directions_in_words_never_a_status():
    hi, lo = stats.spread([3.0, 3.2, 3.1]), stats.spread([0.0, 0.1, -0.1])
    D = {"weight decay": {"fiedler_share": {"higher": hi, "lower": lo, "verdict": "holds"},
                          "geometric_margin": {"higher": lo, "lower": hi, "verdict": "reversed"}}}
    rows = why_geometry_tables.direction_rows(D)
    assert [r["beyond the spread"] for r in rows] == ["the paper's direction", "the other way"]
    assert rows[0]["measure"] == "Fiedler share"
    assert why_geometry_tables.beyond(D) == {"weight decay": ["fiedler_share"]}


def test_paper_size_sentence_names_every_factor_beyond_two():
    rows = [{"graph": "G(5000,5)", "regime": "tied, both directions", "factor": 1.52, "cheaper": "geometric"},
            {"graph": "G(10000,10)", "regime": "tied, forward only", "factor": 2.68, "cheaper": "associative"}]
    text = why_geometry_tables.paper_size_sentence(rows)
    assert "within a factor of 1.52" in text and "G(10000,10) tied, forward only (2.68, the associative" in text


# --- chapter 8 --------------------------------------------------------------------------------------
def test_cells_show_the_seed_then_the_spread():
    cell = what_else_tables.Cells({"a": 0.98765, "b": 0.5}, {"a": stats.spread([0.9, 1.0])})
    assert cell("a") == "0.988 | 0.950 ± 0.071" and cell("b") == "0.500"
    assert what_else_tables.Cells({"a": 0.25}, None)("a") == "0.250"


def test_comparison_words_drop_the_symbols():
    assert what_else_tables.comparison_words("C21 GPT > Mamba, full paths") == "GPT above Mamba, full paths (C21)"


def test_learned_column_names_the_shortfall():
    ok = {"x/edge_recovery": 1.0, "x/train_exact_match": 0.95}
    short = {"x/edge_recovery": stats.spread([1.0, 0.5]), "x/train_exact_match": stats.spread([1.0, 1.0])}
    assert what_else_tables.learned(ok, "x/", what_else_tables.LEARNED) == "yes"
    assert what_else_tables.learned(short, "x/", what_else_tables.LEARNED) == "edge recovery 0.500 < 0.9"
