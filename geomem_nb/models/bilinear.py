"""The one-layer bilinear network of the tiny-graph experiments.

A tied embedding table E (one row per token) and one linear map (W, b), no nonlinearity, no
attention, residual, LayerNorm or positions: the logits of token u are

    logits(u) = E (W e_u + b)

With E frozen at its random initialization only W and b learn: a purely associative memory
(``freeze_embeddings``). A ``base.TiedLM`` like the GPT (hidden states from ``forward``, ``logits``
applies the tied unembedding), so the same trainer trains both.

Knobs for the regularizer experiments (chapter 07), all off by default: ``embed_std`` (the init
scale of E, and of U when untied; 1.0 is the authors' "non_geometric" unit-normal init), ``dropout``
on the hidden state W e_u + b (where the authors' NN applies it), and ``tied=False``: a separate
output table U, logits(u) = U (W e_u + b).
"""
from __future__ import annotations

import torch.nn as nn

from ..checks import check_int, positive_number
from .base import INIT_STD, TiedLM  # N(0, 0.02) for E and W, zero bias (as for the GPT)


class Bilinear(TiedLM):
    def __init__(self, vocab_size: int, width: int, init_std: float = INIT_STD, embed_std: float | None = None,
                 dropout: float = 0.0, tied: bool = True):
        check_int("vocab_size", vocab_size, 1)
        check_int("width", width, 1)
        embed_std = init_std if embed_std is None else embed_std
        positive_number("init_std", init_std)
        positive_number("embed_std", embed_std)
        if isinstance(dropout, bool) or not isinstance(dropout, (int, float)) or not 0 <= dropout < 1:
            raise ValueError(f"dropout must be a number in [0, 1), got {dropout!r}")
        if not isinstance(tied, bool):
            raise ValueError(f"tied must be True or False, got {tied!r}")
        super().__init__(vocab_size, width)
        self.linear = nn.Linear(width, width)
        nn.init.normal_(self.tok.weight, 0.0, embed_std)
        nn.init.normal_(self.linear.weight, 0.0, init_std)
        nn.init.zeros_(self.linear.bias)
        self.drop = nn.Dropout(dropout)
        self.tied = tied
        self.head = None
        if not tied:  # created last, so tied and untied models draw the same E and W
            self.head = nn.Linear(width, vocab_size, bias=False)
            nn.init.normal_(self.head.weight, 0.0, embed_std)

    @property
    def output_embeddings(self):
        """The read-out table: E itself when tied, U when untied."""
        return self.tok.weight if self.head is None else self.head.weight

    def embedding_weights(self) -> list:
        """E (and U when untied): the associative control freezes them, so only W and b learn."""
        return [self.tok.weight] + ([] if self.head is None else [self.head.weight])

    def forward(self, idx, pos=None, attn_mask=None):
        """Hidden states W e_u + b for every token, with dropout when training (positions and masks
        play no part)."""
        return self.drop(self.linear(self.tok(idx)))
