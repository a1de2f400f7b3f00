"""A Sphinx extension that makes the built book read the same offline: MathJax is served from the book
itself (a pinned copy from the ``django-static-mathjax`` PyPI package, a plain MathJax 3 distribution
with no dependency of its own, installed by ``make install``), never fetched from a CDN at view time.

``_config.yml`` points ``mathjax_path`` at ``mathjax/tex-mml-chtml.js`` (relative to ``_static``); this
extension copies the parts of MathJax that file loads into ``_build/html/_static/mathjax``."""
from __future__ import annotations

import shutil
from pathlib import Path

# The combined TeX+MathML->CommonHTML component and what it loads on demand (fonts, TeX extensions,
# the menu, the accessibility helpers); the speech engine (sre) and the other bundles are not needed.
KEEP = ("tex-mml-chtml.js", "output/chtml", "input", "ui", "a11y", "adaptors")


def source() -> Path:
    try:
        import mathjax  # the django-static-mathjax package
    except ImportError as err:
        raise RuntimeError("MathJax for the offline book comes from the django-static-mathjax package: "
                           "run `make install` (or pip install -r requirements.txt)") from err
    return Path(mathjax.__file__).resolve().parent / "static" / "mathjax" / "es5"


def copy_mathjax(app, exception) -> None:
    if exception is not None or app.builder.format != "html":
        return
    src, dest = source(), Path(app.outdir) / "_static" / "mathjax"
    for part in KEEP:
        if (src / part).is_dir():
            shutil.copytree(src / part, dest / part, dirs_exist_ok=True)
        else:
            dest.mkdir(parents=True, exist_ok=True)
            shutil.copy2(src / part, dest / part)


def dedupe_scripts(app, pagename, templatename, context, doctree) -> None:
    """Drop a script added twice: sphinx-thebe adds its ``const THEBE_JS_URL = ...`` block twice in a
    Jupyter Book build, and the second declaration is a JavaScript error on every page."""
    seen, keep = set(), []
    for js in context.get("script_files", []):
        # the same inline script may come once with filename None and once with ""
        key = (getattr(js, "filename", js) or "", tuple(sorted(getattr(js, "attributes", {}).items())))
        if key not in seen:
            seen.add(key)
            keep.append(js)
    context["script_files"] = keep


def setup(app):
    source()  # fail at the start of a build, not after executing every notebook
    app.connect("build-finished", copy_mathjax)
    app.connect("html-page-context", dedupe_scripts)
    return {"parallel_read_safe": True, "parallel_write_safe": True}
