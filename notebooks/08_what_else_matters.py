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

# %% tags=["remove-input"]
from geomem_nb import page

page.takeaway("C17", "C18", "C19", "C20", "C21")

# %% [markdown]
# The headline result (chapter 2) depends on choices a reader will ask about. This chapter varies them
# one at a time on one small graph, each against chance: the edge directions stored and generated
# (C17), pause tokens (C18), edges first and paths later instead of interleaved (C19), tree-star graphs
# (C20), and Mamba instead of the GPT (C21). Every variant is trained here for one seed; the **seed
# sweep** (three seeds, each its own graph, split and initialization, loaded from its record) gives the
# spread, and a direction counts only **beyond the spread** (the mean − sd of one side above the
# mean + sd of the other). Where the seed sweep could not tell, a **follow-up run** (three seeds, at a
# setting chosen so the effect has room to show; loaded) decides.

# %% tags=["remove-cell"]
# Colab setup: install this repository's package without touching Colab's own torch.
import sys

if "google.colab" in sys.modules:
    # %pip install -q "geomem_nb @ git+https://github.com/geomem/geomem@main"
    pass

# %% tags=["hide-input"]
import matplotlib.pyplot as plt
from geomem_nb import controls, page_notes, prose, results, stats, verdicts, viz
from geomem_nb.studies import what_else_matters, what_else_readings
from geomem_nb.studies import edges_pauses_phases as dc
from geomem_nb import what_else_checks, what_else_tables as tables

viz.setup()
base = what_else_matters.base_config()
chance = 1 / base.degree
# The spread: at ci the cpu sweep's (shown, not asserted); at cpu its own record (when it is missing, the
# sweep runs after the live seed, before the claims); at gpu and paper their own, else the cpu one.
sweep, sweep_preset = what_else_matters.load_for(base.preset)
spreads = sweep["spreads"] if sweep else None
SEEDS_NOTE = tables.seeds_note(base.seed, sweep, sweep_preset, base.preset)
decisive = results.shipped("cpu/08_decisive_c17_c19")  # the follow-up runs of C17-C19 (loaded, never run here)
D = dc.spreads(decisive) if decisive else None
DECISIVE = results.shipped("cpu/08_decisive_c20_c21")  # the follow-up runs of C20, C21
D8 = {k: stats.from_record(v) for k, v in DECISIVE["measurements"].items()} if DECISIVE else None
runs = {"base": base}
page_notes.setup_note("08_what_else_matters")  # the software, device and saved records, folded

# %% tags=["remove-input"]
prose.say("**Regime** (every variant changes one setting of it): " + tables.regime(base))

# %% tags=["hide-output", "hide-input"]
print(SEEDS_NOTE)
for line in tables.followup_lines(decisive) if decisive else ["The follow-up runs of C17-C19 are not in results/."]:
    print(line)

# %% [markdown]
# ## Edge directions × path direction (C17)
#
# With forward edges only (parent → child), generating a held-out path root → leaf needs the links the
# model never saw stated: the reversal curse. Generating leaf → root needs exactly the backward edges. A
# failing setting counts only if the run learned its edges and its training paths (at least 0.9 each).

# %% tags=["hide-input"]
d = runs["directions"] = what_else_matters.directions(base)
runs["mixed"] = d[("both", "forward")]
one = what_else_matters.measure(runs)
cell = tables.Cells(one, spreads)
viz.value_grid({(f"edges: {e}", f"paths: {p}"): r.metrics["test_exact_match"] for (e, p), r in d.items()},
               title=f"held-out exact match, seed {base.seed} (chance 1/d = {chance:.3f})")
plt.show()
viz.table(tables.direction_rows(cell, d), columns=["setting", "held-out exact match", "train exact match",
                                                    "edge recovery", "learned what it could"], caption=SEEDS_NOTE)

