"""How our runs differ from the paper's training regime (Table 1 and App. B), built by code.

The paper's settings are data (``PAPER``: one dict per setting, with the section it comes from). Our
side is read from the presets (``presets.PRESETS``), the ``reproduce`` experiments at paper scale
(``reproduce.plan``) and the shipped runs (``results/*/metrics.json``, ``results/<scale>/*/metrics.json``).

``table()`` lines the two up, ``regime(metrics)`` states one saved run's regime in one line (for the
chapters to print next to its numbers), ``epochs(metrics)`` counts the epochs a run saw
(``set_epochs``: per example set), ``budget_rows()`` sets each paper-scale run's planned budget beside
the one it got, ``in_weights_rows()`` and ``tiny_rows()`` give the regimes of the chapter-level records
(the studies behind the verdicts), and ``html()`` renders the book's deviations page. Modules:
``paper`` (the paper's settings: data), ``configs`` (what a config is, its epochs), ``regime`` (one
config against the paper), ``budgets`` (planned vs actual budgets), ``chapters`` (the chapter
records), ``summary`` (the page's rows in brief), ``page`` (the tables and the page).

Epochs. The trainer draws every batch at random, with replacement, from all training examples at
once, each set (directed edges, training paths) in proportion to its size (``train.mix_counts``;
the authors' code likewise shuffles edges and paths into one dataset). One epoch here is therefore
one training set's worth of examples drawn: examples drawn / (directed edge examples + training path
examples), counting the examples each step really draws (packing rounds each set up to whole rows, so
a step can draw a few more than ``batch_size``). In expectation every example is then seen once per
epoch, edges and paths alike. An in-context run draws a fresh graph for every example: it has no fixed
training set, hence no epochs.
"""
from .budgets import budget_rows, why_stopped
from .chapters import in_weights_rows, paper_staged_lrs, schedule_text, tiny_rows
from .configs import epochs, family, graph_name, set_epochs, training_examples
from .page import html, html_escape, preset_configs, reproduce_configs, shipped_runs, table
from ..paper import FAMILIES, IN_CONTEXT, IN_WEIGHTS, ORDER, PAPER, paper, paper_text, sci
from .regime import differs, facts, regime

__all__ = ["budget_rows", "in_weights_rows", "schedule_text", "paper_staged_lrs", "tiny_rows", "why_stopped",
           "differs", "epochs", "facts", "FAMILIES", "family", "graph_name", "html", "html_escape", "IN_CONTEXT",
           "IN_WEIGHTS", "ORDER", "PAPER", "paper", "paper_text", "preset_configs", "regime", "reproduce_configs",
           "sci", "set_epochs", "shipped_runs", "table", "training_examples"]
