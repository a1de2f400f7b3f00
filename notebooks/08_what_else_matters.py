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
# # What else decides success: edge directions, pause tokens, schedules, tree-stars — and Mamba
#
# [![Open In Colab](https://colab.research.google.com/assets/colab-badge.svg)](https://colab.research.google.com/github/geomem/geomem/blob/main/notebooks/08_what_else_matters.ipynb)
# *On Colab: Runtime → Change runtime type → GPU, then run all.*
#
# The headline result (chapter 02) depends on choices a reader will ask about. This chapter varies
# them one at a time on one small graph, each against the chance line:
#
# * **edge directions (C17)**: memorize edges both ways, forward only (parent → child) or backward
#   only, and generate paths forward (root → leaf) or in reverse (leaf → root);
# * **pause tokens (C18)**: 0, 1, 2 or 4 `[PAUSE]` tokens after the leaf, at the same budget;
# * **staged vs mixed (C19)**: the edges first and then the paths without edge replay, against the
#   paper's interleaved batches;
# * **tree-star graphs (C20)**: every node below the root branches in two; held-out leaves drawn at
#   random (*leaf* split) or whole first-hop subtrees held out (*first-token* split); chance is
#   $1/\text{num\_leaves}$;
# * **Mamba (C21)**: the same experiments with a selective state-space model (plain PyTorch) instead
#   of the GPT.

# %% tags=["remove-cell"]
# Colab setup: install this repository's package without touching Colab's own torch.
import sys

if "google.colab" in sys.modules:
    # %pip install -q "geomem_nb @ git+https://github.com/geomem/geomem@main"
    pass

# %%
import matplotlib.pyplot as plt
import geomem_nb as gm
from geomem_nb import controls, results, stats, variants, viz

viz.setup()
print(gm.env_line())

base = variants.base_config()
print(base)
chance = 1 / base.degree
LEARNED = {"edge_recovery": controls.LEARNED, "train_exact_match": controls.LEARNED}  # a control's targets

# %% [markdown]
# Every variant below is trained live for the preset's seed (the figures, and the first number of each
# line). A comparison needs seeds: `python -m geomem_nb.variants --preset cpu` runs the whole grid for
# three seeds (each its own graph, split and initialization) and stores each number as mean ± sd in
# `results/cpu/08_what_else_matters_seeds/`. From `cpu` up the chapter loads that record (or runs the
# sweep when it is missing) and asserts a direction only where it holds beyond the spread
# (mean − sd of one side above mean + sd of the other). At `ci` the chapter runs one seed, asserts only
# what one seed can show (the runs learned; the large effects), and shows the `cpu` spread beside it.

# %%
# The spread: at ci the cpu sweep's (shown, not asserted); from cpu up the preset's own record (when it
# is missing, the sweep runs after the live seed, before the claims).
sweep = variants.load("cpu" if base.preset == "ci" else base.preset)
spreads = sweep["spreads"] if sweep else None
print(f"{base.preset}: seed {base.seed} live; spread over seeds: " +
      (f"the cpu sweep's (seeds {sweep['seeds']}, commit {sweep['provenance']['git_commit'][:10]}; a larger "
       "graph and budget than ci's)" if sweep and base.preset == "ci" else
       f"seeds {sweep['seeds']}, loaded (commit {sweep['provenance']['git_commit'][:10]})" if sweep else
       "not shipped (python -m geomem_nb.variants --preset cpu)"))
runs = {"base": base}


def show(key):
    return variants.fmt(variants.measure(runs), spreads, key)

# %% [markdown]
# ## Edge directions × path direction (C17)
#
# With forward edges only, generating the path root → leaf needs, for a held-out leaf, the *parent*
# links the model never saw stated: the reversal curse. Generating leaf → root needs exactly the
# backward edges. A setting that fails counts only if the run learned what it could: the edges it
# was given (edge recovery ≥ 0.9) and its training paths (train exact match ≥ 0.9).

