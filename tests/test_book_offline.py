"""The built book reads offline: no page loads a script, image or stylesheet from another host (links to
Colab and GitHub are anchors, not loads). Its pages' text (and the executed chapters') shows nothing
internal and states no verdict the claims page does not; every code cell is folded. The browser checks are
`make check-book` (tools/check_book.py)."""
import importlib.util
from pathlib import Path

import jupytext
import nbformat
import pytest

from geomem_nb import claims, page
from geomem_nb.verdicts import Verdict

ROOT = Path(__file__).resolve().parent.parent
spec = importlib.util.spec_from_file_location("check_book", ROOT / "tools" / "check_book.py")
check_book = importlib.util.module_from_spec(spec)
spec.loader.exec_module(check_book)
BUILT = ROOT / "_build" / "html"


def test_external_loads_are_found_and_links_are_not():
    page = """<html><head><script src="https://cdn.jsdelivr.net/npm/mathjax@3/es5/tex-mml-chtml.js"></script>
    <link rel="stylesheet" href="//fonts.example/x.css"><script src="_static/local.js"></script></head><body>
    <a href="https://colab.research.google.com/github/a/b/blob/main/x.ipynb"><img src="https://colab.research.google.com/assets/colab-badge.svg"></a>
    <a href="https://github.com/a/b"><img src="../_images/colab-badge.svg"></a></body></html>"""
    found = check_book.external_loads(page)
    assert len(found) == 3, found
    assert not any("github.com/a/b" in x or "_static" in x or "_images" in x for x in found)


def test_mathjax_is_served_from_the_book():
    config = (ROOT / "_config.yml").read_text()
    assert "mathjax_path: mathjax/tex-mml-chtml.js" in config and "offline: book/_ext" in config
    spec = importlib.util.spec_from_file_location("offline", ROOT / "book" / "_ext" / "offline.py")
    offline = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(offline)
    assert (offline.source() / "tex-mml-chtml.js").is_file()


@pytest.mark.skipif(not (BUILT / "index.html").exists(), reason="no built book (jupyter-book build . first)")
def test_the_built_book_loads_nothing_from_another_host():
    found = {p.relative_to(BUILT).as_posix(): check_book.external_loads(p.read_text()) for p in check_book.pages(BUILT)}
    assert not {k: v for k, v in found.items() if v}
    assert (BUILT / "_static" / "mathjax" / "tex-mml-chtml.js").is_file()


# --- What a page shows: the words counted, and the text checked (tools/count_words.py, geomem_nb/page.py) ---
spec = importlib.util.spec_from_file_location("count_words", ROOT / "tools" / "count_words.py")
count_words = importlib.util.module_from_spec(spec)
spec.loader.exec_module(count_words)
EXECUTED = ROOT / "_build" / "jupyter_execute"

# A chapter as Jupyter Book 1 (myst-nb) writes it: a folded code input, an output, a plain code cell, a
# folded output, a folded table.
CHAPTER = """<html><body><nav>Sidebar words</nav><article class="bd-article"><section>
<h1>Chapter<a class="headerlink" href="#c">#</a></h1><p>Prose words one two.</p>
<div class="cell tag_hide-input docutils container"><details class="admonition hide above-input">
<summary><p>Show code cell source</p></summary><div class="cell_input docutils container">
<div class="highlight-ipython3 notranslate"><div class="highlight"><pre>print(presets.in_context_control)</pre>
</div></div>
</div></details><div class="cell_output docutils container"><div class="output stream highlight-myst-ansi">
<div class="highlight"><pre>held-out 0.9791666666666666</pre></div></div></div></div>
<div class="cell docutils container"><div class="cell_input docutils container"><div class="highlight-ipython3">
<pre>x = 1</pre></div></div></div>
<details><summary>the full table</summary><table><tr><td>C2</td><td>differs</td></tr></table></details>
<script>var hidden = "None";</script></section></article><footer>Footer words</footer></body></html>"""


