"""What every experiment shares: the settings (a ``TrainConfig`` and a ``NetConfig`` held, never
restated), the flat view that overrides and records use, the result type, and the run skeleton
(checks, output folder, seed, provenance, one ``save``).

A setting has one default (on its own dataclass) and one override path: ``cfg.with_(steps=4000)``
(or ``presets.config(name, preset, steps=4000)``) routes each flat name to the part that holds it."""
from __future__ import annotations

import time
from dataclasses import asdict, dataclass, field, fields, replace
from os import PathLike
from pathlib import Path

import numpy as np
import torch

from ..checks import check_choice, check_int, finite_number
from ..controls import run_status
from ..guard import check_outputs, clean_leftovers, save_json, write_set
from ..memory_estimate import check_memory
from ..models import ATTENTION, MODELS, ModelConfig, check as check_model
from ..results import git_commit, load_if_present, provenance
from ..runtime import PRESETS, device as pick_device, preset as env_preset, set_seed
from ..train import TrainConfig


def cli(help: str = "", **spec) -> dict:
    """Field metadata that puts a setting on the command line: ``help``, and optionally ``choices``,
    ``required``, ``flag`` (another spelling) or ``values`` (named choices mapped to values)."""
    return {"cli": {"help": help, **spec}}


# The trainer's knobs the CLI offers, with their help (type and default come from TrainConfig's field).
TRAINER_FLAGS = {
    "seed": "the one seed: graph split, initialization and batches",
    "steps": "training steps (optimizer updates)",
    "batch_size": "examples per step",
    "lr": "peak learning rate",
    "warmup": "linear warm-up steps (at most steps)",
    "min_lr_ratio": "the cosine decay ends at lr times this",
    "weight_decay": "AdamW weight decay",
    "eval_every": "evaluate (held-out and training scores) every this many steps",
    "eval_budget": "skip evaluations while they exceed this fraction of training time",
    "time_budget": "stop after this many training seconds",
    "compile": "torch.compile the loss (CUDA only)",
    "cuda_graphs": "with --compile: replay steps as CUDA graphs",
    "pack": "pad every example to the row length instead of packing (the slow baseline)",
    "buckets": "each example set in rows of its own length: no padding, no attention mask",
    "checkpoint_dir": "a folder to save the training state in (with --checkpoint-every)",
    "checkpoint_every": "save the training state every this many steps (with --checkpoint-dir)",
}


@dataclass
class NetConfig:
    """The sequence model and its shape (the task adds vocabulary and row length); ModelConfig's defaults."""
    model: str = field(default="gpt", metadata=cli("gpt (default) or mamba", choices=tuple(sorted(MODELS))))
    layers: int = field(default=ModelConfig.layers, metadata=cli("transformer (or Mamba) blocks"))
    width: int = field(default=ModelConfig.width, metadata=cli("embedding width"))
    heads: int = field(default=ModelConfig.heads, metadata=cli("attention heads (a divisor of the width)"))
    attention: str = field(default=ModelConfig.attention,
                           metadata=cli("sdpa (fused kernels) or math (explicit)", choices=ATTENTION))

    def check(self) -> None:
        check_model(self.model, self.layers, self.width, self.heads)
        check_choice("attention", self.attention, ATTENTION)

    def config(self, vocab_size: int, block_size: int) -> ModelConfig:
        return ModelConfig(vocab_size, block_size, self.layers, self.width, self.heads, self.attention)


def names(dc) -> tuple:
    return tuple(f.name for f in fields(dc))


class Settings:
    """The flat view of a settings dataclass: ``of``, ``with_``, ``record`` and ``setting_names``.
    A flat dataclass (``TinyConfig``) uses it as is; ``RunSettings`` routes names to its parts."""

    @classmethod
    def setting_names(cls) -> tuple:
        return names(cls)

    @classmethod
    def check_names(cls, given, what: str | None = None) -> None:
        known = cls.setting_names()
        unknown = sorted(set(given) - set(known))
        if unknown:
            raise ValueError(f"unknown setting(s) {', '.join(unknown)} for {what or cls.__name__}; "
                             f"allowed: {', '.join(sorted(known))}")

    @classmethod
    def of(cls, **flat):
        """A config from flat settings (the others at their defaults)."""
        return cls().with_(**flat)

    def with_(self, **changes):
        """A copy with ``changes`` (flat names) applied."""
        self.check_names(changes)
        return replace(self, **changes)

    def record(self) -> dict:
        """The flat settings, as a run records them (``metrics.json``'s ``config``)."""
        return asdict(self)


