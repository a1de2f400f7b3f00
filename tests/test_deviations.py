"""The deviations page: the paper's settings as data, our side read from presets, plans and runs."""
import re

import pytest

from geomem_nb import deviations as dv
from geomem_nb.results import REPO
from geomem_nb.runtime import PRESETS


def _config(**kw):
    """An in-weights config as a saved run stores it (only the fields the code needs)."""
    base = dict(seed=0, model="gpt", layers=2, width=32, heads=2, steps=100, batch_size=19, lr=1e-3,
                warmup=10, weight_decay=0.01, degree=4, path_length=3, pause_tokens=1, pack=True,
                objective="full-path", edges="both", target=0.0, time_budget=0.0)
    return {**base, **kw}


@pytest.fixture(scope="module")
def rows():
    return dv.table()


def test_rows_cover_every_preset_scale_and_shipped_run(rows):
    runs = dv.shipped_runs()
    assert {"run results/in-weights-g5000-5", "run results/cpu/in-weights"} <= set(runs)
    for fam in dv.FAMILIES:
        mine = [r for r in rows if r["experiment"] == fam]
        assert {r["key"] for r in mine} >= {"lr", "epochs", "batch", "width", "layers", "pauses",
                                            "positions", "schedule", "stopping"}
        want = {label for label, m in runs.items() if dv.family(m["config"]) == fam}
        kinds = ("in-weights", "in-weights-small") if fam == dv.IN_WEIGHTS else ("in-context",)
        want |= {f"preset {k} · {s}" for k in kinds for s in PRESETS}
        for r in mine:
            assert want <= set(r["ours"]) and set(r["ours"]) == set(r["differs"])
            assert all(r["ours"].values())


def test_tiny_runs_and_chapter_records_are_left_out():
    assert not [k for k in dv.shipped_runs() if "tiny-" in k or re.search(r"/\d\d_", k)]


def test_epochs_on_a_hand_built_graph():
    # G(4,3): 4 arms of 2 edges, both directions = 16 edge examples; int(0.75 * 4) = 3 training paths.
    cfg = _config()
    assert dv.training_examples(cfg) == {"edges": 16, "paths": 3}
    # batch 19 draws 16 edges + 3 paths a step (packing two 2-token edges a row loses nothing).
    assert dv.epochs({"config": cfg, "steps": 10}) == pytest.approx(10.0)
    assert dv.epochs({"config": _config(pack=False), "steps": 38}) == pytest.approx(38.0)
    # edges only: 16 examples, batch 8 -> half an epoch a step
    assert dv.epochs({"config": _config(objective="edges-only", batch_size=8), "steps": 4}) == pytest.approx(2.0)


def test_set_epochs_per_set_on_a_hand_built_graph():
    cfg = _config()
    assert dv.set_epochs({"config": cfg, "steps": 10}) == pytest.approx({"edges": 10.0, "paths": 10.0})
    # staged: 5 edge steps drawing the whole batch of edges, then 10 path steps drawing only paths
    staged = _config(schedule="staged", edge_steps=5, warmup=1)
    per_set = dv.set_epochs({"config": staged, "steps": 15})
    assert per_set["edges"] > 5 and per_set["paths"] > 10 and set(per_set) == {"edges", "paths"}
    with pytest.raises(ValueError, match="metrics"):
        dv.set_epochs({"steps": 3})


def test_epochs_rejects_in_context_and_bad_input():
    ic = dict(_config(), num_labels=20, objective="forward")
    with pytest.raises(ValueError, match="in-context"):
        dv.epochs({"config": ic, "steps": 10})
    with pytest.raises(ValueError, match="steps"):
        dv.epochs({"config": _config(), "steps": -1})
    with pytest.raises(ValueError, match="metrics"):
        dv.epochs({"steps": 3})


def test_regime_says_a_target_stop_is_selected_on_the_held_out_leaves():
    cfg = _config(target=0.99, steps=1000, time_budget=60.0)
    history = [{"step": 0, "test_exact_match": 0.0}, {"step": 250, "test_exact_match": 0.7},
               {"step": 500, "test_exact_match": 0.995}]
    line = dv.regime({"config": cfg, "steps": 500, "history": history})
    assert "selected on the held-out leaves" in line and "step 500 of 1,000" in line
    assert "peak lr 1e-3 (paper: 5e-5)" in line
    assert "paper: 50,000 epochs" in line
    # the same run stopped by its time limit instead is not selected, and says so
    late = dv.regime({"config": cfg, "steps": 400, "history": history[:2]})
    assert "selected" not in late and "time limit" in late and "never reached" in late
    # no target: a fixed run, the last evaluation
    fixed = dv.regime({"config": _config(), "steps": 100, "history": []})
    assert "no early stopping" in fixed and "selected" not in fixed


