"""The paper's training regime as data (Table 1 and App. B): one dict per setting, with the section it
comes from and, where the paper (or its authors' release) says so, why the setting matters; and how the
page prints the paper's values."""
from __future__ import annotations

from .checks import check_choice

IN_WEIGHTS, IN_CONTEXT = "in-weights", "in-context"
FAMILIES = (IN_WEIGHTS, IN_CONTEXT)

# The paper's graphs, in our naming (graph_name): Table 1.
_G_IW = ("G(5000,5)", "G(10000,6)", "G(10000,10)")
_G_IC = ("G(2,5)", "G(10,5)", "G(20,5)")

_EPOCHS = 50000  # §B.3: "we train all our models to 50,000 epochs"

# Why a setting may matter, only where the paper (or its authors' release) says the knob matters.
_LR_EFFECT = ("C12: lr (with weight decay and initialization) decides whether a model memorizes "
              "geometrically or associatively; v2 Fig. 22: lr 0.1 is 'too aggressive' for the geometry "
              "to form (tiny graphs). A larger lr is not a neutral speed-up.")
_EPOCH_EFFECT = ("§B.3: accuracy gains appear after 'a couple of thousand epochs'; §7 lists training time "
                 "among the settings that may decide which memory wins. A run that stops early sees its "
                 "memory at an earlier point of that competition.")
_STOP_EFFECT = ("C19 (§D.3): accuracy can peak and then fall ('momentarily, only to deteriorate'); a number "
                "taken at the first evaluation that reaches a target is selected on the leaves it reports "
                "and says nothing about what a longer run keeps.")

# The paper's settings. ``value``: a scalar, a tuple of allowed values, or a dict graph -> value (with
# "default" for the other graphs); None where the paper states none. ``text``: how the paper says it.
PAPER = (
    dict(key="graph", setting="graph", family=IN_WEIGHTS, value=_G_IW, source="Table 1",
         text="G(5000,5), G(10000,6), G(10000,10)"),
    dict(key="graph", setting="graph", family=IN_CONTEXT, value=_G_IC, source="Table 1",
         text="G(2,5), G(10,5), G(20,5)"),
    dict(key="lr", setting="peak learning rate", family=IN_WEIGHTS, value=5e-5, source="Table 1",
         effect=_LR_EFFECT),
    dict(key="lr", setting="peak learning rate", family=IN_CONTEXT, value=1e-4, source="Table 1",
         effect=_LR_EFFECT),
    dict(key="epochs", setting="epochs", family=IN_WEIGHTS, value=_EPOCHS, source="§B.3", text=f"{_EPOCHS:,} epochs",
         effect=_EPOCH_EFFECT),
    dict(key="epochs", setting="epochs", family=IN_CONTEXT, value=_EPOCHS, source="§B.3 (stated for all runs)",
         text=f"{_EPOCHS:,} epochs"),
    dict(key="batch", setting="batch size", family=None, value=(64, 128, 256, 512, 1024),
         source="§B.3 (swept)"),
    dict(key="layers", setting="layers", family=None, value=12, source="Table 1"),
    # Every Table 1 row named: a graph missing here would fall back on a row with its path length,
    # and in context all three graphs share l = 5 with two widths (384 for G(2,5) and G(10,5)).
    dict(key="width", setting="width", family=IN_WEIGHTS,
         value={"default": 384, "G(5000,5)": 384, "G(10000,6)": 384, "G(10000,10)": 784}, source="Table 1"),
    dict(key="width", setting="width", family=IN_CONTEXT,
         value={"default": 384, "G(2,5)": 384, "G(10,5)": 384, "G(20,5)": 784}, source="Table 1"),
    dict(key="heads", setting="heads", family=None, value=8, source="Table 1"),
    dict(key="pauses", setting="pause tokens", family=IN_WEIGHTS,
         value={"G(5000,5)": 5, "G(10000,6)": 6, "G(10000,10)": 10}, source="Table 1, §B.3",
         effect="C18 (§D.2): pause tokens 'reliably' boost exact match for a given training time; more "
                "pauses converge faster."),
    dict(key="pauses", setting="pause tokens", family=IN_CONTEXT, value=None, source="Table 1",
         text="not stated in the paper"),
    dict(key="positions", setting="positions", family=None, value="sinusoidal", source="§B.2.1",
         text="sinusoidal; the authors' code: a learned table"),
    dict(key="weight_decay", setting="weight decay", family=None, value=0.01, source="§B.3",
         text="AdamW, 0.01",
         effect="C12: weight decay is one of the knobs; in the authors' regularizer notebook it restores "
                "geometric memory on the 15-cycle. §7 lists it among the settings that may foster geometry."),
    dict(key="schedule", setting="lr schedule", family=None, value="cosine", source="§B.3",
         text="linear warm-up, then cosine decay (warm-up length not stated)"),
    dict(key="mix", setting="edges and paths", family=IN_WEIGHTS, value="mixed", source="§B.3, §D.3",
         text="interleaved in one training run",
         effect="C19 (§D.3): two-phase training (edges, then paths) is 'less stable': it peaks, then "
                "deteriorates."),
    dict(key="staged_lr", setting="two-phase peak learning rates", family=IN_WEIGHTS, value=(1e-2, 5e-5),
         source="§D.3", text="phase 1 (edges) 1e-2, then phase 2 (paths) 5e-5",
         effect="C19 (§D.3): the two-phase run peaks, then deteriorates; its phase-2 rate is 200 times below "
                "phase 1's, so a staged run at a higher phase-2 rate tests a different regime."),
    dict(key="edges", setting="edge directions", family=IN_WEIGHTS, value="both", source="§B.1, §D.1",
         text="both (forward and reverse)",
         effect="C17 (§D.1.1): with forward edges only the model fails forward path-finding; reverse edges "
                "are critical at scale."),
    dict(key="stopping", setting="stopping rule", family=None, value="none", source="§B.3",
         text=f"none: every run trained to {_EPOCHS:,} epochs", effect=_STOP_EFFECT),
    dict(key="seeds", setting="seeds", family=None, value=None, source="§B", text="not stated in the paper"),
)

