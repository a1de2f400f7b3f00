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
# # Why geometry? The usual pressures do not explain it; training knobs tip it
#
# [![Open In Colab](../book/images/colab-badge.svg)](https://colab.research.google.com/github/geomem/geomem/blob/main/notebooks/07_why_geometry.ipynb)
# *Runs on a CPU (tiny graphs, seconds a run); on Colab just run all.*

# %% tags=["remove-input"]
from geomem_nb import page

page.takeaway("C4", "C7", "C8", "C9", "C10", "C12", "C11", "C22")

# %% [markdown]
# The previous chapters found a **geometric** memory where an **associative** one (a lookup table)
# would do. The usual explanations are pressures: not enough capacity for a table, a table that costs
# more, supervision that asks for global structure, or a geometry that is easier to find. This chapter
# measures each against a control, then the training knobs that move the balance. The tiny-graph models
# are those of chapter 5: the **associative memory** (the bilinear network with its embeddings frozen
# at random values; its wide, fast-learning variant: the **fast associative memory**), the **bilinear
# network** (embeddings learned), a 1-layer Transformer and Mamba; every example is one edge.

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
from geomem_nb import controls, experiments, graphs, page_notes, presets, prose, results, stats, succinctness, viz
from geomem_nb.studies import knob_table, tiny_graph_seeds
from geomem_nb import why_geometry_tables as tables
from geomem_nb.experiments import tiny_knobs

viz.setup()
PRESET = presets.config("tiny").preset
G = {name: graphs.tiny_graph(name) for name in graphs.TINY_GRAPHS}
race_seeds = {label: [experiments.tiny(presets.config("tiny", PRESET, graph="cycle", seed=s, **kw))
                      for s in tables.RACE_SEEDS] for label, kw in tables.RACE.items()}
timing = {label: tables.race_timing(rs) for label, rs in race_seeds.items()}
page_notes.setup_note("07_why_geometry")  # the software, device and saved records, folded

# %% [markdown]
# ## The lookup is found first (C10)
#
# On the 15-cycle, full batch: the fast associative memory (only its readout learns), and the bilinear
# network at width 32 (lr $10^{-3}$ and $10^{-2}$) and width 512 (lr $10^{-3}$), seed 7.

# %% tags=["hide-input"]
for ax in viz.race({tables.RACE_WORDS[k]: rs[0].history for k, rs in race_seeds.items()}):
    viz.distinguish(ax)  # the fast associative memory and the wide network share the first curve
plt.show()

# %% [markdown]
# *Top left: edges stored (top-k recovery); top right: the geometric margin of the bilinear network's
# skewed logits (its geometry measure); bottom: the geometric level; dotted: zero.* What to see: the
# fast associative memory and the wide bilinear network store every edge by step 1, the narrow ones in
# tens to hundreds of steps; the bilinear networks' margins rise only later, while the associative
# memory's stays near zero. The bilinear networks' geometric level ends *below* zero (at width 32 after
# a brief rise): their neighbours are anti-aligned, the zig-zag of chapter 5, a folded geometry that the
# margin reads and the level does not.

# %% tags=["hide-input"]
viz.table(tables.race_rows(timing), caption=f"one entry per seed ({', '.join(map(str, tables.RACE_SEEDS))}); margins mean ± sd")
fast = timing["frozen, width 512, lr 0.1"]
for r in race_seeds["frozen, width 512, lr 0.1"]:
    controls.assert_learned(r.metrics, {"topk_recovery": 1.0}, "the fast associative memory")  # two-sided
    assert all(abs(h["geometric_margin"]) <= 0.5 and abs(h["geometric_level"]) <= 0.1 for h in r.history)
assert fast["memorized"] <= 2, fast  # the paper: about 2 steps (every seed)
for label, t in timing.items():
    if label.startswith("learnable"):
        # a geometric margin on every seed (at least 2 on average), half of it ten times later than the lookup
        assert min(t["seeds"]["final"]) > 0 and t["final"] >= 2.0 and t["half"] >= 10 * fast["memorized"], (label, t)
assert timing["learnable, width 32, lr 1e-3"]["half"] >= 100, timing["learnable, width 32, lr 1e-3"]
wide = timing["learnable, width 512, lr 1e-3"]
assert wide["memorized"] <= 2 and max(abs(x) for x in wide["seeds"]["at_memorized"]) <= 0.5, wide