def test_visible_words_leave_out_folded_cells_and_count_code_apart():
    text = count_words.visible(CHAPTER)
    assert text["prose"] == "Chapter\nProse words one two.\nheld-out 0.9791666666666666"
    assert text["code"] == "x = 1"
    assert text["folded code"] == "print(presets.in_context_control)"
    assert "C2 | differs" in text["folded"] and "Show code cell source" in text["folded"]
    assert count_words.words(text["prose"]) == 7 and count_words.words("a — b , 1") == 3


def test_page_text_is_checked_outside_code_inputs_and_folded_text_included():
    found = {"C2": Verdict("inconclusive", "r", decide="d")}
    problems = check_book.text_problems(CHAPTER, "notebooks/02_in_weights_path_star.html", found)
    assert any("full precision" in p and "0.979166" in p for p in problems)
    assert any("C2: the page says differs" in p for p in problems)
    assert not any("presets." in p or "None" in p for p in problems)  # code inputs and scripts are not prose
    # the claims page is held to the same check: the same words there are a contradiction too
    assert any("C2: the page says differs" in p for p in check_book.text_problems(CHAPTER, "book/claims.html", found))


@pytest.mark.skipif(not (BUILT / "index.html").exists(), reason="no built book (jupyter-book build . first)")
def test_no_built_page_shows_internals_or_contradicts_the_claims_page():
    found = claims.verdicts()
    problems = {p.relative_to(BUILT).as_posix(): check_book.text_problems(p.read_text(encoding="utf-8"),
                                                                         p.relative_to(BUILT).as_posix(), found)
                for p in check_book.pages(BUILT)}
    assert not {k: v for k, v in problems.items() if v}


def executed_text(path: Path) -> str:
    """What an executed notebook shows a reader: its markdown and the outputs the page keeps (not its code)."""
    nb = nbformat.read(path, as_version=4)
    parts = [c.source for c in nb.cells if c.cell_type == "markdown"]
    for c in nb.cells:
        if {"remove-cell", "remove-output"} & set(c.metadata.get("tags", [])):
            continue  # not on the page
        for o in c.get("outputs", []):
            data = o.get("data", {})
            parts.append(o.get("text") or data.get("text/markdown") or
                         (count_words.visible(f'<article>{data["text/html"]}</article>')["prose"]
                          if "text/html" in data else data.get("text/plain", "")))
    return "\n".join(parts)


@pytest.mark.skipif(not list(EXECUTED.glob("notebooks/*.ipynb")), reason="no executed chapters (build the book)")
@pytest.mark.parametrize("path", sorted(EXECUTED.glob("notebooks/*.ipynb")), ids=lambda p: p.stem)
def test_an_executed_chapter_agrees_with_the_claims_page_and_shows_nothing_internal(path):
    text = executed_text(path)
    assert page.contradictions(text, claims.verdicts()) == []
    assert page.text_issues(text) == []


@pytest.mark.parametrize("path", sorted((ROOT / "notebooks").glob("[0-9][0-9]_*.py")), ids=lambda p: p.stem)
def test_every_code_cell_is_folded_or_removed(path):
    """Code folded by default: each code cell carries a tag that folds or removes its input."""
    nb = jupytext.read(path)
    bare = [c.source.strip().splitlines()[0] if c.source.strip() else "(empty)" for c in nb.cells
            if c.cell_type == "code" and not FOLDED & set(c.metadata.get("tags", []))]
    assert not bare, f"{len(bare)} code cells with none of {sorted(FOLDED)}, first lines: {bare}"


FOLDED = {"hide-input", "hide-cell", "remove-input", "remove-cell"}


def test_a_dropdown_admonition_is_folded():
    page_html = ('<article class="bd-article"><p>Seen.</p><div class="dropdown admonition"><p class="admonition-title">'
                 'Running it</p><p>make book</p></div></article>')
    text = count_words.visible(page_html)
    assert text["prose"] == "Seen." and "make book" in text["folded"]
