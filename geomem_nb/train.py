"""The one trainer.

Every step draws one batch from a ``batching.BatchSource`` (by default the layout of the example
sets that the config asks for: packed, padded or buckets; models that cannot keep packed examples
apart, a recurrence has no attention mask, get buckets). Logits are computed only at target
positions. On CUDA: bf16 autocast (fp16 + loss scaling where bf16 is emulated), fused AdamW and,
opt-in, ``torch.compile`` (optionally replayed as CUDA graphs: a step of a small model on 11-token
rows is a few hundred tiny kernels, so launches dominate). On CPU: plain fp32 eager.
"""
from __future__ import annotations

import math
import os
import time
from dataclasses import asdict, dataclass, field

import torch
import torch.nn.functional as F

from .batching import BatchSource, make_layout
from .checks import check_int, finite_number, positive_number
from .guard import check_same_run
from .results import atomic_save
from .runtime import progress


@dataclass
class TrainConfig:
    steps: int = 1000
    batch_size: int = 512
    lr: float = 1e-3
    warmup: int = 100
    weight_decay: float = 0.01
    cosine: bool = True          # cosine decay to lr * min_lr_ratio after warm-up
    min_lr_ratio: float = 0.1
    eval_every: int = 100
    eval_budget: float = 0.0     # skip evaluations while they exceed this fraction of training time (0 = never)
    pack: bool = True            # pack short examples into shared rows (False = pad each to the row length)
    buckets: bool = False        # one row shape per example set: no padding, no mask (overrides pack)
    compile: bool = False        # torch.compile the loss; honoured on CUDA only
    cuda_graphs: bool = False    # with compile: mode "reduce-overhead" (the step replays as CUDA graphs)
    seed: int = 0
    time_budget: float = 0.0     # stop after this many training seconds (0 = no limit)
    checkpoint_dir: str | None = None
    checkpoint_every: int = 0

    def __post_init__(self):
        for name in ("steps", "batch_size", "eval_every"):
            check_int(name, getattr(self, name), 1)
        positive_number("lr", self.lr)
        check_int("warmup", self.warmup, 0)
        finite_number("weight_decay", self.weight_decay)
        if not (isinstance(self.eval_budget, (int, float)) and 0 <= self.eval_budget < 1):
            raise ValueError(f"eval_budget must be a fraction in [0, 1), got {self.eval_budget!r}")


def lr_at(step: int, cfg: TrainConfig) -> float:
    """Linear warm-up, then cosine decay to ``lr * min_lr_ratio`` at the last step."""
    if step < cfg.warmup:
        return cfg.lr * (step + 1) / cfg.warmup
    if not cfg.cosine:
        return cfg.lr
    progress_ = (step - cfg.warmup) / max(1, cfg.steps - cfg.warmup)
    floor = cfg.lr * cfg.min_lr_ratio
    return floor + 0.5 * (1 + math.cos(math.pi * min(progress_, 1.0))) * (cfg.lr - floor)


def _at(h, flat_targets):
    return h.reshape(-1, h.shape[-1]).index_select(0, flat_targets)


def target_loss(model, tokens, pos, mask, flat_targets, targets):
    """Cross-entropy at the target positions only (logits are never formed elsewhere). ``tokens``
    is one block of rows, or a tuple of blocks (``batching.BucketLayout``) with one index tensor each."""
    if isinstance(tokens, tuple):
        h = torch.cat([_at(model(t), f) for t, f in zip(tokens, flat_targets)])
    else:
        h = _at(model(tokens, pos, mask), flat_targets)
    return F.cross_entropy(model.logits(h).float(), targets)


def autocast_dtype(device: torch.device):
    if device.type != "cuda":
        return None
    return torch.bfloat16 if torch.cuda.is_bf16_supported(including_emulation=False) else torch.float16


def make_optimizer(model, cfg: TrainConfig, device):
    decay = [p for p in model.parameters() if p.requires_grad and p.dim() >= 2]
    no_decay = [p for p in model.parameters() if p.requires_grad and p.dim() < 2]
    groups = [{"params": decay, "weight_decay": cfg.weight_decay}, {"params": no_decay, "weight_decay": 0.0}]
    return torch.optim.AdamW(groups, lr=cfg.lr, fused=device.type == "cuda")


@dataclass
class TrainResult:
    history: list = field(default_factory=list)   # evaluation records, one per eval step
    losses: list = field(default_factory=list)    # training loss at every step
    steps: int = 0
    train_seconds: float = 0.0
    eval_seconds: float = 0.0
    compile_seconds: float = 0.0  # first compiled step, not counted in train_seconds
    resumed_from: int = 0


def load_checkpoint(path: str, device) -> dict:
    """A checkpoint's state; an unreadable file is reported in one line naming it."""
    try:
        state = torch.load(path, map_location=device, weights_only=False)
    except Exception as err:  # a truncated or foreign file: pickle, zip and torch errors alike
        detail = (str(err).splitlines() or ["no detail"])[0].split(". ")[0]
        raise ValueError(f"--resume: the checkpoint {path} is unreadable ({type(err).__name__}: {detail}); "
                         "remove it or start without --resume") from None
    if not isinstance(state, dict) or not {"model", "optimizer", "generator", "result"} <= set(state):
        raise ValueError(f"--resume: {path} is not a checkpoint of this package; remove it or start without --resume")
    return state


