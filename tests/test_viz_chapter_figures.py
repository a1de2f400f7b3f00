"""The figure helpers the path-star and tiny-graph chapters added: each run's own chance, runs kept apart."""
import matplotlib

matplotlib.use("Agg")
import matplotlib.pyplot as plt  # noqa: E402

from geomem_nb import stats, viz  # noqa: E402


def _saved(values):
    return {"history": [{"step": 100 * i, "test_exact_match": v} for i, v in enumerate(values)]}


def test_curves_by_graph_gives_each_graph_its_own_chance_line():
    axes = viz.curves_by_graph({"G(2,5)": (0.5, {"forward": _saved([0, 0.5]), "reverse": _saved([0, 1])}),
                                "G(10,5)": (0.1, {"forward": _saved([0, 0])})})
    assert [ax.get_title() for ax in axes] == ["G(2,5)", "G(10,5)"]
    chance = [[line.get_ydata()[0] for line in ax.get_lines() if line.get_label().startswith("chance")] for ax in axes]
    assert chance == [[0.5], [0.1]]
    styles = {(line.get_linestyle(), line.get_marker()) for line in axes[0].get_lines()[:2]}
    assert len(styles) == 2  # two runs of one panel never look alike
    plt.close("all")


def test_distinguish_restyles_runs_but_not_the_chance_line():
    ax = plt.subplots()[1]
    ax.plot([0, 1], [0, 1], label="a")
    ax.plot([0, 1], [0, 1], label="b")
    ax.axhline(0.5, label="chance = 0.5", linestyle=":")
    viz.distinguish(ax)
    lines = ax.get_lines()
    assert lines[0].get_marker() != lines[1].get_marker() and lines[0].get_linestyle() != lines[1].get_linestyle()
    assert lines[2].get_linestyle() == ":" and lines[2].get_marker() in ("None", None, "")
    plt.close("all")


def test_bars_mark_each_bar_s_own_chance():
    ax = viz.bars({"in weights": 0.8, "in context": 0.5}, chance={"in weights": 0.005, "in context": 0.5})
    marks = [c for c in ax.collections if c.get_label() == "chance 1/d"] + \
        [c for c in ax.collections if c.get_label().startswith("_")]
    ys = sorted(seg[0][1] for c in marks for seg in c.get_segments())
    assert ys == [0.005, 0.5]
    plt.close("all")


def test_seed_bars_draw_mean_and_a_chance_tick_per_group():
    sp = stats.spread
    ax = viz.seed_bars({"cycle": {"Node2Vec": sp([1.0, 0.98, 0.99]), "Transformer": sp([0.6, 0.7, 0.5])},
                        "grid": {"Node2Vec": sp([0.9, 0.95, 0.97])}}, chance={"cycle": 0.3, "grid": 0.2})
    heights = sorted(round(p.get_height(), 3) for p in ax.patches)
    assert heights == [0.6, 0.94, 0.99]
    ticks = [line.get_ydata()[0] for line in ax.get_lines() if len(set(line.get_ydata())) == 1 and len(line.get_ydata()) == 2]
    assert 0.3 in ticks and 0.2 in ticks
    plt.close("all")
