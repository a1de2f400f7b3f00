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
# # The hardest token, in isolation: learned in the weights, not in context
#
# [![Open In Colab](../book/images/colab-badge.svg)](https://colab.research.google.com/github/geomem/geomem/blob/main/notebooks/03_hardest_token.ipynb)
# *On Colab: Runtime → Change runtime type → GPU, then run all.*
#
# **Claim (C3).** The first hop after the root, $v_1$, is the one real decision of a path-star path:
# from the leaf it is an $(\ell-1)$-fold composition of edge look-ups. Trained on the edges plus
# **first-hop-only** path targets (no other path token is ever supervised), a Transformer learns $v_1$
# for *held-out* leaves far above chance $1/d$. The same token trained in isolation **in context**
# (chapter 01) stays at chance. And the paper's two-phase variant (App. D.3): a model trained on the
# **edges alone**, then fine-tuned on the first hop alone, also learns it.
#
# **Controls.** Chance is $1/d$; the same model before training (the step-0 evaluation) scores
# zero; the in-context run of the same objective is the contrast; the edge phase of the two-phase run
# (never shown a path) is a second zero line.

# %% tags=["remove-cell"]
# Colab setup: install this repository's package without touching Colab's own torch.
import sys

if "google.colab" in sys.modules:
    # %pip install -q "geomem_nb @ git+https://github.com/geomem/geomem@main"
    pass

# %% tags=["hide-input"]
import matplotlib.pyplot as plt
import geomem_nb as gm
from geomem_nb import chapter_records, controls, experiments, presets, results, verdicts, viz
from geomem_nb.verdicts import BIG  # "high": the bar the claims page reads the paper's word by

viz.setup()
print(gm.env_line())
print(chapter_records.announce("03_hardest_token"))  # which records it reads, and what it does without them

# %% [markdown]
# ## First-hop-only training, in the weights
#
# The path examples are `[PATH] leaf [PAUSE]×k → v1`: one target token, the hardest one. The edge
# examples are unchanged (all edges, both directions). The graph and model are the `in-weights-small`
# preset's (also used by chapters 04 and 08): a few hundred arms, so every variant trains in minutes.

# %%
cfg = presets.config("in-weights-small", objective="hardest-token")
print(cfg)
hardest = experiments.in_weights(cfg)
chance = hardest.metrics["chance"]
untrained = hardest.history[0]["test_hardest_token"]
m = hardest.metrics
viz.table([{"held-out first hop": m["test_hardest_token"], "train leaves": hardest.history[-1]["train_hardest_token"],
            "chance": chance, "before training": untrained, "steps": m["steps"], "seconds": m["train_seconds"]}])

# %% [markdown]
# ## The same token in context
#
# Chapter 01 trains the in-context model on the first hop alone, after a forward warm start that
# teaches it the answer's format (a child of the source; from scratch this small model did not learn
# even that, see chapter 01; the paper trains it from scratch). It is chapter 01's run: its `cpu` record
# is loaded when it is shipped in `results/`; without it (from scratch) it is left out here, and chapter
# 01 trains it and asserts it.

# %% tags=["hide-input"]
in_context = results.shipped("cpu/in-context-hardest-token")
if in_context is None:
    print("in context: left out here (chapter 01 trains this run and asserts it)")
else:
    c = in_context["config"]
    viz.table([{"in context": f"G({c['degree']},{c['path_length']})",
                "first hop trained alone": in_context["test_hardest_token"], "chance": in_context["chance"],
                "guesses that are children of the source": in_context["test_first_hop_is_child"],
                "forward warm start": (in_context.get("warm_start") or {}).get("steps", 0),
                "first hop alone: steps": in_context["steps"],
                "status": controls.tag(in_context, verdicts.FORMAT).strip(" []") or "learned its format"}],
              caption=f"loaded from results/cpu/in-context-hardest-token ({in_context['provenance']['device']})")

# %%
fig, axes = viz.panels(2, height=3.2)
viz.curves({"in weights: edges + first hop": hardest}, "test_hardest_token", ax=axes[0], chance=chance,
           ylabel="held-out first-hop accuracy")
axes[0].set_title(f"in weights, G({cfg.degree},{cfg.path_length})")
viz.bars({"in weights": m["test_hardest_token"],
          **({"in context": in_context["test_hardest_token"]} if in_context else {})}, ax=axes[1],
         ylabel="held-out first-hop accuracy")
axes[1].set_title("first hop trained in isolation\n(chance differs: 1/d of each graph)")
plt.show()

# %% [markdown]
# *What to see:* in weights, the first hop trained alone leaves the chance line and keeps rising (left);
# on the right, the in-weights bar beside the in-context one, each to be read against its own chance
# (the tables above), and the in-context one only if that run learned its format.

# %% [markdown]
# ## Edges first, then the first hop (App. D.3)
#
# The two-phase schedule: the edges alone for the budget above (the paper's phase-1 peak learning
# rate, $10^{-2}$), then the first-hop path examples alone for the same budget, with no edge replay,
# at a tenth of the preset's rate (the paper's phase-2 rate, $5\times10^{-5}$, is 200× below its
# phase-1 rate; chapter 08 shows how a high phase-2 rate wipes out what the edges left). During the
# edge phase the model has never seen a `[PATH]` prompt, so its first-hop accuracy is zero there:
# whatever it reaches afterwards is built on what the edges alone put into its weights.

