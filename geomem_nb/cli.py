"""``python -m geomem_nb``: argument parsing and validation only; the work is in ``experiments``.

Bad input (arguments, files, devices, environment variables, a run too big for memory) exits with
status 2 and one line naming the parameter and what is allowed, before any file is written; a run
that fails (divergence, a full disk, out of memory) exits with status 1 and one line. GEOMEM_DEBUG=1
shows the traceback instead."""
from __future__ import annotations

import argparse
import os
import shlex
import sys

from . import presets, reproduce as rep
from .experiments import GRAPH_KINDS, SCHEDULES, in_context, in_weights
from .graphs import TREE_STAR_SPLITS
from .models import MODELS
from .tiny import MODELS as tiny_models, tiny
from .models.gpt import ATTENTION
from .runtime import SCALES
from .tasks import in_context as ic
from .tasks.in_weights import EDGE_DIRECTIONS, OBJECTIVES, PATH_DIRECTIONS


class OneLineParser(argparse.ArgumentParser):
    def error(self, message):
        self.exit(2, f"{self.prog}: error: {message}\n")


def _common_training(p):
    p.add_argument("--model", choices=sorted(MODELS), help="gpt (default) or mamba")
    p.add_argument("--seed", type=int)
    p.add_argument("--preset", choices=SCALES, help="scale (default: GEOMEM_SCALE, else cpu)")
    p.add_argument("--layers", type=int)
    p.add_argument("--width", type=int)
    p.add_argument("--heads", type=int)
    p.add_argument("--steps", type=int)
    p.add_argument("--batch-size", type=int)
    p.add_argument("--lr", type=float)
    p.add_argument("--warmup", type=int)
    p.add_argument("--eval-every", type=int)
    p.add_argument("--eval-budget", type=float, help="skip evaluations while they exceed this fraction of training time")
    p.add_argument("--time-budget", type=float, help="stop after this many training seconds")
    p.add_argument("--compile", action="store_true", default=None, help="torch.compile the loss (CUDA only)")
    p.add_argument("--cuda-graphs", action="store_true", default=None, help="with --compile: replay steps as CUDA graphs")
    p.add_argument("--attention", choices=ATTENTION, help="sdpa (fused kernels) or math (explicit)")
    p.add_argument("--no-pack", dest="pack", action="store_false", default=None,
                   help="pad every example to the row length instead of packing (the slow baseline)")
    p.add_argument("--buckets", action="store_true", default=None,
                   help="each example set in rows of its own length: no padding, no attention mask")
    p.add_argument("--checkpoint-dir")
    p.add_argument("--checkpoint-every", type=int)
    p.add_argument("--resume", action="store_true", help="continue from --checkpoint-dir if it holds a checkpoint "
                   "of this run (the same settings and graph; another run's is refused)")
    _output_flags(p)


def _output_flags(p):
    p.add_argument("--overwrite", action="store_true", help="replace the finished run --out holds")
    p.add_argument("--no-memory-check", dest="memory_check", action="store_false",
                   help="start even if the memory estimate exceeds what the device has")


