"""``python -m geomem_nb``: argument parsing and validation only; the work is in ``experiments``.

Every flag is made from a settings field (``flags``): its type, default (None: the preset's),
choices and help come from the dataclass, so a new setting is one line where it is defined.

Bad input (arguments, files, devices, environment variables, a run too big for memory) exits with
status 2 and one line naming the parameter and what is allowed, before any file is written; a run
that fails (divergence, a full disk, out of memory) exits with status 1 and one line. GEOMEM_DEBUG=1
shows the traceback instead."""
from __future__ import annotations

import argparse
import os
import shlex
import sys
import typing
from dataclasses import fields

from . import presets, reproduce as rep
from .experiments import InContextConfig, InWeightsConfig, TinyConfig, in_context, in_weights, tiny
from .experiments.base import TRAINER_FLAGS, NetConfig, RunSettings
from .runtime import PRESETS
from .train import TrainConfig
from .usage import Parser, one_line

RUNNERS = {"in-weights": (InWeightsConfig, in_weights), "in-context": (InContextConfig, in_context),
           "tiny": (TinyConfig, tiny)}


def flags(cls) -> list:
    """(field, its class, CLI spec) for every setting of ``cls`` on the command line: the fields with
    ``cli`` metadata and, for a sequence-model experiment, the network's and the trainer's knobs."""
    own = [(f, cls, f.metadata["cli"]) for f in fields(cls) if "cli" in f.metadata]
    if not issubclass(cls, RunSettings):
        return own
    net = [(f, NetConfig, f.metadata["cli"]) for f in fields(NetConfig)]
    return own + net + trainer_flags()


def trainer_flags() -> list:
    return [(f, TrainConfig, {"help": TRAINER_FLAGS[f.name]}) for f in fields(TrainConfig) if f.name in TRAINER_FLAGS]


def _mapped(values: dict):
    """An action storing the value a named choice stands for (``--schedule constant`` -> False)."""
    class Mapped(argparse.Action):
        def __call__(self, parser, namespace, value, option_string=None):
            setattr(namespace, self.dest, values[value])
    return Mapped


def add_flags(p, specs) -> None:
    """One flag per setting; not given, a flag is None and leaves the preset's value."""
    for f, owner, spec in specs:
        kind = typing.get_type_hints(owner)[f.name]
        kind = next((a for a in typing.get_args(kind) if a is not type(None)), kind)  # X | None -> X
        kw = dict(dest=f.name, default=None, help=spec.get("help") or None)
        if "values" in spec:
            kw.update(choices=tuple(spec["values"]), action=_mapped(spec["values"]))
            name = spec.get("flag") or f"--{f.name}"
        elif kind is bool:  # a switch away from the field's default
            kw["action"] = "store_false" if f.default is True else "store_true"
            name = spec.get("flag") or f"--{'no-' if f.default is True else ''}{f.name}"
        else:
            kw.update(type=kind, choices=spec.get("choices"), required=spec.get("required", False))
            name = spec.get("flag") or f"--{f.name}"
        p.add_argument(name.replace("_", "-"), **kw)


def _output_flags(p, resume: bool = True):
    if resume:
        p.add_argument("--resume", action="store_true", help="continue from --checkpoint-dir if it holds a checkpoint "
                       "of this run (the same settings and graph; another run's is refused)")
    p.add_argument("--overwrite", action="store_true", help="replace the finished run --out holds")
    p.add_argument("--no-memory-check", dest="memory_check", action="store_false",
                   help="start even if the memory estimate exceeds what the device has")


