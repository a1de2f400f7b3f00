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
# [![Open In Colab](../book/images/colab-badge.svg)](https://colab.research.google.com/github/geomem/geomem/blob/main/notebooks/08_what_else_matters.ipynb)
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
#   $1/\text{num_leaves}$;
# * **Mamba (C21)**: the same experiments with a selective state-space model (plain PyTorch) instead
#   of the GPT.

# %% tags=["remove-cell"]
# Colab setup: install this repository's package without touching Colab's own torch.
import sys

if "google.colab" in sys.modules:
    # %pip install -q "geomem_nb @ git+https://github.com/geomem/geomem@main"
    pass

# %% tags=["hide-input"]
import matplotlib.pyplot as plt
import geomem_nb as gm
from geomem_nb import chapter_records, controls, results, stats, variants, viz
from geomem_nb import decisive_c17_c19 as dc

viz.setup()
print(gm.env_line())
print(chapter_records.announce("08_what_else_matters"))  # which records it reads, and what it does without them

# %%
base = variants.base_config()
print(base)
chance = 1 / base.degree
LEARNED = {"edge_recovery": controls.LEARNED, "train_exact_match": controls.LEARNED}  # a control's targets

# %% [markdown]
# Every variant below is trained live for the preset's seed (the figures, and the first number of each
# table cell). A comparison needs seeds: `python -m geomem_nb.variants --preset cpu` runs the whole grid for
# three seeds (each its own graph, split and initialization) and stores each number as mean ± sd in
# `results/cpu/08_what_else_matters_seeds/`. From `cpu` up the chapter loads that record (or runs the
# sweep when it is missing) and asserts a direction only where it holds beyond the spread
# (mean − sd of one side above mean + sd of the other). At `ci` the chapter runs one seed, asserts only
# what one seed can show (the runs learned; the large effects), and shows the `cpu` spread beside it.

# %% tags=["hide-input"]
# The spread: at ci the cpu sweep's (shown, not asserted); at cpu its own record (when it is missing, the
# sweep runs after the live seed, before the claims); at gpu and paper their own, else the cpu one.
sweep, sweep_preset = variants.load_for(base.preset)
spreads = sweep["spreads"] if sweep else None
print(f"{base.preset}: seed {base.seed} live; spread over seeds: " +
      (f"the {sweep_preset} sweep's (seeds {sweep['seeds']}, commit {sweep['provenance']['git_commit'][:10]}; "
       f"another graph and budget than {base.preset}'s)" if sweep and sweep_preset != base.preset else
       f"seeds {sweep['seeds']}, loaded (commit {sweep['provenance']['git_commit'][:10]})" if sweep else
       "not shipped (python -m geomem_nb.variants --preset cpu)"))
runs = {"base": base}


def cell(key):
    """One measurement as a table cell: this seed's value, then the spread over seeds when there is one."""
    return f"{one[key]:.3f} | {spreads[key]}" if spreads and key in spreads else one[key]


def learned(source, prefix, bars):
    """The control column: 'yes', or what the run fell short of (its failure is then no evidence)."""
    return "; ".join(controls.shortfalls(variants.control(source, prefix, bars), bars)) or "yes"


SEEDS_NOTE = (f"each cell: seed {base.seed}" +
              (f" | mean ± sd over the {sweep_preset + ' ' if sweep_preset != base.preset else ''}sweep's seeds "
               f"{sweep['seeds']}"
               if spreads else " (no seed sweep shipped yet)"))

# The decisive runs of C17-C19 (three seeds at cpu, about a quarter of an hour): loaded, never run here.
decisive = results.shipped("cpu/08_decisive_c17_c19")
D = dc.spreads(decisive) if decisive else None
MAKE_DECISIVE = "python -m geomem_nb.decisive_c17_c19 --preset cpu --seeds 0 1 2 --out results/cpu/08_decisive_c17_c19"
print(f"decisive runs (C17-C19): seeds {decisive['seeds']}, commit {decisive['provenance']['git_commit'][:10]}"
      if decisive else f"decisive runs (C17-C19): not shipped ({MAKE_DECISIVE})")
for line in dc.regime_lines(decisive) if decisive else []:
    print(" ", line)

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

# %% [markdown]
# *What to see:* edges stored both ways give held-out paths well above chance $1/d$ in both directions,
# while forward-only edges leave both path directions within three times chance (the table shows that
# those runs learned their edges and training paths).