# %%
d = runs["directions"] = variants.directions(base)
runs["mixed"] = d[("both", "forward")]
one = variants.measure(runs)
viz.value_grid({(f"edges: {e}", f"paths: {p}"): r.metrics["test_exact_match"] for (e, p), r in d.items()},
               title=f"held-out exact match, seed {base.seed} (chance 1/d = {chance:.3f})")
plt.show()
for e, p in d:
    key = f"directions/{e}/{p}/"
    print(f"edges {e:8s} paths {p:7s}: held-out {show(key + 'test_exact_match')}\n"
          f"{'':31s}train {show(key + 'train_exact_match')}; edge recovery {show(key + 'edge_recovery')}"
          f"{controls.tag(variants.control(one, key, LEARNED), LEARNED)}")

# %% [markdown]
# ## Pause tokens (C18)
#
# The same budget with 0, 1, 2 and 4 pause tokens between the leaf and the answer (1 is the run above).

# %%
runs["pauses"] = variants.pauses(base, runs["mixed"])
viz.curves({f"{k} pause tokens": r for k, r in runs["pauses"].items()}, "test_exact_match", chance=chance,
           ylabel="held-out exact match")
plt.show()
for k in variants.PAUSES:
    print(f"{k} pause tokens: held-out exact match {show(f'pauses/{k}/test_exact_match')}")

# %% [markdown]
# ## Staged vs mixed training (C19)
#
# Staged: the edges alone for the whole budget (phase-1 peak learning rate $10^{-2}$, the paper's),
# then the paths alone for the same budget, with no edge replay. The paper's phase-2 rate is far
# below phase 1's; we run phase 2 at the preset's rate (*fast*) and at a tenth of it (*slow*),
# evaluating four times as often to see a short-lived peak. A collapse counts only if the edge
# phase learned its edges and the path phase its training paths.

# %%
runs["staged"] = variants.staged(base)
one = variants.measure(runs)
staged = {f"staged, path lr {r.config['lr']:g}": r for r in runs["staged"].values()}
viz.curves({**staged, "mixed": runs["mixed"]}, "test_exact_match", chance=chance, ylabel="held-out exact match")
plt.title("dashed: the path phase begins")
plt.show()
STAGED_LEARNED = {"edge_phase_edge_recovery": controls.LEARNED, "train_exact_match": controls.LEARNED}
for name in runs["staged"]:
    key = f"staged/{name}/"
    print(f"staged {name} (path lr {runs['staged'][name].config['lr']:g}): peak {show(key + 'peak')}\n"
          f"{'':29s}final {show(key + 'final')}\n"
          f"{'':29s}edge recovery after the edge phase {show(key + 'edge_phase_edge_recovery')}; "
          f"train exact match {show(key + 'train_exact_match')}"
          f"{controls.tag(variants.control(one, key, STAGED_LEARNED), STAGED_LEARNED)}")
print(f"mixed: final {show('mixed/test_exact_match')}")

# %% [markdown]
# ## Tree-star graphs (C20)
#
# $T_{d,\ell}$: the root has $d$ children and every node below branches in two, so a leaf's path shares
# its prefix with its subtree's other leaves. With the *leaf* split a held-out leaf's first hop also
# leads to training leaves; with the *first-token* split whole subtrees are held out, so the first
# hop of a held-out leaf never appears on a training path. Each split must have learned its
# training paths (train exact match ≥ 0.9) for its held-out score to mean anything.

# %%
trees = runs["trees"] = variants.trees(base)
one = variants.measure(runs)
tree_chance = one["tree/chance"]
viz.curves({f"{s} split": r for s, r in trees.items()}, "test_exact_match", chance=tree_chance,
           ylabel="held-out exact match")
plt.title(f"T({trees['leaf'].config['degree']},{trees['leaf'].config['path_length']}): "
          f"{trees['leaf'].graph.num_leaves} leaves, {trees['leaf'].graph.num_nodes} nodes")
