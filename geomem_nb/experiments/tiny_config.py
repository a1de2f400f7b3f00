"""The tiny-graph experiment's settings: the models, the authors' configuration per model, graph and
variant, the config (None = the authors' value) and its presets."""
from __future__ import annotations

from dataclasses import dataclass, field

from ..checks import check_choice, check_int
from ..graphs import TINY_GRAPHS, tiny_graph
from ..runtime import PRESETS
from ..train import TrainConfig
from .base import Settings, check_warmup, cli

TINY_MODELS = ("transformer", "nn", "associative", "associative-fast", "node2vec", "mamba")
BILINEAR = ("nn", "associative", "associative-fast")  # the models built on ``models.bilinear``
SNAPSHOTS = 50  # embedding snapshots kept over training (evaluations for the sequence models)

# Every model's base setting (used as is on graphs the authors did not run, e.g. ``cycle:7``). Seed 7,
# full batch, AdamW without warm-up, cosine decay to lr/10 unless ``cosine`` is False; Node2Vec trains
# by plain gradient descent.
SETTINGS = {
    "transformer": dict(dim=32, lr=0.01, steps=500, cosine=True),
    "nn": dict(dim=32, lr=0.01, steps=500, cosine=True),
    "associative": dict(dim=32, lr=0.2, steps=500, cosine=True),
    "associative-fast": dict(dim=512, lr=0.1, steps=10, cosine=True),
    "node2vec": dict(dim=100, lr=0.01, steps=10000, eval_every=25),
    "mamba": dict(dim=32, lr=0.01, steps=500, cosine=True, expand=2),
}
# The authors' configurations (official tiny-graph notebooks, paper-claims.md section 3.3 and
# official-code-facts.md section 9.2), per model, variant and graph, on top of SETTINGS. Variants:
# "" (both edge directions), "self-edges", "forward-only". Mamba is ours (no notebook); its irregular
# row follows the paper's "expand 4" for that graph.
AUTHORS = {
    ("transformer", ""): {"cycle": dict(steps=700), "irregular": dict(steps=2500)},
    ("transformer", "forward-only"): {"grid": dict(steps=1000), "cycle": dict(steps=700),
                                      "irregular": dict(dim=48, steps=2000)},
    ("transformer", "self-edges"): {"cycle": dict(steps=700), "irregular": dict(dim=48, steps=2000)},
    ("nn", ""): {"cycle": dict(dim=512, steps=10000, cosine=False), "irregular": dict(dim=16, lr=0.005, steps=1000)},
    ("nn", "self-edges"): {"star": dict(lr=0.05, steps=200), "grid": dict(dim=16, lr=0.1, steps=200),
                           "cycle": dict(dim=512, steps=10000, cosine=False),
                           "irregular": dict(dim=64, lr=0.05, steps=200, cosine=False)},
    ("associative", ""): {"cycle": dict(dim=15, lr=10.0, steps=5000), "irregular": dict(dim=16, lr=2.0)},
    ("associative", "self-edges"): {"star": dict(lr=1.0, steps=200), "grid": dict(dim=16, lr=15.0, steps=200),
                                    "cycle": dict(dim=15, lr=5.0, steps=200), "irregular": dict(dim=64, lr=0.5, steps=200)},
    ("associative-fast", ""): {"star": dict(cosine=False), "cycle": dict(weight_decay=1e-3),
                               "irregular": dict(weight_decay=1e-3, cosine=False)},
    ("mamba", ""): {"irregular": dict(expand=4)},
}
AUTHORS[("associative-fast", "self-edges")] = AUTHORS[("associative-fast", "")]
AUTHORS[("mamba", "self-edges")] = AUTHORS[("mamba", "forward-only")] = AUTHORS[("mamba", "")]
SPECIAL_TOKENS = 9  # the authors' vocabulary: the nodes, then 9 special tokens ([EDGE] first)


