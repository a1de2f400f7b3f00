"""Training the paper's "Node2Vec" (``models.node2vec``): its targets, its loss and full-batch
gradient descent.

With T the row-normalized training targets (T = D^-1 A when every edge is stored in both
directions), the loss of node u is

    l_u = -sum_v T_uv log softmax(V v_u)_v                     (mean NLL over u's neighbours)

and training minimizes L = sum_u l_u by full-batch plain gradient descent. The gradient has a
closed form: with Q = row_softmax(V V^T) and G = Q - T (rows of nodes without targets zeroed),
dL/dV = (G + G^T) V, so one step is V <- V + lr * C V with C = (T - Q) + (T - Q)^T, the paper's
dynamics. Every step is a few dense (n x n) and (n x m) products: no loop over nodes.
"""
from __future__ import annotations

from typing import TYPE_CHECKING

import torch

from .runtime import single_thread

if TYPE_CHECKING:  # only for annotations
    from .models.node2vec import Node2Vec


def targets_matrix(num_nodes: int, edges, dtype=torch.float64) -> torch.Tensor:
    """T (n x n): row u is uniform over u's targets {v : (u, v) in edges} (duplicates counted once);
    a node without targets has a zero row."""
    e = torch.as_tensor(edges, dtype=torch.long).reshape(-1, 2)
    t = torch.zeros(num_nodes, num_nodes, dtype=dtype)
    t[e[:, 0], e[:, 1]] = 1.0
    deg = t.sum(1, keepdim=True)
    return torch.where(deg > 0, t / deg.clamp_min(1.0), t)


def loss_per_node(v: torch.Tensor, targets: torch.Tensor) -> torch.Tensor:
    """l_u for every node that has targets (the mean NLL over its neighbours)."""
    s = v @ v.T
    active = targets.sum(1) > 0
    nll = torch.logsumexp(s, 1) - (targets * s).sum(1)
    return nll[active]


@torch.no_grad()
def gradient_descent(model: Node2Vec, targets: torch.Tensor, steps: int, lr: float = 0.01,
                     record_every: int = 0, record=None) -> list:
    """``steps`` full-batch gradient-descent updates of L = sum_u l_u. ``record(step, V)`` is called
    at step 0, every ``record_every`` steps and after the last step; returns the mean loss per
    node at those steps."""
    v = model.weight.data
    t = targets.to(v)
    active = (t.sum(1, keepdim=True) > 0).to(v)
    losses = []

    def log(step):
        losses.append(float(loss_per_node(v, t).mean()))
        if record is not None:
            record(step, v)

    with single_thread(v.device):
        log(0)
        for step in range(1, steps + 1):
            g = torch.softmax(v @ v.T, dim=1).sub_(t).mul_(active)
            v.sub_(torch.mm(g + g.T, v), alpha=lr)  # (not addmm_: v must not be read while written)
            if (record_every and step % record_every == 0) or step == steps:
                log(step)
    return losses


def gradient_descent_loop(model: Node2Vec, edges, steps: int, lr: float = 0.01) -> list:
    """The same updates written the slow, obvious way: a Python loop over nodes, each node's loss
    built from its own logits and differentiated by autograd. A reference for tests and for the
    speed benchmark, not for use."""
    v = model.weight
    e = torch.as_tensor(edges, dtype=torch.long).reshape(-1, 2)
    nbrs = {u: torch.unique(e[e[:, 0] == u, 1]) for u in torch.unique(e[:, 0]).tolist()}
    losses = []
    for _ in range(steps):
        w = v.detach().clone().requires_grad_(True)
        total = 0.0
        for u, nb in nbrs.items():
            total = total - torch.log_softmax(w[u] @ w.T, dim=0)[nb].mean()
        total.backward()
        losses.append(total.item() / len(nbrs))
        with torch.no_grad():
            v.data -= lr * w.grad
    return losses
