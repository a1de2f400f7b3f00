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
# # Tiny graphs: associative or geometric memory?
#
# [![Open In Colab](../book/images/colab-badge.svg)](https://colab.research.google.com/github/geomem/geomem/blob/main/notebooks/05_tiny_graphs.ipynb)
# *Runs on a CPU (every model trains in seconds); on Colab just run all.*
#
# **Claim (C16, with C7, C11, C15).** Give a model one job: for each node $u$ of a small graph,
# predict $u$'s neighbours. A lookup table would do (that is *associative* memory: any embedding, one
# weight matrix that maps $u$ to its neighbours). Yet the models that can move their embeddings
# arrange them after the graph's **global** shape (*geometric* memory), although every training
# example is a single edge.
#
# **Controls.**
# * The **associative control**: the same one-layer network with its embeddings frozen at random
#   values; only the weight matrix learns. It memorizes every edge too (C7: capacity is not what
#   forces a geometry), so a geometry measured on the other models is not a side effect of memorizing.
# * **Chance levels** for every geometry number: a geometric level of 0 (random embeddings), and the
#   spectral concentration of an embedding unrelated to the graph.
#
# Node2Vec, the cleanest geometry, and its spectral explanation get the next chapter.
#
# **Like for like with the authors' code.** Every model trains at the authors' configuration for its
# graph (width, learning rate, steps, schedule, weight decay: the official tiny-graph notebooks),
# with their vocabulary (the nodes plus 9 special tokens) and their Transformer initialization
# (position embeddings at $\mathcal N(0, 1)$). Every number below is a **mean ± sd over seeds** (the
# authors' seed 7 and two more; five for the bilinear networks, whose margins change sign from seed
# to seed), and every comparison with a number the authors recorded uses their definition. The
# figures show one run each, seed 7, labelled.

# %% tags=["remove-cell"]
# Colab setup: install this repository's package without touching Colab's own torch.
import sys

if "google.colab" in sys.modules:
    # %pip install -q "geomem_nb @ git+https://github.com/geomem/geomem@main"
    pass

# %% tags=["hide-input"]
import matplotlib.pyplot as plt
import numpy as np

import geomem_nb as gm
from geomem_nb import chapter_records, controls, experiments, geometry, graphs, presets, spectral, stats, tiny_seeds, viz
from geomem_nb.experiments import tiny_config

viz.setup()
print(gm.env_line())
print(chapter_records.announce("05_tiny_graphs"))  # which records it reads, and what it does without them

# %% [markdown]
# ## Four tiny graphs
#
# The paper's four: a path-star $G_{4,5}$ (a root and four arms of four nodes), a $4\times4$ grid, a
# 15-cycle, and an irregular graph of 16 nodes and 20 edges. The irregular graph is **disconnected**:
# a 12-node ring with two chords, and a separate $K_4$. Node labels are plain integers in a stated
# order; colours below follow the labels.

# %%
G = {name: graphs.tiny_graph(name) for name in graphs.TINY_GRAPHS}
fig, axes = viz.panels(4, height=3.0)
for ax, (name, g) in zip(axes, G.items()):
    viz.draw_embedding(g.layout, g.forward, ax=ax, labels=True,
                       title=f"{g.name}\n{g.num_nodes} nodes, {len(g.forward)} edges, "
                             f"{len(g.components())} component(s)")
plt.show()
viz.table({name: {"nodes": g.num_nodes, "edges": len(g.forward), "connected": g.connected,
                  "component sizes": str([len(c) for c in g.components()])} for name, g in G.items()},
          columns=["graph", "nodes", "edges", "connected", "component sizes"])

# %% [markdown]
# *What to see:* four small graphs of about 16 nodes each; only the irregular one falls apart into two
# components (its ring and the separate $K_4$), which will matter for its spectrum.