def train(model, data, cfg: TrainConfig, *, pad_id: int | None = None, evaluate=None, stop=None,
          resume: bool = False, desc: str = "train", run: dict | None = None) -> TrainResult:
    """Train ``model`` on ``data``: a list of ``Examples`` (laid out by ``batching.make_layout``), or
    any ``batching.BatchSource``, e.g. ``tasks.in_context.FreshBatches`` (fresh examples every step). ``evaluate(step) -> dict`` runs every ``cfg.eval_every`` steps (and at steps 0
    and the last); with ``cfg.eval_budget`` an evaluation is skipped while evaluations so far exceed
    that fraction of the training time (a fast compiled step makes a fixed interval costly; the
    history then depends on timing). ``stop(record) -> bool`` may end training early. ``run`` (the
    settings that define the run, ``guard.run_identity``) is saved in every checkpoint, and a resume
    from a checkpoint of another run is refused (``guard.check_same_run``)."""
    device = next(model.parameters()).device
    layout: BatchSource = make_layout(data, cfg, model, pad_id, device) if isinstance(data, (list, tuple)) else data
    opt = make_optimizer(model, cfg, device)
    amp = autocast_dtype(device)
    scaler = torch.amp.GradScaler("cuda", enabled=amp == torch.float16)
    compiled = cfg.compile and device.type == "cuda"
    graphs = compiled and cfg.cuda_graphs
    loss_fn = torch.compile(target_loss, mode="reduce-overhead" if graphs else None) if compiled else target_loss
    gen = torch.Generator(device=device).manual_seed(cfg.seed)
    result = TrainResult()

    ckpt = os.path.join(cfg.checkpoint_dir, "checkpoint.pt") if cfg.checkpoint_dir else None
    if resume and ckpt and os.path.exists(ckpt):
        state = load_checkpoint(ckpt, device)
        if run is not None:
            check_same_run(state.get("run"), run, ckpt)
        model.load_state_dict(state["model"])
        opt.load_state_dict(state["optimizer"])
        scaler.load_state_dict(state["scaler"])
        gen.set_state(state["generator"].cpu())
        torch.set_rng_state(state["cpu_rng"].cpu())
        result = TrainResult(**state["result"])
        result.resumed_from = result.steps

    def run_eval(step):
        if evaluate is None:
            return None
        t0 = time.perf_counter()
        model.eval()
        with torch.no_grad(), torch.autocast(device.type, dtype=amp, enabled=amp is not None):
            record = {"step": step, **evaluate(step)}
        model.train()
        record["train_seconds"] = round(result.train_seconds, 3)
        record["loss"] = result.losses[-1] if result.losses else None
        result.history.append(record)
        result.eval_seconds += time.perf_counter() - t0
        return record

    if result.steps == 0 and not result.history:
        run_eval(0)
    model.train()
    pending = []  # losses kept on the device between evaluations (no per-step sync)
    bar = progress(range(result.steps, cfg.steps), desc=desc, initial=result.steps, total=cfg.steps)
    t_start = time.perf_counter()
    for step in bar:
        for g in opt.param_groups:
            g["lr"] = lr_at(step, cfg)
        tokens, targets = layout.sample(gen)
        if graphs:
            torch.compiler.cudagraph_mark_step_begin()
        with torch.autocast(device.type, dtype=amp, enabled=amp is not None):
            loss = loss_fn(model, tokens, layout.pos, layout.mask, layout.flat_targets, targets)
        opt.zero_grad(set_to_none=True)
        scaler.scale(loss).backward()
        scaler.step(opt)
        scaler.update()
        pending.append(loss.detach().clone() if graphs else loss.detach())  # a graph's output is reused
        done = step + 1
        if compiled and done == result.resumed_from + 1:
            # The first compiled step pays a one-time compilation: report it apart from training time.
            loss.item()
            result.compile_seconds += time.perf_counter() - t_start
            t_start = time.perf_counter()
        at_eval = done % cfg.eval_every == 0 or done == cfg.steps
        at_ckpt = ckpt and cfg.checkpoint_every and done % cfg.checkpoint_every == 0
        if at_eval or at_ckpt:
            result.losses.extend(torch.stack(pending).float().cpu().tolist())
            pending = []
            if not math.isfinite(result.losses[-1]):
                raise FloatingPointError(f"the training loss became {result.losses[-1]} by step {done}; "
                                         "lower lr, or train without compile/cuda_graphs to compare")
            result.train_seconds += time.perf_counter() - t_start  # .cpu() above synchronized
            result.steps = done
            if at_eval and cfg.eval_budget and done != cfg.steps:
                at_eval = result.eval_seconds <= cfg.eval_budget * result.train_seconds
            record = run_eval(done) if at_eval else None
            if at_ckpt:
                atomic_save({"model": model.state_dict(), "optimizer": opt.state_dict(),
                             "scaler": scaler.state_dict(), "generator": gen.get_state(),
                             "cpu_rng": torch.get_rng_state(), "result": asdict(result), "run": run}, ckpt)
            over_time = cfg.time_budget and result.train_seconds >= cfg.time_budget
            if (record is not None and stop is not None and stop(record)) or over_time:
                if record is None:
                    run_eval(done)
                break
            t_start = time.perf_counter()
    bar.close()
    return result


def scaled_lr(lr: float, batch_size: int, new_batch_size: int) -> float:
    """The large-batch rule used here: scale the peak learning rate by sqrt(new / old batch size)
    (Adam-family square-root scaling), keeping the warm-up in steps."""
    return lr * math.sqrt(new_batch_size / batch_size)