def parser() -> argparse.ArgumentParser:
    top = OneLineParser(prog="python -m geomem_nb", description=__doc__)
    sub = top.add_subparsers(dest="command", required=True, parser_class=OneLineParser)

    p = sub.add_parser("in-weights", help="train on one path-star graph in the weights; score held-out leaves")
    p.add_argument("--degree", type=int, help="d: number of arms (>= 2)")
    p.add_argument("--path-length", type=int, help="l: nodes per arm including the root (>= 2)")
    p.add_argument("--objective", choices=OBJECTIVES)
    p.add_argument("--edges", choices=EDGE_DIRECTIONS)
    p.add_argument("--pause-tokens", type=int)
    p.add_argument("--path-direction", choices=PATH_DIRECTIONS, help="forward: root -> leaf targets; reverse: leaf -> root")
    p.add_argument("--graph", choices=GRAPH_KINDS, help="path-star G(d,l) (default) or tree-star T(d,l)")
    p.add_argument("--split", choices=TREE_STAR_SPLITS, help="tree-star held-out leaves: leaf or first-token")
    p.add_argument("--schedule", choices=SCHEDULES, help="mixed (default) or staged: edges first, then paths")
    p.add_argument("--edge-steps", type=int, help="staged: steps of the edge phase")
    p.add_argument("--edge-lr", type=float, help="staged: peak lr of the edge phase")
    p.add_argument("--freeze-embeddings", action="store_true", default=None)
    p.add_argument("--target", type=float, help="stop once the exact match of the validation arms (a seeded 20%% of "
                   "the held-out arms, never reported) reaches this; the reported numbers are the other arms'")
    _common_training(p)
    p.add_argument("--out", required=True, help="folder for metrics.json, embeddings.npy, graph.json")

    c = sub.add_parser("in-context", help="train on fresh graphs given in the prompt (Bachmann & Nagarajan's task)")
    c.add_argument("--degree", type=int, required=True, help="d: number of arms (>= 2)")
    c.add_argument("--path-length", type=int, required=True, help="l: nodes per arm including the source (>= 3)")
    c.add_argument("--num-labels", type=int, help="N: labels drawn per graph from 0..N-1 (>= d(l-1)+1)")
    c.add_argument("--objective", choices=ic.OBJECTIVES, required=True)
    c.add_argument("--eval-examples", type=int, help="held-out graphs scored at every evaluation")
    _common_training(c)
    c.add_argument("--out", required=True, help="folder for metrics.json")

    t = sub.add_parser("tiny", help="memorize a tiny graph's edges with one model; score memory and geometry")
    t.add_argument("--graph", required=True, help="star, grid, cycle, irregular, cycle:N, grid:RxC or path:N")
    t.add_argument("--model", required=True, choices=tiny_models)
    t.add_argument("--self-edges", action="store_true", help="also memorize (u, u) for every node")
    t.add_argument("--forward-only", action="store_true", help="memorize each edge in its forward direction only")
    t.add_argument("--steps", type=int, help="full-batch training steps (default: the tuned value)")
    t.add_argument("--lr", type=float)
    t.add_argument("--dim", type=int, help="embedding width")
    t.add_argument("--seed", type=int)
    t.add_argument("--schedule", choices=("cosine", "constant"),
                   help="lr schedule: cosine decay to lr/10, or constant (default: the authors' for the graph)")
    t.add_argument("--weight-decay", type=float, help="AdamW weight decay on matrices (default: the authors')")
    t.add_argument("--dropout", type=float, help="bilinear models: dropout on the hidden state W e_u + b")
    t.add_argument("--embed-std", type=float, help="bilinear models: init std of the embeddings (1.0 = the authors' "
                   "'non_geometric' init; default 0.02)")
    t.add_argument("--pos-std", type=float, help="transformer: init std of the position embeddings (default 1.0, "
                   "the authors'; 0.02 = our earlier init)")
    t.add_argument("--untied", action="store_true", help="bilinear models: a separate output table")
    t.add_argument("--expand", type=int, help="mamba: inner width = expand x dim (default: 2; 4 on the irregular graph)")
    t.add_argument("--preset", choices=SCALES, help="scale (default: GEOMEM_SCALE, else cpu)")
    t.add_argument("--out", required=True, help="folder for metrics.json, embeddings.npy, graph.json "
                   "(and dynamics.npz for node2vec)")
    _output_flags(t)

    r = sub.add_parser("reproduce", help="run a headline experiment (written to runs/<experiment>)")
    r.add_argument("experiment", choices=sorted(rep.EXPERIMENTS))
    r.add_argument("--preset", choices=SCALES, default="paper")
    r.add_argument("--out", help="default: runs/<experiment> (runs/<experiment>-<preset> below paper); "
                   "results/<experiment> ships it (from a GPU, or with --overwrite)")
    r.add_argument("--time-budget", type=float)
    r.add_argument("--batch-size", type=int, help="a larger batch; the peak lr scales by sqrt(new/old) unless --lr")
    r.add_argument("--lr", type=float)
    r.add_argument("--steps", type=int)
    r.add_argument("--eval-budget", type=float, help="fraction of training time evaluations may take (0 = all)")
    r.add_argument("--compile", action="store_true", default=None)
    r.add_argument("--cuda-graphs", action="store_true", default=None)
    r.add_argument("--attention", choices=ATTENTION)
    r.add_argument("--buckets", action="store_true", default=None, help="in-weights: one row shape per example set")
    r.add_argument("--checkpoint-dir")
    r.add_argument("--checkpoint-every", type=int)
    r.add_argument("--resume", action="store_true")
    _output_flags(r)
    return top


def run_tiny(args, command: str) -> int:
    """``tiny``: validate everything, then train and write the results."""
    cfg = presets.config("tiny", args.preset, graph=args.graph, model=args.model, self_edges=args.self_edges,
                         forward_only=args.forward_only, steps=args.steps, lr=args.lr, dim=args.dim,
                         seed=args.seed, cosine=None if args.schedule is None else args.schedule == "cosine",
                         weight_decay=args.weight_decay, dropout=args.dropout, embed_std=args.embed_std,
                         pos_std=args.pos_std, tied=False if args.untied else None, expand=args.expand).validate()
    m = tiny(cfg, out=args.out, command=command, overwrite=args.overwrite, memory_check=args.memory_check).metrics
    print(f"topk_recovery={m['topk_recovery']:.3f} geometric_level={m['geometric_level']:.3f} "
          f"spectral_concentration={m['spectral_concentration']:.3f} final_loss={m['final_loss']:.4f} "
          f"steps={m['steps']} train_seconds={m['train_seconds']}")
    return 0