plt.show()
TREE_LEARNED = {"train_exact_match": controls.LEARNED}
for s in variants.SPLITS:
    key = f"tree/{s}/"
    print(f"{s:11s} split: held-out exact match {show(key + 'test_exact_match')}\n"
          f"{'':13s}first hop {show(key + 'test_hardest_token')}\n"
          f"{'':13s}train exact match {show(key + 'train_exact_match')}"
          f"{controls.tag(variants.control(one, key, TREE_LEARNED), TREE_LEARNED)}")
print(f"chance 1/num_leaves = {tree_chance:.4f}")

# %% [markdown]
# ## Mamba (C21)
#
# A Mamba with the GPT's depth and width, trained on the same graph: the headline (full paths), the
# first hop alone, and the edges alone — the last one scored by the leaf/first-hop geometry of
# chapter 04. A recurrence cannot keep several examples apart in one row, so instead of packing edge
# examples into shared rows, Mamba gets edges and paths in rows of their own lengths (no padding
# either way). It gets twice the GPT's step budget.

# %%
mamba = runs["mamba"] = variants.mamba_vs_gpt(base, runs["mixed"])
one = variants.measure(runs)
fig, axes = plt.subplots(1, 3, figsize=(15, 3.8))
for ax, (name, (_, key)) in zip(axes, variants.MAMBA_OBJECTIVES.items()):
    viz.curves({"GPT": mamba[("gpt", name)], "Mamba": mamba[("mamba", name)]}, key, ax=ax, chance=chance)
    ax.set_title(name)
plt.show()
for name, (_, key) in variants.MAMBA_OBJECTIVES.items():
    print(f"{name:10s} ({key}, {mamba[('mamba', name)].metrics['steps']} Mamba steps, "
          f"{mamba[('gpt', name)].metrics['steps']} GPT steps)\n"
          f"   GPT   {show(f'mamba/{name}/gpt')}\n   Mamba {show(f'mamba/{name}/mamba')}")

# %% [markdown]
# ### On the in-weights chapter's graph
#
# The headline for Mamba on the graph and budget of chapter 02's `cpu` preset (twice the GPT's steps),
# loaded when its run is shipped in `results/`. To produce it:
# `python -m geomem_nb in-weights --preset cpu --model mamba --steps 3000 --out results/cpu/in-weights-mamba`.

# %%
headline = {"GPT": results.shipped("cpu/in-weights"), "Mamba": results.shipped("cpu/in-weights-mamba")}
if all(headline.values()):
    viz.saved_curves(headline, chance=headline["GPT"]["chance"])
    c = headline["Mamba"]["config"]
    plt.title(f"G({c['degree']},{c['path_length']}), cpu preset")
    plt.show()
    for name, m in headline.items():
        print(f"{name}: held-out exact match {m['test_exact_match']:.3f} after {m['steps']} steps "
              f"({m['train_seconds']:.0f} s on {m['provenance']['device']})")
else:
    print("Not shipped yet: run the command above.")

# %% [markdown]
# ## The claims, asserted
#
# From `cpu` up, the seeds: the preset's record, or (when it is missing) the sweep, run here.

# %%
if base.preset == "ci":
    S = None  # one seed: no direction is asserted at ci
    print("ci: the directions below are asserted from cpu up, over seeds" +
          (" (the cpu sweep's spread is printed beside each number above)" if sweep else ""))
else:
    if sweep is None:
        spreads, _ = variants.sweep(base.preset, variants.SEEDS, known={base.seed: one})
        sweep = {"seeds": list(variants.SEEDS), "spreads": spreads}
    S = sweep["spreads"]
    print(f"{base.preset}: asserting over seeds {sweep['seeds']}")

