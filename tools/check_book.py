"""Check the built book as a reader meets it, offline, in headless Chromium (``make check-book``).

Three checks:
1. static, on the HTML files: no page loads a script, image, stylesheet or frame from another host (links
   to Colab and GitHub are anchors, not loads, and are fine);
2. static, on each page's text outside its code inputs (folded text included): nothing internal (a repr,
   ``None``, a full-precision float, a machine path, a code name, a remark about the build machine), no
   name the glossary replaces (``geomem_nb.page.text_issues``), and no status stated for a claim that
   differs from the verdicts (``geomem_nb.page.contradictions``), the claims page's own text included;
3. in the browser, page by page, with every network host unreachable: no JavaScript error, no raw ``\\(`` or
   ``$$`` left in the rendered text (MathJax ran), no broken image, no table wider than its page column, no
   figure whose smallest text is shown below ``TEXT_FLOOR_PX`` CSS pixels (a figure drawn wider than the
   column is shrunk, its text with it). A printed output line that runs past its box is reported as a
   warning (``--strict`` fails on it). One screenshot per page goes to ``--screenshots``.

Usage: python tools/check_book.py [_build/html] [--screenshots _build/screenshots] [--strict] [--text-only]
(``--text-only``: checks 1 and 2 alone, no browser). The probe is injected into a copy of each page;
the screenshots are of the pages as built."""
from __future__ import annotations

import argparse
import html
import json
import re
import shutil
import struct
import subprocess
import sys
import tempfile
from html.parser import HTMLParser
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent))
from count_words import NOT_PAGES, pages, visible  # noqa: E402  (the same page text as counted)

# (tag, attribute) pairs the browser loads by itself when the page opens.
LOADS = {("script", "src"), ("img", "src"), ("iframe", "src"), ("source", "src"), ("video", "src"),
         ("audio", "src"), ("embed", "src"), ("object", "data"), ("image", "href"), ("input", "src")}
LINK_LOADS = {"stylesheet", "preload", "modulepreload", "icon", "shortcut icon", "manifest"}
EXTERNAL = re.compile(r"^(https?:)?//", re.I)

# Runs first in <head>: records errors thrown by scripts (resource errors have no message and are
# caught by the image check instead).
HEAD_PROBE = """<script>window.__errors=[];addEventListener('error',function(e){if(e.message)
__errors.push(e.message+' ('+(e.filename||'')+':'+(e.lineno||'')+')')},true);
addEventListener('unhandledrejection',function(e){__errors.push('unhandled rejection: '+e.reason)});</script>"""