# %% [markdown]
# The bilinear network needs at least ten times as many steps as the lookup before half of its final
# margin is there (asserted on the slowest lookup seed against the fastest geometric one). The wide
# network stores every edge as fast as the associative memory, at a moment its skewed logits carry no
# margin, then keeps moving to a geometric solution: the lookup is nearer, and gradient descent leaves it.
#
# ## Capacity: the lookup fits (C4, C7)
#
# **Large graph (chapter 2).** A GPT with its token embeddings frozen at random (the frozen-embedding
# control) memorizes the training paths of the in-weights path-star task but generates no held-out path;
# with learnable embeddings it does (the saved runs).

# %% tags=["hide-input"]
frozen_big, learnable_big = results.shipped("cpu/in-weights-frozen"), results.shipped("cpu/in-weights")
if frozen_big and learnable_big:
    c = frozen_big["config"]
    viz.table(tables.big_graph_rows(frozen_big, learnable_big),
              caption=f"G({c['degree']},{c['path_length']}), chance 1/d = {frozen_big['chance']:.3g} (the saved runs)")
    assert frozen_big["train_exact_match"] >= 0.95 and frozen_big["test_exact_match"] <= 0.05
    assert learnable_big["test_exact_match"] >= 0.9
else:
    print("The chapter-2 runs are not in results/.")

# %% [markdown]
# **Tiny graphs (chapter 5).** Edge recovery (1: every edge stored), the geometric level, and for the
# bilinear models the **geometric margin**: how well the geometry of the embeddings alone ranks the true
# neighbours first (the skewed logits of chapter 5), under our definition (node rows) and the authors'
# (the whole vocabulary), with the authors' seed-7 number. Mean ± sd over chapter 5's seeds.

# %% tags=["hide-input"]
S5 = tiny_graph_seeds.load_or_run(PRESET, names=[f"{g}/{m}" for g in G for m in ("associative", "associative-fast", "nn",
                                                                            "transformer", "mamba")])
sp = tiny_graph_seeds.spread_of
for g in G:
    a = S5["runs"][f"{g}/associative"]["measures"]
    # Two-sided: on every seed the control stored (nearly) every edge; the wide frozen network every one.
    assert min(a["topk_recovery"]["values"]) >= controls.LEARNED, (g, a["topk_recovery"])
    assert min(S5["runs"][f"{g}/associative-fast"]["measures"]["topk_recovery"]["values"]) == 1.0, g
    level = sp(S5, f"{g}/associative", "geometric_level")
    assert abs(level.mean) + level.sd <= 0.1, (g, level)
    # Its geometry-only logits carry no positive margin beyond the spread (its memory is in W).
    assert sp(S5, f"{g}/associative", "geometric_margin").mean - sp(S5, f"{g}/associative", "geometric_margin").sd <= 0.5, g
    # The Transformer's level at the end of training (the pre-declared point), not its best over training.
    tf_level = sp(S5, f"{g}/transformer", "geometric_level")
    assert stats.above(tf_level, level), (g, tf_level, level)
nn_margin = {g: sp(S5, f"{g}/nn", "geometric_margin_full_vocab") for g in G}
nn_clear = [g for g, s in nn_margin.items() if s.mean - s.sd > 0]
viz.table(tables.frozen_rows(S5, G, nn_margin), caption="asserted: the associative memory stores the edges with "
          "no geometry; the Transformer's final level is above it beyond the spread")

# %% tags=["hide-output", "hide-input"]
viz.table(tables.capacity_rows(S5, G), caption="mean ± sd over seeds (chapter 5's record)")

# %% tags=["remove-input"]
prose.say("The associative memory stores every edge in its readout with no geometry: capacity for a lookup is "
          "there. With learnable embeddings the same network builds a geometry whose margin alone ranks "
          f"neighbours first on {prose.words(nn_clear) if nn_clear else 'no graph'} (beyond the spread), and "
          "the Transformer's embeddings line up along the edges on every graph.")

# %% [markdown]
# ## Succinctness: neither storage is much cheaper (C8)
#
# The paper counts each storage's cost (Propositions 1–3) in bits and in the $\ell_2$ norm needed for a
# unit margin:
#
# | | bits | $\ell_2$ norm |
# |---|---|---|
# | associative (one entry per edge) | $\lvert E\rvert \log_2\lvert V\rvert$, ×2 for both directions | $\le\sqrt{\lvert E\rvert}$, ×$\sqrt2$ for both directions |
# | geometric ($m$ dimensions, $\Delta$ cells each) | $\lvert V\rvert\, m \log_2\Delta$, ×2 when untied | $\ge\sqrt{\lvert V\rvert}$, ×$\sqrt2$ when untied |
#
# with $m = 2$, $\Delta = n/2$ on the $n$-cycle, and on the path-star $G_{d,\ell}$ $m = \log_2 d$
# (Johnson–Lindenstrauss), $\Delta = \ell$. Three regimes: tied tables with both directions stored (the
# models here), untied tables, and forward edges only.