# %%
viz.table({f"edges {e}, paths {p}": {
    "held-out exact match": cell(f"directions/{e}/{p}/test_exact_match"),
    "train exact match": cell(f"directions/{e}/{p}/train_exact_match"),
    "edge recovery": cell(f"directions/{e}/{p}/edge_recovery"),
    "learned what it could": learned(one, f"directions/{e}/{p}/", LEARNED)} for e, p in d},
    columns=["setting", "held-out exact match", "train exact match", "edge recovery", "learned what it could"],
    caption=SEEDS_NOTE)

# %% [markdown]
# ### The decisive run (C17): why backward-only edges give no reverse paths
#
# The sweep's backward-only run learned its edges and its training paths, yet generates no held-out
# reverse path, though a chain of stored backward edges is a reverse path. The decisive record (three
# seeds, loaded; the command is printed above when it is missing) runs backward-only edges with reverse
# paths three ways: as in the sweep, scored at every target position both greedily and teacher-forced
# (position 0 is the first target: the held-out leaf itself, copied from the prompt, as in the authors'
# code); at a third of the learning rate; and with a target that starts at the leaf's parent (our
# format, `leaf_echo=False`: no copy asked). Top: per position, the run as in the sweep; bottom: each
# decisive run beside the sweep's run it replaces.

# %% tags=["hide-input"]
if D:
    fig, (left, right) = viz.panels(2, per_row=1, height=3.4)
    pos = {f"{kind}, position {j}{' (leaf copy)' if j == 0 else ''}": D[f"c17/as in the sweep/{key}/{j}"]
           for kind, key in (("teacher-forced", "forced"), ("greedy", "greedy"))
           for j in range(len(dc.positions(D, "as in the sweep")))}
    viz.seed_spread(pos, ax=left, xlabel="held-out accuracy at the position", line=chance, line_label="chance")
    viz.seed_spread({"the sweep (replaced)": spreads["directions/backward/reverse/test_exact_match"],
                     **{f"decisive: {v}": D[f"c17/{v}/test_exact_match"] for v in dc.C17_VARIANTS}},
                    ax=right, xlabel="held-out exact match, reverse paths", line=chance, line_label="chance")
    plt.show()
    viz.table({v: {"held-out exact match": D[f"c17/{v}/test_exact_match"].short(),
                   "train exact match": D[f"c17/{v}/train_exact_match"].short(),
                   "edge recovery": D[f"c17/{v}/edge_recovery"].short(), "lr": f"{D[f'c17/{v}/lr'].mean:g}",
                   "learned what it could": learned(D, f"c17/{v}/", LEARNED)} for v in dc.C17_VARIANTS},
              columns=["backward-only edges, reverse paths", "held-out exact match", "train exact match",
                       "edge recovery", "lr", "learned what it could"],
              caption=f"mean ± sd over seeds {decisive['seeds']}; the sweep's run: "
                      f"{spreads['directions/backward/reverse/test_exact_match']}")
else:
    print(f"The decisive record is not shipped: {MAKE_DECISIVE}")

# %% [markdown]
# ## Pause tokens (C18)
#
# The same budget with 0, 1, 2 and 4 pause tokens between the leaf and the answer (1 is the run above).

# %%
runs["pauses"] = variants.pauses(base, runs["mixed"])
viz.curves({f"{k} pause tokens": r for k, r in runs["pauses"].items()}, "test_exact_match", chance=chance,
           ylabel="held-out exact match")
plt.show()

# %% [markdown]
# *What to see:* every pause count climbs well above the dotted chance line within the same budget;
# whether more pauses do better is a question for the seeds (the table, and the claims below).

# %%
one = variants.measure(runs)
viz.table({k: {"held-out exact match": cell(f"pauses/{k}/test_exact_match")} for k in variants.PAUSES},
          columns=["pause tokens", "held-out exact match"], caption=SEEDS_NOTE)

# %% [markdown]
# ### The decisive run (C18): speed on a frontier cell
#
# The paper reads pause tokens on *speed* ("for a given amount of training time", "speed of
# convergence"), and the run above sits near the ceiling at the end of its budget, where a boost has no
# room. The decisive record runs the same pause counts on a frontier cell, arms one node longer (the
# no-pause run far from the ceiling at the end of the budget; the cell was picked by a one-seed probe of
# the no-pause and four-pause runs), evaluated twice as often, three seeds, each pause count paired with
# the no-pause run of its seed. Speed is read two ways: the steps to a fixed held-out level, and the area
# under the held-out curve (the regime lines are printed at the top).