# %% [markdown]
# ## The models and how they are scored
#
# All models train on the same examples, every directed edge $(u, v)$ (both directions), with the
# whole edge set in every step:
#
# | model | what learns | logits of $u$ |
# |---|---|---|
# | `transformer` | a 1-layer, 1-head GPT, embeddings tied to the output | GPT(`[EDGE] u`) |
# | `nn` | embeddings $E$ and one linear map $(W, b)$ | $E(We_u + b)$ |
# | `associative` (control) | only $(W, b)$; $E$ frozen at random | $E(We_u + b)$ |
# | `associative-fast` (control) | the same, 512 wide, large learning rate | $E(We_u + b)$ |
# | `node2vec` | one tied table $V$ (next chapter) | $V v_u$ |
# | `mamba` | a 1-layer Mamba (d_state 8, d_conv 4, expand 2; 4 on the irregular graph), tied | Mamba(`[EDGE] u`) |
#
# The configurations are the authors', per model and graph (`tiny_config.settings`, printed below with the
# one command that runs each). The authors' release has **no tiny Mamba notebook**: its row follows
# the paper's description (d_state 8, d_conv 4, expand 2, 4 on the irregular graph; the paper's
# 3-layer, width-256 irregular model is not used) with the Transformer's width, learning rate and
# steps, and our pure-PyTorch Mamba (chapter 08). Every model is scored by the
# same functions on its node-embedding rows:
#
# * **top-k edge recovery**: for each node $u$, the share of its neighbours among its top-$\deg(u)$
#   predicted nodes, averaged over nodes (1 = every edge memorized);
# * **geometric level**: the mean cosine similarity of the two embeddings of each distinct edge
#   (0 for random embeddings; self-edges never count);
# * **spectral concentration**: the share of the embedding's non-trivial energy on the top two
#   eigenspaces of the graph operator $P + P^\top$, $P = D^{-1}A$ (the Fiedler-like directions;
#   details in the next chapter).

# %% tags=["hide-input"]
rows = []
for model in tiny_config.TINY_MODELS:
    for variant in ("", "self-edges", "forward-only"):
        if f"star/{model}{'-' + variant if variant else ''}" not in tiny_seeds.entries():
            continue
        flags = dict(self_edges=variant == "self-edges", forward_only=variant == "forward-only")
        rows.append({"model": model, "variant": variant or "both dirs",
                     **{g: tiny_config.describe(tiny_config.settings(model, g, **flags), model) for g in graphs.TINY_GRAPHS}})
viz.table(rows, caption="the authors' configuration of each model and graph (d = width, st = steps)")

# %%
print("one command per configuration, e.g.:")
for m, g in (("nn", "cycle"), ("associative-fast", "irregular"), ("transformer", "star"), ("mamba", "irregular")):
    print("  ", tiny_config.command(graph=g, model=m))
cfg = presets.config("tiny")
print("preset:", cfg.preset, "| seed", cfg.seed, "| live runs capped at", cfg.max_steps, "steps" if cfg.max_steps else "")
runs = experiments.tiny_sweep(preset=cfg.preset)

# %% [markdown]
# The runs above (seed 7) draw the figures. The numbers come from the multi-seed record
# (`python -m geomem_nb.tiny_seeds --preset cpu --out results/cpu/05_tiny_seeds`; the runs are the same
# at every preset, so the chapter loads it and runs only what is missing or stale).

# %%
S = tiny_seeds.load_or_run(cfg.preset)
T = tiny_seeds.text
viz.table([{"graph": g, "model": m, "seeds": len(S["runs"][f"{g}/{m}"]["seeds"]),
            "recovery": T(S, f"{g}/{m}", "topk_recovery", "{:.3f}"),
            "all edges at step": T(S, f"{g}/{m}", "steps_to_full_recovery", "{:.0f}"),
            "geo level": T(S, f"{g}/{m}", "geometric_level"),
            "memorized": T(S, f"{g}/{m}", "memorized_geometric_level"),
            "concentration": T(S, f"{g}/{m}", "spectral_concentration", "{:.2f}"),
            "chance": T(S, f"{g}/{m}", "concentration_chance", "{:.2f}")}
           for g in graphs.TINY_GRAPHS for m in tiny_config.TINY_MODELS], caption="mean ± sd over seeds")