# %% tags=["hide-input"]
cycle_sizes = np.unique(np.logspace(np.log10(4), 6, 60).astype(int))
cycles = [succinctness.cycle_costs(n) for n in cycle_sizes]
stars = {ell: [succinctness.path_star_costs(d, ell) for d in np.unique(np.logspace(np.log10(4), 4, 40).astype(int))]
         for ell in (5, 10)}
fig, axes = viz.panels(3, height=3.0)
for ax, (unit, words) in zip(axes[:2], (("bits", "bits"), ("l2", "ℓ2 norm"))):
    viz.cost_ratios(cycle_sizes, {regime: [c.ratios(regime)[unit] for c in cycles] for regime in succinctness.REGIMES},
                    ax=ax, title=f"n-cycle, {words}")
    viz.distinguish(ax)  # on the cycle the untied and forward-only lines coincide
viz.cost_ratios([c.nodes for c in stars[5]], {f"G(d,5), {regime}": [c.ratios(regime)["bits"] for c in stars[5]]
                                              for regime in ("tied, both directions", "tied, forward only")},
                ax=axes[2], title="path-star, bits (m = log2 d), ℓ = 5; d = 4 to 10^4")
plt.show()

# %% [markdown]
# *Associative cost / geometric cost against graph size (above 1: the geometry is cheaper); dotted:
# 1/2, 1 and 2.* What to see: every curve of the two cycle panels stays between 1/2 and 2 (on the cycle
# the untied and forward-only lines coincide); on the path-star (bottom) the tied, both-directions
# curve does too, while the forward-only one falls to about 1/2 at the largest sizes, where the lookup
# is the cheaper storage by about a factor of 2.

# %% tags=["hide-input"]
all_stars = [c for cs in stars.values() for c in cs]
tied = [c.ratios()["bits"] for c in cycles]
big = succinctness.path_star_costs(10 ** 6, 100)
explicit = succinctness.path_star_costs(10 ** 4, 6, jl=False)
gap_range = succinctness.gap_range  # (smallest, largest) factor between the two costs
at_paper = succinctness.paper_size_gaps("bits")
tied_paper = max(r["factor"] for r in at_paper if r["regime"] == "tied, both directions")
beyond = [r for r in at_paper if r["factor"] > 2.0]
for costs in (cycles, all_stars):
    lo, hi = gap_range(costs, "l2")
    assert 1.0 <= lo and hi <= 2.0, (lo, hi)
lo, hi = gap_range(cycles, "bits")
assert 1.0 <= lo and hi <= 2.0 + 1e-12, (lo, hi)
assert all(1.0 <= t <= 2.0 + 1e-12 for t in tied) and np.all(np.diff(tied) <= 0)
assert gap_range(all_stars, "bits", ("tied, both directions",))[1] <= 2.0
assert gap_range(all_stars, "bits", ("untied, both directions", "tied, forward only"))[1] > 2.0
assert big.ratios()["bits"] < 0.5 and explicit.ratios()["bits"] < 0.01
# Untied or forward-only, the geometry is the dearer storage on the cycle; nowhere is it cheaper by more than 2x.
assert all(c.ratios(r)["bits"] <= 1.0 for c in cycles for r in ("untied, both directions", "tied, forward only"))
assert max(c.ratios(r)[u] for c in cycles + all_stars + [big] for r in succinctness.REGIMES for u in ("bits", "l2")) <= 2.0
# The paper's own graphs: within 2 tied; beyond 2 only untied or forward-only, where the lookup is cheaper.
assert tied_paper <= 2.0 and beyond and all(r["regime"] != "tied, both directions" and r["cheaper"] == "associative"
                                            for r in beyond), beyond
viz.table(tables.cost_rows(cycles, cycle_sizes, all_stars, big, explicit), caption="the factor between the two costs")

# %% tags=["hide-output", "hide-input"]
viz.table(tables.paper_size_rows(at_paper), caption="the paper's in-weights path-stars (Table 1), bits")