# %% tags=["hide-input"]
if D:
    viz.seed_curves(dc.pause_curves(decisive), chance=1 / base.degree)
    plt.title(f"frontier cell {decisive['graph']['c18_graph']}: held-out exact match, mean ± sd over seeds")
    plt.show()
    level = decisive["graph"]["level"]
    viz.table({k: {"the sweep's endpoint (replaced)": cell(f"pauses/{k}/test_exact_match"),
                   "frontier: final": D[f"c18/{k}/test_exact_match"].short(),
                   f"steps to {level:g}": D[f"c18/{k}/steps_to_level"].short("{:.0f}"),
                   "steps saved vs none (paired)": dc.paired(D, "steps_to_level", k, True).short("{:+.0f}") if k else "-",
                   "area": D[f"c18/{k}/held_out_auc"].short(),
                   "area gained vs none (paired)": dc.paired(D, "held_out_auc", k).short("{:+.3f}") if k else "-",
                   "train exact match": D[f"c18/{k}/train_exact_match"].short()} for k in dc.PAUSES},
              columns=["pause tokens", "the sweep's endpoint (replaced)", "frontier: final", f"steps to {level:g}",
                       "steps saved vs none (paired)", "area", "area gained vs none (paired)", "train exact match"],
              caption=f"frontier: mean ± sd over seeds {decisive['seeds']}; the sweep's column: {SEEDS_NOTE}")
else:
    print(f"The decisive record is not shipped: {MAKE_DECISIVE}")

# %% [markdown]
# ## Staged vs mixed training (C19)
#
# Staged: the edges alone for the whole budget (phase-1 peak learning rate $10^{-2}$, the paper's),
# then the paths alone for the same budget, with no edge replay. The paper's phase-2 rate is far
# below phase 1's; we run phase 2 at the preset's rate (*fast*) and at a tenth of it (*slow*),
# evaluating four times as often to see a short-lived peak. A collapse counts only if the edge
# phase learned its edges and the path phase its training paths.
#
# These are the one setting of the book whose CPU numbers depend on the number of CPU threads: a
# different summation order, amplified by the switch of task after a phase at a high learning rate,
# moves the peak and the final of a seed. The records, `make book` and `make test` run one thread per
# process (the device line above says how many this run has). With two, a seed's staged numbers differ
# from the records', while this chapter's other runs (and chapter 02's Mamba run) give the same numbers
# with one thread and with two.

# %%
runs["staged"] = variants.staged(base)
one = variants.measure(runs)
staged = {f"staged, path lr {r.config['lr']:g}": r for r in runs["staged"].values()}
viz.curves({**staged, "mixed": runs["mixed"]}, "test_exact_match", chance=chance, ylabel="held-out exact match")
plt.title("dashed: the path phase begins")
plt.show()

# %% [markdown]
# *What to see:* where each staged run ends, after the dashed line where its path phase begins: below the
# mixed run's final held-out exact match.

# %%
STAGED_LEARNED = {"edge_phase_edge_recovery": controls.LEARNED, "train_exact_match": controls.LEARNED}
viz.table({**{f"staged {name} (path lr {r.config['lr']:g})": {
    "held-out peak": cell(f"staged/{name}/peak"), "held-out final": cell(f"staged/{name}/final"),
    "edge recovery after the edge phase": cell(f"staged/{name}/edge_phase_edge_recovery"),
    "train exact match": cell(f"staged/{name}/train_exact_match"),
    "learned what it could": learned(one, f"staged/{name}/", STAGED_LEARNED)} for name, r in runs["staged"].items()},
    "mixed": {"held-out final": cell("mixed/test_exact_match")}},
    columns=["run", "held-out peak", "held-out final", "edge recovery after the edge phase", "train exact match",
             "learned what it could"], caption=SEEDS_NOTE)

# %% [markdown]
# ### The decisive run (C19): two phases at the paper's learning rates
#
# The runs above use phase-2 rates far above the paper's. The decisive record runs the paper's two
# peak rates (phase 1 on the edges, then phase 2 on the paths at 1/200 of it, the paper's ratio), phase 2
# twice the base budget, evaluated four times as often as the base run, and edge recovery measured at
# every phase-2 evaluation: does the path phase overwrite the edges? The paper's "peak momentarily,
# then deteriorate" is read both ways: the peak, and the final.

