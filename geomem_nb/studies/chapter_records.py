"""Which saved records each chapter reads, what it does without each, and the command that makes it.

Every chapter starts with ``announce(chapter)``: it says where the records are read from (the checkout,
the installed package, a folder, or none: ``GEOMEM_RESULTS=none``, the from-scratch mode) and, before
anything runs, lists each record that is not there with what the chapter does instead: it computes the
same thing here at the current preset, or it leaves that part out and names the (longer) run that makes
it, with what that run took when the shipped copy was made. So a reader never meets a silently emptier page. ``tests/test_chapter_records.py`` checks that the
list names every record the chapters load."""
from __future__ import annotations

from dataclasses import dataclass
from typing import Callable

from .. import results
from . import path_length_map
from ..checks import check_choice

@dataclass(frozen=True)
class Need:
    records: tuple    # record names under results/
    shows: str        # what the chapter shows from it
    without: str      # what the chapter does without it: "computed here" or what it leaves out
    command: str      # the command that makes it (its --out under a records folder; see announce)
    probe: Callable | None = None  # for a record of many runs: True when it is whole

    def present(self) -> bool:
        if self.probe:
            return bool(self.probe())
        return all(results.shipped(r) is not None for r in self.records)

    def cost(self) -> str:
        """What making it took when the shipped copy was made (from that copy's provenance, read even
        from scratch: only its seconds and device), or '' when there is no shipped copy."""
        root = results.records_root("")
        found = [] if root is None else [p for r in self.records for p in sorted((root / r).rglob("metrics.json"))]
        prov = [results.read_json(p).get("provenance", {}) for p in found]
        if not prov:
            return ""
        seconds = sum(p.get("seconds") or 0 for p in prov)
        devices = sorted({p.get("device", "?") for p in prov})
        what = "the shipped copy took" if len(prov) == 1 else f"the {len(prov)} shipped runs took, in all,"
        return f"{what} {seconds / 60:.0f} min on {', '.join(devices)}"


_M = "python -m geomem_nb"
_IC_PAPER = tuple(f"in-context-g{d}-5-{o}" for d in (2, 10, 20) for o in ("forward", "reverse"))
_IW_PAPER = ("in-weights-g5000-5", "in-weights-g10000-6", "in-weights-g10000-10")
_PAPER_IW = Need(_IW_PAPER, "the paper-scale in-weights runs (12-layer GPT, d = 5000 and 10,000)",
                 "left out (they need a GPU)", f"{_M} reproduce in-weights-g5000-5 --out results/in-weights-g5000-5 "
                 "(and in-weights-g10000-6, in-weights-g10000-10), on a GPU")
_TINY_SEEDS = Need(("cpu/05_tiny_seeds",), "the tiny-graph runs over seeds", "computed here at this preset",
                   f"{_M}.studies.tiny_graph_seeds --preset cpu --out results/cpu/05_tiny_seeds")
_IC_CONTROL = Need(("cpu/in-context-hardest-token",), "the in-context first-hop-only control",
                   "computed here at this preset", f"{_M} in-context --degree 2 --path-length 5 --objective "
                   "hardest-token --preset cpu --warm-start-steps 1500 --steps 3000 --out results/cpu/in-context-hardest-token")


def _iw(name: str, flags: str = "") -> str:
    return f"{_M} in-weights --preset cpu {flags}--out results/cpu/{name}"


