import numpy as np
import torch

from geomem_nb.evaluate import first_crossing, greedy_decode, path_accuracy, teacher_forced
from geomem_nb.geometry import leaf_first_hop_diagonal_accuracy, topk_recovery


def test_path_accuracy_hand_made():
    true = torch.tensor([[9, 1, 2, 3], [9, 4, 5, 6], [9, 7, 8, 0]])
    pred = torch.tensor([[9, 1, 2, 3], [9, 5, 5, 6], [9, 7, 8, 1]])
    acc = path_accuracy(pred, true)
    assert abs(acc["exact_match"] - 1 / 3) < 1e-6
    assert np.allclose(acc["per_position"], [1, 2 / 3, 1, 2 / 3])


class Lookup(torch.nn.Module):
    """A 'model' whose next token is a fixed function of the current token (a successor table)."""

    def __init__(self, succ, vocab):
        super().__init__()
        self.table = torch.nn.functional.one_hot(torch.as_tensor(succ), vocab).float() * 10

    def forward(self, idx):
        return self.table[idx]

    def logits(self, h):
        return h

    def next_token_logits(self, idx):
        return self.table[idx[:, -1]]


def test_greedy_and_teacher_forced():
    succ = [1, 2, 3, 3, 0]  # 0->1->2->3->3 ; 4->0
    m = Lookup(succ, 5)
    prompts = torch.tensor([[4], [1]])
    assert greedy_decode(m, prompts, 3).tolist() == [[0, 1, 2], [2, 3, 3]]
    # teacher forcing feeds the true previous token, so one wrong target does not derail the rest
    targets = torch.tensor([[0, 4, 0], [2, 3, 3]])
    assert teacher_forced(m, prompts, targets).tolist() == [[0, 1, 0], [2, 3, 3]]


def test_first_crossing():
    hist = [{"step": 0, "p": [0, 0]}, {"step": 10, "p": [0.6, 0.1]}, {"step": 20, "p": [0.9, 0.2]}]
    assert first_crossing(hist, "p") == [10, None]


def test_leaf_first_hop_diagonal_on_hand_built_embeddings():
    arms = np.array([[0, 1, 2], [0, 3, 4], [0, 5, 6]])
    e = np.zeros((7, 3))
    e[[1, 2], 0] = 1          # arm 0 along x
    e[[3, 4], 1] = 1          # arm 1 along y
    e[[5, 6], 2] = 1          # arm 2 along z
    assert leaf_first_hop_diagonal_accuracy(e, arms, [0, 1, 2]) == 1.0
    e2 = e.copy()
    e2[[2, 4, 6]] = e[[4, 6, 2]]  # leaves rotated to the wrong arms
    assert leaf_first_hop_diagonal_accuracy(e2, arms, [0, 1, 2]) == 0.0


def test_topk_recovery_hand_made():
    scores = np.array([[0, 5, 4, 1], [3, 0, 1, 9]])
    assert topk_recovery(scores, [np.array([1, 2]), np.array([3])]) == 1.0
    assert topk_recovery(scores, [np.array([1, 3]), np.array([0])]) == 0.25


def test_neighbour_lists_subset_and_repeats():
    from geomem_nb.geometry import neighbour_lists
    edges = [(2, 0), (0, 1), (0, 2), (2, 0), (1, 0)]
    assert [x.tolist() for x in neighbour_lists(4, edges)] == [[1, 2], [0], [0], []]
    assert [x.tolist() for x in neighbour_lists(4, edges, nodes=[2, 3])] == [[0], []]
