"""geomem_nb: the computations behind the geomem book (graphs, tasks, models, trainer, metrics)."""
from . import graphs, presets, runtime
from .runtime import env_line, set_seed

__version__ = "0.1.0"
__all__ = ["graphs", "presets", "runtime", "env_line", "set_seed"]
