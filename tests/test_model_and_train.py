import pytest
import torch

from geomem_nb.batching import BatchLayout
from geomem_nb.graphs import path_star
from geomem_nb.models import GPT, ModelConfig
from geomem_nb.tasks import InWeightsTask
from geomem_nb.train import TrainConfig, lr_at, train


def small_task(d=12, ell=4, pause=1):
    return InWeightsTask(path_star(d, ell, seed=0), pause_tokens=pause)


def test_gpt_shapes_and_tied_embeddings():
    t = small_task()
    m = GPT(ModelConfig(t.vocab_size, t.block_size, layers=2, width=32, heads=4))
    x = torch.randint(0, t.vocab_size, (3, 5))
    h = m(x)
    assert h.shape == (3, 5, 32)
    assert m.logits(h).shape == (3, 5, t.vocab_size)
    assert m.next_token_logits(x).shape == (3, t.vocab_size)
    # Tied: one table in and out, no separate output matrix, and the logits are read from it.
    assert m.token_embeddings is m.tok.weight and m.output_embeddings is m.tok.weight
    assert [n for n, p in m.named_parameters() if p.shape == m.tok.weight.shape] == ["tok.weight"]
    assert torch.equal(m.logits(h), h @ m.tok.weight.t())
    with pytest.raises(ValueError, match="block_size"):
        m(torch.zeros(1, t.block_size + 1, dtype=torch.long))
    with pytest.raises(ValueError, match="divisible"):
        ModelConfig(10, 4, width=30, heads=4)


def test_gpt_is_causal():
    torch.manual_seed(0)
    m = GPT(ModelConfig(20, 8, layers=2, width=16, heads=2)).eval()
    x = torch.randint(0, 20, (2, 8))
    y = x.clone()
    y[:, 5:] = (y[:, 5:] + 1) % 20
    assert torch.allclose(m(x)[:, :5], m(y)[:, :5], atol=1e-6)
    assert not torch.allclose(m(x)[:, 5:], m(y)[:, 5:])


def test_math_attention_equals_sdpa_with_and_without_a_mask():
    """The explicit attention (for short packed rows on GPUs) computes what the fused kernel does."""
    t = small_task(pause=3)
    sets = t.training_examples()
    packed = BatchLayout(sets, 64, pack=True, pad_id=t.token("[PAD]"), device="cpu")
    tokens, _ = packed.sample(torch.Generator().manual_seed(0))
    outs = {}
    for kind in ("sdpa", "math"):
        torch.manual_seed(0)
        m = GPT(ModelConfig(t.vocab_size, t.block_size, layers=2, width=32, heads=4, attention=kind)).eval()
        outs[kind] = (m(tokens, packed.pos, packed.mask), m(tokens))
    for a, b in zip(outs["sdpa"], outs["math"]):
        assert torch.allclose(a, b, atol=1e-5)
    assert not torch.allclose(outs["math"][0], outs["math"][1], atol=1e-3)  # the mask matters
    with pytest.raises(ValueError, match="attention"):
        ModelConfig(10, 4, width=32, heads=4, attention="flash")


def test_lr_schedule():
    cfg = TrainConfig(steps=100, lr=1.0, warmup=10)
    assert lr_at(0, cfg) == pytest.approx(0.1)
    assert lr_at(9, cfg) == pytest.approx(1.0)
    assert lr_at(10, cfg) == pytest.approx(1.0)
    assert lr_at(99, cfg) == pytest.approx(0.1, abs=0.01)
    assert lr_at(55, cfg) < lr_at(20, cfg)


def run_losses(seed):
    torch.manual_seed(seed)
    t = small_task()
    m = GPT(ModelConfig(t.vocab_size, t.block_size, layers=1, width=16, heads=2))
    r = train(m, t.training_examples(), TrainConfig(steps=12, batch_size=32, lr=1e-2, warmup=2, eval_every=6,
                                                    seed=seed), pad_id=t.token("[PAD]"))
    return r.losses


def test_trainer_deterministic_and_learning():
    a, b, c = run_losses(0), run_losses(0), run_losses(1)
    assert a == b
    assert a != c
    assert len(a) == 12 and a[-1] < a[0]


@pytest.mark.parametrize("kw,name", [(dict(steps=0), "steps"), (dict(lr=-1.0), "lr"), (dict(batch_size=0), "batch_size"),
                                     (dict(warmup=-1), "warmup"), (dict(eval_budget=1.5), "eval_budget")])
def test_train_config_rejects(kw, name):
    with pytest.raises(ValueError, match=name):
        TrainConfig(**kw)


def run_with_slow_eval(eval_budget):
    """A 40-step run whose evaluation sleeps 20 ms; returns (evaluated steps, TrainResult)."""
    import time
    torch.manual_seed(0)
    t = small_task()
    m = GPT(ModelConfig(t.vocab_size, t.block_size, layers=1, width=16, heads=2))
    seen = []

    def evaluate(step):
        seen.append(step)
        time.sleep(0.02)
        return {}
    r = train(m, t.training_examples(), TrainConfig(steps=40, batch_size=32, eval_every=1, eval_budget=eval_budget),
              pad_id=t.token("[PAD]"), evaluate=evaluate)
    return seen, r


def test_eval_budget_skips_evaluations_but_keeps_the_first_and_last():
    every, _ = run_with_slow_eval(0.0)
    assert every == list(range(41))
    seen, r = run_with_slow_eval(0.1)
    assert seen[0] == 0 and seen[-1] == 40 and len(seen) < 41
    # Each evaluation ran only while the evaluations before it were within budget: at most one over.
    per_eval = r.eval_seconds / len(seen)
    assert r.eval_seconds <= 0.1 * r.train_seconds + 2 * per_eval
    assert len(r.losses) == 40  # every step's loss is still kept


def test_bucketed_training_learns_and_is_deterministic():
    def losses():
        torch.manual_seed(0)
        t = small_task()
        m = GPT(ModelConfig(t.vocab_size, t.block_size, layers=1, width=16, heads=2))
        return train(m, t.training_examples(), TrainConfig(steps=12, batch_size=32, lr=1e-2, warmup=2, eval_every=6,
                                                           buckets=True), pad_id=t.token("[PAD]")).losses
    a, b = losses(), losses()
    assert a == b and len(a) == 12 and a[-1] < a[0]
