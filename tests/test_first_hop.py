"""The first-hop diagnosis on hand-built logits and embeddings, and wired into a run."""
import numpy as np
import pytest

from geomem_nb import first_hop
from geomem_nb.studies import path_length_map
from geomem_nb.graphs import path_star


def _graph():
    g = path_star(8, 3, seed=0)  # 8 arms of root -> v1 -> leaf; 6 train, 2 held out
    assert len(g.train_arms) == 6 and len(g.test_arms) == 2
    return g


def _logits(g, winner):
    """Logits whose argmax over every node is ``winner(arm)``, and whose runner-up is the own first hop."""
    out = np.zeros((len(g.test_arms), g.num_nodes))
    for i, a in enumerate(g.test_arms):
        out[i, g.first_hops[a]] = 1.0
        out[i, winner(a)] = 2.0
    return out


def test_shares_sum_to_one_and_name_where_the_guess_lands():
    g = _graph()
    emb = np.eye(g.num_nodes)
    train_hop = g.first_hops[g.train_arms[0]]
    d = first_hop.diagnose(_logits(g, lambda a: train_hop), emb, g, g.test_arms)  # a training hop wins
    assert d["share_training_first_hop"] == 1.0 and d["share_correct"] == 0.0
    assert sum(d[f"share_{s}"] for s in first_hop.SHARES) == pytest.approx(1.0)
    assert d["accuracy_among_held_out"] == 1.0  # restricted to the held-out hops, the own one is next
    assert d["accuracy_among_first_hops"] == 0.0 and d["logit_gap"] == pytest.approx(1.0)
    d = first_hop.diagnose(_logits(g, lambda a: g.root), emb, g, g.test_arms)  # the root: no first hop
    assert d["share_not_a_first_hop"] == 1.0 and d["accuracy_among_first_hops"] == 1.0
    assert d["logit_gap"] == pytest.approx(-1.0)
    right = first_hop.diagnose(_logits(g, lambda a: g.first_hops[a]), emb, g, g.test_arms)
    assert right["share_correct"] == 1.0 and right["chance_among_held_out"] == 0.5


def test_cosine_margin_reads_the_geometry():
    g = _graph()
    emb = np.random.default_rng(0).normal(size=(g.num_nodes, 4))
    lf = np.zeros((len(g.test_arms), g.num_nodes))
    for a in g.test_arms:  # each held-out leaf points at its own first hop
        emb[g.leaves[a]] = emb[g.first_hops[a]]
    assert first_hop.diagnose(lf, emb, g, g.test_arms)["cosine_margin"] > 0
    for a in g.test_arms:  # ... and now at another arm's
        emb[g.leaves[a]] = emb[g.first_hops[g.train_arms[0]]]
    assert first_hop.diagnose(lf, emb, g, g.test_arms)["cosine_margin"] < 0


def test_bad_shapes_and_directions_are_refused():
    g = _graph()
    with pytest.raises(ValueError, match="logits must be"):
        first_hop.diagnose(np.zeros((3, g.num_nodes)), np.eye(g.num_nodes), g, g.test_arms)
    from geomem_nb import presets
    with pytest.raises(ValueError, match="diagnose_first_hop needs"):
        presets.config("in-weights-small", "ci", path_direction="reverse", diagnose_first_hop=True).validate()


def test_diagnosed_cells_are_the_maps_runs():
    """The diagnosis changes what is recorded, not the run: each diagnosed cell is a cell of the map."""
    mapped = {path_length_map.name(c) for c in path_length_map.cells("cpu") + path_length_map.knob_cells("cpu")}
    for cell in path_length_map.first_hop_cells("cpu"):
        assert path_length_map.name(cell) in mapped
        plain, diagnosed = path_length_map.config(cell, "cpu").record(), path_length_map.config(cell, "cpu", diagnose=True).record()
        assert {k for k in plain if plain[k] != diagnosed[k]} == {"diagnose_first_hop"}
    assert "--diagnose-first-hop" in path_length_map.command(path_length_map.config(cell, "cpu", diagnose=True), "x")


def test_a_diagnosed_run_records_it(tmp_path, monkeypatch):
    monkeypatch.setitem(path_length_map.FIRST_HOP_CELLS, "ci", [dict(degree=20, path_length=4, epochs=120)])  # a small cell
    assert path_length_map.run("ci", tmp_path, group="first-hop") == []
    (row,) = path_length_map.collect(tmp_path, "ci", "first-hop")
    d = row["first_hop"]
    assert sum(d[f"share_{s}"] for s in first_hop.SHARES) == pytest.approx(1.0)
    assert d["share_correct"] == pytest.approx(row["test_hardest_token"])  # teacher-forced root = greedy's
    assert all("first_hop" in h for h in row["history"])


def test_reading_names_the_hypothesis_the_numbers_support():
    base = dict(share_correct=0.1, share_training_first_hop=0.8, accuracy_among_held_out=0.48,
                chance_among_held_out=0.04)
    assert first_hop.reading(base) == "H1"  # 12x chance among the held-out hops
    assert first_hop.reading({**base, "accuracy_among_held_out": 0.15}) == "H2/H3"  # < 5x chance
    assert first_hop.reading({**base, "accuracy_among_held_out": 0.2, "chance_among_held_out": 0.01}) == "H2/H3"  # < 0.25
    assert first_hop.reading({**base, "share_training_first_hop": 0.1}) == "mixed"
    assert first_hop.reading({**base, "share_correct": 0.9}) is None  # the cell does not fail
    assert first_hop.reading({**base, "accuracy_among_held_out": None}) == "mixed"
    assert set(first_hop.READINGS) == {"H1", "H2/H3", "mixed"}


def test_first_hop_is_asked_where_each_objective_trains_it():
    """Full paths: after the prompt and the root; hardest-token: right after the prompt (its examples)."""
    import torch
    from geomem_nb.tasks.in_weights import InWeightsTask

    class Recorder:
        def next_token_logits(self, seq):
            self.seq = seq
            return torch.zeros(len(seq), 100)

    g = _graph()
    for objective, extra in (("full-path", 1), ("hardest-token", 0)):
        task, model = InWeightsTask(g, 1, objective), Recorder()
        first_hop.first_hop_logits(model, task, g.test_arms, "cpu")
        assert model.seq.shape[1] == task.prompt_length + extra
        assert torch.equal(model.seq[:, :task.prompt_length], task.prompts(g.test_arms))
        if extra:
            assert model.seq[:, -1].tolist() == [g.root] * len(g.test_arms)
