"""How an in-weights run is scored and when it stops: the seeded validation/reported split of the
held-out arms, the evaluator the trainer calls, edge recovery, and the stopping record."""
from __future__ import annotations

import numpy as np
import torch

from .. import evaluate as ev
from .. import first_hop
from ..geometry import diagonal_contrast, nearest_own_accuracy, neighbour_lists, path_averaged_cosines, topk_recovery
from ..tasks.in_weights import InWeightsTask

MAX_TRAIN_EVAL = 1000  # train arms scored at each evaluation (a fixed seeded subset)
MAX_EDGE_EVAL = 1000   # nodes whose edge recovery is scored after training
VALIDATION_FRACTION = 0.2  # held-out arms that decide an early stop (target > 0); never reported
_VALIDATION_STREAM = 1     # the split's own seeded stream: the train-arm subset keeps its draws


def validation_split(graph, seed: int) -> tuple[np.ndarray, np.ndarray]:
    """(validation, reported): the held-out arms of a run with a target, in two disjoint sorted sets.
    The validation arms (a seeded ``VALIDATION_FRACTION``, at least one) decide when training stops;
    every reported held-out number comes from the other arms, so no reported number is selected on
    itself. Arms are drawn by first hop, so a tree-star subtree never sits on both sides (on a
    path-star every arm has its own first hop: a plain 20% of the arms)."""
    test = np.asarray(graph.test_arms)
    hops = np.unique(graph.first_hops[test])
    if len(hops) < 2:
        raise ValueError(f"target > 0 needs held-out arms with at least 2 distinct first hops (validation "
                         f"and reported); this graph's held-out arms have {len(hops)}")
    n_val = max(1, int(VALIDATION_FRACTION * len(hops)))
    val_hops = np.random.default_rng([seed, _VALIDATION_STREAM]).permutation(hops)[:n_val]
    is_val = np.isin(graph.first_hops[test], val_hops)
    return np.sort(test[is_val]), np.sort(test[~is_val])