# %% tags=["hide-input"]
if D:
    viz.seed_curves(dc.phase2_curves(decisive), chance=1 / base.degree, ylabel="accuracy", xlabel="phase-2 step")
    plt.title("staged at the paper's rates: phase 2, mean ± sd over seeds")
    plt.show()
    viz.table({**{f"the sweep: staged {name} (replaced)": {
        "held-out peak": cell(f"staged/{name}/peak"), "held-out final": cell(f"staged/{name}/final"),
        "path lr": f"{r.config['lr']:g}"} for name, r in runs["staged"].items()},
        "decisive: the paper's rates": {
        "held-out peak": D["c19/peak"].short(), "held-out final": D["c19/final"].short(),
        "path lr": f"{D['c19/path_lr'].mean:g}", "train exact match": D["c19/train_exact_match"].short(),
        "edge recovery after phase 1": D["c19/edge_phase_edge_recovery"].short(),
        "edge recovery, lowest in phase 2": D["c19/edge_recovery_min"].short(),
        "edge recovery, final": D["c19/edge_recovery_final"].short()}},
        columns=["run", "held-out peak", "held-out final", "path lr", "train exact match", "edge recovery after phase 1",
                 "edge recovery, lowest in phase 2", "edge recovery, final"],
        caption=f"decisive: mean ± sd over seeds {decisive['seeds']}; the sweep's rows: {SEEDS_NOTE}")
else:
    print(f"The decisive record is not shipped: {MAKE_DECISIVE}")

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

# %% [markdown]
# *What to see:* the leaf split rises well above the dotted chance line $1/\text{num_leaves}$; read the
# first-token split beside its control in the table (whether it memorized its training paths).

# %%
TREE_LEARNED = {"train_exact_match": controls.LEARNED}
viz.table({s: {"held-out exact match": cell(f"tree/{s}/test_exact_match"), "first hop": cell(f"tree/{s}/test_hardest_token"),
               "train exact match": cell(f"tree/{s}/train_exact_match"),
               "learned what it could": learned(one, f"tree/{s}/", TREE_LEARNED)} for s in variants.SPLITS},
          columns=["split", "held-out exact match", "first hop", "train exact match", "learned what it could"],
          caption=f"chance 1/num_leaves = {tree_chance:.4f}; {SEEDS_NOTE}")

# %% [markdown]
# ### The decisive tree-star (C20)
#
# On the grid's tree the first-token split holds out whole subtrees of a root with few children, so few
# subtrees are left to train on; over the seeds it scores nothing held out, its first hop included,
# while it learns its training paths (the table above): too few training subtrees to learn a first hop
# from, so which split is harder cannot be read there. The decisive run gives the first-token split
# enough training subtrees: a shallower tree with four times the root degree, at the grid's model and
# budget (`python -m geomem_nb.decisive_c20_c21 --preset cpu --seeds 1 2 3`, loaded here; the tree was
# picked from probes on seed 0, so the record's seeds are 1 to 3). Deviations from the paper: the paper
# states neither $d$, $\ell$ nor its accuracies; our GPT is 2 layers of width 64 for a few hundred steps
# (the paper's GPT-mid: 12 layers of width 384), at the `cpu` preset whatever this page's preset.

# %%
DECISIVE = results.shipped("cpu/08_decisive_c20_c21")
D8 = {k: stats.from_record(v) for k, v in DECISIVE["measurements"].items()} if DECISIVE else None
if D8 is None:
    print("not shipped: python -m geomem_nb.decisive_c20_c21 --preset cpu --seeds 1 2 3 --out results/cpu/08_decisive_c20_c21")
else:
    g8 = DECISIVE["graph"]
    grid_tree = sweep["graph"]["tree"] if sweep and sweep.get("graph") else "the grid's tree"
    found = [(grid_tree, "grid", sweep and sweep["seeds"], spreads), (g8["tree"], "decisive", DECISIVE["seeds"], D8)]
    fig, (ax,) = viz.panels(width=7.0, height=3.0)
    viz.seed_spread({f"{t}, {s} split": sp[f"tree/{s}/test_exact_match"] for (t, _, _, sp) in found if sp
                     for s in variants.SPLITS}, ax=ax, line=D8["tree/chance"].mean,
                    line_label=f"chance 1/num_leaves, {g8['tree']}",
                    xlabel="held-out exact match (dots: seeds; bar: mean ± sd)")
    plt.show()
    viz.table([{"tree": t, "run": run, "split": s, "seeds": str(seeds),
                "held-out exact match": stats.cell(sp, f"tree/{s}/test_exact_match"),
                "first hop": stats.cell(sp, f"tree/{s}/test_hardest_token"),
                "train exact match": stats.cell(sp, f"tree/{s}/train_exact_match"),
                "learned what it could": learned(sp, f"tree/{s}/", TREE_LEARNED),
                "chance": f"{sp['tree/chance'].mean:.4f}"} for (t, run, seeds, sp) in found if sp for s in variants.SPLITS],
              caption=f"the grid's tree beside the decisive one ({g8['steps']} steps, cpu); mean ± sd over seeds")
    print("C20, decisive tree:", variants.split_order(D8)[2])

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
fig, axes = viz.panels(3, height=3.0)
for ax, (name, (_, key)) in zip(axes, variants.MAMBA_OBJECTIVES.items()):
    viz.curves({"GPT": mamba[("gpt", name)], "Mamba": mamba[("mamba", name)]}, key, ax=ax, chance=chance)
    ax.set_title(name)
