"""Tiny graphs, the tiny-graph models, the ``tiny`` experiment and its CLI (the metrics: test_geometry.py)."""
import json
import subprocess
import sys

import networkx as nx
import numpy as np
import pytest
import torch

from geomem_nb import experiments, graphs, presets
from geomem_nb.experiments import tiny_config
from geomem_nb.experiments.tiny import build_model
from geomem_nb.models.bilinear import Bilinear

# graphs -----------------------------------------------------------------------------------------


@pytest.mark.parametrize("spec,nodes,edges,parts", [("star", 17, 16, [17]), ("grid", 16, 24, [16]),
                                                    ("cycle", 15, 15, [15]), ("irregular", 16, 20, [12, 4]),
                                                    ("cycle:7", 7, 7, [7]), ("grid:2x3", 6, 7, [6]),
                                                    ("path:5", 5, 4, [5])])
def test_tiny_graph_sizes_and_components(spec, nodes, edges, parts):
    g = graphs.tiny_graph(spec)
    assert (g.num_nodes, len(g.forward)) == (nodes, edges)
    assert [len(c) for c in g.components()] == parts
    assert g.connected == (len(parts) == 1)
    a = g.adjacency()
    assert (a == a.T).all() and a.sum() == 2 * edges and np.trace(a) == 0


def test_irregular_graph_is_a_k4_beside_a_ring_with_two_chords():
    g = graphs.irregular()
    nx_g = g.to_networkx()
    assert nx.is_isomorphic(nx_g.subgraph([12, 13, 14, 15]), nx.complete_graph(4))
    ring = nx_g.subgraph(range(12))
    assert ring.number_of_edges() == 14 and {(1, 3), (5, 8)} <= set(map(tuple, map(sorted, ring.edges)))


def test_edge_directions_and_self_edges():
    g = graphs.tiny_path_star()
    fwd = g.edges("forward")
    assert (fwd[:, 0] == 0).sum() == 4  # the root's four children
    both = g.edges("both")
    assert len(both) == 32 and len(np.unique(both, axis=0)) == 32
    loops = g.edges("both", self_edges=True)
    assert len(loops) == 32 + 17 and (loops[-17:, 0] == loops[-17:, 1]).all()
    with pytest.raises(ValueError, match="direction"):
        g.edges("sideways")


def test_from_networkx_relabels_and_drops_self_loops():
    h = nx.Graph([("b", "a"), ("a", "c"), ("c", "c")])
    g = graphs.from_networkx(h, "abc")
    assert g.num_nodes == 3 and sorted(map(tuple, g.forward.tolist())) == [(0, 1), (0, 2)]


@pytest.mark.parametrize("spec,word", [("blob", "graph must be one of"), ("grid:3", "graph must be one of"),
                                       ("cycle:x", "graph must be one of"), ("cycle:2", "n must be")])
def test_bad_graph_specs_raise_one_clear_error(spec, word):
    with pytest.raises(ValueError, match=word):
        graphs.tiny_graph(spec)


# models -----------------------------------------------------------------------------------------


def test_bilinear_logits_are_e_times_w_e_u_plus_b_and_freezing_leaves_only_w_and_b():
    m = Bilinear(7, 5)
    torch.nn.init.normal_(m.linear.bias)
    idx = torch.tensor([[6, 3]])
    e, w, b = m.tok.weight, m.linear.weight, m.linear.bias
    assert torch.allclose(m.next_token_logits(idx)[0], e @ (w @ e[3] + b), atol=1e-6)
    m.freeze_embeddings()
    assert [n for n, p in m.named_parameters() if p.requires_grad] == ["linear.weight", "linear.bias"]


# the experiment ---------------------------------------------------------------------------------


def test_associative_fast_stores_every_edge_within_two_steps_and_keeps_no_geometry():
    r = experiments.tiny(experiments.TinyConfig(graph="cycle", model="associative-fast"))
    assert r.metrics["topk_recovery"] == 1.0 and r.metrics["steps_to_full_recovery"] <= 2
    assert abs(r.metrics["geometric_level"]) < 0.1
    assert r.embeddings().shape == (15, 512)


def test_same_seed_same_numbers_different_seed_different_numbers():
    runs = [experiments.tiny(experiments.TinyConfig(graph="cycle:7", model="nn", steps=30, seed=s)).metrics for s in (3, 3, 4)]
    keys = ("geometric_level", "spectral_concentration", "final_loss")
    assert [runs[0][k] for k in keys] == [runs[1][k] for k in keys]
    assert runs[0]["final_loss"] != runs[2]["final_loss"]


def test_config_validation_names_the_parameter():
    for kwargs, word in ((dict(model="mlp"), "model"), (dict(steps=0), "steps"), (dict(lr=0.0), "lr"),
                         (dict(dim=-3), "dim"), (dict(graph="tree"), "graph"),
                         (dict(model="node2vec", forward_only=True), "forward_only")):
        with pytest.raises(ValueError, match=word):
            experiments.TinyConfig(**kwargs).validate()
    cfg = presets.config("tiny", "ci", model="transformer").validate()
    assert (cfg.dim, cfg.steps) == (tiny_config.settings("transformer", "cycle")["dim"], min(1000, tiny_config.settings("transformer", "cycle")["steps"]))


