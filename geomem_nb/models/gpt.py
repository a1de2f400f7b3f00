"""A small GPT: pre-LayerNorm blocks, learned positions, tied input/output embeddings (``base.TiedLM``),
``scaled_dot_product_attention`` or its explicit form (``ModelConfig.attention``)."""
from __future__ import annotations

import torch
import torch.nn as nn
import torch.nn.functional as F

from .base import ModelConfig, TiedLM


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
    def __init__(self, cfg: ModelConfig):
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
    def __init__(self, cfg: ModelConfig):
        super().__init__()
        self.ln1 = nn.LayerNorm(cfg.width)
        self.attn = Attention(cfg)
        self.ln2 = nn.LayerNorm(cfg.width)
        self.mlp = nn.Sequential(nn.Linear(cfg.width, 4 * cfg.width), nn.GELU(approximate="tanh"),
                                 nn.Linear(4 * cfg.width, cfg.width))

    def forward(self, x, attn_mask=None):
        x = x + self.attn(self.ln1(x), attn_mask)
        return x + self.mlp(self.ln2(x))


class GPT(TiedLM):
    supports_packing = True  # several examples may share a row, kept apart by the attention mask

    def __init__(self, cfg: ModelConfig):
        super().__init__(cfg.vocab_size, cfg.width)
        self.cfg = cfg
        self.pos = nn.Embedding(cfg.block_size, cfg.width)
        self.blocks = nn.ModuleList(Block(cfg) for _ in range(cfg.layers))
        self.ln_f = nn.LayerNorm(cfg.width)
        self.apply(self._init)

    def embedding_weights(self) -> list:
        """Token (= output) and position tables: frozen by the associative control, not counted by
        ``num_params``."""
        return [self.tok.weight, self.pos.weight]

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

    def flops_per_token(self, context: int) -> float:
        """Training FLOPs per input token (6N + attention), without the output layer."""
        c = self.cfg
        return 6 * self.num_params() + 12 * c.layers * c.width * context