# %% tags=["remove-input"]
prose.say(tables.paper_size_sentence(at_paper))

# %% [markdown]
# ## Supervision: local examples, global structure (C9)
#
# No example mentions two nodes two hops apart; the mean cosine of such pairs (final embeddings) shows
# what the models put there anyway. The large path-star version is in chapter 4.

# %% tags=["hide-input"]
d2 = {(g, m): sp(S5, f"{g}/{m}", "distance2_cosine") for g in G for m in ("associative", "nn", "transformer", "mamba")}
for (g, m), s in d2.items():
    if m == "associative":  # random tables (width 15 on the cycle): near zero on average, seed to seed ± 0.1
        assert abs(s.mean) <= 0.1, (g, s)
    else:  # learnable: clearly similar on average, and above the frozen control beyond the spread
        assert s.mean >= 0.3 and stats.above(s, d2[(g, "associative")]), (g, m, s)

# %% tags=["hide-output", "hide-input"]
viz.table(tables.distance2_rows(d2), caption="node pairs two hops apart, final embeddings; mean ± sd over seeds")

# %% [markdown]
# Pairs two hops apart, which never share an example, are clearly similar for every learnable model on
# every graph (at least 0.3 on average, asserted) and unrelated for the associative memory. Edge-only
# supervision is enough for this global structure.
#
# ## Knobs that tip the balance (C12), and untied tables (C11)
#
# The authors' regularizer notebook (15-cycle, bilinear network, AdamW, **one seed**, 7) varies the
# learning rate, the initialization scale (unit-normal "non-geometric" embeddings instead of
# $\mathcal N(0, 0.02)$), weight decay and dropout. We add untied tables and the unit-normal run at lr
# $10^{-3}$ without dropout (the authors compare dropout at lr $10^{-3}$ with a run at lr $10^{-4}$).
# Margins change sign from seed to seed here, so every row has several seeds, and a knob's direction
# counts only **beyond the spread** (the mean − sd of one row above the mean + sd of the other). Four
# measures: the geometric margin under both definitions, and the share of the non-trivial energy on the
# **Fiedler pair** and on the top two eigenspaces (**spectral concentration**), each with its chance
# value. The untied row has no margin, so its tables are judged by the spectral measures.

# %% tags=["hide-input"]
kcfg = presets.config("tiny-knobs", PRESET)
seeds = tiny_knobs.SEEDS[PRESET]
knob_runs = tiny_knobs.knob_seeds(PRESET)
S = tiny_knobs.knob_spreads(knob_runs)
chance = tiny_knobs.knob_chance(knob_runs["lr 1e-2"][0].spaces)
D = tiny_knobs.knob_directions(S)
held = tables.beyond(D)
narrow = f"width {kcfg.dim}, {kcfg.steps:,} steps"
prose.say(f"The knob runs here: {kcfg.graph}, bilinear network, {narrow}, seeds {', '.join(map(str, seeds))} "
          "(narrower than the authors' network; the table at their width and budget follows).")

# %% tags=["hide-input"]
fig, axes = viz.panels(2, per_row=1, height=3.2)
viz.seed_spread({k: d["geometric_margin_full_vocab"] for k, d in S.items() if "geometric_margin_full_vocab" in d},
                ax=axes[0], xlabel=f"geometric margin, the authors' definition, {narrow}",
                reference={k: v[1] for k, v in tiny_knobs.KNOBS.items()})
shares = {k: d["fiedler_share"] for k, d in S.items()}
shares["untied, lr 1e-2: output table U"] = S["untied, lr 1e-2"]["output_fiedler_share"]
viz.seed_spread(shares, ax=axes[1], xlabel="share of the non-trivial energy on the Fiedler pair",
                line=chance["fiedler_share"], line_label="chance")
plt.show()

# %% [markdown]
# *Each row's seeds (dots) and mean ± sd (bar); crosses (top): the authors' single-seed margin; dotted
# (bottom): the Fiedler share of an embedding unrelated to the graph.* What to see: where two rows' bars
# do not overlap, the knob's direction is beyond the spread.

# %% tags=["hide-output", "hide-input"]
viz.table(tables.knob_rows(S), caption=f"{narrow}; mean ± sd over seeds; chance: Fiedler share "
          f"{chance['fiedler_share']:.3f}, concentration {chance['spectral_concentration']:.3f}")
viz.table(tables.direction_rows(D), caption="each knob's direction, mean ± sd over seeds")

