"""The one-layer bilinear network of the tiny-graph experiments.

A tied embedding table E (one row per token) and one linear map (W, b), no nonlinearity, no
attention, residual, LayerNorm or positions: the logits of token u are

    logits(u) = E (W e_u + b)

With E frozen at its random initialization only W and b learn: a purely associative memory
(``freeze_embeddings``). The interface matches ``GPT`` (hidden states from ``forward``, ``logits``
applies the tied unembedding), so the same trainer trains both.
"""
from __future__ import annotations

import torch.nn as nn

from .gpt import GPT

INIT_STD = 0.02  # N(0, 0.02) for E and W, zero bias (as for the GPT)


class Bilinear(nn.Module):
    def __init__(self, vocab_size: int, width: int, init_std: float = INIT_STD):
        super().__init__()
        for name, value in (("vocab_size", vocab_size), ("width", width)):
            if isinstance(value, bool) or not isinstance(value, int) or value < 1:
                raise ValueError(f"{name} must be a positive integer, got {value!r}")
        self.tok = nn.Embedding(vocab_size, width)
        self.linear = nn.Linear(width, width)
        nn.init.normal_(self.tok.weight, 0.0, init_std)
        nn.init.normal_(self.linear.weight, 0.0, init_std)
        nn.init.zeros_(self.linear.bias)

    # The tied read-out is the GPT's: the same ``tok`` table, hidden states from ``forward``.
    token_embeddings = GPT.token_embeddings
    logits = GPT.logits
    next_token_logits = GPT.next_token_logits

    def freeze_embeddings(self) -> None:
        """The associative control: E stays at its random init; only W and b learn."""
        self.tok.weight.requires_grad_(False)

    def forward(self, idx, pos=None, attn_mask=None):
        """Hidden states W e_u + b for every token (positions and masks play no part)."""
        return self.linear(self.tok(idx))
