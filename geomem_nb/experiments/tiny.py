"""Tiny-graph edge memorization: associative vs geometric memory, one model at a time.

One task for every model: given a node u, predict its neighbours (targets = the training edges
(u, v): both directions by default, forward only with ``forward_only``, plus (u, u) with
``self_edges``). Models:

* ``transformer``: a 1-layer, 1-head GPT with tied embeddings; prompt ``[EDGE] u``;
* ``nn``: the bilinear network, logits = E (W e_u + b), E tied and trained;
* ``associative``: the same network with E frozen at its random init (only W, b learn);
* ``associative-fast``: frozen and wide (512) with a large learning rate: the edges are stored in
  about two full-batch steps;
* ``node2vec``: the 1-hop tied skip-gram (``models.node2vec``), plain full-batch gradient descent;
* ``mamba``: a 1-layer Mamba (``models.mamba``, d_state 8, d_conv 4, expand 2; 4 on the irregular
  graph, as the paper's tiny Mamba), tied embeddings, prompt ``[EDGE] u``. The authors' release has
  no tiny Mamba notebook: its width, lr and steps are ours (the Transformer's).

Each model trains at the authors' configuration for its graph (``settings``: the official tiny-graph
notebooks' width, lr, steps, schedule and weight decay, per graph and variant). The vocabulary is the
authors' too: the nodes, then 9 special tokens (``[EDGE]`` is the first; the others never appear in
an input but sit in every softmax and in the authors' margin). The tiny Transformer's position
embeddings start at N(0, 1), as the authors' code leaves them (``pos_std``; 0.02 was ours before).

The sequence models train with the project's one trainer on the full edge set at every step (AdamW,
no warm-up, no weight decay); Node2Vec with its closed-form gradient. Every model is scored by the
same functions (``geometry``, ``spectral``) on its node-embedding rows.
"""
from __future__ import annotations

import time
from dataclasses import dataclass, field, replace
from pathlib import Path

import numpy as np
import torch

from .. import geometry as geo
from .. import spectral
from ..graphs import tiny_graph
from ..guard import save_json, save_npy, save_npz
from ..models import GPT, ModelConfig
from ..models.bilinear import Bilinear
from ..models.mamba import Mamba
from ..models.node2vec import Node2Vec
from ..train_node2vec import gradient_descent, loss_per_node, targets_matrix
from ..runtime import device_name, single_thread
from ..tasks.examples import Examples
from ..train import train
from .base import RunResult, from_preset, save, start
from .tiny_config import (BY_PRESET, MAMBA_D_CONV, MAMBA_D_STATE, SNAPSHOTS, TINY_GRAPHS, TINY_MODELS,
                          TinyConfig)
from .tiny_measures import (bilinear_margin, bilinear_margin_full_vocab, dynamics_summary, node_averaged_loss,
                            node_scores, recovery, spectral_summary)


@dataclass
class TinyResult(RunResult):
    spaces: list = field(repr=False, default=None)      # eigenspaces of the graph's operator
    snapshots: dict = field(repr=False, default=None)   # {"steps": (k,), "embeddings": (k, n, m)}
    dynamics: dict = field(repr=False, default=None)    # Node2Vec only: arrays over training


class FullBatch:
    """A batch source for the trainer that returns every example at every step (full batch)."""

    pos = None
    mask = None

    def __init__(self, examples: Examples, device):
        rows = torch.arange(len(examples))
        self.inputs = examples.inputs.to(device)
        self.targets = examples.targets.reshape(-1).to(device)
        self.flat_targets = (rows[:, None] * examples.length + examples.target_pos[None, :]).reshape(-1).to(device)

    def sample(self, generator):
        return self.inputs, self.targets


def training_edges(cfg: TinyConfig, graph) -> np.ndarray:
    return graph.edges("forward" if cfg.forward_only else "both", self_edges=cfg.self_edges)