# %% [markdown]
# *What to see:* edges stored both ways give held-out paths well above chance in both directions;
# forward-only edges leave both path directions within three times chance although the runs learned
# their edges and training paths (the table).
#
# **Why backward-only edges give no reverse path.** The seed sweep's backward-only run learned its edges
# and training paths, yet generates no held-out reverse path. The follow-up scores every target position,
# greedy and teacher-forced (position 0: the held-out leaf itself, copied from the prompt, as in the
# authors' code), and reruns it at a third of the learning rate and with a target that starts at the
# leaf's parent (our format: no copy).

# %% tags=["hide-input"]
if D:
    fig, (left, right) = viz.panels(2, per_row=1, height=3.4)
    viz.seed_spread(tables.c17_positions(D), ax=left, xlabel="held-out accuracy at the position", line=chance,
                    line_label="chance")
    viz.seed_spread({"the seed sweep (replaced)": spreads["directions/backward/reverse/test_exact_match"],
                     **{f"follow-up: {tables.C17_WORDS[v]}": D[f"c17/{v}/test_exact_match"] for v in dc.C17_VARIANTS}},
                    ax=right, xlabel="held-out exact match, reverse paths", line=chance, line_label="chance")
    plt.show()

# %% tags=["hide-output", "hide-input"]
if D:
    viz.table(tables.c17_rows(D), columns=["backward-only edges, reverse paths", "held-out exact match", "train exact match",
                                           "edge recovery", "lr", "learned what it could"],
              caption=f"mean ± sd over seeds {', '.join(map(str, decisive['seeds']))}")

# %% [markdown]
# *What to see:* top, teacher-forced, every position after the first is right on held-out arms, and only
# position 0, the copy of the held-out leaf, fails (a token backward-only edges never train as an
# output); bottom, a third of the learning rate changes nothing, while the target that starts at the
# leaf's parent gives held-out reverse paths on every seed. The reverse-path result holds for the path
# itself, not for the target format of the authors' code.
#
# ## Pause tokens (C18)
#
# The same budget with 0, 1, 2 and 4 pause tokens between the leaf and the answer (1 is the run above).

# %% tags=["hide-input"]
runs["pauses"] = what_else_matters.pauses(base, runs["mixed"])
viz.curves({f"{k} pause tokens": r for k, r in runs["pauses"].items()}, "test_exact_match", chance=chance,
           ylabel="held-out exact match")
plt.show()
one = what_else_matters.measure(runs)
cell = tables.Cells(one, spreads)
viz.table(tables.pause_rows(cell), columns=["pause tokens", "held-out exact match"], caption=SEEDS_NOTE)

# %% [markdown]
# *What to see:* every pause count climbs well above the dotted chance line within the same budget and
# ends near the ceiling, where a boost has no room. The paper reads pause tokens on *speed*, so the
# follow-up runs the same pause counts on a **frontier cell**: a graph just beyond what the budget learns
# fully (arms one node longer, where the no-pause run ends far from the ceiling; picked by a one-seed
# probe), three seeds, each pause count paired with the
# no-pause run of its seed, speed read as the steps to a fixed held-out level and the area under the
# held-out curve.

# %% tags=["hide-input"]
if D:
    viz.seed_curves(dc.pause_curves(decisive), chance=chance)
    plt.title(f"frontier cell {decisive['graph']['c18_graph']}: held-out exact match, mean ± sd over seeds")
    plt.show()

# %% tags=["hide-output", "hide-input"]
if D:
    level = decisive["graph"]["level"]
    viz.table(tables.frontier_pause_rows(cell, D, level), columns=[
        "pause tokens", "seed sweep's endpoint (replaced)", "frontier cell: final", f"steps to {level:g}",
        "steps saved vs none (paired)", "area under the curve", "area gained vs none (paired)", "train exact match"],
        caption=f"frontier cell: mean ± sd over seeds {', '.join(map(str, decisive['seeds']))}; the seed sweep's column as above")

# %% [markdown]
# *What to see:* the four curves lie within each other's bands; no pause count reaches the level sooner
# or gathers more area than none beyond the paired spread, and three seeds leave a gain open (the
# claims page gives the size).
#
# ## Edges first, then paths (C19)
#
# Staged: the edges alone for the whole budget (phase-1 peak lr $10^{-2}$, the paper's), then the paths
# alone for the same budget, with no edge replay, against the paper's interleaved (mixed) batches. Phase
# 2 runs at the preset's rate (*fast*) and at a tenth of it (*slow*), evaluated four times as often. A
# collapse counts only if the edge phase learned its edges and the path phase its training paths.

