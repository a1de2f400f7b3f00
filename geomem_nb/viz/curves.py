"""Measurements over training: one line per run (or per metric, or per position) against the step."""
from __future__ import annotations

import matplotlib.pyplot as plt
import numpy as np

from .style import CHANCE_STYLE, SMALLEST_FONT_PT, axes_or_new, panels


def curves(runs: dict, key: str, ax=None, chance: float | None = None, ylabel: str | None = None):
    """One metric over training steps for several labelled runs (``label -> RunResult``)."""
    ax = axes_or_new(ax)
    for label, run in runs.items():
        line, = ax.plot(*run.curve(key), label=label)
        settings = getattr(run, "config", None) or {}
        if settings.get("schedule") == "staged":  # mark where the path phase begins: its settings say where
            ax.axvline(settings["edge_steps"], color=line.get_color(), linestyle="--", linewidth=1)
    if chance is not None:
        ax.axhline(chance, label=f"chance = {chance:.3g}", **CHANCE_STYLE)
    ax.set_xlabel("training step")
    ax.set_ylabel(ylabel or key.replace("_", " "))
    ax.set_ylim(-0.02, 1.02)
    ax.legend()
    return ax


def saved_curves(runs: dict, key: str = "test_exact_match", x: str = "step", ax=None,
                 chance: float | None = None, ylabel: str = "held-out exact match"):
    """One metric over training for saved runs (``label -> metrics.json`` dict with its ``history``)."""
    ax = axes_or_new(ax)
    for label, m in runs.items():
        pts = [(h[x], h[key]) for h in m["history"] if h.get(key) is not None]
        ax.plot(*zip(*pts), label=label)
    if chance is not None:
        ax.axhline(chance, label=f"chance = {chance:.3g}", **CHANCE_STYLE)
    ax.set_xlabel("training step" if x == "step" else x.replace("_", " "))
    ax.set_ylabel(ylabel)
    ax.set_ylim(-0.02, 1.02)
    ax.legend()
    return ax


def per_position(run, key: str = "test_per_position", ax=None, chance: float | None = None,
                 hardest: int = 2):
    """Accuracy of each target position over training; position ``hardest`` (the first hop) is bold."""
    ax = axes_or_new(ax)
    steps = np.array([h["step"] for h in run.history if h.get(key)])
    acc = np.array([h[key] for h in run.history if h.get(key)])
    colors = plt.cm.viridis(np.linspace(0, 0.9, acc.shape[1]))
    for j in range(acc.shape[1]):
        pos = j + 1
        ax.plot(steps, acc[:, j], color=colors[j], linewidth=3.5 if pos == hardest else 1.5,
                label=f"position {pos}" + (" (first hop)" if pos == hardest else ""))
    if chance is not None:
        ax.axhline(chance, label="chance", **CHANCE_STYLE)
    ax.set_xlabel("training step")
    ax.set_ylabel("accuracy")
    ax.set_ylim(-0.02, 1.02)
    ax.legend(fontsize=8)
    return ax


def memorization_vs_geometry(history, ax=None, title: str | None = None):
    """Top-k edge recovery (left axis) and geometric level (right axis) over training steps."""
    ax = axes_or_new(ax)
    steps = [h["step"] for h in history]
    ax.plot(steps, [h["topk_recovery"] for h in history], color="tab:orange", label="top-k recovery")
    ax.set_ylim(-0.02, 1.02)
    ax.set_xlabel("training step")
    ax.set_ylabel("top-k edge recovery", color="tab:orange")
    right = ax.twinx()
    right.plot(steps, [h["geometric_level"] for h in history], color="tab:blue", label="geometric level")
    right.set_ylim(-1.02, 1.02)
    right.set_ylabel("geometric level", color="tab:blue")
    right.grid(False)
    right.spines["right"].set_visible(True)
    if title:
        ax.set_title(title)
    return ax


def run_metrics(run, keys: dict, ax=None, chance: float | None = None, ylabel: str = "accuracy"):
    """Several metrics of one run (``label -> history key``) over training, drawn like ``curves``."""

    class _Metric:  # one metric of ``run``, seen through the interface ``curves`` draws from
        def __init__(self, key):
            self.key = key

        def curve(self, _):
            return run.curve(self.key)

    return curves({label: _Metric(key) for label, key in keys.items()}, "", ax=ax, chance=chance, ylabel=ylabel)


def race(histories: dict, keys=("topk_recovery", "geometric_margin", "geometric_level"), axes=None,
         labels: dict | None = None):
    """Several metrics over training (one panel per history key, e.g. memorization and geometry) for
    several labelled runs (``label -> history``), on a symlog step axis, one colour per run."""
    labels = {"topk_recovery": "top-k edge recovery", **(labels or {})}
    if axes is None:
        axes = panels(len(keys))[1]
    axes = np.atleast_1d(axes)
    for i, (label, history) in enumerate(histories.items()):
        for ax, key in zip(axes, keys):
            rows = [h for h in history if h.get(key) is not None]
            ax.plot([h["step"] for h in rows], [h[key] for h in rows], color=plt.cm.tab10(i % 10), label=label)
    for ax, key in zip(axes, keys):
        ax.set_xscale("symlog", linthresh=1)
        ax.set_xlabel("full-batch training step")
        ax.set_ylabel(labels.get(key, key.replace("_", " ")))
        if key == "topk_recovery":
            ax.set_ylim(-0.02, 1.02)
        else:
            ax.axhline(0.0, **CHANCE_STYLE)
    axes[0].legend(fontsize=SMALLEST_FONT_PT)
    return axes


