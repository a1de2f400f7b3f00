"""The experiments wing: each experiment's config, preset table and runner, on one shared base.

* ``base``: the run settings (a held ``TrainConfig`` and ``NetConfig``), the flat override path
  (``with_``), ``RunResult``, and the run skeleton with the one ``save``;
* ``in_weights`` (+ ``in_weights_eval``): one graph in the weights (chapters 02-04, 08);
* ``in_context``: fresh graphs in the prompt (chapter 01);
* ``tiny`` (+ ``tiny_config``, ``tiny_measures``): tiny-graph edge memorization (chapters 05-07);
  ``tiny_knobs``: chapter 07's knob table over seeds.

``experiments.in_weights(cfg)``, ``experiments.in_context(cfg)`` and ``experiments.tiny(cfg)`` run
one experiment; the named presets of every experiment are collected in ``geomem_nb.presets``."""
from .base import NetConfig, RunResult, RunSettings, recorded
from .in_context import InContextConfig, in_context
from .in_weights import InWeightsConfig, in_weights
from .tiny import TinyResult, tiny, tiny_sweep
from .tiny_config import TinyConfig

__all__ = ["NetConfig", "RunResult", "RunSettings", "recorded", "InContextConfig", "in_context", "InWeightsConfig", "in_weights",
           "TinyConfig", "TinyResult", "tiny", "tiny_sweep"]
