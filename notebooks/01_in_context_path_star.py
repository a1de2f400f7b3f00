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
# # In-context path-star: next-token training learns everything but the one decision
#
# [![Open In Colab](../book/images/colab-badge.svg)](https://colab.research.google.com/github/geomem/geomem/blob/main/notebooks/01_in_context_path_star.ipynb)
# *On Colab: Runtime → Change runtime type → GPU, then run all.*
#
# This chapter is the baseline the paper contrasts itself with: the path-star task of Bachmann &
# Nagarajan (2024), where the graph is given **in the prompt**, never stored in the weights.
#
# **Claim (C1, in-context side; C3, in-context side).** When every example is a fresh, randomly
# labelled path-star graph $G_{d,\ell}$ (a shuffled edge list, then the source and the goal), a GPT
# trained by next-token prediction with teacher forcing generates the right source→goal path only
# about as often as chance, $1/d$. It fails at exactly one token: the first hop after the source.
# Trained on that token alone, it fails too.
#
# **Controls.** The failure is not a lack of capacity or training:
# * on the same held-out graphs, **teacher-forced** accuracy on every position after the first hop is
#   near 1: each later token is fit as "the child of the previous (true) token" — the *Clever-Hans cheat*;
# * **positive control:** the same model, handed the true first hop, completes the path almost always;
# * its wrong first hops are still children of the source: it picks an arm at random, hence $1/d$;
# * the **reversed** target (goal → source), where the cheat *is* the algorithm, is reported with its
#   learning curve.

# %% tags=["remove-cell"]
# Colab setup: install this repository's package without touching Colab's own torch.
import sys

if "google.colab" in sys.modules:
    # %pip install -q "geomem_nb @ git+https://github.com/geomem/geomem@main"
    pass

# %% tags=["hide-input"]
from dataclasses import replace

import matplotlib.pyplot as plt
import torch
import geomem_nb as gm
from geomem_nb import chapter_records, controls, deviations, experiments, presets, results, verdicts, viz
from geomem_nb.tasks.in_context import OBJECTIVES, InContextTask

viz.setup()
print(gm.env_line())
print(chapter_records.announce("01_in_context_path_star"))  # which records it reads, and what it does without them

# %% [markdown]
# ## The task
#
# Each example draws $d(\ell-1)+1$ distinct labels out of $N$, builds the $d$ arms of a path-star
# graph from them (every arm starts at the source and has $\ell$ nodes), lists its parent→child
# edges in a random order, and asks for the path from the source to the leaf of one arm (the goal).
# Nothing carries over from one example to the next: the graph has to be read from the prompt.
# The four training objectives differ only in what follows the prompt and what is scored:

# %%
cfg = presets.config("in-context")
example_task = InContextTask(cfg.degree, cfg.path_length, cfg.num_labels)
example = example_task.draw(1, torch.Generator().manual_seed(cfg.seed))
for i, arm in enumerate(example.arms[0].tolist()):
    goal = " (goal arm)" if i == example.goal_arm.item() else ""
    print(f"arm {i}: " + " → ".join(map(str, arm)) + goal)
for objective in OBJECTIVES:
    t = replace(example_task, objective=objective)
    inputs, targets, _ = t.layout(example)
    print(f"\n{objective}:\n   input   {' '.join(t.token_names(inputs[0]))}"
          f"\n   targets {' '.join(t.token_names(targets[0]))}")

