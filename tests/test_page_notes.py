"""page_notes: folded blocks, a control's status in words, and a run loaded or trained with its line."""
import pytest

from geomem_nb import page_notes, viz


def test_fold_holds_its_parts_under_the_summary_and_escapes_text():
    table = viz.table([{"held-out exact match": 0.5}], show=False)
    html = page_notes.fold("The numbers", table, "a < b & c")._repr_html_()
    assert html.startswith("<details><summary>The numbers</summary>")
    assert "<table" in html and html.index("<table") > html.index("</summary>")
    assert "a &lt; b &amp; c" in html
    assert "The numbers" in repr(page_notes.fold("The numbers", "x")).splitlines()[0]


def test_fold_refuses_an_empty_summary():
    with pytest.raises(ValueError, match="summary"):
        page_notes.fold("  ", "x")


def test_status_in_words():
    bars = {"test_first_hop_is_child": 0.9}
    assert page_notes.status({"test_first_hop_is_child": 0.95}, bars, "learned its format") == "learned its format"
    said = page_notes.status({"test_first_hop_is_child": 0.5}, bars)
    assert said == "under-trained: guesses that are children of the source 0.500 below 0.9"
    assert "test_" not in said
    assert page_notes.status({}, {"edge_recovery": 0.9}) == "under-trained: edge recovery missing"


def test_load_or_train_says_which(monkeypatch):
    monkeypatch.setattr(page_notes, "recorded", lambda cfg, name: "saved")
    assert page_notes.load_or_train(None, "x", lambda: "trained") == (
        "saved", "loaded from the saved run made with these settings (the same numbers, not trained again)")

    def other(cfg, name):
        print(f"results/{name} was run with other settings (steps): trained here instead")
    monkeypatch.setattr(page_notes, "recorded", other)
    run, line = page_notes.load_or_train(None, "x", lambda: "trained")
    assert run == "trained" and line == "the saved run has other settings; trained here"
    monkeypatch.setattr(page_notes, "recorded", lambda cfg, name: None)
    assert page_notes.load_or_train(None, "x", lambda: "trained") == ("trained", "trained here")


def test_setup_note_is_in_words_and_folded(monkeypatch):
    monkeypatch.setenv("GEOMEM_SCALE", "ci")
    note = page_notes.setup_note("03_hardest_token")
    html = note._repr_html_()
    assert html.startswith("<details><summary>How this page was run")
    assert "at the ci preset" in html and "threads" not in html and "x86" not in html
