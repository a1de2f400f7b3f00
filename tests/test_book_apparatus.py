"""The book's frame: chapters numbered in reading order (sidebar numbers = file numbers), the paper's full
title, citations that resolve to book/references.bib, and a CITATION.cff and LICENSE that agree."""
import re
from pathlib import Path

import yaml

ROOT = Path(__file__).resolve().parent.parent
TOC = yaml.safe_load((ROOT / "_toc.yml").read_text())
CONFIG = yaml.safe_load((ROOT / "_config.yml").read_text())
TITLE = "Deep sequence models tend to memorize geometrically; it is unclear why"


def numbered_files():
    return [c["file"] for part in TOC["parts"] if part.get("numbered") for c in part["chapters"]]


def test_the_numbered_chapters_are_the_notebooks_in_file_order():
    files = numbered_files()
    notebooks = sorted(f"notebooks/{p.stem}" for p in (ROOT / "notebooks").glob("[0-9][0-9]_*.py"))
    assert files == notebooks  # the n-th numbered chapter is file 0n
    unnumbered = [c["file"] for part in TOC["parts"] if not part.get("numbered") for c in part["chapters"]]
    assert {"book/claims", "book/deviations", "book/glossary", "book/cite"} <= set(unnumbered)
    assert all((ROOT / f"{f}.md").exists() for f in unnumbered)


def test_the_title_is_the_papers_in_full_everywhere():
    assert CONFIG["title"].startswith(TITLE)
    assert (ROOT / "book" / "intro.md").read_text().split("\n# ", 1)[1].startswith(TITLE)
    assert yaml.safe_load((ROOT / "CITATION.cff").read_text())["title"] == CONFIG["title"]


def bib_keys():
    return set(re.findall(r"@\w+\{([^,]+),", (ROOT / "book" / "references.bib").read_text()))


def test_every_citation_resolves_to_the_bibliography():
    assert CONFIG["bibtex_bibfiles"] == ["book/references.bib"]
    pages = list((ROOT / "book").glob("*.md")) + list((ROOT / "notebooks").glob("*.py"))
    cited = {k.strip() for p in pages for keys in re.findall(r"\{cite(?::[pt])?\}`([^`]+)`", p.read_text())
             for k in keys.split(",")}
    assert "noroozizadeh2025geometric" in cited and "bachmann2024pitfalls" in cited
    assert cited <= bib_keys(), cited - bib_keys()
    assert "{bibliography}" in (ROOT / "book" / "cite.md").read_text()


def test_citation_file_and_licence_agree_with_the_book():
    cff = yaml.safe_load((ROOT / "CITATION.cff").read_text())
    assert cff["cff-version"] == "1.2.0" and cff["message"] and cff["authors"]
    assert cff["repository-code"] == CONFIG["repository"]["url"]
    assert cff["license"] == ["MIT", "CC-BY-4.0"]
    (paper,) = cff["references"]
    assert paper["title"] == TITLE and {"value": "arXiv:2510.26745", "type": "other"} in paper["identifiers"]
    licence = (ROOT / "LICENSE").read_text()
    assert "MIT License" in licence and "Creative Commons Attribution 4.0 International" in licence
    cite = (ROOT / "book" / "cite.md").read_text()
    assert "@inproceedings{noroozizadeh26a" in cite and CONFIG["repository"]["url"] in cite