# %% [markdown]
# Under `forward` the first target is the source (copied from the query) and the last is the goal (also
# in the query). Every target after the first hop is the unique child of the token before it, which
# teacher forcing puts into the input. Only the first hop needs the goal: walk back $\ell-2$ edges
# from it.
#
# ## Forward training at the current preset
#
# The preset (`ci`, `cpu`, `gpu` or `paper`, chosen by `GEOMEM_SCALE`) fixes the graph size, the label
# set, the model and the budget. Every step draws a batch of fresh graphs; the scores below are on a
# fixed, seeded set of held-out graphs. At `cpu` (the book's default) the graph is the paper's
# $G_{2,5}$, with fewer labels and a far smaller GPT than the paper's (all printed below). Its learning
# rate was chosen so that the look-up every later target needs forms on each of the seeds we tried: at
# a higher rate it formed on some seeds and not on others within a CPU budget (the measurements are
# noted in `geomem_nb/experiments/in_context.py`; the deviations page sets this recipe beside the
# paper's). At `ci` the arms are longer than the paper's: every target after the first hop is a "child
# of the previous token" look-up, so longer arms give the small GPT more examples of that look-up per
# graph, and it forms within ci's short budget. The hardest token is then more hops from the goal,
# harder, not easier. At `cpu` this run and the reversed one below are loaded from their shipped records
# when these are the settings they were made with (the line below the settings says so): the same
# numbers, without training again; `GEOMEM_RESULTS=none` trains them here.

# %%
print(cfg)
forward = experiments.recorded(cfg, "cpu/in-context-forward") or experiments.in_context(cfg, desc="forward")
m = forward.metrics
chance = m["chance"]
print(f"{m['params']:,} parameters, sequences of {m['sequence_length']} tokens, "
      f"{m['steps']} steps in {m['train_seconds']:.0f} s")

# %%
fig, axes = viz.panels(2, height=3.2)
viz.run_metrics(forward, {"free generation": "test_exact_match",
                          "given the true first hop (positive control)": "test_exact_match_given_first_hop",
                          "first hop only": "test_hardest_token"},
                ax=axes[0], chance=chance, ylabel="held-out exact match")
viz.per_position(forward, key="test_teacher_forced", ax=axes[1], chance=chance)
axes[1].set_title("teacher-forced accuracy by target position")
fig.suptitle(f"G({cfg.degree},{cfg.path_length}) in context, N = {cfg.num_labels} labels, forward target")
plt.show()

# %% [markdown]
# *What to see:* on the left, free generation stays on the dotted chance line while the positive control
# (the same model handed the true first hop) rises towards 1; on the right, every teacher-forced
# position rises except position 2, the first hop (bold), which stays near chance.

# %% tags=["hide-input"]
tf = m["teacher_forced_token_accuracy"]
viz.table([{"held-out exact match": m["test_exact_match"], "chance 1/d": chance,
            "first hop (greedy)": m["test_hardest_token"], "first hop is a child of the source": m["test_first_hop_is_child"],
            "exact match given the first hop": m["test_exact_match_given_first_hop"]}])
viz.table([{"position": i, "teacher-forced accuracy": a} for i, a in enumerate(tf, start=1)])
viz.table([{"held-out target loss": m["test_loss"], "the cheat's loss ln(d)/ℓ": m["cheat_loss"]}])

# %% [markdown]
# Position 1 (the source) and the last position (the goal) are copies from the query and are learned
# first. The positions in between are learned as the child of the previous true token: an in-context
# look-up (an induction-style circuit). Position 2 — the first hop — stays at chance: once the cheat
# fits every later token, the only gradient left to teach the first hop is that of a single token that
# needs $\ell-2$ backward look-ups, with no intermediate supervision. The held-out loss tends to
# $\ln(d)/\ell$, the loss of a model that is right everywhere except for a uniform guess among the $d$
# arms at the first hop.
#
# ## The hardest token alone (C3, in context)
#
# The paper's in-weights model learns the first hop even when it is the *only* target; in context the
# paper finds it is not learned in isolation. Here the same GPT is trained only on the first hop (the
# prompt and the source in, the first hop out). For its failure to count, the run must first learn
# what it can: the *format* of the answer, a child of the source (a one-step look-up in the prompt).
# Trained from scratch, with a single supervised token per example, this small model did not learn
# even that within a budget several times the forward run's (measured at an earlier `cpu` recipe, on
# longer arms; at a higher learning rate it did worse), so such a run is no evidence either way.
#
# The control therefore **starts as the forward run above** (the same seed, step for step: its
# look-ups already put a child of the source first) and then trains **twice that budget on the first
# hop alone**, with a fresh optimizer and graphs of its own (`presets.in_context_control`). This
# differs from the paper, which trains the first-hop-only model from scratch; it asks a sharper
# question: a model that can already read the prompt's edges, given every gradient toward the right
# first hop and none toward anything else, does it learn which child leads to the goal? Its `cpu`
# record is loaded when present (`make records` writes it), else it runs here, taking the forward run
# above as its warm start when that run was trained here. Whether it learned its format is printed under
# the figure.

