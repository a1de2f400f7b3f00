"""Why the first hop fails on long arms (chapter 09): at the first-hop position of held-out leaves
(the prompt and the true root given), what a trained in-weights model predicts, and how far its
logits and its embeddings are from the right answer.

The hypotheses it separates: the path head has learned the *training* first hops and suppresses the
held-out ones (H1: its argmax lands on training first hops; restricted to the held-out hops it would
be right), or the first hop's signal is too weak to find at all (H2/H3: restricted argmaxes are wrong
too, and the embedding margin is small)."""
from __future__ import annotations

import numpy as np
import torch

from .geometry import cosine_matrix

# The shares of the argmax at the first hop: where the model's guess lands. They sum to 1.
SHARES = ("correct", "other_held_out_first_hop", "training_first_hop", "not_a_first_hop")


@torch.no_grad()
def first_hop_logits(model, task, arm_ids, device) -> np.ndarray:
    """Logits over the node ids at the first hop of ``arm_ids``'s forward paths, the true root given
    (teacher-forced), (n, num_nodes). A hardest-token model answers the first hop right after the
    prompt (its training examples), so it is asked there."""
    if task.path_direction != "forward":
        raise ValueError("the first-hop diagnosis needs path_direction forward (the first hop is then "
                         "position 2 of the target)")
    prompts, paths = task.prompts(arm_ids).to(device), task.paths(arm_ids).to(device)
    given = 0 if task.objective == "hardest-token" else task.first_hop_index
    seq = torch.cat([prompts, paths[:, :given]], dim=1)
    return model.next_token_logits(seq)[:, :task.graph.num_nodes].float().cpu().numpy()


def _hop_sets(graph, arm_ids) -> tuple[np.ndarray, np.ndarray]:
    """(training first hops, held-out first hops not among them), sorted node ids."""
    train = np.unique(graph.first_hops[graph.train_arms])
    held = np.setdiff1d(np.unique(graph.first_hops[np.asarray(arm_ids)]), train)
    return train, held


def _restricted_accuracy(logits: np.ndarray, candidates: np.ndarray, own: np.ndarray) -> float:
    """Accuracy of the argmax over ``candidates`` only."""
    return float(np.mean(candidates[logits[:, candidates].argmax(1)] == own))


def diagnose(logits: np.ndarray, embeddings: np.ndarray, graph, arm_ids) -> dict:
    """The diagnosis of the first hop of ``arm_ids`` (held-out arms) from ``logits`` (n, num_nodes;
    ``first_hop_logits``) and the token ``embeddings`` (rows = node ids):

    - ``share_<where>``: where the argmax over every node lands (``SHARES``: the own first hop,
      another held-out first hop, a training first hop, or no child of the root);
    - ``accuracy_among_first_hops`` / ``accuracy_among_held_out``: the argmax over the root's
      children only / over the held-out first hops only (chance: 1 / their count);
    - ``logit_gap``: mean of (best training first hop's logit - the own first hop's); > 0 where a
      training first hop outbids the right answer;
    - ``cosine_margin``: mean of cos(leaf, own first hop) - max over the other first hops of
      cos(leaf, that hop); > 0 on an arm where the one-step look-up of the geometry is right.
    """
    arm_ids = np.asarray(arm_ids)
    if logits.shape != (len(arm_ids), graph.num_nodes):
        raise ValueError(f"logits must be (len(arm_ids), num_nodes) = ({len(arm_ids)}, {graph.num_nodes}), "
                         f"got {logits.shape}")
    own, leaves = graph.first_hops[arm_ids], graph.leaves[arm_ids]
    train, held = _hop_sets(graph, arm_ids)
    hops = np.union1d(train, held)
    pred = logits.argmax(1)
    in_held, in_train = np.isin(pred, held), np.isin(pred, train)
    out = {"share_correct": float(np.mean(pred == own)),
           "share_other_held_out_first_hop": float(np.mean(in_held & (pred != own))),
           "share_training_first_hop": float(np.mean(in_train & (pred != own))),
           "share_not_a_first_hop": float(np.mean(~np.isin(pred, hops))),
           "accuracy_among_first_hops": _restricted_accuracy(logits, hops, own),
           "chance_among_first_hops": 1 / len(hops),
           # a tree-star split at the leaf holds out no first hop of its own
           "accuracy_among_held_out": _restricted_accuracy(logits, held, own) if len(held) else None,
           "chance_among_held_out": 1 / len(held) if len(held) else None}
    rows = np.arange(len(arm_ids))
    out["logit_gap"] = float(np.mean(logits[:, train].max(1) - logits[rows, own]))
    cos = cosine_matrix(embeddings[leaves], embeddings[hops])  # (n, first hops)
    own_col = np.searchsorted(hops, own)
    mine = cos[rows, own_col]
    cos[rows, own_col] = -np.inf
    out["cosine_margin"] = float(np.mean(mine - cos.max(1)))
    return out


# The reading of a failing cell: what its wrong first hops say about why it fails. "Far above chance":
# at least FAR times the chance of the held-out first hops, and at least FLOOR.
FAR, FLOOR = 5, 0.25
READINGS = {
    "H1": "outbid: most wrong guesses are training first hops, while among the held-out first hops alone the "
          "right one is found far above chance (the path head has learned the training first hops and "
          "suppresses the unseen ones)",
    "H2/H3": "not found: among the held-out first hops alone the model is still near chance (the first hop's "
             "signal is too weak for this model to read, whatever the training hops do)",
    "mixed": "neither pattern",
}


def reading(d: dict, level: float = 0.5) -> str | None:
    """Which hypothesis a diagnosis (``diagnose``) supports: None where the cell does not fail (its own
    first hop is right on at least ``level`` of the held-out leaves); else a key of ``READINGS``."""
    if d["share_correct"] >= level:
        return None
    held, chance = d["accuracy_among_held_out"], d["chance_among_held_out"]
    if held is None:
        return "mixed"
    found = held >= max(FAR * chance, FLOOR)
    if found and d["share_training_first_hop"] >= level * (1 - d["share_correct"]):
        return "H1"
    return "mixed" if found else "H2/H3"
