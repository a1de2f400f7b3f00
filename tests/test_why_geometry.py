"""Chapter 07's functions: storage costs (Props. 1-3), the incidence construction (Prop. 4), the
cosine-by-distance profile, the bilinear network's knobs and the tiny experiment's new settings."""
import math

import numpy as np
import pytest
import torch

from geomem_nb import geometry as geo
from geomem_nb import experiments, graphs, spectral, succinctness as sc
from geomem_nb.experiments import tiny_config, tiny_knobs, tiny_measures
from geomem_nb.models.bilinear import Bilinear

# storage costs ----------------------------------------------------------------------------------


def test_cycle_costs_by_hand():
    c = sc.cycle_costs(4)  # |V| = |E| = 4, m = 2, Delta = 2
    assert (c.nodes, c.edges, c.dim, c.cells) == (4, 4, 2, 2)
    assert c.associative_bits(True) == 2 * 4 * 2 and c.associative_bits(False) == 4 * 2
    assert c.geometric_bits(True) == 4 * 2 * 1 and c.geometric_bits(False) == 2 * 8
    assert c.associative_l2(True) == pytest.approx(math.sqrt(8)) and c.geometric_l2(True) == 2.0
    assert c.ratios("tied, both directions") == pytest.approx({"bits": 2.0, "l2": math.sqrt(2)})
    assert c.ratios("untied, both directions") == pytest.approx({"bits": 1.0, "l2": 1.0})
    assert c.ratios("tied, forward only") == pytest.approx({"bits": 1.0, "l2": 1.0})
    c16 = sc.cycle_costs(16)  # associative 2 * 16 * 4 = 128 bits, geometric 16 * 2 * log2(8) = 96 bits
    assert c16.ratios()["bits"] == pytest.approx(128 / 96)


def test_path_star_costs_by_hand():
    c = sc.path_star_costs(4, 5)  # 17 nodes, 16 edges, m = log2 4 = 2, 5 cells
    assert (c.nodes, c.edges, c.dim, c.cells) == (17, 16, 2.0, 5)
    assert c.geometric_bits() == pytest.approx(17 * 2 * math.log2(5))
    assert c.associative_bits() == pytest.approx(2 * 16 * math.log2(17))
    assert c.ratios()["l2"] == pytest.approx(math.sqrt(2 * 16 / 17))
    explicit = sc.path_star_costs(4, 3, jl=False)  # one axis per arm: m = d = 4, 9 nodes
    assert explicit.geometric_bits() == pytest.approx(9 * 4 * math.log2(3))


def test_cost_validation_and_gap():
    for bad in (lambda: sc.cycle_costs(3), lambda: sc.path_star_costs(1, 5), lambda: sc.path_star_costs(3, 1)):
        with pytest.raises(ValueError):
            bad()
    with pytest.raises(ValueError, match="regime"):
        sc.cycle_costs(8).ratios("untied, forward only")
    assert sc.gap(2.0, 1.0) == sc.gap(1.0, 2.0) == 2.0
    with pytest.raises(ValueError, match="positive"):
        sc.gap(0.0, 1.0)


def test_cycle_gap_stays_within_two_in_every_regime():
    for n in (4, 5, 15, 1000, 10 ** 6):
        c = sc.cycle_costs(n)
        for regime in sc.REGIMES:
            r = c.ratios(regime)
            assert 1 <= sc.gap(r["bits"], 1.0) <= 2 + 1e-12 and 1 <= sc.gap(r["l2"], 1.0) <= 2


# Proposition 4 ----------------------------------------------------------------------------------


def test_incidence_embedding_by_hand():
    # A triangle 0-1-2 with a pendant node 3 on node 2; a duplicate, a reversed copy and a self-edge.
    edges = [[0, 1], [1, 2], [0, 2], [2, 3], [1, 0], [0, 1], [3, 3]]
    phi = sc.incidence_embedding(4, edges)
    assert phi.shape == (4, 4)  # one column per distinct undirected edge: (0,1), (0,2), (1,2), (2,3)
    assert phi.tolist() == [[1, 1, 0, 0], [1, 0, 1, 0], [0, 1, 1, 1], [0, 0, 0, 1]]
    a = graphs.from_edges("t", 4, [(0, 1), (1, 2), (0, 2), (2, 3)], np.zeros((4, 2))).adjacency()
    assert np.array_equal(phi @ phi.T, a + np.diag(a.sum(1)))  # 1 on edges, 0 off them, deg(u) on the diagonal
    with pytest.raises(ValueError, match="edges"):
        sc.incidence_embedding(3, edges)


