"""Chapter 5's named checks: every one holds on the shipped multi-seed record, and a record changed
against a sentence fails that sentence."""
import copy

import pytest

from geomem_nb import controls, results
from geomem_nb import tiny_checks as checks

RECORD = results.shipped("cpu/05_tiny_seeds")


@pytest.mark.skipif(not RECORD, reason="the shipped multi-seed record is not here")
def test_every_check_holds_and_a_changed_record_fails_its_sentence():
    assert len(checks.seed_checks(RECORD)) >= 14 and not controls.failed(checks.seed_checks(RECORD))
    rec = copy.deepcopy(RECORD)
    stored = rec["runs"]["cycle/associative"]["measures"]["topk_recovery"]
    stored["values"] = [0.5] + stored["values"][1:]  # one seed of the control stores half its edges
    assert "both associative memories store nearly every edge on every seed" in controls.failed(checks.seed_checks(rec))


def test_the_found_checks_read_the_position_effect_and_the_wide_network():
    from geomem_nb.stats import spread
    wide, narrow, n2v = spread([0.3, 0.32, 0.31]), spread([0.31, 0.35, 0.33]), spread([0.95, 0.97, 0.96])
    assert not controls.failed(checks.found_checks({"cycle": (True, False), "star": (False, False)}, wide, narrow, n2v))
    assert len(controls.failed(checks.found_checks({"cycle": (False, True)}, n2v, narrow, wide))) == 3
