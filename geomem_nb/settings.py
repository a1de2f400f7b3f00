"""Settings shared by every experiment that trains a sequence model: the model's shape and the
trainer's knobs. Experiment configs add their task's fields on top."""
from __future__ import annotations

from dataclasses import dataclass, fields
from os import PathLike

from .models import GPTConfig, check as check_model
from .models.gpt import ATTENTION
from .train import TrainConfig
from .checks import check_choice, check_int, finite_number


@dataclass
class RunSettings:
    seed: int = 0
    model: str = "gpt"
    layers: int = 2
    width: int = 128
    heads: int = 4
    steps: int = 1000
    batch_size: int = 512
    lr: float = 2e-3
    warmup: int = 100
    weight_decay: float = 0.01
    eval_every: int = 100
    eval_budget: float = 0.0      # fraction of training time evaluations may take (0 = every eval_every)
    compile: bool = False
    cuda_graphs: bool = False     # with compile on CUDA: capture the step in CUDA graphs
    attention: str = "sdpa"       # GPT attention: sdpa or math (see models.gpt.math_attention)
    time_budget: float = 0.0
    checkpoint_dir: str | None = None
    checkpoint_every: int = 0
    preset: str = ""

    def validate_run(self) -> None:
        """The checks of the shared settings, before any work starts."""
        check_int("seed", self.seed, 0)
        self.train_config()
        if self.warmup > self.steps:
            raise ValueError(f"warmup ({self.warmup}) must not exceed steps ({self.steps}): the run would "
                             "never leave warm-up")
        finite_number("time_budget", self.time_budget)
        check_int("checkpoint_every", self.checkpoint_every, 0)
        if self.checkpoint_dir is not None and not isinstance(self.checkpoint_dir, (str, PathLike)):
            raise ValueError(f"checkpoint_dir must be a folder path, got {self.checkpoint_dir!r}")
        if self.checkpoint_dir and not self.checkpoint_every:
            raise ValueError("checkpoint_dir needs checkpoint_every (--checkpoint-every N): without it no "
                             "checkpoint is ever written")
        if self.checkpoint_every and not self.checkpoint_dir:
            raise ValueError("checkpoint_every needs checkpoint_dir (--checkpoint-dir D)")
        check_model(self.model, self.layers, self.width, self.heads)
        check_choice("attention", self.attention, ATTENTION)

    def model_config(self, vocab_size: int, block_size: int):
        """The network's shape for a task's vocabulary and longest row."""
        return GPTConfig(vocab_size, block_size, self.layers, self.width, self.heads, self.attention)

    def train_config(self) -> TrainConfig:
        """The trainer's settings: every TrainConfig field this config also has."""
        return TrainConfig(**{f.name: getattr(self, f.name) for f in fields(TrainConfig) if hasattr(self, f.name)})
