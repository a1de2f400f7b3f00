"""geomem_nb.results: saved records read defensively (a bad record names its file and what is wrong),
and a chapter's record checked against its schema."""
import json
import math
from pathlib import Path

import pytest

from geomem_nb import claims, results, schemas

ROOT = Path(__file__).resolve().parent.parent


def test_an_absent_record_is_none():
    assert results.shipped("no/such/run") is None
    assert results.shipped("cpu/in-weights") is not None, "the shipped cpu-preset run is missing"

def _corrupt(text: str, how: str) -> str:
    if how == "truncated":
        return text[: len(text) // 2]
    if how == "empty":
        return ""
    if how == "list":
        return "[1, 2, 3]"
    m = json.loads(text)
    if how == "missing key":
        del m["chance"]
    if how == "nan":
        m["test_exact_match"] = float("nan")
    return json.dumps(m)


@pytest.mark.parametrize("how,says", [("truncated", "not valid JSON"), ("empty", "is empty"),
                                      ("list", "JSON list"), ("missing key", "chance"),
                                      ("nan", "test_exact_match is not a finite number")])
def test_a_corrupt_record_shows_as_unreadable_on_the_claims_page(tmp_path, monkeypatch, how, says):
    name = "cpu/in-weights-frozen"  # C4's run
    if results.shipped(name) is None:
        pytest.skip(f"{name} is not shipped")
    good = claims.verdicts()
    bad = tmp_path / name / "metrics.json"
    bad.parent.mkdir(parents=True)
    bad.write_text(_corrupt((results.RESULTS / name / "metrics.json").read_text(), how))
    monkeypatch.setattr(results, "RESULTS", tmp_path)
    monkeypatch.setattr(results, "REPO", tmp_path.parent)

    def get(n):
        return results.shipped(n) if n == name else results.read_record(ROOT / "results" / n / "metrics.json", n) \
            if (ROOT / "results" / n / "metrics.json").exists() else None

    found = claims.verdicts(get)
    assert len(found) == len(claims.CLAIMS)
    broken = [k for k, x in found.items() if x.reason.startswith("unreadable record")]
    assert broken, "no claim read the corrupt record"
    for k in broken:
        assert found[k].status == "not run" and f"{name}/metrics.json" in found[k].reason and says in found[k].reason
    assert all(found[k] == good[k] for k in found if k not in broken)
    with pytest.raises(results.BadRecord, match=says):
        results.shipped(name)


def test_every_shipped_record_passes_the_schema():
    for path in sorted(results.RESULTS.rglob("metrics.json")):
        results.read_record(path, str(path.parent.relative_to(results.RESULTS)))


def test_load_if_present_names_the_bad_file_and_goes_on(tmp_path, monkeypatch, capsys):
    (tmp_path / "cpu" / "x").mkdir(parents=True)
    (tmp_path / "cpu" / "x" / "metrics.json").write_text("{")
    monkeypatch.setattr(results, "RESULTS", tmp_path)
    assert results.load_if_present("cpu/x") is None
    assert "cpu/x/metrics.json" in capsys.readouterr().out
    assert results.load_if_present("cpu/absent") is None


def test_a_diverged_loss_in_a_history_is_a_measurement():
    rec = {"config": {}, "steps": 1, "history": [{"step": 0, "loss": math.nan}], "provenance": {},
           "test_exact_match": 0.1, "test_hardest_token": 0.2, "chance": 0.5}
    results.check_record(rec, "x")
    rec["history"][0]["test_exact_match"] = math.inf
    with pytest.raises(ValueError, match=r"history\[0\]\.test_exact_match"):
        results.check_record(rec, "x")


def test_every_shipped_chapter_record_has_its_schema_keys():
    for chapter in schemas.CHAPTER_RECORDS:
        m = results.shipped(f"cpu/{chapter}")
        assert m is not None, f"results/cpu/{chapter} is not shipped"
        assert schemas.missing(chapter, m) == [], (chapter, schemas.missing(chapter, m))


def test_a_record_that_lacks_a_schema_key_is_refused(monkeypatch):
    monkeypatch.delenv("GEOMEM_SAVE_RESULTS", raising=False)
    with pytest.raises(ValueError, match="lacks steps, chance"):
        results.record("08_what_else_matters", {"graph": "G(2,3)"}, "ci")
