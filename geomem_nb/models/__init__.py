"""The networks. Nothing here knows about data or training."""
from .gpt import GPT, GPTConfig

MODELS = {"gpt": GPT}


def build(kind: str, cfg: GPTConfig):
    if kind not in MODELS:
        raise ValueError(f"model must be one of {', '.join(MODELS)}; got {kind!r}")
    return MODELS[kind](cfg)


__all__ = ["GPT", "GPTConfig", "MODELS", "build"]