ORDER = ("graph", "lr", "epochs", "batch", "layers", "width", "heads", "pauses", "positions",
          "weight_decay", "schedule", "mix", "edges", "stopping", "seeds")


def paper(key: str, family: str) -> dict | None:
    """The paper's setting ``key`` for ``family`` (in-weights or in-context), or None if it has none."""
    check_choice("family", family, FAMILIES)
    for p in PAPER:
        if p["key"] == key and p["family"] in (family, None):
            return p
    return None


# formatting ---------------------------------------------------------------------------------------
def sci(x: float) -> str:
    """5e-05 -> '5e-5', 0.00025 -> '2.5e-4'."""
    mant, exp = f"{x:.2e}".split("e")
    return f"{mant.rstrip('0').rstrip('.')}e{int(exp)}"


def num(x) -> str:
    if isinstance(x, float) and not x.is_integer():
        return sci(x) if x < 0.01 else f"{x:g}"
    return f"{int(x):,}"


def paper_text(p: dict) -> str:
    """The paper's value as the page prints it: from the data, never typed into the page."""
    if p.get("text"):
        return p["text"]
    v = p["value"]
    if isinstance(v, dict):
        rest = "; ".join(f"{num(x)} for {g}" for g, x in v.items() if g != "default" and x != v.get("default"))
        return f"{num(v['default'])}; {rest}" if "default" in v else rest
    if isinstance(v, tuple):
        return "{" + ", ".join(str(x) for x in v) + "}"
    if isinstance(v, float) and v < 0.01:
        return sci(v)
    return num(v) if isinstance(v, (int, float)) else str(v)
