from geomem_nb import claims


def test_every_claim_listed_once():
    ids = [c.id for c in claims.CLAIMS]
    assert ids == [f"C{i}" for i in range(1, 23)]
    assert all(set(c.chapters) <= set(claims.CHAPTERS) for c in claims.CLAIMS)


def test_measured_text_comes_from_the_result_files():
    m = claims.load("cpu/in-weights")
    assert m is not None, "the shipped cpu-preset run is missing"
    row = next(r for r in claims.rows() if r["id"] == "C1")
    assert f"{m['test_exact_match']:.3f}" in row["measured"]
    assert claims.load("no/such/run") is None


def test_table_links_only_existing_chapters():
    html = claims.table().data
    assert 'href="../notebooks/02_in_weights_path_star.html"' in html
    assert "03_hardest_token.html" not in html or (claims.NOTEBOOKS / "03_hardest_token.py").exists()
