"""Which saved records each chapter reads, what it does without each, and the command that makes it.

Every chapter starts with ``announce(chapter)``: it says where the records are read from (the checkout,
the installed package, a folder, or none: ``GEOMEM_RESULTS=none``, the from-scratch mode) and, before
anything runs, lists each record that is not there with what the chapter does instead: it computes the
same thing here at the current preset, or it leaves that part out and names the (longer) run that makes
it. So a reader never meets a silently emptier page. ``tests/test_chapter_records.py`` checks that the
list names every record the chapters load."""
from __future__ import annotations

from dataclasses import dataclass
from typing import Callable

from . import results, sweep
from .checks import check_choice

GPU = "a GPU run"


@dataclass(frozen=True)
class Need:
    records: tuple    # record names under results/ (one is enough when ``any_of``)
    shows: str        # what the chapter shows from it
    without: str      # what the chapter does without it: "computed here" or what it leaves out
    command: str      # the command that makes it
    cost: str = ""    # how long that command takes, where known
    probe: Callable | None = None  # for a record of many runs: True when it is whole

    def present(self) -> bool:
        if self.probe:
            return bool(self.probe())
        return all(results.shipped(r) is not None for r in self.records)


_IC_PAPER = tuple(f"in-context-g{d}-5-{o}" for d in (2, 10, 20) for o in ("forward", "reverse"))
_IW_PAPER = ("in-weights-g5000-5", "in-weights-g10000-6", "in-weights-g10000-10")
_MAKE = "bash results/make_records.sh "  # a group of make records, in a checkout
_PAPER_IW = Need(_IW_PAPER, "the paper-scale in-weights runs (12-layer GPT, d = 5000 and 10,000)",
                 "left out (they need a GPU)", "python -m geomem_nb reproduce in-weights-g5000-5 (and -g10000-6, "
                 "-g10000-10)", GPU + " of 2-9 minutes each on one H200")
_CPU_RUNS = Need(("cpu/in-weights", "cpu/in-weights-frozen"), "chapter 02's cpu runs (learned and frozen embeddings)",
                 "left out", "python -m geomem_nb in-weights --preset cpu [--freeze-embeddings] "
                 "--out results/cpu/in-weights[-frozen]", "about 3 minutes each on one core")

NEEDS = {
    "01_in_context_path_star": [
        Need(("cpu/in-context-hardest-token",), "the first-hop-only control", "computed here at this preset",
             _MAKE + "runs"),
        Need(_IC_PAPER, "the paper-scale in-context runs (G(2,5), G(10,5), G(20,5))", "left out (they need a GPU)",
             "python -m geomem_nb reproduce in-context-g2-5-forward (any of in-context-g{2,10,20}-5-{forward,reverse})",
             GPU + " of 5 minutes each on one H200")],
    "02_in_weights_path_star": [
        Need(("cpu/02_learning_order",), "the C2 learning-order study over three seeds (cpu and up)",
             "computed here at this preset (three seeds; at ci it always runs here)", _MAKE + "learning_order",
             "about 10 minutes on one core at cpu"),
        Need(("cpu/in-context-teacherless",), "the in-context teacherless contrast of C2", "left out",
             _MAKE + "runs", "about 5 minutes on one core"),
        Need(("cpu/in-weights-frozen",), "the frozen-embedding control trained until it fits its training paths "
             "(C4's assert)", "at ci the live control is too short to fit them: C4 is shown, not asserted; from "
             "cpu up the live control is asserted", "python -m geomem_nb in-weights --preset cpu --freeze-embeddings "
             "--out results/cpu/in-weights-frozen", "about 3 minutes on one core"),
        _PAPER_IW],
    "03_hardest_token": [
        Need(("cpu/in-context-hardest-token",), "the in-context first-hop-only control", "computed here at this preset",
             _MAKE + "runs")],
    "04_path_star_geometry": [],
    "05_tiny_graphs": [
        Need(("cpu/05_tiny_seeds",), "the tiny-graph runs over seeds", "computed here at this preset",
             _MAKE + "tiny", "about 15 minutes on one core")],
    "06_spectral_bias": [],
    "07_why_geometry": [
        _CPU_RUNS,
        Need(("cpu/05_tiny_seeds",), "the tiny-graph runs over seeds", "computed here at this preset",
             _MAKE + "tiny", "about 15 minutes on one core")],
    "08_what_else_matters": [
        Need(("cpu/08_what_else_matters_seeds",), "the spread over three seeds of every variant",
             "computed here from cpu up (at ci: one seed, no spread shown)", _MAKE + "variant_seeds",
             "about 25 minutes on one core"),
        Need(("cpu/in-weights", "cpu/in-weights-mamba"), "Mamba against the GPT on chapter 02's cpu graph",
             "left out", "python -m geomem_nb in-weights --preset cpu [--model mamba --steps 3000] "
             "--out results/cpu/in-weights[-mamba]", "about 3 and 10 minutes on one core")],
    "09_path_length": [
        Need(("cpu/09_path_length",), "the cpu map over path length, degree and epochs, its knob runs and the "
             "recipe's reach", "left out (the map at this preset runs here: at ci two cells)",
             _MAKE + "path_length_map path_length_knobs", "about 2.5 hours on one core",
             lambda: sweep.shipped("cpu") and sweep.shipped("cpu", knobs=True)),
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
        cost = f"; {n.cost}" if n.cost else ""
        lines.append(f"  not here: {n.shows} -> {n.without}. Made by: {n.command}{cost}")
    if len(lines) == 1 and NEEDS[chapter]:
        lines[0] += " (every record this chapter reads is here)"
    return "\n".join(lines)