def in_weights_evaluator(model, task: InWeightsTask, device, seed: int, validation=None,
                         diagnose_first_hop: bool = False):
    """``evaluate(step) -> dict`` for the trainer: held-out and train path accuracy (greedy and
    teacher-forced), the leaf/first-hop diagonal accuracy and the path-averaged diagonal contrast, on
    fixed seeded subsets. Given ``validation`` arms (a run with a target), their exact match is
    recorded apart (``val_*``) and every ``test_*`` number is scored on the other held-out arms only.
    With ``diagnose_first_hop``, each evaluation also records ``first_hop``: ``first_hop.diagnose`` on
    the reported held-out arms."""
    g = task.graph
    rng = np.random.default_rng(seed)
    train_sub = np.sort(rng.permutation(g.train_arms)[:MAX_TRAIN_EVAL])
    reported = g.test_arms if validation is None else np.setdiff1d(g.test_arms, validation)
    test_prompts, test_paths = task.prompts(reported).to(device), task.paths(reported).to(device)
    train_prompts, train_paths = task.prompts(train_sub).to(device), task.paths(train_sub).to(device)
    splits = [("test", test_prompts, test_paths), ("train", train_prompts, train_paths)]
    if validation is not None:
        splits.append(("val", task.prompts(validation).to(device), task.paths(validation).to(device)))
    leaves = torch.as_tensor(g.arms[reported, -1], device=device)
    # Distinct first hops (a tree-star repeats them across the leaves of one subtree); own[i] = row i's.
    hops, own = np.unique(g.first_hops, return_inverse=True)
    first_hops, own_test = torch.as_tensor(hops, device=device), own[reported]
    ell, hop = g.path_length, task.first_hop_index
    n_out = task.target_length  # tokens decoded per path
    # Path-averaged contrast on at most MAX_TRAIN_EVAL held-out arms (cost grows as their square); it
    # needs two arms and two non-root nodes per arm. Only those arms' rows leave the device.
    test_sub = np.sort(rng.permutation(reported)[:MAX_TRAIN_EVAL])
    sub_nodes = torch.as_tensor(g.arms[test_sub].reshape(-1), device=device)
    sub_arms = np.arange(len(sub_nodes)).reshape(len(test_sub), ell)  # arms in the rows of emb[sub_nodes]
    with_path_averaged = len(test_sub) >= 2 and ell >= 3

    def evaluate(step):
        rec = {}
        if task.objective == "hardest-token":
            for split, p, t in splits:
                pred = ev.greedy_decode(model, p, 1)[:, 0]
                rec[f"{split}_hardest_token"] = (pred == t[:, 1]).float().mean().item()
                rec[f"{split}_exact_match"] = None
        else:
            test = ev.path_accuracy(ev.greedy_decode(model, test_prompts, n_out), test_paths)
            train_ = ev.path_accuracy(ev.greedy_decode(model, train_prompts, n_out), train_paths)
            tf = ev.path_accuracy(ev.teacher_forced(model, test_prompts, test_paths), test_paths)
            rec.update(test_exact_match=test["exact_match"], test_per_position=test["per_position"],
                       test_hardest_token=test["per_position"][hop], train_exact_match=train_["exact_match"],
                       train_hardest_token=train_["per_position"][hop],
                       test_teacher_forced=tf["per_position"])
            if validation is not None:
                _, p, t = splits[2]
                val = ev.path_accuracy(ev.greedy_decode(model, p, n_out), t)
                rec.update(val_exact_match=val["exact_match"], val_hardest_token=val["per_position"][hop])
        emb = model.token_embeddings.detach()
        # The clock test reads the weights' size over training (weight decay is the clock's other hand).
        rec["weight_norm"] = float(sum(p.detach().float().pow(2).sum() for p in model.parameters()) ** 0.5)
        rec["leaf_first_hop_diagonal_accuracy"] = nearest_own_accuracy(
            emb[leaves].float().cpu().numpy(), emb[first_hops].float().cpu().numpy(), own_test)
        rec["path_averaged_contrast"] = diagonal_contrast(path_averaged_cosines(
            emb[sub_nodes].float().cpu().numpy(), sub_arms, np.arange(len(sub_arms)))) if with_path_averaged else None
        if diagnose_first_hop:
            rec["first_hop"] = first_hop.diagnose(first_hop.first_hop_logits(model, task, reported, device),
                                                  emb.float().cpu().numpy(), g, reported)
        return rec

    return evaluate


def edge_recovery(model, task: InWeightsTask, device, seed: int) -> float:
    """Top-k edge recovery (k = out-degree) of the ``[EDGE] u`` prompts, on a seeded node subset."""
    g = task.graph
    nodes = np.sort(np.random.default_rng(seed).permutation(g.num_nodes)[:MAX_EDGE_EVAL])
    scores = ev.edge_scores(model, task.token("[EDGE]"), torch.as_tensor(nodes, device=device), g.num_nodes)
    return topk_recovery(scores.cpu().numpy(), neighbour_lists(g.num_nodes, g.edges(task.edges), nodes))


def stopping_record(cfg, history: list, reached, validation, reported) -> dict:
    """How the run's reported evaluation was chosen: the rule, its target, the arms on each side and,
    measured on the validation arms only, when the target was first reached (None: never)."""
    first = next((h for h in history if cfg.target and reached(h)), None)
    if getattr(cfg, "stop_at", 0):  # the steps to a held-out level: the stop is the measurement
        hit = next((h for h in history if (h.get("test_exact_match") or 0) >= cfg.stop_at), None)
        return {"rule": "held-out level reached", "target": cfg.stop_at, "validation_arms": 0,
                "reported_arms": len(reported), "stopped_on_target": hit is not None,
                "step_at_target": None if hit is None else hit["step"],
                "time_to_target": None if hit is None else hit["train_seconds"], "validation_exact_match": None}
    return {"rule": "validation arms" if cfg.target else "end of budget", "target": cfg.target,
            "validation_arms": 0 if validation is None else len(validation), "reported_arms": len(reported),
            "stopped_on_target": bool(cfg.target) and reached(history[-1]),
            "step_at_target": None if first is None else first["step"],
            "time_to_target": None if first is None else first["train_seconds"],
            "validation_exact_match": history[-1].get("val_exact_match")}
