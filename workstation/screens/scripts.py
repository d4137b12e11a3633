"""The call scripts screen: the scripts on the left, the chosen one on the right as its file
(front matter with the questions, then the Markdown body), edited in place or handed to
$EDITOR. A save is checked like an imported file, and a problem is shown with its line
(the cursor goes there); nothing is stored until the whole script reads. The CLI twin is
`workstation scripts export DIR` / `import DIR`, which reads and writes the same files.
"""

from __future__ import annotations

import os
import shlex
import subprocess
import tempfile
from functools import partial
from pathlib import Path

from rich.text import Text
from textual import on
from textual.app import ComposeResult, SuspendNotSupported
from textual.binding import Binding
from textual.containers import Horizontal, Vertical
from textual.screen import Screen
from textual.widgets import Footer, Header, OptionList, Static, TextArea
from textual.widgets.option_list import Option

from workstation.handle import store_of
from workstation.store.scripts.files import ScriptFile, ScriptFileError, format_script, parse_script
from workstation.store.scripts.for_record import default_script
from workstation.store.scripts.library import (
    ScriptSummary,
    list_scripts,
    save_script,
    script_as_file,
)
from workstation.widgets.safe_text import safe_text
from workstation.work import in_thread

NEW = "new"
BUILT_IN = "built-in"


def _option_id(script_id: int | None) -> str:
    return BUILT_IN if script_id is None else str(script_id)


def _label(script: ScriptSummary) -> Text:
    used = f"{len(script.campaigns)} campaign(s)" if script.campaigns else "no campaign"
    built_in = " · built in" if script.id is None else ""
    return safe_text(script.name) + Text(f"\n  {used}{built_in}", style="dim")


