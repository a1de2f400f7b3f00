"""Mamba (Gu & Dao, 2023): a selective state-space model in plain PyTorch, a drop-in for ``GPT``.

Built from the same ``GPTConfig`` (``heads`` is ignored) and with the same interface: ``forward``
returns hidden states, ``logits`` applies the tied unembedding ``hidden @ tok.weight.T``.

Each block is pre-norm residual, ``x + Mixer(LayerNorm(x))`` (LayerNorm, as in the GPT, not the
RMSNorm of the reference code). The mixer:

* ``in_proj`` maps width -> 2 * d_inner, split into the stream ``x`` and the gate ``z``;
* a causal depthwise conv1d of width ``d_conv`` on ``x`` (left padding only), then SiLU;
* ``x_proj`` maps ``x`` to a low-rank ``dt`` (rank ceil(width / 16)), ``B`` and ``C`` (d_state each);
  ``delta = softplus(dt_proj(dt))`` with the bias initialised so that delta starts in [1e-3, 1e-1];
* the selective scan, per channel ``c`` and state ``n``:
  ``h_t = exp(delta_t A) h_{t-1} + delta_t B_t x_t``, ``y_t = C_t . h_t + D x_t``,
  with ``A = -exp(A_log)``, ``A_log`` initialised to log(1..d_state) for every channel, ``D`` to 1;
* ``y * SiLU(z)``, then ``out_proj`` back to width.

There are no positional embeddings: the recurrence is causal and order-aware. For the same reason
Mamba cannot pack several examples into one row (the state would leak from one example into the
next), so ``pos`` and ``attn_mask`` are accepted and ignored and ``supports_packing`` is False.

The scan is a Python loop over time only (sequences here are a few dozen tokens), vectorised over
batch, channels and state; ``exp(delta A)`` and ``delta B x`` are computed for all steps up front.
"""
from __future__ import annotations

import math

import torch
import torch.nn as nn
import torch.nn.functional as F

from .gpt import INIT_STD, GPTConfig

D_STATE = 16
D_CONV = 4
EXPAND = 2
DT_MIN, DT_MAX = 1e-3, 1e-1  # range of the initial step size delta (log-uniform), as in the paper


def selective_scan(x, delta, A, B, C, D):
    """``x, delta``: (b, t, d); ``A``: (d, n); ``B, C``: (b, t, n); ``D``: (d,). Returns y (b, t, d)."""
    dA = torch.exp(delta.unsqueeze(-1) * A)                        # (b, t, d, n)
    dBx = (delta * x).unsqueeze(-1) * B.unsqueeze(2)               # (b, t, d, n)
    h = torch.zeros_like(dBx[:, 0])
    hs = []
    for i in range(x.shape[1]):
        h = dA[:, i] * h + dBx[:, i]
        hs.append(h)
    y = torch.einsum("btdn,btn->btd", torch.stack(hs, 1), C)
    return y + x * D


