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
    assert "<b>Verdicts:</b>" in page and "<th>verdict</th><th>claim</th>" in page and "<details>" in page
    assert 'href="../notebooks/02_in_weights_path_star.html"' in page
    found = claims.verdicts()
    for x in found.values():  # every verdict has its badge (with its scale where it rests on cpu runs only) and scale
        assert f">{html.escape(x.label)}</span>" in page and f"(scale: {html.escape(x.scale)})" in page
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


REASON_WORDS = 60   # a reason on the claims page: one or two plain sentences
HEADLINE_WORDS = 15  # the intro's results table: our key number with its scale; the paper's own number


def test_every_reason_is_short_and_plain_and_every_claim_has_its_headline_and_paper_number():
    import re
    found = claims.verdicts()
    for cid, x in found.items():
        assert len(x.reason.split()) <= REASON_WORDS, (cid, len(x.reason.split()), x.reason)
        assert not re.search(r"\w+_\w+|geomem_nb|results/|\bcpu/|\.py\b|python -m", x.reason), (cid, x.reason)
        assert x.headline and len(x.headline.split()) <= HEADLINE_WORDS, (cid, x.headline)
        assert x.headline.endswith(x.scale if not x.computed else "computed"), (cid, x.headline, x.scale)
    assert all(c.paper and len(c.paper.split()) <= HEADLINE_WORDS for c in claims.CLAIMS)


def test_the_page_shows_no_repr_none_boolean_long_float_or_machine_path():
    import re
    text = html.unescape(re.sub(r"<[^>]+>", " ", claims.table().data))
    for pattern in (r"\bNone\b", r"\bTrue\b", r"\bFalse\b", r"\d\.\d{5,}", r"\[[\d'\"]", r"\{'", r"\bv1\b",
                    r"(?<![\w.])/(?:tmp|home|work|var|Users)/"):
        assert not re.search(pattern, text), (pattern, re.search(pattern, text) and text[
            max(0, re.search(pattern, text).start() - 80):re.search(pattern, text).start() + 40])


def test_reasons_fold_their_detail_and_the_scheme_table_is_the_schemes():
    from geomem_nb.verdicts import grading
    page, found = claims.table().data, claims.verdicts()
    for x in found.values():
        for d in x.detail:
            assert html.escape(d) in page.split("<details>", 1)[1]  # folded, never in the visible reason
    scheme = claims.scheme_table().data
    assert all(html.escape(parts) in scheme for parts, _ in grading.TABLE)
    assert claims.sentence("cannot tell (no power): x") == "Cannot tell (no power): x."


def _page_text() -> str:
    """The claims page as a reader sees it, folded text included: its Markdown and its two tables."""
    import importlib.util
    import re
    from pathlib import Path

    root = Path(__file__).resolve().parent.parent
    spec = importlib.util.spec_from_file_location("count_words", root / "tools" / "count_words.py")
    count_words = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(count_words)
    md = re.sub(r"```\{code-cell\}.*?```", "", (root / "book" / "claims.md").read_text(), flags=re.S)
    parts = count_words.visible(f"<article>{claims.scheme_table().data}{claims.table().data}</article>")
    return "\n".join((md, parts["prose"], parts["folded"]))


def test_the_page_passes_the_books_text_checks_and_states_only_its_own_verdicts():
    from geomem_nb import page
    text = _page_text()
    assert "C16" in text and "bilinear network" in text and "<details>" not in text
    assert page.text_issues(text) == []
    assert page.contradictions(text, claims.verdicts()) == []
