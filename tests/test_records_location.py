"""Where the shipped records are read from (``results.records_root``): a checkout's results/, the
package's own copy in a wheel, a folder named by GEOMEM_RESULTS, or none (from scratch); and what a
chapter announces before it runs (``chapter_records``)."""
import re
import subprocess
import sys
import tomllib
from pathlib import Path

import pytest
from setuptools import find_packages

from geomem_nb import controls, results
from geomem_nb.studies import chapter_records

ROOT = Path(__file__).resolve().parent.parent


def test_none_reads_no_record_and_a_folder_reads_that_folder(tmp_path):
    assert results.records_root("none") is None and results.records_root(" NONE ") is None
    assert results.records_root(str(tmp_path)) == tmp_path.resolve()
    assert results.records_root("") == ROOT / "results"  # this checkout


def test_a_missing_folder_is_refused_naming_the_variable(tmp_path):
    with pytest.raises(ValueError, match="GEOMEM_RESULTS must be 'none' or an existing folder"):
        results.records_root(str(tmp_path / "absent"))


def test_from_scratch_every_load_is_absent(monkeypatch):
    assert results.shipped("cpu/in-weights") is not None
    monkeypatch.setattr(results, "RESULTS", None)
    assert results.shipped("cpu/in-weights") is None
    assert "from scratch" in results.records_note()
    monkeypatch.setenv("GEOMEM_SAVE_RESULTS", "1")
    monkeypatch.setattr(results, "missing", lambda chapter, summary: [])  # any schema-complete summary
    with pytest.raises(ValueError, match="needs a records folder"):
        results.record("03_hardest_token", {}, "ci")


def test_the_wheel_lists_every_package_and_maps_results_into_it():
    conf = tomllib.loads((ROOT / "pyproject.toml").read_text())["tool"]["setuptools"]
    found = set(find_packages(str(ROOT), include=["geomem_nb*"]))
    assert set(conf["packages"]) == found | {"geomem_nb.shipped_results"}, "a new subpackage must be listed"
    assert conf["package-dir"] == {"geomem_nb.shipped_results": "results"}


def test_an_installed_copy_finds_the_records_it_carries(tmp_path):
    """The package copied outside any checkout, with results/ where the wheel puts it, reads them."""
    site = tmp_path / "site"
    site.mkdir(exist_ok=True)
    subprocess.run(["cp", "-r", str(ROOT / "geomem_nb"), str(site)], check=True)
    subprocess.run(["cp", "-r", str(ROOT / "results"), str(site / "geomem_nb" / "shipped_results")], check=True)
    code = ("from geomem_nb import results as r; print(r.CHECKOUT, r.RESULTS.name, "
            "r.shipped('cpu/in-weights')['test_exact_match'], r.workspace('runs').parent == __import__('pathlib').Path.cwd()); print(r.records_note())")
    out = subprocess.run([sys.executable, "-c", code], cwd=tmp_path, env={"PYTHONPATH": str(site), "PATH": ""},
                         capture_output=True, text=True)
    assert out.returncode == 0, out.stderr
    want = results.shipped("cpu/in-weights")["test_exact_match"]
    first, note = out.stdout.strip().splitlines()
    assert first.split() == ["False", "shipped_results", str(want), "True"]
    assert note == "records: shipped with the package"


def _loaded_names() -> set:
    """Every literal record name the chapters pass to results.shipped or experiments.recorded."""
    names = set()
    for nb in (ROOT / "notebooks").glob("*.py"):
        for m in re.finditer(r'(?:results\.shipped\(|experiments\.recorded\([\w.]+, )(f?)"([^"]+)"\)', nb.read_text()):
            names.add(m.group(2))
    return names


def test_every_record_a_chapter_loads_is_announced():
    announced = {r for needs in chapter_records.NEEDS.values() for n in needs for r in n.records}
    expanded = set()
    for name in _loaded_names():
        if "{d}" in name:  # the paper-scale in-context runs
            expanded |= {name.format(d=d, obj=o) for d in (2, 10, 20) for o in ("forward", "reverse")}
        else:
            expanded.add(name)
    assert expanded and expanded <= announced, sorted(expanded - announced)
    assert set(chapter_records.NEEDS) == {p.stem for p in (ROOT / "notebooks").glob("*.py")}