_PARTS = ("net", "train")  # the held configs, in the record's order


@dataclass
class RunSettings(Settings):
    """A sequence-model experiment's settings: the network (``net``), the trainer (``train``), the
    preset it came from; an experiment adds its task's fields. ``cfg.steps``, ``cfg.width``, ... read
    the part that holds them; change them with ``with_``."""
    net: NetConfig = field(default_factory=NetConfig)
    train: TrainConfig = field(default_factory=TrainConfig)
    preset: str = field(default="", metadata=cli("the preset (default: GEOMEM_SCALE, else cpu)", choices=PRESETS))

    @classmethod
    def part_of(cls, name: str) -> str | None:
        """Which held config has setting ``name`` (None: the experiment's own field)."""
        return next((p for p, kind in (("net", NetConfig), ("train", TrainConfig)) if name in names(kind)), None)

    @classmethod
    def setting_names(cls) -> tuple:
        own = tuple(n for n in names(cls) if n not in _PARTS)
        return names(NetConfig) + names(TrainConfig) + own

    def __getattr__(self, name):  # only reached when ``name`` is not a field of this class
        part = type(self).part_of(name) if not name.startswith("_") else None
        if part is None or part not in self.__dict__:
            raise AttributeError(f"{type(self).__name__} has no setting {name!r}")
        return getattr(self.__dict__[part], name)

    def __setattr__(self, name, value):
        if name not in _PARTS and type(self).part_of(name):
            raise AttributeError(f"{name} belongs to cfg.{type(self).part_of(name)}: use cfg.with_({name}=...)")
        super().__setattr__(name, value)

    def with_(self, **changes):
        self.check_names(changes)
        parts = {p: {k: v for k, v in changes.items() if self.part_of(k) == p} for p in _PARTS}
        own = {k: v for k, v in changes.items() if self.part_of(k) is None}
        return replace(self, **own, **{p: replace(getattr(self, p), **c) for p, c in parts.items() if c})

    def record(self) -> dict:
        flat = asdict(self)
        return {**flat.pop("net"), **flat.pop("train"), **flat}

    @classmethod
    def from_record(cls, record: dict):
        """The config of a saved run's ``config`` (keys it does not know are left out)."""
        known = set(cls.setting_names())
        return cls.of(**{k: v for k, v in record.items() if k in known})

    def validate_run(self) -> None:
        """The checks of the shared settings (TrainConfig checked its own fields when it was made)."""
        check_int("seed", self.seed, 0)
        check_warmup(self.train)
        finite_number("time_budget", self.time_budget)
        finite_number("min_lr_ratio", self.min_lr_ratio)
        check_int("checkpoint_every", self.checkpoint_every, 0)
        if self.checkpoint_dir is not None and not isinstance(self.checkpoint_dir, (str, PathLike)):
            raise ValueError(f"checkpoint_dir must be a folder path, got {self.checkpoint_dir!r}")
        if self.checkpoint_dir and not self.checkpoint_every:
            raise ValueError("checkpoint_dir needs checkpoint_every (--checkpoint-every N): without it no "
                             "checkpoint is ever written")
        if self.checkpoint_every and not self.checkpoint_dir:
            raise ValueError("checkpoint_every needs checkpoint_dir (--checkpoint-dir D)")
        self.net.check()


def check_warmup(train: TrainConfig, steps_name: str = "steps") -> TrainConfig:
    """Refuse a warm-up longer than the run: it would never reach its peak lr."""
    if train.warmup > train.steps:
        raise ValueError(f"warmup ({train.warmup}) must not exceed {steps_name} ({train.steps}): the "
                         f"{'run' if steps_name == 'steps' else 'edge phase'} would never leave warm-up")
    return train