# %% [markdown]
# *geo level* is the geometric level at the end of training; *memorized* is the highest level among the
# evaluations where every edge was already recovered (the most geometric state of a model that has
# memorized the graph); a run that never recovered every edge has none, and its seeds are then shown
# one by one. The asserts at the end say which runs recover every edge.
#
# ### Beside the authors' recorded numbers
#
# Each number the authors' notebooks recorded (seed 7), next to ours (mean ± sd over seeds) under the
# **same definition**: the bilinear models' geometric margin over the whole vocabulary (their
# definition, `geometry.geometric_margin_full_vocab`), Node2Vec's final loss per node (plain
# full-batch gradient descent, reproducible exactly), top-k recovery, and the star Transformer's final
# geometric level (recomputed from their checkpoint). Their sequence-model losses are bf16 values
# printed on a GPU and are not compared. *within* says whether their number lies within our mean ± sd;
# *sign flips* marks a measure whose sign changes across our seeds.

# %%
comparison = tiny_seeds.comparisons(S)
viz.table([{"graph": c["graph"], "entry": c["entry"], "measure": c["measure"], "ours (mean ± sd)": str(c["ours"]),
            "authors": c["authors"], "within": "yes" if c["within"] else "no", "sign flips": "YES" if c["flips"] else ""}
           for c in comparison])
flipping = [f"{c['graph']}/{c['entry']}" for c in comparison if c["flips"]]
print("the margin changes sign across seeds for:", ", ".join(flipping) or "none")

# %% [markdown]
# ### The Transformer's position initialization
#
# The authors' tiny Transformer leaves its position table at PyTorch's default $\mathcal N(0, 1)$ (its
# token table at $\mathcal N(0, 0.02)$); our earlier runs used $\mathcal N(0, 0.02)$ for both. The
# chapter now uses theirs (`pos_std`, `--pos-std`; `--pos-std 0.02` gives the old runs). With two input
# positions the position vector is a large offset added to every token: the effect on the final and
# the highest geometric level, and on when every edge is stored:

# %%
viz.table([{"graph": g, "position init": label, "final level": T(S, e, "geometric_level"),
            "max level": T(S, e, "max_geometric_level"),
            "all edges at step": T(S, e, "steps_to_full_recovery", "{:.0f}")}
           for g in graphs.TINY_GRAPHS
           for label, e in (("N(0, 1)", f"{g}/transformer"), ("N(0, 0.02)", f"{g}/transformer-pos-0.02"))])
pos_effect = {g: (stats.above(tiny_seeds.spread_of(S, f"{g}/transformer", "geometric_level"),
                              tiny_seeds.spread_of(S, f"{g}/transformer-pos-0.02", "geometric_level")),
                  stats.above(tiny_seeds.spread_of(S, f"{g}/transformer-pos-0.02", "geometric_level"),
                              tiny_seeds.spread_of(S, f"{g}/transformer", "geometric_level")))
              for g in graphs.TINY_GRAPHS}
print("final level higher with N(0, 1), beyond the spread:", [g for g, (hi, lo) in pos_effect.items() if hi],
      "| lower:", [g for g, (hi, lo) in pos_effect.items() if lo])
#
# ## What the embeddings look like
#
# Each row is a graph: first the graph drawn at its own **Fiedler coordinates** (the top two
# non-trivial eigenvectors of $P + P^\top$), then each model's final embedding projected on its top
# two principal components, with the graph's edges drawn. A geometric memory looks like the graph.

# %%
show = ["transformer", "mamba", "nn", "associative", "node2vec"]
for name, g in G.items():  # one figure per graph
    fig, axes = viz.panels(1 + len(show), per_row=3, height=2.4)
    fig.suptitle(name)
    spaces = runs[(name, "node2vec")].spaces
    viz.draw_embedding(spectral.fiedler_coordinates(spaces), g.forward, ax=axes[0], title="Fiedler coordinates")
    for ax, m in zip(axes[1:], show):
        r = runs[(name, m)]
        viz.draw_embedding(geometry.pca(r.embeddings()), g.forward, ax=ax,
                           title=f"{m} (seed 7)\nlevel {r.metrics['geometric_level']:+.2f}")
    plt.show()

