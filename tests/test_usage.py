"""Every command line speaks to its user: --help opens with plain words and shows examples; bad input to
a study's command line (the sweep, the seed studies, the launcher) ends in one line and exit status 2,
before any work and without writing; progress in a log is plain lines, never carriage returns."""
import io
import os
import shlex
import subprocess
import sys
from pathlib import Path

import pytest

from geomem_nb import cli, launch
from geomem_nb.studies import edges_pauses_phases, trees_and_mamba, knob_table, learning_order, path_length_map, tiny_graph_seeds, what_else_matters
from geomem_nb.runtime import progress

ROOT = Path(__file__).resolve().parent.parent
MAINS = {"geomem_nb": cli.main, "geomem_nb.studies.path_length_map": path_length_map.main, "geomem_nb.studies.what_else_matters": what_else_matters.main,
         "geomem_nb.studies.learning_order": learning_order.main, "geomem_nb.studies.knob_table": knob_table.main,
         "geomem_nb.studies.edges_pauses_phases": edges_pauses_phases.main, "geomem_nb.studies.trees_and_mamba": trees_and_mamba.main,
         "geomem_nb.studies.tiny_graph_seeds": tiny_graph_seeds.main, "geomem_nb.launch": launch.main}
HELPS = [(m, []) for m in MAINS] + [("geomem_nb", [c]) for c in cli.RUNNERS] + [("geomem_nb", ["reproduce"]),
                                                                                 ("geomem_nb.launch", ["records"])]


def call(capsys, module, argv):
    """``module``'s command line in this process: (exit status, stdout, stderr)."""
    try:
        code = MAINS[module](list(argv))
    except SystemExit as exit_:
        code = exit_.code
    out = capsys.readouterr()
    return code, out.out, out.err


@pytest.mark.parametrize("module, sub", HELPS, ids=lambda x: " ".join(x) if isinstance(x, list) else x)
def test_help_says_what_the_command_does_with_an_example(capsys, module, sub):
    code, text, _ = call(capsys, module, [*sub, "--help"])
    assert code == 0
    blocks = text.split("\n\n")
    assert blocks[0].startswith("usage: ")
    what = blocks[1]
    assert what[0].isupper() and what.split()[0].strip(",;:").isalpha(), what  # a sentence, not a module path or a repr
    for developer in ("``", "RunResult", "the work is in", "Chapter 0"):  # docstring talk, not a user's help
        assert developer not in text, developer
    examples = text.split("\nexamples:\n")[1].splitlines()
    command = " ".join(["python -m", module, *sub])
    assert examples and all(e.startswith("  python -m ") for e in examples)
    assert any(e.strip().startswith(command) for e in examples), (command, examples)


def test_the_main_clis_examples_parse():
    examples = [e for _, _, ex in cli.HELP.values() for e in ex] + cli.EXAMPLES
    for e in examples:
        cli.parser().parse_args(shlex.split(e)[3:])  # a wrong example exits 2


def _file(tmp):
    (tmp / "afile").write_text("not a folder")


# module -> argv ({tmp}: the test's folder), what the one error line must name, environment
BAD = [
    ("geomem_nb.studies.path_length_map", ["--preset", "cpu", "--frontier", "--only", "no-such-cell", "--out", "{tmp}/X"], "--only", {}),
    ("geomem_nb.studies.path_length_map", ["--preset", "ci", "--only", "d100-l5-e100", "nope", "--out", "{tmp}/X"], "d100-l8-e100", {}),
    ("geomem_nb.studies.path_length_map", ["--preset", "ci"], "--out", {}),
    ("geomem_nb.studies.path_length_map", ["--preset", "ci", "--out", "{tmp}/afile/X"], "--out", {}),
    ("geomem_nb.studies.path_length_map", ["--out", "{tmp}/X"], "GEOMEM_SCALE", {"GEOMEM_SCALE": "huge"}),
    ("geomem_nb.studies.path_length_map", ["--preset", "ci", "--workers", "0", "--out", "{tmp}/X"], "workers", {}),
    ("geomem_nb.studies.path_length_map", ["--preset", "ci", "--knobs", "--frontier", "--out", "{tmp}/X"], "--frontier", {}),
    ("geomem_nb.studies.what_else_matters", ["--preset", "ci", "--seeds", "-1", "--out", "{tmp}/X"], "--seeds", {}),
    ("geomem_nb.studies.what_else_matters", ["--preset", "ci", "--seeds", "0", "0", "--out", "{tmp}/X"], "--seeds", {}),
    ("geomem_nb.studies.what_else_matters", ["--preset", "ci", "--out", "{tmp}/afile"], "--out", {}),
    ("geomem_nb.studies.edges_pauses_phases", ["--preset", "ci", "--seeds", "x", "--out", "{tmp}/X"], "--seeds", {}),
    ("geomem_nb.studies.trees_and_mamba", ["--preset", "huge", "--out", "{tmp}/X"], "--preset", {}),
    ("geomem_nb.studies.learning_order", ["--preset", "ci"], "--out", {}),
    ("geomem_nb.studies.learning_order", ["--preset", "ci", "--seeds", "1", "1", "--out", "{tmp}/X"], "--seeds", {}),
    ("geomem_nb.studies.knob_table", ["--preset", "ci", "--width", "0", "--out", "{tmp}/X"], "--width", {}),
    ("geomem_nb.studies.knob_table", ["--preset", "ci", "--out", "{tmp}/afile"], "--out", {}),
    ("geomem_nb.studies.tiny_graph_seeds", ["--preset", "ci", "--only", "star/xx", "--out", "{tmp}/X"], "--only", {}),
    ("geomem_nb.studies.tiny_graph_seeds", ["--preset", "ci", "--out", "{tmp}/afile/X"], "--out", {}),
    ("geomem_nb.launch", [], "COMMAND", {}),
    ("geomem_nb.launch", ["run"], "COMMAND", {}),
    ("geomem_nb.launch", ["records", "--", "no_such_group"], "GROUP", {}),
    ("geomem_nb.launch", ["records", "--after", "tiny", "--", "tiny"], "--after", {}),
    ("geomem_nb.launch", ["records", "--script", "{tmp}/none.sh", "--", "tiny"], "--script", {}),
]