def test_incidence_embedding_recovers_every_edge_of_the_tiny_graphs():
    for name in tiny_config.TINY_GRAPHS:
        g = graphs.tiny_graph(name)
        phi = sc.incidence_embedding(g.num_nodes, g.edges())
        scores = phi @ phi.T
        off = ~np.eye(g.num_nodes, dtype=bool)
        assert np.array_equal(scores[off], g.adjacency()[off])
        np.fill_diagonal(scores, -np.inf)
        assert geo.topk_recovery(scores, geo.neighbour_lists(g.num_nodes, g.edges())) == 1.0


# cosine by distance -----------------------------------------------------------------------------


def test_incidence_embedding_is_purely_local_on_the_cycle():
    g = graphs.cycle(15)
    prof = geo.cosine_by_distance(sc.incidence_embedding(15, g.edges()), g.adjacency())
    assert prof[1] == pytest.approx(0.5) and all(v == 0 for d, v in prof.items() if d > 1)


# the bilinear network's knobs -------------------------------------------------------------------


def test_bilinear_default_init_draws_e_then_w_from_the_global_seed():
    torch.manual_seed(0)
    tok, lin = torch.nn.Embedding(9, 6), torch.nn.Linear(6, 6)
    torch.nn.init.normal_(tok.weight, 0.0, 0.02)
    torch.nn.init.normal_(lin.weight, 0.0, 0.02)
    torch.manual_seed(0)
    m = Bilinear(9, 6)
    assert torch.equal(m.tok.weight, tok.weight) and torch.equal(m.linear.weight, lin.weight)
    assert m.tied and m.head is None and m.output_embeddings is m.tok.weight


def test_bilinear_untied_embed_std_and_dropout():
    m = Bilinear(300, 64, embed_std=1.0, tied=False)
    assert abs(m.tok.weight.std().item() - 1.0) < 0.05 and abs(m.head.weight.std().item() - 1.0) < 0.05
    assert abs(m.linear.weight.std().item() - 0.02) < 0.005  # W keeps its own scale
    torch.nn.init.normal_(m.linear.bias)
    idx = torch.tensor([[299, 7]])
    u, w, b, e = m.head.weight, m.linear.weight, m.linear.bias, m.tok.weight
    assert torch.allclose(m.next_token_logits(idx)[0], u @ (w @ e[7] + b), atol=1e-4)
    m.freeze_embeddings()
    assert [n for n, p in m.named_parameters() if p.requires_grad] == ["linear.weight", "linear.bias"]
    d = Bilinear(5, 200, dropout=0.5)
    x = torch.tensor([[1]])
    d.train()
    assert (d(x) == 0).float().mean() > 0.3  # about half the hidden units dropped
    d.eval()
    assert torch.equal(d(x), d.linear(d.tok(x)))
    for kwargs, word in ((dict(dropout=1.0), "dropout"), (dict(embed_std=0.0), "embed_std"),
                         (dict(init_std=-1.0), "init_std"), (dict(tied="no"), "tied")):
        with pytest.raises(ValueError, match=word):
            Bilinear(5, 4, **kwargs)


# the tiny experiment's new settings -------------------------------------------------------------


def test_tiny_knob_validation_names_the_parameter():
    for kwargs, word in ((dict(model="nn", weight_decay=-1.0), "weight_decay"),
                         (dict(model="nn", dropout=1.5), "dropout"),
                         (dict(model="nn", embed_std=0.0), "embed_std"),
                         (dict(model="nn", tied=0), "tied"),
                         (dict(model="nn", cosine="yes"), "cosine"),
                         (dict(model="transformer", dropout=0.1), "dropout"),
                         (dict(model="transformer", tied=False), "tied"),
                         (dict(model="node2vec", weight_decay=0.1), "weight_decay")):
        with pytest.raises(ValueError, match=word):
            experiments.TinyConfig(**kwargs).validate()
    cfg = experiments.TinyConfig(model="nn", weight_decay=0.5).validate()
    assert cfg.train.weight_decay == 0.5 and cfg.train.cosine is False
    assert experiments.TinyConfig(model="nn", cosine=True).validate().train.cosine is True
    assert experiments.TinyConfig(model="transformer").validate().train.cosine is True