WHAT = """Train one model of the geomem companion and write its result set to a folder: metrics.json
(the scores), and for most runs the learned embeddings and the graph. Pick what to train:
in-weights and in-context train a small transformer on path-star graphs, tiny memorizes the edges of
a tiny graph, reproduce runs one of the paper's headline experiments.

Settings you do not give take the preset's value (--preset, else the GEOMEM_SCALE variable; default
cpu). Bad input stops at once with one line naming the setting (exit status 2); a run that fails
stops with one line (exit status 1; GEOMEM_DEBUG=1 shows the traceback). See
"python -m geomem_nb COMMAND --help" for the settings of each command. The book's multi-run studies
(many runs over seeds or settings, gathered into one record) have commands of their own: "python -m
geomem_nb.studies" lists them."""
EXAMPLES = ["python -m geomem_nb in-weights --preset ci --degree 20 --path-length 4 --out runs/small",
            "python -m geomem_nb tiny --graph cycle:15 --model nn --out runs/cycle15",
            "python -m geomem_nb reproduce in-weights-g5000-5 --preset cpu"]
# subcommand -> (its line in the list of commands, what it does, examples)
HELP = {
    "in-weights": ("train on one path-star graph in the weights; score held-out leaves", """Train a small
        transformer (or Mamba, --model mamba) on one path-star graph: it learns the graph's edges and the
        paths to the training leaves, and is then asked for the paths to the held-out leaves. Writes
        metrics.json (exact match, first-hop accuracy and more), embeddings.npy and graph.json to --out.""",
        ["python -m geomem_nb in-weights --preset ci --degree 20 --path-length 4 --out runs/small",
         "python -m geomem_nb in-weights --preset cpu --degree 100 --path-length 6 --steps 3000 "
         "--checkpoint-dir runs/ck --checkpoint-every 500 --out runs/d100-l6"]),
    "in-context": ("train on fresh graphs given in the prompt (Bachmann & Nagarajan's task)", """Train a small
        transformer on the in-context task of Bachmann & Nagarajan: every prompt lists the edges of a fresh
        path-star graph and names a leaf, and the model must give the path from the root to it. Writes
        metrics.json to --out.""",
        ["python -m geomem_nb in-context --preset ci --degree 2 --path-length 4 --objective forward "
         "--out runs/in-context"]),
    "tiny": ("memorize a tiny graph's edges with one model; score memory and geometry", """Memorize the edges
        of a tiny graph (a star, the 4×4 grid, a cycle, a path, ...) with one model, then score how well it
        recalls them and how geometric its embeddings are. The models: transformer, nn (the bilinear
        network), associative (the associative memory), associative-fast (the fast associative memory),
        node2vec and mamba. Writes metrics.json, embeddings.npy and graph.json to --out (and
        dynamics.npz for node2vec).""",
        ["python -m geomem_nb tiny --graph cycle:15 --model nn --out runs/cycle15",
         "python -m geomem_nb tiny --graph grid --model transformer --steps 2000 --out runs/grid"]),
    "reproduce": ("run a headline experiment (written to runs/<experiment>)", """Run one of the paper's
        headline experiments, with its settings at a preset (default paper: the paper's own size, for a
        GPU). The result set goes to runs/<experiment> (runs/<experiment>-<preset> below paper) unless
        --out names another folder; results/<experiment> is where a finished one is shipped.""",
        ["python -m geomem_nb reproduce in-weights-g5000-5 --preset cpu",
         "python -m geomem_nb reproduce in-context-g2-5-forward --preset ci --out runs/in-context-check"]),
}


def parser() -> argparse.ArgumentParser:
    top = Parser(prog="python -m geomem_nb", what=WHAT, examples=EXAMPLES)
    sub = top.add_subparsers(dest="command", required=True, parser_class=Parser, metavar="COMMAND",
                             title="commands")
    for name, (cls, _) in RUNNERS.items():
        p = sub.add_parser(name, help=HELP[name][0], what=HELP[name][1], examples=HELP[name][2])
        add_flags(p, flags(cls))
        p.add_argument("--out", required=True, help="the folder to write the result set into")
        _output_flags(p, resume=issubclass(cls, RunSettings))

    r = sub.add_parser("reproduce", help=HELP["reproduce"][0], what=HELP["reproduce"][1], examples=HELP["reproduce"][2])
    r.add_argument("experiment", choices=sorted(presets.PAPER_RUNS), metavar="EXPERIMENT",
                   help="one of " + ", ".join(sorted(presets.PAPER_RUNS)))
    r.add_argument("--preset", choices=PRESETS, default="paper", help="the size to run it at (default paper)")
    r.add_argument("--out", help="default: runs/<experiment> (runs/<experiment>-<preset> below paper); "
                   "results/<experiment> ships it (from a GPU, or with --overwrite)")
    # A larger --batch-size without --lr scales the peak lr by sqrt(new/old) (reproduce.plan).
    add_flags(r, [s for s in flags(InWeightsConfig) if s[1] is TrainConfig or s[0].name == "attention"])
    _output_flags(r)
    return top