# %% tags=["hide-input"]
runs["staged"] = what_else_matters.staged(base)
one = what_else_matters.measure(runs)
cell = tables.Cells(one, spreads)
staged = {f"staged, path lr {r.config['lr']:g}": r for r in runs["staged"].values()}
viz.curves({**staged, "mixed": runs["mixed"]}, "test_exact_match", chance=chance, ylabel="held-out exact match")
plt.title("dashed: the path phase begins")
plt.show()
viz.table(tables.staged_rows(cell, runs["staged"]), columns=["run", "held-out peak", "held-out final",
          "edge recovery after the edge phase", "train exact match", "learned what it could"], caption=SEEDS_NOTE)

# %% [markdown]
# *What to see:* each staged run ends, after the dashed line where its path phase begins, below the mixed
# run's final held-out exact match. These phase-2 rates are far above the paper's; the follow-up runs
# the paper's two rates (phase 2 at 1/200 of phase 1, twice the budget), with edge recovery measured at
# every phase-2 evaluation. The staged runs are the one setting here whose numbers change with the number
# of CPU threads (a different summation order, amplified by the switch of task); the records and the
# book run one thread per process.

# %% tags=["hide-input"]
if D:
    viz.seed_curves(dc.phase2_curves(decisive), chance=chance, ylabel="accuracy", xlabel="phase-2 step")
    plt.title("staged at the paper's rates: phase 2, mean ± sd over seeds")
    plt.show()

# %% tags=["hide-output", "hide-input"]
if D:
    viz.table(tables.c19_rows(cell, runs["staged"], D), columns=[
        "run", "held-out peak", "held-out final", "path lr", "train exact match", "edge recovery after phase 1",
        "edge recovery, lowest in phase 2", "edge recovery, final"],
        caption=f"follow-up: mean ± sd over seeds {', '.join(map(str, decisive['seeds']))}; the seed sweep's rows as above")

# %% [markdown]
# *What to see:* at the paper's rates the edges stay stored through phase 2 and no seed falls from its
# peak, but the peak is low and not every seed fits its training paths within phase 2: an under-trained
# control, which a longer phase 2 would settle.
#
# ## Tree-star graphs (C20)
#
# $T_{d,\ell}$: the root has $d$ children and every node below branches in two, so a leaf's path shares
# its prefix with its subtree's other leaves. The *leaf* split holds out random leaves; the
# *first-token* split holds out whole first-hop subtrees, so a held-out leaf's first hop is never on a
# training path. Chance is $1/\text{number of leaves}$.

# %% tags=["hide-input"]
trees = runs["trees"] = what_else_matters.trees(base)
one = what_else_matters.measure(runs)
cell = tables.Cells(one, spreads)
tree_chance = one["tree/chance"]
viz.curves({f"{s} split": r for s, r in trees.items()}, "test_exact_match", chance=tree_chance,
           ylabel="held-out exact match")
plt.title(f"T({trees['leaf'].config['degree']},{trees['leaf'].config['path_length']}): "
          f"{trees['leaf'].graph.num_leaves} leaves, {trees['leaf'].graph.num_nodes} nodes")
plt.show()
viz.table(tables.tree_rows(cell), columns=["split", "held-out exact match", "first hop", "train exact match",
                                           "learned what it could"], caption=f"chance {tree_chance:.4f}; {SEEDS_NOTE}")

# %% [markdown]
# *What to see:* the leaf split rises above the dotted chance line, though far from 1; the first-token
# split stays at chance (its control column says whether it memorized its training paths). On this tree the
# first-token split leaves few subtrees to train on, so which split is harder cannot be read here. The
# follow-up tree has four times the root degree and is shallower, at the same model and budget (picked
# from probes on seed 0, so its seeds are 1 to 3; the paper gives neither its tree nor its numbers).