def test_regime_of_every_shipped_run():
    for label, m in dv.shipped_runs().items():
        line = dv.regime(m)
        assert line.startswith("Regime: ") and f"{m['steps']:,} steps" in line
        if (m["config"].get("target") or 0) and any((h.get("test_exact_match") or 0) >= m["config"]["target"]
                                                    for h in m["history"]):
            assert "selected on the held-out leaves" in line, label


def test_paper_values_are_data_not_typed_into_the_page():
    # every setting has a source section and a value or an explicit "not stated"
    for p in dv.PAPER:
        assert p["source"] and (p["value"] is not None or "not stated" in p["text"])
    assert dv.paper("lr", "in-weights")["value"] == 5e-5 and dv.paper("lr", "in-context")["value"] == 1e-4
    assert dv.paper("width", "in-weights")["value"]["G(10000,10)"] == 784
    page = (REPO / "book" / "deviations.md").read_text()
    for p in dv.PAPER:  # no paper value typed into the page (word-bounded: "12" may sit in "C12")
        assert not re.search(rf"(?<![\w.]){re.escape(dv.paper_text(p))}(?![\w])", page), p["key"]
    html = dv.html().data
    for p in dv.PAPER:
        assert dv.html_escape(dv.paper_text(p)) in html


def test_paper_setting_lookup_rejects_a_bad_family():
    with pytest.raises(ValueError, match="family"):
        dv.paper("lr", "tiny")


def test_page_is_in_the_toc_after_claims():
    toc = (REPO / "_toc.yml").read_text()
    assert toc.index("book/claims") < toc.index("book/deviations") < toc.index("notebooks/01")


def _ic_config(degree, width, path_length=5):
    return dict(_config(degree=degree, path_length=path_length, width=width, lr=1e-4), num_labels=50,
                objective="forward")


@pytest.mark.parametrize("degree, paper_width", [(2, 384), (10, 384), (20, 784)])
def test_in_context_width_is_each_paper_graphs_own(degree, paper_width):
    # Table 1: G(2,5) and G(10,5) at 384, G(20,5) at 784 (all three share l = 5)
    assert not dv.differs("width", dv.IN_CONTEXT, _ic_config(degree, paper_width), None)
    other = 784 if paper_width == 384 else 384
    assert dv.differs("width", dv.IN_CONTEXT, _ic_config(degree, other), None)
    line = dv.regime({"config": _ic_config(degree, paper_width), "steps": 10, "history": []})
    assert f"width {paper_width}" in line and f"width {paper_width} (paper" not in line


def test_width_of_a_graph_off_the_table():
    # in context, l = 5 rows disagree (384, 384, 784): the default; l = 6 has no row: the default
    assert not dv.differs("width", dv.IN_CONTEXT, _ic_config(4, 384), None)
    assert not dv.differs("width", dv.IN_CONTEXT, _ic_config(2, 384, path_length=6), None)
    # in weights, one row per path length: G(300,10) is held to G(10000,10)'s 784, named
    line = dv.regime({"config": _config(degree=300, path_length=10, width=384), "steps": 10, "history": []})
    assert "width 384 (paper: 784 on G(10000,10))" in line
    assert not dv.differs("width", dv.IN_WEIGHTS, _config(degree=300, path_length=5, width=384), None)


def test_shipped_in_context_runs_flag_width_only_off_their_paper_row(rows):
    width = next(r for r in rows if r["experiment"] == dv.IN_CONTEXT and r["key"] == "width")
    for label, m in dv.shipped_runs().items():
        if label in width["differs"] and re.search(r"in-context-g(2|10)-5", label):
            assert m["config"]["width"] == 384 and not width["differs"][label], label
    assert dv.paper_text(dv.paper("width", dv.IN_CONTEXT)) == "384; 784 for G(20,5)"
