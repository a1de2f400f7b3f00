import numpy as np
import torch

from geomem_nb.evaluate import first_crossing, greedy_decode, path_accuracy, teacher_forced


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
