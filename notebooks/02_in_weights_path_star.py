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
# # In-weights path-star: a memorized graph answers held-out paths
#
# [![Open In Colab](../book/images/colab-badge.svg)](https://colab.research.google.com/github/geomem/geomem/blob/main/notebooks/02_in_weights_path_star.ipynb)
# *On Colab: Runtime → Change runtime type → GPU, then run all.*
#
# **Claim (C1).** A Transformer that has memorized the edges of one fixed path-star graph $G_{d,\ell}$
# in its weights outputs the full root→leaf path for **held-out** leaves, far above chance $1/d$.
# The first hop after the root is an $(\ell-1)$-fold composition of edge look-ups away from the leaf:
# under the usual *associative* view of memory that should be very hard to learn from these examples.
#
# **Controls.** Chance is $1/d$ (pick one of the root's $d$ children, then follow the arm).
# A model whose token embeddings are **frozen** at their random initialization can still store
# edges associatively in its other weights; if held-out success did not depend on learned
# embeddings, this control would succeed too (claim C4 says it stays at chance).

# %% tags=["remove-cell"]
# Colab setup: install this repository's package without touching Colab's own torch.
import sys

if "google.colab" in sys.modules:
    # %pip install -q "geomem_nb @ git+https://github.com/geomem/geomem@main"
    pass

# %% tags=["hide-input"]
import matplotlib.pyplot as plt
import geomem_nb as gm
from geomem_nb import chapter_records, controls, deviations, experiments, graphs, learning_order, presets, results, selection, verdicts, viz
from geomem_nb.tasks import InWeightsTask

viz.setup()
print(gm.env_line())
print(chapter_records.announce("02_in_weights_path_star"))  # which records it reads, and what it does without them

# %% [markdown]
# ## The task
#
# One graph is fixed for the whole run. Its node labels are random, so nothing about a label says
# where the node sits. The model sees two kinds of examples, mixed in every batch:
#
# * **edge examples** `[EDGE] u → v`, for every edge in both directions (test arms included);
# * **path examples** `[PATH] leaf [PAUSE] → root v1 … leaf`, for the 75% of arms in the training split.
#
# Loss is taken only on the target tokens. At test time the model gets the leaf of a *held-out*
# arm and must generate the whole path greedily. Here is a small $G_{4,5}$ (the experiment below
# uses the same construction, much larger):

# %%
small = graphs.path_star(degree=4, path_length=5, seed=0)
small_task = InWeightsTask(small, pause_tokens=1)
viz.draw_path_star(small)
plt.show()

# %% [markdown]
# *What to see:* every arm leaves the root (black) and ends at a leaf; the node labels are random numbers,
# so nothing in a label says which arm it is on. The dashed arm is held out: no path example shows it.

# %%
for ex in small_task.training_examples():
    print(f"{ex.name}: {len(ex)} examples, e.g.")
    for row, tgt in zip(ex.inputs[:2], ex.targets[:2]):
        print("   input ", " ".join(small_task.token_names(row)), "   targets ", " ".join(small_task.token_names(tgt)))
test_arm = small.test_arms[0]
print("held-out query:", " ".join(small_task.token_names(small_task.prompts([test_arm])[0])),
      " → expected", " ".join(map(str, small.arms[test_arm])))

# %% [markdown]
# ## Training at the current preset
#
# The preset (`ci`, `cpu`, `gpu` or `paper`, chosen by `GEOMEM_SCALE`) fixes the graph, the model and
# the budget. The frozen-embedding control uses exactly the same settings and budget. Where the shipped
# `cpu` record of a run was made with exactly these settings (at `cpu`), it is loaded rather than trained
# again: the same numbers, one thread, as `make records` made them (the line below says which);
# `GEOMEM_RESULTS=none` trains both here.

# %%
cfg = presets.config("in-weights")
print(cfg)
run = experiments.recorded(cfg, "cpu/in-weights") or experiments.in_weights(cfg)
frozen_cfg = cfg.with_(freeze_embeddings=True)
frozen = (experiments.recorded(frozen_cfg, "cpu/in-weights-frozen")
          or experiments.in_weights(frozen_cfg, desc="frozen embeddings"))
chance = run.metrics["chance"]

# %%
fig, axes = viz.panels(2, height=3.2)
runs = {"learned embeddings": run, "frozen embeddings (control)": frozen}
viz.curves(runs, "test_exact_match", ax=axes[0], chance=chance, ylabel="held-out exact match")
viz.curves(runs, "test_hardest_token", ax=axes[1], chance=chance, ylabel="held-out first hop (hardest token)")
fig.suptitle(f"G({cfg.degree},{cfg.path_length}), {run.metrics['num_nodes']} nodes, "
             f"{len(run.graph.test_arms)} held-out leaves")
