"""Screens and widgets reach the store through their typed handle (`store_of(self)`),
never through an untyped `self.app.<x>`."""

from __future__ import annotations

import ast
from pathlib import Path

import workstation

UI = [Path(workstation.__file__).parent / part for part in ("screens", "widgets")]
STORE_THINGS = {"engine", "open_session", "rep", "working_rep", "clock", "glance", "settings"}


def _reaches(source: str) -> list[str]:
    """The `….app.<store thing>` expressions in `source`."""
    return [
        ast.unparse(node)
        for node in ast.walk(ast.parse(source))
        if isinstance(node, ast.Attribute)
        and node.attr in STORE_THINGS
        and isinstance(node.value, ast.Attribute)
        and node.value.attr == "app"
    ]


def test_the_check_sees_a_reach():
    assert _reaches("rep = self.app.rep\nwith self.app.open_session(): pass") == [
        "self.app.rep",
        "self.app.open_session",
    ]


def test_no_screen_or_widget_reaches_the_store_through_the_app():
    modules = [path for folder in UI for path in sorted(folder.rglob("*.py"))]
    assert any(path.name == "queue.py" for path in modules)
    reaches = {
        str(path.relative_to(path.parents[1])): found
        for path in modules
        if (found := _reaches(path.read_text(encoding="utf-8")))
    }
    assert reaches == {}
