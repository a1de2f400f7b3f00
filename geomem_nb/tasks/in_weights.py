"""The in-weights path-star task: memorize one fixed G(d, l), then emit root->leaf paths for held-out leaves.

Token layout (node ids are 0..N-1, specials follow):
    edge example   ``[EDGE] u``                      -> target ``v``           (both directions)
    path example   ``[PATH] leaf [PAUSE]x k root v1 ... v_{l-2}``
                                                     -> targets ``root v1 ... leaf`` (l tokens)
    hardest token  ``[PATH] leaf [PAUSE]x k``        -> target ``v1`` only (the first hop after the root)
Loss is taken only at target positions.
"""
from __future__ import annotations

from dataclasses import dataclass

import numpy as np
import torch

from ..graphs import PathStar, check_int
from .examples import Examples

SPECIALS = ("[PAUSE]", "[EDGE]", "[PATH]", "[PAD]")
OBJECTIVES = ("full-path", "hardest-token", "edges-only")
EDGE_DIRECTIONS = ("both", "forward", "backward")


@dataclass
class InWeightsTask:
    graph: PathStar
    pause_tokens: int = 1
    objective: str = "full-path"
    edges: str = "both"

    def __post_init__(self):
        check_int("pause_tokens", self.pause_tokens, 0)
        if self.objective not in OBJECTIVES:
            raise ValueError(f"objective must be one of {', '.join(OBJECTIVES)}; got {self.objective!r}")
        if self.edges not in EDGE_DIRECTIONS:
            raise ValueError(f"edges must be one of {', '.join(EDGE_DIRECTIONS)}; got {self.edges!r}")

    # vocabulary -----------------------------------------------------------------------------
    @property
    def vocab_size(self) -> int:
        return self.graph.num_nodes + len(SPECIALS)

    def token(self, special: str) -> int:
        return self.graph.num_nodes + SPECIALS.index(special)

    def token_names(self, ids) -> list[str]:
        n = self.graph.num_nodes
        return [str(i) if i < n else SPECIALS[i - n] for i in np.asarray(ids).tolist()]

    @property
    def prompt_length(self) -> int:
        return 2 + self.pause_tokens

    @property
    def block_size(self) -> int:
        """Longest row the model sees: a full path example."""
        return self.prompt_length + self.graph.path_length - 1

    # examples -------------------------------------------------------------------------------
    def edge_examples(self) -> Examples:
        e = torch.as_tensor(self.graph.edges(self.edges))
        inputs = torch.stack([torch.full((len(e),), self.token("[EDGE]")), e[:, 0]], dim=1)
        return Examples("edges", inputs, e[:, 1:].clone(), torch.tensor([1]))

    def prompts(self, arm_ids) -> torch.Tensor:
        """``[PATH] leaf [PAUSE]x k`` for the given arms."""
        leaves = torch.as_tensor(self.graph.leaves[np.asarray(arm_ids)])
        rows = torch.full((len(leaves), self.prompt_length), self.token("[PAUSE]"))
        rows[:, 0] = self.token("[PATH]")
        rows[:, 1] = leaves
        return rows

    def paths(self, arm_ids) -> torch.Tensor:
        """The target root->leaf paths, (n, l)."""
        return torch.as_tensor(self.graph.arms[np.asarray(arm_ids)])

    def path_examples(self, arm_ids) -> Examples:
        prompts, paths = self.prompts(arm_ids), self.paths(arm_ids)
        k = self.prompt_length
        if self.objective == "hardest-token":
            return Examples("hardest-token", prompts, paths[:, 1:2].clone(), torch.tensor([k - 1]))
        inputs = torch.cat([prompts, paths[:, :-1]], dim=1)
        return Examples("paths", inputs, paths.clone(), torch.arange(k - 1, k - 1 + paths.shape[1]))

    def training_examples(self) -> list[Examples]:
        """What the model is trained on: all edges, plus train-arm paths unless edges-only."""
        sets = [self.edge_examples()]
        if self.objective != "edges-only":
            sets.append(self.path_examples(self.graph.train_arms))
        return sets
