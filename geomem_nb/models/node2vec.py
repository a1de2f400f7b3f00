"""The paper's "Node2Vec": a 1-hop, weight-tied, full-softmax skip-gram (no random walks).

One table V (n x m) both embeds and unembeds: the logits of node u over all n nodes (u itself
included) are V v_u. Its loss and its full-batch gradient descent live with the other training code
(``train_node2vec``).
"""
from __future__ import annotations

import torch
import torch.nn as nn

from ..checks import check_int, positive_number


class Node2Vec(nn.Module):
    def __init__(self, num_nodes: int, dim: int = 100, init_std: float = 1.0, seed: int = 0,
                 dtype=torch.float64):
        super().__init__()
        check_int("num_nodes", num_nodes, 1)
        check_int("dim", dim, 1)
        positive_number("init_std", init_std)
        gen = torch.Generator().manual_seed(seed)
        # N(0, 1) by default, like torch.nn.Embedding's default init.
        self.weight = nn.Parameter(init_std * torch.randn(num_nodes, dim, generator=gen, dtype=dtype),
                                   requires_grad=False)

    @property
    def token_embeddings(self) -> torch.Tensor:
        return self.weight

    def scores(self) -> torch.Tensor:
        """V V^T: row u holds node u's logits over all nodes."""
        return self.weight @ self.weight.T
