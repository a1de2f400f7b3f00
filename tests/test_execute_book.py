"""tools/execute_book.py: which pages it runs, in what order, and the config the cached build reads."""
import importlib.util
from pathlib import Path

import pytest
import yaml

ROOT = Path(__file__).resolve().parents[1]
spec = importlib.util.spec_from_file_location("execute_book", ROOT / "tools" / "execute_book.py")
execute_book = importlib.util.module_from_spec(spec)
spec.loader.exec_module(execute_book)


def test_every_executed_page_of_the_toc_longest_first():
    pages = [p.relative_to(ROOT).as_posix() for p in execute_book.pages()]
    chapters = sorted(p.name for p in (ROOT / "notebooks").glob("[0-9][0-9]_*.py"))
    assert sorted(Path(p).name for p in pages if p.startswith("notebooks/")) == chapters
    assert "book/intro.md" in pages and "book/claims.md" in pages  # MyST pages with code cells run too
    ranks = [execute_book.LONGEST_FIRST.index(Path(p).name[:2]) for p in pages if p.startswith("notebooks/")]
    assert ranks == sorted(ranks) and pages[0] == "notebooks/08_what_else_matters.py"


def test_a_page_without_a_kernel_is_not_executed(tmp_path, monkeypatch):
    monkeypatch.setattr(execute_book, "ROOT", tmp_path)
    (tmp_path / "plain.md").write_text("---\ntitle: x\n---\n# no code\n")
    (tmp_path / "nb.md").write_text("---\njupytext:\n  x: 1\nkernelspec:\n  name: python3\n---\n# code\n")
    assert execute_book._source("plain") is None and execute_book._source("nb") == tmp_path / "nb.md"
    assert execute_book._source("missing") is None


def test_the_cached_config_differs_from_the_books_only_in_execution(tmp_path, monkeypatch):
    monkeypatch.setattr(execute_book, "CACHED_CONFIG", tmp_path / "cached.yml")
    written = yaml.safe_load(execute_book.write_cached_config().read_text())
    book = yaml.safe_load((ROOT / "_config.yml").read_text())
    assert book["execute"]["execute_notebooks"] == "force"  # a plain build never reuses another preset's outputs
    assert written["execute"] == {**book["execute"], "execute_notebooks": "cache", "cache": str(execute_book.CACHE)}
    assert {k: v for k, v in written.items() if k != "execute"} == {k: v for k, v in book.items() if k != "execute"}


def test_jobs_must_be_a_positive_integer():
    with pytest.raises(ValueError, match="jobs must be an integer >= 1"):
        execute_book.execute(0, 60)


def test_make_book_fills_the_cache_then_builds_from_it():
    make = (ROOT / "Makefile").read_text()
    for target in ("book:", "check-book:"):
        body = make.split(f"\n{target}", 1)[1].split("\n\n", 1)[0]
        assert body.index("tools/execute_book.py") < body.index("$(BUILD_BOOK)"), target
    assert "--config .book-cached.yml" in make
