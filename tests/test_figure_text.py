"""tools/check_book.py's figure-text check: a figure drawn wider than the book's column, shrunk into it,
fails; one drawn by the style at the column's width passes. No book build: figures are saved here and
"shown" at a given width, as the browser probe reports them."""
import importlib.util
from pathlib import Path

import matplotlib

matplotlib.use("Agg")
import matplotlib.pyplot as plt  # noqa: E402
import pytest  # noqa: E402

from geomem_nb import viz  # noqa: E402
from geomem_nb.viz import style  # noqa: E402

ROOT = Path(__file__).resolve().parent.parent
spec = importlib.util.spec_from_file_location("check_book", ROOT / "tools" / "check_book.py")
check_book = importlib.util.module_from_spec(spec)
spec.loader.exec_module(check_book)
COLUMN = 784  # CSS px: the content column in the 1400-px window check_book opens pages in


def _save(fig, folder: Path, name: str) -> dict:
    """Save ``fig`` as the inline backend does (tight box) and return the probe's record of it shown at
    its natural width, capped by the column (the book's images have max-width: 100%)."""
    path = folder / name
    fig.savefig(path, bbox_inches="tight")
    plt.close(fig)
    w_pt = check_book.figure_text(path)[1] if path.suffix == ".svg" else None
    natural = w_pt * 96 / 72 if w_pt else plt.imread(path).shape[1] * 96 / 100  # PNGs saved at dpi 100
    return {"src": name, "shown": [min(natural, COLUMN), 0]}


@pytest.fixture(autouse=True)
def _style():
    with plt.rc_context():
        viz.setup()
        yield


def test_a_wide_figure_shrunk_into_the_column_fails(tmp_path):
    fig, axes = plt.subplots(1, 3, figsize=(16, 4.2))  # chapter 09's old map
    for ax in axes:
        ax.plot([1, 2, 3], [0.1, 0.5, 0.9], label="d = 100, 1 epochs")
        ax.set_xlabel("path length l")
        ax.legend()
    shown = _save(fig, tmp_path, "wide.svg")
    smallest, small = check_book.small_text([shown], tmp_path / "page.html")
    assert smallest < 6.0 and len(small) == 1 and "wide.svg" in small[0], (smallest, small)
    assert check_book.figure_text(tmp_path / "wide.svg")[0] == pytest.approx(8.5)  # the legend/tick size


def test_the_styles_panels_pass_at_the_column_width(tmp_path):
    fig, axes = viz.panels(3)
    for ax in axes:
        viz.draw_embedding([[0, 0], [1, 0], [1, 1]], [[0, 1], [1, 2]], ax=ax, labels=True, title="t")
        ax.legend(["x"], fontsize=style.SMALLEST_FONT_PT)
    shown = _save(fig, tmp_path, "panels.svg")
    font_pt, width_pt = check_book.figure_text(tmp_path / "panels.svg")
    assert font_pt == pytest.approx(style.SMALLEST_FONT_PT)  # the node labels: the style's smallest text
    assert width_pt <= style.CONTENT_WIDTH_PX * 72 / 96
    smallest, small = check_book.small_text([shown], tmp_path / "page.html")
    assert small == [] and smallest >= check_book.TEXT_FLOOR_PX, (smallest, small)


def test_png_figures_read_their_dpi_and_the_styles_smallest_text(tmp_path):
    fig, ax = plt.subplots(figsize=(16, 3))
    ax.plot([0, 1])
    shown = _save(fig, tmp_path, "wide.png")
    font_pt, width_pt = check_book.figure_text(tmp_path / "wide.png")
    assert font_pt == style.SMALLEST_FONT_PT and width_pt > 15 * 72
    assert check_book.small_text([shown], tmp_path / "page.html")[1]
    fig, ax = viz.panels(1)
    ax[0].plot([0, 1])
    shown = _save(fig, tmp_path, "fits.png")
    assert check_book.small_text([shown], tmp_path / "page.html")[1] == []


def test_other_images_are_not_measured(tmp_path):
    (tmp_path / "badge.svg").write_text('<svg xmlns="http://www.w3.org/2000/svg" viewBox="0 0 117 20"></svg>')
    assert check_book.figure_text(tmp_path / "badge.svg") is None
    assert check_book.small_text([{"src": "badge.svg", "shown": [117, 20]}], tmp_path / "p.html") == (None, [])


def test_panels_wrap_into_rows_and_refuse_a_width_past_the_column():
    fig, axes = viz.panels(5, per_row=3)
    assert len(axes) == 5 and len(fig.axes) == 5
    assert fig.get_size_inches()[0] == style.FIGURE_WIDTH
    assert fig.get_size_inches()[1] == pytest.approx(2 * style.PANEL_HEIGHT)
    assert style.FIGURE_WIDTH * 96 <= style.CONTENT_WIDTH_PX
    with pytest.raises(ValueError, match="width"):
        viz.panels(2, width=11)
    with pytest.raises(ValueError, match="per_row"):
        viz.panels(2, per_row=0)
    plt.close("all")
