"""The one-layer bilinear network of the tiny-graph experiments.

A tied embedding table E (one row per token) and one linear map (W, b), no nonlinearity, no
attention, residual, LayerNorm or positions: the logits of token u are

    logits(u) = E (W e_u + b)

With E frozen at its random initialization only W and b learn: a purely associative memory
(``freeze_embeddings``). The interface matches ``GPT`` (hidden states from ``forward``, ``logits``
applies the tied unembedding), so the same trainer trains both.

Knobs for the regularizer experiments (chapter 07), all off by default: ``embed_std`` (the init
scale of E, and of U when untied; 1.0 is the authors' "non_geometric" unit-normal init), ``dropout``
on the hidden state W e_u + b (where the authors' NN applies it), and ``tied=False``: a separate
output table U, logits(u) = U (W e_u + b).
"""
from __future__ import annotations

import math

import torch.nn as nn

from .gpt import GPT

INIT_STD = 0.02  # N(0, 0.02) for E and W, zero bias (as for the GPT)


class Bilinear(nn.Module):
    def __init__(self, vocab_size: int, width: int, init_std: float = INIT_STD, embed_std: float | None = None,
                 dropout: float = 0.0, tied: bool = True):
        super().__init__()
        for name, value in (("vocab_size", vocab_size), ("width", width)):
            if isinstance(value, bool) or not isinstance(value, int) or value < 1:
                raise ValueError(f"{name} must be a positive integer, got {value!r}")
        embed_std = init_std if embed_std is None else embed_std
        for name, value in (("init_std", init_std), ("embed_std", embed_std)):
            if isinstance(value, bool) or not isinstance(value, (int, float)) or not 0 < value < math.inf:
                raise ValueError(f"{name} must be a positive number, got {value!r}")
        if isinstance(dropout, bool) or not isinstance(dropout, (int, float)) or not 0 <= dropout < 1:
            raise ValueError(f"dropout must be a number in [0, 1), got {dropout!r}")
        if not isinstance(tied, bool):
            raise ValueError(f"tied must be True or False, got {tied!r}")
        self.tok = nn.Embedding(vocab_size, width)
        self.linear = nn.Linear(width, width)
        nn.init.normal_(self.tok.weight, 0.0, embed_std)
        nn.init.normal_(self.linear.weight, 0.0, init_std)
        nn.init.zeros_(self.linear.bias)
        self.drop = nn.Dropout(dropout)
        self.tied = tied
        self.head = None
        if not tied:  # created last, so a tied model draws exactly the same random numbers as before
            self.head = nn.Linear(width, vocab_size, bias=False)
            nn.init.normal_(self.head.weight, 0.0, embed_std)

    # The tied read-out is the GPT's: the same ``tok`` table, hidden states from ``forward``.
    token_embeddings = GPT.token_embeddings
    next_token_logits = GPT.next_token_logits

    @property
    def output_embeddings(self):
        """The read-out table: E itself when tied, U when untied."""
        return self.tok.weight if self.head is None else self.head.weight

    def logits(self, hidden):
        return hidden @ self.output_embeddings.t()

    def freeze_embeddings(self) -> None:
        """The associative control: E (and U when untied) stays at its random init; only W and b learn."""
        self.tok.weight.requires_grad_(False)
        if self.head is not None:
            self.head.weight.requires_grad_(False)

    def forward(self, idx, pos=None, attn_mask=None):
        """Hidden states W e_u + b for every token, with dropout when training (positions and masks
        play no part)."""
        return self.drop(self.linear(self.tok(idx)))