# %% tags=["hide-input"]
# Two-sided: every run, the associative (unit-normal) one first, stored the edges it was shown.
for label, rs in knob_runs.items():
    for r in rs:
        controls.assert_learned(r.metrics, {"topk_recovery": controls.LEARNED}, f"{label}, seed {r.metrics['config']['seed']}")
for r in knob_runs["unit-normal init, lr 1e-4"]:
    controls.assert_learned(r.metrics, {"topk_recovery": 1.0}, f"unit-normal init, lr 1e-4, seed {r.metrics['config']['seed']}")
nongeo = S["unit-normal init, lr 1e-4"]
# The non-geometric initialization memorizes associatively: no margin, and its energy at chance on the spectrum.
assert nongeo["geometric_margin"].mean < 0.5
assert all(abs(nongeo[m].mean - chance[m]) <= 0.05 for m in tiny_knobs.SPECTRAL), {m: nongeo[m].mean for m in tiny_knobs.SPECTRAL}
# At every preset the initialization scale moves both margins and the Fiedler share beyond the spread
# (the top-two concentration stays within it: one default-init seed spreads its energy wide), and
# self-edges undo the zig-zag.
init_held = set(held["initialization: N(0, 0.02) above unit-normal (lr 1e-4)"])
assert {"geometric_margin", "geometric_margin_full_vocab", "fiedler_share"} <= init_held, D
assert {"geometric_level", "fiedler_share"} <= set(held["self-edges undo the zig-zag (lr 1e-2)"]), D
# Over the long run (10,000 steps) a large lr, weight decay and dropout (also at one lr) move the energy
# back onto the Fiedler pair and the top eigenspaces, beyond the spread.
if kcfg.steps >= 10000:
    for knob in ("large lr + cosine restores (unit-normal, vs lr 1e-4)", "weight decay 10 restores (unit-normal, lr 1e-4)",
                 "dropout 0.4 restores (unit-normal, both at lr 1e-3)"):
        assert set(tiny_knobs.SPECTRAL) <= set(held[knob]), (knob, D[knob])
# Untied tables keep a geometry: both tables' Fiedler share stays above chance beyond the spread.
untied = S["untied, lr 1e-2"]
for key in ("fiedler_share", "output_fiedler_share"):
    assert untied[key].mean - untied[key].sd > chance["fiedler_share"], (key, untied[key])
prose.say("Beyond the spread on no measure: " + prose.words([k for k, v in held.items() if not v]) + ".")

# %% [markdown]
# At this width (the book's preset, 10,000 steps; at the short `ci` runs weight decay and dropout have
# not acted yet): with **unit-normal embeddings** the network stores every edge with no margin and its
# energy at chance on the spectrum, an associative memory; the default initialization is above it
# beyond the spread on both margins and the Fiedler share. **Self-edges** turn the zig-zag into an
# aligned geometry. **Weight decay, dropout and a large learning rate** from the unit-normal start move
# the energy back onto the Fiedler pair beyond the spread, with margins well below the paper's
# single-seed numbers. **Untied tables** keep a Fiedler share well above chance on both tables.
#
# ### At the authors' width and budget
#
# The same rows C12 compares, at the authors' width and budget, on seed 7 (theirs) and two more, from a
# record of their own; the claims page judges C12 on this table where it is recorded. Still different
# from the authors: three seeds (they ran one), our AdamW and bilinear network as in chapter 5.

# %% tags=["hide-input"]
WIDE = results.shipped("cpu/07_knobs_width512")
if WIDE is None:
    print("The width-512 knob table is not in results/.")
