"""The store is headless: importing all of it never loads Textual (STYLE.md 1)."""

from __future__ import annotations

import pkgutil
import subprocess
import sys

import workstation.store


def test_store_never_imports_textual():
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