class Mixer(nn.Module):
    def __init__(self, width: int, d_state: int = D_STATE, d_conv: int = D_CONV, expand: int = EXPAND):
        super().__init__()
        self.d_inner = d_inner = expand * width
        self.d_state, self.d_conv = d_state, d_conv
        self.dt_rank = math.ceil(width / 16)
        self.in_proj = nn.Linear(width, 2 * d_inner, bias=False)
        self.conv = nn.Conv1d(d_inner, d_inner, d_conv, groups=d_inner)  # depthwise; padded on the left in forward
        self.x_proj = nn.Linear(d_inner, self.dt_rank + 2 * d_state, bias=False)
        self.dt_proj = nn.Linear(self.dt_rank, d_inner)
        # A_log is kept flat (d_inner * d_state,) so that trainers which decay only >= 2-D parameters
        # leave it alone, as the reference implementation does; it is viewed as (d_inner, d_state).
        self.A_log = nn.Parameter(torch.log(torch.arange(1, d_state + 1, dtype=torch.float32)).repeat(d_inner))
        self.D = nn.Parameter(torch.ones(d_inner))
        self.out_proj = nn.Linear(d_inner, width, bias=False)

    def reset_dt_bias(self) -> None:
        """delta = softplus(bias) at init, with delta log-uniform in [DT_MIN, DT_MAX]: bias = softplus^-1(delta)."""
        with torch.no_grad():
            u = torch.rand(self.d_inner, dtype=self.dt_proj.bias.dtype, device=self.dt_proj.bias.device)
            dt = torch.exp(u * (math.log(DT_MAX) - math.log(DT_MIN)) + math.log(DT_MIN))
            self.dt_proj.bias.copy_(dt + torch.log(-torch.expm1(-dt)))

    @property
    def A(self) -> torch.Tensor:
        return -torch.exp(self.A_log.view(self.d_inner, self.d_state))

    def forward(self, u):
        x, z = self.in_proj(u).chunk(2, dim=-1)                                   # (b, t, d_inner) each
        x = self.conv(F.pad(x.transpose(1, 2), (self.d_conv - 1, 0))).transpose(1, 2)
        x = F.silu(x)
        dt, B, C = self.x_proj(x).split([self.dt_rank, self.d_state, self.d_state], dim=-1)
        delta = F.softplus(self.dt_proj(dt))
        y = selective_scan(x, delta, self.A, B, C, self.D)
        return self.out_proj(y * F.silu(z))


class Block(nn.Module):
    def __init__(self, width: int, **mixer_kw):
        super().__init__()
        self.norm = nn.LayerNorm(width)
        self.mixer = Mixer(width, **mixer_kw)

    def forward(self, x):
        return x + self.mixer(self.norm(x))


class Mamba(nn.Module):
    supports_packing = False  # the recurrent state would carry over between examples sharing a row

    def __init__(self, cfg: GPTConfig, d_state: int = D_STATE, d_conv: int = D_CONV, expand: int = EXPAND):
        super().__init__()
        self.cfg = cfg
        self.tok = nn.Embedding(cfg.vocab_size, cfg.width)  # tied: also the output layer
        self.blocks = nn.ModuleList(Block(cfg.width, d_state=d_state, d_conv=d_conv, expand=expand)
                                    for _ in range(cfg.layers))
        self.norm_f = nn.LayerNorm(cfg.width)
        self.apply(self._init)
        for block in self.blocks:  # after the generic init, which would zero the dt bias
            block.mixer.reset_dt_bias()

    @staticmethod
    def _init(m):
        if isinstance(m, (nn.Linear, nn.Embedding)):
            nn.init.normal_(m.weight, 0.0, INIT_STD)
        if isinstance(m, nn.Linear) and m.bias is not None:
            nn.init.zeros_(m.bias)

    @property
    def token_embeddings(self) -> torch.Tensor:
        return self.tok.weight

    def freeze_embeddings(self) -> None:
        """The associative control: token (= output) embeddings stay at their random init."""
        self.tok.weight.requires_grad_(False)

    def forward(self, idx, pos=None, attn_mask=None):
        """Hidden states (b, t, width). ``pos`` and ``attn_mask`` are ignored: every row is one causal
        sequence starting at position 0 (no packing, see ``supports_packing``)."""
        t = idx.shape[1]
        if t > self.cfg.block_size:
            raise ValueError(f"sequence length {t} exceeds block_size {self.cfg.block_size}")
        x = self.tok(idx)
        for block in self.blocks:
            x = block(x)
        return self.norm_f(x)

    def logits(self, hidden):
        return hidden @ self.tok.weight.t()

    def next_token_logits(self, idx):
        """Logits for the token after the last position of each row."""
        return self.logits(self(idx)[:, -1])

    def num_params(self, embeddings: bool = False) -> int:
        n = sum(p.numel() for p in self.parameters())
        return n if embeddings else n - self.tok.weight.numel()

    def flops_per_token(self, context: int) -> float:
        """Training FLOPs per input token, approximated as 6N (N = non-embedding parameters); the scan's
        O(d_inner * d_state) elementwise work per token and the output layer are not counted."""
        return 6 * self.num_params()