@pytest.mark.parametrize("module, argv, named, env", BAD, ids=[f"{m} {' '.join(a)}" for m, a, _, _ in BAD])
def test_bad_input_to_a_study_ends_in_one_line(tmp_path, capsys, monkeypatch, module, argv, named, env):
    for target, fn in ((path_length_map, "run"), (what_else_matters, "sweep"), (edges_pauses_phases, "sweep"), (learning_order, "study"),
                       (tiny_graph_seeds, "study"), (knob_table, "table"), (launch, "run")):
        monkeypatch.setattr(target, fn, lambda *a, **k: pytest.fail("ran"))
    for k, v in env.items():
        monkeypatch.setenv(k, v)
    _file(tmp_path)
    code, out, err = call(capsys, module, [a.replace("{tmp}", str(tmp_path)) for a in argv])
    lines = err.strip().splitlines()
    assert code == 2 and len(lines) == 1, (code, lines)
    assert lines[0].startswith(f"python -m {module}") and ": error: " in lines[0] and named in lines[0], lines
    assert sorted(p.name for p in tmp_path.iterdir()) == ["afile"]  # nothing written


def test_the_issues_sweep_command_ends_in_one_line_not_a_traceback(tmp_path):
    r = subprocess.run([sys.executable, "-m", "geomem_nb.studies.path_length_map", "--preset", "cpu", "--frontier", "--only",
                        "no-such-cell", "--out", str(tmp_path / "X")], capture_output=True, text=True, cwd=ROOT,
                       env={**os.environ, "PYTHONPATH": str(ROOT), "OMP_NUM_THREADS": "1"}, timeout=300)
    assert r.returncode == 2 and r.stdout == "", r
    assert r.stderr.count("\n") == 1 and "Traceback" not in r.stderr and "--list" in r.stderr, r.stderr
    assert not (tmp_path / "X").exists()


def test_sweep_list_names_the_groups_cells(capsys):
    code, out, _ = call(capsys, "geomem_nb.studies.path_length_map", ["--preset", "ci", "--frontier", "--list"])
    assert code == 0 and out.split() == [path_length_map.name(c) for c in path_length_map.selected("ci", "frontier")]


class Terminal(io.StringIO):
    def isatty(self):
        return True


@pytest.mark.parametrize("initial, lines", [(0, 10), (20, 6), (49, 1)])
def test_progress_in_a_log_is_a_plain_line_each_tenth(monkeypatch, initial, lines):
    monkeypatch.delenv("GEOMEM_PROGRESS", raising=False)
    monkeypatch.setattr(sys, "stderr", io.StringIO())
    bar = progress(range(initial, 50), desc="run", initial=initial, total=50)
    assert list(bar) == list(range(initial, 50))
    bar.close()
    text = sys.stderr.getvalue()
    assert "\r" not in text
    assert text.splitlines()[-1].startswith("run: 100% (50/50") and len(text.splitlines()) == lines, text


def test_progress_on_a_terminal_keeps_the_bar_and_is_off_when_asked(monkeypatch):
    monkeypatch.delenv("GEOMEM_PROGRESS", raising=False)
    monkeypatch.setattr(sys, "stderr", Terminal())
    list(progress(range(50), desc="run", total=50))
    assert "\r" in sys.stderr.getvalue() and "50/50" in sys.stderr.getvalue()
    monkeypatch.setenv("GEOMEM_PROGRESS", "0")
    monkeypatch.setattr(sys, "stderr", io.StringIO())
    assert list(progress(range(50), desc="run", total=50)) == list(range(50)) and sys.stderr.getvalue() == ""


def test_a_run_logged_to_a_file_has_no_carriage_returns(tmp_path):
    env = {k: v for k, v in os.environ.items() if k != "GEOMEM_PROGRESS"}
    r = subprocess.run([sys.executable, "-m", "geomem_nb", "tiny", "--graph", "cycle:7", "--model", "nn", "--steps",
                        "40", "--preset", "ci", "--out", str(tmp_path / "run")], capture_output=True, text=True,
                       cwd=ROOT, env={**env, "PYTHONPATH": str(ROOT), "OMP_NUM_THREADS": "1"}, timeout=300)
    assert r.returncode == 0, r.stderr
    assert "\r" not in r.stderr and "nn on cycle:7: 100% (40/40" in r.stderr, r.stderr


def test_the_studies_list_names_every_study_with_a_command(capsys):
    """``python -m geomem_nb.studies`` lists exactly the studies that have a command line of their own."""
    import importlib
    import pkgutil

    from geomem_nb import studies
    from geomem_nb.studies.__main__ import STUDIES, main

    with_main = {m.name for m in pkgutil.iter_modules(studies.__path__)
                 if m.name != "__main__" and hasattr(importlib.import_module(f"geomem_nb.studies.{m.name}"), "main")}
    assert with_main == set(STUDIES)
    assert main() == 0
    out = capsys.readouterr().out
    assert all(f"  {name} " in out for name in STUDIES)