# %% tags=["hide-input"]
h = results.shipped("cpu/in-context-hardest-token")
if h is None:
    h = experiments.in_context(presets.in_context_control(cfg.preset), desc="hardest token only",
                               warm_from=forward if forward.model else None).as_record()  # its warm start
viz.saved_curves({"first hop as the only target": h}, key="test_hardest_token", chance=chance,
                 ylabel="held-out first-hop accuracy")
viz.saved_curves({"its guesses that are children of the source": h}, key="test_first_hop_is_child", ax=plt.gca(),
                 ylabel="held-out first-hop accuracy")
plt.show()
viz.table([{"first hop trained alone": h["test_hardest_token"], "chance": chance,
            "its guesses that are children of the source": h["test_first_hop_is_child"],
            "forward warm start: steps": (h.get("warm_start") or {}).get("steps", 0),
            "its children of the source": (h.get("warm_start") or {}).get("test_first_hop_is_child"),
            "first hop alone: steps": h["steps"],
            "status": controls.tag(h, verdicts.FORMAT).strip(" []") or "learned its format"}])

# %% [markdown]
# *What to see:* the first-hop curve (from the end of the warm start on) against the chance line, and
# beside it the share of guesses that are children of the source: it is high from the start (the warm
# start taught the look-up) and stays high, so the run has learned what it could, and a first hop that
# stays at chance counts as a failure to learn it (the table says which it is).

# %% [markdown]
# ## Reversing the target
#
# With the target written goal → source, every token is the *parent* of the previous one: the cheat
# is now the correct algorithm. It still needs an in-context look-up, a different one (find the token
# among the children, return the token before it). Whether the small model forms it within the
# preset's budget is read off the curve below: it is reported, not assumed (at `ci`, on longer arms and
# a shorter budget, it may not have formed yet).

# %%
control_steps = cfg.steps // 4 if cfg.preset == "ci" else cfg.steps  # reported, not asserted
reverse_cfg = cfg.with_(objective="reverse", steps=control_steps)
reverse = experiments.recorded(reverse_cfg, "cpu/in-context-reverse") or experiments.in_context(reverse_cfg, desc="reverse")
r = reverse.metrics
fig, axes = viz.panels(2, height=3.2)
viz.curves({"forward": forward, "reverse (goal → source)": reverse}, "test_exact_match", ax=axes[0],
           chance=chance, ylabel="held-out exact match")
viz.per_position(reverse, key="test_teacher_forced", ax=axes[1], chance=chance, hardest=None)
axes[1].set_title("reverse: teacher-forced accuracy by target position (1 = goal)")
plt.show()

# %% [markdown]
# *What to see:* how far the reversed target has come in this budget (left, against the forward run and
# chance) and which positions it has learned (right); it is reported, not asserted.

# %%
viz.table([{"target": "reverse (goal → source)", "held-out exact match": r["test_exact_match"], "steps": r["steps"]},
           {"target": "forward", "held-out exact match": m["test_exact_match"], "steps": m["steps"]},
           {"target": "chance 1/d", "held-out exact match": chance}])

