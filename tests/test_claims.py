import html

from geomem_nb import claims, results, verdicts as v


def test_every_claim_listed_once():
    ids = [c.id for c in claims.CLAIMS]
    assert ids == [f"C{i}" for i in range(1, 23)]
    assert all(set(c.chapters) <= set(claims.CHAPTERS) for c in claims.CLAIMS)


def test_evidence_comes_from_the_result_files():
    m = results.shipped("cpu/in-weights")
    assert m is not None, "the shipped cpu-preset run is missing"
    c1 = claims.verdicts()["C1"]
    assert any(f"{m['test_exact_match']:.3f}" in line for line in c1.evidence)


def test_page_shows_a_verdict_first_and_links_existing_chapters():
    page = claims.table().data
    assert "<b>Verdicts:</b>" in page and "<th>verdict</th><th>claim</th>" in page
    assert 'href="../notebooks/02_in_weights_path_star.html"' in page
    found = claims.verdicts()
    for x in found.values():  # every verdict has its badge (with its scale where it rests on cpu runs only) and scale
        assert f">{html.escape(x.label)}</span>" in page and f"<b>scale:</b> {html.escape(x.scale)}" in page
    small = [x for x in found.values() if x.status == "reproduced" and x.small_scale]
    assert all(x.label == f"reproduced ({x.scale} scale)" for x in small)
    assert claims.SMALL_SCALE_COLOUR in page if small else True


def test_small_scale_reproductions_are_counted_apart():
    from geomem_nb.verdicts import Verdict
    found = {"a": Verdict("reproduced", "x", [], "c", scale="cpu"), "b": Verdict("reproduced", "x", [], "c", scale="paper"),
             "c": Verdict("inconclusive", "x", [], decide="y", scale="cpu")}
    html = claims.summary_html(found)
    assert "2 reproduced (1 of them at small scale or computed only)" in html and "1 inconclusive" in html


def test_every_claim_has_a_verdict_from_the_shipped_results():
    found = claims.verdicts()
    assert list(found) == [f"C{i}" for i in range(1, 23)]
    assert all(x.status in v.STATUSES and x.reason for x in found.values())
    assert found["C1"].status != "reproduced"  # G(10^4,10) is at chance in the shipped run
    n = claims.counts(found)  # the counts are those of the verdicts, and the summary says each of them
    assert n == {s: sum(x.status == s for x in found.values()) for s in v.STATUSES} and sum(n.values()) == 22
    assert all(f"{k} {s}" in claims.summary(found) for s, k in n.items())
    assert claims.summary(found).endswith("(of 22 claims)")
