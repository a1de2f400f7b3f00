"""Named experiments shared by the CLI and the notebooks. Each returns a result object and, given
``out``, writes ``metrics.json`` (with provenance), arrays and the graph."""
from __future__ import annotations

import time
from dataclasses import asdict, dataclass, field, replace
from pathlib import Path

import numpy as np
import torch

from . import evaluate as ev
from .checks import check_choice, check_int, positive_number
from .geometry import diagonal_contrast, nearest_own_accuracy, neighbour_lists, path_averaged_cosines, topk_recovery
from .graphs import TREE_STAR_SPLITS, check_tree_star, held_out_count, path_star, tree_star
from .guard import (check_memory, check_outputs, clean_leftovers, estimate_sequence_model, run_identity, save_json,
                    save_npy, write_set)
from .models import build
from .results import git_commit, provenance
from .runtime import device as pick_device, device_name, set_seed
from .settings import RunSettings
from .tasks.in_weights import EDGE_DIRECTIONS, OBJECTIVES, PATH_DIRECTIONS, InWeightsTask
from .train import TrainResult, train

MAX_TRAIN_EVAL = 1000  # train arms scored at each evaluation (a fixed seeded subset)
MAX_EDGE_EVAL = 1000   # nodes whose edge recovery is scored after training
VALIDATION_FRACTION = 0.2  # held-out arms that decide an early stop (target > 0); never reported
_VALIDATION_STREAM = 1     # the split's own seeded stream: the train-arm subset keeps its draws
GRAPH_KINDS = ("path-star", "tree-star")
SCHEDULES = ("mixed", "staged")


@dataclass
class InWeightsConfig(RunSettings):
    degree: int = 1000
    path_length: int = 5
    objective: str = "full-path"
    edges: str = "both"
    pause_tokens: int = 1
    path_direction: str = "forward"  # reverse: leaf -> root targets
    graph: str = "path-star"     # or tree-star T(degree, path_length): every node below the root branches in 2
    split: str = "leaf"          # tree-star held-out leaves: random leaves, or whole first-token subtrees
    schedule: str = "mixed"      # staged: edges alone first (edge_steps at edge_lr), then paths without edges
    edge_steps: int = 0          # staged: steps of the edge phase (the path phase takes ``steps``)
    edge_lr: float = 1e-2        # staged: peak lr of the edge phase (the paper's phase-1 value)
    freeze_embeddings: bool = False
    pack: bool = True
    buckets: bool = False        # each example set in rows of its own length (see train.BucketLayout)
    target: float = 0.0          # stop once the validation arms' exact match reaches this (0 = never)

    def validate(self) -> "InWeightsConfig":
        """Every check that can fail, before any work starts."""
        check_int("degree", self.degree, 2)
        check_int("path_length", self.path_length, 2)
        check_int("pause_tokens", self.pause_tokens, 0)
        check_choice("objective", self.objective, OBJECTIVES)
        check_choice("edges", self.edges, EDGE_DIRECTIONS)
        if not 0 <= self.target <= 1:
            raise ValueError(f"target must lie in [0, 1], got {self.target!r}")
        for name, allowed in (("path_direction", PATH_DIRECTIONS), ("graph", GRAPH_KINDS),
                              ("split", TREE_STAR_SPLITS), ("schedule", SCHEDULES)):
            check_choice(name, getattr(self, name), allowed)
        if self.schedule == "staged":
            check_int("edge_steps", self.edge_steps, 1)
            if self.objective == "edges-only":
                raise ValueError("schedule staged needs a path objective (full-path or hardest-token)")
            if self.checkpoint_dir:
                raise ValueError("checkpoint_dir is not supported with schedule staged")
        positive_number("edge_lr", self.edge_lr)
        self.validate_run()
        if self.schedule == "staged" and self.warmup > self.edge_steps:
            raise ValueError(f"warmup ({self.warmup}) must not exceed edge_steps ({self.edge_steps}): the edge "
                             "phase would never leave warm-up")
        # The task's checks (e.g. reverse + hardest-token) need no graph; sizes come from formulas, so a
        # huge graph is refused (or sized by the memory check) before anything is built.
        InWeightsTask(None, self.pause_tokens, self.objective, self.edges, self.path_direction)
        self.sizes()
        if self.target:  # enough held-out arms for a validation and a reported side
            hops = self._held_out_hops()
            if hops is None:  # tree-star leaf split on a small tree: only the draw can say
                validation_split(self.make_graph(), self.seed)
            elif hops < 2:
                raise ValueError(f"target > 0 needs held-out arms with at least 2 distinct first hops (validation "
                                 f"and reported); this graph's held-out arms have {hops}")
        return self

    def sizes(self) -> dict:
        """The graph's sizes from the formulas (nothing built): nodes, arm rows, held-out rows."""
        if self.graph == "tree-star":
            _, _, nodes = check_tree_star(self.degree, self.path_length, self.split)
            rows = self.degree * 2 ** (self.path_length - 2)
        else:
            nodes, rows = self.degree * (self.path_length - 1) + 1, self.degree
        held_out = held_out_count(rows)
        if self.graph == "tree-star" and self.split == "first-token":  # whole subtrees held out
            held_out = held_out_count(self.degree) * 2 ** (self.path_length - 2)
        return {"nodes": nodes, "rows": rows, "held_out": held_out}

    def _held_out_hops(self) -> int | None:
        """Distinct first hops among the held-out arms, None where only the seeded draw decides."""
        if self.graph != "tree-star":
            return held_out_count(self.degree)
        if self.split == "first-token":
            return held_out_count(self.degree)
        per_subtree = 2 ** (self.path_length - 2)
        return 2 if self.sizes()["held_out"] > per_subtree else None  # pigeonhole: more leaves than one subtree

    def memory_estimate(self) -> dict:
        """Bytes by part this run needs (``guard.check_memory``), from the sizes alone."""
        s = self.sizes()
        vocab, block, ell = s["nodes"] + 4, 2 + self.pause_tokens + self.path_length - 1, self.path_length
        edges = (1 if self.edges in ("forward", "backward") else 2) * (s["nodes"] - 1)
        paths = 0 if self.objective == "edges-only" else s["rows"] - s["held_out"]
        per_path = 1 if self.objective == "hardest-token" else ell
        targets_per_row = (edges + paths * per_path) / max(1, edges + paths)
        graph = 8 * 2 * (2 * s["nodes"] + s["rows"] * ell + 3 * edges + paths * (block + ell))
        return estimate_sequence_model(self.model, vocab, block, self.layers, self.width, self.heads,
                                       self.batch_size, targets_per_row, self.freeze_embeddings, graph,
                                       s["held_out"], ell)

    def make_graph(self):
        if self.graph == "tree-star":
            return tree_star(self.degree, self.path_length, seed=self.seed, split=self.split)
        return path_star(self.degree, self.path_length, seed=self.seed)

    def make_task(self) -> InWeightsTask:
        return InWeightsTask(self.make_graph(), self.pause_tokens, self.objective, self.edges, self.path_direction)


