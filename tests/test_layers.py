"""The import rules (STYLE.md): the store is headless, the command line and the UI keep to
their own modules, and no module takes part in an import cycle. The rules themselves are
import-linter contracts in pyproject.toml; these tests run them over every sub-package."""

from __future__ import annotations

import pkgutil
import shutil
import subprocess
import sys
from pathlib import Path

import grimp

import workstation.store

ROOT = Path(__file__).resolve().parents[1]


def test_store_never_imports_textual():
    """At run time too: importing every store module loads neither Textual nor Rich."""
    modules = [
        m.name
        for m in pkgutil.walk_packages(workstation.store.__path__, "workstation.store.")
        if not m.name.startswith("workstation.store.migrations")
    ]
    assert "workstation.store.models" in modules
    assert "workstation.store.imports.salesforce.importer" in modules
    code = "; ".join(f"import {name}" for name in modules) + (
        "; import sys; print(sorted(m for m in sys.modules if m.split('.')[0] in "
        "('textual', 'rich')))"
    )
    result = subprocess.run(
        [sys.executable, "-c", code], capture_output=True, text=True, check=True
    )
    assert result.stdout.strip() == "[]"


def test_import_contracts_hold():
    """pyproject.toml's import-linter contracts, over the whole package."""
    lint = shutil.which("lint-imports", path=str(Path(sys.executable).parent))
    assert lint, "import-linter is one of the test requirements"
    result = subprocess.run(
        [lint, "--no-cache"], cwd=ROOT, capture_output=True, text=True, check=False
    )
    assert result.returncode == 0, result.stdout + result.stderr
    assert "Contracts: 4 kept, 0 broken." in result.stdout


def import_cycles(package: str) -> list[list[str]]:
    """Every set of modules that import each other, directly or around a loop (the strongly
    connected components of the import graph), imports under TYPE_CHECKING left out."""
    graph = grimp.build_graph(package, exclude_type_checking_imports=True, cache_dir=None)
    edges = {
        module: sorted(graph.find_modules_directly_imported_by(module))
        for module in sorted(graph.modules)
    }
    order: dict[str, int] = {}
    low: dict[str, int] = {}
    stack: list[str] = []
    cycles: list[list[str]] = []
    for start in edges:  # Tarjan's algorithm, iteratively: no recursion limit to meet
        if start in order:
            continue
        work = [(start, iter(edges[start]))]
        order[start] = low[start] = len(order)
        stack.append(start)
        while work:
            node, successors = work[-1]
            for successor in successors:
                if successor not in order:
                    order[successor] = low[successor] = len(order)
                    stack.append(successor)
                    work.append((successor, iter(edges[successor])))
                    break
                if successor in stack:
                    low[node] = min(low[node], order[successor])
            else:
                work.pop()
                if work:
                    low[work[-1][0]] = min(low[work[-1][0]], low[node])
                if low[node] == order[node]:
                    component = []
                    while True:
                        member = stack.pop()
                        component.append(member)
                        if member == node:
                            break
                    if len(component) > 1:
                        cycles.append(sorted(component))
    return cycles


def test_no_module_takes_part_in_an_import_cycle():
    assert import_cycles("workstation") == []


def test_the_cycle_finder_sees_a_cycle(tmp_path, monkeypatch):
    """The check above can fail: a package with a loop a → b → c → a is caught."""
    package = tmp_path / "loopy"
    package.mkdir()
    (package / "__init__.py").write_text("")
    (package / "a.py").write_text("from loopy import b\n")
    (package / "b.py").write_text("def f():\n    from loopy import c\n")
    (package / "c.py").write_text("import loopy.a\n")
    (package / "d.py").write_text("import loopy.a\n")
    monkeypatch.syspath_prepend(str(tmp_path))
    assert import_cycles("loopy") == [["loopy.a", "loopy.b", "loopy.c"]]