NEEDS = {
    "01_in_context_path_star": [
        Need(("cpu/in-context-forward", "cpu/in-context-reverse"), "the chapter's forward and reversed runs, "
             "loaded at cpu rather than trained again", "trained here",
             f"{_M} in-context --degree 2 --path-length 5 --objective forward --preset cpu --out "
             "results/cpu/in-context-forward (and --objective reverse, --out results/cpu/in-context-reverse)"),
        _IC_CONTROL,
        Need(_IC_PAPER, "the paper-scale in-context runs (G(2,5), G(10,5), G(20,5))", "left out (they need a GPU)",
             f"{_M} reproduce in-context-g2-5-forward --out results/in-context-g2-5-forward (and the other "
             "in-context-g{2,10,20}-5-{forward,reverse}), on a GPU")],
    "02_in_weights_path_star": [
        Need(("cpu/02_learning_order",), "the C2 learning-order study over three seeds",
             "computed here at this preset, at the preset's learning rate only",
             f"{_M}.studies.learning_order --preset cpu --seeds 0 1 2 --out results/cpu/02_learning_order"),
        Need(("cpu/in-context-teacherless",), "the in-context teacherless contrast of C2", "left out",
             f"{_M} in-context --degree 2 --path-length 5 --objective teacherless --preset cpu --steps 3000 "
             "--eval-every 50 --eval-examples 500 --out results/cpu/in-context-teacherless"),
        Need(("cpu/in-weights", "cpu/in-weights-frozen"), "the chapter's two cpu runs (learned and frozen "
             "embeddings), loaded at cpu rather than trained again", "trained here",
             _iw("in-weights") + "; " + _iw("in-weights-frozen", "--freeze-embeddings ")),
        _PAPER_IW],
    "03_hardest_token": [Need(_IC_CONTROL.records, "chapter 01's in-context first-hop-only control, beside the "
                              "first hop in the weights", "left out here (chapter 01 trains it and asserts it)",
                              _IC_CONTROL.command)],
    "04_path_star_geometry": [],
    "05_tiny_graphs": [_TINY_SEEDS],
    "06_spectral_bias": [],
    "07_why_geometry": [
        Need(("cpu/in-weights", "cpu/in-weights-frozen"), "chapter 02's cpu runs (learned and frozen embeddings)",
             "left out", _iw("in-weights") + "; " + _iw("in-weights-frozen", "--freeze-embeddings ")),
        _TINY_SEEDS,
        Need(("cpu/07_knobs_width512",), "the knob table at the authors' width 512 and 10,000 steps (C12), "
             "beside this preset's table", "left out (the table at this preset's width is shown alone)",
             f"{_M}.studies.knob_table --preset cpu --width 512 --steps 10000 --seeds 7 0 1 --c12-rows "
             "--out results/cpu/07_knobs_width512")],
    "08_what_else_matters": [
        Need(("cpu/08_what_else_matters_seeds",), "the spread over three seeds of every variant",
             "computed here from cpu up (at ci: one seed, no spread shown)",
             f"{_M}.studies.what_else_matters --preset cpu --seeds 0 1 2 --out results/cpu/08_what_else_matters_seeds"),
        Need(("cpu/08_decisive_c17_c19",), "the decisive runs of C17-C19 over three seeds (the reverse-path "
             "diagnosis, pause tokens on a frontier cell, two phases at the paper's learning rates)",
             "left out (the sections say so; the claims page then reads the sweep alone)",
             f"{_M}.studies.edges_pauses_phases --preset cpu --seeds 0 1 2 --out results/cpu/08_decisive_c17_c19"),
        Need(("cpu/in-weights", "cpu/in-weights-mamba"), "Mamba against the GPT on chapter 02's cpu graph",
             "left out", _iw("in-weights") + "; " + _iw("in-weights-mamba", "--model mamba --steps 3000 ")),
        Need(("cpu/08_decisive_c20_c21",), "the decisive runs over three seeds: tree-star splits with enough "
             "training subtrees (C20), Mamba at its own lr and budget (C21)", "left out (the grid's own tree-star "
             "and Mamba runs are shown alone)",
             f"{_M}.studies.trees_and_mamba --preset cpu --seeds 1 2 3 --out results/cpu/08_decisive_c20_c21")],
    "09_path_length": [
        Need(("cpu/09_path_length",), "the cpu map over path length, degree and epochs, its knob runs and the "
             "recipe's reach", "left out (this preset's own map runs here: at ci two cells)",
             f"{_M}.studies.path_length_map --preset cpu --out results/cpu/09_path_length; the same with --knobs",
             lambda: path_length_map.shipped("cpu") and path_length_map.shipped("cpu", "knobs")),
        Need(("cpu/09_first_hop",), "the first-hop diagnosis of the frontier cells (where the wrong first "
             "hops land)", "left out", f"{_M}.studies.path_length_map --preset cpu --first-hop --out results/cpu/09_first_hop",
             lambda: path_length_map.shipped("cpu", "first-hop")),
        Need(("cpu/09_long_path",), "the long-path study: one knob at a time against the recipe at l = 7 over two "
             "seeds, and the cost curve", "left out (at ci its two cells run here)",
             f"{_M}.studies.path_length_map --preset cpu --frontier --out results/cpu/09_long_path",
             lambda: path_length_map.shipped("cpu", "frontier")),
        Need(("cpu/09_clock",), "the clock test: the cost curve at other lr × weight decay, two seeds each",
             "left out (at ci one short cell runs here)",
             f"{_M}.studies.path_length_map --preset cpu --clock --out results/cpu/09_clock",
             lambda: path_length_map.shipped("cpu", "clock", whole=False)),
        Need(("cpu/09_reach",), "the reach: l = 9 with the push's setting on two fresh seeds", "left out",
             f"{_M}.studies.path_length_map --preset cpu --reach --out results/cpu/09_reach",
             lambda: path_length_map.shipped("cpu", "reach", whole=False)),
        _PAPER_IW],
}


def chapter_needs(chapter: str) -> list[Need]:
    check_choice("chapter", chapter, NEEDS)
    return NEEDS[chapter]


def missing(chapter: str) -> list[Need]:
    return [n for n in chapter_needs(chapter) if not n.present()]


def announce(chapter: str) -> str:
    """The lines a chapter prints first: where its records come from and, for each one that is not there,
    what the chapter does instead and the command that makes it."""
    lines = [results.records_note()]
    for n in missing(chapter):
        cost = n.cost()
        cost = f" ({cost})" if cost else ""
        lines.append(f"  not here: {n.shows} -> {n.without}. Made by: {n.command}{cost}")
    if len(lines) > 1:
        lines.append("  (run from a checkout; elsewhere write under a folder F instead of results/ and set "
                     "GEOMEM_RESULTS=F)")
    elif NEEDS[chapter]:
        lines[0] += " (every record this chapter reads is here)"
    return "\n".join(lines)