plt.show()

# %% [markdown]
# *What to see:* the model with learned embeddings climbs far above the dotted chance line $1/d$ on
# held-out leaves, whole paths (left) and first hops (right); the frozen-embedding control does not.

# %%
viz.table({name: {"held-out exact match": r.metrics["test_exact_match"], "first hop": r.metrics["test_hardest_token"],
                  "train exact match": r.metrics["train_exact_match"], "edge recovery": r.metrics["edge_recovery"],
                  "steps": r.metrics["steps"], "seconds": r.metrics["train_seconds"],
                  "status": verdicts.in_weights_status(r.metrics).strip(" []")}
           for name, r in runs.items()}, columns=["run", "held-out exact match", "first hop", "train exact match",
                                                   "edge recovery", "steps", "seconds", "status"],
          caption=f"chance 1/d = {chance:.2g}")

# %% [markdown]
# The frozen model fits the *training* paths (its train exact match rises) and it can store
# edges in its attention and MLP weights, yet it never generalizes to a held-out leaf. The model with
# learned embeddings does: the embeddings themselves carry the structure it navigates by
# (the geometry chapter looks at them directly).
#
# ## Which tokens are learned first? (C2)
#
# The paper: in weights the path tokens are learned "in no particular order", largely in tandem, with
# no right-to-left cascade, unlike the in-context task trained with the teacherless objective, where
# later tokens come first. This matters for its Hypothesis 1a: if the future tokens were learned first,
# their gradients could be what teaches the first hop.
#
# Two target positions are not worked out at all: position 1 is the root (the same token on every path)
# and position $\ell$ is the leaf, copied from the prompt. So the order is read on positions
# $2..\ell-1$ ($v_1 .. v_{\ell-2}$): the step at which each first reaches 50% held-out accuracy.

# %%
viz.per_position(run, chance=chance)
plt.title("held-out accuracy by target position (greedy decoding)")
plt.show()

# %% [markdown]
# *What to see:* the order in which the positions rise. Position 1 (the root) and the last (the leaf,
# copied from the prompt) say nothing; compare when positions $2..\ell-1$ cross one half, the first hop
# (position 2, bold) among them. The line below gives the steps; the study after it, over seeds, decides.

# %%
crossing = learning_order.crossings(run.history, cfg.path_length)
print(f"this run, evaluated every {cfg.eval_every} steps: first step at 50% for positions",
      crossing, "→ leaf side first" if learning_order.leaf_side_first(crossing) else "→ leaf side not first")

# %% [markdown]
# One run on a grid of evaluations cannot order tokens that cross within one interval. The study below
# runs the `in-weights-small` graph for three seeds with 60 evaluations per run, at the preset's
# learning rate and (from `cpu` up) at a tenth of it with three times the steps; the paper-scale runs'
# saved histories are read the same way (one seed each, their own evaluation grid). Its `cpu` record is
# loaded when present, at every preset (`make records` writes it); without it (from scratch) the three
# seeds run here, at the preset's rate only.

# %% tags=["hide-input"]
study = results.shipped("cpu/02_learning_order")
if study is None:
    study = learning_order.study(cfg.preset, seeds=(0, 1, 2), low_lr=False)
summaries = []
for r in study["runs"].values():
    summaries.append(r)
viz.table({f"{study['graph']}, {label}": {
    "steps": r["steps"], "every": r["eval_every"], "leaf side first": f"{r['leaf_side_first']} of {r['seeds']} seeds",
    "first hop behind the leaf side (steps)": (f"{r['first_hop_lag']['mean']:.0f} ± {r['first_hop_lag']['sd']:.0f}"
                                               if r["first_hop_lag"] else None)} for label, r in study["runs"].items()})
for label, r in study["runs"].items():
    print(f"{label}: first steps at 50% per seed {r['crossings']}")
for name in ("in-weights-g5000-5", "in-weights-g10000-6", "in-weights-g10000-10"):
    m = results.shipped(name)
    if m:
        c = learning_order.crossings(m["history"], m["config"]["path_length"])
        if any(v is not None for v in c.values()):
            summaries.append(learning_order.summary([c]))
            print(f"{name} (every {m['config']['eval_every']} steps): first steps at 50% {c}")
