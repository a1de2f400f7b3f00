"""The in-context path-star experiment (chapter 01): a GPT trained on fresh graphs given in the prompt,
scored on a fixed, seeded set of held-out graphs. ``experiments`` re-exports it, so the CLI and the
notebooks reach it as ``experiments.in_context``."""
from __future__ import annotations

import math
import time
from dataclasses import asdict, dataclass
from pathlib import Path

import torch
import torch.nn.functional as F

from . import evaluate as ev
from .checks import check_int
from .models import build
from .guard import estimate_sequence_model, run_identity, save_json, write_set
from .results import git_commit, provenance
from .settings import RunSettings
from .runtime import device_name, set_seed
from .tasks.in_context import OBJECTIVES, FreshBatches, InContextTask
from .train import train

EVAL_SEED = 2**31 - 1  # the held-out graphs come from generator seed EVAL_SEED - seed, apart from training's


@dataclass
class InContextConfig(RunSettings):
    degree: int = 2
    path_length: int = 4
    num_labels: int = 20
    objective: str = "forward"
    eval_examples: int = 1000    # held-out graphs scored at every evaluation

    def validate(self) -> "InContextConfig":
        """Every check that can fail, before any work starts."""
        self.task()
        check_int("eval_examples", self.eval_examples, 1)
        self.validate_run()
        return self

    def memory_estimate(self) -> dict:
        """Bytes by part this run needs (``guard.check_memory``), from the sizes alone."""
        t = self.task()
        batches = 8 * 4 * (self.eval_examples + self.batch_size) * t.block_size  # drawn graphs and their rows
        return estimate_sequence_model(self.model, t.vocab_size, t.block_size, self.layers, self.width, self.heads,
                                       self.batch_size, self.path_length, False, batches, self.eval_examples,
                                       self.path_length)

    def task(self) -> InContextTask:
        return InContextTask(self.degree, self.path_length, self.num_labels, self.objective)


def held_out(task: InContextTask, n: int, seed: int, device):
    """The fixed held-out graphs of a run (the same for every objective at the same seed)."""
    return task.draw(n, torch.Generator(device=device).manual_seed(EVAL_SEED - seed))


@torch.no_grad()
def score(model, task: InContextTask, batch) -> dict:
    """Every held-out metric of one model on one batch of graphs."""
    inputs, targets, target_pos = task.layout(batch)
    logits = model.logits(model(inputs)[:, target_pos]).float()
    loss = F.cross_entropy(logits.reshape(-1, logits.shape[-1]), targets.reshape(-1)).item()
    scored = ev.path_accuracy(logits.argmax(-1), targets)  # teacher forced (teacherless: its one pass)
    rec = {"test_loss": loss, "test_teacher_forced": scored["per_position"],
           "test_exact_match": None, "test_per_position": None, "test_exact_match_given_first_hop": None}
    if task.objective == "hardest-token":
        first_hop = logits.argmax(-1)[:, 0]
        rec["test_hardest_token"] = scored["per_position"][0]
    elif task.objective == "teacherless":  # generation is the one parallel pass
        first_hop = logits.argmax(-1)[:, 1]
        rec.update(test_exact_match=scored["exact_match"], test_per_position=scored["per_position"],
                   test_hardest_token=scored["per_position"][1])
    else:
        prompts, answers, ell = task.prompts(batch), task.answers(batch), task.path_length
        decoded = ev.greedy_decode(model, prompts, ell)
        free = ev.path_accuracy(decoded, answers)
        given = ev.greedy_decode(model, torch.cat([prompts, answers[:, :2]], dim=1), ell - 2)
        first_hop = decoded[:, 1] if task.objective == "forward" else None
        rec.update(test_exact_match=free["exact_match"], test_per_position=free["per_position"],
                   test_hardest_token=free["per_position"][task.first_hop_index],
                   test_exact_match_given_first_hop=(given == answers[:, 2:]).all(1).float().mean().item())
    # Is the guessed first hop at least *a* child of the source? (Then a wrong guess is an arm, not noise.)
    rec["test_first_hop_is_child"] = (None if first_hop is None else
                                      (batch.arms[:, :, 1] == first_hop[:, None]).any(1).float().mean().item())
    return rec


def in_context(cfg: InContextConfig, out: str | Path | None = None, resume: bool = False,
               command: str | None = None, desc: str | None = None, overwrite: bool = False,
               memory_check: bool = True):
    """Train a GPT on fresh in-context G(d, l) graphs with one objective; score held-out graphs. ``out``,
    ``overwrite`` and ``memory_check`` as for ``experiments.in_weights``."""
    from .experiments import RunResult, prepare  # experiments imports this module

    out, dev = prepare(cfg, out, resume, overwrite, memory_check)
    t0 = time.perf_counter()
    commit = git_commit()  # the code that runs, not the code when the run ends
    set_seed(cfg.seed)
    task = cfg.task()
    model = build(cfg.model, cfg.model_config(task.vocab_size, task.block_size)).to(dev)
    test = held_out(task, cfg.eval_examples, cfg.seed, dev)
    tr = train(model, FreshBatches(task, cfg.batch_size, dev), cfg.train_config(),
               evaluate=lambda step: score(model, task, test), resume=resume, run=run_identity(cfg),
               desc=desc or f"G({cfg.degree},{cfg.path_length}) in context, {cfg.objective}")
    final = tr.history[-1]
    metrics = {
        "objective": cfg.objective,
        "test_exact_match": final["test_exact_match"],
        "test_exact_match_given_first_hop": final["test_exact_match_given_first_hop"],
        "test_hardest_token": final["test_hardest_token"],
        "test_first_hop_is_child": final["test_first_hop_is_child"],
        "teacher_forced_token_accuracy": final["test_teacher_forced"],
        "test_per_position": final["test_per_position"],
        "test_loss": final["test_loss"],
        "cheat_loss": math.log(cfg.degree) / cfg.path_length,  # mean target loss of the Clever-Hans solution
        "chance": 1.0 / cfg.degree,
        "steps": tr.steps,
        "train_seconds": round(tr.train_seconds, 2),
        "eval_seconds": round(tr.eval_seconds, 2),
        "device": device_name(dev),
        "num_nodes": task.num_nodes,
        "sequence_length": task.layout(test)[0].shape[1],
        "params": model.num_params(embeddings=True),
        "config": asdict(cfg),
        "resumed_from_step": tr.resumed_from or None,  # None: trained from step 0 in this process
    }
    result = RunResult(asdict(cfg), metrics, tr.history, tr.losses, None, task, model)
    if out is not None:
        metrics["provenance"] = provenance(metrics["device"], time.perf_counter() - t0, command, commit)
        write_set(out, {"metrics.json": save_json({**metrics, "history": tr.history})})
    return result
