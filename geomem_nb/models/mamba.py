"""Mamba (Gu & Dao, 2023): a selective state-space model in plain PyTorch, a drop-in for ``GPT``.

Built from the same ``ModelConfig`` (``heads`` and ``attention`` are ignored) and with the same
interface (``base.TiedLM``): ``forward`` returns hidden states, ``logits`` applies the tied
unembedding ``hidden @ tok.weight.T``.

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
next), so ``pos`` and ``attn_mask`` are accepted and ignored and ``supports_packing`` is False: the
trainer gives it each example set in rows of that set's length (``batching.BucketLayout``).

The scan is a Python loop over time only (sequences here are a few dozen tokens), vectorised over
batch, channels and state, with a hand-written backward pass (``_SelectiveScan``); on CPU it runs over
blocks of batch rows that stay in cache. Training FLOPs are approximated as 6 x non-embedding params.
"""
from __future__ import annotations

import math

import torch
import torch.nn as nn
import torch.nn.functional as F

from .base import ModelConfig, TiedLM

D_STATE = 16
D_CONV = 4
EXPAND = 2
DT_MIN, DT_MAX = 1e-3, 1e-1  # range of the initial step size delta (log-uniform), as in the paper
CPU_BLOCK = 1 << 18  # on CPU the scan runs over blocks of batch rows with about this many state entries