def main(argv=None) -> int:
    argv = sys.argv[1:] if argv is None else argv
    args = parser().parse_args(argv)
    command = "python -m geomem_nb " + shlex.join(argv)
    prog = f"python -m geomem_nb {args.command}"
    try:
        return run(args, command)
    except ValueError as err:  # bad input: arguments, files, devices, environment, memory
        if os.environ.get("GEOMEM_DEBUG") == "1":
            raise
        print(f"{prog}: error: {one_line(err)}", file=sys.stderr)
        return 2
    except KeyboardInterrupt:
        print(f"{prog}: interrupted (a result set is written whole or not at all)", file=sys.stderr)
        return 130
    except Exception as err:  # the run failed: divergence, disk full, out of memory, ...
        if os.environ.get("GEOMEM_DEBUG") == "1":
            raise
        what = "could not write" if isinstance(err, OSError) else "run failed"
        print(f"{prog}: {what}: {type(err).__name__}: {one_line(err)} (GEOMEM_DEBUG=1 shows the traceback)",
              file=sys.stderr)
        return 1


def given(args, specs) -> dict:
    """The settings the command line names (None where a flag was not given), the preset aside."""
    return {f.name: getattr(args, f.name) for f, _, _ in specs if f.name != "preset"}


def run(args, command: str) -> int:
    """The subcommand, after parsing: 0 on success; bad input raises ValueError."""
    out = dict(overwrite=args.overwrite, memory_check=args.memory_check)
    if args.command == "reproduce":
        cfg, path = rep.plan(args.experiment, args.preset, args.out,
                             **given(args, [s for s in flags(InWeightsConfig) if s[1] is TrainConfig
                                            or s[0].name == "attention"]))
    else:
        cls, runner = RUNNERS[args.command]
        cfg = presets.config(args.command, args.preset, **given(args, flags(cls))).validate()
        if args.command == "tiny":
            m = tiny(cfg, out=args.out, command=command, **out).metrics
            print(f"topk_recovery={m['topk_recovery']:.3f} geometric_level={m['geometric_level']:.3f} "
                  f"spectral_concentration={m['spectral_concentration']:.3f} final_loss={m['final_loss']:.4f} "
                  f"steps={m['steps']} train_seconds={m['train_seconds']}")
            print(status_line(m))
            return 0
    if args.resume and not cfg.checkpoint_dir:
        raise ValueError("--resume needs --checkpoint-dir")
    if args.command == "reproduce":
        rep.check_ship(path, args.overwrite)
        result = rep.run(args.experiment, cfg, path, resume=args.resume, command=command, **out)
    else:
        result = runner(cfg, out=args.out, resume=args.resume, command=command, **out)
    m = result.metrics
    print(f"test_exact_match={m['test_exact_match']} test_hardest_token={m['test_hardest_token']} "
          f"chance={m['chance']:.4g} steps={m['steps']} train_seconds={m['train_seconds']}")
    print(status_line(m))
    return 0


def status_line(m: dict) -> str:
    """The run's last line: whether its result is evidence (the two-sided rule of the chapters)."""
    why = ("" if m["status"] == "trained" else
           " (it did not learn what it could, so its held-out result is no evidence either way: train longer)")
    return f"status: {m['status']}{why}"