def path_length_map(rows: list, key: str, ax=None, ylabel: str | None = None):
    """One sweep measure against the path length l: a line per (degree, epochs), darker = more epochs,
    and each degree's chance 1/d dotted (``path_length_map.collect`` rows)."""
    ax = axes_or_new(ax)
    groups = sorted({(r["degree"], r["epochs"]) for r in rows})
    degrees = sorted({d for d, _ in groups})
    markers = dict(zip(degrees, "osD^v"))
    most = max(e for _, e in groups)
    for d, e in groups:
        pts = sorted((r["path_length"], r[key]) for r in rows if (r["degree"], r["epochs"]) == (d, e))
        shade = plt.cm.viridis(0.15 + 0.7 * np.log(e) / np.log(most)) if most > 1 else None
        ax.plot(*zip(*pts), marker=markers[d], color=shade, label=f"d = {d}, {e} epochs")
    for d in degrees:
        ax.axhline(1 / d, **{**CHANCE_STYLE, "linewidth": 0.8})
    ax.set_xlabel("path length l (nodes per arm, root included)")
    ax.set_ylabel(ylabel or key.replace("_", " "))
    ax.set_xticks(sorted({r["path_length"] for r in rows}))
    ax.set_ylim(-0.02, 1.02)
    return ax


def seed_curves(series: dict, ax=None, chance: float | None = None, ylabel: str = "held-out exact match",
                xlabel: str = "training step"):
    """Mean over seeds (a line) and ± sd (a band) of measurements on a shared grid: ``label -> (steps,
    [one list of values per seed])``, as a multi-seed record stores its curves."""
    ax = axes_or_new(ax)
    for label, (steps, per_seed) in series.items():
        v = np.asarray(per_seed, dtype=float)
        mean, sd = v.mean(axis=0), (v.std(axis=0, ddof=1) if len(v) > 1 else np.zeros(v.shape[1]))
        line, = ax.plot(steps, mean, label=f"{label} (n={len(v)})")
        ax.fill_between(steps, mean - sd, mean + sd, color=line.get_color(), alpha=0.2)
    if chance is not None:
        ax.axhline(chance, label=f"chance = {chance:.3g}", **CHANCE_STYLE)
    ax.set_xlabel(xlabel)
    ax.set_ylabel(ylabel)
    ax.set_ylim(-0.02, 1.02)
    ax.legend(fontsize=8)
    return ax


def first_hop_dynamics(runs: dict, axes=None):
    """Two panels over the share of training done, one line per run (``label -> metrics.json`` dict whose
    history holds ``first_hop``): the logit gap (best training first hop minus the own one; above 0 a
    training hop outbids the answer) and the accuracy among the held-out first hops alone, with its chance."""
    axes = axes if axes is not None else panels(2, height=3.4)[1]
    chance = None
    for label, m in runs.items():
        rows = [h for h in m["history"] if h.get("first_hop")]
        done = [h["step"] / rows[-1]["step"] for h in rows]
        line, = axes[0].plot(done, [h["first_hop"]["logit_gap"] for h in rows], label=label)
        axes[1].plot(done, [h["first_hop"]["accuracy_among_held_out"] for h in rows], color=line.get_color())
        chance = rows[-1]["first_hop"]["chance_among_held_out"]
    axes[0].axhline(0.0, **CHANCE_STYLE)
    axes[0].set_ylabel("logit gap (training hop - own)")
    axes[1].axhline(chance, label=f"chance = {chance:.3g}", **CHANCE_STYLE)
    axes[1].set_ylabel("accuracy among held-out first hops")
    axes[1].set_ylim(-0.02, 1.02)
    for ax in axes:
        ax.set_xlabel("share of training done")
    # the runs' legend under both panels: in a panel half the column wide it would cover the curves
    axes[0].figure.legend(*axes[0].get_legend_handles_labels(), loc="outside lower center", ncols=2)
    axes[1].legend()
    return axes


def curves_by_graph(groups: dict, key: str = "test_exact_match", ylabel: str = "held-out exact match",
                    x: str = "step"):
    """Saved runs in small multiples, one panel per graph (``title -> (chance, {label: metrics.json dict})``),
    each with its own chance line; the runs of a panel differ in line style and marker, so that none hides
    behind another."""
    fig, axes = panels(len(groups), per_row=3, height=2.6)
    styles = [dict(linestyle="-", marker="o"), dict(linestyle="--", marker="x"), dict(linestyle="-.", marker="s")]
    for ax, (title, (chance, runs)) in zip(axes, groups.items()):
        for style, (label, m) in zip(styles, runs.items()):
            pts = [(h[x], h[key]) for h in m["history"] if h.get(key) is not None]
            ax.plot(*zip(*pts), label=label, markersize=4, **style)
        ax.axhline(chance, label=f"chance 1/d = {chance:.2g}", **CHANCE_STYLE)
        ax.set_title(title)
        ax.set_xlabel("training step" if x == "step" else x.replace("_", " "))
        ax.set_ylim(-0.02, 1.02)
        ax.legend(fontsize=SMALLEST_FONT_PT)
    axes[0].set_ylabel(ylabel)
    return axes


def distinguish(ax):
    """Give each run's line on ``ax`` its own dash pattern and marker (the chance line aside), and redraw
    the legend, so that runs lying on top of each other all stay visible."""
    styles = [("-", "o"), ("--", "x"), (":", "s"), ("-.", "^")]
    runs = [line for line in ax.get_lines() if not line.get_label().startswith(("chance", "_"))]
    for line, (dash, marker) in zip(runs, styles * (len(runs) // len(styles) + 1)):
        line.set_linestyle(dash)
        line.set_marker(marker)
        line.set_markersize(4)
    if ax.get_legend() is not None:
        ax.legend()
    return ax
