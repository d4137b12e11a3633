"""The queue screen, where a rep spends the day: the queues with live counts, one page of
the chosen queue, the card of the record being worked, and one key per call outcome.

n opens the next callable record of the queue on screen (My Leads: a due callback first,
then the best lead, then a claim from the pool); a digit logs the call with that
disposition (and any notes typed after m), then opens the next record of that same queue,
unless the call qualified the lead (c converts it); a
do-not-call person takes a call only after a y; u undoes the last call; e edits the
record. A call is timed from its card (or from t, which dials the card's number through
the rep's dialler; y copies it) to the outcome key (the clock runs on the card's border)
and stored with it; d corrects the last call's duration. f saves a filter as a queue of
its own (A archives it), and a callback that falls due is announced as it does. Store
work runs in thread workers (`workstation.work`), so no key waits on the database.
"""

from __future__ import annotations

from dataclasses import dataclass, replace
from datetime import datetime
from functools import partial
from typing import TYPE_CHECKING, Any

from rich.text import Text
from textual import on
from textual.app import ComposeResult
from textual.binding import Binding
from textual.containers import Horizontal, Vertical
from textual.screen import Screen
from textual.widgets import Footer, Header, Input, OptionList, Static

from workstation.display import ago
from workstation.handle import store_of
from workstation.screens.callback_reminders import CallbackReminders
from workstation.screens.queue_filters import SavedQueues
from workstation.screens.queue_refresh import QueueRefresher
from workstation.store.rows import PAGE_SIZE, QUEUE_INFO, Page, QueueInfo, QueueRow
from workstation.store.values.durations import format_duration
from workstation.widgets.queue_list import QueueBar, QueueList
from workstation.widgets.queue_table import QueueTable
from workstation.widgets.record_card import LOADING, RecordCard
from workstation.widgets.script_panel import ScriptPanel
from workstation.widgets.skipped_line import SkippedLine
from workstation.work import in_thread, show_store_error

if TYPE_CHECKING:
    from workstation.store.calling.card import Card
    from workstation.store.calling.dispositions import CallLogged, DispositionKey
    from workstation.store.calling.next_lead import NextLead
    from workstation.store.calling.undo import CallUndone

__all__ = ["PAGE_SIZE", "QueueScreen"]
# Footer labels for the seeded dispositions; the action looks the real row up by hotkey.
DISPOSITION_LABELS = (
    "Qualified",
    "No int.",
    "Callback",
    "Voicemail",
    "No ans.",
    "Busy",
    "Bad data",
    "DNC",
)
WHY = {
    "my-leads": "in your queue: score {score}, assigned {assigned}",
    "callbacks": "callback {callback}",
    "callbacks-upcoming": "callback {callback}",
    "pool": "unassigned: anyone may claim it (n claims the best)",
    "contacts": "your contact, and the account has no open opportunity",
    "nurture": "recycled to nurture",
    "contacted": "spoken to in the last 30 days",
}
SOURCES = {
    "callback": "callback due",
    "pool": "claimed from the pool for you (30-minute lease)",
}


@dataclass(frozen=True, slots=True)
class _Call:
    """A call as the rep logs it: what the keys gave, and what the dialogs added."""

    card: Card
    hotkey: str
    notes: str
    answers: dict
    qualified_by_script: bool  # this call's script answers met the qualification rule
    duration_seconds: int | None = None  # from the card shown to the outcome key
    callback_at: datetime | None = None
    confirmed: bool = False  # the rep confirmed calling a do-not-call person


def _source_text(result: NextLead, title: str) -> str:
    """Why `n` opened this record (from the queue `title`), for the card."""
    if result.source in SOURCES:
        return SOURCES[result.source]
    if result.queue == "my-leads":
        return "next in your queue"
    return f"next in {title}"


