"""The package's import graph: no module reaches itself through its imports (a test walks every import,
those inside functions included), and the floors of geomem_nb/README.md hold: no module imports a
module of a higher floor."""
import ast
from pathlib import Path

import pytest

PKG = Path(__file__).resolve().parent.parent / "geomem_nb"

# The floors of README.md, lowest first: a module may import its own floor or lower ones.
FLOORS = [
    {"checks", "runtime", "results", "schemas", "stats", "controls", "guard", "launch", "usage", "prose"},
    {"graphs"}, {"tasks"}, {"models"},
    {"batching", "train", "train_node2vec", "evaluate", "geometry", "spectral", "memory_estimate", "selection",
     "succinctness", "first_hop"},
    {"experiments"}, {"presets", "reproduce", "paper"}, {"studies"},
    {"viz"}, {"deviations", "tiny_tables", "spectrum_tables", "why_geometry_tables", "what_else_tables",
     "path_length_tables", "reach_tables", "path_length_checks", "what_else_checks", "tiny_checks"}, {"verdicts"}, {"claims", "landing", "repository", "page", "page_notes", "path_star_tables"},
    {"cli", "__main__"},
]


def module_name(path: Path) -> str:
    parts = path.relative_to(PKG.parent).with_suffix("").parts
    return ".".join(parts[:-1] if parts[-1] == "__init__" else parts)


MODULES = {module_name(p): p for p in PKG.rglob("*.py")}


def imports(name: str) -> set:
    """Every geomem_nb module ``name`` imports, anywhere in the file."""
    path = MODULES[name]
    package = name if path.name == "__init__.py" else name.rsplit(".", 1)[0]
    found = set()
    for node in ast.walk(ast.parse(path.read_text())):
        if isinstance(node, ast.Import):
            found |= {a.name for a in node.names if a.name.startswith("geomem_nb")}
        elif isinstance(node, ast.ImportFrom):
            if node.level:
                base = package.rsplit(".", node.level - 1)[0] if node.level > 1 else package
                target = f"{base}.{node.module}" if node.module else base
            elif (node.module or "").startswith("geomem_nb"):
                target = node.module
            else:
                continue
            found.add(target)
            found |= {f"{target}.{a.name}" for a in node.names if f"{target}.{a.name}" in MODULES}
    return {m for m in found if m in MODULES and m != name}


GRAPH = {name: imports(name) for name in MODULES}


def floor(name: str) -> int:
    top = name.split(".")[1] if "." in name else ""
    for i, names in enumerate(FLOORS):
        if top in names:
            return i
    raise AssertionError(f"{name} is on no floor: add it to README.md and FLOORS")


def test_every_module_has_a_floor():
    for name in MODULES:
        if name != "geomem_nb":
            floor(name)


def test_no_import_cycle():
    state = {}

    def visit(name, path):
        state[name] = "open"
        for nxt in sorted(GRAPH[name]):
            if state.get(nxt) == "open":
                raise AssertionError("import cycle: " + " -> ".join(path[path.index(nxt):] + [nxt]))
            if nxt not in state:
                visit(nxt, path + [nxt])
        state[name] = "done"

    for name in sorted(MODULES):
        if name not in state:
            visit(name, [name])


@pytest.mark.parametrize("name", sorted(n for n in MODULES if n != "geomem_nb"))
def test_imports_go_down_the_floors(name):
    up = [m for m in GRAPH[name] if m != "geomem_nb" and floor(m) > floor(name)]
    assert not up, f"{name} (floor {floor(name)}) imports {up} from a higher floor"


def test_the_walk_sees_imports():  # the test above could not fail if no import were found
    assert "geomem_nb.checks" in GRAPH["geomem_nb.graphs.stars"]
    assert "geomem_nb.experiments.base" in GRAPH["geomem_nb.experiments.in_context"]
    assert any(m.startswith("geomem_nb.experiments") for m in GRAPH["geomem_nb.cli"])