def command(**overrides) -> str:
    """The ``python -m geomem_nb tiny`` command of one configuration, every setting spelt out (the
    authors' values where ``overrides`` leave them), so each configuration is one command."""
    cfg = TinyConfig(**overrides).validate()
    flags = [f"--graph {cfg.graph}", f"--model {cfg.model}"]
    flags += [f"--{k}" for k in ("self_edges", "forward_only") if getattr(cfg, k)]
    flags += [f"--dim {cfg.dim}", f"--lr {cfg.lr:g}", f"--steps {cfg.steps}", f"--seed {cfg.seed}"]
    if cfg.model != "node2vec":
        flags += [f"--schedule {'cosine' if cfg.cosine else 'constant'}", f"--weight-decay {cfg.weight_decay:g}"]
    if cfg.model == "transformer" and cfg.pos_std is None:
        flags.append("--pos-std 1")
    for name in ("embed_std", "pos_std", "expand"):
        if getattr(cfg, name) is not None:
            flags.append(f"--{name} {getattr(cfg, name):g}")
    if cfg.dropout:
        flags.append(f"--dropout {cfg.dropout:g}")
    if not cfg.tied:
        flags.append("--untied")
    return "python -m geomem_nb tiny " + " ".join(f.replace("_", "-") for f in flags)


def variant_name(self_edges: bool = False, forward_only: bool = False) -> str:
    return "-".join(n for n, on in (("self-edges", self_edges), ("forward-only", forward_only)) if on)


def settings(model: str, graph: str, self_edges: bool = False, forward_only: bool = False) -> dict:
    """The authors' configuration of ``model`` on ``graph`` (and variant): SETTINGS, then AUTHORS."""
    check_choice("model", model, TINY_MODELS)
    per_graph = AUTHORS.get((model, variant_name(self_edges, forward_only)), AUTHORS.get((model, ""), {}))
    return {**SETTINGS[model], **per_graph.get(str(graph), {})}


def describe(st: dict, model: str) -> str:
    """One configuration (``settings``) in a few words: width, lr, steps, schedule, weight decay."""
    return (f"d{st['dim']} lr {st['lr']:g} {st['steps']} st"
            + ("" if model == "node2vec" else f" {'cos' if st['cosine'] else 'const'}")
            + (f" wd {st['weight_decay']:g}" if st.get("weight_decay") else ""))