teacherless = results.shipped("cpu/in-context-teacherless")
if teacherless:
    tl = learning_order.crossings(teacherless["history"], teacherless["config"]["path_length"], key="test_teacher_forced")
    learned = any(v is not None for v in tl.values())
    print(f"in context, teacherless (cpu record, {teacherless['steps']} steps): first steps at 50% {tl}"
          + ("" if learned else " [under-trained: only the copied positions learned; no contrast]"))
status, reason = learning_order.verdict(summaries)
print(f"C2 in weights: {status} — {reason}")

# %% [markdown]
# Read greedily, our tokens are **not** learned in tandem: the leaf-side position crosses first and the
# first hop last (ties between neighbouring positions aside) in the runs that learned the first hop.
# That is the order a right-to-left cascade predicts. Whether it is a difference from the paper is the
# verdict printed above: it counts strict cascades among the runs that learned the first hop, reads the
# teacher-forced histories beside the greedy ones (the paper's curves may be either), and says
# `inconclusive` rather than `differs` where too few runs carry a reading. What might explain the order: our small models and high learning rates learn
# fast, so the order shows within a few hundred steps, where the paper's curves (a far lower peak lr and
# a far longer budget: see the deviations page) are plotted on a coarse epoch axis; and the paper's own in-context contrast is the
# same kind of order. For Hypothesis 1a this means our data do not weaken it: the later tokens *are*
# available first, and their gradients could help teach the first hop.
#
# %% [markdown]
# ## At the paper's scale
#
# The paper's graphs have $2\times10^4$ to $9\times10^4$ nodes and a 12-layer GPT. Those runs need a
# GPU; their results are shipped in `results/` with their provenance and loaded here. To produce them
# yourself: `python -m geomem_nb reproduce in-weights-g5000-5` (and `in-weights-g10000-6`,
# `in-weights-g10000-10`).

# %% tags=["hide-input"]
paper_runs = {name: results.shipped(name) for name in
              ("in-weights-g5000-5", "in-weights-g10000-6", "in-weights-g10000-10")}
shipped_runs = {k: v for k, v in paper_runs.items() if v is not None}
viz.table({name: {"held-out exact match": m["test_exact_match"], "chance": m["chance"], "train": m["train_exact_match"],
                  "steps": m["steps"], "seconds": m["train_seconds"], "device": m["provenance"]["device"],
                  "torch": m["provenance"]["torch_version"], "status": verdicts.in_weights_status(m).strip(" []")}
           for name, m in shipped_runs.items()})
for name, m in shipped_runs.items():
    print(f"{name}, how the number was chosen: {selection.selection(m)}\n   {deviations.regime(m)}")
if shipped_runs:
    viz.saved_curves(shipped_runs, x="train_seconds")
    plt.show()
else:
    print("No shipped paper-scale results in results/; run the commands above on a GPU to produce them.")

# %% [markdown]
# *What to see:* held-out exact match against training time for each paper-scale graph: where each curve
# ends, and whether it left the floor at all (the table gives each run's chance, far below the axis).

# %% [markdown]
# ## The claim, asserted
#
# C1: at `ci` the run is short, so the bar is 20× chance; from `cpu` up the model must get at least 90%
# of held-out paths exactly right. The frozen-embedding control must stay within 3× chance **and**
# show that it learned what it could: at least 0.9 train exact match (else it is under-trained and no
# evidence), at every preset, on the control shown above. C2 is asserted as measured on greedy per-position accuracy:
# in every run that learned the first hop, the leaf side crosses first (runs that never learned the
# first hop have no order and are left out). Whether that makes a right-to-left cascade, and what the
# teacher-forced reading says, is the claims page's verdict on C2 (printed above; it counts strict
# cascades, and reads both).

# %%
learned, control = run.metrics, frozen.metrics
if cfg.preset == "ci":
    assert learned["test_exact_match"] >= 20 * chance, learned["test_exact_match"]
else:
    assert learned["test_exact_match"] >= 0.90, learned["test_exact_match"]
assert learned["test_hardest_token"] >= 20 * chance, learned["test_hardest_token"]
controls.assert_learned(control, {"train_exact_match": controls.LEARNED}, "the frozen-embedding control")
assert control["test_exact_match"] <= 3 * control["chance"], control["test_exact_match"]
orders = [{int(p): x for p, x in c.items()} for r in summaries for c in r["crossings"]]
ordered_runs = [c for c in orders if learning_order.first_hop_learned(c)]
assert ordered_runs and all(learning_order.leaf_side_first(c) for c in ordered_runs), orders
viz.table([{"held-out exact match": learned["test_exact_match"], "frozen control": control["test_exact_match"],
            "its train exact match": control["train_exact_match"], "its steps": control["steps"],
            "chance": chance, "C2": status}], caption="asserted")