def _rows_per_block(x, state_size: int) -> int:
    """Batch rows per block: on CPU a few so that one step's (rows, n, d) buffers stay in cache (the
    backward is ~2x faster than on the whole batch); elsewhere the whole batch, for fewer launches."""
    return max(1, CPU_BLOCK // state_size) if x.device.type == "cpu" else x.shape[0]


def _scan_forward(x, delta, At, B, h):
    """Fill ``h`` (t, b, n, d) with the states for one block of rows."""
    u = delta * x
    dA = x.new_empty(h.shape[1:])                                    # one step's exp(delta_i A)
    for i in range(x.shape[1]):
        torch.mul(u[:, i, None, :], B[:, i, :, None], out=h[i])       # delta_i B_i x_i
        if i:
            torch.mul(delta[:, i, None, :], At, out=dA).exp_()
            h[i].addcmul_(dA, h[i - 1])                               # + exp(delta_i A) h_{i-1}


def _scan_backward(x, delta, At, B, C, h, gy, gu, gB, gC, gdelta):
    """One block of rows: fill ``gu`` (for u = delta x), ``gB``, ``gC`` and the A-part of ``gdelta``;
    return this block's gradient for ``At``."""
    u = delta * x
    g = torch.zeros_like(h[0])            # dL/dh_i (rows, n, d), carried backwards through time
    s, dA, tmp = torch.empty_like(g), torch.empty_like(g), torch.empty_like(g)
    gA_b = torch.zeros_like(g)            # sum over time of dL/d(delta_i A) * delta_i, per row
    for i in range(x.shape[1] - 1, -1, -1):
        g.addcmul_(gy[:, i, None, :], C[:, i, :, None])                    # + from y_i = C_i . h_i
        gC[:, i] = torch.mul(h[i], gy[:, i, None, :], out=tmp).sum(-1)     # (beats a batched gemv)
        gu[:, i] = torch.bmm(B[:, i, None, :], g).squeeze(1)
        gB[:, i] = torch.mul(g, u[:, i, None, :], out=tmp).sum(-1)
        if i:
            torch.mul(delta[:, i, None, :], At, out=dA).exp_()
            g.mul_(dA)                                                     # now dL/dh_{i-1}
            torch.mul(g, h[i - 1], out=s)                                  # dL/d(delta_i A)
            gdelta[:, i] = torch.mul(s, At, out=tmp).sum(1)
            gA_b.addcmul_(s, delta[:, i, None, :])
    return gA_b.sum(0)


class _SelectiveScan(torch.autograd.Function):
    """The scan ``y_t = C_t . h_t`` with ``h_t = exp(delta_t A) h_{t-1} + delta_t B_t x_t`` and
    ``h_{-1} = 0``, with a hand-written backward. Inputs: ``x, delta`` (b, t, d), ``A`` (d, n),
    ``B, C`` (b, t, n), all of one dtype.

    Autograd through a Python loop keeps a node per step and allocates several full-size (t, b, n, d)
    gradients; on CPU, where fresh large allocations are slow (page faults), that was about 4x slower.
    Here the only full-size tensor is the stored state ``h``, laid out (t, b, n, d), channels innermost
    so every elementwise op runs along contiguous memory; ``exp(delta_i A)`` is recomputed per step in
    a small reused buffer (cheaper than storing it), and the backward is one reverse loop over time."""

    @staticmethod
    def forward(ctx, x, delta, A, B, C):
        b, t, d = x.shape
        At = A.t().contiguous()                                               # (n, d)
        h = x.new_empty(t, b, A.shape[1], d)   # every state, kept for the backward pass
        rows = _rows_per_block(x, At.numel())
        for r in range(0, b, rows):
            blk = slice(r, r + rows)
            _scan_forward(x[blk], delta[blk], At, B[blk], h[:, blk])
        ctx.save_for_backward(x, delta, A, B, C, h)
        return torch.matmul(C.transpose(0, 1).unsqueeze(2), h).squeeze(2).transpose(0, 1)

    @staticmethod
    def backward(ctx, gy):
        x, delta, A, B, C, h = ctx.saved_tensors
        At = A.t().contiguous()
        gu, gB, gC = torch.empty_like(x), torch.empty_like(B), torch.empty_like(C)
        gdelta, gAt = torch.zeros_like(x), torch.zeros_like(At)
        rows = _rows_per_block(x, At.numel())
        for r in range(0, x.shape[0], rows):
            blk = slice(r, r + rows)
            gAt += _scan_backward(x[blk], delta[blk], At, B[blk], C[blk], h[:, blk], gy[blk],
                                  gu[blk], gB[blk], gC[blk], gdelta[blk])
        gdelta.addcmul_(gu, x)                 # u = delta x
        return gu * delta, gdelta, gAt.t(), gB, gC


def selective_scan(x, delta, A, B, C, D):
    """``x, delta``: (b, t, d); ``A``: (d, n); ``B, C``: (b, t, n); ``D``: (d,). Returns y (b, t, d),
    ``y_t = C_t . h_t + D x_t``. Computed in ``A``'s dtype with autocast off (bf16 would lose the
    state over the recurrence)."""
    with torch.autocast(x.device.type, enabled=False):
        x, delta, B, C = (v.to(A.dtype) for v in (x, delta, B, C))
        return _SelectiveScan.apply(x, delta, A, B, C) + x * D


class Mixer(nn.Module):
    def __init__(self, width: int, d_state: int = D_STATE, d_conv: int = D_CONV, expand: int = EXPAND):
        super().__init__()
        self.d_inner = d_inner = expand * width
        self.d_state, self.d_conv = d_state, d_conv
        self.dt_rank = math.ceil(width / 16)
        self.in_proj = nn.Linear(width, 2 * d_inner, bias=False)
        # Depthwise causal conv. The module holds the weights (d_inner, 1, d_conv) and their init; forward
        # computes it as d_conv shifted multiply-adds, whose backward is faster on CPU than conv1d's.
        self.conv = nn.Conv1d(d_inner, d_inner, d_conv, groups=d_inner)
        self.x_proj = nn.Linear(d_inner, self.dt_rank + 2 * d_state, bias=False)
        self.dt_proj = nn.Linear(self.dt_rank, d_inner)
        # A_log is kept flat (d_inner * d_state,) so that trainers which decay only >= 2-D parameters
        # leave it alone, as the reference implementation does; it is viewed as (d_inner, d_state).
        log_a = torch.log(torch.arange(1, d_state + 1, dtype=torch.float32))
        self.A_log = nn.Parameter(log_a.repeat(d_inner))
        self.D = nn.Parameter(torch.ones(d_inner))
        self.out_proj = nn.Linear(d_inner, width, bias=False)

    def reset_dt_bias(self) -> None:
        """delta = softplus(bias) at init, with delta log-uniform in [DT_MIN, DT_MAX]:
        bias = softplus^-1(delta) = delta + log(1 - exp(-delta))."""
        with torch.no_grad():
            u = torch.rand(self.d_inner, dtype=self.dt_proj.bias.dtype, device=self.dt_proj.bias.device)
            dt = torch.exp(u * (math.log(DT_MAX) - math.log(DT_MIN)) + math.log(DT_MIN))
            self.dt_proj.bias.copy_(dt + torch.log(-torch.expm1(-dt)))

    def causal_conv(self, x):
        """(b, t, d_inner) -> (b, t, d_inner): out_t = bias + sum_j w_j x_{t - (d_conv - 1) + j}, with
        zeros before t = 0."""
        t, k = x.shape[1], self.d_conv
        xp = F.pad(x, (0, 0, k - 1, 0))       # left padding only, along time
        w = self.conv.weight[:, 0]            # (d_inner, d_conv)
        out = torch.addcmul(self.conv.bias, xp[:, :t], w[:, 0])
        for j in range(1, k):
            out = torch.addcmul(out, xp[:, j:j + t], w[:, j])
        return out

    @property
    def A(self) -> torch.Tensor:
        return -torch.exp(self.A_log.view(self.d_inner, self.d_state))

    def forward(self, u):
        x, z = self.in_proj(u).chunk(2, dim=-1)                                   # (b, t, d_inner) each
        x = F.silu(self.causal_conv(x))
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


class Mamba(TiedLM):
    supports_packing = False  # the recurrent state would carry over between examples sharing a row

    def __init__(self, cfg: ModelConfig, d_state: int = D_STATE, d_conv: int = D_CONV,
                 expand: int = EXPAND):
        super().__init__(cfg.vocab_size, cfg.width)
        self.cfg = cfg
        self.blocks = nn.ModuleList(Block(cfg.width, d_state=d_state, d_conv=d_conv, expand=expand)
                                    for _ in range(cfg.layers))
        self.norm_f = nn.LayerNorm(cfg.width)
        self.apply(self._init)
        for block in self.blocks:  # after the generic init, which would zero the dt bias
            block.mixer.reset_dt_bias()

    def forward(self, idx, pos=None, attn_mask=None):
        """Hidden states (b, t, width). ``pos`` and ``attn_mask`` are ignored: every row is one causal
        sequence starting at position 0 (no packing, see ``supports_packing``)."""
        self.check_length(idx)
        x = self.tok(idx)
        for block in self.blocks:
            x = block(x)
        return self.norm_f(x)

    def flops_per_token(self, context: int) -> float:
        """Training FLOPs per input token, approximated as 6N (N = non-embedding parameters); the scan's
        O(d_inner * d_state) elementwise work per token and the output layer are not counted."""
        return 6 * self.num_params()
