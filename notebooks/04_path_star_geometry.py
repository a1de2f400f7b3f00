# ---
# jupyter:
#   jupytext:
#     formats: ipynb,py:percent
#     notebook_metadata_filter: -jupytext.text_representation.jupytext_version
#     text_representation:
#       extension: .py
#       format_name: percent
#       format_version: '1.3'
#   kernelspec:
#     display_name: Python 3
#     language: python
#     name: python3
# ---

# %% [markdown]
# # The geometry of a memorized path-star
#
# [![Open In Colab](../book/images/colab-badge.svg)](https://colab.research.google.com/github/geomem/geomem/blob/main/notebooks/04_path_star_geometry.ipynb)

# %% tags=["remove-input"]
from geomem_nb import page

page.takeaway("C5", "C6", "C9")

# %% [markdown]
# Why can the in-weights model find the first hop of a held-out leaf? Its token embeddings carry a *global
# geometry*: a held-out leaf sits next to its own arm's first hop, so the first hop is "the root's child
# best aligned with the leaf", one step instead of an $(\ell-1)$-fold chain of look-ups. The number: the
# **leaf/first-hop diagonal**, the share of held-out leaves whose nearest first hop (cosine, among all $d$)
# is their own arm's; chance is $1/d$, the control the same model before training. With 5 nodes per arm,
# leaf and first hop are three edges apart.

# %% tags=["remove-cell"]
# Colab setup: install this repository's package without touching Colab's own torch.
import sys

if "google.colab" in sys.modules:
    # %pip install -q "geomem_nb @ git+https://github.com/geomem/geomem@main"
    pass

# %% tags=["hide-input"]
import matplotlib.pyplot as plt
from geomem_nb import deviations, experiments, geometry, page_notes, presets, results, stats, viz

viz.setup()
page_notes.setup_note("04_path_star_geometry")

# %% tags=["hide-input"]
OBJECTIVES = {"edges + full paths": "full-path", "edges + first hop": "hardest-token", "edges only": "edges-only"}
cfg = presets.config("in-weights-small")
runs = {name: experiments.in_weights(presets.config("in-weights-small", objective=obj), desc=name)
        for name, obj in OBJECTIVES.items()}
graph = runs["edges only"].graph
chance = 1 / graph.degree
shown = graph.test_arms[:24]
fig, axes = viz.panels(3, height=3.2)
for ax, (name, r) in zip(axes, runs.items()):
    viz.arm_heatmap(geometry.leaf_first_hop_cosines(r.embeddings(), graph.arms, shown), ax=ax, title=name)
plt.show()
print(deviations.regime(runs["edges + full paths"].as_record()))

# %% [markdown]
# *What to see:* leaves of held-out arms (rows) against their first hops (columns), coloured by cosine.
# Each panel has a bright diagonal: a leaf is closest to its own arm's first hop, though the two never met
# in a training example, even with edges only.

# %% tags=["hide-input"]
viz.table({name: {"leaf/first-hop diagonal": r.metrics["leaf_first_hop_diagonal_accuracy"],
                  "before training": r.history[0]["leaf_first_hop_diagonal_accuracy"],
                  "edge recovery": r.metrics["edge_recovery"],
                  "held-out first hop": r.metrics["test_hardest_token"]} for name, r in runs.items()},
          columns=["objective", "leaf/first-hop diagonal", "before training", "edge recovery", "held-out first hop"],
          caption=f"chance 1/d = {chance:.2g}")
viz.distinguish(viz.curves(runs, "leaf_first_hop_diagonal_accuracy", chance=chance, ylabel="leaf/first-hop diagonal"))
plt.title("held-out leaves nearest their own arm's first hop")
plt.show()

# %% [markdown]
# *What to see:* all three objectives start at the dotted chance line (the untrained model) and rise well
# above it: the geometry forms in training, with or without path supervision.
#
# ## The path-averaged heatmap
#
# Now every node of an arm counts: cell $(i, j)$ is the mean cosine over the node pairs of held-out arms $i$
# and $j$ (root and self-pairs left out). Its **diagonal contrast** is the diagonal's mean minus the rest's;
# a diagonal is *present* above 0.05, the band the untrained model must stay in. The paper's Fig. 17 plots
# cosine distance (dark where ours is bright) and, for edges only, shows none.

# %% tags=["hide-input"]
BAND = 0.05  # |contrast| of the untrained control; a diagonal is "present" above it
fig, axes = viz.panels(3, height=3.2)
contrast, untrained_pa = {}, {}
for ax, (name, r) in zip(axes, runs.items()):
    emb = r.embeddings()
    viz.arm_heatmap(geometry.path_averaged_cosines(emb, graph.arms, shown), ax=ax, title=name,
                    xlabel="held-out arm j (all nodes but the root)", ylabel="held-out arm i (all nodes but the root)")
    contrast[name] = (geometry.diagonal_contrast(geometry.leaf_first_hop_cosines(emb, graph.arms, graph.test_arms)),
                      geometry.diagonal_contrast(geometry.path_averaged_cosines(emb, graph.arms, graph.test_arms)))
    untrained_pa[name] = r.history[0]["path_averaged_contrast"]
plt.show()
present = {name: pa > BAND for name, (_, pa) in contrast.items()}
contrast_rows = [{"objective": name, "leaf/first-hop contrast": lf, "path-averaged contrast": pa,
                  "before training": untrained_pa[name], "path-averaged diagonal": "present" if present[name] else "absent"}
                 for name, (lf, pa) in contrast.items()]
