"""Every key binding of the app by its id: what the `[keys]` table of the settings file
remaps (`App.set_keymap`), listed by `workstation config` and checked when the app starts.

The screens and widgets are found by walking their packages, so a new one is listed
without being named here; they are imported only when a list is asked for.
"""

from __future__ import annotations

import importlib
import inspect
import pkgutil
from dataclasses import dataclass

PACKAGES = ("workstation.screens", "workstation.widgets")


@dataclass(frozen=True, slots=True)
class KeyBinding:
    id: str
    keys: str  # as in BINDINGS: "n", "escape,q"
    description: str
    where: str  # the class that holds it


def every_binding() -> list[KeyBinding]:
    """Each binding of the app, its screens and widgets, once by id, in the order found."""
    from textual.binding import Binding
    from textual.dom import DOMNode

    # The app by name, as the screens are: it asks for this list when it starts.
    classes: list[type] = [importlib.import_module("workstation.app").WorkstationApp]
    for package in PACKAGES:
        for module in pkgutil.iter_modules(importlib.import_module(package).__path__):
            loaded = importlib.import_module(f"{package}.{module.name}")
            classes += [
                cls
                for _, cls in inspect.getmembers(loaded, inspect.isclass)
                if issubclass(cls, DOMNode) and cls.__module__ == loaded.__name__
            ]
    found: dict[str, KeyBinding] = {}
    for cls in classes:
        for binding in Binding.make_bindings(cls.__dict__.get("BINDINGS", ())):
            key = binding.id or f"(no id) {cls.__name__} {binding.key}"
            found.setdefault(key, KeyBinding(key, binding.key, binding.description, cls.__name__))
    return list(found.values())


def unknown_ids(keymap: dict[str, str]) -> list[str]:
    """The ids of `keymap` that no binding has."""
    known = {binding.id for binding in every_binding()}
    return [binding for binding in keymap if binding not in known]
