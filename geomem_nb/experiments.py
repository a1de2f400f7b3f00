"""Named experiments shared by the CLI and the notebooks. Each returns a result object and, given
``out``, writes ``metrics.json`` (with provenance), arrays and the graph."""
from __future__ import annotations

import time
from dataclasses import asdict, dataclass, field, replace
from pathlib import Path

import numpy as np
import torch

from . import evaluate as ev
from .geometry import nearest_own_accuracy, neighbour_lists, topk_recovery
from .graphs import TREE_STAR_SPLITS, check_int, path_star, tree_star
from .models import build
from .results import git_commit, provenance, write_json
from .runtime import device as pick_device, device_name, set_seed
from .settings import RunSettings
from .tasks.in_weights import EDGE_DIRECTIONS, OBJECTIVES, PATH_DIRECTIONS, InWeightsTask
from .train import TrainResult, train

MAX_TRAIN_EVAL = 1000  # train arms scored at each evaluation (a fixed seeded subset)
MAX_EDGE_EVAL = 1000   # nodes whose edge recovery is scored after training
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
    target: float = 0.0          # stop once held-out exact match reaches this (0 = never)

    def validate(self) -> "InWeightsConfig":
        """Every check that can fail, before any work starts."""
        check_int("degree", self.degree, 2)
        check_int("path_length", self.path_length, 2)
        check_int("pause_tokens", self.pause_tokens, 0)
        if self.objective not in OBJECTIVES:
            raise ValueError(f"objective must be one of {', '.join(OBJECTIVES)}; got {self.objective!r}")
        if self.edges not in EDGE_DIRECTIONS:
            raise ValueError(f"edges must be one of {', '.join(EDGE_DIRECTIONS)}; got {self.edges!r}")
        if not 0 <= self.target <= 1:
            raise ValueError(f"target must lie in [0, 1], got {self.target!r}")
        for name, allowed in (("path_direction", PATH_DIRECTIONS), ("graph", GRAPH_KINDS),
                              ("split", TREE_STAR_SPLITS), ("schedule", SCHEDULES)):
            if getattr(self, name) not in allowed:
                raise ValueError(f"{name} must be one of {', '.join(allowed)}; got {getattr(self, name)!r}")
        if self.schedule == "staged":
            check_int("edge_steps", self.edge_steps, 1)
            if self.objective == "edges-only":
                raise ValueError("schedule staged needs a path objective (full-path or hardest-token)")
            if self.checkpoint_dir:
                raise ValueError("checkpoint_dir is not supported with schedule staged")
        if not (self.edge_lr > 0):
            raise ValueError(f"edge_lr must be a positive number, got {self.edge_lr!r}")
        self.validate_run()
        self.make_task()  # the graph and task checks (e.g. tree-star size, reverse + hardest-token)
        return self

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


def in_weights_evaluator(model, task: InWeightsTask, device, seed: int):
    """``evaluate(step) -> dict`` for the trainer: held-out and train path accuracy (greedy and
    teacher-forced) and the leaf/first-hop diagonal accuracy, on fixed seeded subsets."""
    g = task.graph
    rng = np.random.default_rng(seed)
    train_sub = np.sort(rng.permutation(g.train_arms)[:MAX_TRAIN_EVAL])
    test_prompts, test_paths = task.prompts(g.test_arms).to(device), task.paths(g.test_arms).to(device)
    train_prompts, train_paths = task.prompts(train_sub).to(device), task.paths(train_sub).to(device)
    leaves = torch.as_tensor(g.arms[g.test_arms, -1], device=device)
    # Distinct first hops (a tree-star repeats them across the leaves of one subtree); own[i] = row i's.
    hops, own = np.unique(g.first_hops, return_inverse=True)
    first_hops, own_test = torch.as_tensor(hops, device=device), own[g.test_arms]
    ell, hop = g.path_length, task.first_hop_index

    def evaluate(step):
        rec = {}
        if task.objective == "hardest-token":
            for split, p, t in (("test", test_prompts, test_paths), ("train", train_prompts, train_paths)):
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
        emb = model.token_embeddings.detach()
        rec["leaf_first_hop_diagonal_accuracy"] = nearest_own_accuracy(
            emb[leaves].float().cpu().numpy(), emb[first_hops].float().cpu().numpy(), own_test)
        return rec

    return evaluate