# Runs after load (and after MathJax has typeset, when the page has math): writes its findings as JSON.
BODY_PROBE = r"""<script>
addEventListener('load', function () {
  var done = function () {
    var skip = 'PRE,CODE,SCRIPT,STYLE,TEXTAREA,MJX-CONTAINER,MJX-ASSISTIVE-MML';
    var raw = [];
    var walk = document.createTreeWalker(document.body, NodeFilter.SHOW_TEXT);
    for (var n = walk.nextNode(); n; n = walk.nextNode()) {
      var t = n.nodeValue, p = n.parentElement, inside = false;
      for (var q = p; q; q = q.parentElement) { if (skip.indexOf(q.tagName) >= 0) { inside = true; break; } }
      if (!inside && (t.indexOf('\\(') >= 0 || t.indexOf('$$') >= 0)) raw.push(t.trim().slice(0, 80));
    }
    var broken = [];
    Array.prototype.forEach.call(document.images, function (im) {
      if (!im.complete || im.naturalWidth === 0) broken.push(im.getAttribute('src'));
    });
    var column = document.querySelector('.bd-main') || document.querySelector('main') || document.body;
    var limit = Math.min(column.getBoundingClientRect().right, document.documentElement.clientWidth) + 1;
    var wide = [];
    Array.prototype.forEach.call(document.querySelectorAll('table'), function (tb) {
      var r = tb.getBoundingClientRect(), box = tb.parentElement;
      var cut = box && box.scrollWidth > box.clientWidth + 1 && getComputedStyle(box).overflowX !== 'visible';
      if (r.width > 0 && (r.right > limit || cut))
        wide.push((tb.className || 'table') + (tb.caption ? ' "' + tb.caption.textContent.slice(0, 50) + '"' : '')
                  + ': ' + Math.round(r.width) + 'px' + (cut ? ', scrolls inside a '
                  + box.scrollWidth + 'px box ' + box.clientWidth + 'px wide' : ', past the column end at ' + Math.round(limit)));
    });
    var figures = [];
    Array.prototype.forEach.call(column.querySelectorAll('img'), function (im) {
      var r = im.getBoundingClientRect();
      if (r.width > 0) figures.push({src: im.getAttribute('src'), natural: [im.naturalWidth, im.naturalHeight],
                                     shown: [r.width, r.height]});
    });
    var cutoff = [];
    Array.prototype.forEach.call(document.querySelectorAll('.cell_output pre, .output pre'), function (pre) {
      if (pre.scrollWidth > pre.clientWidth + 1) cutoff.push(pre.textContent.trim().slice(0, 60));
    });
    var out = document.createElement('pre');
    out.id = 'geomem-check';
    out.textContent = JSON.stringify({errors: window.__errors, raw_math: raw, broken_images: broken,
                                      wide_tables: wide, cut_off_output: cutoff, figures: figures,
                                      math: document.querySelectorAll('mjx-container').length,
                                      images: document.images.length});
    document.body.appendChild(out);
  };
  var later = function () { setTimeout(done, 500); };
  if (window.MathJax && MathJax.startup && MathJax.startup.promise) MathJax.startup.promise.then(later, later);
  else setTimeout(later, 1500);  // MathJax may still be loading (Sphinx loads it with defer)
});
</script>"""


class _Loads(HTMLParser):
    def __init__(self):
        super().__init__()
        self.found = []

    def handle_starttag(self, tag, attrs):
        a = dict(attrs)
        for t, attr in LOADS:
            if tag == t and a.get(attr) and EXTERNAL.match(a[attr]):
                self.found.append(f"<{tag} {attr}={a[attr]}>")
        if tag == "img" and a.get("srcset") and EXTERNAL.search(a["srcset"]):
            self.found.append(f"<img srcset={a['srcset']}>")
        if tag == "link" and a.get("href") and EXTERNAL.match(a["href"]) \
                and (a.get("rel") or "").lower() in LINK_LOADS:
            self.found.append(f"<link rel={a['rel']} href={a['href']}>")


def external_loads(page_html: str) -> list[str]:
    """What a page would load from another host when opened (scripts, images, stylesheets, frames)."""
    p = _Loads()
    p.feed(page_html)
    return p.found


# The smallest text a figure may show, in CSS pixels.
TEXT_FLOOR_PX = 9.0
# Matplotlib's SVG writer draws each text as glyph paths in a group scaled by fontsize / FONT_SCALE
# (matplotlib.textpath.TextToPath.FONT_SCALE, 100), so the group's scale gives the size the text was set at.
# A glyph scaled again inside the group (a superscript, e.g. the 2 of 10^2) is not counted.
_SVG_TEXT = re.compile(r'<g transform="translate\([^)]*\)(?: rotate\([^)]*\))? scale\(([0-9.e+-]+) -\1\)">')
_SVG_VIEWBOX = re.compile(r'<svg[^>]*viewBox="[-0-9.e+]+ [-0-9.e+]+ ([0-9.e+]+) [0-9.e+]+"')
SVG_FONT_SCALE = 100


def _png_chunks(data: bytes):
    pos = 8
    while pos + 8 <= len(data):
        size, kind = struct.unpack(">I4s", data[pos:pos + 8])
        yield kind, data[pos + 8:pos + 8 + size]
        pos += 12 + size


