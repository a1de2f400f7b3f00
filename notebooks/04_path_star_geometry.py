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
# [![Open In Colab](https://colab.research.google.com/assets/colab-badge.svg)](https://colab.research.google.com/github/geomem/geomem/blob/main/notebooks/04_path_star_geometry.ipynb)
# *On Colab: Runtime → Change runtime type → GPU, then run all.*
#
# **Claims (C5, C6, C9).** Why can the in-weights model find the first hop of a held-out leaf? Because
# its token embeddings have a *global geometry*: on held-out paths, the leaf sits next to its own
# arm's first hop, so predicting $v_1$ becomes "pick the root's child best aligned with the leaf" — a
# single step instead of an $(\ell-1)$-fold chain of look-ups (C6). The geometry forms whatever the
# path supervision: full paths, the first hop alone, or **no paths at all** (edges only, C9).
#
# **The number.** `leaf_first_hop_diagonal_accuracy`: the share of held-out leaves whose nearest
# first-hop embedding (cosine, among all $d$ first hops) is their own arm's. Chance is $1/d$.
# **Control:** the same model before training (the step-0 evaluation), same shape and initialization.
#
# Arms have 5 nodes: with $\ell = 4$ the leaf and the first hop would share a neighbour, and their
# closeness could be mere second-order co-occurrence; with $\ell = 5$ they are three hops apart.

# %% tags=["remove-cell"]
# Colab setup: install this repository's package without touching Colab's own torch.
import sys

if "google.colab" in sys.modules:
    # %pip install -q "geomem_nb @ git+https://github.com/geomem/geomem@main"
    pass

# %%
import matplotlib.pyplot as plt
import geomem_nb as gm
from geomem_nb import experiments, geometry, presets, results, viz

viz.setup()
print(gm.env_line())

# %% [markdown]
# ## Three objectives, one graph
#
# One graph and model (the `in-weights-small` preset, shared with chapters 03 and 08), trained three ways.

# %%
OBJECTIVES = {"edges + full paths": "full-path", "edges + first hop": "hardest-token", "edges only": "edges-only"}
cfg = presets.config("in-weights-small")
print(cfg)
runs = {name: experiments.in_weights(presets.config("in-weights-small", objective=obj), desc=name)
        for name, obj in OBJECTIVES.items()}
graph = runs["edges only"].graph
chance = 1 / graph.degree
for name, r in runs.items():
    m = r.metrics
    print(f"{name:20s} leaf/first-hop diagonal {m['leaf_first_hop_diagonal_accuracy']:.3f} "
          f"(untrained {r.history[0]['leaf_first_hop_diagonal_accuracy']:.3f}, chance {chance:.4f}); "
          f"edge recovery {m['edge_recovery']:.3f}; held-out first hop {m['test_hardest_token'] or 0:.3f}")

# %% [markdown]
# ## The leaf/first-hop heatmap
#
# Rows: the leaf of held-out arm $i$; columns: the first hop of held-out arm $j$; colour: cosine
# similarity of their token embeddings. None of these pairs ever appeared together in a training
# example (held-out arms have no path examples; leaf and first hop are three edges apart).

# %%
shown = graph.test_arms[:24]
fig, axes = plt.subplots(1, 3, figsize=(15, 4.3))
for ax, (name, r) in zip(axes, runs.items()):
    emb = r.embeddings()
    viz.arm_heatmap(geometry.leaf_first_hop_cosines(emb, graph.arms, shown), ax=ax, title=name)
plt.show()

# %% [markdown]
# The diagonal is the geometry. Its strength over training, against the untrained model:

# %%
viz.curves(runs, "leaf_first_hop_diagonal_accuracy", chance=chance, ylabel="leaf/first-hop diagonal accuracy")
plt.title("held-out leaves nearest their own arm's first hop")
plt.show()

# %% [markdown]
# ## The path-averaged heatmap
#
# Here each arm is summarized by the mean embedding of its nodes (root excluded), and arm $i$ is
# compared with arm $j$. We summarize each heatmap by its *diagonal contrast*: the mean on the
# diagonal minus the mean off it (0 means no diagonal).

# %%
fig, axes = plt.subplots(1, 3, figsize=(15, 4.3))
contrast = {}
for ax, (name, r) in zip(axes, runs.items()):
    emb = r.embeddings()
    avg = geometry.path_averaged_cosines(emb, graph.arms, shown)
    viz.arm_heatmap(avg, ax=ax, title=name, xlabel="held-out arm j (mean embedding)",
                    ylabel="held-out arm i (mean embedding)")
    contrast[name] = (geometry.diagonal_contrast(geometry.leaf_first_hop_cosines(emb, graph.arms, graph.test_arms)),
                      geometry.diagonal_contrast(geometry.path_averaged_cosines(emb, graph.arms, graph.test_arms)))
plt.show()
for name, (lf, pa) in contrast.items():
    print(f"{name:20s} diagonal contrast: leaf/first hop {lf:.3f}, path-averaged {pa:.3f}")

# %% [markdown]
# ## A 2-D projection, coloured by arm
#
# Eight held-out arms, their nodes (root excluded) on the top two principal components of their
# embeddings; the star is the leaf. (The paper also shows UMAP; this book keeps to PCA, which needs
# nothing beyond numpy.)

# %%
fig, axes = plt.subplots(1, 3, figsize=(15, 4.3))
for ax, (name, r) in zip(axes, runs.items()):
    viz.arm_projection(r.embeddings(), graph.arms, graph.test_arms[:8], ax=ax, title=name)
plt.show()

# %% [markdown]
# ## The claim, asserted
#
# For every objective, edges only included: the diagonal accuracy is at least 0.5 at `ci` and at
# least 0.8 from `cpu` up, against chance $1/d$; the untrained model stays within three binomial
# standard deviations of chance on the held-out leaves; the leaf/first-hop heatmap has a positive
# diagonal contrast.

# %%
bar = 0.5 if cfg.preset == "ci" else 0.8
untrained_bar = chance + 3 * (chance * (1 - chance) / len(graph.test_arms)) ** 0.5
for name, r in runs.items():
    acc, before = r.metrics["leaf_first_hop_diagonal_accuracy"], r.history[0]["leaf_first_hop_diagonal_accuracy"]
    assert acc >= bar, (name, acc)
    assert before <= untrained_bar, (name, before, untrained_bar)
    assert contrast[name][0] > 0, (name, contrast[name])
print("asserted:", {name: round(r.metrics["leaf_first_hop_diagonal_accuracy"], 3) for name, r in runs.items()},
      "bar", bar, "chance", round(chance, 4))
results.record("04_path_star_geometry", {
    "graph": f"G({cfg.degree},{cfg.path_length})", "steps": cfg.steps, "chance": chance,
    "diagonal": {name: r.metrics["leaf_first_hop_diagonal_accuracy"] for name, r in runs.items()},
    "untrained": {name: r.history[0]["leaf_first_hop_diagonal_accuracy"] for name, r in runs.items()},
    "contrast_leaf_first_hop": {name: c[0] for name, c in contrast.items()},
    "contrast_path_averaged": {name: c[1] for name, c in contrast.items()}}, cfg.preset)