# %% [markdown]
# The frozen control's embeddings are a random cloud: the edges it has memorized are stored in $W$,
# not in where the nodes sit. Node2Vec reproduces the Fiedler picture almost exactly. The Transformer
# and Mamba show the graph's shape too, less cleanly (their levels over seeds are in the table above). The bilinear network is the surprise: its picture folds
# the graph ("zig-zag"), with neighbours on *opposite* sides. Its geometric level (the mean edge
# cosine) averages those opposite pairs with the aligned ones, so its sign says little about how
# geometric the network is; over seeds it is not above zero on any graph, and below zero beyond the
# spread only where the line below says. The section on self-edges below shows where the fold comes
# from, and measures it directly (the share of energy on the most negative directions).

# %%
nn_sign = tiny_seeds.sign_by_graph(S, "nn", "geometric_level")
print("the bilinear network's final geometric level, over seeds: " +
      "; ".join(f"{side}: {', '.join(gs) or 'none'}" for side, gs in nn_sign.items()))
assert not nn_sign["above 0"], nn_sign  # the prose above: not above zero on any graph

# %% [markdown]
# ## Memorization and geometry over training

# %%
for name in G:  # one figure per graph
    fig, axes = viz.panels(5, per_row=3, height=2.4)
    fig.suptitle(f"{name} (seed 7)")
    for ax, m in zip(axes, ["transformer", "mamba", "nn", "associative-fast", "node2vec"]):
        viz.memorization_vs_geometry(runs[(name, m)].history, ax=ax, title=m)
    plt.show()

# %% [markdown]
# The fast associative control stores all edges within a couple of full-batch steps while its
# geometric level stays flat at zero: the associative solution is *easier to find*, yet the models
# with learnable embeddings do not take it. The Transformer's geometry appears within tens of steps,
# peaks, and part of it is traded away while the last edges are memorized.
#
# ## Cosine similarity next to the adjacency

# %%
fig, axes = viz.panels(6, per_row=2, height=3.0)
axes = axes.reshape(3, 2)
adjacency = G["cycle"].adjacency()
for row, m in zip(axes, ["transformer", "node2vec", "associative"]):
    viz.similarity_heatmaps(geometry.cosine_matrix(runs[("cycle", m)].embeddings()), adjacency,
                            axes=row, title=f"15-cycle, {m}")
plt.show()

# %% [markdown]
# In a geometric memory, similarity falls off smoothly with distance along the cycle (a band around the
# diagonal that is wider than the adjacency's); in the associative control there is no band at all.
#
# ## Where the embedding's energy sits in the spectrum (C15)
#
# The bars split each embedding's non-trivial energy over the eigenspaces of $P + P^\top$, from the
# largest eigenvalue (smooth, Fiedler-like directions, green) to the most negative (directions that
# alternate in sign between neighbours, red).

# %%
fig, axes = viz.panels(5, per_row=3, height=2.8, sharey=True)
for ax, m in zip(axes, ["node2vec", "transformer", "mamba", "nn", "associative"]):
    viz.spectral_bars(runs[("cycle", m)].metrics["spectral_energy"], ax=ax, title=f"15-cycle, {m} (seed 7)")
plt.show()

# %% [markdown]
# *What to see:* Node2Vec's bars pile up at the green (smooth) end; the Transformer and Mamba put most of
# their energy there too, with a visible share at the red end; the frozen control spreads evenly.

# %%
conc = {m: [tiny_seeds.spread_of(S, f"{g}/{m}", "spectral_concentration") for g in G]
        for m in ("node2vec", "transformer", "mamba")}
chance = [tiny_seeds.mean(S, f"{g}/node2vec", "concentration_chance") for g in G]
x = np.arange(len(G))
fig, (ax,) = viz.panels(width=7.0, height=3.4)
for k, m in enumerate(conc):
    ax.bar(x + 0.27 * (k - 1), [c.mean for c in conc[m]], 0.27, yerr=[c.sd for c in conc[m]], capsize=3,
           label=f"{m} (mean ± sd over seeds)")
