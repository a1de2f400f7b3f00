"""The batch layouts (``geomem_nb.batching``): shapes, positions, masks and target slots on a known
small case, packed examples kept apart, and the one interface the trainer relies on."""
import math

import pytest
import torch

from geomem_nb.batching import BatchLayout, BatchSource, BucketLayout, make_layout, mix_counts
from geomem_nb.graphs import path_star
from geomem_nb.models import GPT, Mamba, ModelConfig
from geomem_nb.tasks import Examples, InWeightsTask
from geomem_nb.tasks.in_context import FreshBatches, InContextTask
from geomem_nb.train import TrainConfig, target_loss

PAD = 99


def small_task(d=12, ell=4, pause=1):
    return InWeightsTask(path_star(d, ell, seed=0), pause_tokens=pause)


def known_sets():
    """Four 2-token "edges" and two 4-token "paths"; every target is the token at its position + 100,
    so any layout can be checked by reading its tokens at ``flat_targets``."""
    i, j = torch.arange(4), torch.arange(2)
    edges = Examples("edges", torch.stack([i, 10 + i], 1), (110 + i)[:, None], torch.tensor([1]))
    paths = Examples("paths", torch.stack([20 + j, 30 + j, 40 + j, 50 + j], 1),
                     torch.stack([140 + j, 150 + j], 1), torch.tensor([2, 3]))
    return [edges, paths]


def test_packed_layout_of_a_known_small_case():
    lay = BatchLayout(known_sets(), 6, pack=True, pad_id=PAD, device="cpu")
    assert (lay.T, lay.per_row, lay.rows, lay.counts) == (4, [2, 1], [2, 2], [4, 2])
    assert lay.pos.tolist() == [[0, 1, 0, 1]] * 2 + [[0, 1, 2, 3]] * 2
    assert lay.flat_targets.tolist() == [1, 3, 5, 7, 10, 11, 14, 15]
    assert (lay.real_tokens, lay.row_tokens, lay.num_targets) == (16, 16, 8)
    # Two edges per row: each attends causally within itself and never to the other.
    apart = [[1, 0, 0, 0], [1, 1, 0, 0], [0, 0, 1, 0], [0, 0, 1, 1]]
    assert lay.mask.shape == (4, 1, 4, 4)
    assert lay.mask[0, 0].int().tolist() == lay.mask[1, 0].int().tolist() == apart
    assert torch.equal(lay.mask[2, 0], torch.ones(4, 4, dtype=torch.bool).tril())
    tokens, targets = lay.sample(torch.Generator().manual_seed(0))
    assert tokens.shape == (4, 4) and targets.shape == (8,)
    assert torch.equal(tokens.reshape(-1)[lay.flat_targets] + 100, targets)


def test_padded_layout_of_a_known_small_case():
    lay = BatchLayout(known_sets(), 6, pack=False, pad_id=PAD, device="cpu")
    assert (lay.per_row, lay.rows, lay.counts) == ([1, 1], [4, 2], [4, 2])
    assert lay.mask is None  # one example per row: padding comes after it, so causal is enough
    assert lay.flat_targets.tolist() == [1, 5, 9, 13, 18, 19, 22, 23]
    assert (lay.real_tokens, lay.row_tokens) == (16, 24)
    tokens, targets = lay.sample(torch.Generator().manual_seed(0))
    assert tokens.shape == (6, 4) and (tokens[:4, 2:] == PAD).all() and (tokens[4:] != PAD).all()
    assert torch.equal(tokens.reshape(-1)[lay.flat_targets] + 100, targets)


def test_bucket_layout_of_a_known_small_case():
    lay = BucketLayout(known_sets(), 6, device="cpu")
    assert lay.pos is None and lay.mask is None and lay.counts == [4, 2]
    assert [f.tolist() for f in lay.flat_targets] == [[1, 3, 5, 7], [2, 3, 6, 7]]
    blocks, targets = lay.sample(torch.Generator().manual_seed(0))
    assert [b.shape for b in blocks] == [(4, 2), (2, 4)]
    read = torch.cat([b.reshape(-1)[f] for b, f in zip(blocks, lay.flat_targets)])
    assert torch.equal(read + 100, targets)


def test_make_layout_picks_buckets_for_models_that_cannot_pack():
    sets, cfg = known_sets(), TrainConfig(batch_size=6)
    assert type(make_layout(sets, cfg, GPT, PAD, "cpu")) is BatchLayout
    assert type(make_layout(sets, cfg, Mamba, PAD, "cpu")) is BucketLayout
    assert type(make_layout(sets, TrainConfig(batch_size=6, buckets=True), GPT, PAD, "cpu")) is BucketLayout


