"""Chapter 8's named checks: every one holds on the shipped records, and a record changed against a
sentence fails that sentence."""
import copy

import pytest

from geomem_nb import controls, results, stats, verdicts
from geomem_nb import what_else_checks as checks
from geomem_nb.studies import edges_pauses_phases as dc
from geomem_nb.studies import what_else_matters

SWEEP = what_else_matters.load("cpu")
DECISIVE, TREES = results.shipped("cpu/08_decisive_c17_c19"), results.shipped("cpu/08_decisive_c20_c21")
needs = pytest.mark.skipif(not (SWEEP and DECISIVE and TREES), reason="the shipped cpu records are not here")
CHANCE = 1 / 100


def _follow_ups():
    S = SWEEP["spreads"]
    D = dc.spreads(DECISIVE)
    D8 = {k: stats.from_record(v) for k, v in TREES["measurements"].items()}
    return S, D, D8


@needs
def test_every_check_holds_on_the_shipped_records():
    S, D, D8 = _follow_ups()
    tree_chance = S["tree/chance"].mean
    found = {**checks.sweep_checks(S, CHANCE, tree_chance),
             **checks.follow_up_checks(D, CHANCE, 0.8, verdicts.what_else.CEILING, verdicts.BIG),
             **checks.trees_mamba_checks(D8, S)}
    one = {k: v.mean if isinstance(v, stats.Spread) else v for k, v in S.items()}  # a seed at the sweep's means
    found.update(checks.one_seed_checks(one, CHANCE, tree_chance, 0.8))
    assert len(found) > 35 and not controls.failed(found)


@needs
def test_a_changed_record_fails_the_sentence_it_contradicts():
    S, D, D8 = _follow_ups()
    S = copy.deepcopy(S)
    S["mamba/full paths/mamba"] = S["mamba/full paths/gpt"]  # Mamba level with the GPT on full paths
    assert controls.failed(checks.sweep_checks(S, CHANCE, S["tree/chance"].mean)) == ["the GPT above Mamba on full paths"]
    D = copy.deepcopy(D)
    D["c19/fall"] = stats.spread([0.0, 0.3, 0.0])
    assert controls.failed(checks.follow_up_checks(D, CHANCE, 0.8, verdicts.what_else.CEILING, verdicts.BIG)) == [
        "C19: no seed falls from its peak"]
