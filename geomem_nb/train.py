"""The one trainer.

Every step draws examples uniformly (with replacement, from a seeded generator on the device) from
each example set, in proportion to the sets' sizes, so edge and path examples are mixed in every
batch. Short examples are *packed*: several 2-token edge examples share one row, each with its own
positions and a block-diagonal causal mask, so no compute is spent padding edges to path length.
Alternatively (``buckets``) each set fills rows of its own length, with no mask at all.
Logits are computed only at target positions. On CUDA: bf16 autocast (fp16 + loss scaling where
bf16 is emulated), fused AdamW and, opt-in, ``torch.compile`` (optionally replayed as CUDA graphs:
a step of a small model on 11-token rows is a few hundred tiny kernels, so launches dominate).
On CPU: plain fp32 eager. Models that cannot keep packed examples apart (a recurrence has no
attention mask) get buckets instead.
"""
from __future__ import annotations

import math
import os
import time
from dataclasses import asdict, dataclass, field

import torch
import torch.nn.functional as F

from .results import atomic_save
from .runtime import progress
from .tasks.examples import Examples


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
            v = getattr(self, name)
            if isinstance(v, bool) or not isinstance(v, int) or v <= 0:
                raise ValueError(f"{name} must be a positive integer, got {v!r}")
        if not (isinstance(self.lr, (int, float)) and self.lr > 0 and math.isfinite(self.lr)):
            raise ValueError(f"lr must be a positive number, got {self.lr!r}")
        if not isinstance(self.warmup, int) or self.warmup < 0:
            raise ValueError(f"warmup must be an integer >= 0, got {self.warmup!r}")
        if self.weight_decay < 0:
            raise ValueError(f"weight_decay must be >= 0, got {self.weight_decay!r}")
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


def mix_counts(sizes: list[int], batch_size: int) -> list[int]:
    """Examples per step from each set, proportional to the set sizes, at least one each."""
    total = sum(sizes)
    counts = [max(1, round(batch_size * s / total)) for s in sizes]
    counts[counts.index(max(counts))] += batch_size - sum(counts)
    return counts


