"""An estimate of the memory a run needs (embedding table, other parameters, optimizer state,
activations at the batch size, evaluation, graph), made from the sizes alone, against what the device
has: a run that cannot fit is refused before it starts."""
from __future__ import annotations

import os

import torch

from .evaluate import CHUNK
from .models import ModelConfig, build

FLOAT = 4  # bytes: parameters, optimizer state and activations are counted in fp32 (CPU; bf16 on CUDA is less)
ACTIVATION_FLOATS = {"gpt": 20, "mamba": 48}  # floats kept per token, layer and unit of width (training)


def _gb(n: float) -> str:
    if n >= 1e12:
        return f"{n / 1e12:,.0f} TB"
    return f"{n / 1e9:.1f} GB" if n >= 1e8 else f"{n / 1e6:.0f} MB"


def model_params(model: str, vocab: int, block: int, layers: int, width: int, heads: int) -> int:
    """The exact parameter count, from the model built on the ``meta`` device (no memory)."""
    try:
        with torch.device("meta"):
            m = build(model, ModelConfig(vocab, block, layers, width, heads))
        return sum(p.numel() for p in m.parameters())
    except Exception:  # an estimate is enough: the GPT's count
        return vocab * width + block * width + layers * (12 * width * width + 13 * width) + 2 * width


def estimate_sequence_model(model, vocab, block, layers, width, heads, batch_size, targets_per_row,
                            frozen_embeddings, graph_bytes, eval_rows, path_length) -> dict:
    """Bytes by part for training a sequence model (GPT or Mamba) on rows of ``block`` tokens."""
    params = model_params(model, vocab, block, layers, width, heads)
    embedding = vocab * width
    trainable = params - (embedding if frozen_embeddings else 0)
    tokens = batch_size * block  # an upper bound: packed rows carry no more tokens than padded ones
    per_token = ACTIVATION_FLOATS.get(model, 48) * width * layers + 2 * heads * block * layers
    targets = batch_size * targets_per_row
    rows = min(eval_rows, CHUNK)
    return {
        "embedding table": FLOAT * embedding,
        "other parameters": FLOAT * (params - embedding),
        "gradients and optimizer state": 3 * FLOAT * trainable,  # grad, Adam's two moments
        "activations": FLOAT * (tokens * per_token + 3 * targets * vocab),  # + logits, softmax, their grad
        "evaluation": FLOAT * rows * (2 * vocab + (block + path_length) * width * 8),
        "graph": graph_bytes,
    }


def memory_limit(device) -> tuple[int, str]:
    """(bytes, what) the run may use: free memory on a CUDA device, available RAM on a CPU."""
    if device.type == "cuda":
        free, _ = torch.cuda.mem_get_info(device)
        return int(free), f"free on {torch.cuda.get_device_name(device)}"
    try:
        with open("/proc/meminfo") as f:
            info = dict(line.split(":", 1) for line in f)
        return int(info["MemAvailable"].split()[0]) * 1024, "RAM available"
    except (OSError, KeyError, ValueError):
        return os.sysconf("SC_PAGE_SIZE") * os.sysconf("SC_PHYS_PAGES"), "RAM"


def check_memory(parts: dict, device, limit: tuple[int, str] | None = None) -> int:
    """Refuse a run whose estimate exceeds the device's memory, in one line (the estimate by part and
    the limit); ``--no-memory-check`` skips this. Returns the estimate."""
    total = sum(parts.values())
    limit, what = memory_limit(device) if limit is None else limit
    if total > limit:
        big = sorted(parts.items(), key=lambda kv: -kv[1])[:3]
        raise ValueError(f"memory: this run needs about {_gb(total)} ({', '.join(f'{k} {_gb(v)}' for k, v in big)}) "
                         f"but the device has {_gb(limit)} {what}; use a smaller graph, width, layers or batch size, "
                         "or --no-memory-check to try anyway")
    return total
