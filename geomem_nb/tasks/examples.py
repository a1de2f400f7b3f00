"""A set of same-shaped training examples: the unit the trainer packs into batches."""
from __future__ import annotations

from dataclasses import dataclass

import torch


@dataclass
class Examples:
    """``inputs[i]`` is a token row; the model's next-token prediction at ``target_pos[j]`` is
    scored against ``targets[i, j]``. Nothing else in the row is a target."""

    name: str
    inputs: torch.Tensor      # (n, t) long
    targets: torch.Tensor     # (n, m) long
    target_pos: torch.Tensor  # (m,) long, positions in 0..t-1

    def __post_init__(self):
        n, t = self.inputs.shape
        if self.targets.shape[0] != n or self.targets.shape[1] != len(self.target_pos):
            raise ValueError(f"{self.name}: targets {tuple(self.targets.shape)} do not match "
                             f"{n} rows x {len(self.target_pos)} target positions")
        if len(self.target_pos) and (int(self.target_pos.min()) < 0 or int(self.target_pos.max()) >= t):
            raise ValueError(f"{self.name}: target positions must lie in 0..{t - 1}")

    def __len__(self) -> int:
        return self.inputs.shape[0]

    @property
    def length(self) -> int:
        return self.inputs.shape[1]

    def to(self, device) -> "Examples":
        return Examples(self.name, self.inputs.to(device), self.targets.to(device), self.target_pos.to(device))