ax.scatter(x, chance, color="k", marker="_", s=600, label="chance (no relation to the graph)", zorder=3)
ax.set_xticks(x, list(G))
ax.set_ylabel("spectral concentration")
ax.set_ylim(0, 1.05)
ax.legend(loc="lower right")
plt.show()

# %% [markdown]
# *What to see:* every Node2Vec bar near 1; the Transformer's and Mamba's bars above the chance marks
# but clearly below Node2Vec's, with error bars (over seeds) that do not reach it.

# %% [markdown]
# Node2Vec puts almost all of its energy on the top two eigenspaces; the Transformer's and Mamba's
# geometry is above chance but spread wider, with a visible share on the most negative directions:
# the "headroom" the paper points to (C15).
#
# ### A wide network on the cycle and the minimal eigendirections (C13)
#
# The authors' post says that "a wide 2-layer model under CE loss somehow uses only a minimal set of
# eigendirections to memorize a graph even w/o regularization (e.g., 2 directions for cycle graph)".
# Our reading of the model: the bilinear network $E \to W \to E^\top$ (two weight layers) of their
# cycle notebook, width 512, lr $10^{-2}$ constant, 10,000 full-batch steps. The test: the share of its
# non-trivial embedding energy on the **Fiedler pair** (the two directions of a cycle's lowest
# frequency), beside Node2Vec (width 100) and beside the same network at width 32 (same schedule),
# with the share an embedding unrelated to the graph would have.

# %%
fiedler = {label: tiny_seeds.spread_of(S, e, "fiedler_share") for label, e in
           (("node2vec, width 100", "cycle/node2vec"), ("bilinear, width 512 (the authors')", "cycle/nn"),
            ("bilinear, width 32", "cycle/nn-width-32"))}
fiedler_chance = spectral.concentration_chance(runs[("cycle", "node2vec")].spaces, top=1)
viz.table([*({"model": label, "Fiedler-pair share (mean ± sd)": str(sp)} for label, sp in fiedler.items()),
           {"model": "chance (energy spread evenly)", "Fiedler-pair share (mean ± sd)": f"{fiedler_chance:.3f}"}])
wide, narrow, n2v_share = (fiedler["bilinear, width 512 (the authors')"], fiedler["bilinear, width 32"],
                           fiedler["node2vec, width 100"])
print("wide above narrow beyond the spread:", stats.above(wide, narrow), "| narrow above wide:", stats.above(narrow, wide),
      "| node2vec above wide:", stats.above(n2v_share, wide))
#
# ## Variant: forward edges only
#
# Store each edge in one direction only (path-star: root → leaf; grid: right and down; cycle:
# $i \to i+1$). Both storages then cost the same; does a geometry still appear? At the `ci` preset
# the variants run on two graphs, from `cpu` up on all four.

# %%
variant_graphs = ["star", "cycle"] if cfg.preset == "ci" else list(G)
forward = experiments.tiny_sweep(variant_graphs, ["transformer"], preset=cfg.preset, forward_only=True)
fig, axes = viz.panels(len(variant_graphs), height=3.0)
for ax, g in zip(axes, variant_graphs):
    r = forward[(g, "transformer")]
    viz.draw_embedding(geometry.pca(r.embeddings()), G[g].forward, ax=ax,
                       title=f"{g}, forward only (seed 7)\nlevel {r.metrics['geometric_level']:+.2f}")
plt.show()

# %% [markdown]
# *What to see:* whether the forward-only embeddings still trace the graph's shape; the table gives the
# same over seeds, beside the both-directions runs.

# %%
viz.table([{"graph": g, "recovery": T(S, f"{g}/transformer-forward-only", "topk_recovery", "{:.3f}"),
            "geo level": T(S, f"{g}/transformer-forward-only", "geometric_level"),
            "geo level, both directions": T(S, f"{g}/transformer", "geometric_level"),
            "concentration": T(S, f"{g}/transformer-forward-only", "spectral_concentration", "{:.2f}")}
           for g in G], caption="forward-only Transformer, mean ± sd over seeds")