else:
    wk = WIDE["knobs"]
    W = knob_table.spreads(wk)
    wide_name = f"width {wk['width']}, {wk['steps']:,} steps"
    fig, axes = viz.panels(2, per_row=1, height=3.0)
    viz.seed_spread({k: d["geometric_margin_full_vocab"] for k, d in W.items()}, ax=axes[0],
                    xlabel=f"geometric margin (authors'), {wide_name}; log scale beyond ±10",
                    reference={k: v[1] for k, v in tiny_knobs.KNOBS.items()})
    axes[0].set_xscale("symlog", linthresh=10)  # one seed of the large-lr row is far below the rest
    viz.seed_spread({k: d["fiedler_share"] for k, d in W.items()}, ax=axes[1], line=chance["fiedler_share"],
                    line_label="chance", xlabel=f"share of the non-trivial energy on the Fiedler pair, {wide_name}")
    plt.show()
    # The controls at the authors' width: every run stored every edge it was shown, and the unit-normal
    # start at lr 1e-4 memorized associatively (no margin, its energy at chance on the spectrum).
    for label, d in W.items():
        assert min(d["topk_recovery"].values) >= controls.LEARNED, (label, d["topk_recovery"])
    wide_nongeo = W["unit-normal init, lr 1e-4"]
    assert wide_nongeo["geometric_margin"].mean < 0.5, wide_nongeo["geometric_margin"]
    assert all(abs(wide_nongeo[m].mean - chance[m]) <= 0.05 for m in tiny_knobs.SPECTRAL), wide_nongeo
    # What the wide table shows (said below): initialization, weight decay and dropout (the authors'
    # comparison) hold on every measure; the large lr + cosine holds on none.
    wd = {k: set(d["verdicts"].values()) for k, d in wk["directions"].items()}
    for knob in ("initialization: N(0, 0.02) above unit-normal (lr 1e-4)", "weight decay 10 restores (unit-normal, lr 1e-4)",
                 "dropout 0.4 restores (unit-normal; lr 1e-3 vs lr 1e-4, as the authors compare)"):
        assert wd[knob] == {"holds"}, (knob, wd[knob])
    assert "holds" not in wd["large lr + cosine restores (unit-normal, vs lr 1e-4)"], wd

# %% tags=["hide-output", "hide-input"]
if WIDE is not None:
    viz.table(tables.wide_rows(W, S, narrow, wide_name), caption=f"mean ± sd over seeds {', '.join(map(str, wk['seeds']))}; "
              f"worst edge recovery: the wide runs'; chance Fiedler share {chance['fiedler_share']:.3f}")
    viz.table(tables.beside_rows(knob_table.beside(D, wk)), caption=f"each knob's direction: {wide_name} beside {narrow}")

# %% [markdown]
# *What to see (asserted above when recorded):* at the authors' width the initialization, weight decay
# and dropout (as the authors compare it) move the geometry the paper's way beyond the spread on every
# measure; the large learning rate with cosine decay does so on none: its margin swings widely from seed
# to seed, and where a measure is beyond the spread it goes the other way. The learning rate with the
# default initialization stays within the spread.
#
# ## Node2Vec can hold a lookup too (C22, Proposition 4)
#
# One dimension per edge $e_i$, $\Phi(u)_i = 1[u \in e_i]$: then $\Phi(u)\cdot\Phi(v) = 1$ on an edge and
# $0$ for every other pair, a Node2Vec table that stores the graph as a pure lookup in dimension
# $\lvert E\rvert$. Compared with Node2Vec trained by gradient descent (chapter 6; at `ci` on the cycle
# only).

# %% tags=["hide-input"]
n2v_graphs = ["cycle"] if PRESET == "ci" else list(graphs.TINY_GRAPHS)
n2v = experiments.tiny_sweep(n2v_graphs, ["node2vec"], preset=PRESET)
prop4 = {name: succinctness.proposition4(g) for name, g in G.items()}  # measured as a trained table is
viz.table(tables.proposition4_rows(G, prop4, n2v), caption="the incidence table beside trained Node2Vec")
for name, p in prop4.items():
    assert p["edge"].tolist() == [1.0] and p["other"].tolist() == [0.0] and p["recovery"] == 1.0, name
    assert p["dim"] == len(G[name].forward) and p["cos2"] == 0.0, name
for (name, _), r in n2v.items():
    cos2 = gm.geometry.cosine_by_distance(r.embeddings(), G[name].adjacency())[2]
    assert r.metrics["spectral_concentration"] >= prop4[name]["conc"] + 0.2 and cos2 >= 0.5, (name, cos2)

# %% tags=["remove-cell"]
results.record("07_why_geometry", {
    "distance2_cosine": {f"{g} {m}": s.mean for (g, m), s in d2.items()},
    "race": tables.race_record(timing),
    "knobs": {"width": kcfg.dim, "steps": kcfg.steps, "seeds": list(seeds), **tiny_knobs.knob_record(S, D, chance)}}, PRESET)

# %% [markdown]
# The construction stores every edge exactly and nothing beyond adjacency: nodes two hops apart are
# orthogonal, and its spectral energy sits where the adjacency matrix puts it, far below trained
# Node2Vec's concentration. Node2Vec *can* represent an associative memory; gradient descent finds the
# spectral one instead. Why deep sequence models pick the geometry remains, as the title says, unclear.
