"""The deviations page: the paper's settings as data, our side read from presets, plans and runs."""
import json
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
    toc = (REPO / "_toc.yml").read_text()  # the verdicts first, the deviations with the reference pages
    assert toc.index("book/claims") < toc.index("notebooks/01") < toc.index("book/deviations")


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


# chapter-level records and paper-scale budgets -----------------------------------------------------
def test_every_chapter_record_behind_a_verdict_has_its_regime_on_the_page():
    html = dv.html().data
    cpu = REPO / "results" / "cpu"
    for name in ("02_learning_order", "03_hardest_token", "04_path_star_geometry", "05_tiny_seeds",
                 "07_why_geometry", "08_what_else_matters_seeds", "08_decisive_c17_c19", "08_decisive_c20_c21",
                 "07_knobs_width512"):
        if (cpu / name / "metrics.json").exists():
            assert f"results/cpu/{name}" in html, name
    rows = dv.in_weights_rows()
    cells = {r["runs"] for r in rows if r["record"].endswith("09_path_length")}
    assert cells == {p.parent.name for p in (cpu / "09_path_length").glob("*/metrics.json")}
    tiny = {r["record"] for r in dv.tiny_rows()}
    assert {f"results/cpu/{p.parent.name}" for p in cpu.glob("tiny-*/metrics.json")} <= tiny


def test_the_staged_runs_show_both_phase_rates_beside_the_papers():
    p1, p2 = dv.paper_staged_lrs()
    staged = [r for r in dv.in_weights_rows() if "staged" in r["runs"] or "two phases" in r["runs"]]
    assert staged, "chapter 08's and chapter 03's staged runs"
    for r in staged:
        assert r["schedule"].startswith("phase 1") and f"1/{p1 / p2:.3g}" in r["schedule"]
        assert f"phase 2: paths alone at peak {r['lr']}" in r["schedule"]
    # the C2 study keeps its two lrs in the record: the page shows them as recorded
    study = [r for r in dv.in_weights_rows() if r["record"].endswith("02_learning_order")]
    rec = json.loads((REPO / "results/cpu/02_learning_order/metrics.json").read_text())
    assert sorted(r["lr"] for r in study) == sorted(dv.sci(x["lr"]) for x in rec["runs"].values())


def test_schedule_text_by_hand():
    mixed = _config(warmup=10, steps=100)
    assert dv.schedule_text(mixed) == "edges and paths interleaved; warm-up 10, cosine to ×0.1 over 100"
    staged = _config(schedule="staged", edge_steps=50, edge_lr=1e-2, lr=1e-3, warmup=10, steps=100)
    assert "phase 1: edges alone 50 steps at peak 1e-2" in dv.schedule_text(staged)
    assert "phase 2 / phase 1 = 1/10 (paper: 5e-5 after 1e-2, 1/200)" in dv.schedule_text(staged)


def test_the_decisive_c20_c21_and_wide_knob_runs_show_their_regimes(tmp_path):
    from geomem_nb.studies import trees_and_mamba as dc, what_else_matters

    graph = dc.describe(what_else_matters.base_config("cpu"))
    for name, rec in ((dc.RECORD, {"preset": "cpu", "seeds": [1, 2, 3], "graph": graph, "measurements": {}, "provenance": {}}),
                      ("07_knobs_width512", {"preset": "cpu", "provenance": {}, "knobs": {"width": 512, "steps": 10000, "seeds": [7, 0, 1],
                                                                        "rows": {"lr 1e-2": {}}}})):
        (tmp_path / "cpu" / name).mkdir(parents=True)
        (tmp_path / "cpu" / name / "metrics.json").write_text(json.dumps(rec))
    rows = {r["runs"]: r for r in dv.in_weights_rows(tmp_path)}
    assert rows["decisive tree-star, both splits (C20)"]["graph"] == graph["tree"]
    mamba = rows["decisive Mamba, full paths (C21)"]
    assert mamba["lr"] == dv.sci(graph["mamba_lr"]) and mamba["steps"] == f"{graph['mamba_steps']:,}"
    (knob,) = [r for r in dv.tiny_rows(tmp_path) if r["record"] == "results/cpu/07_knobs_width512"]
    assert knob["ours"] == knob["authors"], knob  # the authors' width, lr and budget
    bad = dict(graph, tree="T(37,5)")
    (tmp_path / "cpu" / dc.RECORD / "metrics.json").write_text(json.dumps(
        {"preset": "cpu", "seeds": [1], "graph": bad, "measurements": {}, "provenance": {}}))
    with pytest.raises(ValueError, match="08_decisive_c20_c21.*graph"):
        dv.in_weights_rows(tmp_path)


