"""The import screen: pick a CSV file, check how its columns map (with its first rows beside
them), change a mapping, then import it in a thread worker with a progress bar, rows/s and
time left. Escape goes back to the queue while the import runs on; a notification says how
it ended. Open it with `show_import_screen`: the screen stays installed, so coming back shows
the run (a screen pushed as it is installs itself when it is left while importing).

Everything read from the file is shown through `safe_text`: a cell full of markup or
escapes is displayed literally.
"""

from __future__ import annotations

import threading
import time
from pathlib import Path

from rich.text import Text
from textual import on
from textual.app import App, ComposeResult
from textual.binding import Binding
from textual.containers import Horizontal, Vertical
from textual.screen import Screen
from textual.widgets import (
    Button,
    Checkbox,
    DataTable,
    DirectoryTree,
    Footer,
    Header,
    Input,
    ProgressBar,
    Select,
    Static,
)

from workstation.display import clean
from workstation.handle import store_of
from workstation.store.imports.preview import FIELD_CHOICES, FilePreview, preview_file
from workstation.widgets.safe_text import safe_text
from workstation.widgets.tick import Tick
from workstation.work import in_thread, show_store_error, ui_callback

SCREEN_NAME = "import-file"
PREVIEW_ROWS = 3
IGNORE = "(ignore)"


def show_import_screen(app: App) -> None:
    """Open the import screen, the same one each time, so a running import can be watched."""
    if not app.is_screen_installed(SCREEN_NAME):
        app.install_screen(ImportFileScreen(), SCREEN_NAME)
    app.push_screen(SCREEN_NAME)


class CsvTree(DirectoryTree):
    """Folders, and the files an import can read."""

    def filter_paths(self, paths):
        return [p for p in paths if p.is_dir() or p.suffix.lower() in (".csv", ".txt", ".tsv")]


