"""What a saved config is (in-weights, in-context, or neither), its graph's name, and how many epochs
an in-weights run saw (see the package docstring for how epochs are counted)."""
from __future__ import annotations

from functools import lru_cache

from ..experiments import InWeightsConfig
from ..paper import IN_CONTEXT, IN_WEIGHTS

def family(config: dict) -> str | None:
    """in-context (labels in the prompt), in-weights (pause tokens after a leaf), or None (tiny graphs)."""
    if "num_labels" in config:
        return IN_CONTEXT
    if "pause_tokens" in config:
        return IN_WEIGHTS
    return None


def graph_name(config: dict) -> str:
    tree = config.get("graph") == "tree-star"
    return f"{'T' if tree else 'G'}({config['degree']},{config['path_length']})"


@lru_cache(maxsize=64)
def _draws(items: tuple) -> tuple:
    """``InWeightsConfig.example_draws`` of a saved config (cached: the page asks for many)."""
    return InWeightsConfig.from_record(dict(items)).example_draws()


def training_examples(config: dict) -> dict:
    """Distinct training examples of an in-weights config, per set: {"edges": n, "paths": n}."""
    if family(config) != IN_WEIGHTS:
        raise ValueError("config must be an in-weights config (an in-context run draws a fresh graph "
                         "for every example: it has no fixed training set)")
    return {name: n for phase in _draws(_key(config)) for name, n, _ in phase}


def _key(config: dict) -> tuple:
    return tuple(sorted((k, v) for k, v in config.items() if not isinstance(v, (list, dict))))


def _phase_steps(config: dict, steps: int) -> list[int]:
    if config.get("schedule", "mixed") == "staged":
        first = min(steps, config["edge_steps"])
        return [first, steps - first]
    return [steps]


def _drawn(metrics: dict) -> dict:
    """Examples a saved in-weights run drew from each set over its steps: {"edges": n, "paths": n}."""
    config, steps = config_steps(metrics)
    if family(config) != IN_WEIGHTS:
        raise ValueError("metrics must come from an in-weights run: an in-context run draws a fresh graph "
                         "for every example, so it has no epochs")
    drawn = {}
    for n, phase in zip(_phase_steps(config, steps), _draws(_key(config))):
        for name, _, per_step in phase:
            drawn[name] = drawn.get(name, 0) + n * per_step
    return drawn


def epochs(metrics: dict) -> float:
    """Epochs a saved in-weights run saw: examples drawn / distinct training examples (directed edge
    examples + training paths; see the module docstring). ``metrics`` needs ``config`` and ``steps``."""
    return sum(_drawn(metrics).values()) / sum(training_examples(metrics["config"]).values())


def set_epochs(metrics: dict) -> dict:
    """The epochs each example set of a saved in-weights run saw, {"edges": e, "paths": e}: they differ
    when the mix is not in proportion to the set sizes (``path_share``) or the run is staged."""
    drawn = _drawn(metrics)
    distinct = training_examples(metrics["config"])
    return {name: n / distinct[name] for name, n in drawn.items()}


def config_steps(metrics: dict):
    if not isinstance(metrics, dict) or "config" not in metrics:
        raise ValueError("metrics must be a saved run's metrics dict, with 'config' and 'steps'")
    steps = metrics.get("steps")
    if isinstance(steps, bool) or not isinstance(steps, int) or steps < 0:
        raise ValueError(f"metrics['steps'] must be an integer >= 0, got {steps!r}")
    return metrics["config"], steps


# one config's regime, setting by setting ------------------------------------------------------------
def planned_steps(config: dict) -> int:
    """Steps a config plans: a staged run's edge phase comes on top of ``steps``."""
    return config["steps"] + (config["edge_steps"] if config.get("schedule") == "staged" else 0)
