"""Correcting a lead's or contact's fields in a form. The save is checked against the
version the form was opened on: if someone else saved first, the rep is told and nothing
of theirs is overwritten."""

from __future__ import annotations

from textual import on
from textual.app import ComposeResult
from textual.binding import Binding
from textual.containers import Horizontal, VerticalScroll
from textual.screen import ModalScreen
from textual.widgets import Checkbox, Input, Label, Static, TextArea

from workstation.display import clean
from workstation.handle import store_of
from workstation.store.calling.edits import FLAG_FIELDS, MULTILINE, TEXT_FIELDS, save_fields
from workstation.widgets.tick import Tick
from workstation.work import in_thread

LABELS = {"phone_extension": "Extension", "mobile_phone": "Mobile"}


def _label(name: str) -> str:
    return LABELS.get(name) or name.replace("_", " ").capitalize()


class EditRecordDialog(ModalScreen[bool]):
    """Returns True when saved, False when cancelled."""

    BINDINGS = [
        Binding("ctrl+s", "save", "Save", id="edit.save"),
        Binding("escape", "cancel", "Cancel", id="edit.cancel"),
    ]

    def __init__(self, *, kind: str, record_id: int, version: int, values: dict) -> None:
        super().__init__()
        self.kind, self.record_id, self.version, self.values = kind, record_id, version, values

    def compose(self) -> ComposeResult:
        with VerticalScroll(id="edit-box"):
            yield Static(
                f"Edit {self.kind} {self.record_id} — Ctrl+S saves, Esc cancels",
                id="edit-heading",
                markup=False,
            )
            for name in TEXT_FIELDS[self.kind]:
                tall = name in MULTILINE
                with Horizontal(classes="edit-row -tall" if tall else "edit-row"):
                    yield Label(_label(name), classes="edit-label")
                    if tall:  # its lines kept: Enter starts a new one, Ctrl+S saves
                        yield TextArea(self._shown(name), id=f"edit-{name}", compact=True)
                    else:
                        yield Input(value=self._shown(name), id=f"edit-{name}", compact=True)
            for name in FLAG_FIELDS:
                yield Tick(
                    name.replace("_", " ").capitalize(),
                    value=bool(self.values.get(name)),
                    id=f"edit-{name}",
                    compact=True,
                )
            yield Static(id="edit-error", markup=False)

    def _shown(self, name: str) -> str:
        """The stored value as the form shows it (a multi-line one with its line ends)."""
        value = self.values.get(name) or ""
        if name in MULTILINE:
            return "\n".join(clean(line) for line in value.split("\n"))
        return clean(value)

    def on_mount(self) -> None:
        self.query(Input).first().focus()  # type from the first field at once

    def _changes(self) -> dict[str, object]:
        changes: dict[str, object] = {}
        for name in TEXT_FIELDS[self.kind]:
            if name in MULTILINE:
                value = self.query_one(f"#edit-{name}", TextArea).text
            else:
                value = self.query_one(f"#edit-{name}", Input).value
            if value != self._shown(name):
                changes[name] = value
        for name in FLAG_FIELDS:
            ticked = self.query_one(f"#edit-{name}", Checkbox).value
            if ticked != bool(self.values.get(name)):
                changes[name] = ticked
        return changes

    @on(Input.Submitted)
    def action_save(self) -> None:
        changes = self._changes()
        if not changes:
            self.dismiss(False)
            return
        self._save(changes)

    def _save(self, changes: dict[str, object]) -> None:
        def save() -> bool:
            store = store_of(self)
            save_fields(
                store.engine,
                rep_id=store.rep.id,
                kind=self.kind,
                record_id=self.record_id,
                expected_version=self.version,
                changes=changes,
                now=store.clock(),
            )
            return True

        in_thread(self, save, self.dismiss, group="edit", on_error=self._refused)

    def _refused(self, error: Exception) -> None:
        """The store refused the save (someone saved first, a bad value): the form says
        why and stays open."""
        self.query_one("#edit-error", Static).update(str(error))

    def action_cancel(self) -> None:
        self.dismiss(False)
