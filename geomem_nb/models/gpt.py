"""A small GPT: pre-LayerNorm blocks, learned positions, tied input/output embeddings,
``scaled_dot_product_attention``. The model returns hidden states; ``logits`` applies the tied
unembedding, so a trainer can score only the positions that carry a target."""
from __future__ import annotations

from dataclasses import dataclass

import torch
import torch.nn as nn
import torch.nn.functional as F

from ..checks import check_choice

INIT_STD = 0.02  # nanoGPT-style N(0, 0.02) for every Linear and Embedding, positions included


@dataclass
class GPTConfig:
    vocab_size: int
    block_size: int
    layers: int = 2
    width: int = 128
    heads: int = 4
    attention: str = "sdpa"   # "sdpa" (fused kernels) or "math" (explicit; fast for short masked rows)

    def __post_init__(self):
        for name in ("vocab_size", "block_size", "layers", "width", "heads"):
            value = getattr(self, name)
            if not isinstance(value, int) or value < 1:
                raise ValueError(f"{name} must be a positive integer, got {value!r}")
        if self.width % self.heads:
            raise ValueError(f"width ({self.width}) must be divisible by heads ({self.heads})")
        check_choice("attention", self.attention, ATTENTION)


ATTENTION = ("sdpa", "math")


def math_attention(q, k, v, attn_mask=None):
    """Softmax attention written out. For rows of a dozen tokens with a block-diagonal mask, the
    fused kernels pay more for the mask than for the arithmetic; these few ops fuse well under
    ``torch.compile``."""
    t = q.shape[-2]
    if attn_mask is None:
        attn_mask = torch.ones(t, t, dtype=torch.bool, device=q.device).tril()
    att = (q @ k.transpose(-2, -1)) * (q.shape[-1] ** -0.5)
    return att.masked_fill(~attn_mask, float("-inf")).softmax(-1) @ v


class Attention(nn.Module):
    def __init__(self, cfg: GPTConfig):
        super().__init__()
        self.heads = cfg.heads
        self.math = cfg.attention == "math"
        self.qkv = nn.Linear(cfg.width, 3 * cfg.width)
        self.proj = nn.Linear(cfg.width, cfg.width)

    def forward(self, x, attn_mask=None):
        b, t, c = x.shape
        q, k, v = self.qkv(x).view(b, t, 3, self.heads, c // self.heads).permute(2, 0, 3, 1, 4)
        if self.math:
            y = math_attention(q, k, v, attn_mask)
        elif attn_mask is None:
            y = F.scaled_dot_product_attention(q, k, v, is_causal=True)
        else:
            y = F.scaled_dot_product_attention(q, k, v, attn_mask=attn_mask)
        return self.proj(y.transpose(1, 2).reshape(b, t, c))


class Block(nn.Module):
    def __init__(self, cfg: GPTConfig):
        super().__init__()
        self.ln1 = nn.LayerNorm(cfg.width)
        self.attn = Attention(cfg)
        self.ln2 = nn.LayerNorm(cfg.width)
        self.mlp = nn.Sequential(nn.Linear(cfg.width, 4 * cfg.width), nn.GELU(approximate="tanh"),
                                 nn.Linear(4 * cfg.width, cfg.width))

    def forward(self, x, attn_mask=None):
        x = x + self.attn(self.ln1(x), attn_mask)
        return x + self.mlp(self.ln2(x))


class TiedLM(nn.Module):
    """What every sequence model here shares: a token table ``tok`` that is also the output layer,
    N(0, 0.02) init of Linear and Embedding weights, logits only where asked for."""

    @staticmethod
    def _init(m):
        if isinstance(m, (nn.Linear, nn.Embedding)):
            nn.init.normal_(m.weight, 0.0, INIT_STD)
        if isinstance(m, nn.Linear) and m.bias is not None:
            nn.init.zeros_(m.bias)

    @property
    def token_embeddings(self) -> torch.Tensor:
        return self.tok.weight

    def logits(self, hidden):
        return hidden @ self.tok.weight.t()

    def next_token_logits(self, idx):
        """Logits for the token after the last position of each row."""
        return self.logits(self(idx)[:, -1])

    def check_length(self, idx) -> None:
        if idx.shape[1] > self.cfg.block_size:
            raise ValueError(f"sequence length {idx.shape[1]} exceeds block_size {self.cfg.block_size}")


class GPT(TiedLM):
    supports_packing = True  # several examples may share a row, kept apart by the attention mask

    def __init__(self, cfg: GPTConfig):
        super().__init__()
        self.cfg = cfg
        self.tok = nn.Embedding(cfg.vocab_size, cfg.width)  # tied: also the output layer
        self.pos = nn.Embedding(cfg.block_size, cfg.width)
        self.blocks = nn.ModuleList(Block(cfg) for _ in range(cfg.layers))
        self.ln_f = nn.LayerNorm(cfg.width)
        self.apply(self._init)

    def freeze_embeddings(self) -> None:
        """The associative control: token (= output) and position embeddings stay at their random init."""
        self.tok.weight.requires_grad_(False)
        self.pos.weight.requires_grad_(False)

    def forward(self, idx, pos=None, attn_mask=None):
        """Hidden states (b, t, width). ``pos`` defaults to 0..t-1; ``attn_mask`` (bool, True = may
        attend) defaults to causal."""
        self.check_length(idx)
        t = idx.shape[1]
        if pos is None:
            pos = torch.arange(t, device=idx.device)
        x = self.tok(idx) + self.pos(pos)
        for block in self.blocks:
            x = block(x, attn_mask)
        return self.ln_f(x)

    def num_params(self, embeddings: bool = False) -> int:
        n = sum(p.numel() for p in self.parameters())
        return n if embeddings else n - self.tok.weight.numel() - self.pos.weight.numel()

    def flops_per_token(self, context: int) -> float:
        """Training FLOPs per input token (6N + attention), without the output layer."""
        c = self.cfg
        return 6 * self.num_params() + 12 * c.layers * c.width * context