def test_weight_decay_and_dropout_change_training_and_margins_are_recorded():
    base = dict(graph="cycle:7", model="nn", steps=40, eval_every=10, lr=0.05)
    plain = experiments.tiny(experiments.TinyConfig(**base))
    decayed = experiments.tiny(experiments.TinyConfig(**base, weight_decay=5.0))
    dropped = experiments.tiny(experiments.TinyConfig(**base, dropout=0.5))
    assert np.linalg.norm(decayed.embeddings()) < 0.9 * np.linalg.norm(plain.embeddings())
    assert dropped.metrics["final_loss"] != plain.metrics["final_loss"]
    margins = [h["geometric_margin"] for h in plain.history]
    assert len(margins) == len(plain.history) == 5 and margins[-1] == plain.metrics["geometric_margin"]


def test_untied_run_reports_both_tables_and_no_skewed_margin():
    r = experiments.tiny(experiments.TinyConfig(graph="cycle:7", model="nn", steps=20, tied=False))
    assert r.metrics["geometric_margin"] is None and "geometric_margin" not in r.history[-1]
    assert -1 <= r.metrics["output_geometric_level"] <= 1 and "edge_margin" in r.metrics
    out = r.model.output_embeddings[:7].detach().double().numpy()
    assert r.metrics["output_geometric_level"] == pytest.approx(geo.geometric_level(out, r.graph.forward))


def test_first_step():
    h = [{"step": 0, "x": 0.1}, {"step": 5, "x": None}, {"step": 10, "x": 0.6}, {"step": 15, "x": 0.4}]
    assert tiny_measures.first_step(h, "x", 0.5) == 10 and tiny_measures.first_step(h, "x", 0.1) == 0
    assert tiny_measures.first_step(h, "x", 0.7) is None


def test_race_timing_reads_memorized_and_half_margin():
    h = [{"step": 0, "geometric_margin": 0.0, "topk_recovery": 0.2}, {"step": 10, "geometric_margin": 0.1, "topk_recovery": 1.0},
         {"step": 20, "geometric_margin": 0.3, "topk_recovery": 1.0}, {"step": 30, "geometric_margin": 0.4, "topk_recovery": 1.0}]
    t = tiny_measures.race_timing(h, {"geometric_margin": 0.4, "steps_to_full_recovery": 10})
    assert t == dict(memorized=10, half=20, final=0.4, at_memorized=0.1)
    assert tiny_measures.race_timing(h, {"geometric_margin": -0.1, "steps_to_full_recovery": 10})["half"] is None


def test_spectral_concentration_of_the_incidence_embedding_is_the_adjacency_s():
    # Phi Phi^T = D + A = 2(I + P) on the cycle: energy on an eigenspace of P + P^T (eigenvalue mu) is
    # dim * (2 + mu), so the top two eigenspaces' share is fixed by the spectrum alone.
    g = graphs.cycle(15)
    spaces = spectral.eigenspaces(g.adjacency())
    nt = spectral.nontrivial(spaces)
    expected = sum(s.dim * (2 + s.eigenvalue) for s in nt[:2]) / sum(s.dim * (2 + s.eigenvalue) for s in nt)
    assert spectral.concentration(sc.incidence_embedding(15, g.edges()), spaces) == pytest.approx(expected)


# claims rows ------------------------------------------------------------------------------------