class QueueScreen(Screen):
    KEYS_TITLE = "The queue"
    BINDINGS = [
        # First, so the footer shows it at any width: the footer cannot show every key.
        Binding("question_mark", "app.show_keys", "Keys", id="queue.keys"),
        Binding("n", "next_lead", "Next", id="queue.next_lead"),
        *(Binding(str(n), f"disposition('{n}')", label, id=f"queue.disposition_{n}")
          for n, label in enumerate(DISPOSITION_LABELS, start=1)),
        Binding("u", "undo", "Undo", id="queue.undo"),
        Binding("e", "edit", "Edit", id="queue.edit"),
        Binding("d", "correct_duration", "Correct the last call's duration",
                id="queue.duration", show=False),
        Binding("c", "convert", "Convert", id="queue.convert"),
        Binding("x", "reject", "Reject", id="queue.reject"),
        Binding("l", "stage", "Lifecycle stage", id="queue.stage", show=False),
        Binding("a", "assign", "Assign", id="queue.assign", show=False),
        Binding("U", "app.open_untouched", "Untouched leads (managers)", id="app.untouched",
                show=False),
        Binding("F", "app.open_funnel", "Funnel (managers)", id="app.funnel", show=False),
        Binding("S", "app.open_scripts", "Call scripts", id="app.scripts", show=False),
        Binding("M", "app.open_campaigns", "Campaigns (managers)", id="app.campaigns",
                show=False),
        Binding("N", "app.open_names", "Names (marketing, managers)", id="app.names",
                show=False),
        Binding("I", "app.open_import", "Import a CSV file", id="app.import", show=False),
        Binding("space", "mark", "Mark", id="queue.mark", show=False),
        Binding("C", "convert_marked", "Convert marked", id="queue.convert_marked", show=False),
        Binding("o", "open_converted", "Open what a converted lead became",
                id="queue.open_converted", show=False),
        Binding("p", "open_page", "Record page", id="queue.open_page", show=False),
        Binding("P", "opportunities", "Opportunities (move)",
                id="queue.opportunities", show=False),
        Binding("O", "new_opportunity", "New opportunity",
                id="queue.new_opportunity", show=False),
        Binding("L", "new_lead", "New lead (typed in)", id="queue.new_lead", show=False),
        Binding("s", "script", "Script", id="queue.script"),
        Binding("h", "card", "Card", id="queue.card"),
        Binding("k", "skipped", "Skipped leads", id="queue.skipped", show=False),
        Binding("m", "notes", "Notes", id="queue.notes", show=False),
        Binding("v", "cycle_queue", "Next queue", id="queue.cycle", show=False),
        Binding("right_square_bracket", "next_page", "Next page", id="queue.next_page",
                show=False),
        Binding("left_square_bracket", "previous_page", "Previous page",
                id="queue.previous_page", show=False),
        Binding("r", "refresh", "Refresh", id="queue.refresh", show=False),
        Binding("t", "dial", "Dial the phone", id="queue.dial", show=False),
        Binding("y", "copy_phone", "Copy the phone number", id="queue.copy_phone", show=False),
        Binding("f", "new_filter", "New saved filter", id="queue.new_filter", show=False),
        Binding("A", "archive_filter", "Archive the saved filter on screen",
                id="queue.archive_filter", show=False),
    ]  # fmt: skip
    HORIZONTAL_BREAKPOINTS = [(0, "-narrow"), (110, "-wide")]
    VERTICAL_BREAKPOINTS = [(0, "-short"), (32, "-tall")]

    def __init__(self, queue_key: str = "my-leads") -> None:
        super().__init__()
        self.queue_key = queue_key
        self.card: Card | None = None
        self.dispositions: dict[str, DispositionKey] = {}
        # Starts of the pages before the current one, and of the current one.
        self._page_starts: list[tuple[Any, ...] | None] = []
        self._current_start: tuple[Any, ...] | None = None
        self._next_start: tuple[Any, ...] | None = None
        # The record whose script answers met the qualification rule on this call.
        self._qualified_by_script: tuple[str, int] | None = None
        # The record whose call is being timed, and since when (the store's clock).
        self._call_started: tuple[str, int, datetime] | None = None
        self.refresher = QueueRefresher(self)
        # The queues in the list: the built-in ones, then the rep's saved filters.
        self.queues: dict[str, QueueInfo] = dict(QUEUE_INFO)
        self.saved_queues = SavedQueues(self)
        self.reminders = CallbackReminders(self)
        self._been_away = False  # to another screen, since this one was shown

    def compose(self) -> ComposeResult:
        yield Header()
        with Horizontal(id="body"):
            yield QueueList(id="queues")
            with Vertical(id="main"):
                yield QueueBar(id="queue-bar")
                yield QueueTable(id="queue-table")
                yield Static(id="page-info", markup=False)
                yield SkippedLine(id="skipped")
                with Horizontal(id="record-row"):
                    yield RecordCard(id="card")
                    yield ScriptPanel(id="script")
                yield Input(
                    placeholder="m: notes for the call you log next (optional)",
                    id="notes",
                    compact=True,
                )
        yield Footer(compact=True)

    def on_mount(self) -> None:
        store = store_of(self)
        rep = store.rep
        self.sub_title = f"{rep.name} ({rep.role})"
        if rep.is_manager:
            self.query_one(QueueList).border_subtitle = "U untouched · F funnel"
        glance, store.glance = store.glance, None
        if glance is not None and self.queue_key == "my-leads":
            # The first frame comes from the glance; the rest once the store is loaded.
            self.queue_key = glance.queue_key
            self._show_page(glance.page, None)
            self.query_one(RecordCard).show_loading()
            self.query_one(ScriptPanel).clear(LOADING)
            self._finish_start()
        else:
            self.dispositions = self._read_dispositions()
            self.saved_queues.load()
            self.reminders.start()
            self.show_queue(self.queue_key)
            if not self.query_one(QueueTable).row_count and self.queue_key == "my-leads":
                # A rep (or a manager) who holds nothing starts on the pool, where n claims.
                self.show_queue("pool")
        self.query_one(QueueList).highlighted = list(self.queues).index(self.queue_key)
        self.query_one(QueueTable).focus()
        # Once a second, the card's border only (no layout, nothing else repainted), and
        # the clock against the next callback's time.
        self.set_interval(1, self._each_second)
        self.refresher.start()

    def on_screen_suspend(self) -> None:
        self._been_away = True

    def on_screen_resume(self) -> None:
        """Back from another screen (an import, a report, a dialog): counts and card anew."""
        if self._been_away:
            self.refresher.refresh()

    def why_shown(self) -> str:
        """Why the record on the card is there, as the card says."""
        return self.query_one(RecordCard).why

    def _read_dispositions(self) -> dict:
        from workstation.store.calling.dispositions import disposition_keys

        with store_of(self).open_session() as session:
            return disposition_keys(session)

    def _finish_start(self) -> None:
        """After a glance start: what the first frame left out, once the store is there.
        Should the store not load, the app is ending, and says why: nothing more to say."""
        in_thread(
            self, self._read_dispositions, self._started, group="start", on_error=lambda _: None
        )

    def _started(self, dispositions: dict) -> None:
        self.dispositions = dispositions
        self.saved_queues.load()  # and then the counts
        self.reminders.start()
        table = self.query_one(QueueTable)
        if table.row_count and self.card is None:
            first = table.row(0)
            self.show_record(first.kind, first.id, self._why(first))
        elif self.card is None:
            self.query_one(RecordCard).show(None)
            self.query_one(ScriptPanel).clear()

    # Loading -----------------------------------------------------------------------------
    def show_queue(self, key: str) -> None:
        self.queue_key = key
        self.query_one(SkippedLine).clear()  # what n skipped was another queue's
        self._page_starts.clear()
        self._load_page(None)
        self.load_counts()
        table = self.query_one(QueueTable)
        if table.row_count:
            first = table.row(0)
            self.show_record(first.kind, first.id, self._why(first))

    def _load_page(
        self, start: tuple[Any, ...] | None, *, at_end: bool = False, keep_cursor: bool = False
    ) -> None:
        from workstation.store.calling.queues import queue_page

        store = store_of(self)
        with store.open_session() as session:
            page = queue_page(
                session,
                self.queue_key,
                rep_id=store.rep.id,
                after=start,
                limit=PAGE_SIZE,
                now=store.clock(),
            )
        self._show_page(page, start, at_end=at_end, keep_cursor=keep_cursor)

    def _show_page(
        self,
        page: Page,
        start: tuple[Any, ...] | None,
        *,
        at_end: bool = False,
        keep_cursor: bool = False,
    ) -> None:
        table = self.query_one(QueueTable)
        cursor_row = table.cursor_row
        self._current_start = start
        self._next_start = page.next_after
        table.show_page(page, now=store_of(self).clock(), at_end=at_end)
        if keep_cursor and page.rows:
            table.move_cursor(min(cursor_row, len(page.rows) - 1))
        queue = self.queues[self.queue_key]
        table.border_title = Text(queue.title)  # a saved filter's name is the rep's: no markup
        self.query_one(QueueBar).show_current(self.queue_key)
        number = len(self._page_starts) + 1
        more = "  ] next page" if page.next_after else ""
        back = "  [ previous" if self._page_starts else ""
        info = f"page {number} · {len(page.rows)} rows{more}{back} — {queue.description}"
        self.query_one("#page-info", Static).update(
            Text(info if page.rows else f"Nothing here. {queue.description}"),
            layout=False,  # one line high whatever it says (app.tcss): a repaint will do
        )

    def load_counts(self) -> None:
        keys = list(self.queues)
        in_thread(self, lambda: self.counts(keys), self.show_counts, group="counts")

    def counts(self, keys: list[str]) -> dict[str, int]:
        """The count of each queue of `keys` (read on the screen's thread: the queues
        may change meanwhile)."""
        from workstation.store.calling.queues import queue_count

        store = store_of(self)
        now = store.clock()
        with store.open_session() as session:
            rep_id = store.rep.id
            return {key: queue_count(session, key, rep_id=rep_id, now=now) for key in keys}

    def show_counts(self, counts: dict[str, int]) -> None:
        for queues in self.query(QueueList):  # none once the screen is gone
            queues.show_counts(counts)
        for bar in self.query(QueueBar):
            bar.show_counts(counts)

    def show_record(self, kind: str, record_id: int, why: str = "") -> None:
        from workstation.store.calling.card import record_card

        store = store_of(self)
        if self._qualified_by_script != (kind, record_id):
            self._qualified_by_script = None  # another record: its script starts afresh
        with store.open_session() as session:
            self.card = record_card(session, kind, record_id)
        started = self._call_started
        if started is None or started[:2] != (kind, record_id):
            self._call_started = (kind, record_id, store.clock())
        self.query_one(RecordCard).show(self.card, why)
        self._show_call_time()
        self.query_one(ScriptPanel).show(self.card, rep_name=store.rep.name)
        table = self.query_one(QueueTable)
        if self.queues[self.queue_key].kind == kind:
            row_index = table.row_index(record_id)
            if row_index is not None:
                table.move_cursor(row_index)

    @property
    def holds_keys(self) -> bool:
        """While a call is being logged, undone, or the next record found, keys wait
        (`KeysInOrder`): the next outcome key then logs on the next card, never a second
        call on this one."""
        return any(
            worker.node is self and worker.group == "call" and not worker.is_finished
            for worker in self.workers
        )

    def _call_seconds(self) -> int | None:
        """How long the call on the card has lasted, from its card to now."""
        card, started = self.card, self._call_started
        if card is None or started is None or started[:2] != (card.kind, card.id):
            return None
        return max(0, int((store_of(self).clock() - started[2]).total_seconds()))

    def _each_second(self) -> None:
        self._show_call_time()
        self.reminders.tick()

    def _show_call_time(self) -> None:
        seconds = self._call_seconds()
        live = seconds is not None and self.card is not None and not self.card.read_only
        for card in self.query(RecordCard):
            card.border_subtitle = f"☎ {format_duration(seconds)}" if live else ""

    def _why(self, row: QueueRow) -> str:
        now = store_of(self).clock()
        why = WHY.get(self.queue_key, "in your saved filter {title}")
        return why.format(
            title=self.queues[self.queue_key].title,
            score=row.score,
            assigned=ago(row.assigned_at, now) or "—",
            callback=ago(row.callback_at, now) or "—",
        )

    # Events ------------------------------------------------------------------------------
    @on(OptionList.OptionHighlighted, "#queues")
    def _queue_chosen(self, event: OptionList.OptionHighlighted) -> None:
        if event.option_index != self.query_one(QueueList).highlighted:
            return  # stale: the highlight moved on (the list's own first highlight, on mount)
        if event.option_id and event.option_id != self.queue_key:
            self.show_queue(event.option_id)

    @on(QueueTable.RowHighlighted)
    def _row_highlighted(self, event: QueueTable.RowHighlighted) -> None:
        row = event.row
        if self.card is None or (self.card.kind, self.card.id) != (row.kind, row.id):
            self.show_record(row.kind, row.id, self._why(row))

    @on(QueueTable.EdgeReached)
    def _edge(self, event: QueueTable.EdgeReached) -> None:
        if event.forward and self._next_start is not None:
            self.action_next_page()
        elif not event.forward and self._page_starts:
            self.action_previous_page()

    @on(Input.Submitted, "#notes")
    def _notes_done(self) -> None:
        self.query_one(QueueTable).focus()

    # Next lead ---------------------------------------------------------------------------
    def action_next_lead(self) -> None:
        self._claim_next()

    def _claim_next(self, *, after_call: bool = False) -> None:
        queue = self.queue_key  # the queue on screen now, whatever the rep opens meanwhile

        def claim() -> NextLead:
            from workstation.store.calling.next_lead import next_lead

            store = store_of(self)
            return next_lead(
                store.engine,
                rep_id=store.rep.id,
                queue=queue,
                now=store.clock(),
                attempt_cap=store.settings.attempt_cap,
                hours=store.settings.calling_hours,
            )

        in_thread(self, claim, partial(self._show_next, after_call=after_call), group="call")

    def _show_next(self, result: NextLead, *, after_call: bool) -> None:
        # Counted once the queues settle: after the call just logged, or a claim that moved
        # a lead from the pool to the rep's queue; a lead of one's own changes no count.
        if after_call or result.source == "pool":
            self.load_counts()
        self.query_one(SkippedLine).show_skips(result.skipped)
        if result.record_id is None:
            self.notify(result.message or "Nothing to call right now.", markup=False)
            return
        if result.source == "pool":  # the claim moved a lead out of the pool, into My Leads
            self._reload_keeping_place()
        title = self.queues[result.queue].title if result.queue in self.queues else "a filter"
        self.show_record(result.kind, result.record_id, _source_text(result, title))

    # Dispositions ------------------------------------------------------------------------
    def action_disposition(self, hotkey: str) -> None:
        card = self.card
        outcome = self.dispositions.get(hotkey)
        if card is None or outcome is None:
            self.notify("No record to log on: press n for the next lead.", markup=False)
            return
        if card.read_only:
            self.notify("This lead was converted and is read-only.", markup=False)
            return
        call = _Call(
            card,
            hotkey,
            notes=self.query_one("#notes", Input).value,
            answers=self.query_one(ScriptPanel).answers(),
            qualified_by_script=self._qualified_by_script == (card.kind, card.id),
            duration_seconds=self._call_seconds(),
        )
        if outcome.schedules_callback:
            from workstation.screens.callback import CallbackDialog

            def chosen(moment) -> None:
                if moment is not None:
                    self._log(replace(call, callback_at=moment))

            now = store_of(self).clock()
            self.app.push_screen(
                CallbackDialog(who=card.name, zone=card.time_zone, now=now), chosen
            )
            return
        if outcome.sets_do_not_call:  # never by a slip of the finger: it stops all calls
            from workstation.screens.confirm import ConfirmDialog

            def answered(yes: bool | None) -> None:
                if yes:
                    self._log(call)

            question = f"Mark {card.name} do-not-call? Nobody will call them again."
            self.app.push_screen(ConfirmDialog(question), answered)
            return
        self._log(call)

    def _log(self, call: _Call) -> None:
        def log() -> CallLogged:
            from workstation.store.calling.dispositions import log_call

            store = store_of(self)
            card = call.card
            target = {"lead_id": card.id} if card.kind == "lead" else {"contact_id": card.id}
            return log_call(
                store.engine,
                rep_id=store.rep.id,
                disposition=call.hotkey,
                notes=call.notes,
                callback_at=call.callback_at,
                now=store.clock(),
                answers=call.answers or None,
                duration_seconds=call.duration_seconds,
                confirm_do_not_call=call.confirmed,
                attempt_cap=store.settings.attempt_cap,
                **target,
            )

        refused = partial(self._refused, call)
        in_thread(self, log, partial(self._logged, call), group="call", on_error=refused)

    def _refused(self, call: _Call, error: Exception) -> None:
        """A do-not-call person takes the call only once the rep says so; any other
        refusal is said as it is."""
        from workstation.screens.confirm import ConfirmDialog
        from workstation.store.calling.dispositions import DoNotCallRefused

        if not isinstance(error, DoNotCallRefused):
            show_store_error(self, error)
            return

        def answered(yes: bool | None) -> None:
            if yes:
                self._log(replace(call, confirmed=True))

        question = f"{call.card.name} is do-not-call. Log this call anyway?"
        self.app.push_screen(ConfirmDialog(question), answered)

    def _logged(self, call: _Call, logged: CallLogged) -> None:
        card = call.card
        self._qualified_by_script = None
        self._call_started = None  # the next call is timed from its own card
        self.query_one(ScriptPanel).clear()  # these answers went with this call
        self.query_one("#notes", Input).value = ""
        self.reminders.look_ahead()  # the call may have set a callback
        message = f"Logged {logged.disposition} · {card.name}"
        if logged.recycled:
            message += " · recycled to Nurture"
        self._reload_keeping_place()
        if card.kind == "lead" and (logged.qualifies or call.qualified_by_script):
            # This call qualified the lead: stay on it, so converting it is one key away.
            # Any other outcome moves on, whatever an earlier call made of the lead.
            self.load_counts()
            self.notify(f"{message} · press c to convert", markup=False, timeout=6)
            self.show_record(card.kind, card.id, "qualified on this call")
            return
        self.notify(message, markup=False, timeout=3)
        self._claim_next(after_call=True)

    def action_undo(self) -> None:
        self._undo()

    def _undo(self) -> None:
        def undo() -> CallUndone:
            from workstation.store.calling.undo import undo_last_call

            store = store_of(self)
            return undo_last_call(store.engine, rep_id=store.rep.id, now=store.clock())

        # Nothing to undo is a warning: the rep is told, nothing went wrong.
        warn = partial(show_store_error, self, severity="warning")
        in_thread(self, undo, self._undone, group="call", on_error=warn)

    def _undone(self, undone: CallUndone) -> None:
        self.notify(f"Undid {undone.disposition}", markup=False, timeout=3)
        self._reload_keeping_place()
        self.load_counts()
        self.show_record(undone.record, undone.record_id, "the call you just undid")

    # Editing, notes, pages ---------------------------------------------------------------
    def action_edit(self) -> None:
        card = self.card
        if card is None:
            return
        if card.read_only:
            self.notify("This lead was converted and is read-only.", markup=False)
            return
        from workstation.screens.edit_record import EditRecordDialog
        from workstation.store.models import Contact, Lead

        with store_of(self).open_session() as session:
            record = session.get(Lead if card.kind == "lead" else Contact, card.id)
            values = record.model_dump() if record else {}

        def saved(changed: bool | None) -> None:
            if changed:
                self.notify("Saved.", timeout=2)
                self._reload_keeping_place()
            # Reload either way: after a refused stale save the card must show the other
            # rep's version, so the next edit starts from it.
            self.show_record(card.kind, card.id)

        self.app.push_screen(
            EditRecordDialog(
                kind=card.kind, record_id=card.id, version=card.version, values=values
            ),
            saved,
        )

    def action_correct_duration(self) -> None:
        """The rep's last call lasted as long as they say."""
        from workstation.screens.ask import AskDialog
        from workstation.store.values.durations import parse_duration

        def typed(seconds: int | None) -> None:
            if seconds is not None:
                self._correct_duration(seconds)

        hint = "1:05 (minutes:seconds), 95 (seconds) or 2m."
        self.app.push_screen(AskDialog("How long was your last call?", hint, parse_duration), typed)

    def _correct_duration(self, seconds: int) -> None:
        def correct():
            from workstation.store.calling.durations import set_call_duration

            store = store_of(self)
            return set_call_duration(
                store.engine, rep_id=store.rep.id, seconds=seconds, now=store.clock()
            )

        def corrected(done) -> None:
            self.notify(
                f"Your last call ({done.disposition}) lasted {format_duration(done.seconds)}.",
                markup=False,
                timeout=3,
            )
            card = self.card
            if card is not None and (card.kind, card.id) == (done.record, done.record_id):
                self.show_record(card.kind, card.id)  # its timeline shows the new duration

        in_thread(self, correct, corrected, group="duration")

    # Conversion and rejection ---------------------------------------------------------
    def action_convert(self) -> None:
        card = self.card
        if card is None or card.kind != "lead":
            self.notify("Only a lead can be converted: pick one first.", markup=False)
            return
        if card.read_only:
            self.notify("This lead is converted already.", markup=False)
            return
        from workstation.screens.convert_wizard import ConvertWizard

        def converted(result) -> None:
            if result is not None:
                self.notify(
                    f"Converted {card.name} · o opens its account, contact and opportunity",
                    markup=False,
                    timeout=6,
                )
                self._reload_keeping_place()
                self.load_counts()
                self.show_record(card.kind, card.id, "converted just now")

        self.app.push_screen(ConvertWizard(card.id), converted)

    def action_open_converted(self) -> None:
        card = self.card
        if card is None or card.kind != "lead" or not card.read_only:
            self.notify("Only a converted lead has records to open.", markup=False)
            return
        from workstation.screens.converted_records import ConvertedRecordsScreen

        self.app.push_screen(ConvertedRecordsScreen(card.id, card.name))

    def action_opportunities(self) -> None:
        """The opportunities around the record on the card, to move, close or reject."""
        card = self.card
        if card is None:
            return
        from workstation.screens.opportunities import OpportunitiesScreen

        screen = OpportunitiesScreen(kind=card.kind, record_id=card.id, name=card.name)

        def closed(_: None) -> None:
            if screen.changed:
                self._reload_keeping_place()
                self.load_counts()
                self.show_record(card.kind, card.id, self.why_shown())

        self.app.push_screen(screen, closed)

    def action_new_opportunity(self) -> None:
        """A new opportunity for the contact on the card, or the marked contacts."""
        card, table = self.card, self.query_one(QueueTable)
        if card is None or card.kind != "contact":
            self.notify("A new opportunity is for a contact: pick one first.", markup=False)
            return
        from workstation.screens.new_opportunity import NewOpportunityDialog

        names = {table.row(i).id: table.row(i).name for i in range(table.row_count)}
        marked = sorted(table.marked) if QUEUE_INFO[self.queue_key].kind == "contact" else []
        ids = sorted(marked, key=lambda i: i != card.id) if marked else [card.id]  # card first
        contacts = [(i, card.name if i == card.id else names.get(i, f"contact {i}")) for i in ids]

        def opened(result) -> None:
            if result is not None:
                table.marked.clear()
                self.notify(f"Opportunity {result.id} opened · P moves it", markup=False, timeout=6)
                self._reload_keeping_place()
                self.load_counts()
                self.show_record(card.kind, card.id, "has an opportunity now")

        self.app.push_screen(NewOpportunityDialog(contacts), opened)

    def action_new_lead(self) -> None:
        """A lead the rep types in, taken in as an import's row (`NewLeadDialog`)."""
        from workstation.screens.new_lead import NewLeadDialog
        from workstation.store.imports.entry import entered_line

        def entered(result) -> None:
            if result is not None:
                self.notify(entered_line(result), markup=False, timeout=8)
                self._reload_keeping_place()
                self.load_counts()

        self.app.push_screen(NewLeadDialog(), entered)

    def action_open_page(self) -> None:
        """The page of the record on the card: every field, its whole timeline, its
        campaigns and related records."""
        from workstation.screens.record_page import open_record_page

        card = self.card
        if card is None:
            self.notify("Pick a record first.", markup=False)
            return
        open_record_page(self.app, card.kind, card.id)

    def action_convert_marked(self) -> None:
        from workstation.screens.bulk_convert import BulkConvertScreen

        table = self.query_one(QueueTable)
        marked = sorted(table.marked) or ([self.card.id] if self.card else [])
        if self.queues[self.queue_key].kind != "lead" or not marked:
            self.notify("Mark leads with Space first (in a lead queue).", markup=False)
            return

        def done(summary) -> None:
            table.marked.clear()
            self._reload_keeping_place()
            self.load_counts()
            card = self.card
            converted = {result.lead_id for result in summary.converted} if summary else set()
            if card and card.kind == "lead" and card.id in converted:
                self.show_record("lead", card.id, "converted just now")  # read-only now

        self.app.push_screen(BulkConvertScreen(marked), done)

    def action_assign(self) -> None:
        """A manager gives the marked leads (or the current one) to a rep of their choice."""
        from workstation.screens.pick_rep import PickRepDialog

        if not store_of(self).rep.is_manager:
            self.notify("Only a manager assigns leads to other reps.", markup=False)
            return
        table = self.query_one(QueueTable)
        card = self.card
        lead_ids = sorted(table.marked) or ([card.id] if card and card.kind == "lead" else [])
        if self.queues[self.queue_key].kind != "lead" or not lead_ids:
            self.notify("Pick or mark (Space) the leads to assign first.", markup=False)
            return

        def chosen(rep_id: int | None) -> None:
            if rep_id is not None:
                self._assign(lead_ids, rep_id)

        self.app.push_screen(PickRepDialog(leads=len(lead_ids)), chosen)

    def _assign(self, lead_ids: list[int], rep_id: int) -> None:
        def assign() -> str:
            from workstation.store.team.assign import reassign

            store = store_of(self)
            summary = reassign(
                store.engine,
                lead_ids,
                acting_rep_id=store.rep.id,
                to_rep_id=rep_id,
                at=store.clock(),
            )
            name = summary.rep_names.get(rep_id, "the rep")
            return f"{len(summary.moved)} lead(s) to {name}"

        in_thread(self, assign, self._assigned, group="call")

    def _assigned(self, message: str) -> None:
        self.query_one(QueueTable).marked.clear()
        self.notify(f"Assigned {message}.", markup=False)
        self._reload_keeping_place()
        self.load_counts()
        if self.card is not None:  # its owner has changed: the card and script say so
            self.show_record(self.card.kind, self.card.id, self.why_shown())

    def action_mark(self) -> None:
        self.query_one(QueueTable).toggle_mark()

    def action_reject(self) -> None:
        card = self.card
        if card is None or card.read_only:
            self.notify("Pick a lead or contact that is not converted.", markup=False)
            return
        from workstation.screens.reject_dialog import RejectDialog

        def rejected(result) -> None:
            if result is not None:
                self.notify(
                    f"Rejected {card.name}: out of the sales queues, kept for marketing.",
                    markup=False,
                )
                self._reload_keeping_place()
                self.load_counts()
                self.show_record(card.kind, card.id, "rejected by sales")

        self.app.push_screen(
            RejectDialog(record_id=card.id, name=card.name, kind=card.kind), rejected
        )

    def action_stage(self) -> None:
        """Move the card's person along the lifecycle (accept, qualify, send back)."""
        card = self.card
        if card is None or card.read_only:
            self.notify("Pick a lead or contact that is not converted.", markup=False)
            return
        from workstation.screens.stage_dialog import StageDialog

        def moved(result) -> None:
            if result is not None:
                self.notify(f"{card.name}: {result.old_stage} → {result.new_stage}.", markup=False)
                self._reload_keeping_place()
                self.load_counts()
                self.show_record(card.kind, card.id, "lifecycle stage moved")

        dialog = StageDialog(
            record_id=card.id, name=card.name, stage=card.lifecycle_stage, kind=card.kind
        )
        self.app.push_screen(dialog, moved)

    def action_skipped(self) -> None:
        """Every lead the last n passed over, with its reason."""
        from workstation.screens.skipped import SkippedScreen

        skips = self.query_one(SkippedLine).skips
        if not skips:
            self.notify("n skipped nothing the last time.", markup=False)
            return
        self.app.push_screen(SkippedScreen(skips))

    def action_card(self) -> None:
        """The card takes the arrows and page keys, to scroll the whole record."""
        self.query_one(RecordCard).focus()

    def action_script(self) -> None:
        self.query_one(ScriptPanel).start_answering()

    @on(ScriptPanel.Qualified)
    def _script_qualified(self, event: ScriptPanel.Qualified) -> None:
        # This call's answers qualify the record: the call logged next keeps its card.
        self._qualified_by_script = (event.record_kind, event.record_id)
        if event.record_kind == "lead":
            self.notify(
                "The answers meet the script's qualification rule: press 1 to log the "
                "call as Qualified, then c to convert.",
                markup=False,
                timeout=8,
            )

    def action_notes(self) -> None:
        self.query_one("#notes", Input).focus()

    def action_cycle_queue(self) -> None:
        keys = list(self.queues)
        self.action_show_queue(keys[(keys.index(self.queue_key) + 1) % len(keys)])

    def _reload_keeping_place(self) -> None:
        self._load_page(self._current_start, keep_cursor=True)

    def action_next_page(self) -> None:
        if self._next_start is None:
            self.notify("This is the last page.")
            return
        self._page_starts.append(self._current_start)
        self._load_page(self._next_start)

    def action_previous_page(self) -> None:
        if not self._page_starts:
            self.notify("This is the first page.")
            return
        self._load_page(self._page_starts.pop(), at_end=True)

    def action_refresh(self) -> None:
        self._reload_keeping_place()
        self.load_counts()

    # Dialling ----------------------------------------------------------------------------
    def _number(self) -> str | None:
        """The card's number as a dialler takes it; None (and the rep told) when none."""
        from workstation.dialling import dialable

        card = self.card
        number = dialable(card.phone) if card else None
        if number is None:
            self.notify("No phone number on this card.", markup=False)
        return number

    def action_dial(self) -> None:
        """Dial the card's number with the rep's dialler; the call is timed from here."""
        from workstation.dialling import DialRefused, dial

        card, number = self.card, self._number()
        if card is None or number is None:
            return
        if ("Do not call", "yes") in card.fields:
            self.notify(f"{card.name} is do-not-call: not dialled.", markup=False)
            return
        try:
            dial(store_of(self).settings.dial_command, number)
        except DialRefused as error:
            self.notify(str(error), markup=False, severity="warning", timeout=8)
            return
        self._call_started = (card.kind, card.id, store_of(self).clock())
        self._show_call_time()
        self.notify(f"Dialling {number}", markup=False, timeout=3)

    def action_copy_phone(self) -> None:
        number = self._number()
        if number is not None:
            self.app.copy_to_clipboard(number)
            self.notify(f"Copied {number}", markup=False, timeout=3)

    def action_new_filter(self) -> None:
        self.saved_queues.open_editor()

    def action_archive_filter(self) -> None:
        self.saved_queues.archive_shown()

    def action_show_queue(self, key: str) -> None:
        self.query_one(QueueList).highlighted = list(self.queues).index(key)
        self.show_queue(key)