class ImportFileScreen(Screen):
    BINDINGS = [
        Binding("ctrl+r", "start", "Import", id="import.start", priority=True),
        Binding("ctrl+x", "stop", "Stop", id="import.stop", priority=True),
        Binding("escape", "back", "Back", id="import.back"),
    ]
    DEFAULT_CSS = """
    #import-body { height: 1fr; }
    #import-files { width: 30%; min-width: 22; max-width: 40; border: round $primary-muted; }
    #import-main { width: 1fr; padding: 0 1; }
    #import-columns { height: 1fr; border: round $primary; border-title-color: $text-primary; }
    #import-field-row, #import-options, #import-actions { height: auto; }
    #import-field-label { width: auto; padding: 1 1 0 0; }
    #import-field { width: 1fr; max-width: 32; }
    #import-actions Button { margin-left: 2; }
    #import-campaign, #import-source { width: 1fr; }
    #import-status { height: auto; padding: 0 1; }
    #import-status.-problem { color: $text-error; }
    #import-rate { height: 1; color: $text-muted; padding: 0 1; }
    """

    def __init__(self) -> None:
        super().__init__()
        self.preview: FilePreview | None = None
        self.mapping: dict[str, str | None] = {}
        self.running = False
        self._stop = threading.Event()

    def compose(self) -> ComposeResult:
        yield Header()
        with Horizontal(id="import-body"):
            yield CsvTree(Path.cwd(), id="import-files")
            with Vertical(id="import-main"):
                yield Input(placeholder="Path of a CSV file, then Enter", id="import-path")
                yield DataTable(id="import-columns", cursor_type="row", zebra_stripes=True)
                with Horizontal(id="import-field-row"):
                    yield Static("Feed the column to", id="import-field-label")
                    yield Select(
                        [(IGNORE, IGNORE), *FIELD_CHOICES], allow_blank=False, id="import-field"
                    )
                with Horizontal(id="import-options"):
                    yield Input(placeholder="Campaign (optional)", id="import-campaign")
                    yield Input(placeholder="Lead source (optional)", id="import-source")
                with Horizontal(id="import-actions"):
                    yield Tick("Dry run", id="import-dry-run")
                    yield Button("Import", variant="primary", id="import-start")
                yield ProgressBar(id="import-progress", show_eta=True)
                yield Static(id="import-rate", markup=False)
                yield Static("Pick a file on the left, or type its path.", id="import-status")
        yield Footer()

    def on_mount(self) -> None:
        self.title = "Import leads"
        self.query_one("#import-columns", DataTable).border_title = "Columns"
        self.query_one("#import-progress").display = False
        self.query_one("#import-path", Input).focus()

    # Choosing and mapping ------------------------------------------------------------------
    @on(DirectoryTree.FileSelected)
    def _file_picked(self, event: DirectoryTree.FileSelected) -> None:
        self.query_one("#import-path", Input).value = str(event.path)
        self.mapping = {}
        self.load_preview(event.path)

    @on(Input.Submitted, "#import-path")
    def _path_typed(self, event: Input.Submitted) -> None:
        self.mapping = {}
        self.load_preview(Path(event.value.strip()).expanduser())

    def load_preview(self, path: Path) -> None:
        def read() -> FilePreview:
            return preview_file(path, mapping=self.mapping, rows=PREVIEW_ROWS)

        in_thread(self, read, self._show_preview, group="import-preview", on_error=self._unreadable)

    def _unreadable(self, error: Exception) -> None:
        self._say(str(error), problem=True)

    def _show_preview(self, preview: FilePreview) -> None:
        self.preview = preview
        table = self.query_one("#import-columns", DataTable)
        cursor = table.cursor_row
        table.clear(columns=True)
        table.add_column("Column", key="column", width=24)
        table.add_column("Field", key="field", width=18)
        for n in range(len(preview.rows)):
            table.add_column(f"Row {n + 1}", key=f"row{n}", width=24)
        for index, name in enumerate(preview.header):
            samples = [safe_text(row[index] if index < len(row) else "") for row in preview.rows]
            field = preview.label(index)
            shown = Text(field) if field else Text(IGNORE, style="dim")
            table.add_row(safe_text(name), shown, *samples, key=str(index))
        if preview.header:
            table.move_cursor(row=min(cursor, len(preview.header) - 1))
        form = "tab" if preview.delimiter == "\t" else preview.delimiter
        facts = f"{clean(preview.path)}: {preview.encoding}, delimiter {form!r}"
        if preview.problem:
            self._say(f"{facts}. {preview.problem}", problem=True)
        else:
            self._say(f"{facts}. Check the fields, then press Import (ctrl+r).")

    @on(DataTable.RowHighlighted, "#import-columns")
    def _column_highlighted(self, event: DataTable.RowHighlighted) -> None:
        if self.preview is None or event.row_key.value is None:
            return
        field = self.preview.fields[int(event.row_key.value)]
        with self.prevent(Select.Changed):
            self.query_one("#import-field", Select).value = field or IGNORE

    @on(Select.Changed, "#import-field")
    def _field_chosen(self, event: Select.Changed) -> None:
        table = self.query_one("#import-columns", DataTable)
        if self.preview is None or not self.preview.header:
            return
        column = self.preview.header[table.cursor_row]
        self.mapping[column] = None if event.value == IGNORE else str(event.value)
        self.load_preview(Path(self.preview.path))

    # Running -------------------------------------------------------------------------------
    @on(Button.Pressed, "#import-start")
    def action_start(self) -> None:
        if self.running:
            self.notify("An import is already running.", markup=False)
            return
        if self.preview is None or self.preview.problem:
            problem = self.preview.problem if self.preview else "Pick a file first."
            self.notify(problem or "", severity="warning", markup=False)
            return
        self.running = True
        self._stop.clear()
        bar = self.query_one("#import-progress", ProgressBar)
        bar.update(total=None, progress=0)
        bar.display = True
        self._say("Importing…")
        self.run_import(
            Path(self.preview.path),
            dict(self.mapping),
            self.query_one("#import-campaign", Input).value.strip() or None,
            self.query_one("#import-source", Input).value.strip() or None,
            self.query_one("#import-dry-run", Checkbox).value,
        )

    def action_stop(self) -> None:
        if self.running:
            self._stop.set()
            self._say("Stopping after this batch…")

    def action_back(self) -> None:
        if self.running:
            # A screen that is popped is removed, and its worker with it, unless installed:
            # one pushed as it is gets installed now, for `show_import_screen` to find.
            if not self.app.is_screen_installed(self):
                free = not self.app.is_screen_installed(SCREEN_NAME)
                self.app.install_screen(self, SCREEN_NAME if free else f"{SCREEN_NAME}-{id(self)}")
            self.notify("The import goes on; you will be told when it ends.", markup=False)
        self.app.pop_screen()

    def run_import(self, path: Path, mapping, campaign, source, dry_run: bool) -> None:
        show_progress = ui_callback(self, self._progress)

        def run() -> str:
            from workstation.store.imports.leads import import_leads

            started = time.perf_counter()

            def progress(done: int, total: int) -> None:
                show_progress(done, total, done / max(time.perf_counter() - started, 1e-6))

            store = store_of(self)
            summary = import_leads(
                store.engine,
                path,
                campaign=campaign,
                source=source,
                mapping=mapping,
                dry_run=dry_run,
                acting_rep_id=store.rep.id,
                progress=progress,
                should_stop=self._stop.is_set,
                clock=store.clock,
            )
            verb = "Checked" if summary.dry_run else "Imported"
            message = (
                f"{verb} {summary.rows:,} rows: {summary.created:,} created, "
                f"{summary.updated:,} updated, {summary.unchanged:,} unchanged, "
                f"{summary.rejected:,} rejected (see {summary.errors_path})."
            )
            if summary.kept_without_bad_values:
                message += (
                    f" {summary.kept_without_bad_values:,} kept without a value "
                    "that could not be read (listed there too)."
                )
            if summary.notes:
                message += " " + " ".join(summary.notes)
            if summary.cancelled:
                message += " Stopped early: import the file again to finish."
            return message

        in_thread(self, run, self._finished, group="import-run", on_error=self._failed)

    def _progress(self, done: int, total: int, rate: float) -> None:
        self.query_one("#import-progress", ProgressBar).update(total=total, progress=done)
        self.query_one("#import-rate", Static).update(
            f"{done:,} of ~{total:,} rows · {rate:,.0f} rows/s"
        )

    def _finished(self, message: str) -> None:
        self.running = False
        self._say(message)
        self.app.notify(message, title="Import", markup=False)

    def _failed(self, error: Exception) -> None:
        """Said on the screen's status line, and told wherever the rep is by then."""
        self.running = False
        self._say(str(error), problem=True)
        show_store_error(self, error, title="Import")

    def _say(self, message: str, *, problem: bool = False) -> None:
        status = self.query_one("#import-status", Static)
        status.set_class(problem, "-problem")
        status.update(Text(clean(message)))
