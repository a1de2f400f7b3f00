"""tiny_tables: the tiny-graph chapter's tables and found lists, on a hand-built multi-seed record."""
from geomem_nb import stats, tiny_tables as tables
from geomem_nb.graphs import TINY_GRAPHS


def _rec(entries: dict) -> dict:
    """``{entry: {measure: values}}`` as a multi-seed record."""
    return {"runs": {e: {"seeds": [7, 0, 1], "measures": {m: stats.as_record(stats.spread(v)) for m, v in ms.items()}}
                     for e, ms in entries.items()}}


def test_names_are_the_glossary_s():
    assert tables.name("nn") == "bilinear network"
    assert tables.name("associative-fast") == "fast associative memory"
    assert tables.name("nn-self-edges") == "bilinear network, self edges"
    assert tables.graph("grid") == "4×4 grid" and tables.graph("cycle") == "15-cycle"


def test_found_lists_what_falls_short_and_where_effects_clear_the_spread():
    entries = {}
    for i, g in enumerate(TINY_GRAPHS):
        entries[f"{g}/transformer"] = {"negative_share": [0.3, 0.31, 0.29], "topk_recovery": [1.0, 1.0, 0.5 if i == 2 else 1.0]}
        # self-edges lower the share beyond the spread on all graphs but the last
        low = [0.1, 0.11, 0.09] if i < 3 else [0.3, 0.31, 0.29]
        entries[f"{g}/transformer-self-edges"] = {"negative_share": low, "topk_recovery": [1.0, 1.0, 1.0]}
        margin = [1.0, 2.0, 3.0] if i % 2 else [-1.0, 2.0, 3.0]  # clears zero on odd graphs only
        entries[f"{g}/nn"] = {"geometric_margin_full_vocab": margin, "topk_recovery": [1.0, 0.95, 1.0]}
    found = tables.found(_rec(entries))
    assert found["short"] == {f"{TINY_GRAPHS[2]}/transformer": 0.5,
                              **{f"{g}/nn": 0.95 for g in TINY_GRAPHS}}
    assert found["transformer_self_edges"] == list(TINY_GRAPHS[:3])
    assert found["bilinear_margin_clear"] == [g for i, g in enumerate(TINY_GRAPHS) if i % 2]
    rows = {r["found"]: r["where"] for r in tables.found_rows(found)}
    assert rows["under-trained on some seed (recovery below 0.9)"] == "Transformer on the 15-cycle (0.500)"


def test_position_init_reads_the_effect_each_way():
    entries = {}
    for i, g in enumerate(TINY_GRAPHS):
        ours = [0.5, 0.51, 0.49] if i == 0 else [0.2, 0.21, 0.19]
        entries[f"{g}/transformer"] = {"geometric_level": ours, "max_geometric_level": ours, "steps_to_full_recovery": [10, 12, 11]}
        entries[f"{g}/transformer-pos-0.02"] = {"geometric_level": [0.2, 0.21, 0.19] if i < 3 else [0.5, 0.51, 0.49],
                                                "max_geometric_level": ours, "steps_to_full_recovery": [10, 12, 11]}
    rows, effect = tables.position_init(_rec(entries))
    assert len(rows) == 2 * len(TINY_GRAPHS) and rows[0]["final level"] == "+0.50 ± 0.01"
    assert effect[TINY_GRAPHS[0]] == (True, False) and effect[TINY_GRAPHS[1]] == (False, False)
    assert effect[TINY_GRAPHS[3]] == (False, True)