def edge_examples(edges: np.ndarray, edge_token: int) -> Examples:
    """``[EDGE] u -> v`` for every training edge."""
    e = torch.as_tensor(edges)
    inputs = torch.stack([torch.full((len(e),), edge_token), e[:, 0]], dim=1)
    return Examples("edges", inputs, e[:, 1:].clone(), torch.tensor([1]))


def build_model(cfg: TinyConfig, num_nodes: int, device):
    if cfg.model == "node2vec":
        return Node2Vec(num_nodes, cfg.dim, seed=cfg.seed).to(device)
    vocab = num_nodes + cfg.special_tokens  # node ids, then [EDGE] and the other specials
    if cfg.model == "transformer":
        model = GPT(ModelConfig(vocab_size=vocab, block_size=2, layers=1, width=cfg.dim, heads=1))
        # The authors' tiny GPT leaves its position table at PyTorch's default N(0, 1).
        torch.nn.init.normal_(model.pos.weight, 0.0, 1.0 if cfg.pos_std is None else cfg.pos_std)
    elif cfg.model == "mamba":
        model = Mamba(ModelConfig(vocab_size=vocab, block_size=2, layers=1, width=cfg.dim, heads=1),
                      d_state=MAMBA_D_STATE, d_conv=MAMBA_D_CONV, expand=cfg.expand)
    else:
        model = Bilinear(vocab, cfg.dim, embed_std=cfg.embed_std, dropout=cfg.dropout, tied=cfg.tied)
        if cfg.model.startswith("associative"):
            model.freeze_embeddings()
    return model.to(device)


def tiny(cfg: TinyConfig, out: str | Path | None = None, command: str | None = None, overwrite: bool = False,
         memory_check: bool = True) -> TinyResult:
    """Train one model on one tiny graph's edges; score memorization, geometry and spectrum. ``out``,
    ``overwrite`` and ``memory_check`` as for ``experiments.in_weights``."""
    cfg = replace(cfg)  # validate fills the authors' values in: the caller's config stays as given
    cpu = torch.device("cpu") if cfg.model == "node2vec" else None  # Node2Vec's closed form runs on the CPU
    run = start(cfg, out, overwrite=overwrite, memory_check=memory_check, device=cpu)
    with single_thread(run.device):
        return _tiny(cfg, run, command)


