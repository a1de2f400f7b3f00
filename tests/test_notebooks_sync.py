"""Every reviewed .py notebook has an .ipynb twin with the same cells (type and source)."""
from pathlib import Path

import jupytext
import pytest

NB = Path(__file__).resolve().parent.parent / "notebooks"
SOURCES = sorted(NB.glob("*.py"))


def test_there_are_notebooks():
    assert SOURCES


@pytest.mark.parametrize("py", SOURCES, ids=[p.stem for p in SOURCES])
def test_py_and_ipynb_in_sync(py):
    twin = py.with_suffix(".ipynb")
    assert twin.exists(), f"{twin.name} missing: run `make notebooks`"
    a, b = jupytext.read(py), jupytext.read(twin)
    cells = lambda nb: [(c.cell_type, c.source.strip()) for c in nb.cells]  # noqa: E731
    assert cells(a) == cells(b), f"{py.name} and {twin.name} differ: run `make notebooks`"
