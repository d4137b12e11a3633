"""Ask where to save an export: a path, prefilled with a name in the current directory.
Returns the path, or None when cancelled; an existing file is not overwritten silently."""

from __future__ import annotations

from pathlib import Path

from rich.text import Text
from textual import on
from textual.app import ComposeResult
from textual.binding import Binding
from textual.containers import Vertical
from textual.screen import ModalScreen
from textual.widgets import Footer, Input, Static


class SaveFileDialog(ModalScreen[Path | None]):
    BINDINGS = [Binding("escape", "cancel", "Cancel", id="save_file.cancel")]
    DEFAULT_CSS = """
    SaveFileDialog { align: center middle; }
    #save-file-box {
        width: 76; max-width: 100%; height: auto;
        border: round $primary; padding: 0 1; background: $surface;
    }
    #save-file-path { margin: 1 0 0 0; }
    #save-file-error { color: $text-error; }
    """

    def __init__(self, *, what: str, suggested: str) -> None:
        super().__init__()
        self.what, self.suggested = what, suggested
        self._confirm_overwrite: Path | None = None

    def compose(self) -> ComposeResult:
        with Vertical(id="save-file-box"):
            yield Static(Text(f"Save {self.what} to:", style="bold"))
            yield Input(str(Path.cwd() / self.suggested), id="save-file-path")
            yield Static(id="save-file-error", markup=False)
        yield Footer()

    @on(Input.Submitted, "#save-file-path")
    def _submitted(self, event: Input.Submitted) -> None:
        path = Path(event.value).expanduser()
        error = self.query_one("#save-file-error", Static)
        if not event.value.strip() or path.is_dir():
            error.update("Type a file name.")
        elif not path.parent.is_dir():
            error.update(f"There is no folder {path.parent}.")
        elif path.exists() and self._confirm_overwrite != path:
            self._confirm_overwrite = path
            error.update("That file exists: press Enter again to replace it.")
        else:
            self.dismiss(path)

    def action_cancel(self) -> None:
        self.dismiss(None)