def test_claims_c8_and_c22_are_computed():
    from geomem_nb import claims, results

    found = claims.verdicts()
    assert "07" in next(c for c in claims.CLAIMS if c.id == "C8").chapters
    c4 = sc.cycle_costs(4).ratios("tied, both directions")["bits"]
    assert c4 == 2.0 and "cycle bits 1.00 to 2.00" in found["C8"].evidence[0]
    m = results.shipped("cpu/tiny-cycle-node2vec")
    assert f"cycle dimension 15, concentration 0.55 vs trained Node2Vec {m['spectral_concentration']:.2f}" in \
        found["C22"].evidence[0]
    assert found["C22"].status == "reproduced"


# figures ----------------------------------------------------------------------------------------


def test_cost_ratio_and_race_figures_draw_one_line_per_series():
    import matplotlib

    matplotlib.use("Agg")
    import matplotlib.pyplot as plt

    from geomem_nb import viz

    ax = viz.cost_ratios([4, 8, 16], {"a": [2.0, 1.5, 1.2], "b": [1.0, 1.0, 1.0]})
    assert [line.get_label() for line in ax.get_lines()[:2]] == ["a", "b"] and ax.get_xscale() == "log"
    h1 = [{"step": 0, "topk_recovery": 0.1, "geometric_margin": 0.0}, {"step": 1, "topk_recovery": 1.0,
                                                                       "geometric_margin": 0.2}]
    h2 = [{"step": 0, "topk_recovery": 0.2}, {"step": 5, "topk_recovery": 0.9, "geometric_margin": 3.0}]
    axes = viz.race({"one": h1, "two": h2}, keys=("topk_recovery", "geometric_margin"))
    assert axes[0].get_ylabel() == "top-k edge recovery"
    assert [len(line.get_xdata()) for line in axes[1].get_lines()[:2]] == [2, 1]  # records without the key skipped
    plt.close("all")


def test_knob_rows_apply_their_settings_at_the_preset_scale():
    from geomem_nb import presets

    assert (presets.config("tiny-knobs", "ci").dim, presets.config("tiny-knobs", "paper").dim) == (128, 512)
    runs = tiny_knobs.knobs("ci", rows=["unit-normal init, lr 1e-3, dropout 0.4", "untied, lr 1e-2"], steps=5, dim=8)
    c = runs["unit-normal init, lr 1e-3, dropout 0.4"].metrics["config"]
    assert (c["graph"], c["model"], c["embed_std"], c["dropout"], c["lr"], c["steps"], c["dim"], c["preset"]) == \
        ("cycle", "nn", 1.0, 0.4, 1e-3, 5, 8, "ci")
    assert runs["untied, lr 1e-2"].metrics["config"]["tied"] is False
    with pytest.raises(ValueError, match="rows"):
        tiny_knobs.knobs("ci", rows=["lr 1"])


def test_claim_c10_reads_the_chapter_record():
    from geomem_nb import claims, results

    m = results.shipped("cpu/07_why_geometry")
    frozen = m["race"]["frozen, width 512, lr 0.1"]
    assert f"stores every edge by step {frozen['steps_to_full_recovery']} " in claims.verdicts()["C10"].evidence[0]


def test_knob_seeds_spreads_and_directions():
    from geomem_nb.stats import spread

    runs = tiny_knobs.knob_seeds("ci", seeds=[7, 0, 1], rows=["lr 1e-2", "untied, lr 1e-2"], steps=5, dim=8)
    assert [r.metrics["config"]["seed"] for r in runs["lr 1e-2"]] == [7, 0, 1]
    sp = tiny_knobs.knob_spreads(runs)
    assert sp["lr 1e-2"]["geometric_margin"].n == 3 and "output_fiedler_share" not in sp["lr 1e-2"]
    assert "geometric_margin" not in sp["untied, lr 1e-2"]  # no margin without one table on both sides
    out = sp["untied, lr 1e-2"]["output_fiedler_share"]
    assert out.n == 3 and all(0 <= v <= 1 for v in out.values)
    dirs = tiny_knobs.knob_directions(sp)
    assert set(dirs["untying lowers the geometry (output table U)"]) == {"fiedler_share", "spectral_concentration"}
    assert dirs["untying lowers the geometry (output table U)"]["fiedler_share"]["lower"] == out
    assert "learning rate: 1e-2 above 1e-4 (default init)" not in dirs  # a direction whose rows were not run
    for kwargs in (dict(seeds=[]), dict(seeds=[1, 1]), dict(seeds=[-1]), dict(rows=["lr 1"])):
        with pytest.raises(ValueError, match="seeds" if "seeds" in kwargs else "rows"):
            tiny_knobs.knob_seeds("ci", steps=2, dim=4, **{"rows": ["lr 1e-2"], **kwargs})
    # The verdict: beyond the spread either way, or neither.
    hi, lo, mid = spread([5, 6, 7]), spread([0, 1, 2]), spread([1, 4, 7])
    lr = "learning rate: 1e-2 above 1e-4 (default init)"
    for a, b, verdict in ((hi, lo, "holds"), (lo, hi, "reversed"), (mid, lo, "within the spread")):
        d = tiny_knobs.knob_directions({"lr 1e-2": {"geometric_margin": a}, "lr 1e-4": {"geometric_margin": b}})
        assert list(d[lr]) == ["geometric_margin"] and d[lr]["geometric_margin"]["verdict"] == verdict
    two = {"lr 1e-2": {"geometric_margin": spread([5, 6])}, "lr 1e-4": {"geometric_margin": spread([0, 1])}}
    assert tiny_knobs.knob_directions(two)[lr]["geometric_margin"]["verdict"] == "within the spread"  # < 3 seeds


