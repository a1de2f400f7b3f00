"""geomem_nb: the computations behind the geomem book (graphs, tasks, models, trainer, metrics)."""
import importlib

__version__ = "0.1.0"
__all__ = ["graphs", "presets", "runtime", "env_line", "set_seed"]


def __getattr__(name):
    """Submodules and helpers load on first use, so that ``python -m geomem_nb`` can refuse a bad
    ``--out`` before torch is imported (seconds)."""
    if name in ("graphs", "presets", "runtime"):
        return importlib.import_module(f".{name}", __name__)
    if name in ("env_line", "set_seed"):
        return getattr(importlib.import_module(".runtime", __name__), name)
    raise AttributeError(f"module {__name__!r} has no attribute {name!r}")
