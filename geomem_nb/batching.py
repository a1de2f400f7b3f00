"""How examples become batches: the layouts the trainer draws from.

Every step draws examples uniformly (with replacement, from a seeded generator on the device) from
each example set, in proportion to the sets' sizes or to given ``shares`` (``mix_counts``), so edge
and path examples are mixed in every batch. The layouts:

* packed (``BatchLayout``, ``pack=True``): short examples share a row, each with its own positions
  and a block-diagonal causal mask, so no compute is spent padding edges to path length;
* padded (``BatchLayout``, ``pack=False``): one example per row, padded to the longest set;
* buckets (``BucketLayout``): each set fills rows of its own length, with no padding and no mask;
* fresh (``tasks.in_context.FreshBatches``): newly drawn in-context graphs every step.

All four are ``BatchSource``s, the one interface ``train.train`` relies on.
"""
from __future__ import annotations

import math
from typing import Protocol, runtime_checkable

import torch
import torch.nn.functional as F

from .tasks.examples import Examples


@runtime_checkable
class BatchSource(Protocol):
    """What the trainer draws batches from. ``sample(generator)`` returns (tokens, targets): tokens
    (R, T), or a tuple of blocks with one ``flat_targets`` index tensor each (buckets); targets (M,).
    ``flat_targets`` indexes the scored positions in the flattened rows, in the order of ``targets``.
    ``pos`` (R, T) and ``mask`` (R, 1, T, T), True = may attend, are None for default positions
    0..T-1 and a plain causal mask."""

    pos: torch.Tensor | None
    mask: torch.Tensor | None
    flat_targets: torch.Tensor | tuple

    def sample(self, generator: torch.Generator) -> tuple: ...


def mix_counts(sizes: list[int], batch_size: int, shares: tuple | None = None) -> list[int]:
    """Examples per step from each set, proportional to ``shares`` (default: the set sizes), at least
    one each."""
    weights = sizes if shares is None else shares
    if len(weights) != len(sizes):
        raise ValueError(f"shares must give one share per example set ({len(sizes)}), got {shares!r}")
    total = sum(weights)
    counts = [max(1, round(batch_size * w / total)) for w in weights]
    counts[counts.index(max(counts))] += batch_size - sum(counts)
    return counts


class BatchLayout:
    """Packed (``pack=True``) or padded rows: the static shape of every batch, i.e. which rows hold
    which set, positions, mask, target slots.

    Set i contributes ``rows[i]`` rows of length ``T`` holding ``per_row[i]`` examples each.
    """

    def __init__(self, sets: list[Examples], batch_size: int, pack: bool, pad_id: int, device,
                 shares: tuple | None = None):
        self.sets, self.pad_id = sets, pad_id
        self.T = max(s.length for s in sets)
        self.per_row = [self.T // s.length if pack else 1 for s in sets]
        counts = mix_counts([len(s) for s in sets], batch_size, shares)
        self.rows = [math.ceil(c / r) for c, r in zip(counts, self.per_row)]
        self.counts = [n * r for n, r in zip(self.rows, self.per_row)]
        pos, seg, flat = [], [], []
        row0 = 0
        for s, r, n in zip(sets, self.per_row, self.rows):
            t = s.length
            p = torch.zeros(self.T, dtype=torch.long)
            g = torch.arange(self.T) + self.T  # padding: a segment of its own per slot
            for k in range(r):
                p[k * t:(k + 1) * t] = torch.arange(t)
                g[k * t:(k + 1) * t] = k
            slots = (torch.arange(r)[:, None] * t + s.target_pos.cpu()[None, :]).reshape(-1)
            rows = torch.arange(row0, row0 + n)
            flat.append((rows[:, None] * self.T + slots[None, :]).reshape(-1))
            pos.append(p.expand(n, -1))
            seg.append(g.expand(n, -1))
            row0 += n
        self.pos = torch.cat(pos).to(device)
        self.flat_targets = torch.cat(flat).to(device)
        seg = torch.cat(seg)
        causal = torch.ones(self.T, self.T, dtype=torch.bool).tril()
        # A mask is needed only when rows hold several examples; padded single rows are causal-safe.
        if any(r > 1 for r in self.per_row):
            same = seg[:, :, None] == seg[:, None, :]
            self.mask = (same & causal).unsqueeze(1).to(device)
        else:
            self.mask = None
        self.real_tokens = sum(c * s.length for c, s in zip(self.counts, sets))
        self.row_tokens = row0 * self.T
        self.num_targets = len(self.flat_targets)

    def sample(self, gen: torch.Generator):
        """One batch: (tokens (R, T), targets (M,))."""
        tokens, targets = [], []
        for s, r, n, c in zip(self.sets, self.per_row, self.rows, self.counts):
            idx = torch.randint(len(s), (c,), generator=gen, device=s.inputs.device)
            x = s.inputs[idx].view(n, r * s.length)
            if x.shape[1] < self.T:
                x = F.pad(x, (0, self.T - x.shape[1]), value=self.pad_id)
            tokens.append(x)
            targets.append(s.targets[idx].reshape(-1))
        return torch.cat(tokens), torch.cat(targets)


class BucketLayout:
    """Every example set in its own length bucket: set i is a (counts[i], length_i) block of rows,
    plainly causal. No padding and no attention mask (a masked fused-attention kernel costs more than
    the arithmetic of a dozen-token row), at the price of one forward pass per set. Any model can
    take it, a recurrence included."""

    pos = mask = None

    def __init__(self, sets: list[Examples], batch_size: int, device, shares: tuple | None = None):
        self.sets = sets
        self.counts = mix_counts([len(s) for s in sets], batch_size, shares)
        self.T = max(s.length for s in sets)
        self.flat_targets = tuple((torch.arange(c, device=device)[:, None] * s.length
                                   + s.target_pos.to(device)[None, :]).reshape(-1)
                                  for s, c in zip(sets, self.counts))
        self.real_tokens = self.row_tokens = sum(c * s.length for c, s in zip(self.counts, sets))
        self.num_targets = sum(len(f) for f in self.flat_targets)

    def sample(self, gen: torch.Generator):
        """One batch: (one (counts[i], length_i) token block per set, targets (M,))."""
        idx = [torch.randint(len(s), (c,), generator=gen, device=s.inputs.device) for s, c in zip(self.sets, self.counts)]
        return (tuple(s.inputs[i] for s, i in zip(self.sets, idx)),
                torch.cat([s.targets[i].reshape(-1) for s, i in zip(self.sets, idx)]))


def make_layout(sets: list[Examples], cfg, model, pad_id: int | None, device,
                shares: tuple | None = None) -> BatchSource:
    """The batch layout a ``train.TrainConfig`` asks for (its ``batch_size``, ``pack`` and
    ``buckets``), drawing from the sets in proportion to ``shares`` (default: their sizes). A model
    (or model class) that cannot keep packed examples apart gets buckets, the other layout without
    padding."""
    sets = [s.to(device) for s in sets]
    if cfg.buckets or (cfg.pack and not getattr(model, "supports_packing", True)):
        return BucketLayout(sets, cfg.batch_size, device, shares)
    return BatchLayout(sets, cfg.batch_size, cfg.pack, pad_id, device, shares)