# %% tags=["hide-input"]
if D8 is not None:
    g8 = DECISIVE["graph"]
    found = tables.tree_sources(sweep, DECISIVE, D8)
    fig, (ax,) = viz.panels(width=7.0, height=3.0)
    viz.seed_spread({f"{t}, {s} split": sp[f"tree/{s}/test_exact_match"] for (t, _, _, sp) in found if sp
                     for s in what_else_matters.SPLITS}, ax=ax, line=D8["tree/chance"].mean,
                    line_label=f"chance, {g8['tree']}", xlabel="held-out exact match (dots: seeds; bar: mean ± sd)")
    plt.show()

# %% tags=["hide-output", "hide-input"]
if D8 is not None:
    viz.table(tables.tree_comparison_rows(found), caption=f"the seed sweep's tree beside the follow-up one "
              f"({g8['steps']} steps); mean ± sd over seeds")
    print("Follow-up tree:", what_else_readings.split_order(D8)[2])

# %% [markdown]
# *What to see:* on the follow-up tree both splits are above chance, and the first-token split is
# *above* the leaf split, the reverse of the paper's order. Both splits find the first hop; the leaf
# split loses its held-out leaves further down, where each shares its prefix with a training leaf.
#
# ## Mamba (C21)
#
# A Mamba with the GPT's depth and width (plain PyTorch) on the same graph: full paths, the first hop
# alone, and the edges alone (scored by chapter 4's leaf/first-hop diagonal). Mamba gets edges and paths
# in rows of their own lengths (a recurrence cannot keep packed examples apart) and twice the GPT's steps.

# %% tags=["hide-input"]
mamba = runs["mamba"] = what_else_matters.mamba_vs_gpt(base, runs["mixed"])
one = what_else_matters.measure(runs)
cell = tables.Cells(one, spreads)
fig, axes = viz.panels(3, height=3.0)
for ax, (name, (_, key)) in zip(axes, what_else_matters.MAMBA_OBJECTIVES.items()):
    viz.curves({"GPT": mamba[("gpt", name)], "Mamba": mamba[("mamba", name)]}, key, ax=ax, chance=chance,
               ylabel=tables.MAMBA_MEASURES[key])
    viz.distinguish(ax)  # on the edges alone the two lie on each other
    ax.set_title(name)
plt.show()
viz.table(tables.mamba_rows(cell, mamba), columns=["objective", "measure", "GPT", "Mamba", "GPT steps", "Mamba steps"],
          caption=SEEDS_NOTE)

# %% [markdown]
# *What to see:* on all three objectives Mamba ends well above the dotted chance line; on full paths,
# at the GPT's learning rate, it stays below the GPT. Probes on seed 0 showed that more steps at that
# rate do not help and a third of the rate lets it generalize, so the follow-up gives Mamba that rate and
# four times the GPT's steps, beside the GPT, on seeds 1 to 3. The claim is that the findings *carry
# over* (far above chance, the GPT's pattern), not that Mamba matches the GPT's numbers.

# %% tags=["hide-input"]
if D8 is not None:
    fp = "mamba/full paths/"
    arms = tables.mamba_arms(spreads, D8, g8)
    fig, (ax,) = viz.panels(width=7.0, height=3.0)
    viz.seed_spread({k: sp[fp + m] for k, (sp, m) in arms.items() if sp}, ax=ax, line=D8["chance"].mean,
                    line_label="chance 1/d", xlabel="full paths: held-out exact match (dots: seeds; bar: mean ± sd)")
    plt.show()

# %% tags=["hide-output", "hide-input"]
if D8 is not None:
    viz.table({k: {"held-out exact match": stats.cell(sp, fp + m),
                   "train exact match": stats.cell(sp, f"{fp}{m}_train_exact_match")} for k, (sp, m) in arms.items() if sp},
              columns=["run", "held-out exact match", "train exact match"], caption=f"{g8['graph']}; mean ± sd over seeds")
