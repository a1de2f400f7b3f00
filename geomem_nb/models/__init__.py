"""The networks. Nothing here knows about data or training."""
from .gpt import GPT, GPTConfig

MODELS = {"gpt": GPT}


def build(kind: str, cfg: GPTConfig):
    if kind not in MODELS:
        raise ValueError(f"model must be one of {', '.join(MODELS)}; got {kind!r}")
    return MODELS[kind](cfg)



def check(kind: str, layers: int, width: int, heads: int) -> None:
    """Reject a bad model name or shape before any work starts, naming the parameter."""
    GPTConfig(vocab_size=10, block_size=2, layers=layers, width=width, heads=heads)
    if kind not in MODELS:
        raise ValueError(f"model must be one of {', '.join(MODELS)}; got {kind!r}")


__all__ = ["GPT", "GPTConfig", "MODELS", "build", "check"]
