"""The parser of every command line: help that tells a user what the command does, in plain words,
followed by examples; bad input refused in one line (``prog: error: ...``, exit status 2) before any
work starts. Developer notes stay in the module docstrings, never in a user's help. Imports nothing
from the package (the ground floor), so that the CLI and every study's command line can use it."""
from __future__ import annotations

import argparse
import contextlib
import os
import textwrap

WIDTH = 88  # the help's line length (argparse's own default follows the terminal; ours stays readable in logs)


def one_line(err) -> str:
    """An error's message on one line, at most 400 characters."""
    text = " ".join(str(err).split()) or "no detail"
    return text if len(text) <= 400 else text[:400] + " ..."


class _Layout(argparse.RawDescriptionHelpFormatter):
    """The help's layout: our paragraphs and examples as written, the options in columns."""

    def __init__(self, prog):
        super().__init__(prog, max_help_position=30, width=WIDTH)

    def _split_lines(self, text, width):  # never break a name such as in-weights-g5000-5 at its hyphens
        return textwrap.wrap(" ".join(text.split()), width, break_on_hyphens=False)

    def add_argument(self, action):
        super().add_argument(action)
        if isinstance(action, argparse._SubParsersAction):  # argparse measures its commands one indent short
            longest = max(map(len, action.choices), default=0)
            self._action_max_length = max(self._action_max_length, longest + self._current_indent + 4)


class Parser(argparse.ArgumentParser):
    """An ArgumentParser for users: ``what`` (paragraphs of plain words) opens the help and
    ``examples`` (one command line each) close it; an error is one line and exit status 2."""

    def __init__(self, *args, what: str = "", examples=(), **kwargs):
        paragraphs = [" ".join(p.split()) for p in what.strip().split("\n\n") if p.strip()]
        kwargs["description"] = "\n\n".join(textwrap.fill(p, WIDTH) for p in paragraphs) or None
        if examples:
            kwargs["epilog"] = "examples:\n" + "\n".join(f"  {e}" for e in examples)
        kwargs.setdefault("formatter_class", _Layout)
        super().__init__(*args, **kwargs)

    def error(self, message):
        self.exit(2, f"{self.prog}: error: {one_line(message)}\n")

    @contextlib.contextmanager
    def refusing(self):
        """Within the block, a ValueError (a check naming the parameter and what it allows) ends the
        command as this parser's one-line error; GEOMEM_DEBUG=1 shows the traceback instead. Wrap the
        checks of the input only, never the work: a run that fails is not bad input."""
        try:
            yield
        except ValueError as err:
            if os.environ.get("GEOMEM_DEBUG") == "1":
                raise
            self.error(one_line(err))


def seed(text: str) -> int:
    """The type of a ``--seeds`` value: an integer >= 0 (numpy refuses negative seeds)."""
    try:
        value = int(text)
    except ValueError:
        value = -1
    if value < 0:
        raise argparse.ArgumentTypeError(f"a seed is an integer >= 0, got {text!r}")
    return value


class _Distinct(argparse.Action):
    def __call__(self, parser, namespace, values, option_string=None):
        if len(set(values)) != len(values):
            parser.error(f"argument {option_string}: the seeds must be distinct, got {' '.join(map(str, values))}")
        setattr(namespace, self.dest, list(values))


def add_seeds(p: argparse.ArgumentParser, default) -> None:
    """``--seeds``: distinct integers >= 0, ``default`` when not given."""
    p.add_argument("--seeds", type=seed, nargs="+", action=_Distinct, default=list(default), metavar="SEED",
                   help=f"the seeds to run, distinct integers >= 0 (default: {' '.join(map(str, default))})")
