"""Evaluation: greedy decoding, exact match, per-position and teacher-forced accuracy, edge recovery.

Positions are 1-indexed in reports: position 1 is the root, position 2 the first hop after the root
(the hardest token), position l the leaf.
"""
from __future__ import annotations

import numpy as np
import torch

CHUNK = 4096


@torch.no_grad()
def greedy_decode(model, prompts: torch.Tensor, length: int, chunk: int = CHUNK) -> torch.Tensor:
    """Greedy (argmax over the whole vocabulary) continuation of each prompt, (n, length)."""
    outs = []
    for rows in prompts.split(chunk):
        seq = rows
        for _ in range(length):
            nxt = model.next_token_logits(seq).argmax(-1, keepdim=True)
            seq = torch.cat([seq, nxt], dim=1)
        outs.append(seq[:, rows.shape[1]:])
    return torch.cat(outs)


@torch.no_grad()
def teacher_forced(model, prompts: torch.Tensor, targets: torch.Tensor, chunk: int = CHUNK) -> torch.Tensor:
    """Argmax prediction of each target token given the prompt and the *true* earlier targets."""
    outs = []
    k = prompts.shape[1]
    for p, t in zip(prompts.split(chunk), targets.split(chunk)):
        h = model(torch.cat([p, t[:, :-1]], dim=1))[:, k - 1:]
        outs.append(model.logits(h).argmax(-1))
    return torch.cat(outs)


def path_accuracy(pred: torch.Tensor, true: torch.Tensor) -> dict:
    """Exact match over whole paths and accuracy at each position."""
    correct = (pred == true)
    return {"exact_match": correct.all(1).float().mean().item(),
            "per_position": correct.float().mean(0).tolist()}


@torch.no_grad()
def edge_scores(model, edge_token: int, nodes: torch.Tensor, num_nodes: int, chunk: int = CHUNK) -> torch.Tensor:
    """Next-token logits over node ids for the prompts ``[EDGE] u``, (len(nodes), num_nodes)."""
    outs = []
    for u in nodes.split(chunk):
        prompt = torch.stack([torch.full_like(u, edge_token), u], dim=1)
        outs.append(model.next_token_logits(prompt)[:, :num_nodes].float())
    return torch.cat(outs)


def first_crossing(history: list, key: str = "test_per_position", level: float = 0.5) -> list:
    """From an evaluation history: the step at which each target position first reaches ``level``
    (None where it never does)."""
    rows = [h for h in history if h.get(key)]
    steps = np.array([h["step"] for h in rows])
    acc = np.array([h[key] for h in rows])
    return [int(steps[np.argmax(acc[:, j] >= level)]) if (acc[:, j] >= level).any() else None
            for j in range(acc.shape[1])]