class ScriptsScreen(Screen):
    """Lists the scripts and edits one; Esc (from the list) goes back."""

    DEFAULT_CSS = """
    ScriptsScreen #scripts-list { width: 38; height: 1fr; border: round $primary-muted; }
    ScriptsScreen #script-editor { width: 1fr; }
    ScriptsScreen #script-text { height: 1fr; border: round $primary; }
    ScriptsScreen #script-status { height: auto; max-height: 4; padding: 0 1; }
    ScriptsScreen #script-status.-error { color: $text-error; }
    """
    BINDINGS = [
        Binding("ctrl+s", "save", "Save", id="scripts.save"),
        Binding("ctrl+o", "external_editor", "Open in $EDITOR", id="scripts.editor"),
        Binding("ctrl+n", "new", "New script", id="scripts.new"),
        Binding("escape", "close", "Back", id="scripts.close"),
    ]

    def __init__(self) -> None:
        super().__init__()
        self.script_id: int | None = None  # the script being edited; None: a new one
        self.option: str | None = None  # its id in the list
        self._saved_text = ""
        self._drop_asked_for: str | None = None

    def compose(self) -> ComposeResult:
        yield Header()
        with Horizontal():
            yield OptionList(id="scripts-list")
            with Vertical(id="script-editor"):
                yield TextArea.code_editor(id="script-text", soft_wrap=True)
                yield Static(id="script-status", markup=False)
        yield Footer(compact=True)

    def on_mount(self) -> None:
        self.sub_title = "Call scripts: Ctrl+S saves, Ctrl+O opens $EDITOR, Ctrl+N starts one"
        self.reload(select=None)
        self.query_one(OptionList).focus()

    def reload(self, *, select: str | None) -> None:
        """List the scripts again and open `select` (the first one when None)."""
        with store_of(self).open_session() as session:
            scripts = list_scripts(session)
        options = self.query_one(OptionList)
        options.clear_options()
        options.add_options(Option(_label(s), id=_option_id(s.id)) for s in scripts)
        wanted = select or _option_id(scripts[0].id)
        options.highlighted = options.get_option_index(wanted)
        self._open(wanted)

    def _open(self, option: str) -> None:
        with store_of(self).open_session() as session:
            script_id = None if option == BUILT_IN else int(option)
            script = script_as_file(session, script_id)
        self._edit(option, script_id, format_script(script))

    def _edit(self, option: str | None, script_id: int | None, text: str) -> None:
        self.option, self.script_id, self._saved_text = option, script_id, text
        self._drop_asked_for = None
        self.query_one(TextArea).load_text(text)
        self._status("")

    @property
    def modified(self) -> bool:
        return self.query_one(TextArea).text != self._saved_text

    def _status(self, message: str, *, error: bool = False) -> None:
        status = self.query_one("#script-status", Static)
        status.update(safe_text(message))
        status.set_class(error, "-error")

    @on(OptionList.OptionSelected, "#scripts-list")
    def _chosen(self, event: OptionList.OptionSelected) -> None:
        option = event.option_id
        if option is None or option == self.option:
            self.query_one(TextArea).focus()
            return
        if self.modified and self._drop_asked_for != option:
            self._drop_asked_for = option
            self._status("Unsaved changes: Ctrl+S saves them, Enter again drops them.", error=True)
            return
        self._open(option)
        self.query_one(TextArea).focus()

    def action_new(self) -> None:
        builtin = default_script()
        blank = ScriptFile(name="New script", body=builtin.body, questions=builtin.questions)
        self._edit(NEW, None, format_script(blank))
        self._saved_text = ""  # a new script counts as unsaved until it is saved
        self._status("A new script from the default one: rename it, then Ctrl+S.")
        self.query_one(TextArea).focus()

    def action_save(self) -> bool:
        """Check the text and, if it reads, save it; False when it does not read."""
        area = self.query_one(TextArea)
        try:
            script = parse_script(area.text, "the script")
        except ScriptFileError as problem:
            self._not_saved(problem)
            area.move_cursor((problem.line - 1, 0))
            area.focus()
            return False
        self._save(script, area.text)
        return True

    def _save(self, script: ScriptFile, text: str) -> None:
        def save() -> ScriptSummary:
            store = store_of(self)
            return save_script(
                store.engine,
                script,
                script_id=self.script_id,
                acting_rep_id=store.rep.id,
                now=store.clock(),
            )

        saved = partial(self._saved, text=text)
        in_thread(self, save, saved, group="save-script", on_error=self._not_saved)

    def _not_saved(self, error: Exception) -> None:
        """Said on the status line: a script that does not read, with its line."""
        if isinstance(error, ScriptFileError):
            self._status(f"Not saved. Line {error.line}: {error.problem}", error=True)
        else:
            self._status(f"Not saved: {error}", error=True)

    def _saved(self, saved: ScriptSummary, *, text: str) -> None:
        self.reload(select=_option_id(saved.id))
        # The stored form may space a question's JSON differently from what was typed.
        note = "" if text == self._saved_text else " (lines rewritten in the stored form)"
        self._status(f"Saved {saved.name}{note}.")

    def action_external_editor(self) -> None:
        """Hand the text to $EDITOR; when it comes back and reads, it is saved."""
        area = self.query_one(TextArea)
        editor = shlex.split(os.environ.get("VISUAL") or os.environ.get("EDITOR") or "vi")
        with tempfile.TemporaryDirectory() as folder:
            path = Path(folder) / "script.md"
            path.write_text(area.text, encoding="utf-8")
            try:
                with self.app.suspend():
                    subprocess.run([*editor, str(path)], check=False)
            except SuspendNotSupported:
                self._status("This terminal cannot hand over to an editor.", error=True)
                return
            except OSError as error:
                self._status(f"Could not start {editor[0]}: {error.strerror}", error=True)
                return
            edited = path.read_text(encoding="utf-8", errors="replace")
        if edited != area.text:
            area.load_text(edited)
            self.action_save()

    def action_close(self) -> None:
        if self.modified and self._drop_asked_for != "close":
            self._drop_asked_for = "close"
            self._status("Unsaved changes: Ctrl+S saves them, Esc again drops them.", error=True)
            return
        self.dismiss()