class BatchLayout:
    """The static shape of every batch: which rows hold which set, positions, mask, target slots.

    Set i contributes ``rows[i]`` rows of length ``T`` holding ``per_row[i]`` examples each.
    """

    def __init__(self, sets: list[Examples], batch_size: int, pack: bool, pad_id: int, device):
        self.sets, self.pad_id = sets, pad_id
        self.T = max(s.length for s in sets)
        self.per_row = [self.T // s.length if pack else 1 for s in sets]
        counts = mix_counts([len(s) for s in sets], batch_size)
        self.rows = [math.ceil(c / r) for c, r in zip(counts, self.per_row)]
        self.counts = [n * r for n, r in zip(self.rows, self.per_row)]
        pos, seg, flat = [], [], []
        row0 = 0
        for s, r, n in zip(sets, self.per_row, self.rows):
            t = s.length
            p = torch.zeros(self.T, dtype=torch.long)
            g = torch.arange(self.T) + self.T  # padding: a segment of its own per slot
            for k in range(r):
                p[k * t:(k + 1) * t] = torch.arange(t)
                g[k * t:(k + 1) * t] = k
            slots = (torch.arange(r)[:, None] * t + s.target_pos.cpu()[None, :]).reshape(-1)
            rows = torch.arange(row0, row0 + n)
            flat.append((rows[:, None] * self.T + slots[None, :]).reshape(-1))
            pos.append(p.expand(n, -1))
            seg.append(g.expand(n, -1))
            row0 += n
        self.pos = torch.cat(pos).to(device)
        self.flat_targets = torch.cat(flat).to(device)
        seg = torch.cat(seg)
        causal = torch.ones(self.T, self.T, dtype=torch.bool).tril()
        # A mask is needed only when rows hold several examples; padded single rows are causal-safe.
        if any(r > 1 for r in self.per_row):
            same = seg[:, :, None] == seg[:, None, :]
            self.mask = (same & causal).unsqueeze(1).to(device)
        else:
            self.mask = None
        self.real_tokens = sum(c * s.length for c, s in zip(self.counts, sets))
        self.row_tokens = row0 * self.T
        self.num_targets = len(self.flat_targets)

    def sample(self, gen: torch.Generator):
        """One batch: (tokens (R, T), targets (M,))."""
        tokens, targets = [], []
        for s, r, n, c in zip(self.sets, self.per_row, self.rows, self.counts):
            idx = torch.randint(len(s), (c,), generator=gen, device=s.inputs.device)
            x = s.inputs[idx].view(n, r * s.length)
            if x.shape[1] < self.T:
                x = F.pad(x, (0, self.T - x.shape[1]), value=self.pad_id)
            tokens.append(x)
            targets.append(s.targets[idx].reshape(-1))
        return torch.cat(tokens), torch.cat(targets)


class BucketLayout:
    """Every example set in its own length bucket: set i is a (counts[i], length_i) block of rows,
    plainly causal. No padding and no attention mask (a masked fused-attention kernel costs more than
    the arithmetic of a dozen-token row), at the price of one forward pass per set. Any model can
    take it, a recurrence included."""

    pos = mask = None

    def __init__(self, sets: list[Examples], batch_size: int, device):
        self.sets = sets
        self.counts = mix_counts([len(s) for s in sets], batch_size)
        self.T = max(s.length for s in sets)
        self.flat_targets = tuple((torch.arange(c, device=device)[:, None] * s.length
                                   + s.target_pos.to(device)[None, :]).reshape(-1)
                                  for s, c in zip(sets, self.counts))
        self.real_tokens = self.row_tokens = sum(c * s.length for c, s in zip(self.counts, sets))
        self.num_targets = sum(len(f) for f in self.flat_targets)

    def sample(self, gen: torch.Generator):
        """One batch: (one (counts[i], length_i) token block per set, targets (M,))."""
        idx = [torch.randint(len(s), (c,), generator=gen, device=s.inputs.device) for s, c in zip(self.sets, self.counts)]
        return (tuple(s.inputs[i] for s, i in zip(self.sets, idx)),
                torch.cat([s.targets[i].reshape(-1) for s, i in zip(self.sets, idx)]))


def make_layout(sets: list[Examples], cfg: TrainConfig, model, pad_id: int | None, device):
    """The batch layout ``cfg`` asks for. A model that cannot keep packed examples apart gets
    buckets, the other layout without padding."""
    sets = [s.to(device) for s in sets]
    if cfg.buckets or (cfg.pack and not getattr(model, "supports_packing", True)):
        return BucketLayout(sets, cfg.batch_size, device)
    return BatchLayout(sets, cfg.batch_size, cfg.pack, pad_id, device)


def _at(h, flat_targets):
    return h.reshape(-1, h.shape[-1]).index_select(0, flat_targets)


def target_loss(model, tokens, pos, mask, flat_targets, targets):
    """Cross-entropy at the target positions only (logits are never formed elsewhere). ``tokens``
    is one block of rows, or a tuple of blocks (``BucketLayout``) with one index tensor each."""
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
    """Train ``model`` on ``data``: a list of ``Examples`` (packed by ``BatchLayout``), or any batch
    source with the same interface (``pos``, ``mask``, ``flat_targets`` and ``sample(generator) ->
    (tokens, targets)``; ``pos``/``mask`` None mean default positions / causal), e.g. a generator of
    fresh examples. ``evaluate(step) -> dict`` runs every ``cfg.eval_every`` steps (and at steps 0
    and the last); with ``cfg.eval_budget`` an evaluation is skipped while evaluations so far exceed
    that fraction of the training time (a fast compiled step makes a fixed interval costly; the
    history then depends on timing). ``stop(record) -> bool`` may end training early. ``run`` (the
    settings that define the run, ``guard.run_identity``) is saved in every checkpoint, and a resume
    from a checkpoint of another run is refused (``guard.check_same_run``)."""
    device = next(model.parameters()).device
    layout = make_layout(data, cfg, model, pad_id, device) if isinstance(data, (list, tuple)) else data
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
            from .guard import check_same_run
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
