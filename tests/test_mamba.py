"""Mamba: agreement with a naive token-by-token recurrence, causality, gradients, the registry, and a
tiny learning run."""
import math

import pytest
import torch
import torch.nn.functional as F

from geomem_nb.models import GPT, MODELS, Mamba, ModelConfig, build, check
from geomem_nb.models import mamba
from geomem_nb.models.mamba import _SelectiveScan

torch.set_num_threads(1)


def small_cfg(**kw):
    return ModelConfig(**{"vocab_size": 13, "block_size": 9, "layers": 2, "width": 16, "heads": 1, **kw})


def reference_forward(model: Mamba, idx: torch.Tensor) -> torch.Tensor:
    """Run the model as an RNN, one token at a time through every layer, each layer keeping a rolling
    buffer of its last d_conv conv inputs and its state h (b, d_inner, d_state)."""
    b, t = idx.shape
    states = []
    for block in model.blocks:
        mx = block.mixer
        states.append({"buf": torch.zeros(b, mx.d_inner, mx.d_conv, dtype=torch.float64),
                       "h": torch.zeros(b, mx.d_inner, mx.d_state, dtype=torch.float64)})
    outs = []
    for step in range(t):
        x = model.tok.weight[idx[:, step]]                                      # (b, width)
        for block, st in zip(model.blocks, states):
            mx = block.mixer
            u = F.layer_norm(x, (x.shape[-1],), block.norm.weight, block.norm.bias, block.norm.eps)
            xz = u @ mx.in_proj.weight.t()
            xi, z = xz[:, :mx.d_inner], xz[:, mx.d_inner:]
            st["buf"] = torch.cat([st["buf"][:, :, 1:], xi[:, :, None]], dim=2)  # oldest ... newest
            conv = (st["buf"] * mx.conv.weight[:, 0, :]).sum(-1) + mx.conv.bias
            xc = conv * torch.sigmoid(conv)                                      # SiLU
            proj = xc @ mx.x_proj.weight.t()
            r, n = mx.dt_rank, mx.d_state
            dt, Bt, Ct = proj[:, :r], proj[:, r:r + n], proj[:, r + n:]
            delta = torch.log1p(torch.exp(dt @ mx.dt_proj.weight.t() + mx.dt_proj.bias))  # softplus
            A = -torch.exp(mx.A_log.reshape(mx.d_inner, n))
            dA = torch.exp(delta[:, :, None] * A)                                # exp(delta_t A)
            st["h"] = dA * st["h"] + delta[:, :, None] * Bt[:, None, :] * xc[:, :, None]
            y = (st["h"] * Ct[:, None, :]).sum(-1) + mx.D * xc
            y = y * (z * torch.sigmoid(z))
            x = x + y @ mx.out_proj.weight.t()
        nf = model.norm_f
        outs.append(F.layer_norm(x, (x.shape[-1],), nf.weight, nf.bias, nf.eps))
    return torch.stack(outs, 1)


def randomise(model):
    """Move every parameter off its init (biases included) so nothing is accidentally zero or one."""
    torch.manual_seed(1)
    with torch.no_grad():
        for p in model.parameters():
            p.add_(0.3 * torch.randn_like(p))
    return model


@pytest.mark.parametrize("dtype,tol", [(torch.float64, 1e-5), (torch.float32, 1e-4)])
def test_matches_naive_recurrence(dtype, tol):
    torch.manual_seed(0)
    model = randomise(Mamba(small_cfg()).double())
    idx = torch.randint(0, 13, (3, 9))
    with torch.no_grad():
        ref = reference_forward(model, idx)
        out = model.to(dtype)(idx)
    assert out.dtype == dtype and out.shape == (3, 9, 16)
    torch.testing.assert_close(out.double(), ref, atol=tol, rtol=tol)


def test_scan_backward_matches_gradcheck():
    torch.manual_seed(0)
    b, t, d, n = 2, 5, 3, 4
    x = torch.randn(b, t, d, dtype=torch.float64, requires_grad=True)
    delta = (0.5 * torch.rand(b, t, d, dtype=torch.float64) + 0.05).requires_grad_()
    A = (-torch.rand(d, n, dtype=torch.float64) - 0.1).requires_grad_()
    B = torch.randn(b, t, n, dtype=torch.float64, requires_grad=True)
    C = torch.randn(b, t, n, dtype=torch.float64, requires_grad=True)
    assert torch.autograd.gradcheck(_SelectiveScan.apply, (x, delta, A, B, C))


def test_blocked_scan_matches_whole_batch(monkeypatch):
    """On CPU the scan runs over blocks of rows; uneven blocks give the same values and gradients."""
    torch.manual_seed(0)
    b, t, d, n = 5, 6, 3, 4
    f64 = torch.float64
    args = [torch.randn(b, t, d, dtype=f64), 0.5 * torch.rand(b, t, d, dtype=f64) + 0.05,
            -torch.rand(d, n, dtype=f64) - 0.1, torch.randn(b, t, n, dtype=f64),
            torch.randn(b, t, n, dtype=f64)]
    w = torch.randn(b, t, d, dtype=f64)

    def run():
        leaves = [a.clone().requires_grad_() for a in args]
        y = _SelectiveScan.apply(*leaves)
        (y * w).sum().backward()
        return [y.detach()] + [v.grad for v in leaves]

    whole = run()
    assert mamba.CPU_BLOCK >= b * d * n  # the default puts the whole batch in one block here
    monkeypatch.setattr(mamba, "CPU_BLOCK", 2 * d * n)  # blocks of 2, 2, 1 rows
    for a, c in zip(whole, run()):
        torch.testing.assert_close(a, c, atol=1e-12, rtol=1e-12)
    assert torch.autograd.gradcheck(_SelectiveScan.apply, [a.clone().requires_grad_() for a in args])


