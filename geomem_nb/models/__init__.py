"""The networks. Nothing here knows about data or training."""
from .gpt import GPT, GPTConfig
from .mamba import Mamba
from ..checks import check_choice

MODELS = {"gpt": GPT, "mamba": Mamba}


def build(kind: str, cfg: GPTConfig):
    check_choice("model", kind, MODELS)
    return MODELS[kind](cfg)


def check(kind: str, layers: int, width: int, heads: int) -> None:
    """Reject a bad model name or shape before any work starts, naming the parameter. ``heads`` (and
    width divisible by heads) only matters for the GPT; Mamba checks layers and width only."""
    if kind == "gpt":
        GPTConfig(vocab_size=10, block_size=2, layers=layers, width=width, heads=heads)
    elif kind in MODELS:
        GPTConfig(vocab_size=10, block_size=2, layers=layers, width=width, heads=1)
    else:
        check_choice("model", kind, MODELS)


__all__ = ["GPT", "GPTConfig", "Mamba", "MODELS", "build", "check"]
