"""Where a training step's GPU time goes: torch.profiler over a few packed steps, top kernels.

    python benchmarks/profile_step.py [--batch-size 16384] [--steps 10]
"""
from __future__ import annotations

import argparse

import torch
from torch.profiler import ProfilerActivity, profile

from geomem_nb.reproduce import plan
from geomem_nb.runtime import device
from geomem_nb.train import TrainConfig, train

import sys
from pathlib import Path
sys.path.insert(0, str(Path(__file__).resolve().parent))
from common import setup  # noqa: E402
from geomem_nb.models import GPT  # noqa: E402


def main():
    ap = argparse.ArgumentParser()
    ap.add_argument("--batch-size", type=int, default=16384)
    ap.add_argument("--steps", type=int, default=10)
    args = ap.parse_args()
    cfg = plan("in-weights-g5000-5", "paper")[0]
    dev = device()
    task, mcfg = setup(cfg)
    model = GPT(mcfg).to(dev)
    sets = task.training_examples()
    tc = TrainConfig(steps=5, batch_size=args.batch_size, lr=cfg.lr, warmup=2, eval_every=5)
    train(model, sets, tc, pad_id=task.token("[PAD]"))
    acts = [ProfilerActivity.CPU] + ([ProfilerActivity.CUDA] if dev.type == "cuda" else [])
    with profile(activities=acts) as prof:
        train(model, sets, TrainConfig(steps=args.steps, batch_size=args.batch_size, lr=cfg.lr, warmup=2,
                                       eval_every=args.steps), pad_id=task.token("[PAD]"))
    key = "cuda_time_total" if dev.type == "cuda" else "cpu_time_total"
    print(prof.key_averages().table(sort_by=key, row_limit=18, max_name_column_width=60))


if __name__ == "__main__":
    main()