# %% [markdown]
# ## Variant: self-edges, and where the zig-zag comes from (C11)
#
# The folded pictures project strongly on the **most negative** eigendirections of $P + P^\top$,
# directions whose sign alternates between neighbours. Add the "identity facts" $(u, u)$ to the
# training data: now each node must also predict itself, which rewards $u$'s embedding for lying
# close to its own prediction, and the negative directions lose their appeal. The spectral basis is the
# graph's own operator in both cases (self-edges change the data, not the graph).

# %%
selfed = experiments.tiny_sweep(variant_graphs, ["transformer", "nn", "node2vec"], preset=cfg.preset, self_edges=True)
viz.table([{"graph": g, "model": m, "negative share": T(S, f"{g}/{m}", "negative_share", "{:.3f}"),
            "negative share, self-edges": T(S, f"{g}/{m}-self-edges", "negative_share", "{:.3f}"),
            "geo level": T(S, f"{g}/{m}", "geometric_level"),
            "geo level, self-edges": T(S, f"{g}/{m}-self-edges", "geometric_level")}
           for g in G for m in ("transformer", "nn", "node2vec")], caption="mean ± sd over seeds")
fig, axes = viz.panels(2 * len(variant_graphs), per_row=2, height=3.0)
axes = axes.reshape(-1, 2)  # one row per graph: without self-edges (left), with (right)
for j, g in enumerate(variant_graphs):
    for i, (label, r) in enumerate((("no self-edges", runs[(g, "nn")]), ("self-edges", selfed[(g, "nn")]))):
        viz.draw_embedding(geometry.pca(r.embeddings()), G[g].forward, ax=axes[j, i],
                           title=f"{g}, nn, {label} (seed 7)\nlevel {r.metrics['geometric_level']:+.2f}")
plt.show()

# %% [markdown]
# *What to see:* the left column's folded (zig-zag) pictures, neighbours on opposite sides; with self-edges
# (right column) the same network lays the graph out with neighbours side by side.

# %% [markdown]
# ### The bilinear models' geometric margin
#
# For the bilinear models the logits are $E W E^\top$ (plus a bias): a geometry in $E$ and an
# association in $W$. Keeping only the diagonal of $W$ in the basis of $E$'s right singular vectors
# removes the couplings a lookup table needs and leaves the "skewed", geometry-only logits. Their
# **geometric margin** is, averaged over nodes, the best neighbour's logit minus the best
# non-neighbour's: positive when the geometry alone already ranks a true neighbour first. The model's
# own logits (*edge margin*) are shown for comparison.
#
# There are **two definitions**, and they differ on the same weights. *Ours* takes the singular basis
# and the non-neighbours over the node rows only; *the authors'* (`full vocab`) takes the whole
# vocabulary table, the 9 special tokens included, so the specials' rows shape the basis and their
# columns count as non-neighbours. The authors' numbers are compared under theirs.

# %%
rows = []
for g in G:
    for m in ("nn", "associative", "associative-fast", "nn-self-edges", "associative-self-edges"):
        e = f"{g}/{m}"
        theirs = tiny_seeds.AUTHORS_RECORDED.get(f"{e}/geometric_margin_full_vocab")
        rows.append({"graph": g, "model": m, "seeds": len(S["runs"][e]["seeds"]), "edge margin": T(S, e, "edge_margin"),
                     "geo margin, ours": T(S, e, "geometric_margin"),
                     "geo margin, full vocab": T(S, e, "geometric_margin_full_vocab"),
                     "authors": "-" if theirs is None else f"{theirs:+.2f}",
                     "sign": "FLIPS" if tiny_seeds.sign_flips(S, e, "geometric_margin_full_vocab") else ""})
viz.table(rows, caption="mean ± sd over seeds; authors: their recorded seed-7 value (full-vocabulary definition)")

# %% [markdown]
# The frozen controls' geometry-only logits carry no margin of their own (around or below zero): their
# memory is all in the off-diagonal couplings of $W$. For the trained network the margin's mean is
# positive, but where *FLIPS* is printed the seeds disagree on its sign: one seed (the authors' single
# run) cannot say whether that network's geometry alone ranks the neighbours first. The asserts below
# say which graphs clear zero beyond the spread.
#
# ## The geometry forming, step by step
#
# The Transformer on the 15-cycle, all drawn in one PCA fitted to every snapshot together (the
# directions are shared; each panel is scaled to its own extent). The steps shown are chosen by a rule:
# the start, the step of the highest geometric level, the first step with every edge recovered, the
# midpoint of the rest of training, and the end. The interactive version below (in Jupyter or Colab)
# steps through every recorded snapshot.