def _one_line(err: BaseException) -> str:
    text = " ".join(str(err).split()) or "no detail"
    return text if len(text) <= 400 else text[:400] + " ..."


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
        print(f"{prog}: error: {_one_line(err)}", file=sys.stderr)
        return 2
    except KeyboardInterrupt:
        print(f"{prog}: interrupted (a result set is written whole or not at all)", file=sys.stderr)
        return 130
    except Exception as err:  # the run failed: divergence, disk full, out of memory, ...
        if os.environ.get("GEOMEM_DEBUG") == "1":
            raise
        what = "could not write" if isinstance(err, OSError) else "run failed"
        print(f"{prog}: {what}: {type(err).__name__}: {_one_line(err)} (GEOMEM_DEBUG=1 shows the traceback)",
              file=sys.stderr)
        return 1


def run(args, command: str) -> int:
    """The subcommand, after parsing: 0 on success; bad input raises ValueError."""
    out = dict(overwrite=args.overwrite, memory_check=args.memory_check)
    if args.command == "tiny":
        return run_tiny(args, command)
    if args.command == "in-weights":
        cfg = presets.config(
            "in-weights", args.preset, degree=args.degree, path_length=args.path_length, seed=args.seed,
            model=args.model, path_direction=args.path_direction, graph=args.graph, split=args.split,
            schedule=args.schedule, edge_steps=args.edge_steps, edge_lr=args.edge_lr,
            objective=args.objective, edges=args.edges, pause_tokens=args.pause_tokens,
            layers=args.layers, width=args.width, heads=args.heads, freeze_embeddings=args.freeze_embeddings,
            steps=args.steps, batch_size=args.batch_size, lr=args.lr, warmup=args.warmup,
            eval_every=args.eval_every, eval_budget=args.eval_budget, time_budget=args.time_budget,
            compile=args.compile, pack=args.pack, buckets=args.buckets,
            cuda_graphs=args.cuda_graphs, attention=args.attention,
            target=args.target, checkpoint_dir=args.checkpoint_dir, checkpoint_every=args.checkpoint_every,
        ).validate()
        if args.resume and not cfg.checkpoint_dir:
            raise ValueError("--resume needs --checkpoint-dir")
        result = in_weights(cfg, out=args.out, resume=args.resume, command=command, **out)
    elif args.command == "in-context":
        cfg = presets.config(
            "in-context", args.preset, degree=args.degree, path_length=args.path_length,
            num_labels=args.num_labels, objective=args.objective, eval_examples=args.eval_examples,
            seed=args.seed, model=args.model, layers=args.layers, width=args.width, heads=args.heads, steps=args.steps,
            batch_size=args.batch_size, lr=args.lr, warmup=args.warmup, eval_every=args.eval_every,
            eval_budget=args.eval_budget, time_budget=args.time_budget, compile=args.compile,
            cuda_graphs=args.cuda_graphs,
            attention=args.attention, checkpoint_dir=args.checkpoint_dir, checkpoint_every=args.checkpoint_every,
        ).validate()
        if args.pack is False or args.buckets:
            raise ValueError("--no-pack and --buckets do not apply: each row holds one in-context example")
        if args.resume and not cfg.checkpoint_dir:
            raise ValueError("--resume needs --checkpoint-dir")
        result = in_context(cfg, out=args.out, resume=args.resume, command=command, **out)
    else:
        cfg, path = rep.plan(args.experiment, args.preset, args.out, time_budget=args.time_budget,
                            eval_budget=args.eval_budget, buckets=args.buckets, batch_size=args.batch_size,
                            lr=args.lr, steps=args.steps,
                            compile=args.compile, cuda_graphs=args.cuda_graphs, attention=args.attention,
                            checkpoint_dir=args.checkpoint_dir,
                            checkpoint_every=args.checkpoint_every)
        if args.resume and not cfg.checkpoint_dir:
            raise ValueError("--resume needs --checkpoint-dir")
        rep.check_ship(path, args.overwrite)
        result = rep.run(args.experiment, cfg, path, resume=args.resume, command=command, **out)
    m = result.metrics
    print(f"test_exact_match={m['test_exact_match']} test_hardest_token={m['test_hardest_token']} "
          f"chance={m['chance']:.4g} steps={m['steps']} train_seconds={m['train_seconds']}")
    return 0