@dataclass
class RunResult:
    config: dict
    metrics: dict
    history: list
    losses: list
    graph: object = field(repr=False, default=None)
    task: object = field(repr=False, default=None)
    model: object = field(repr=False, default=None)

    def curve(self, key: str):
        """(steps, values) of one metric over training."""
        pts = [(h["step"], h[key]) for h in self.history if h.get(key) is not None]
        return np.array([p[0] for p in pts]), np.array([p[1] for p in pts])

    def embeddings(self) -> np.ndarray:
        """Token-embedding rows of the nodes: row i = node i."""
        return self.model.token_embeddings[: self.graph.num_nodes].detach().float().cpu().numpy()


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


def in_weights_evaluator(model, task: InWeightsTask, device, seed: int, validation=None):
    """``evaluate(step) -> dict`` for the trainer: held-out and train path accuracy (greedy and
    teacher-forced), the leaf/first-hop diagonal accuracy and the path-averaged diagonal contrast, on
    fixed seeded subsets. Given ``validation`` arms (a run with a target), their exact match is
    recorded apart (``val_*``) and every ``test_*`` number is scored on the other held-out arms only."""
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
            test = ev.path_accuracy(ev.greedy_decode(model, test_prompts, ell), test_paths)
            train_ = ev.path_accuracy(ev.greedy_decode(model, train_prompts, ell), train_paths)
            tf = ev.path_accuracy(ev.teacher_forced(model, test_prompts, test_paths), test_paths)
            rec.update(test_exact_match=test["exact_match"], test_per_position=test["per_position"],
                       test_hardest_token=test["per_position"][hop], train_exact_match=train_["exact_match"],
                       train_hardest_token=train_["per_position"][hop],
                       test_teacher_forced=tf["per_position"])
            if validation is not None:
                _, p, t = splits[2]
                val = ev.path_accuracy(ev.greedy_decode(model, p, ell), t)
                rec.update(val_exact_match=val["exact_match"], val_hardest_token=val["per_position"][hop])
        emb = model.token_embeddings.detach()
        rec["leaf_first_hop_diagonal_accuracy"] = nearest_own_accuracy(
            emb[leaves].float().cpu().numpy(), emb[first_hops].float().cpu().numpy(), own_test)
        rec["path_averaged_contrast"] = diagonal_contrast(path_averaged_cosines(
            emb[sub_nodes].float().cpu().numpy(), sub_arms, np.arange(len(sub_arms)))) if with_path_averaged else None
        return rec

    return evaluate