def edge_recovery(model, task: InWeightsTask, device, seed: int) -> float:
    """Top-k edge recovery (k = out-degree) of the ``[EDGE] u`` prompts, on a seeded node subset."""
    g = task.graph
    nodes = np.sort(np.random.default_rng(seed).permutation(g.num_nodes)[:MAX_EDGE_EVAL])
    scores = ev.edge_scores(model, task.token("[EDGE]"), torch.as_tensor(nodes, device=device), g.num_nodes)
    return topk_recovery(scores.cpu().numpy(), neighbour_lists(g.num_nodes, g.edges(task.edges), nodes))


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


def in_weights(cfg: InWeightsConfig, out: str | Path | None = None, resume: bool = False,
               command: str | None = None, desc: str | None = None, save_embeddings: bool = True,
               save_graph: bool = True) -> RunResult:
    """Train a GPT on one G(d, l) in its weights and score held-out leaves."""
    cfg.validate()
    t0 = time.perf_counter()
    commit = git_commit()  # the code that runs, not the code when the run ends
    set_seed(cfg.seed)
    dev = pick_device()
    task = cfg.make_task()
    graph = task.graph
    model = build(cfg.model, cfg.model_config(task.vocab_size, task.block_size)).to(dev)
    if cfg.freeze_embeddings:
        model.freeze_embeddings()
    evaluate = in_weights_evaluator(model, task, dev, cfg.seed)
    stop = (lambda r: (r.get("test_exact_match") or 0) >= cfg.target) if cfg.target else None
    desc = desc or f"{graph_name(cfg)} {cfg.objective}"
    if cfg.schedule == "staged":
        tr = staged(model, task, cfg, evaluate, stop, desc)
    else:
        tr = train(model, task.training_examples(), cfg.train_config(), pad_id=task.token("[PAD]"),
                   evaluate=evaluate, stop=stop, resume=resume, desc=desc)
    final = dict(tr.history[-1])
    metrics = {
        "test_exact_match": final.get("test_exact_match"),
        "test_hardest_token": final.get("test_hardest_token"),
        "train_exact_match": final.get("train_exact_match"),
        "leaf_first_hop_diagonal_accuracy": final["leaf_first_hop_diagonal_accuracy"],
        "edge_recovery": edge_recovery(model.eval(), task, dev, cfg.seed),
        "edge_phase_edge_recovery": next((h["edge_recovery"] for h in tr.history if "edge_recovery" in h), None),
        "test_per_position": final.get("test_per_position"),
        "test_teacher_forced": final.get("test_teacher_forced"),
        "chance": 1.0 / graph.num_leaves,
        "steps": tr.steps,
        "train_seconds": round(tr.train_seconds, 2),
        "eval_seconds": round(tr.eval_seconds, 2),
        "compile_seconds": round(tr.compile_seconds, 2),
        "time_to_target": next((h["train_seconds"] for h in tr.history
                                if cfg.target and (h.get("test_exact_match") or 0) >= cfg.target), None),
        "device": device_name(dev),
        "num_nodes": graph.num_nodes,
        "params": model.num_params(embeddings=True),
        "config": asdict(cfg),
    }
    result = RunResult(asdict(cfg), metrics, tr.history, tr.losses, graph, task, model)
    if out is not None:
        out = Path(out)
        metrics["provenance"] = provenance(metrics["device"], time.perf_counter() - t0, command, commit)
        write_json({**metrics, "history": tr.history}, out / "metrics.json")
        if save_embeddings:
            np.save(out / "embeddings.npy", result.embeddings())
        if save_graph:
            write_json(graph.to_json(), out / "graph.json")
    return result


# The in-context chapter's experiment lives in its own module (it needs RunResult above).
from .in_context import InContextConfig, in_context  # noqa: E402

CONFIGS = {"in-weights": InWeightsConfig, "in-weights-small": InWeightsConfig, "in-context": InContextConfig}

# Tiny-graph edge memorization (chapters 05-06), in its own module; it registers CONFIGS["tiny"].
from . import tiny as _tiny  # noqa: E402,F401