def figure_text(path: Path) -> tuple[float, float] | None:
    """(smallest text size in points, figure width in points) of a Matplotlib figure file; None for any
    other image (a badge, a logo) or a figure without text.

    How the sizes are learned, and why: the book's figures are SVG (``viz.setup``), and an SVG holds every
    text at the size it was drawn, so the check reads them from the file itself: what a figure really
    shows, an explicit ``fontsize=`` included, not what the style meant it to. The width is the viewBox's
    (points). A PNG figure's glyphs are pixels and cannot be read back: its width comes from its pixel
    width and the dpi Matplotlib writes into the pHYs chunk, and its smallest text is taken to be the
    style's ``viz.style.SMALLEST_FONT_PT``, the size every figure function sets its smallest text at."""
    path = Path(path)
    if path.suffix.lower() == ".svg":
        text = path.read_text(errors="replace")
        if "Matplotlib" not in text[:2000]:
            return None
        view = _SVG_VIEWBOX.search(text)
        sizes = [float(s) * SVG_FONT_SCALE for s in _SVG_TEXT.findall(text)]
        return (min(sizes), float(view.group(1))) if view and sizes else None
    if path.suffix.lower() == ".png":
        data = path.read_bytes()
        chunks = list(_png_chunks(data))
        meta = b"".join(c for k, c in chunks if k == b"tEXt")  # Matplotlib's "Software" entry
        phys = next((c for k, c in chunks if k == b"pHYs"), None)
        if b"Matplotlib" not in meta or phys is None or phys[8] != 1:  # unit 1: pixels per metre
            return None
        width_px = struct.unpack(">I", dict(chunks)[b"IHDR"][:4])[0]
        dpi = struct.unpack(">I", phys[:4])[0] * 0.0254
        sys.path.insert(0, str(Path(__file__).resolve().parent.parent))
        from geomem_nb.viz.style import SMALLEST_FONT_PT
        return SMALLEST_FONT_PT, width_px / dpi * 72
    return None


def text_px(figure: dict, page: Path) -> tuple[float, str] | None:
    """The smallest text of one figure as shown, in CSS pixels, with what it was measured from; ``figure``
    is the probe's record (``src``, ``shown`` = displayed [width, height] in CSS px). A text of ``f``
    points in a figure ``w`` points wide, shown ``s`` CSS px wide, is ``f * s / w`` CSS px high (its
    em size), whatever the file's dpi or natural size."""
    found = figure_text(Path(page).parent / figure["src"])
    if found is None:
        return None
    font_pt, width_pt = found
    px = font_pt * figure["shown"][0] / width_pt
    return px, (f"{figure['src']}: {font_pt:g}-pt text in a {width_pt / 72:.2f}-in figure shown "
                f"{figure['shown'][0]:.0f} px wide: {px:.1f} px")


def small_text(figures: list, page: Path, floor: float = TEXT_FLOOR_PX) -> tuple[float | None, list[str]]:
    """The page's smallest figure text in CSS px (None without a Matplotlib figure), and every figure
    whose text is shown below ``floor``."""
    measured = [m for m in (text_px(f, page) for f in figures) if m is not None]
    return (min(px for px, _ in measured) if measured else None), [why for px, why in measured if px < floor]


def text_problems(page_html: str, name: str, found: dict) -> list[str]:
    """What a page's text (outside code inputs, folded or not) may not hold; ``found``: the verdicts."""
    if name.split("/")[-1] in NOT_PAGES:
        return []
    from geomem_nb import page
    parts = visible(page_html)
    text = parts["prose"] + "\n" + parts["folded"]
    said = page.contradictions(text, found)
    return [f"on the page: {x}" for x in page.text_issues(text)] + [f"contradicts the claims page: {x}" for x in said]


def chromium() -> str:
    for name in ("chromium", "chromium-browser", "google-chrome"):
        if shutil.which(name):
            return shutil.which(name)
    raise SystemExit("no chromium found: `apt-get install chromium` (make check-book does this)")


def _browser(*args, timeout=120) -> str:
    # Every host unreachable: the book must read offline.
    cmd = [chromium(), "--headless", "--no-sandbox", "--disable-gpu", "--hide-scrollbars", *EXTRA,
           "--host-resolver-rules=MAP * ~NOTFOUND", "--window-size=1400,2400", *args]
    return subprocess.run(cmd, capture_output=True, text=True, timeout=timeout).stdout


