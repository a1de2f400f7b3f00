"""What the sequence models share: their configuration and ``TiedLM``, the tied-embedding base class.

``ModelConfig`` is the shape of a model (vocabulary, longest row, layers, width, and for the GPT the
attention heads and kernel); every model is built from one. ``TiedLM`` holds a token table ``tok``
that is also the output layer: ``forward`` returns hidden states and ``logits`` applies the tied
unembedding, so a trainer can score only the positions that carry a target.
"""
from __future__ import annotations

from dataclasses import dataclass

import torch
import torch.nn as nn

from ..checks import check_choice, check_int

INIT_STD = 0.02  # nanoGPT-style N(0, 0.02) for every Linear and Embedding weight, zero biases
ATTENTION = ("sdpa", "math")  # the GPT's attention kernels (see ``gpt.math_attention``)


@dataclass
class ModelConfig:
    vocab_size: int
    block_size: int
    layers: int = 2
    width: int = 128
    heads: int = 4            # GPT only (Mamba has none; pass 1)
    attention: str = "sdpa"   # GPT only: "sdpa" (fused kernels) or "math" (explicit; fast for short masked rows)

    def __post_init__(self):
        for name in ("vocab_size", "block_size", "layers", "width", "heads"):
            check_int(name, getattr(self, name), 1)
        if self.width % self.heads:
            raise ValueError(f"width ({self.width}) must be divisible by heads ({self.heads})")
        check_choice("attention", self.attention, ATTENTION)


class TiedLM(nn.Module):
    """A token table ``tok`` that is also the output layer, N(0, 0.02) init of Linear and Embedding
    weights, logits only where asked for. ``embedding_weights`` lists the tables that the associative
    control freezes and that ``num_params`` leaves out."""

    def __init__(self, vocab_size: int, width: int):
        super().__init__()
        self.tok = nn.Embedding(vocab_size, width)  # tied: also the output layer; created first

    @staticmethod
    def _init(m):
        if isinstance(m, (nn.Linear, nn.Embedding)):
            nn.init.normal_(m.weight, 0.0, INIT_STD)
        if isinstance(m, nn.Linear) and m.bias is not None:
            nn.init.zeros_(m.bias)

    @property
    def token_embeddings(self) -> torch.Tensor:
        return self.tok.weight

    @property
    def output_embeddings(self) -> torch.Tensor:
        """The read-out table: the token table itself (tied)."""
        return self.tok.weight

    def embedding_weights(self) -> list:
        return [self.tok.weight]

    def logits(self, hidden):
        return hidden @ self.output_embeddings.t()

    def next_token_logits(self, idx):
        """Logits for the token after the last position of each row."""
        return self.logits(self(idx)[:, -1])

    def freeze_embeddings(self) -> None:
        """The associative control: the embedding tables stay at their random init."""
        for w in self.embedding_weights():
            w.requires_grad_(False)

    def num_params(self, embeddings: bool = False) -> int:
        n = sum(p.numel() for p in self.parameters())
        return n if embeddings else n - sum(w.numel() for w in self.embedding_weights())

    def check_length(self, idx) -> None:
        if idx.shape[1] > self.cfg.block_size:
            raise ValueError(f"sequence length {idx.shape[1]} exceeds block_size {self.cfg.block_size}")