@dataclass
class TinyConfig(Settings):
    graph: str = field(default="cycle", metadata=cli("star, grid, cycle, irregular, cycle:N, grid:RxC or path:N",
                                                     required=True))
    model: str = field(default="node2vec", metadata=cli("the model that memorizes the edges", choices=TINY_MODELS, required=True))
    self_edges: bool = field(default=False, metadata=cli("also memorize (u, u) for every node"))
    forward_only: bool = field(default=False, metadata=cli("memorize each edge in its forward direction only"))
    # None: the authors' value (``settings``)
    steps: int | None = field(default=None, metadata=cli("full-batch training steps (default: the tuned value)"))
    lr: float | None = field(default=None, metadata=cli("learning rate (default: the tuned value)"))
    dim: int | None = field(default=None, metadata=cli("embedding width"))
    seed: int = field(default=7, metadata=cli("the one seed (default 7, the authors')"))
    eval_every: int | None = None  # None: steps / SNAPSHOTS (at least 1)
    preset: str = field(default="", metadata=cli("the preset (default: GEOMEM_SCALE, else cpu)", choices=PRESETS))
    # Training knobs (chapter 07 and the authors' configurations); None: the authors' value (``settings``).
    weight_decay: float | None = field(default=None, metadata=cli(  # sequence models; None: 0 unless set
        "AdamW weight decay on matrices (default: the authors')"))
    cosine: bool | None = field(default=None, metadata=cli(  # cosine decay to lr/10 (True) or a constant lr
        "lr schedule: cosine decay to lr/10, or constant (default: the authors' for the graph)",
        flag="--schedule", values={"cosine": True, "constant": False}))
    embed_std: float | None = field(default=None, metadata=cli(  # None: 0.02
        "bilinear models: init std of the embeddings (1.0 = the authors' 'non_geometric' init; default 0.02)"))
    dropout: float = field(default=0.0, metadata=cli("bilinear models: dropout on the hidden state W e_u + b"))
    tied: bool = field(default=True, metadata=cli("bilinear models: a separate output table", flag="--untied"))
    pos_std: float | None = field(default=None, metadata=cli(  # None: 1.0, PyTorch's default
        "transformer: init std of the position embeddings (default 1.0, the authors'; 0.02 = our earlier init)"))
    special_tokens: int = SPECIAL_TOKENS  # vocabulary = nodes + this many specials ([EDGE] first)
    expand: int | None = field(default=None, metadata=cli(
        "mamba: inner width = expand x dim (default: 2; 4 on the irregular graph)"))
    max_steps: int | None = None   # a cap on the sequence models' ``steps`` (ci live runs; None: no cap)

    def validate(self) -> "TinyConfig":
        """Every check that can fail, before any work starts; fills unset values from SETTINGS."""
        nodes = spec_nodes(self.graph)
        if nodes is not None and nodes > MAX_NODES:
            raise ValueError(f"graph {self.graph!r} would have {nodes} nodes; tiny graphs have at most {MAX_NODES} "
                             "(every score takes the dense n x n spectrum)")
        tiny_graph(self.graph)
        check_choice("model", self.model, TINY_MODELS)
        base = settings(self.model, self.graph, self.self_edges, self.forward_only)
        for name in ("steps", "lr", "dim", "cosine", "weight_decay", "expand"):
            if getattr(self, name) is None:
                setattr(self, name, base.get(name, 0.0 if name == "weight_decay" else None))
        if self.max_steps is not None:  # Node2Vec's plain gradient descent is cheap: never capped
            check_int("max_steps", self.max_steps, 1)
            if self.model != "node2vec":
                self.steps = min(self.steps, self.max_steps)
        check_int("steps", self.steps, 1)
        check_int("dim", self.dim, 1)
        check_int("seed", self.seed, 0)
        if isinstance(self.lr, bool) or not isinstance(self.lr, (int, float)) or not 0 < self.lr < float("inf"):
            raise ValueError(f"lr must be a positive number, got {self.lr!r}")
        if self.eval_every is None:
            self.eval_every = base.get("eval_every", max(1, self.steps // SNAPSHOTS))
        check_int("eval_every", self.eval_every, 1)
        if self.model == "node2vec" and self.forward_only:
            raise ValueError("forward_only applies to the sequence models; node2vec's tied dot product is symmetric")
        if isinstance(self.weight_decay, bool) or not isinstance(self.weight_decay, (int, float)) \
                or not 0 <= self.weight_decay < float("inf"):
            raise ValueError(f"weight_decay must be a number >= 0, got {self.weight_decay!r}")
        if self.cosine is not None and not isinstance(self.cosine, bool):
            raise ValueError(f"cosine must be True, False or None, got {self.cosine!r}")
        check_int("special_tokens", self.special_tokens, 1)
        if self.model == "mamba":
            check_int("expand", self.expand, 1)
        elif self.expand is not None:
            raise ValueError(f"expand applies to the mamba model, not to {self.model}")
        if self.pos_std is not None and (self.model != "transformer" or isinstance(self.pos_std, bool)
                                         or not isinstance(self.pos_std, (int, float))
                                         or not 0 < self.pos_std < float("inf")):
            raise ValueError(f"pos_std must be a positive number, for the transformer only; got {self.pos_std!r} "
                             f"for {self.model}")
        if self.model == "node2vec" and (self.weight_decay or self.cosine):
            raise ValueError("weight_decay and cosine apply to the sequence models; node2vec trains by plain gradient descent")
        bilinear_knobs = dict(embed_std=self.embed_std is not None, dropout=self.dropout != 0, tied=self.tied is not True)
        if self.model not in BILINEAR and any(bilinear_knobs.values()):
            used = ", ".join(k for k, v in bilinear_knobs.items() if v)
            raise ValueError(f"{used} apply to the bilinear models ({', '.join(BILINEAR)}), not to {self.model}")
        if self.embed_std is not None and (isinstance(self.embed_std, bool) or not isinstance(self.embed_std, (int, float))
                                           or not 0 < self.embed_std < float("inf")):
            raise ValueError(f"embed_std must be a positive number or None, got {self.embed_std!r}")
        if isinstance(self.dropout, bool) or not isinstance(self.dropout, (int, float)) or not 0 <= self.dropout < 1:
            raise ValueError(f"dropout must be a number in [0, 1), got {self.dropout!r}")
        if not isinstance(self.tied, bool):
            raise ValueError(f"tied must be True or False, got {self.tied!r}")
        return self

    def memory_estimate(self) -> dict:
        """Bytes by part this run needs (``guard.check_memory``): the model and its optimizer, the kept
        embedding snapshots and the dense spectrum of the graph."""
        n, d = spec_nodes(self.graph) or 16, self.dim
        if self.model == "mamba":  # in/out projections, conv, x/dt projections, A, D (expand x width inner)
            inner = (self.expand or 2) * d
            params = (n + 1) * d + 3 * d * inner + inner * (4 + 2 * d) + 32 * inner
            return {"embedding table": 4 * (n + 1) * d, "other parameters": 4 * (params - (n + 1) * d),
                    "gradients and optimizer state": 12 * params, "activations": 8 * 4 * n * 20 * inner,
                    "evaluation": 8 * (SNAPSHOTS + 2) * n * d, "graph": 8 * 6 * n * n}
        params = (n + 1) * d + (d * d + d if self.model in BILINEAR else 0) \
            + (12 * d * d + 13 * d if self.model == "transformer" else 0) + (n * d if self.tied is False else 0)
        return {"embedding table": 4 * (n + 1) * d, "other parameters": 4 * (params - (n + 1) * d),
                "gradients and optimizer state": 12 * params,
                "activations": 8 * 4 * n * (n + 4 * d), "evaluation": 8 * (SNAPSHOTS + 2) * n * d,
                "graph": 8 * 6 * n * n}

    @property
    def train(self) -> TrainConfig:
        """The trainer's settings of a sequence model (after ``validate``): full batch, no warm-up."""
        cosine = True if self.cosine is None else self.cosine
        return check_warmup(TrainConfig(steps=self.steps, batch_size=1, lr=float(self.lr), warmup=0,
                                        weight_decay=float(self.weight_decay), cosine=cosine,
                                        eval_every=self.eval_every, seed=self.seed))


MAMBA_D_STATE, MAMBA_D_CONV = 8, 4  # the paper's tiny Mamba (its expand is in SETTINGS / AUTHORS)
MAX_NODES = 4096  # a tiny graph's dense spectrum (n x n, float64) and O(n^3) eigendecomposition stay small


def spec_nodes(spec) -> int | None:
    """The node count a ``graphs.tiny_graph`` spec asks for, read from the spec alone (None: not a
    sized spec; ``tiny_graph`` then says what is wrong with it)."""
    kind, _, size = str(spec).partition(":")
    try:
        if kind in ("cycle", "path") and size:
            return int(size)
        if kind == "grid" and "x" in size:
            r, _, c = size.partition("x")
            return int(r) * int(c)
    except ValueError:
        return None
    return 16 if spec in TINY_GRAPHS else None


# Tiny graphs (chapters 05-07): every model trains at the authors' configuration (``tiny.settings``),
# seed 7 as the authors' notebooks; from cpu up the same full-length runs. At ci the chapters' live
# (one-seed, figure) sequence-model runs stop after 1,000 steps at most (the authors' cycle network runs 10,000
# steps at width 512: about a minute on one core); their numbers come from the multi-seed cpu record.
BY_PRESET = {**{p: dict(seed=7) for p in PRESETS}, "ci": dict(seed=7, max_steps=1000)}
