"""The in-weights path-star task: memorize one fixed G(d, l), then emit root->leaf paths for held-out leaves.

Token layout (node ids are 0..N-1, specials follow):
    edge example   ``[EDGE] u``                      -> target ``v``           (both directions)
    path example   ``[PATH] leaf [PAUSE]x k root v1 ... v_{l-2}``
                                                     -> targets ``root v1 ... leaf`` (l tokens)
    hardest token  ``[PATH] leaf [PAUSE]x k``        -> target ``v1`` only (the first hop after the root)
With ``path_direction="reverse"`` the path target runs leaf -> root (``leaf v_{l-2} ... root``): every
step is then one backward edge, no planning needed. Its first target is the leaf itself, a copy of the
prompt (the official code reverses the target the same way); ``leaf_echo=False`` drops that copy, so
the reverse target starts at the leaf's parent (``v_{l-2} ... root``, l - 1 tokens). Loss is taken only at target positions. The graph
may be a path-star or a tree-star (``graphs.tree_star``: one row of ``arms`` per leaf).
"""
from __future__ import annotations

from dataclasses import dataclass

import numpy as np
import torch

from ..checks import check_choice, check_int
from ..graphs import PathStar, TreeStar
from .examples import Examples

SPECIALS = ("[PAUSE]", "[EDGE]", "[PATH]", "[PAD]")
OBJECTIVES = ("full-path", "hardest-token", "edges-only")
EDGE_DIRECTIONS = ("both", "forward", "backward")
PATH_DIRECTIONS = ("forward", "reverse")


@dataclass
class InWeightsTask:
    graph: PathStar | TreeStar
    pause_tokens: int = 1
    objective: str = "full-path"
    edges: str = "both"
    path_direction: str = "forward"
    leaf_echo: bool = True  # reverse paths: the target starts with the leaf (True) or its parent

    def __post_init__(self):
        check_int("pause_tokens", self.pause_tokens, 0)
        check_choice("objective", self.objective, OBJECTIVES)
        check_choice("edges", self.edges, EDGE_DIRECTIONS)
        check_choice("path_direction", self.path_direction, PATH_DIRECTIONS)
        if self.path_direction == "reverse" and self.objective == "hardest-token":
            raise ValueError("path_direction reverse needs objective full-path or edges-only: the hardest "
                             "token is the first hop of the forward path")
        if not isinstance(self.leaf_echo, bool):
            raise ValueError(f"leaf_echo must be True or False, got {self.leaf_echo!r}")
        if not self.leaf_echo and self.path_direction != "reverse":
            raise ValueError("leaf_echo=False needs path_direction reverse: only a reverse target starts "
                             "with a copy of the prompt's leaf")
        if not self.leaf_echo and self.graph is not None and self.graph.path_length < 3:
            raise ValueError("leaf_echo=False needs path_length >= 3 (a node between the leaf and the root)")

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
        return self.prompt_length + self.target_length - 1

    @property
    def target_length(self) -> int:
        """Tokens of a path target: l, or l - 1 for a reverse target without the leaf's copy."""
        return self.graph.path_length - (0 if self.leaf_echo else 1)

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
        """The target paths, (n, l): root->leaf, or leaf->root for ``path_direction="reverse"`` (from
        the leaf's parent, (n, l - 1), without ``leaf_echo``)."""
        p = torch.as_tensor(self.graph.arms[np.asarray(arm_ids)])
        if self.path_direction == "forward":
            return p
        return p.flip(1) if self.leaf_echo else p.flip(1)[:, 1:].contiguous()

    @property
    def first_hop_index(self) -> int:
        """Where v1 (the first hop after the root: the hardest token of forward generation) sits in a path target."""
        return self.target_length - 2 if self.path_direction == "reverse" else 1

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
