"""Count the words a reader sees on each page of the built book, without opening anything.

Visible means inside the page's article, outside every <details> (folded code inputs, folded outputs,
folded tables and evidence) and every dropdown admonition, and outside scripts and styles. Code (an
unfolded code-cell input, a code block) is counted apart from prose and outputs. A word is a run of non-space characters holding a letter
or digit.

Usage: python tools/count_words.py [_build/html] [--out words.txt]
Prints one line per page (prose+outputs, code, both) and the book's totals. ``visible`` is also what
tools/check_book.py checks a page's text with."""
from __future__ import annotations

import argparse
import re
import sys
from html.parser import HTMLParser
from pathlib import Path

NOT_PAGES = {"genindex.html", "search.html"}  # Sphinx's index and search: no text of the book
SKIP_DIRS = {"_static", "_sources", "_images", "_sphinx_design_static", "_panels_static"}
VOID = {"area", "base", "br", "col", "embed", "hr", "img", "input", "link", "meta", "source", "track", "wbr"}
BLOCK = {"p", "div", "li", "tr", "pre", "h1", "h2", "h3", "h4", "h5", "h6", "dt", "dd", "table", "caption",
         "summary", "section", "ul", "ol", "blockquote", "br", "figcaption"}
HIDDEN = {"script", "style", "noscript", "template"}
WORD = re.compile(r"\S*[^\W_]\S*")


def _classes(attrs) -> set:
    return set((dict(attrs).get("class") or "").split())


def _is_code(tag: str, cls: set) -> bool:
    """A code-cell input, or a code block in the prose (an output's <pre> is not code)."""
    return tag == "div" and ("cell_input" in cls or any(c.startswith("highlight-") for c in cls))


class _Text(HTMLParser):
    """The article's text in four parts: prose (with outputs), code, and the same two folded away."""

    def __init__(self):
        super().__init__(convert_charrefs=True)
        self.parts = {"prose": [], "code": [], "folded": [], "folded code": []}
        self.stack = []  # (tag, in article, folded, code, hidden, output)

    def _state(self):
        return self.stack[-1][1:] if self.stack else (False, False, False, False, False)

    def handle_starttag(self, tag, attrs):
        article, folded, code, hidden, output = self._state()
        cls = _classes(attrs)
        article = article or tag == "article" or "bd-article" in cls
        output = output or "cell_output" in cls
        fold = tag == "details" or {"dropdown", "admonition"} <= cls  # a dropdown admonition opens on a click
        state = (tag, article, folded or fold, code or (_is_code(tag, cls) and not output),
                 hidden or tag in HIDDEN or "headerlink" in cls, output)
        if tag in BLOCK:
            self._add("\n")
        elif tag in ("td", "th"):
            self._add(" | ")
        if tag not in VOID:
            self.stack.append(state)

    def handle_endtag(self, tag):
        if any(t == tag for t, *_ in self.stack):
            while self.stack and self.stack.pop()[0] != tag:
                pass
        if tag in BLOCK:
            self._add("\n")

    def handle_data(self, data):
        self._add(data)

    def _add(self, text):
        article, folded, code, hidden, _ = self._state()
        if article and not hidden:
            key = ("folded code" if folded else "code") if code else ("folded" if folded else "prose")
            self.parts[key].append(text)


def visible(page_html: str) -> dict:
    """The article's text: ``prose`` (prose and outputs) and ``code`` that a reader sees without opening
    anything, and ``folded`` / ``folded code``: the same inside a <details>."""
    p = _Text()
    p.feed(page_html)
    p.close()
    return {k: re.sub(r"[ \t]*\n\s*", "\n", "".join(v)).strip() for k, v in p.parts.items()}


def words(text: str) -> int:
    return len(WORD.findall(text))


def pages(root: Path) -> list[Path]:
    """Every page of the book (not the redirect at the top, which has nothing to read)."""
    return sorted(p for p in Path(root).rglob("*.html") if not set(p.relative_to(root).parts[:-1]) & SKIP_DIRS
                  and not p.name.startswith(".probe-") and 'http-equiv="refresh"' not in p.read_text().lower())


def counts(root: Path) -> dict:
    """``{page: (prose and output words, code words)}`` of the built book at ``root``."""
    out = {}
    for page in (p for p in pages(root) if p.name not in NOT_PAGES):
        text = visible(page.read_text(encoding="utf-8"))
        out[page.relative_to(root).as_posix()] = (words(text["prose"]), words(text["code"]))
    return out


def report(found: dict) -> str:
    width = max([len(k) for k in found] + [5])
    lines = [f"{'page':<{width}}  {'prose+outputs':>13}  {'code':>6}  {'both':>6}"]
    lines += [f"{k:<{width}}  {p:>13,}  {c:>6,}  {p + c:>6,}" for k, (p, c) in found.items()]
    p, c = (sum(x[i] for x in found.values()) for i in (0, 1))
    return "\n".join(lines + [f"{'total':<{width}}  {p:>13,}  {c:>6,}  {p + c:>6,}"])


def main(argv=None) -> int:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("html", nargs="?", default="_build/html")
    ap.add_argument("--out", help="also write the report to this file")
    args = ap.parse_args(argv)
    root = Path(args.html).resolve()
    if not (root / "index.html").exists():
        raise SystemExit(f"{root} holds no built book (run jupyter-book build first)")
    text = report(counts(root))
    print(text)
    if args.out:
        Path(args.out).write_text(text + "\n", encoding="utf-8")
    return 0


if __name__ == "__main__":
    sys.exit(main())
