"""What a tiny-graph run measures on its node rows: the model's neighbour scores, node-averaged loss,
top-k recovery, the spectral summary, Node2Vec's dynamics and the bilinear geometric margins."""
from __future__ import annotations

import numpy as np
import torch
import torch.nn.functional as F

from .. import geometry as geo
from .. import spectral
from ..models.bilinear import Bilinear
from .tiny_config import TinyConfig


def node_scores(cfg: TinyConfig, model, num_nodes: int, device) -> tuple[np.ndarray, np.ndarray]:
    """Row u: the model's scores of every node as u's neighbour (n, n), and their log-probabilities
    under the model's full softmax (over the whole vocabulary)."""
    with torch.no_grad():
        if cfg.model == "node2vec":
            full = model.scores()
        else:
            prompts = torch.stack([torch.full((num_nodes,), num_nodes), torch.arange(num_nodes)], 1).to(device)
            full = model.next_token_logits(prompts).double()
    return full[:, :num_nodes].cpu().numpy(), F.log_softmax(full, dim=1)[:, :num_nodes].cpu().numpy()


def node_averaged_loss(log_probs: np.ndarray, neighbours: list[np.ndarray]) -> float:
    """Mean over nodes (with targets) of the mean NLL over the node's targets."""
    return float(np.mean([-log_probs[u, nb].mean() for u, nb in enumerate(neighbours) if len(nb)]))


def recovery(cfg: TinyConfig, scores: np.ndarray, neighbours: list[np.ndarray]) -> float:
    """Top-deg(u) recovery over nodes. For Node2Vec a node's own score ||v_u||^2 is not a prediction
    (the tied dot product always favours it), so it is excluded unless self-edges are targets."""
    if cfg.model == "node2vec" and not cfg.self_edges:
        scores = scores.copy()
        np.fill_diagonal(scores, -np.inf)
    return geo.topk_recovery(scores, neighbours)


def spectral_summary(emb: np.ndarray, spaces) -> dict:
    energy = spectral.spectral_energy(emb, spaces)
    nt = [e for e in energy if not e["trivial"]]
    return {
        "spectral_concentration": spectral.concentration(emb, spaces),
        "concentration_chance": spectral.concentration_chance(spaces),
        "fiedler_share": nt[0]["share"],
        "negative_share": float(sum(e["share"] for e in nt if e["eigenvalue"] < -spectral.TOL)),
        "spectral_energy": energy,
    }


def dynamics_summary(dynamics: dict, top: int = 2) -> dict:
    """Node2Vec's dynamics at the first and last recorded step, pooled over the ``top`` non-trivial
    eigenspaces ("Fiedler-like") and over the other non-trivial ones (root of summed squares)."""
    nt = np.flatnonzero(~dynamics["trivial"])
    groups = {"fiedler_like": nt[:top], "other": nt[top:]}
    out = {}
    for key in ("projection", "c_norm"):
        for name, idx in groups.items():
            pooled = np.sqrt((dynamics[key][:, idx] ** 2).sum(1))
            out[f"{name}_{key}"] = [float(pooled[0]), float(pooled[-1])]
    out["steps"] = [int(dynamics["steps"][0]), int(dynamics["steps"][-1])]
    return out


def first_step(history: list, key: str, level: float) -> int | None:
    """The first recorded step at which ``history``'s ``key`` reaches ``level`` (None if never)."""
    return next((h["step"] for h in history if h.get(key) is not None and h[key] >= level), None)


def race_timing(history: list, metrics: dict) -> dict:
    """When a run memorized (every edge recovered) against when its geometry formed: the steps to
    full recovery, the first step at half the final geometric margin, the final margin and the margin
    at full recovery."""
    final = metrics["geometric_margin"]
    half = first_step(history, "geometric_margin", final / 2) if final > 0 else None
    at_memorized = next(h["geometric_margin"] for h in history if h["topk_recovery"] >= 1.0)
    return dict(memorized=metrics["steps_to_full_recovery"], half=half, final=final, at_memorized=at_memorized)


def bilinear_margin(model: Bilinear, emb: np.ndarray, neighbours) -> float:
    """The geometric margin of a tied bilinear model's skewed (geometry-only) logits, ours: node rows
    and columns only."""
    w = model.linear.weight.detach().double().cpu().numpy()
    return geo.geometric_margin(geo.skewed_logits(emb, w), neighbours)


def bilinear_margin_full_vocab(model: Bilinear, neighbours) -> float:
    """The same margin under the authors' definition: the whole vocabulary table (nodes and special
    tokens) in the SVD, the specials counted as non-neighbours."""
    w = model.linear.weight.detach().double().cpu().numpy()
    table = model.token_embeddings.detach().double().cpu().numpy()
    return geo.geometric_margin_full_vocab(table, w, neighbours)
