"""The geometry-lasts study: its entries and budgets, and how a longer run's measure is read against the
budgeted runs' (hand-built entries), and its command line refusing bad input before any run."""
import pytest

from geomem_nb.studies import geometry_lasts
from geomem_nb.experiments.tiny_config import TINY_GRAPHS, TINY_MODELS


def entry(finals, peaks):
    return {"runs": [{"seed": s, "final": {"geometric_level": f},
                      "curves": {"geometric_level": [(0, 0.0), (50, p), (100, f)]}}
                     for s, (f, p) in enumerate(zip(finals, peaks))]}


def test_entries_cover_every_model_and_graph_and_the_budget_is_the_chapters():
    names = geometry_lasts.entries("cpu")
    assert len(names) == len(TINY_GRAPHS) * len(TINY_MODELS) and "cycle/nn" in names
    assert geometry_lasts.entries("ci") == list(geometry_lasts.CI_ENTRIES)
    assert geometry_lasts.budget("star/transformer", "cpu") == 500  # the authors' steps (tiny_config)


def test_a_level_that_holds_rises_or_decays_with_the_longer_budget():
    budgeted = {"geometric_level": {"mean": 0.40, "sd": 0.01}}
    assert geometry_lasts.change(entry([0.41, 0.42], [0.5, 0.5]), budgeted)["with the longer budget"] == "persists"
    assert geometry_lasts.change(entry([0.70, 0.72], [0.7, 0.72]), budgeted)["with the longer budget"] == "rises"
    low = geometry_lasts.change(entry([0.10, 0.12], [0.9, 0.9]), budgeted)
    assert low["with the longer budget"] == "decays" and low["falls after its peak"]
    wide = {"geometric_level": {"mean": 0.40, "sd": 0.2}}  # a budgeted spread this wide holds 0.7
    assert geometry_lasts.change(entry([0.70, 0.72], [0.7, 0.72]), wide)["with the longer budget"] == "persists"
    assert "with the longer budget" not in geometry_lasts.change(entry([0.4, 0.4], [0.4, 0.4]), None)
    assert geometry_lasts.change(entry([0.4], [0.4]), budgeted, measure="geometric_margin") == {}


@pytest.mark.parametrize("argv, word", [(["--preset", "huge", "--out", "{tmp}/x"], "--preset"),
                                        (["--only", "star/nothing", "--out", "{tmp}/x"], "only"),
                                        ([], "--out")])
def test_bad_input_is_one_line_before_any_run(argv, word, tmp_path, capsys, monkeypatch):
    monkeypatch.setattr(geometry_lasts, "study", lambda *a, **k: pytest.fail("a run started"))
    with pytest.raises(SystemExit) as e:
        geometry_lasts.main([a.replace("{tmp}", str(tmp_path)) for a in argv])
    err = capsys.readouterr().err.strip()
    assert e.value.code == 2 and len(err.splitlines()) == 1 and word in err


def test_the_table_reads_each_entry_against_its_budgeted_runs():
    rec = {"factor": 10, "entries": {"star/nn": {**entry([0.41, 0.42], [0.5, 0.5]), "budget": 500, "steps": 5000},
                                     "cycle/nn": {**entry([0.1, 0.1], [0.6, 0.6]), "budget": 100, "steps": 1000}}}
    budgeted = {"runs": {"star/nn": {"measures": {"geometric_level": {"mean": 0.40, "sd": 0.01}}},
                         "cycle/nn": {"measures": {"geometric_level": {"mean": 0.50, "sd": 0.01}}}}}
    rows = geometry_lasts.table_rows(rec, budgeted, {"nn": "bilinear network"})
    assert [r["longer budget"] for r in rows] == ["persists", "decays"]
    assert rows[1]["its peak"] == 0.6 and rows[0]["budget"] == 500 and rows[0]["graph / model"] == "star / bilinear network"
    assert geometry_lasts.tally(rows) == {"persists": 1, "rises": 0, "decays": 1}
    assert geometry_lasts.table_rows(rec, None)[0]["longer budget"] == "—"
    assert geometry_lasts.table_rows(rec, budgeted, measure="geometric_margin") == []  # no margin recorded here
    with pytest.raises(ValueError, match="measure"):
        geometry_lasts.table_rows(rec, budgeted, measure="margin")


def test_lower_at_end_reads_only_the_named_models():
    rec = {"factor": 10, "entries": {"star/transformer": {**entry([0.2, 0.3], [0.8, 0.8]), "budget": 5, "steps": 50},
                                     "star/node2vec": {**entry([0.9, 0.9], [0.9, 0.9]), "budget": 5, "steps": 50}}}
    budgeted = {"runs": {n: {"measures": {"geometric_level": {"mean": 0.4, "sd": 0.0}}} for n in rec["entries"]}}
    assert geometry_lasts.lower_at_end(rec, budgeted) == pytest.approx({"star/transformer": -0.15})


def test_a_tiny_verdict_says_its_budget_and_what_follows_it():
    """``after_budget``, on hand-built records: a level that falls at ten times the budget is said to
    decay, one that stays is said to persist, and without the longer record the line says so."""
    from geomem_nb.verdicts.tiny_graphs import after_budget

    def run(final):
        return {"final": {"geometric_level": final}, "curves": {"geometric_level": [[0, 0.5], [10, final]]}}

    seeds = {"runs": {f"{g}/{m}": {"measures": {"geometric_level": {"mean": 0.5, "sd": 0.01}}}
                      for g in ("star", "grid") for m in ("node2vec", "transformer")}}
    lasts = {"factor": 10, "entries": {**{f"{g}/node2vec": {"runs": [run(0.5), run(0.52)]} for g in ("star", "grid")},
                                       "star/transformer": {"runs": [run(0.1), run(0.2)]},
                                       "grid/transformer": {"runs": [run(0.49), run(0.5)]}}}
    records = {"cpu/05_tiny_seeds": seeds, "cpu/05_geometry_lasts": lasts}
    line = after_budget(records.get, ("node2vec", "transformer"))
    assert line.startswith("read at the authors' budget")
    assert "Node2Vec: persists on 2 of 2 graphs" in line and "Transformer: persists on 1, decays on 1 of 2 graphs" in line
    assert "not there" in after_budget({"cpu/05_tiny_seeds": seeds}.get, ("node2vec",))
