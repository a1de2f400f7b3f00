"""A chapter's takeaway and the intro's results table show what ``claims.verdicts()`` says, never typed."""
import pytest

from geomem_nb import claims, page
from geomem_nb.verdicts import Verdict

NOTHING = lambda name: None  # noqa: E731  (no records: every claim that needs a run is "not run")


def fake_verdicts(monkeypatch, found):
    """claims.verdicts replaced by hand-built verdicts; the ``get`` it is called with is recorded."""
    seen = []
    monkeypatch.setattr(claims, "verdicts", lambda get: seen.append(get) or found)
    return seen


def hand_built():
    found = {c.id: Verdict("not run", "no saved run yet", scale="none") for c in claims.CLAIMS}
    found["C1"] = Verdict("differs", "r", control="c", excludes="e", scale="paper + cpu")
    found["C3"] = Verdict("reproduced", "r", control="c", scale="cpu")
    found["C5"] = Verdict("partly", "r", scale="paper")
    found["C5"].headline = "0.42 held-out (paper scale)"
    return found


def test_takeaway_shows_each_claims_verdict_scale_and_link(monkeypatch):
    get = object()
    seen = fake_verdicts(monkeypatch, hand_built())
    html = page.takeaway("C1", "C3", get=get)._repr_html_()
    assert seen == [get]
    assert html.count("<li>") == 2
    assert ">differs</span> <b>C1</b> " + page.BY_ID["C1"].short in html and "(paper + cpu)" in html
    assert ">reproduced (cpu scale)</span> <b>C3</b>" in html and claims.SMALL_SCALE_COLOUR in html
    assert 'href="../book/claims.html#claim-C1"' in html and 'href="../book/claims.html#claim-C3"' in html
    assert "C5" not in html


def test_takeaway_prefers_the_verdicts_headline_to_its_scale(monkeypatch):
    fake_verdicts(monkeypatch, hand_built())
    html = page.takeaway("C5", get=None)._repr_html_()
    assert "(0.42 held-out (paper scale))" in html and ">partly</span>" in html


def test_takeaway_without_records_says_not_run():
    html = page.takeaway("C1", get=NOTHING)._repr_html_()
    assert ">not run</span> <b>C1</b>" in html


@pytest.mark.parametrize("ids", [(), ("C23",), ("c1",), ("C1", "X")])
def test_takeaway_refuses_unknown_ids(ids):
    with pytest.raises(ValueError, match="claim id|at least one"):
        page.takeaway(*ids, get=NOTHING)


def test_results_table_has_one_row_per_claim_in_order(monkeypatch):
    found = hand_built()
    fake_verdicts(monkeypatch, found)
    html = page.results_table(get=None)._repr_html_()
    rows = html.split("<tr>")[2:]
    assert len(rows) == len(claims.CLAIMS) == 22
    for row, c in zip(rows, claims.CLAIMS):
        assert f'#claim-{c.id}">{c.id}</a>' in row and f">{found[c.id].label}</span>" in row
    assert "0.42 held-out (paper scale)" in rows[4] and "paper + cpu" in rows[0]


def paper_run(d, ell, budget, steps, kind="in-weights", model="gpt"):
    config = {"degree": d, "path_length": ell, "time_budget": budget, "model": model, "steps": 8000,
              "batch_size": 2048, "seed": 0}
    config.update({"pause_tokens": ell, "objective": "full-path", "edges": "both"} if kind == "in-weights"
                  else {"num_labels": 50, "objective": "forward"})
    return {"config": config, "steps": steps, "provenance": {"device": "NVIDIA H100"}}


def test_scale_text_reads_the_runs_and_the_verdicts(monkeypatch):
    found = hand_built()
    found["C8"] = Verdict("partly", "r", scale="computed from the paper's counts")
    fake_verdicts(monkeypatch, found)
    runs = {"in-weights-g5000-5": paper_run(5000, 5, 60.0, 3000),
            "in-context-g2-5-forward": paper_run(2, 5, 20.0, 500, kind="in-context")}
    text = page.scale_text(get=None, runs=runs)
    assert text.startswith("**At what scale.** 2 runs used the paper's graphs") and "one NVIDIA H100 GPU" in text
    assert "in weights on G(5000,5), in context on G(2,5)" in text and "time limit of 20–60 s" in text
    assert "No Mamba model ran at the paper's scale." in text
    assert "The verdicts of C1, C5 rest in part on these runs." in text  # C8's "paper's counts" is no run
    assert "Of the others, 1 rest on `cpu` runs alone" in text and "and 1 on a computation" in text
    assert "Not run yet: C2, C4, C6," in text


def test_scale_text_without_paper_runs_says_only_what_the_verdicts_rest_on(monkeypatch):
    fake_verdicts(monkeypatch, hand_built())
    text = page.scale_text(get=None, runs={})
    assert "runs used" not in text and "Mamba" not in text and "The verdicts of C1, C5" in text