page_notes.fold("Each objective's contrasts", viz.table(contrast_rows, show=False))

# %% [markdown]
# *What to see:* a diagonal survives in each panel when every node of an arm counts (contrasts folded
# above). With edges only the paper shows none, so we repeat that run on two more seeds (new labelling,
# split and initialization), each against its untrained model.

# %% tags=["hide-input"]
edge_only_runs = [runs["edges only"]] + [
    experiments.in_weights(presets.config("in-weights-small", objective="edges-only", seed=cfg.seed + k),
                           desc=f"edges only, seed {cfg.seed + k}") for k in (1, 2)]
edge_only_pa = stats.spread(r.metrics["path_averaged_contrast"] for r in edge_only_runs)
edge_only_untrained = stats.spread(r.history[0]["path_averaged_contrast"] for r in edge_only_runs)
edge_only_diag = stats.spread(r.metrics["leaf_first_hop_diagonal_accuracy"] for r in edge_only_runs)
viz.table([{"edges only, seeds": ", ".join(str(r.config["seed"]) for r in edge_only_runs),
            "path-averaged contrast": str(edge_only_pa), "before training": str(edge_only_untrained),
            "leaf/first-hop diagonal": str(edge_only_diag)}], caption="mean ± sd over seeds")
# A diagonal on every seed, and beyond the spread of the untrained model of each seed.
edge_only_diagonal = min(edge_only_pa.values) > BAND and stats.above(edge_only_pa, edge_only_untrained)
print("Edges only: " + ("a path-averaged diagonal on every seed, beyond the spread of the untrained model."
                        if edge_only_diagonal else "no clear path-averaged diagonal on every seed."))

# %% [markdown]
# The contrast over training, and eight held-out arms on the top two principal components (one colour per
# arm, the leaf a star), are folded below.

# %% tags=["hide-input", "hide-output"]
viz.distinguish(viz.curves(runs, "path_averaged_contrast", ylabel="path-averaged diagonal contrast"))
plt.title("held-out arms: own-arm node pairs minus other-arm pairs")
plt.show()
fig, axes = viz.panels(3, height=3.2)
for ax, (name, r) in zip(axes, runs.items()):
    viz.arm_projection(r.embeddings(), graph.arms, graph.test_arms[:8], ax=ax, title=name)
plt.show()

# %% [markdown]
# ## The claim, asserted
#
# :::{admonition} What is asserted
# :class: dropdown
# For every objective, edges only included: the leaf/first-hop diagonal is at least 0.5 at `ci` and at
# least 0.8 from `cpu` up; the untrained model stays within three binomial standard deviations of chance;
# the leaf/first-hop contrast is positive. The path-averaged control: the untrained model's contrast lies
# within ±0.05. What the data show: every objective has a path-averaged diagonal (contrast above 0.05),
# and on three edge-only seeds it lies above the untrained model beyond the spread.
# :::

# %% tags=["hide-input"]
bar = 0.5 if cfg.preset == "ci" else 0.8
untrained_bar = chance + 3 * (chance * (1 - chance) / len(graph.test_arms)) ** 0.5
for name, r in runs.items():
    acc, before = r.metrics["leaf_first_hop_diagonal_accuracy"], r.history[0]["leaf_first_hop_diagonal_accuracy"]
    assert acc >= bar, (name, acc)
    assert before <= untrained_bar, (name, before, untrained_bar)
    assert contrast[name][0] > 0, (name, contrast[name])
    assert abs(untrained_pa[name]) <= BAND, (name, untrained_pa[name])  # the control
    assert present[name], (name, contrast[name][1])  # the finding (for edges only, unlike the paper)
assert all(abs(v) <= BAND for v in edge_only_untrained.values), edge_only_untrained
assert edge_only_diagonal, (str(edge_only_pa), str(edge_only_untrained))
viz.table({name: {"leaf/first-hop diagonal": r.metrics["leaf_first_hop_diagonal_accuracy"], "bar": bar, "chance 1/d": chance}
           for name, r in runs.items()}, columns=["objective", "leaf/first-hop diagonal", "bar", "chance 1/d"],
          caption="asserted")

# %% tags=["remove-input"]
results.record("04_path_star_geometry", {
    "graph": f"G({cfg.degree},{cfg.path_length})", "steps": cfg.steps, "chance": chance,
    "diagonal": {name: r.metrics["leaf_first_hop_diagonal_accuracy"] for name, r in runs.items()},
    "edge_recovery": {name: r.metrics["edge_recovery"] for name, r in runs.items()},  # C9's under-trained guard
    "untrained": {name: r.history[0]["leaf_first_hop_diagonal_accuracy"] for name, r in runs.items()},
    "contrast_leaf_first_hop": {name: c[0] for name, c in contrast.items()},
    "contrast_path_averaged": {name: c[1] for name, c in contrast.items()},
    "untrained_path_averaged": untrained_pa,
    "path_averaged_diagonal": present,
    "edges_only_seeds": {"path_averaged": stats.as_record(edge_only_pa),
                         "untrained_path_averaged": stats.as_record(edge_only_untrained),
                         "diagonal": stats.as_record(edge_only_diag)}}, cfg.preset)