def _tiny(cfg: TinyConfig, run, command) -> TinyResult:
    dev = run.device
    graph = tiny_graph(cfg.graph)
    n = graph.num_nodes
    edges = training_edges(cfg, graph)
    neighbours = geo.neighbour_lists(n, edges)
    spaces = spectral.eigenspaces(graph.adjacency())
    model = build_model(cfg, n, dev)
    snap_steps, snaps, history = [], [], []

    def record(step, emb):
        scores, logp = node_scores(cfg, model, n, dev)
        snap_steps.append(step)
        snaps.append(emb.copy())
        rec = {"step": step, "topk_recovery": recovery(cfg, scores, neighbours),
               "geometric_level": geo.geometric_level(emb, graph.forward),
               "spectral_concentration": spectral.concentration(emb, spaces),
               "node_loss": node_averaged_loss(logp, neighbours)}
        if isinstance(model, Bilinear) and model.tied:
            rec["geometric_margin"] = bilinear_margin(model, emb, neighbours)
            rec["geometric_margin_full_vocab"] = bilinear_margin_full_vocab(model, neighbours)
        return rec

    dynamics = None
    if cfg.model == "node2vec":
        targets = targets_matrix(n, edges)
        tnp = targets.numpy()
        proj, cnorm = [], []

        def on_step(step, v):
            emb = v.cpu().numpy()
            p, c = spectral.dynamics_norms(emb, tnp, spaces)
            proj.append(p)
            cnorm.append(c)
            history.append(record(step, emb))

        t1 = time.perf_counter()
        losses = gradient_descent(model, targets, cfg.steps, cfg.lr, record_every=cfg.eval_every, record=on_step)
        train_seconds = time.perf_counter() - t1
        final_loss = float(loss_per_node(model.weight.data, targets).mean())
        dynamics = {"steps": np.array(snap_steps), "eigenvalues": np.array([s.eigenvalue for s in spaces]),
                    "trivial": np.array([s.trivial for s in spaces]), "dims": np.array([s.dim for s in spaces]),
                    "projection": np.array(proj), "c_norm": np.array(cnorm), "loss": np.array(losses)}
        steps_done = cfg.steps
    else:
        def evaluate(step):
            emb = model.token_embeddings[:n].detach().double().cpu().numpy()
            return record(step, emb)

        tr = train(model, FullBatch(edge_examples(edges, n), dev), cfg.train, evaluate=evaluate,
                   desc=f"{cfg.model} on {cfg.graph}")
        history = tr.history
        losses, train_seconds, steps_done = tr.losses, tr.train_seconds, tr.steps
        final_loss = history[-1]["node_loss"]

    emb = snaps[-1]
    scores, _ = node_scores(cfg, model, n, dev)
    metrics = {
        "topk_recovery": recovery(cfg, scores, neighbours),
        "geometric_level": geo.geometric_level(emb, graph.forward),
        **spectral_summary(emb, spaces),
        "final_loss": final_loss,
        "steps": steps_done,
        "train_seconds": round(train_seconds, 3),
        "steps_to_full_recovery": next((h["step"] for h in history if h["topk_recovery"] >= 1.0), None),
        "max_geometric_level": max(h["geometric_level"] for h in history),
        # The most geometric state among those with every edge recovered (None if never recovered).
        "memorized_geometric_level": max((h["geometric_level"] for h in history if h["topk_recovery"] >= 1.0),
                                         default=None),
        # Pairs two hops apart never share a training example: their similarity is structure beyond it (C9).
        "distance2_cosine": geo.cosine_by_distance(emb, graph.adjacency()).get(2),
        "num_nodes": n,
        "connected": graph.connected,
        "device": device_name(dev),
        "config": cfg.record(),
    }
    if dynamics is not None:
        metrics["dynamics"] = dynamics_summary(dynamics)
    if isinstance(model, Bilinear):
        # The skewed (geometry-only) logits E W' E^T need one table on both sides: tied models only.
        metrics["geometric_margin"] = bilinear_margin(model, emb, neighbours) if model.tied else None
        metrics["geometric_margin_full_vocab"] = bilinear_margin_full_vocab(model, neighbours) if model.tied else None
        metrics["edge_margin"] = geo.geometric_margin(scores, neighbours)  # the model's own logits
        if not model.tied:
            # Untied, the read-out table U is a second node embedding: score its geometry the same way.
            out_emb = model.output_embeddings[:n].detach().double().cpu().numpy()
            metrics["output_geometric_level"] = geo.geometric_level(out_emb, graph.forward)
            out_spec = spectral_summary(out_emb, spaces)
            for key in ("spectral_concentration", "fiedler_share"):
                metrics[f"output_{key}"] = out_spec[key]
    result = TinyResult(cfg.record(), metrics, history, list(losses), graph, None, model, spaces=spaces,
                        snapshots={"steps": np.array(snap_steps), "embeddings": np.stack(snaps)},
                        dynamics=dynamics)
    stride = max(1, len(history) // SNAPSHOTS)  # keep the file small: at most ~SNAPSHOTS records
    files = {"embeddings.npy": lambda: save_npy(emb), "graph.json": lambda: save_json(graph.to_json())}
    if dynamics is not None:
        files["dynamics.npz"] = lambda: save_npz(dynamics)
    save(run, metrics, history[:-1:stride] + history[-1:], command, files)
    return result


def tiny_sweep(graphs=TINY_GRAPHS, models=TINY_MODELS, preset: str | None = None, **overrides) -> dict:
    """``{(graph, model): TinyResult}`` for every pair at ``preset`` (default: GEOMEM_SCALE), with
    the tuned settings and ``overrides``."""
    return {(g, m): tiny(from_preset(TinyConfig, BY_PRESET, "tiny", preset, graph=g, model=m, **overrides))
            for g in graphs for m in models}
