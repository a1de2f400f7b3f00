"""Shared measuring code for the speed benchmarks: the same trainer, padded vs packed vs bucketed, one process."""
from __future__ import annotations

import time
from dataclasses import replace

import torch

from geomem_nb.graphs import path_star
from geomem_nb.tasks import InWeightsTask
from geomem_nb.models import build
from geomem_nb.train import TrainConfig, make_layout, train

# Dense bf16 peak per GPU family (vendor datasheets), for model FLOP utilization.
PEAK_BF16 = {"H100": 989e12, "H200": 989e12, "A100": 312e12, "L4": 121e12, "A10": 125e12, "T4": 65e12}


def peak_flops(device: torch.device) -> float | None:
    if device.type != "cuda":
        return None
    name = torch.cuda.get_device_name(device)
    return next((v for k, v in PEAK_BF16.items() if k in name), None)


def setup(cfg):
    """Task and a fresh model for an in-weights config."""
    graph = path_star(cfg.degree, cfg.path_length, seed=cfg.seed)
    task = InWeightsTask(graph, cfg.pause_tokens, cfg.objective, cfg.edges)
    return task, cfg.net.config(task.vocab_size, task.block_size)


def step_speed(cfg, device, *, pack: bool = True, buckets: bool = False, compile: bool = False,
               cuda_graphs: bool = False, attention: str = "sdpa", steps: int = 100, warm: int = 20,
               batch_size: int | None = None) -> dict:
    """Steps/s, real tokens/s and model FLOP utilization of training steps (no evaluation)."""
    task, mcfg = setup(replace(cfg, attention=attention))
    torch.manual_seed(0)
    model = build(cfg.model, mcfg).to(device)
    sets = task.training_examples()
    batch = batch_size or cfg.batch_size
    tc = TrainConfig(steps=warm, batch_size=batch, lr=cfg.lr, warmup=5, eval_every=warm, pack=pack, buckets=buckets,
                     compile=compile, cuda_graphs=cuda_graphs)
    t0 = time.perf_counter()
    train(model, sets, tc, pad_id=task.token("[PAD]"), desc="warm-up")  # compile, autotuning
    warm_seconds = time.perf_counter() - t0
    r = train(model, sets, replace(tc, steps=steps, eval_every=steps), pad_id=task.token("[PAD]"), desc="timed")
    layout = make_layout(sets, tc, model, task.token("[PAD]"), device)
    sec = r.train_seconds / steps
    flops = (layout.real_tokens * model.flops_per_token(layout.T)
             + 6 * mcfg.width * mcfg.vocab_size * layout.num_targets)
    peak = peak_flops(device)
    return {"model": cfg.model, "pack": pack, "buckets": buckets, "compile": compile, "cuda_graphs": cuda_graphs, "attention": attention, "batch_size": batch, "steps_per_s": 1 / sec,
            "real_tokens_per_s": layout.real_tokens / sec, "row_tokens_per_step": layout.row_tokens,
            "real_tokens_per_step": layout.real_tokens, "model_tflops_per_s": flops / sec / 1e12,
            "mfu": flops / sec / peak if peak else None, "warmup_seconds": warm_seconds}