def probe(page: Path) -> dict:
    """Open a probed copy of ``page`` and return its findings."""
    text = page.read_text()
    text = re.sub(r"<head[^>]*>", lambda m: m.group(0) + HEAD_PROBE, text, count=1)
    text = text.replace("</body>", BODY_PROBE + "</body>")
    with tempfile.NamedTemporaryFile("w", suffix=".html", dir=page.parent, prefix=".probe-", delete=False) as f:
        f.write(text)
    try:
        dom = _browser("--virtual-time-budget=30000", "--dump-dom", Path(f.name).as_uri())
    finally:
        Path(f.name).unlink()
    found = re.search(r'<pre id="geomem-check">(.*?)</pre>', dom, flags=re.S)
    if not found:
        return {"errors": ["the probe did not report (page did not finish loading)"]}
    return json.loads(html.unescape(found.group(1)))


def screenshot(page: Path, root: Path, out: Path) -> Path:
    shot = out / (str(page.relative_to(root).with_suffix("")).replace("/", "__") + ".png")
    _browser("--virtual-time-budget=30000", f"--screenshot={shot}", page.as_uri())
    return shot


# Errors in a script loaded from file:// would read only "Script error." without this flag.
EXTRA = ["--allow-file-access-from-files"]
FAILS = ("errors", "raw_math", "broken_images", "wide_tables")


def in_browser(page: Path, root: Path, out: Path, strict: bool) -> tuple[dict, list, str]:
    """The probe's findings (its failures under ``problems``), the warnings, and a line on its figures."""
    found = probe(page)
    problems = [f"{key.replace('_', ' ')}: {x}" for key in FAILS + (("cut_off_output",) if strict else ())
                for x in found.get(key, [])]
    smallest, small = small_text(found.get("figures", []), page)
    problems += [f"figure text below {TEXT_FLOOR_PX:g} px: {x}" for x in small]
    shot = screenshot(page, root, out)
    text = ("no figure" if smallest is None else f"smallest figure text {smallest:.1f} px") + f"; screenshot {shot}"
    return {**found, "problems": problems}, ([] if strict else found.get("cut_off_output", [])), text


def main(argv=None) -> int:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("html", nargs="?", default="_build/html")
    ap.add_argument("--screenshots", default="_build/screenshots")
    ap.add_argument("--strict", action="store_true", help="also fail on a printed line cut off in its box")
    ap.add_argument("--text-only", action="store_true", help="only the static checks (no browser)")
    args = ap.parse_args(argv)
    root = Path(args.html).resolve()
    if not (root / "index.html").exists():
        raise SystemExit(f"{root} holds no built book (run jupyter-book build first)")
    out = Path(args.screenshots)
    out.mkdir(parents=True, exist_ok=True)
    sys.path.insert(0, str(Path(__file__).resolve().parent.parent))
    from geomem_nb import claims
    found, failed = claims.verdicts(), []
    for page in pages(root):
        name = page.relative_to(root).as_posix()
        problems = {f"external load: {x}": None for x in external_loads(page.read_text())}
        problems.update(dict.fromkeys(text_problems(page.read_text(encoding="utf-8"), name, found)))
        seen, warnings, text = ({}, [], "text only") if args.text_only else in_browser(page, root, out, args.strict)
        problems.update(dict.fromkeys(seen.pop("problems", [])))
        status = "FAIL" if problems else "ok"
        print(f"{status:4s} {name}  ({seen.get('math', 0)} formulas rendered, {seen.get('images', 0)} images, {text})")
        for p in problems:
            print(f"       {p}")
        for w in warnings:
            print(f"       warning: printed line cut off: {w}")
        if problems:
            failed.append(name)
    print(f"{len(pages(root)) - len(failed)} of {len(pages(root))} pages pass"
          + (f"; failing: {', '.join(failed)}" if failed else ""))
    return 1 if failed else 0


if __name__ == "__main__":
    sys.exit(main())