plt.show()

# %% [markdown]
# *What to see:* Mamba against the GPT on each objective; on all three Mamba ends well above the dotted
# chance line (how close it comes to the GPT is for the seeds to say, below).

# %%
viz.table({name: {"measure": key.replace("_", " "), "GPT": cell(f"mamba/{name}/gpt"), "Mamba": cell(f"mamba/{name}/mamba"),
                  "GPT steps": mamba[("gpt", name)].metrics["steps"], "Mamba steps": mamba[("mamba", name)].metrics["steps"]}
           for name, (_, key) in variants.MAMBA_OBJECTIVES.items()},
          columns=["objective", "measure", "GPT", "Mamba", "GPT steps", "Mamba steps"], caption=SEEDS_NOTE)

# %% [markdown]
# ### Mamba at the budget it needs (C21)
#
# In the grid Mamba gets twice the GPT's steps at the GPT's learning rate and, on full paths, learns its
# training paths but stays far below the GPT held out. Probes on seed 0 (recorded in
# `geomem_nb/decisive_c20_c21.py`) showed more steps at that rate do not help, a larger rate hurts, and a
# third of the GPT's rate lets it generalize. The decisive run gives Mamba that rate and four times the
# GPT's steps on full paths, beside the GPT on the same seeds (1 to 3, not the probed seed 0; loaded,
# made by the command above). The claim is that the findings *carry over* (far above chance, the same
# pattern as the GPT), not that Mamba matches the GPT's numbers. Deviations from the paper: a 2-layer,
# width-64 Mamba in plain PyTorch (the paper's Mamba setup: §C.1), our learning rate and budget.

# %%
if D8 is None:
    print("not shipped: python -m geomem_nb.decisive_c20_c21 --preset cpu --seeds 1 2 3 --out results/cpu/08_decisive_c20_c21")
else:
    fp = "mamba/full paths/"
    arms = {f"GPT, grid ({base.preset if sweep_preset == base.preset else sweep_preset})": (spreads, "gpt"),
            "Mamba, grid (2x steps, the GPT's lr)": (spreads, "mamba"),
            f"GPT, decisive seeds ({g8['steps']} steps, lr {g8['lr']:g})": (D8, "gpt"),
            f"Mamba, decisive ({g8['mamba_steps']} steps, lr {g8['mamba_lr']:g})": (D8, "mamba")}
    fig, (ax,) = viz.panels(width=7.0, height=3.0)
    viz.seed_spread({k: sp[fp + m] for k, (sp, m) in arms.items() if sp}, ax=ax, line=D8["chance"].mean,
                    line_label="chance 1/d", xlabel="full paths: held-out exact match (dots: seeds; bar: mean ± sd)")
    plt.show()
    viz.table({k: {"held-out exact match": stats.cell(sp, fp + m),
                   "train exact match": stats.cell(sp, f"{fp}{m}_train_exact_match")} for k, (sp, m) in arms.items() if sp},
              columns=["run", "held-out exact match", "train exact match"],
              caption=f"{g8['graph']}, cpu; grid seeds {sweep['seeds'] if sweep else '-'}, decisive seeds {DECISIVE['seeds']}")

# %% [markdown]
# ### On the in-weights chapter's graph
#
# The headline for Mamba on the graph and budget of chapter 02's `cpu` preset (twice the GPT's steps),
# loaded when its run is shipped in `results/`. To produce it:
# `python -m geomem_nb in-weights --preset cpu --model mamba --steps 3000 --out results/cpu/in-weights-mamba`.

# %% tags=["hide-input"]
headline = {"GPT": results.shipped("cpu/in-weights"), "Mamba": results.shipped("cpu/in-weights-mamba")}
if all(headline.values()):
    viz.saved_curves(headline, chance=headline["GPT"]["chance"])
    c = headline["Mamba"]["config"]
    plt.title(f"G({c['degree']},{c['path_length']}), cpu preset")
    plt.show()
    viz.table({name: {"held-out exact match": m["test_exact_match"], "steps": m["steps"],
                      "seconds": m["train_seconds"], "device": m["provenance"]["device"]}
               for name, m in headline.items()}, columns=["model", "held-out exact match", "steps", "seconds", "device"])
else:
    print("Not shipped yet: run the command above.")

