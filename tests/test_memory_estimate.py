"""geomem_nb.memory_estimate: a run that cannot fit is refused up front, and every preset fits."""
import time

import pytest
import torch

from geomem_nb import experiments, memory_estimate, presets
from geomem_nb import reproduce as rep

@pytest.mark.parametrize("override", [dict(width=2**20, heads=4), dict(degree=10**12)])
def test_memory_check_refuses_an_impossible_run_within_a_second(override):
    cfg = presets.config("in-weights", "ci", **override)
    memory_estimate.model_params("gpt", 8, 8, 1, 8, 2)  # torch's one-time set-up of the meta device (seconds)
    t0 = time.perf_counter()
    with pytest.raises(ValueError, match=r"memory: this run needs about .* but the device has"):
        experiments.in_weights(cfg)
    assert time.perf_counter() - t0 < 1


def test_memory_check_passes_every_preset():
    limit = memory_estimate.memory_limit(torch.device("cpu"))
    for kind in ("in-weights", "in-weights-small", "in-context"):
        for preset in ("ci", "cpu"):
            memory_estimate.check_memory(presets.config(kind, preset).validate().memory_estimate(), torch.device("cpu"), limit)
    # The paper's largest runs fit an H200's 141 GB.
    for name in presets.PAPER_RUNS:
        assert sum(rep.plan(name, "paper")[0].memory_estimate().values()) < 100e9, name