def test_every_layout_is_a_batch_source():
    sets = known_sets()
    task = InContextTask(degree=2, path_length=3, num_labels=8)
    for source in (BatchLayout(sets, 6, True, PAD, "cpu"), BatchLayout(sets, 6, False, PAD, "cpu"),
                   BucketLayout(sets, 6, "cpu"), FreshBatches(task, 4, "cpu")):
        assert isinstance(source, BatchSource), type(source).__name__


def test_mix_counts_proportional():
    assert mix_counts([9000, 1000], 100) == [90, 10]
    c = mix_counts([100000, 7], 512)
    assert sum(c) == 512 and c[1] >= 1


def test_mix_counts_follow_shares_not_sizes():
    assert mix_counts([9000, 1000], 100, shares=(0.5, 0.5)) == [50, 50]
    assert mix_counts([9000, 1000], 100, shares=(0.75, 0.25)) == [75, 25]
    with pytest.raises(ValueError, match="one share per example set"):
        mix_counts([9000, 1000], 100, shares=(1.0,))


def test_path_share_sets_the_paths_drawn_per_step():
    """A path share changes how many paths a batch draws, and not how many examples."""
    from geomem_nb.experiments import InWeightsConfig
    cfg = InWeightsConfig(degree=100, path_length=6).with_(batch_size=256, warmup=10, pack=False, steps=100)
    (default,) = cfg.example_draws()
    (half,) = cfg.with_(path_share=0.5).example_draws()
    assert [n for _, n, _ in default] == [n for _, n, _ in half] == [1000, 75]
    assert default[1][2] == round(256 * 75 / 1075) and half[1][2] == 128
    assert sum(c for *_, c in default) == sum(c for *_, c in half) == 256


def test_mask_keeps_packed_edges_apart():
    """Several edge examples in one row with a block-diagonal mask give exactly the per-example logits."""
    torch.manual_seed(0)
    t = small_task(pause=3)
    m = GPT(ModelConfig(t.vocab_size, t.block_size, layers=2, width=32, heads=4)).eval()
    sets = t.training_examples()
    packed = BatchLayout(sets, 64, pack=True, pad_id=t.token("[PAD]"), device="cpu")
    padded = BatchLayout(sets, 64, pack=False, pad_id=t.token("[PAD]"), device="cpu")
    assert packed.per_row[0] == t.block_size // 2 > 1 and packed.row_tokens < padded.row_tokens
    tokens, targets = packed.sample(torch.Generator().manual_seed(0))
    h = m(tokens, packed.pos, packed.mask).reshape(-1, 32)[packed.flat_targets]
    # recompute each edge example alone
    r = packed.per_row[0]
    for row in range(packed.rows[0]):
        for k in range(r):
            ex = tokens[row, 2 * k:2 * k + 2][None]
            alone = m(ex)[0, 1]
            slot = (row * r + k)
            assert torch.allclose(h[slot], alone, atol=1e-5)
    assert targets.shape[0] == len(packed.flat_targets)
    assert math.isfinite(target_loss(m, tokens, packed.pos, packed.mask, packed.flat_targets, targets).item())


@pytest.mark.parametrize("model_cls", [GPT, Mamba])
def test_bucketed_loss_equals_padded_loss(model_cls):
    """Each set in rows of its own length (no mask, no padding) scores the same examples exactly as
    padding them to the longest row does: the loss is the same number."""
    torch.manual_seed(0)
    t = small_task(pause=3)
    m = model_cls(ModelConfig(t.vocab_size, t.block_size, layers=2, width=32, heads=4)).eval()
    sets = t.training_examples()
    buckets = BucketLayout(sets, 64, device="cpu")
    padded = BatchLayout(sets, 64, pack=False, pad_id=t.token("[PAD]"), device="cpu")
    assert buckets.counts == padded.counts and buckets.real_tokens < padded.row_tokens
    assert [b.shape for b in buckets.sample(torch.Generator().manual_seed(0))[0]] == \
        [(c, s.length) for c, s in zip(buckets.counts, sets)]
    # the first counts[i] examples of every set, in both layouts
    blocks = tuple(s.inputs[:c] for s, c in zip(sets, buckets.counts))
    targets = torch.cat([s.targets[:c].reshape(-1) for s, c in zip(sets, buckets.counts)])
    rows = torch.cat([torch.nn.functional.pad(b, (0, padded.T - b.shape[1]), value=t.token("[PAD]")) for b in blocks])
    a = target_loss(m, blocks, None, None, buckets.flat_targets, targets)
    b = target_loss(m, rows, padded.pos, padded.mask, padded.flat_targets, targets)
    assert torch.allclose(a, b, atol=1e-5), (a, b)