# %% [markdown]
# *What to see (when shipped):* the two saved runs' held-out exact match over training on chapter 02's
# graph, one seed each and not asserted here; the table gives their final numbers and budgets.

# %% [markdown]
# ## The claims, asserted
#
# From `cpu` up, the seeds: the preset's record, or (when it is missing) the sweep, run here at `cpu`; at
# `gpu` and `paper` without their own record, the `cpu` sweep's seeds (said above each table).

# %%
if base.preset == "ci":
    S = None  # one seed: no direction is asserted at ci
    print("ci: the directions below are asserted from cpu up, over seeds" +
          (" (the cpu sweep's spread is shown beside each number in the tables above)" if sweep else ""))
else:
    if sweep is None:
        spreads, _ = variants.sweep(base.preset, variants.SEEDS, known={base.seed: one})
        sweep = {"seeds": list(variants.SEEDS), "spreads": spreads}
    S = sweep["spreads"]
    print(f"{base.preset}: asserting over the {sweep_preset} sweep's seeds {sweep['seeds']}")

# %% [markdown]
# ### One seed (every preset)
#
# The runs learned, and the large effects show:
# both-direction edges reach at least 0.5 held-out exact match (0.8 from `cpu` up) on forward paths
# and beat 10× chance on reverse paths; forward-only edges stay within 3× chance in both path
# directions *and* learned their edges and training paths (C17); every pause setting beats 10×
# chance (C18); the mixed run beats the staged runs' final accuracy, and the staged run at the
# preset's path rate learned its edges and its training paths (C19); the tree-star leaf split beats 5× chance (C20; the first-token
# split's failure is asserted only over seeds, with its control: at `ci` it has not yet memorized its
# training paths, as its control column above says); Mamba beats 10× chance on full paths, the first hop and the
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
    viz.table({label: {"beyond the spread": "cannot be read (a split not above chance)" if holds is None
                       else "holds" if holds else "does not hold"}
               for label, holds in variants.beyond_spread(spreads).items()},
              columns=["comparison", "beyond the spread"], caption=f"seeds {sweep['seeds']}")
    for name, text in variants.staged_reading(spreads).items():
        print(f"C19, staged {name}: {text}")
    print("C20:", variants.split_order(spreads)[2])
else:
    print("no seed sweep shipped yet (python -m geomem_nb.variants --preset cpu)")

# %% [markdown]
# What the seeds show at `cpu` (the sweep asserted from `cpu` up in the cell below; the decisive runs at
# every preset where their record is shipped, in the cell after it):
#
# * **C17, partly reproduced.** Forward-only edges fail in both path directions (within 3× chance on
#   every seed's mean + sd) although each run memorized the edges it was given and its training
#   paths: the reversal curse. Both-direction edges reach at least 0.8 held-out exact match forward
#   (mean − sd), and beat forward-only edges in both directions beyond the spread (in reverse one seed
#   of three is far lower than the others, so reverse generation is less reliable). Backward-only
#   edges give no held-out reverse path in the sweep; the decisive runs (below) diagnose why: teacher-forced,
#   every step after the first follows the stored backward edges on every held-out arm, and only the first
#   target fails, the copy of the held-out leaf — a token that backward-only edges never train as an output
#   (a held-out leaf is no node's parent), with the authors' reverse target, which starts with the leaf. A
#   third of the learning rate does not change it; a reverse target that starts at the leaf's parent (our
#   format) gives held-out reverse paths on every seed. So the paper's reverse-only result holds for the
#   path itself, not for the target format of its code: `partly`.
# * **C18, our test cannot tell:** at the sweep's cell every pause count ends near the ceiling, where a
#   boost has no room. The decisive runs read speed, the paper's reading, on a frontier cell where the
#   no-pause run ends far from the ceiling: no pause count reaches the held-out level sooner or gathers
#   more area than none beyond the paired spread, but three seeds leave a gain open (printed below), so
#   `inconclusive` (no power), not `differs`.
# * **C19, our test cannot tell:** at the preset's phase-2 rates (the sweep) the staged runs end far below
#   the mixed run without a high peak. The decisive run at the paper's two rates keeps its edges through
#   phase 2 and shows no fall from its peak on any seed, but its peak is not high and not every seed fits
#   its training paths within phase 2 at the paper's small rate: an under-trained control, so
#   `inconclusive`; a longer phase 2 would decide.
# * **C20:** on the grid's tree the leaf split beats chance $1/\text{num_leaves}$ beyond the spread; the
#   first-token split memorized its training paths but stays at chance, where the paper reports it above
#   chance. Which split is harder is read only when both are above chance (line printed above): a split
#   at chance is below any split that learned anything. The decisive tree (the section on tree-stars,
#   asserted below) gives the first-token split enough training subtrees: there both splits beat chance
#   beyond the spread, and the order is the *reverse* of the paper's: the first-token split is above the
#   leaf split. Both splits find the first hop (the tables above); the leaf split loses its held-out
#   leaves further down the path, where each shares its prefix with a training leaf. So C20 is
#   reproduced in part: both splits above chance, but not "the first-token split much harder", at our
#   scale (a 2-layer GPT; the paper gives neither its tree nor its numbers).
# * **C21:** in the grid Mamba matches the GPT on the first hop and on the edges-only geometry (means
#   within 0.05, neither above the other beyond the spread), but on full paths, with twice the GPT's
#   steps at the GPT's learning rate, it stays far below. At its own learning rate (a third of the GPT's)
#   and four times the GPT's steps (the decisive run, asserted below) Mamba's full paths are far above
#   chance beyond the spread, and above the grid's Mamba; its mean stays below the GPT's, but not beyond
#   the spread of three seeds. So the findings carry over (far above chance, the GPT's pattern); whether
#   Mamba also matches the GPT's numbers, three seeds cannot say.

