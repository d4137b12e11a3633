"""The store is headless: importing all of it never loads Textual (STYLE.md 1)."""

from __future__ import annotations

import pkgutil
import subprocess
import sys

import workstation.store


def test_store_never_imports_textual():
    modules = [
        f"workstation.store.{m.name}"
        for m in pkgutil.iter_modules(workstation.store.__path__)
        if m.name != "migrations"
    ]
    assert "workstation.store.models" in modules
    code = "; ".join(f"import {name}" for name in modules) + (
        "; import sys; print(sorted(m for m in sys.modules if m.split('.')[0] in "
        "('textual', 'rich')))"
    )
    result = subprocess.run(
        [sys.executable, "-c", code], capture_output=True, text=True, check=True
    )
    assert result.stdout.strip() == "[]"
