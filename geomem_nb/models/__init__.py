"""The networks. Nothing here knows about data or training.

``base`` holds what the sequence models share (``ModelConfig``, ``TiedLM``); ``gpt``, ``mamba`` and
``bilinear`` are ``TiedLM``s; ``node2vec`` is the skip-gram's embedding table (its trainer lives
beside the other training code, ``train_node2vec``)."""
from .base import ATTENTION, ModelConfig, TiedLM
from .gpt import GPT
from .mamba import Mamba
from ..checks import check_choice

MODELS = {"gpt": GPT, "mamba": Mamba}


def build(kind: str, cfg: ModelConfig):
    check_choice("model", kind, MODELS)
    return MODELS[kind](cfg)


def check(kind: str, layers: int, width: int, heads: int) -> None:
    """Reject a bad model name or shape before any work starts, naming the parameter. ``heads`` (and
    width divisible by heads) only matters for the GPT; Mamba checks layers and width only."""
    check_choice("model", kind, MODELS)
    ModelConfig(vocab_size=10, block_size=2, layers=layers, width=width, heads=heads if kind == "gpt" else 1)


__all__ = ["ATTENTION", "GPT", "Mamba", "MODELS", "ModelConfig", "TiedLM", "build", "check"]