def test_a_record_the_code_no_longer_rebuilds_is_refused(tmp_path):
    good = json.loads((REPO / "results/cpu/02_learning_order/metrics.json").read_text())
    bad = dict(good, graph="G(7,3)")
    (tmp_path / "cpu" / "02_learning_order").mkdir(parents=True)
    (tmp_path / "cpu" / "02_learning_order" / "metrics.json").write_text(json.dumps(bad))
    with pytest.raises(ValueError, match="02_learning_order.*graph"):
        dv.in_weights_rows(tmp_path)


def _paper_run(name, **kw):
    from geomem_nb import reproduce

    cfg = reproduce.plan(name, "paper")[0].record()
    m = {"config": {**cfg, **kw.pop("config", {})}, "history": [], "provenance": {}, **kw}
    return m


def test_why_stopped_by_hand():
    late = _paper_run("in-weights-g5000-5", steps=1000, train_seconds=50.0, config={"time_budget": 50.0})
    text = dv.why_stopped(late)
    assert "time limit" in text and "step 1,000 of 6,000" in text and "20 steps/s" in text and "about 300 s" in text
    hit = _paper_run("in-weights-g5000-5", steps=500, train_seconds=5.0,
                     history=[{"step": 500, "test_exact_match": 0.995}])
    assert "reached 0.99" in dv.why_stopped(hit) and "selected" in dv.why_stopped(hit)
    done = _paper_run("in-context-g2-5-forward", steps=20000, train_seconds=200.0)
    assert dv.why_stopped(done).startswith("all 20,000 planned steps")


def test_budget_rows_explain_each_shipped_paper_scale_runs_time_limit():
    rows = {r["run"]: r for r in dv.budget_rows()}
    assert "results/in-weights-g10000-10" in rows
    for run, r in rows.items():
        m = json.loads((REPO / run / "metrics.json").read_text())
        limit = m["config"].get("time_budget")
        assert f"time limit {limit:g} s" in r["given"], run
        if "--time-budget" in m["provenance"]["command"]:
            assert "command line" in r["given"] or "plan's own limit" in r["given"], run
        assert f"{m['steps']:,} steps" in r["got"] and r["stopped"], run
    html = dv.html().data
    assert all(dv.html_escape(r["stopped"]) in html for r in rows.values())


def test_the_page_lists_every_record_a_verdict_reads_and_no_machine_path():
    import html as _html
    import re

    from geomem_nb import claims
    from geomem_nb.results import shipped

    read = set()

    def get(name):
        m = shipped(name)
        if m:
            read.add(name)
        return m
    claims.verdicts(get)
    page = dv.html().data
    text = _html.unescape(page)

    def listed(name):  # a run as its own row, or as a row of its folder (chapter 9's runs, one per cell)
        folder, _, run = name.rpartition("/")
        return f"results/{name}" in text or (bool(folder) and f"results/{folder}" in text and f">{run}<" in text)
    folders = {n.rpartition("/")[0] for n in read}
    # C1 reads the long-path study, and the l = 8 control: the clock test's two seeds once shipped, else the
    # single diagnosed run
    assert "cpu/09_long_path" in folders and folders & {"cpu/09_clock", "cpu/09_first_hop"}, folders
    assert not sorted(n for n in read if not listed(n))
    assert len(re.findall(r">results/cpu/09_long_path<", text)) >= 28
    assert len(re.findall(r">results/cpu/09_first_hop<", text)) >= 7
    assert not re.findall(r"(?<![\w.])/(?:tmp|home|work|var|Users)/\S+", text)