def test_announce_lists_what_is_missing_with_its_command(monkeypatch):
    assert "not here" not in chapter_records.announce("05_tiny_graphs")
    monkeypatch.setattr(results, "RESULTS", None)
    text = chapter_records.announce("02_in_weights_path_star")
    assert "from scratch" in text
    assert "the in-context teacherless contrast of C2 -> left out. Made by: python -m geomem_nb in-context" in text
    assert "(the shipped copy took " in text and "GEOMEM_RESULTS=F" in text
    assert "python -m geomem_nb reproduce in-weights-g5000-5" in text
    assert chapter_records.announce("04_path_star_geometry").count("\n") == 0
    with pytest.raises(ValueError, match="chapter"):
        chapter_records.announce("10_nothing")


@pytest.mark.parametrize("metrics,status", [
    ({"topk_recovery": 1.0}, "trained"),
    ({"topk_recovery": 0.5}, "under-trained: topk recovery 0.500 < 0.9"),
    ({"objective": "forward", "test_exact_match_given_first_hop": 0.95}, "trained"),
    ({"objective": "forward", "test_exact_match_given_first_hop": 0.2}, "under-trained: held-out exact match given the true first hop 0.200 < 0.9"),
    ({"objective": "hardest-token", "test_first_hop_is_child": 0.3}, "under-trained: guesses that are children of the source 0.300 < 0.9"),
    ({"train_exact_match": 0.99, "config": {"objective": "full-path"}}, "trained"),
    ({"train_exact_match": 0.36, "config": {"objective": "full-path"}}, "under-trained: train exact match 0.360 < 0.9"),
    ({"train_exact_match": 0.0, "edge_recovery": 0.95, "config": {"objective": "edges-only"}}, "trained"),
])
def test_run_status_is_the_two_sided_rule(metrics, status):
    assert controls.run_status(metrics) == status


def test_gpu_and_paper_read_the_cpu_sweeps_instead_of_running_them(monkeypatch):
    from geomem_nb.studies import path_length_map, what_else_matters

    assert what_else_matters.load_for("ci")[1] == "cpu" and what_else_matters.load_for("cpu")[1] == "cpu"
    rec, source = what_else_matters.load_for("gpu")
    assert source == "cpu" and rec == what_else_matters.load("cpu") and rec is not None
    monkeypatch.setattr(path_length_map, "run", lambda *a, **k: pytest.fail("the gpu map must not run in a chapter"))
    rows, where = path_length_map.load_or_run("gpu")
    assert rows == path_length_map.shipped("cpu") and where.startswith("results/cpu/09_path_length (the cpu map")
    monkeypatch.setattr(results, "RESULTS", None)  # from scratch: nothing to stand in
    assert what_else_matters.load_for("gpu") == (None, "cpu")


def test_every_announced_command_parses():
    """The commands a chapter names for its missing records are real command lines."""
    import shlex

    from geomem_nb import cli

    seen = 0
    for needs in chapter_records.NEEDS.values():
        for n in needs:
            for cmd in n.command.split("; "):
                cmd = cmd.split(" (")[0].removesuffix(", on a GPU")
                if cmd.startswith("python -m geomem_nb "):
                    args = cli.parser().parse_args(shlex.split(cmd)[3:])
                    assert args.out and args.out.startswith("results/"), cmd
                    seen += 1
    assert seen >= 8


def test_the_colab_like_passes_run_every_chapter_that_differs():
    """tools/colab_like.sh's orders: every chapter with the records; from scratch, every chapter that
    reads a record (the others run exactly as with the records)."""
    script = (ROOT / "tools" / "colab_like.sh").read_text()
    shipped, scratch = (set(m.split()) for m in re.findall(r"order=\(([\d ]+)\)", script))
    chapters = {c[:2]: c for c in chapter_records.NEEDS}
    assert shipped == set(chapters)
    assert scratch == {n for n, c in chapters.items() if chapter_records.NEEDS[c]}
