"""The one repository setting: where the book's source lives (``_config.yml``, ``repository.url`` and
``repository.branch``). The Colab badge and the Colab install cell of every chapter are written from it:
``python -m geomem_nb.repository --write`` rewrites them (then refresh the .ipynb twins), and
``tests/test_repository.py`` checks them against it.

Read by line rather than with a YAML parser: PyYAML is a book-build dependency, not the package's."""
from __future__ import annotations

import re
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
CONFIG = ROOT / "_config.yml"
NOTEBOOKS = ROOT / "notebooks"
BADGE_IMAGE = "../book/images/colab-badge.svg"  # local, so the built book shows it offline
COLAB = "https://colab.research.google.com/github"


def _setting(text: str, key: str) -> str | None:
    """``repository.<key>`` from the text of ``_config.yml`` (top-level block, one level deep)."""
    block = re.search(r"^repository:\s*\n((?:[ \t]+.*\n?|\s*\n)*)", text, flags=re.M)
    if not block:
        return None
    found = re.search(rf"^[ \t]+{key}:\s*[\"']?([^\"'#\s]+)", block.group(1), flags=re.M)
    return found.group(1) if found else None


def read(config: Path = CONFIG) -> tuple[str, str]:
    """``(url, branch)`` from ``config``; a clear ValueError when the setting is missing or not GitHub."""
    text = Path(config).read_text()
    url, branch = _setting(text, "url"), _setting(text, "branch") or "main"
    if not url or not re.fullmatch(r"https://github\.com/[\w.-]+/[\w.-]+", url.rstrip("/")):
        raise ValueError(f"repository.url in {config} must be https://github.com/<owner>/<name>; got {url!r}")
    return url.rstrip("/"), branch


# Only a checkout has _config.yml; a pip-installed package (e.g. on Colab) does not need the setting.
REPO_URL, BRANCH = read() if CONFIG.exists() else (None, None)


def slug(url: str | None = None) -> str:
    """``owner/name`` of the repository."""
    return (url or REPO_URL).removeprefix("https://github.com/")


def colab_url(notebook: str) -> str:
    return f"{COLAB}/{slug()}/blob/{BRANCH}/notebooks/{notebook}.ipynb"


def badge(notebook: str) -> str:
    """The markdown line of a chapter's Open-in-Colab badge (the image is a local file)."""
    return f"[![Open In Colab]({BADGE_IMAGE})]({colab_url(notebook)})"


def install_line() -> str:
    """The Colab cell's install line: the package from this repository, without Colab's torch touched."""
    return f'%pip install -q "geomem_nb @ git+{REPO_URL}@{BRANCH}"'


BADGE_RE = re.compile(r"^# \[!\[Open In Colab\]\([^)]*\)\]\([^)]*\)$", flags=re.M)
INSTALL_RE = re.compile(r"^    # %pip install -q \"geomem_nb @ git\+[^\"]*\"$", flags=re.M)


def expected(py: Path) -> dict:
    """The badge and install lines a reviewed notebook source should hold."""
    return {"badge": f"# {badge(py.stem)}", "install": f"    # {install_line()}"}


def found(py: Path) -> dict:
    text = Path(py).read_text()
    return {"badge": (BADGE_RE.findall(text) or [None])[0], "install": (INSTALL_RE.findall(text) or [None])[0]}


def write(py: Path) -> bool:
    """Rewrite the badge and install lines of ``py`` from the setting; True when something changed."""
    text = Path(py).read_text()
    want = expected(py)
    new = INSTALL_RE.sub(lambda _: want["install"], BADGE_RE.sub(lambda _: want["badge"], text))
    if new != text:
        Path(py).write_text(new)
    return new != text


def main(argv=None) -> int:
    args = sys.argv[1:] if argv is None else argv
    if args not in ([], ["--write"]):
        print("usage: python -m geomem_nb.repository [--write]", file=sys.stderr)
        return 2
    stale = [py for py in sorted(NOTEBOOKS.glob("[0-9]*.py")) if found(py) != expected(py)]
    if args == ["--write"]:
        for py in stale:
            write(py)
            print(f"rewrote {py.name}; refresh its twin: jupytext --to ipynb --update {py}")
        return 0
    for py in stale:
        print(f"{py.name}: badge or install line does not match {REPO_URL}@{BRANCH}")
    return 1 if stale else 0


if __name__ == "__main__":
    sys.exit(main())
