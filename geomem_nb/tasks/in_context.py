"""The in-context path-star task: every example is a *fresh*, randomly labelled G(d, l) given in the prompt.

Each example draws d(l-1)+1 distinct labels out of ``num_labels`` = N, builds the d arms of a
path-star graph from them, shuffles its d(l-1) parent->child edges and asks for the path from the
root (the *source*) to the leaf of one arm (the *goal*). Token layout (labels are 0..N-1, specials
follow)::

    u1 v1 u2 v2 ... uE vE [QUERY] source goal [ANSWER] | target tokens

``prompt`` is everything up to and including ``[ANSWER]``. The objectives differ only in the
tokens after the prompt and in which positions are scored:

    forward        inputs  prompt p0 p1 ... p_{l-2}      targets  p0 p1 ... p_{l-1}   (teacher forcing)
    reverse        inputs  prompt p_{l-1} ... p1         targets  p_{l-1} ... p0      (goal -> source)
    teacherless    inputs  prompt [DUMMY] x (l-1)        targets  p0 p1 ... p_{l-1}   (all in one pass)
    hardest-token  inputs  prompt p0                     target   p1 only             (the first hop)

where p0 = source, p_{l-1} = goal and p1 is the first hop after the source: the one real decision
(it needs l-2 backward hops from the goal). Examples are generated on the device, a batch at a time.
"""
from __future__ import annotations

from dataclasses import dataclass

import torch

from ..checks import check_choice, check_int

SPECIALS = ("[QUERY]", "[ANSWER]", "[DUMMY]")
OBJECTIVES = ("forward", "reverse", "teacherless", "hardest-token")


@dataclass(frozen=True)
class Batch:
    """A batch of drawn graphs, all (R, ...) long tensors on one device."""

    arms: torch.Tensor    # (R, d, l) labels; arms[:, :, 0] is the source of every arm
    goal_arm: torch.Tensor  # (R,) index of the arm whose leaf is the goal
    edges: torch.Tensor   # (R, d(l-1), 2) parent->child edges, shuffled per example

    @property
    def paths(self) -> torch.Tensor:
        """The true source->goal paths, (R, l)."""
        idx = self.goal_arm[:, None, None].expand(-1, 1, self.arms.shape[2])
        return self.arms.gather(1, idx)[:, 0]


@dataclass
class InContextTask:
    degree: int
    path_length: int
    num_labels: int
    objective: str = "forward"

    def __post_init__(self):
        check_int("degree", self.degree, 2)
        check_int("path_length", self.path_length, 3)
        check_int("num_labels", self.num_labels, self.num_nodes)
        check_choice("objective", self.objective, OBJECTIVES)

    # sizes and vocabulary -------------------------------------------------------------------
    @property
    def num_nodes(self) -> int:
        return self.degree * (self.path_length - 1) + 1

    @property
    def num_edges(self) -> int:
        return self.degree * (self.path_length - 1)

    @property
    def vocab_size(self) -> int:
        return self.num_labels + len(SPECIALS)

    def token(self, special: str) -> int:
        return self.num_labels + SPECIALS.index(special)

    def token_names(self, ids) -> list[str]:
        n = self.num_labels
        return [str(i) if i < n else SPECIALS[i - n] for i in torch.as_tensor(ids).tolist()]

    @property
    def prompt_length(self) -> int:
        return 2 * self.num_edges + 4

    @property
    def block_size(self) -> int:
        """Longest row any objective feeds the model (forward, reverse, teacherless)."""
        return self.prompt_length + self.path_length - 1

    @property
    def first_hop_index(self) -> int:
        """Where p1 (the first hop after the source) sits in this objective's target."""
        return self.path_length - 2 if self.objective == "reverse" else 1

    # drawing --------------------------------------------------------------------------------
    def draw(self, n: int, generator: torch.Generator) -> Batch:
        """``n`` fresh graphs on the generator's device: distinct labels per graph, a random goal arm,
        edges in a random order. Vectorized: no python loop over examples."""
        dev = generator.device
        d, ell = self.degree, self.path_length
        # The first num_nodes entries of a random permutation of 0..N-1: distinct labels.
        labels = torch.rand(n, self.num_labels, generator=generator, device=dev).argsort(1)[:, :self.num_nodes]
        arms = torch.empty(n, d, ell, dtype=torch.long, device=dev)
        arms[:, :, 0] = labels[:, :1]
        arms[:, :, 1:] = labels[:, 1:].view(n, d, ell - 1)
        goal_arm = torch.randint(d, (n,), generator=generator, device=dev)
        edges = torch.stack([arms[:, :, :-1], arms[:, :, 1:]], dim=3).view(n, self.num_edges, 2)
        order = torch.rand(n, self.num_edges, generator=generator, device=dev).argsort(1)
        edges = edges.gather(1, order[:, :, None].expand(-1, -1, 2))
        return Batch(arms, goal_arm, edges)

    # token layouts --------------------------------------------------------------------------
    def prompts(self, batch: Batch) -> torch.Tensor:
        """``u1 v1 ... uE vE [QUERY] source goal [ANSWER]``, (R, prompt_length)."""
        paths = batch.paths
        n = paths.shape[0]
        query = torch.full((n, 4), self.token("[QUERY]"), dtype=torch.long, device=paths.device)
        query[:, 1], query[:, 2], query[:, 3] = paths[:, 0], paths[:, -1], self.token("[ANSWER]")
        return torch.cat([batch.edges.reshape(n, -1), query], dim=1)

    def answers(self, batch: Batch) -> torch.Tensor:
        """The target sequence of this objective: the path, reversed for ``reverse``, (R, l)."""
        paths = batch.paths
        return paths.flip(1) if self.objective == "reverse" else paths

    def layout(self, batch: Batch):
        """(inputs (R, T), targets (R, m), target_pos (m,)): the model's prediction at
        ``target_pos[j]`` is scored against ``targets[:, j]``; nothing else is a target."""
        prompts, answers = self.prompts(batch), self.answers(batch)
        k, ell = self.prompt_length, self.path_length
        dev = prompts.device
        if self.objective == "hardest-token":
            inputs = torch.cat([prompts, answers[:, :1]], dim=1)
            return inputs, answers[:, 1:2], torch.tensor([k], device=dev)
        if self.objective == "teacherless":
            tail = torch.full_like(answers[:, :-1], self.token("[DUMMY]"))
        else:
            tail = answers[:, :-1]
        return torch.cat([prompts, tail], dim=1), answers, torch.arange(k - 1, k - 1 + ell, device=dev)


class FreshBatches:
    """A ``batching.BatchSource`` for ``train.train``: ``batch_size`` fresh graphs per step, drawn on
    the device, in rows of one length (default positions, plain causal mask)."""

    pos = None   # default positions 0..T-1
    mask = None  # causal

    def __init__(self, task: InContextTask, batch_size: int, device):
        self.task, self.batch_size = task, check_int("batch_size", batch_size, 1)
        probe = task.draw(1, torch.Generator(device=device).manual_seed(0))
        inputs, _, target_pos = task.layout(probe)
        width = inputs.shape[1]
        rows = torch.arange(batch_size, device=device)
        self.flat_targets = (rows[:, None] * width + target_pos[None, :]).reshape(-1)

    def sample(self, generator: torch.Generator):
        inputs, targets, _ = self.task.layout(self.task.draw(self.batch_size, generator))
        return inputs, targets.reshape(-1)