def from_preset(cls, table: dict, what: str, preset: str | None = None, **overrides):
    """``cls`` at ``preset`` of ``table`` (default: GEOMEM_SCALE) with ``overrides``; an override that
    is None is ignored, so CLI flags that were not given leave the preset alone."""
    preset = preset or env_preset()
    check_choice("preset", preset, PRESETS)
    cls.check_names(overrides, what)
    return cls.of(**table[preset], preset=preset).with_(**{k: v for k, v in overrides.items() if v is not None})


@dataclass
class RunResult:
    config: dict
    metrics: dict
    history: list
    losses: list
    graph: object = field(repr=False, default=None)
    task: object = field(repr=False, default=None)
    model: object = field(repr=False, default=None)

    def as_record(self) -> dict:
        """The run as its saved ``metrics.json`` reads (metrics with the history), so a chapter treats a
        run made here and a shipped record alike."""
        return {**self.metrics, "history": self.history}

    def curve(self, key: str):
        """(steps, values) of one metric over training."""
        pts = [(h["step"], h[key]) for h in self.history if h.get(key) is not None]
        return np.array([p[0] for p in pts]), np.array([p[1] for p in pts])

    def embeddings(self) -> np.ndarray:
        """Token-embedding rows of the nodes: row i = node i."""
        return self.model.token_embeddings[: self.graph.num_nodes].detach().float().cpu().numpy()


def recorded(cfg, name: str) -> RunResult | None:
    """The shipped record ``name`` as a RunResult (its graph and task rebuilt, no model) when it was run
    with exactly ``cfg``'s settings, else None: "load if present, else compute" for one run, so a chapter
    shows the numbers this run makes without training it again. One line says which, and why not."""
    m = load_if_present(name)
    if m is None:
        return None
    ran = type(cfg).from_record(m["config"])
    if ran != cfg:
        was = ran.record()
        other = sorted(k for k, v in cfg.record().items() if was.get(k) != v)
        print(f"results/{name} was run with other settings ({', '.join(other)}): trained here instead")
        return None
    p = m["provenance"]
    print(f"{name}: loaded (commit {p['git_commit'][:10]}, {p['device']}), the run these settings make; "
          f"GEOMEM_RESULTS=none trains it here")
    task = cfg.make_task() if hasattr(cfg, "make_task") else None  # in context: fresh graphs, no one task
    metrics = {k: v for k, v in m.items() if k not in ("history", "provenance")}
    return RunResult(m["config"], metrics, m["history"], [], getattr(task, "graph", None), task)


@dataclass
class Run:
    """A started run: where it writes (None: nowhere), its device, start time and code version."""
    out: Path | None
    device: torch.device
    t0: float
    commit: str | None


def start(cfg, out, resume: bool = False, overwrite: bool = False, memory_check: bool = True,
          checkpoint_dir=None, device: torch.device | None = None) -> Run:
    """Every check before any work (settings, outputs, device, memory), the leftovers of a killed run
    cleaned, then the clock, the code version and the seed."""
    cfg.validate()
    out = check_outputs(out, checkpoint_dir, overwrite=overwrite, resume=resume)
    dev = device or pick_device()
    if memory_check:
        check_memory(cfg.memory_estimate(), dev)
    clean_leftovers(out, checkpoint_dir)
    run = Run(out, dev, time.perf_counter(), git_commit())  # the code that runs, not the code at the end
    set_seed(cfg.seed)
    return run


def save(run: Run, metrics: dict, history: list, command: str | None, files: dict | None = None) -> None:
    """Give ``metrics`` its provenance and write ``metrics.json`` (with ``history``) and ``files``
    (name -> a function returning the writer) as one result set; nothing when the run has no folder.
    ``metrics`` gains the run's ``status`` (``controls.run_status``): whether its result is evidence."""
    metrics["status"] = run_status(metrics)
    if run.out is None:
        return
    metrics["provenance"] = provenance(metrics["device"], time.perf_counter() - run.t0, command, run.commit)
    written = {"metrics.json": save_json({**metrics, "history": history})}
    written.update((name, make()) for name, make in (files or {}).items())
    write_set(run.out, written)
