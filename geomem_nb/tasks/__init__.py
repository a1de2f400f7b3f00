"""Token layouts and example sets for the paper's tasks."""
from .examples import Examples
from .in_weights import InWeightsTask

__all__ = ["Examples", "InWeightsTask"]
