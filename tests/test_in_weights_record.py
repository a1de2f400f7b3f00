"""What an in-weights record keeps for the verdicts: a first-hop-only run's accuracy on its training
first hops (C3 tells a failure that fitted them from an under-trained one) and every run's edge recovery
(C9's guard on the edge-only run)."""
from geomem_nb import presets
from geomem_nb.experiments.in_weights import in_weights


def test_a_first_hop_run_keeps_its_training_first_hops_and_an_edge_only_run_its_edges(tmp_path):
    hop = in_weights(presets.config("in-weights-small", "ci", steps=60, objective="hardest-token"), out=tmp_path / "h")
    m = hop.metrics
    assert 0.0 <= m["train_hardest_token"] <= 1.0 and m["train_hardest_token"] == hop.history[-1]["train_hardest_token"]
    edges = in_weights(presets.config("in-weights-small", "ci", steps=60, objective="edges-only"), out=tmp_path / "e")
    assert 0.0 <= edges.metrics["edge_recovery"] <= 1.0