# %%
run = runs[("cycle", "transformer")]
snap_steps, snaps = run.snapshots["steps"], run.snapshots["embeddings"]
coords = viz.joint_pca(snaps)
level = [h["geometric_level"] for h in run.history]
full = next(i for i, h in enumerate(run.history) if h["topk_recovery"] >= 1.0)
picks = sorted({0, int(np.argmax(level)), full, (full + len(snap_steps) - 1) // 2, len(snap_steps) - 1})
viz.embedding_evolution(snap_steps, coords, G["cycle"].forward, picks,
                        labels=[f"level {level[i]:+.2f}, recovery {run.history[i]['topk_recovery']:.2f}"
                                for i in picks],
                        title="15-cycle, transformer: embeddings over training (joint PCA)")
plt.show()

# %% [markdown]
# *What to see:* a random cloud at the start, the ring appearing early (around the highest level), and
# how much of the ring survives once every edge is stored.

# %% tags=["remove-output"]
# Interactive: drag the slider (needs a live kernel: Jupyter or Colab; the book shows only the code).
import ipywidgets as widgets


def show_step(i=int(picks[-1])):
    fig, (ax,) = viz.panels(width=4.0, height=4.0)
    viz.draw_embedding(coords[i], G["cycle"].forward, ax=ax, labels=True, title=f"step {snap_steps[i]}")
    lo, hi = coords.min(axis=(0, 1)), coords.max(axis=(0, 1))
    ax.set_xlim(lo[0], hi[0])
    ax.set_ylim(lo[1], hi[1])
    plt.show()


_ = widgets.interact(show_step, i=widgets.IntSlider(min=0, max=len(snap_steps) - 1, step=1, value=int(picks[-1]),
                                                    description="snapshot"))

# %% [markdown]
# ## The claim, asserted
#
# Every assert below reads the multi-seed record (mean ± sd; "beyond the spread" = `stats.above`, the
# mean minus sd of one above the mean plus sd of the other, with at least 3 seeds each):
#
# * the **controls** learned what they could: the frozen networks store (nearly) every edge on every
#   seed, the fast one within 2 steps, with a geometric level within 0.1 of zero (mean + sd) and no
#   positive geometric margin (the authors' definition, mean + sd ≤ 0.5);
# * Node2Vec's level is at least 0.8 and its final loss per node matches the authors' recorded value
#   on every graph (plain gradient descent: reproducible to the digit);
# * the Transformer's final level is above the frozen control's beyond the spread on every graph; its
#   spectral concentration, and Mamba's, are below Node2Vec's beyond the spread on every graph, by at
#   least 0.2 (C15);
# * the bilinear network's geometry is the zig-zag one (at least 40% of its energy on negative
#   eigendirections); with self-edges its share falls beyond the spread, its level turns positive
#   (≥ 0.3) and its margin clears 2 (mean − sd);
# * what is found rather than claimed is asserted as found: which runs do not store every edge, where
#   the self-edge effect on the Transformer stays within the spread, where the bilinear network's
#   margin does not clear zero, the position initialization's effect, and C13 (the wide network's
#   Fiedler share is far from Node2Vec's and not above the narrow network's).

# %%
sp = lambda e, m: tiny_seeds.spread_of(S, e, m)  # noqa: E731
runs_of = S["runs"]
for g in G:
    for m in ("associative", "associative-fast"):
        rec = runs_of[f"{g}/{m}"]["measures"]["topk_recovery"]
        for seed, value in zip(runs_of[f"{g}/{m}"]["seeds"], rec["values"]):  # two-sided: the control learned
            controls.assert_learned({"topk_recovery": value}, {"topk_recovery": controls.LEARNED}, f"{g} {m} seed {seed}")
        level = sp(f"{g}/{m}", "geometric_level")
        assert abs(level.mean) + level.sd <= 0.1, (g, m, level)
        margin = sp(f"{g}/{m}", "geometric_margin_full_vocab")
        assert margin.mean + margin.sd <= 0.5, (g, m, margin)
    assert max(sp(f"{g}/associative-fast", "steps_to_full_recovery").values) <= 2, g
    n2v = sp(f"{g}/node2vec", "geometric_level")
    assert n2v.mean - n2v.sd >= 0.8, (g, n2v)
    assert stats.above(sp(f"{g}/transformer", "geometric_level"), sp(f"{g}/associative", "geometric_level")), g
    for m in ("transformer", "mamba"):
        a, b = sp(f"{g}/node2vec", "spectral_concentration"), sp(f"{g}/{m}", "spectral_concentration")
        assert stats.above(a, b) and a.mean >= b.mean + 0.2, (g, m, a, b)
    assert sp(f"{g}/nn", "negative_share").mean >= 0.4, g
    assert stats.above(sp(f"{g}/nn", "negative_share"), sp(f"{g}/nn-self-edges", "negative_share")), g
    selfed = sp(f"{g}/nn-self-edges", "geometric_level")
    assert selfed.mean - selfed.sd >= 0.3, (g, selfed)
    selfed_margin = sp(f"{g}/nn-self-edges", "geometric_margin_full_vocab")
    assert selfed_margin.mean - selfed_margin.sd >= 2, (g, selfed_margin)
for c in comparison:
    if c["measure"] == "final_loss":  # Node2Vec: the authors' exact numbers
        assert abs(c["ours"].mean - c["authors"]) <= 0.01, c

# Found, not claimed: the runs that miss edges on some seed (the authors' step counts are tuned to seed 7).
short = {e: min(r["measures"]["topk_recovery"]["values"]) for e, r in runs_of.items()
         if min(r["measures"]["topk_recovery"]["values"]) < 1.0}
print("not every edge on every seed (worst seed's recovery):", {e: round(v, 3) for e, v in short.items()})
# The base runs other than the Transformer learn what they can (>= 0.9 on every seed); the frozen
# self-edge variant at the authors' short settings (200 steps) does not on some seed: its margins in
# the table above are those of an under-trained run, said here rather than hidden.
assert all(v >= controls.LEARNED for e, v in short.items() if e.split("/")[1] in tiny_config.TINY_MODELS[1:]), short
print("under-trained on some seed (worst recovery below", controls.LEARNED, "):",
      {e: round(v, 3) for e, v in short.items() if v < controls.LEARNED})
tf_short = {e: v for e, v in short.items() if e.split("/")[1] == "transformer"}
print("Transformer runs short of every edge:", tf_short)
tf_selfedge = [g for g in G if stats.above(sp(f"{g}/transformer", "negative_share"),
                                           sp(f"{g}/transformer-self-edges", "negative_share"))]
print("self-edges lower the Transformer's negative share beyond the spread on:", tf_selfedge)
assert len(tf_selfedge) >= 3, tf_selfedge
nn_clear = [g for g in G if sp(f"{g}/nn", "geometric_margin_full_vocab").mean
            - sp(f"{g}/nn", "geometric_margin_full_vocab").sd > 0]
print("bilinear network, authors' margin above zero beyond the spread on:", nn_clear,
      "| per seed elsewhere:", {g: [round(v, 2) for v in sp(f"{g}/nn", "geometric_margin_full_vocab").values]
                                for g in G if g not in nn_clear})
assert all(sp(f"{g}/nn", "geometric_margin_full_vocab").mean > 0 for g in G)
# The position init: never lower beyond the spread with the authors' N(0, 1); higher on some graphs.
assert not any(lo for hi, lo in pos_effect.values()) and any(hi for hi, lo in pos_effect.values()), pos_effect
# C13 as found: the wide network is far from using only the Fiedler pair.
assert wide.mean + wide.sd < 0.9 and stats.above(n2v_share, wide) and not stats.above(wide, narrow), (wide, narrow)
print("asserted on", len(G), "graphs, over seeds", sorted({s for r in runs_of.values() for s in r["seeds"]}))
