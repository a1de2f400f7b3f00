"""Checks made before any work starts, and result sets written so that nothing is lost or clobbered.

* ``outputs``: ``check_outputs`` (``out`` and the checkpoint folder must be folders we can create and
  write; ``out`` must not already hold a finished run, unless ``overwrite`` or ``resume``, nor other
  files), ``clean_leftovers`` (what a killed run left behind), ``preflight`` (both, on a command line).
* ``atomic``: ``write_set`` writes every file of a run into a temporary folder beside ``out``
  (``metrics.json``, the file that says "finished", last), then one atomic exchange puts it in place.
* ``resume``: ``run_identity`` / ``check_same_run``, what a checkpoint must agree on before ``resume``
  continues it.

The memory estimate, which builds the model to count its parameters, sits a floor higher
(``geomem_nb.memory_estimate``); this package imports nothing heavy, so that ``python -m geomem_nb``
refuses a bad ``--out`` before torch loads.
"""
from .atomic import save_json, save_npy, save_npz, write_set
from .outputs import RESULT_FILES, check_folder, check_outputs, clean_leftovers, preflight
from .resume import RUNTIME_ONLY, check_same_run, graph_hash, run_identity

__all__ = ["RESULT_FILES", "RUNTIME_ONLY", "check_folder", "check_outputs", "check_same_run", "clean_leftovers",
           "graph_hash", "preflight", "run_identity", "save_json", "save_npy", "save_npz", "write_set"]