def cli(*args, cwd):
    return subprocess.run([sys.executable, "-m", "geomem_nb", "tiny", *args], capture_output=True, text=True,
                          cwd=cwd, env={"GEOMEM_PROGRESS": "0", "PATH": "/usr/bin:/bin"})


def test_cli_writes_the_promised_files(tmp_path):
    out = tmp_path / "n2v"
    p = cli("--graph", "cycle:9", "--model", "node2vec", "--steps", "300", "--self-edges", "--out", str(out),
            cwd=tmp_path)
    assert p.returncode == 0, p.stderr
    m = json.loads((out / "metrics.json").read_text())
    for key in ("topk_recovery", "geometric_level", "spectral_concentration", "spectral_energy", "final_loss",
                "steps", "train_seconds", "config", "provenance"):
        assert key in m
    assert m["steps"] == 300 and m["config"]["self_edges"] and m["spectral_energy"][0]["trivial"]
    assert all("eigenvalue" in e and "energy" in e for e in m["spectral_energy"])
    assert np.load(out / "embeddings.npy").shape == (9, 100)
    g = json.loads((out / "graph.json").read_text())
    assert g["nodes"] == list(range(9)) and len(g["edges"]) == 9
    d = np.load(out / "dynamics.npz")
    assert d["projection"].shape == d["c_norm"].shape == (len(d["steps"]), len(m["spectral_energy"]))


def test_authors_settings_vocabulary_position_init_and_commands():
    assert tiny_config.settings("nn", "cycle") == {**tiny_config.SETTINGS["nn"], "dim": 512, "steps": 10000, "cosine": False}
    assert tiny_config.settings("transformer", "irregular", forward_only=True)["dim"] == 48
    assert tiny_config.settings("nn", "cycle:7") == tiny_config.SETTINGS["nn"]  # graphs the authors did not run: the base
    assert tiny_config.describe(tiny_config.settings("nn", "cycle"), "nn").startswith("d512 lr ")
    assert "10000 st const" in tiny_config.describe(tiny_config.settings("nn", "cycle"), "nn")
    cfg = experiments.TinyConfig(graph="star", model="transformer").validate()
    model = build_model(cfg, 17, torch.device("cpu"))
    assert model.tok.weight.shape[0] == 17 + tiny_config.SPECIAL_TOKENS
    assert model.pos.weight.std().item() > 0.5  # N(0, 1), the authors' default
    old = build_model(experiments.TinyConfig(graph="star", model="transformer", pos_std=0.02).validate(), 17, torch.device("cpu"))
    assert old.pos.weight.std().item() < 0.05
    for kwargs, word in ((dict(model="nn", pos_std=1.0), "pos_std"), (dict(model="nn", expand=2), "expand"),
                         (dict(model="nn", max_steps=0), "max_steps"), (dict(model="nn", special_tokens=0), "special_tokens")):
        with pytest.raises(ValueError, match=word):
            experiments.TinyConfig(**kwargs).validate()
    c = tiny_config.command(graph="cycle", model="nn", embed_std=1.0, lr=1e-4, weight_decay=10.0)
    assert c.endswith("--graph cycle --model nn --dim 512 --lr 0.0001 --steps 10000 --seed 7 --schedule constant "
                      "--weight-decay 10 --embed-std 1")
    args = c.split("tiny ", 1)[1].split()
    from geomem_nb import cli as gcli
    a = gcli.parser().parse_args(["tiny", *args, "--out", "x"])
    assert (a.cosine, a.weight_decay, a.embed_std, a.lr, a.dim, a.steps) == (False, 10.0, 1.0, 1e-4, 512, 10000)


def test_tiny_mamba_memorizes_a_small_cycle_and_reports_the_authors_margin_for_bilinear():
    r = experiments.tiny(experiments.TinyConfig(graph="cycle:6", model="mamba", steps=150))
    assert r.metrics["topk_recovery"] == 1.0 and r.model.blocks[0].mixer.d_state == 8
    b = experiments.tiny(experiments.TinyConfig(graph="cycle:6", model="nn", steps=30)).metrics
    assert b["geometric_margin_full_vocab"] is not None and b["geometric_margin"] is not None


def test_sign_by_graph_reads_the_level_against_zero_beyond_the_spread():
    from geomem_nb import stats
    from geomem_nb.studies import tiny_graph_seeds

    def entry(*vals):
        return {"measures": {"geometric_level": stats.as_record(stats.spread(list(vals)))}}

    rec = {"runs": {"star/nn": entry(-0.1, 0.1, 0.0), "grid/nn": entry(-0.3, -0.2, -0.25),
                    "cycle/nn": entry(0.3, 0.4, 0.35), "irregular/nn": {"measures": {}}}}
    assert tiny_graph_seeds.sign_by_graph(rec, "nn", "geometric_level") == {
        "below 0": ["grid"], "within the spread of 0": ["star"], "above 0": ["cycle"]}


def test_sign_by_graph_on_the_shipped_record_matches_chapter_05s_prose():
    from geomem_nb.studies import tiny_graph_seeds
    from geomem_nb.results import load_if_present

    rec = load_if_present("cpu/05_tiny_seeds")
    if rec is None:
        pytest.skip("the tiny seeds record is not shipped")
    side = tiny_graph_seeds.sign_by_graph(rec, "nn", "geometric_level")
    assert not side["above 0"] and "star" not in side["below 0"]  # "negative" was false on the star