def test_knob_record_and_seed_spread_figure():
    import matplotlib.pyplot as plt

    from geomem_nb import viz
    from geomem_nb.stats import spread

    s = {"lr 1e-2": {"geometric_margin": spread([1, 2, 3]), "fiedler_share": spread([0.3, 0.3, 0.4]),
                     "spectral_concentration": spread([0.4, 0.5, 0.5]), "topk_recovery": spread([1, 1, 1])},
         "untied, lr 1e-2": {"fiedler_share": spread([0.2, 0.2, 0.3]), "spectral_concentration": spread([0.4, 0.4, 0.5]),
                             "output_fiedler_share": spread([0.1, 0.2, 0.2]),
                             "output_spectral_concentration": spread([0.3, 0.3, 0.3]),
                             "output_geometric_level": spread([-0.1, -0.2, -0.3])}}
    rec = tiny_knobs.knob_record(s, tiny_knobs.knob_directions(s), {"fiedler_share": 0.1, "spectral_concentration": 0.3})
    row = rec["rows"]["lr 1e-2"]
    assert row["geometric_margin"] == 2.0 and row["edge_margin"] is None and row["paper_geometric_margin"] == 7.871
    assert row["spread"]["geometric_margin"]["values"] == [1.0, 2.0, 3.0]
    assert rec["untying"]["untied_output"]["fiedler_share"]["n"] == 3 and rec["untied_output_geometric_level"] == pytest.approx(-0.2)
    assert rec["directions"]["untying lowers the geometry (output table U)"]["lower_prefix"] == "output_"
    ax = viz.seed_spread({k: d["fiedler_share"] for k, d in s.items()}, line=0.1, line_label="chance")
    assert [t.get_text() for t in ax.get_yticklabels()] == ["untied, lr 1e-2", "lr 1e-2"]
    plt.close("all")


def test_paper_size_gaps_name_the_cheaper_storage():
    rows = sc.paper_size_gaps("bits")
    assert {r["graph"] for r in rows} == {"G(5000,5)", "G(10000,6)", "G(10000,10)"} and len(rows) == 9
    by = {(r["graph"], r["regime"]): r for r in rows}
    # by hand, G(10000,10): |V| = 90,001, |E| = 90,000; untied: assoc 2|E|log2|V|, geo 2|V| log2(d) log2(l)
    v, e = 90001, 90000
    untied = (2 * v * math.log2(10000) * math.log2(10)) / (2 * e * math.log2(v))
    assert by[("G(10000,10)", "untied, both directions")]["factor"] == pytest.approx(untied)
    assert by[("G(10000,10)", "untied, both directions")]["factor"] > 2  # beyond "within 2x"
    assert by[("G(10000,10)", "untied, both directions")]["cheaper"] == "associative"
    assert all(r["factor"] >= 1 for r in rows)
    with pytest.raises(ValueError, match="unit"):
        sc.paper_size_gaps("nats")