# %%
staged_cfg = cfg.with_(schedule="staged", edge_steps=cfg.steps, lr=cfg.lr / 10)
staged = experiments.in_weights(staged_cfg, desc="edges, then first hop")
edge_phase_end = [h for h in staged.history if h["phase"] == "edges"][-1]
path_phase = [h["test_hardest_token"] for h in staged.history if h["phase"] == "paths"]
s = staged.metrics
staged_peak = max(path_phase)
viz.table([{"after the edge phase (steps)": edge_phase_end["step"], "first hop then": edge_phase_end["test_hardest_token"],
            "edge recovery then": s["edge_phase_edge_recovery"],
            "leaf/first-hop diagonal then": edge_phase_end["leaf_first_hop_diagonal_accuracy"],
            "fine-tuned: peak first hop": staged_peak, "at the end": s["test_hardest_token"], "chance": chance}])
viz.curves({"edges, then first hop": staged, "mixed (above)": hardest}, "test_hardest_token", chance=chance,
           ylabel="held-out first-hop accuracy")
plt.title("two-phase training (dashed: the path phase begins)")
plt.show()

# %% [markdown]
# *What to see:* nothing on the first hop until the dashed line (the model has seen no path prompt yet),
# then how far fine-tuning on the first hop alone lifts it above chance, from what the edges left.

# %% [markdown]
# ## The claim, asserted
#
# In the weights, the held-out first hop must beat chance by a wide margin: at least 20× chance at
# `ci` (a few hundred steps), at least 0.5 from `cpu` up; the untrained model scores at most chance.
# In context, the first hop trained alone must stay within 0.05 of chance $1/d$ — but that counts only
# once the run has learned the output format: at least 0.9 of its guesses are children of the source.
# A run that still guesses other labels is under-trained, not a failure to learn the first hop; then
# nothing is asserted about it and the in-context half of C3 is not shown here (chapter 01 has the
# run and its curves).
# The two-phase run. Its edge phase is a control, so it must show that it learned what it could: edge
# recovery at least 0.9 after the edge phase, with the first hop still at most chance there (no path
# example seen yet). An edge phase that stored no edges would make the fine-tune say nothing about
# what the edges alone put into the weights. Then the paper's claim (App. D.3, and C9): fine-tuned on
# the first hop alone, the model "reach[es] high test accuracy" — at its *peak* (the paper: reached
# "momentarily", C19), held to the claims page's bar for "high" (`verdicts.BIG`) from `cpu` up, and to
# the chapter's `ci` bar (20× chance) at `ci`. Where the run ends is reported, not asserted: the paper
# says the two-phase run deteriorates after its peak.

# %%
assert untrained <= chance, untrained
bar = 20 * chance if cfg.preset == "ci" else 0.5
assert m["test_hardest_token"] >= bar, (m["test_hardest_token"], bar)
if in_context is None:  # from scratch: chapter 01 asserts it
    print("in context: left out here (chapter 01 trains this run and asserts it)")
elif controls.learned(in_context, verdicts.FORMAT):
    assert abs(in_context["test_hardest_token"] - in_context["chance"]) <= 0.05, in_context["test_hardest_token"]
else:  # its failure is no evidence: the claims page counts the in-context half of C3 as not shown
    print("NOT asserted: the in-context control is under-trained" + controls.tag(in_context, verdicts.FORMAT))
controls.assert_learned({"edge_recovery": s["edge_phase_edge_recovery"]}, {"edge_recovery": controls.LEARNED},
                        "the edge phase of the two-phase run")
assert edge_phase_end["test_hardest_token"] <= chance, edge_phase_end["test_hardest_token"]
high = 20 * chance if cfg.preset == "ci" else BIG
assert staged_peak >= high, (staged_peak, high)
ic = in_context or {}  # from scratch: chapter 01's run is left out here
viz.table([{"in weights": m["test_hardest_token"], "bar": bar,
            "in context (asserted only if learned)": ic.get("test_hardest_token", "left out"), "its chance": ic.get("chance"),
            "two-phase: peak": staged_peak, "its bar (high)": high,
            "two-phase: at the end (not asserted)": s["test_hardest_token"],
            "the end is high too": s["test_hardest_token"] >= high}], caption="asserted")

# %% tags=["remove-input"]
results.record("03_hardest_token", {
    "graph": f"G({cfg.degree},{cfg.path_length})", "steps": m["steps"], "chance": chance,
    "in_weights_hardest_token": m["test_hardest_token"], "untrained_hardest_token": untrained,
    "in_context_hardest_token": ic.get("test_hardest_token"), "in_context_chance": ic.get("chance"),
    "in_context_first_hop_is_child": ic.get("test_first_hop_is_child"),
    "edge_phase_hardest_token": edge_phase_end["test_hardest_token"],
    "edge_phase_diagonal": edge_phase_end["leaf_first_hop_diagonal_accuracy"],
    "staged_hardest_token": s["test_hardest_token"], "staged_peak_hardest_token": staged_peak,
    "staged_steps": s["steps"]}, cfg.preset)