# %% [markdown]
# ## At the paper's scale
#
# The paper reproduces this on $G_{2,5}$, $G_{10,5}$ and $G_{20,5}$ with a 12-layer GPT (width 384,
# 784 for $G_{20,5}$, 8 heads, peak learning rate $10^{-4}$). Those runs need a GPU; where their results
# are shipped in `results/` (with their command, commit, device and torch version) they are shown
# here. To produce one: `python -m geomem_nb reproduce in-context-g10-5-forward` (any of
# `in-context-g{2,10,20}-5-{forward,reverse}`; `--time-budget SECONDS` caps the training time).
# A run whose positive control (exact match given the true first hop) is still below 0.9 has not yet
# learned even the easy positions: it is marked *under-trained* and is no evidence either way.

# %% tags=["hide-input"]
paper = {f"G({d},5) {obj}": results.shipped(f"in-context-g{d}-5-{obj}")
         for d in (2, 10, 20) for obj in ("forward", "reverse")}
paper = {k: v for k, v in paper.items() if v is not None}
viz.table({name: {"held-out exact match": pm["test_exact_match"], "chance": pm["chance"],
                  "given the first hop": pm["test_exact_match_given_first_hop"], "steps": pm["steps"],
                  "seconds": pm["train_seconds"], "device": pm["provenance"]["device"],
                  "torch": pm["provenance"]["torch_version"],
                  "status": controls.tag(pm, verdicts.POSITIVE_CONTROL).strip(" []") or "positive control learned"}
           for name, pm in paper.items()}, columns=["run", "held-out exact match", "chance", "given the first hop",
                                                     "steps", "seconds", "device", "torch", "status"])
for name, pm in paper.items():
    print(f"{name}: " + deviations.regime(pm))
if paper:
    viz.saved_curves(paper)
    plt.show()
else:
    print("No paper-scale in-context results in results/ yet; run the commands above on a GPU.")

# %% [markdown]
# *What to see:* each paper-scale run's held-out exact match over training; read each line beside its own
# chance $1/d$ and its status in the table (an under-trained run is no evidence either way).

# %% [markdown]
# ## The claim, asserted
#
# From `cpu` up (the book's default), as the chapter states it: held-out exact match within 0.05 of
# $1/d$ (three binomial standard deviations on 1,000 held-out graphs), at least 0.9 exact match once
# the true first hop is given, at least 0.9 teacher-forced accuracy at every position after the first
# hop, and at least 0.9 of the guessed first hops are children of the source. The first hop trained
# alone must stay within 0.05 of chance — but only once it has learned its format (at least 0.9 of its
# guesses are children of the source). Until then it is under-trained, its failure is no evidence,
# and nothing is asserted about it (the claims page then counts the in-context half of C3 as not
# shown). The reversed target is reported, not asserted: on a CPU budget its look-up circuit may not
# have formed yet.
#
# At `ci` the run is shorter and scores 500 held-out graphs, so the bars are looser: exact match
# within 0.08 of $1/d$ (about 3.5 standard deviations), 0.8 for the positive control, the teacher-forced
# positions and the children of the source.

# %%
after_first_hop = tf[2:]  # teacher-forced accuracy at positions 3..l
margin, bar = (0.08, 0.8) if cfg.preset == "ci" else (0.05, 0.9)
assert abs(m["test_exact_match"] - chance) <= margin, m["test_exact_match"]
assert m["test_exact_match_given_first_hop"] >= bar, m["test_exact_match_given_first_hop"]
assert min(after_first_hop) >= bar, after_first_hop
assert m["test_first_hop_is_child"] >= bar, m["test_first_hop_is_child"]
if controls.learned(h, verdicts.FORMAT):
    assert abs(h["test_hardest_token"] - chance) <= 0.05, h["test_hardest_token"]
else:  # its failure is no evidence: the claims page counts the in-context half of C3 as not shown
    print("NOT asserted: the first-hop-only control is under-trained" + controls.tag(h, verdicts.FORMAT))
viz.table([{"exact match": m["test_exact_match"], "given the first hop": m["test_exact_match_given_first_hop"],
            "lowest teacher-forced after the first hop": min(after_first_hop),
            "first hop alone": h["test_hardest_token"], "chance": chance,
            "reverse (reported)": r["test_exact_match"]}], caption="asserted")