headline = {"GPT": results.shipped("cpu/in-weights"), "Mamba": results.shipped("cpu/in-weights-mamba")}
if all(headline.values()):
    viz.table({name: {"held-out exact match": m["test_exact_match"], "steps": m["steps"]} for name, m in headline.items()},
              columns=["model", "held-out exact match", "steps"], caption="chapter 2's graph and budget, one seed each (not asserted)")

# %% [markdown]
# *What to see:* at its own rate and budget Mamba's full paths are far above chance on every seed, and
# above the seed sweep's Mamba; its mean stays below the GPT's, within the spread of three seeds.
#
# ## What the seeds show
#
# Forward-only edges fail in both path directions although each run memorized its edges and training
# paths, and both-direction edges beat them in both directions beyond the spread (in reverse one seed
# of three is far lower than the others). The pause-token and staged results are read on the follow-up
# runs above. The tree-star and Mamba comparisons of the seed sweep are listed below; the follow-up runs
# change their reading as said above.

# %% tags=["hide-input"]
if base.preset == "ci":
    S = None  # one seed: no direction is asserted at ci
    print("At this preset the directions are not asserted over seeds" +
          (" (the seed sweep's spread is shown beside each number in the tables above)." if sweep else "."))
else:
    if sweep is None:
        spreads, _ = what_else_matters.sweep(base.preset, what_else_matters.SEEDS, known={base.seed: one})
        sweep = {"seeds": list(what_else_matters.SEEDS), "spreads": spreads}
    S = sweep["spreads"]

# %% tags=["hide-output", "hide-input"]
if spreads:
    viz.table(tables.comparison_rows(spreads), caption=f"the seed sweep, seeds {', '.join(map(str, sweep['seeds']))} "
              "(the follow-up runs above replace its pause, staged, tree-star and Mamba comparisons)")
    for name, text in what_else_readings.staged_reading(spreads).items():
        print(f"Staged {name}: {text}")
    print("Tree-star, seed sweep:", what_else_readings.split_order(spreads)[2])

# %% [markdown]
# ## The claims, asserted
#
# :::{admonition} What the asserts check
# :class: dropdown
# **One seed, every preset:** both-direction edges well above chance in both directions, forward-only
# edges within 3× chance after learning what they could; every pause count, the leaf split and Mamba
# far above chance; mixed above the staged finals. **Seed sweep (from `cpu` up):** the same directions
# beyond the spread; the pause order not beyond it; the fast staged run ends at chance; the first-token
# split at chance; Mamba level with the GPT on the first hop and edges only, below it on full paths.
# **Follow-up runs (where recorded):** only the leaf copy fails; the leaf's-parent target succeeds; no
# pause count gains area beyond 2 sd; the staged edges are kept, no seed falls, the peak is low; on the
# follow-up tree the first-token split is above the leaf split; Mamba at its own rate is far above
# chance and not apart from the GPT.
# :::

# %% tags=["hide-output", "hide-input"]
bar = 0.5 if base.preset == "ci" else 0.8
checks = what_else_checks.one_seed_checks(one, chance, tree_chance, bar)
if S is not None:
    checks.update(what_else_checks.sweep_checks(S, chance, tree_chance))
if D is not None:
    checks.update(what_else_checks.follow_up_checks(D, chance, bar, verdicts.what_else.CEILING, verdicts.BIG))
if D8 is not None:
    checks.update(what_else_checks.trees_mamba_checks(D8, spreads))
viz.table([{"the chapter says": k, "the records": prose.yes_no(ok)} for k, ok in checks.items()],
          caption="every statement about the runs, checked (on the worst seed where a control must have learned)")
assert not controls.failed(checks), controls.failed(checks)
if D is not None:  # the follow-up runs are what the claims page reads for C17-C19
    found = {c: verdicts.RULES[c](results.shipped) for c in ("C17", "C18", "C19")}
    assert [v.status for v in found.values()] == ["partly", "inconclusive", "inconclusive"], found

# %% tags=["remove-cell"]
results.record("08_what_else_matters", tables.record(
    base, chance, one, d, staged, runs, trees, tree_chance, f"{base.preset}/{what_else_matters.SEEDS_RECORD}" if S else None), base.preset)