# %%
if S is None:
    print("ci: no direction is asserted on one seed; from cpu up this cell asserts them over seeds")
else:
    def em(key):
        return S[key]

    # C17: the failing settings learned what they could (every seed), then fail; mixed edges succeed.
    for e, p in (("forward", "forward"), ("forward", "reverse"), ("backward", "forward"), ("backward", "reverse")):
        key = f"directions/{e}/{p}/"
        controls.assert_learned(variants.control(S, key, LEARNED), LEARNED, f"{e}-only edges, {p} paths (worst seed)")
        assert stats.at_chance(em(key + "test_exact_match"), chance), (key, em(key + "test_exact_match"))
    both = em("directions/both/forward/test_exact_match")  # the claim: mixed edges, high forward accuracy
    assert both.mean - both.sd >= 0.8, both
    for p in variants.PATHS:
        assert stats.above(em(f"directions/both/{p}/test_exact_match"), em(f"directions/forward/{p}/test_exact_match")), p
    # C18: every pause count learned; the order 0 < 1 < 2 < 4 does not hold beyond the spread.
    P = [em(f"pauses/{k}/test_exact_match") for k in variants.PAUSES]
    assert all(s.mean - s.sd >= 10 * chance for s in P), P
    assert not stats.ordered(P), P
    # C19: the collapsing staged run learned its edges and its training paths, then ends at chance;
    # its peak, and the slow run's peak, stay far below the mixed run.
    controls.assert_learned(variants.control(S, "staged/fast/", STAGED_LEARNED), STAGED_LEARNED, "staged fast (worst seed)")
    assert stats.at_chance(em("staged/fast/final"), chance), em("staged/fast/final")
    for name in ("fast", "slow"):
        assert stats.above(em("mixed/test_exact_match"), em(f"staged/{name}/peak")), name
    # C20: the first-token split learned its training paths; the leaf split beats chance beyond the
    # spread; the first-token split stays at chance. The ordering (leaf above first-token) is asserted
    # only when both splits are above chance; otherwise it cannot be read, and the chapter says so.
    controls.assert_learned(variants.control(S, "tree/first-token/", TREE_LEARNED), TREE_LEARNED,
                            "tree-star first-token split (worst seed)")
    assert stats.above(em("tree/leaf/test_exact_match"), S["tree/chance"])
    assert stats.at_chance(em("tree/first-token/test_exact_match"), one["tree/chance"])
    readable, order, order_text = variants.split_order(S)
    if readable:
        assert order == "leaf", order_text
    print("C20 ordering:", order_text)
    # C21: Mamba matches the GPT on the first hop and the edges-only geometry, not on full paths.
    assert stats.close(em("mamba/first hop/mamba"), em("mamba/first hop/gpt"))
    assert stats.close(em("mamba/edges only/mamba"), em("mamba/edges only/gpt"))
    assert stats.above(em("mamba/full paths/gpt"), em("mamba/full paths/mamba"))
    print("asserted over seeds", sweep["seeds"])

# %% [markdown]
# ### The decisive runs (C17-C19), asserted, and the verdicts they give
#
# Loaded at every preset (they are never run in the chapter): each run learned what it could, then the
# findings above; the claims page's verdicts on C17-C19 from the shipped records follow.

# %%
from geomem_nb import verdicts

if D is None:
    print(f"The decisive record is not shipped: {MAKE_DECISIVE}")
