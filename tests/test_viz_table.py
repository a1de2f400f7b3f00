import pytest

from geomem_nb import viz


def test_table_rounds_to_what_the_numbers_support():
    t = viz.table({"run a": {"exact": 0.98765, "chance": 0.0002, "steps": 1500, "seconds": 1234.5, "note": None}},
                  columns=["run", "exact", "chance", "steps", "seconds", "note"], show=False)
    html = t._repr_html_()
    for text in ("run a", "0.988", "2.0e-04", "1,500", "1,234", "—"):
        assert text in html, text
    assert repr(t).splitlines()[0].split() == ["run", "exact", "chance", "steps", "seconds", "note"]


def test_table_prints_outside_jupyter(capsys):
    assert viz.table([{"a": 1.0}]) is None
    assert "1.000" in capsys.readouterr().out


@pytest.mark.parametrize("rows, kw", [([1, 2], {}), ([{"a": 1}], {"digits": -1})])
def test_bad_input_is_refused(rows, kw):
    with pytest.raises(ValueError):
        viz.table(rows, **kw)


def test_a_dict_of_rows_with_only_the_label_named_keeps_every_column():
    t = viz.table({"a": {"x": 1, "y": 2}}, columns=["name"], show=False)
    assert t.columns == ["name", "x", "y"]