def edge_recovery(model, task: InWeightsTask, device, seed: int) -> float:
    """Top-k edge recovery (k = out-degree) of the ``[EDGE] u`` prompts, on a seeded node subset."""
    g = task.graph
    nodes = np.sort(np.random.default_rng(seed).permutation(g.num_nodes)[:MAX_EDGE_EVAL])
    scores = ev.edge_scores(model, task.token("[EDGE]"), torch.as_tensor(nodes, device=device), g.num_nodes)
    return topk_recovery(scores.cpu().numpy(), neighbour_lists(g.num_nodes, g.edges(task.edges), nodes))


def stopping_record(cfg: InWeightsConfig, history: list, reached, validation, reported) -> dict:
    """How the run's reported evaluation was chosen: the rule, its target, the arms on each side and,
    measured on the validation arms only, when the target was first reached (None: never)."""
    first = next((h for h in history if cfg.target and reached(h)), None)
    return {"rule": "validation arms" if cfg.target else "end of budget", "target": cfg.target,
            "validation_arms": 0 if validation is None else len(validation), "reported_arms": len(reported),
            "stopped_on_target": bool(cfg.target) and reached(history[-1]),
            "step_at_target": None if first is None else first["step"],
            "time_to_target": None if first is None else first["train_seconds"],
            "validation_exact_match": history[-1].get("val_exact_match")}


def graph_name(cfg: InWeightsConfig) -> str:
    return f"{'T' if cfg.graph == 'tree-star' else 'G'}({cfg.degree},{cfg.path_length})"


def staged(model, task: InWeightsTask, cfg: InWeightsConfig, evaluate, stop, desc: str):
    """Two-phase training (the paper's App. D.3): the edges alone for ``edge_steps`` at ``edge_lr``, then
    the path examples alone (no edge replay) for ``steps`` at ``lr``. One history, steps counted
    from the start of phase 1; every record says its phase."""
    pad = task.token("[PAD]")
    edges = train(model, [task.edge_examples()], replace(cfg.train_config(), steps=cfg.edge_steps, lr=cfg.edge_lr),
                  pad_id=pad, evaluate=evaluate, desc=f"{desc}, edge phase")
    # What the edge phase learned, before the path phase can overwrite it (a collapse of the path
    # phase is evidence only if the edges were memorized first).
    edges.history[-1]["edge_recovery"] = edge_recovery(model.eval(), task, next(model.parameters()).device, cfg.seed)
    paths = train(model, task.training_examples()[1:], cfg.train_config(), pad_id=pad,
                  evaluate=evaluate, stop=stop, desc=f"{desc}, path phase")
    for r in edges.history:
        r["phase"] = "edges"
    for r in paths.history:
        r.update(phase="paths", step=r["step"] + edges.steps, train_seconds=r["train_seconds"] + edges.train_seconds)
    return TrainResult(history=edges.history + paths.history[1:], losses=edges.losses + paths.losses,
                       steps=edges.steps + paths.steps, train_seconds=edges.train_seconds + paths.train_seconds,
                       eval_seconds=edges.eval_seconds + paths.eval_seconds)


def prepare(cfg, out, resume: bool, overwrite: bool, memory_check: bool):
    """Every check before any work (settings, outputs, device, memory), then the leftovers of a
    killed run cleaned: (out as a Path or None, device)."""
    cfg.validate()
    out = check_outputs(out, cfg.checkpoint_dir, overwrite=overwrite, resume=resume)
    dev = pick_device()
    if memory_check:
        check_memory(cfg.memory_estimate(), dev)
    clean_leftovers(out, cfg.checkpoint_dir)
    return out, dev


