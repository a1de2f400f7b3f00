from geomem_nb import claims, results


def test_every_claim_listed_once():
    ids = [c.id for c in claims.CLAIMS]
    assert ids == [f"C{i}" for i in range(1, 23)]
    assert all(set(c.chapters) <= set(claims.CHAPTERS) for c in claims.CLAIMS)


def test_evidence_comes_from_the_result_files():
    m = results.shipped("cpu/in-weights")
    assert m is not None, "the shipped cpu-preset run is missing"
    c1 = claims.verdicts()["C1"]
    assert any(f"{m['test_exact_match']:.3f}" in line for line in c1.evidence)
    assert results.shipped("no/such/run") is None


def test_page_shows_a_verdict_first_and_links_existing_chapters():
    page = claims.table().data
    assert "<b>Verdicts:</b>" in page and "<th>verdict</th><th>claim</th>" in page
    assert 'href="../notebooks/02_in_weights_path_star.html"' in page
    for status in {x.status for x in claims.verdicts().values()}:  # every verdict that occurs has its badge
        assert f">{status}</span>" in page


def test_every_shipped_chapter_record_has_its_schema_keys():
    from geomem_nb import schemas

    for chapter in schemas.CHAPTER_RECORDS:
        m = results.shipped(f"cpu/{chapter}")
        assert m is not None, f"results/cpu/{chapter} is not shipped"
        assert schemas.missing(chapter, m) == [], (chapter, schemas.missing(chapter, m))


def test_a_record_that_lacks_a_schema_key_is_refused(monkeypatch):
    import pytest

    monkeypatch.delenv("GEOMEM_SAVE_RESULTS", raising=False)
    with pytest.raises(ValueError, match="lacks steps, chance"):
        results.record("08_what_else_matters", {"graph": "G(2,3)"}, "ci")