def test_causal():
    torch.manual_seed(0)
    model = randomise(Mamba(small_cfg()))
    idx = torch.randint(0, 13, (4, 9))
    for k in range(1, 9):
        changed = idx.clone()
        changed[:, k:] = (changed[:, k:] + 1 + torch.randint(0, 12, changed[:, k:].shape)) % 13
        with torch.no_grad():
            a, b = model(idx), model(changed)
        torch.testing.assert_close(a[:, :k], b[:, :k], atol=1e-6, rtol=0)
        assert (a[:, k] - b[:, k]).abs().max() > 1e-3  # the changed position itself does change


def test_shapes_and_gradients_reach_every_parameter():
    torch.manual_seed(0)
    model = Mamba(small_cfg())
    idx = torch.randint(0, 13, (5, 7))
    hidden = model(idx)
    assert hidden.shape == (5, 7, 16)
    assert model.logits(hidden).shape == (5, 7, 13)
    assert model.next_token_logits(idx).shape == (5, 13)
    torch.testing.assert_close(model.next_token_logits(idx), model.logits(hidden)[:, -1])
    F.cross_entropy(model.logits(hidden).flatten(0, 1), idx.flatten()).backward()
    for name, p in model.named_parameters():
        assert p.grad is not None, name
        assert torch.isfinite(p.grad).all(), name
        assert p.grad.abs().sum() > 0, name


def test_interface_and_init():
    cfg = small_cfg()
    model = Mamba(cfg)
    assert model.cfg is cfg and not Mamba.supports_packing and GPT.supports_packing
    assert model.token_embeddings is model.tok.weight
    idx = torch.randint(0, 13, (2, 9))
    with torch.no_grad():  # pos and attn_mask are ignored
        torch.testing.assert_close(model(idx), model(idx, pos=torch.zeros(9, dtype=torch.long),
                                                     attn_mask=torch.zeros(9, 9, dtype=torch.bool)))
    with pytest.raises(ValueError, match="block_size"):
        model(torch.zeros(1, 10, dtype=torch.long))
    n_all = sum(p.numel() for p in model.parameters())
    assert model.num_params(embeddings=True) == n_all
    assert model.num_params() == n_all - 13 * 16
    assert model.flops_per_token(9) == 6 * model.num_params()
    model.freeze_embeddings()
    assert not model.tok.weight.requires_grad
    mx = model.blocks[0].mixer
    assert (mx.d_inner, mx.d_state, mx.d_conv, mx.dt_rank) == (32, 16, 4, math.ceil(16 / 16))
    torch.testing.assert_close(-mx.A, torch.arange(1, 17.0).expand(32, 16))
    delta0 = F.softplus(mx.dt_proj.bias)
    assert delta0.min() >= 1e-3 * (1 - 1e-5) and delta0.max() <= 1e-1 * (1 + 1e-5)
    assert delta0.max() / delta0.min() > 5  # spread over the range, not one value
    assert torch.all(mx.D == 1)
    big = Mamba(ModelConfig(vocab_size=50, block_size=4, layers=1, width=256, heads=4))
    assert big.tok.weight.std().item() == pytest.approx(0.02, rel=0.05)
    assert big.blocks[0].mixer.in_proj.weight.std().item() == pytest.approx(0.02, rel=0.05)


def test_registry_build_and_check():
    assert MODELS["mamba"] is Mamba and MODELS["gpt"] is GPT
    assert isinstance(build("mamba", small_cfg()), Mamba)
    assert isinstance(build("gpt", small_cfg()), GPT)
    with pytest.raises(ValueError, match="nope"):
        build("nope", small_cfg())
    check("mamba", 2, 30, 4)   # heads (and width % heads) do not matter for mamba
    with pytest.raises(ValueError, match="heads"):
        check("gpt", 2, 30, 4)
    with pytest.raises(ValueError, match="layers"):
        check("mamba", 0, 32, 4)
    with pytest.raises(ValueError, match="width"):
        check("mamba", 2, -1, 4)
    with pytest.raises(ValueError, match="model must be one of"):
        check("nope", 2, 32, 4)


def test_learns_to_copy_previous_token():
    """Predicting the previous token needs memory of an earlier position; a model without it is at
    chance (1/16)."""
    torch.manual_seed(0)
    V, T = 16, 12
    model = Mamba(ModelConfig(vocab_size=V, block_size=T, layers=1, width=32, heads=1))
    opt = torch.optim.Adam(model.parameters(), lr=1e-2)
    for _ in range(120):
        idx = torch.randint(0, V, (64, T))
        loss = F.cross_entropy(model.logits(model(idx))[:, 1:].reshape(-1, V), idx[:, :-1].reshape(-1))
        opt.zero_grad()
        loss.backward()
        opt.step()
    idx = torch.randint(0, V, (256, T))
    with torch.no_grad():
        acc = (model.logits(model(idx))[:, 1:].argmax(-1) == idx[:, :-1]).float().mean().item()
    assert acc > 0.9
