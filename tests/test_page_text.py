"""The checks a page's visible text must pass, on hand-built text: nothing internal (``text_issues``) and
no status that differs from the claims page (``contradictions``)."""
import pytest

from geomem_nb import page
from geomem_nb.verdicts import Verdict


def kinds(text):
    return [x.split(":")[0] for x in page.text_issues(text)]


@pytest.mark.parametrize("text, kind", [
    ("config: InWeightsConfig(net=NetConfig(model='gpt', width=8))", "a Python repr"),
    ("budgets {'2': None, '3': 960, '4': 480}", "a Python repr"),
    ("steps capped at None", "a Python value"),
    ("learned: True", "a Python value"),
    ("held-out 0.9791666666666666 vs chance", "a float at full precision"),
    ("loss 12.345678", "a float at full precision"),
    ("run with --out /tmp/tmpab12/run", "a machine path"),
    ("installed in .venv here", "a machine path"),
    ("the notebook at /home/me/geomem", "a machine path"),
    ("read from presets.in_context_control", "a code name in prose"),
    ("above verdicts.BIG", "a code name in prose"),
    ("see first_hop.reading and path_length_map.PUSH_STEPS", "a code name in prose"),
    ("it uses the machine's two cores", "a remark about the build machine"),
    ("within one 10-minute command", "a remark about the build machine"),
    ("the geo level of the nn", "not the glossary's name (geometric level)"),
    ("the geo level of the nn", "not the glossary's name (bilinear network)"),
    ("the axis: test hardest token", "not the glossary's name (held-out)"),
    ("accuracy at position 2", "not the glossary's name (first hop)"),
    ("the associative-fast model", "not the glossary's name (fast associative memory)"),
])
def test_each_leak_is_found(text, kind):
    assert kind in kinds(text)


@pytest.mark.parametrize("text", [
    "None of the runs reached chance; held-out exact match 0.979 against chance 0.0002.",
    "A Transformer (GPT) and Mamba; see the claims page (claims.html) and results/in-weights-g5000-5/metrics.json.",
    "chance 1/d = 0.0001234 is kept to its significant digits; version 2.13.0; G(10^4,10); arXiv 2510.26745v1.",
    "The results. Then graphs.A new section, e.g. the paper's Table 1 (p. 4).",
    "Node2Vec(d=16) is named in the paper",  # a model named with its width: not a repr (one capital)
    "the first hop, the paper's “hardest token”; its bilinear network, the paper's \"NN\"",  # quoted names
    "record results/cpu/tiny-cycle-nn, entry star/nn and star/associative-fast",  # record names
])
def test_plain_text_passes(text):
    assert page.text_issues(text) == []


def test_a_finding_shows_where_it_is():
    (found,) = page.text_issues("the run was capped at None after a while")
    assert found.startswith("a Python value:") and "capped at None" in found


FOUND = {"C2": Verdict("inconclusive", "r", decide="d"), "C12": Verdict("differs", "r", excludes="e"),
         "C21": Verdict("reproduced", "r", control="c", scale="cpu"), "C5": Verdict("partly", "r"),
         "C4": Verdict("reproduced", "r", control="c", scale="paper"), "C17": Verdict("partly", "r")}


@pytest.mark.parametrize("text, expected", [
    ("C2 in weights: differs", ["C2: the page says differs, the claims page inconclusive"]),
    ("C12 | weight decay and dropout | partly", ["C12: the page says partly, the claims page differs"]),
    ("C21 GPT > Mamba, full paths | fails", ["C21: the page says fails, the claims page reproduced (cpu scale)"]),
    ("C2 holds on every graph.", ["C2: the page says holds, the claims page inconclusive"]),
    ("C21 | Mamba > GPT, edges only | does not hold", ["C21: the page says does not hold, the claims page "
                                                     "reproduced (cpu scale)"]),
    ("C17, partly reproduced; C2 is reproduced.", ["C2: the page says reproduced, the claims page inconclusive"]),
])
def test_contradictions_are_found(text, expected):
    assert page.contradictions(text, FOUND) == expected


@pytest.mark.parametrize("text", [
    "C2 in weights: inconclusive (cannot tell: no power)",
    "C12 differs: weight decay does not restore the geometry",
    "C21 | reproduced (cpu scale)",
    "C4: with frozen embeddings the same model fails, and the claim is reproduced",  # "fails" describes a model
    "C5, partly reproduced. The first hop is reproduced in chapter 3.",  # a status in the next sentence is not C5's
    "C2 and C12 are shown in chapter 2",  # no status word
    "C5 | a leaf and its first hop | partly\nC12 | the knobs | differs",
    "C5 | on G(5000,5) | holds\nC5 | on G(10000,10) | does not hold",  # the parts of a partly claim
])
def test_agreeing_or_silent_text_passes(text):
    assert page.contradictions(text, FOUND) == []


def test_the_status_is_read_before_the_next_claim_id():
    assert page.stated("C21 and C12 differs") == [("C12", "differs")]
    assert page.stated("C12: differs. C21 reproduced") == [("C12", "differs"), ("C21", "reproduced")]


def test_a_table_row_states_the_status_of_its_first_claim_only():
    row = ("C4 | With frozen embeddings the same model fails: the associative view does not explain C1. | cpu"
           " | reproduced")
    assert page.stated(row) == [("C4", "reproduced")]
    assert page.contradictions(row, {**FOUND, "C1": Verdict("partly", "r")}) == []