def in_weights(cfg: InWeightsConfig, out: str | Path | None = None, resume: bool = False,
               command: str | None = None, desc: str | None = None, save_embeddings: bool = True,
               save_graph: bool = True, overwrite: bool = False, memory_check: bool = True) -> RunResult:
    """Train a GPT on one G(d, l) in its weights and score held-out leaves. ``out`` (a folder) gets the
    result set, written as one (``guard.write_set``); a folder holding a finished run is refused unless
    ``overwrite`` or ``resume``; a run that cannot fit in memory is refused unless not ``memory_check``."""
    out, dev = prepare(cfg, out, resume, overwrite, memory_check)
    t0 = time.perf_counter()
    commit = git_commit()  # the code that runs, not the code when the run ends
    set_seed(cfg.seed)
    task = cfg.make_task()
    graph = task.graph
    model = build(cfg.model, cfg.model_config(task.vocab_size, task.block_size)).to(dev)
    if cfg.freeze_embeddings:
        model.freeze_embeddings()
    # With a target, the stop is decided on validation arms and reported on the others (validation_split).
    validation, reported = validation_split(graph, cfg.seed) if cfg.target else (None, graph.test_arms)
    evaluate = in_weights_evaluator(model, task, dev, cfg.seed, validation)
    reached = (lambda r: (r.get("val_exact_match") or 0) >= cfg.target)
    stop = reached if cfg.target else None
    desc = desc or f"{graph_name(cfg)} {cfg.objective}"
    if cfg.schedule == "staged":
        tr = staged(model, task, cfg, evaluate, stop, desc)
    else:
        tr = train(model, task.training_examples(), cfg.train_config(), pad_id=task.token("[PAD]"),
                   evaluate=evaluate, stop=stop, resume=resume, desc=desc, run=run_identity(cfg, graph))
    final = dict(tr.history[-1])
    stopping = stopping_record(cfg, tr.history, reached, validation, reported)
    metrics = {
        "test_exact_match": final.get("test_exact_match"),
        "test_hardest_token": final.get("test_hardest_token"),
        "train_exact_match": final.get("train_exact_match"),
        "leaf_first_hop_diagonal_accuracy": final["leaf_first_hop_diagonal_accuracy"],
        "path_averaged_contrast": final.get("path_averaged_contrast"),
        "edge_recovery": edge_recovery(model.eval(), task, dev, cfg.seed),
        "edge_phase_edge_recovery": next((h["edge_recovery"] for h in tr.history if "edge_recovery" in h), None),
        "test_per_position": final.get("test_per_position"),
        "test_teacher_forced": final.get("test_teacher_forced"),
        "chance": 1.0 / graph.num_leaves,
        "steps": tr.steps,
        "train_seconds": round(tr.train_seconds, 2),
        "eval_seconds": round(tr.eval_seconds, 2),
        "compile_seconds": round(tr.compile_seconds, 2),
        "time_to_target": stopping["time_to_target"],  # on the validation arms (kept for old readers)
        "stopping": stopping,
        "device": device_name(dev),
        "num_nodes": graph.num_nodes,
        "params": model.num_params(embeddings=True),
        "config": asdict(cfg),
        "resumed_from_step": tr.resumed_from or None,  # None: trained from step 0 in this process
    }
    result = RunResult(asdict(cfg), metrics, tr.history, tr.losses, graph, task, model)
    if out is not None:
        metrics["provenance"] = provenance(metrics["device"], time.perf_counter() - t0, command, commit)
        files = {"metrics.json": save_json({**metrics, "history": tr.history})}
        if save_embeddings:
            files["embeddings.npy"] = save_npy(result.embeddings())
        if save_graph:
            files["graph.json"] = save_json(graph.to_json())
        write_set(out, files)
    return result


# The in-context chapter's experiment lives in its own module (it needs RunResult above).
from .in_context import InContextConfig, in_context  # noqa: E402

CONFIGS = {"in-weights": InWeightsConfig, "in-weights-small": InWeightsConfig, "in-context": InContextConfig}

# Tiny-graph edge memorization (chapters 05-06), in its own module; it registers CONFIGS["tiny"].
from . import tiny as _tiny  # noqa: E402,F401
