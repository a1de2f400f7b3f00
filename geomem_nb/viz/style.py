"""The book's one figure style, and the helpers every kind of figure shares.

Every figure is sized for the book's content column and drawn at the size it is shown: a figure wider
than the column is shrunk by the browser, and its text with it (a 16-inch figure in the column shows
8.5-point labels at about 5 pixels). ``panels`` lays several panels out in rows of at most ``per_row``
instead of one long row, and refuses a width above the column."""
from __future__ import annotations

import math

import matplotlib.pyplot as plt
import numpy as np

CHANCE_STYLE = dict(color="0.4", linestyle=":", linewidth=1.5)

# The width of the book's content column in CSS pixels, measured in headless Chromium on a built chapter
# (`article.bd-article` less its 32-px padding on each side): 688 px in a 1280-px-wide window, the
# narrowest window with both side bars (755 at 1024, where the right bar folds away; 784 at 1400, the
# window tools/check_book.py opens pages in; 790 at 1920). A figure of w inches has a natural width of
# 96 w CSS pixels (SVG and PNG alike at the inline backend's dpi), so this is its widest.
CONTENT_WIDTH_PX = 688
CSS_PX_PER_INCH = 96
# A little under the column (688 px = 7.17 in): the inline backend's tight bounding box can grow a
# figure by a label or legend drawn just outside it.
FIGURE_WIDTH = 7.0
# The smallest text any figure draws (points): 7.5 pt shown at its natural size is 10 CSS px, above the
# 9 px floor tools/check_book.py holds every figure to. Text set smaller than the default sizes uses this.
SMALLEST_FONT_PT = 7.5
SIZES = {"axes.titlesize": 10, "figure.titlesize": 11, "axes.labelsize": 9.5, "xtick.labelsize": 8.5,
         "ytick.labelsize": 8.5, "legend.fontsize": 8.5}
PANEL_HEIGHT = 2.8  # inches, one row of panels


def setup() -> None:
    """One figure style for the book: vector line plots, readable sizes, figures as wide as the column."""
    try:
        from matplotlib_inline.backend_inline import set_matplotlib_formats
        set_matplotlib_formats("svg")
    except ImportError:  # outside Jupyter
        pass
    # Constrained layout keeps colour bars and labels of neighbouring panels apart; titles are never
    # smaller than the tick labels.
    plt.rcParams.update({"figure.figsize": (6.0, 3.6), "axes.grid": True, "grid.alpha": 0.3,
                         "axes.spines.top": False, "axes.spines.right": False, "lines.linewidth": 2.0,
                         "legend.frameon": False, "figure.constrained_layout.use": True, **SIZES})


def panels(n: int = 1, per_row: int = 2, height: float | None = None, width: float | None = None, **subplot_kw):
    """A new figure of ``n`` panels in rows of at most ``per_row`` (the last row may be shorter; its empty
    slots are removed), ``height`` inches per row (default: ``PANEL_HEIGHT``; a single panel: the default
    figure's), the column's width (a single panel: the default figure's) unless ``width`` (inches, at most ``FIGURE_WIDTH``) says otherwise. Returns
    ``(figure, axes)``, the axes as a flat array of ``n`` in reading order. A grid whose columns mean
    something (e.g. one row per graph) keeps its meaning with ``per_row`` = its number of columns and
    ``axes.reshape(rows, per_row)``."""
    for name, value in (("n", n), ("per_row", per_row)):
        if isinstance(value, bool) or not isinstance(value, (int, np.integer)) or value < 1:
            raise ValueError(f"{name} must be a positive integer; got {value!r}")
    cols = min(n, per_row)
    default_w, default_h = plt.rcParams["figure.figsize"]
    height = (PANEL_HEIGHT if n > 1 else default_h) if height is None else height
    if not height > 0:
        raise ValueError(f"height must be positive (inches); got {height!r}")
    width = (FIGURE_WIDTH if cols > 1 else min(default_w, FIGURE_WIDTH)) if width is None else width
    if not 0 < width <= FIGURE_WIDTH:
        raise ValueError(f"width must be in (0, {FIGURE_WIDTH}] inches (the book's content column); got {width!r}")
    rows = math.ceil(n / cols)
    fig, axes = plt.subplots(rows, cols, figsize=(width, height * rows), squeeze=False, **subplot_kw)
    axes = axes.ravel()
    for ax in axes[n:]:
        ax.remove()
    return fig, axes[:n]


def axes_or_new(ax):
    """``ax``, or the axes of a new figure when it is None (every figure function draws on either)."""
    return ax if ax is not None else panels(1)[1][0]
