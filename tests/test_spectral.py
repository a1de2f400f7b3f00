"""The spectral metrics on hand-built embeddings."""
import networkx as nx
import numpy as np
import pytest

from geomem_nb import graphs, spectral


def basis_matrix(spaces):
    return np.concatenate([s.basis for s in spaces], axis=1)


def test_operator_is_p_plus_p_transpose_with_p_row_stochastic():
    a = graphs.tiny_path_star().adjacency()
    p = spectral.walk_matrix(a)
    assert np.allclose(p.sum(1), 1)
    assert np.allclose(spectral.operator(a), p + p.T)


@pytest.mark.parametrize("name", ["star", "grid", "cycle", "irregular"])
def test_eigenspaces_form_an_orthonormal_basis_and_reproduce_the_operator(name):
    a = graphs.tiny_graph(name).adjacency()
    spaces = spectral.eigenspaces(a)
    b = basis_matrix(spaces)
    assert b.shape == (len(a), len(a))
    assert np.allclose(b.T @ b, np.eye(len(a)), atol=1e-10)
    lam = np.concatenate([[s.eigenvalue] * s.dim for s in spaces])
    assert np.allclose(b @ np.diag(lam) @ b.T, spectral.operator(a), atol=1e-8)


def test_degenerate_spectra_are_grouped():
    cyc = spectral.eigenspaces(graphs.cycle(15).adjacency())
    # P + P^T = A for a cycle: eigenvalues 2 cos(2 pi k / 15); all but the trivial one come in pairs.
    assert [s.dim for s in cyc] == [1] + [2] * 7
    assert np.allclose([s.eigenvalue for s in cyc[1:]], 2 * np.cos(2 * np.pi * np.arange(1, 8) / 15))
    star = spectral.nontrivial(spectral.eigenspaces(graphs.tiny_path_star().adjacency()))
    assert star[0].dim == 3  # d - 1 for the arms' top pattern


def test_every_component_has_its_own_trivial_eigenvector():
    irr = spectral.eigenspaces(graphs.irregular().adjacency())
    assert sum(s.trivial for s in irr) == 2
    two = graphs.from_networkx(nx.disjoint_union(nx.cycle_graph(6), nx.cycle_graph(5)))
    spaces = spectral.eigenspaces(two.adjacency())
    assert sum(s.trivial for s in spaces) == 2
    indicator = np.zeros((11, 2))
    indicator[:6, 0], indicator[6:, 1] = 1.0, 3.0
    e = spectral.energies(indicator, spaces)
    assert e[[s.trivial for s in spaces]].sum() == pytest.approx((indicator ** 2).sum())
    assert e[[not s.trivial for s in spaces]].sum() == pytest.approx(0, abs=1e-20)


def test_energies_add_up_to_the_squared_norm():
    spaces = spectral.eigenspaces(graphs.grid().adjacency())
    x = np.random.default_rng(0).normal(size=(16, 9))
    assert spectral.energies(x, spaces).sum() == pytest.approx((x ** 2).sum())


@pytest.mark.parametrize("name", ["star", "grid", "cycle", "irregular"])
def test_fiedler_embeddings_concentrate_fully_and_random_ones_at_chance(name):
    spaces = spectral.eigenspaces(graphs.tiny_graph(name).adjacency())
    nt = spectral.nontrivial(spaces)
    rng = np.random.default_rng(1)
    fiedler = np.concatenate([nt[0].basis, nt[1].basis], 1) @ rng.normal(size=(nt[0].dim + nt[1].dim, 50))
    assert spectral.concentration(fiedler, spaces) == pytest.approx(1.0)
    n = len(spaces[0].basis)
    q = np.linalg.qr(rng.normal(size=(n, n)))[0]  # orthogonal: equal energy per dimension
    chance = spectral.concentration_chance(spaces)
    assert spectral.concentration(q, spaces) == pytest.approx(chance)
    wide = rng.normal(size=(n, 20000))
    assert spectral.concentration(wide, spaces) == pytest.approx(chance, abs=0.03)
    third = nt[2].basis @ rng.normal(size=(nt[2].dim, 5))
    assert spectral.concentration(third, spaces) == pytest.approx(0.0, abs=1e-20)


def test_spectral_energy_reports_shares_of_the_nontrivial_energy():
    spaces = spectral.eigenspaces(graphs.cycle(9).adjacency())
    rows = spectral.spectral_energy(np.random.default_rng(2).normal(size=(9, 4)), spaces)
    assert rows[0]["trivial"] and rows[0]["share"] is None
    assert sum(r["share"] for r in rows[1:]) == pytest.approx(1.0)
    assert [r["eigenvalue"] for r in rows] == sorted([r["eigenvalue"] for r in rows], reverse=True)


def test_dynamics_norms_follow_the_definition():
    g = graphs.cycle(5)
    spaces = spectral.eigenspaces(g.adjacency())
    v = np.random.default_rng(3).normal(size=(5, 3))
    t = spectral.walk_matrix(g.adjacency())
    proj, cnorm = spectral.dynamics_norms(v, t, spaces)
    q = np.exp(v @ v.T) / np.exp(v @ v.T).sum(1, keepdims=True)
    c = (t - q) + (t - q).T
    assert np.allclose(proj, [np.linalg.norm(s.basis.T @ v) for s in spaces])
    assert np.allclose(cnorm, [np.linalg.norm(c @ s.basis) for s in spaces])


def test_bad_input_is_rejected():
    with pytest.raises(ValueError, match="symmetric"):
        spectral.eigenspaces(np.array([[0, 1], [0, 0]]))
    with pytest.raises(ValueError, match="square"):
        spectral.walk_matrix(np.zeros((2, 3)))
    spaces = spectral.eigenspaces(graphs.cycle(5).adjacency())
    with pytest.raises(ValueError, match="one row per node"):
        spectral.energies(np.zeros((4, 2)), spaces)