# %% [markdown]
# ### One seed (every preset)
#
# The runs learned, and the large effects show:
# both-direction edges reach at least 0.5 held-out exact match (0.8 from `cpu` up) on forward paths
# and beat 10× chance on reverse paths; forward-only edges stay within 3× chance in both path
# directions *and* learned their edges and training paths (C17); every pause setting beats 10×
# chance (C18); the mixed run beats the staged runs' final accuracy, and the staged run that collapses
# (the preset's path rate) learned its edges and its training paths (C19); the tree-star leaf split beats 5× chance (C20; the first-token
# split's failure is asserted only over seeds, with its control: at `ci` it has not yet memorized its
# training paths, as its tag above says); Mamba beats 10× chance on full paths, the first hop and the
# edges-only geometry (C21).

# %%
bar = 0.5 if base.preset == "ci" else 0.8
assert one["directions/both/forward/test_exact_match"] >= bar, one
assert one["directions/both/reverse/test_exact_match"] >= 10 * chance, one
for p in variants.PATHS:
    key = f"directions/forward/{p}/"
    controls.assert_learned(variants.control(one, key, LEARNED), LEARNED, f"forward-only edges, {p} paths")
    assert one[key + "test_exact_match"] <= 3 * chance, (key, one[key + "test_exact_match"])
assert all(one[f"pauses/{k}/test_exact_match"] >= 10 * chance for k in variants.PAUSES), one
controls.assert_learned(variants.control(one, "staged/fast/", STAGED_LEARNED), STAGED_LEARNED, "staged fast")
assert all(one["mixed/test_exact_match"] > one[f"staged/{name}/final"] for name in runs["staged"]), one
assert one["tree/leaf/test_exact_match"] >= 5 * tree_chance, one
assert all(one[f"mamba/{name}/mamba"] >= 10 * chance for name in variants.MAMBA_OBJECTIVES), one
print("asserted on seed", base.seed)

# %% [markdown]
# ### Over seeds
#
# Each comparison of the paper, and whether it holds beyond the spread of the seeds
# (at `ci`, the `cpu` sweep's, when shipped):

# %%
if spreads:
    for label, holds in variants.beyond_spread(spreads).items():
        print(f"{label:55s} {'holds' if holds else 'does not hold'} beyond the spread")

# %% [markdown]
# What the seeds show at `cpu` (asserted from `cpu` up in the cell below):
#
# * **C17, partly reproduced.** Forward-only edges fail in both path directions (within 3× chance on
#   every seed's mean + sd) although each run memorized the edges it was given and its training
#   paths: the reversal curse. Both-direction edges reach at least 0.8 held-out exact match in both
#   directions. *Not reproduced at this scale:* backward-only edges do not support reverse
#   generation — they stay at chance like forward-only edges; the paper sees this mainly on small
#   graphs, and ours, though small beside the paper's, is not a tiny one.
# * **C18, not reproduced at this scale:** every pause count learns well above chance at the same
#   step budget, but the counts are not ordered beyond the spread (0 < 1 < 2 < 4 fails); the paper
#   reports a reliable boost and faster convergence with more pauses. We compare accuracy at a fixed
#   number of steps, not the paper's wall-clock curves.
# * **C19, differs:** the staged run at the preset's path rate learns its edges and its training
#   paths and still ends at chance on held-out leaves, while the mixed run holds — the instability is
#   reproduced. But the paper's *peak is still high*; ours peaks far below the mixed run at either
#   path rate (the paper's phase-2 rate is lower still, 5e-5, with a far longer budget).
# * **C20, partly reproduced:** the leaf split beats chance $1/\text{num\_leaves}$ beyond the spread
#   and beats the first-token split; the first-token split is harder, as in the paper, but here it
#   stays at chance although it memorized its training paths, where the paper reports it above chance.
# * **C21, partly reproduced:** Mamba matches the GPT on the first hop and on the edges-only geometry
#   (means within 0.05, neither above the other beyond the spread), but on full paths it stays far
#   below the GPT even with twice the steps, so "all findings carry over" holds only in part here.

# %%
if S is None:
    print("ci: no direction is asserted on one seed; from cpu up this cell asserts them over seeds")
