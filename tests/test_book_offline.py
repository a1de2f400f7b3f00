"""The built book reads offline: no page loads a script, image or stylesheet from another host (links to
Colab and GitHub are anchors, not loads). The browser checks are `make check-book` (tools/check_book.py)."""
import importlib.util
from pathlib import Path

import pytest

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