def test_a_command_prints_its_out_folder_as_the_shipped_one():
    from geomem_nb.deviations.budgets import repo_relative
    cmd = "python -m geomem_nb reproduce in-weights-g5000-5 --time-budget 60 --out /tmp/res/in-weights-g5000-5"
    assert repo_relative(cmd, "in-weights-g5000-5").endswith("--out results/in-weights-g5000-5")
    assert repo_relative("python -m geomem_nb reproduce x --out=results/x", "x").endswith("--out=results/x")


# the page in brief, the full tables folded ---------------------------------------------------------
def _count_words():
    import importlib.util
    spec = importlib.util.spec_from_file_location("count_words", REPO / "tools" / "count_words.py")
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return module


def test_the_page_shows_each_setting_in_brief_and_folds_every_full_table():
    from geomem_nb import page
    cw = _count_words()
    text = cw.visible(f"<article>{dv.html().data}</article>")
    shown, folded = text["prose"], text["folded"]
    assert "Regime: " not in shown and "Regime: " in folded  # each run's regime line, one click away
    assert "preset in-weights · cpu" not in shown and "preset in-weights · cpu" in folded
    assert ">results/cpu/09_long_path<" not in dv.html().data.split("<details>", 1)[0]
    assert all(r["run"] in shown and r["by"] in shown for r in dv.budget_rows())
    assert "bilinear network" in folded and " | nn | " not in folded and " | associative-fast | " not in folded
    assert cw.words(shown) < cw.words(folded) / 4
    assert page.text_issues(shown + "\n" + folded) == []


def test_family_rows_by_hand():
    from geomem_nb.deviations import summary
    cells = {"run a": "target 0.99 reached at step 5: selected", "run b": "time limit at 3 of 9",
             "run c": "none (fixed steps)", "preset x": "none (fixed steps)"}
    rows = [dict(experiment=dv.IN_WEIGHTS, key="lr", setting="peak learning rate", paper="5e-5", source="Table 1",
                 effect="", ours={"run a": "1e-3", "run b": "1e-3", "run c": "5e-5", "preset x": "2e-3"},
                 differs={"run a": True, "run b": True, "run c": False, "preset x": True}),
            dict(experiment=dv.IN_WEIGHTS, key="stopping", setting="stopping rule", paper="none", source="§B.3",
                 effect="", ours=cells, differs={k: k != "run c" for k in cells})]
    runs = {k: {} for k in ("run a", "run b", "run c")}
    lr, stop = summary.family_rows(rows, dv.IN_WEIGHTS, runs)
    assert (lr["ours"], lr["off"], lr["paper"]) == ("1e-3; 5e-5", "2 of 3", "5e-5 (Table 1)")  # the preset is no run
    assert stop["ours"] == ("1 stopped at a held-out target (the number selected on those leaves); "
                            "1 stopped by a time limit; 1 ran all planned steps") and stop["off"] == "2 of 3"
    assert [(r["ours"], r["off"]) for r in summary.family_rows(rows, dv.IN_WEIGHTS, {})] == [("no saved run", "0 of 0")] * 2


def test_record_rows_group_the_single_tiny_runs_and_name_what_differs():
    from geomem_nb.deviations import summary
    tiny = [dict(record="results/cpu/tiny-star-nn", off="dim, lr"), dict(record="results/cpu/tiny-grid-nn", off=""),
            dict(record="results/cpu/05_tiny_seeds", off="")]
    iw = [dict(record="results/cpu/02_learning_order", lr="3e-3", steps="600"),
          dict(record="results/cpu/02_learning_order", lr="3e-4", steps="1,800")]
    rows = {r["record"]: r for r in summary.record_rows(iw, tiny)}
    assert rows["results/cpu/02_learning_order"]["how"] == "peak lr 3e-3, 3e-4; 600 to 1,800 steps"
    (single,) = [r for r in rows.values() if r["record"].startswith("results/cpu/tiny-")]
    assert single["rows"] == "2" and single["how"] == "1 of 2 differ from the authors' settings (in width, lr)"
    assert rows["results/cpu/05_tiny_seeds"]["how"] == "0 of 1 differ from the authors' settings"