else:
    def em(key):
        return S[key]

    def at_chance(s, c):  # within 3x chance beyond the spread: mean + sd <= 3c
        return s.mean + s.sd <= 3 * c

    def close(a, b, tol=0.05):  # "carries over": means within tol and neither above the other
        return abs(a.mean - b.mean) <= tol and not stats.above(a, b) and not stats.above(b, a)

    # C17: the failing settings learned what they could (every seed), then fail; mixed edges succeed.
    for e, p in (("forward", "forward"), ("forward", "reverse"), ("backward", "forward"), ("backward", "reverse")):
        key = f"directions/{e}/{p}/"
        controls.assert_learned(variants.control(S, key, LEARNED), LEARNED, f"{e}-only edges, {p} paths (worst seed)")
        assert at_chance(em(key + "test_exact_match"), chance), (key, em(key + "test_exact_match"))
    for p in variants.PATHS:
        both = em(f"directions/both/{p}/test_exact_match")
        assert both.mean - both.sd >= 0.8, both
        assert stats.above(both, em(f"directions/forward/{p}/test_exact_match")), p
    # C18: every pause count learned; the order 0 < 1 < 2 < 4 does not hold beyond the spread.
    P = [em(f"pauses/{k}/test_exact_match") for k in variants.PAUSES]
    assert all(s.mean - s.sd >= 10 * chance for s in P), P
    assert not stats.ordered(P), P
    # C19: the collapsing staged run learned its edges and its training paths, then ends at chance;
    # its peak, and the slow run's peak, stay far below the mixed run.
    controls.assert_learned(variants.control(S, "staged/fast/", STAGED_LEARNED), STAGED_LEARNED, "staged fast (worst seed)")
    assert at_chance(em("staged/fast/final"), chance), em("staged/fast/final")
    for name in ("fast", "slow"):
        assert stats.above(em("mixed/test_exact_match"), em(f"staged/{name}/peak")), name
    # C20: the first-token split learned its training paths; the leaf split beats chance beyond the
    # spread and the first-token split; the first-token split stays at chance.
    controls.assert_learned(variants.control(S, "tree/first-token/", TREE_LEARNED), TREE_LEARNED,
                            "tree-star first-token split (worst seed)")
    assert stats.above(em("tree/leaf/test_exact_match"), S["tree/chance"])
    assert stats.above(em("tree/leaf/test_exact_match"), em("tree/first-token/test_exact_match"))
    assert at_chance(em("tree/first-token/test_exact_match"), one["tree/chance"])
    # C21: Mamba matches the GPT on the first hop and the edges-only geometry, not on full paths.
    assert close(em("mamba/first hop/mamba"), em("mamba/first hop/gpt"))
    assert close(em("mamba/edges only/mamba"), em("mamba/edges only/gpt"))
    assert stats.above(em("mamba/full paths/gpt"), em("mamba/full paths/mamba"))
    print("asserted over seeds", sweep["seeds"])

# %%
results.record("08_what_else_matters", {
    "graph": f"G({base.degree},{base.path_length})", "steps": base.steps, "chance": chance, "seed": base.seed,
    "directions": {f"{e}/{p}": one[f"directions/{e}/{p}/test_exact_match"] for e, p in d},
    "pauses": {str(k): one[f"pauses/{k}/test_exact_match"] for k in variants.PAUSES},
    "staged_peak": {n: one[f"staged/{k}/peak"] for n, k in zip(staged, runs["staged"])},
    "staged_final": {n: one[f"staged/{k}/final"] for n, k in zip(staged, runs["staged"])},
    "mixed_final": one["mixed/test_exact_match"],
    "tree": f"T({trees['leaf'].config['degree']},{trees['leaf'].config['path_length']})",
    "tree_chance": tree_chance, "trees": {s: one[f"tree/{s}/test_exact_match"] for s in variants.SPLITS},
    "mamba": {n: {m: one[f"mamba/{n}/{m}"] for m in ("gpt", "mamba")} for n in variants.MAMBA_OBJECTIVES},
    "measurements": one, "seeds_record": f"{base.preset}/{variants.SEEDS_RECORD}" if S else None}, base.preset)