else:
    # C17: every variant learned its edges and training paths; only the leaf's copy fails, later steps follow the edges.
    for v in dc.C17_VARIANTS:
        controls.assert_learned(variants.control(D, f"c17/{v}/", LEARNED), LEARNED, f"C17 {v} (worst seed)")
    for v in ("as in the sweep", "lower lr"):
        forced = dc.positions(D, v)
        assert stats.at_chance(forced[0], chance), (v, forced[0])
        assert all(x.mean - x.sd >= controls.LEARNED for x in forced[1:]), (v, forced)
        assert stats.at_chance(D[f"c17/{v}/test_exact_match"], chance), v
    assert stats.above(D["c17/no leaf echo/test_exact_match"], D["chance"]) and D["c17/no leaf echo/test_exact_match"].mean >= bar
    # C18: the frontier runs learned their training paths, the baseline is far from the ceiling, and no
    # pause count beats none on the paired area (mean - 2 sd above zero).
    C18_LEARNED = {"train_exact_match": controls.LEARNED}
    for k in dc.PAUSES:
        controls.assert_learned(variants.control(D, f"c18/{k}/", C18_LEARNED), C18_LEARNED, f"C18 {k} pauses (worst seed)")
    ceiling = verdicts.what_else.CEILING
    assert D["c18/0/test_exact_match"].mean + D["c18/0/test_exact_match"].sd < ceiling, D["c18/0/test_exact_match"]
    gains = {k: dc.paired(D, "held_out_auc", k) for k in dc.PAUSES[1:]}
    assert all(g.mean - 2 * g.sd <= 0 for g in gains.values()), gains
    # C19: the edges are stored and kept through phase 2; no seed falls from its peak; the peak stays below mixed;
    # and not every seed fits its training paths (the under-trained control the verdict names).
    assert D["c19/edge_phase_edge_recovery"].mean - D["c19/edge_phase_edge_recovery"].sd >= controls.LEARNED
    assert D["c19/edge_recovery_min"].mean >= controls.LEARNED, D["c19/edge_recovery_min"]
    assert max(D["c19/fall"].values) == 0.0, D["c19/fall"]
    assert D["c19/peak"].mean < verdicts.BIG, D["c19/peak"]  # not high
    assert min(D["c19/train_exact_match"].values) < controls.LEARNED, D["c19/train_exact_match"]
    found = {c: verdicts.RULES[c](results.shipped) for c in ("C17", "C18", "C19")}
    for c, verdict in found.items():
        print(f"{c}: {verdict.label} — {verdict.reason}\n")
    assert [v.status for v in found.values()] == ["partly", "inconclusive", "inconclusive"], found

# %% [markdown]
# ### The decisive runs (C20, C21)
#
# Loaded from the `cpu` record at every preset (three seeds, 1 to 3), so asserted at every preset: each
# run learned its training paths; on the decisive tree both splits beat chance beyond the spread and the
# first-token split is above the leaf split (the reverse of the paper's order); Mamba at its own rate
# and budget is far above chance on full paths (mean − sd ≥ 0.5 and ≥ 10× chance) and above the grid's
# Mamba beyond the spread; it and the GPT are not apart beyond the spread.

# %%
if D8 is None:
    print("not shipped: python -m geomem_nb.decisive_c20_c21 --preset cpu --seeds 1 2 3 --out results/cpu/08_decisive_c20_c21")
else:
    for s in variants.SPLITS:
        controls.assert_learned(variants.control(D8, f"tree/{s}/", TREE_LEARNED), TREE_LEARNED, f"decisive tree, {s} split (worst seed)")
        assert stats.above(D8[f"tree/{s}/test_exact_match"], D8["tree/chance"]), s
    readable, order, order_text = variants.split_order(D8)
    assert readable and order == "first-token", order_text
    fp = "mamba/full paths/"
    MAMBA_LEARNED = {"mamba_train_exact_match": controls.LEARNED}
    controls.assert_learned(variants.control(D8, fp, MAMBA_LEARNED), MAMBA_LEARNED, "decisive Mamba (worst seed)")
    m8 = D8[fp + "mamba"]
    assert m8.mean - m8.sd >= 0.5 and m8.mean - m8.sd >= 10 * D8["chance"].mean, m8
    assert not stats.above(D8[fp + "gpt"], m8) and not stats.above(m8, D8[fp + "gpt"]), (D8[fp + "gpt"], m8)
    if spreads:
        assert stats.above(m8, spreads[fp + "mamba"]), (m8, spreads[fp + "mamba"])
    print("asserted on the decisive record, seeds", DECISIVE["seeds"])

# %% tags=["remove-input"]
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
