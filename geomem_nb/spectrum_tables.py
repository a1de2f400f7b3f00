"""The spectral-bias chapter's tables and computed sentences: the eigenvalues of each tiny graph, the
concentration metric on built and random embeddings, one row per Node2Vec run, and the sentences that
say what the energy figure shows, computed from the runs so they cannot disagree with it."""
from __future__ import annotations

import numpy as np

from . import spectral
from .prose import num, words

GRAPH_NAMES = {"star": "the path-star", "grid": "the 4×4 grid", "cycle": "the 15-cycle", "irregular": "the irregular graph"}


def _eigenvalues(spaces) -> str:
    return ", ".join(f"{s.eigenvalue:.3f}" + (f"×{s.dim}" if s.dim > 1 else "") for s in spaces)


def eigenvalue_rows(spaces_by_graph: dict) -> list[dict]:
    """One row per graph: its trivial eigenvalues, then the non-trivial ones (×dimension)."""
    return [{"graph": name, "trivial": _eigenvalues([s for s in spaces if s.trivial]),
             "non-trivial (×dimension)": _eigenvalues(spectral.nontrivial(spaces))}
            for name, spaces in spaces_by_graph.items()]


def metric_controls(graphs: dict, spaces_by_graph: dict, dim: int = 100, seed: int = 0) -> list[dict]:
    """The metric's two ends on each graph: embeddings built from the top two non-trivial eigenspaces
    (1 by construction), a random orthogonal one, and the chance level."""
    rng = np.random.default_rng(seed)
    rows = []
    for name, spaces in spaces_by_graph.items():
        nt = spectral.nontrivial(spaces)
        built = np.concatenate([nt[0].basis, nt[1].basis], axis=1) @ rng.normal(size=(nt[0].dim + nt[1].dim, dim))
        n = graphs[name].num_nodes
        rows.append({"graph": name, "built from the top two eigenspaces": spectral.concentration(built, spaces),
                     "random orthogonal": spectral.concentration(np.linalg.qr(rng.normal(size=(n, n)))[0], spaces),
                     "chance": spectral.concentration_chance(spaces)})
    return rows


def run_rows(runs: dict) -> list[dict]:
    """One row per Node2Vec run: its size, loss, budget and the measures the chapter reads."""
    return [{"graph": name, "nodes": r.metrics["num_nodes"], "dimension": r.metrics["config"]["dim"],
             "loss per node, start": r.losses[0], "loss per node, end": r.metrics["final_loss"],
             "steps": r.metrics["steps"], "edges recovered": r.metrics["topk_recovery"],
             "spectral concentration": r.metrics["spectral_concentration"], "chance": r.metrics["concentration_chance"]}
            for (name, _), r in runs.items()]


def nontrivial_shares(run) -> list[float]:
    """The share of the non-trivial energy on each non-trivial eigenspace, largest eigenvalue first."""
    return [e["share"] for e in run.metrics["spectral_energy"] if not e["trivial"]]


def irregular_row(run, graph) -> dict:
    """The irregular graph: its first shares, and where its top two eigenvectors live (the ring)."""
    ring = graph.components()[0]
    tops = spectral.nontrivial(run.spaces)[:2]
    return {"spectral concentration": run.metrics["spectral_concentration"],
            "shares of the first three non-trivial eigenspaces": ", ".join(num(x) for x in nontrivial_shares(run)[:3]),
            "weight of the top two eigenvectors on the 12-node ring":
                ", ".join(num(float((s.basis[ring] ** 2).sum())) for s in tops)}


def regime(cfg) -> str:
    """The chapter's regime line, from the config every preset runs."""
    return (f"Every preset trains the authors' settings in full: Node2Vec of dimension {cfg.dim}, initialized "
            f"from a unit normal, {cfg.steps:,} full-batch gradient-descent steps at learning rate {cfg.lr:g}, "
            f"seed {cfg.seed}.")


def energy_caption(runs: dict) -> str:
    """What the energy figure shows, per graph: the share on the first bar, on the first two, and chance."""
    parts = []
    for (name, _), r in runs.items():
        s = nontrivial_shares(r)
        parts.append(f"{GRAPH_NAMES.get(name, name)} {num(s[0], 2)} on the first bar and "
                     f"{num(r.metrics['spectral_concentration'], 2)} on the first two "
                     f"(chance {num(r.metrics['concentration_chance'], 2)})")
    return ("*Share of each graph's non-trivial energy on each non-trivial eigenspace after training, largest "
            "eigenvalue on the left (red: negative eigenvalues).* What to see: nearly all of it on the one or two "
            f"bars at the left: {words(parts)}.")
