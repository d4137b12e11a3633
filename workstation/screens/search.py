"""The search screen (`/`): type a fragment of a name, company, email or phone and the
leads, contacts, accounts and opportunities it finds show as you type, each saying what
it is and which field matched; ↓ goes to the results, Enter opens the highlighted one's
page (from the box, the first). Esc goes back."""

from __future__ import annotations

from rich.text import Text
from textual import work
from textual.app import ComposeResult
from textual.binding import Binding
from textual.screen import Screen
from textual.widgets import Footer, Input, OptionList, Static
from textual.widgets.option_list import Option

from workstation.handle import store_of
from workstation.screens.record_page import TITLES, open_record_page
from workstation.store.search.find import SearchHit
from workstation.widgets.safe_text import safe_text

RESULTS = 30


def hit_line(hit: SearchHit) -> Text:
    """What it is, its name and why it matched."""
    return Text.assemble(
        Text(f"{TITLES[hit.kind]:<12}", style="bold"),
        safe_text(hit.name),
        Text(f"  {hit.why}", style="italic"),
    )


def hit_prompt(hit: SearchHit) -> Text:
    """`hit_line`, and under it what tells the record apart (cut with "…" to the width
    by the results' styles, `text-wrap: nowrap` in app.tcss: the OptionList turns a Rich
    Text into Content, which keeps no `no_wrap` of its own)."""
    prompt = hit_line(hit)
    if hit.detail:
        prompt.append("\n" + " " * 12)
        prompt.append(safe_text(hit.detail, style="dim"))
    return prompt


class SearchScreen(Screen[None]):
    KEYS_TITLE = "Search"
    BINDINGS = [
        Binding("escape", "back", "Back", id="search.back"),
        Binding("down", "results", "Results", id="search.results", show=False),
    ]

    def __init__(self, text: str = "") -> None:
        super().__init__()
        self.initial = text
        self.shown_for: str | None = None

    def compose(self) -> ComposeResult:
        yield Input(
            self.initial,
            placeholder="Name, company, email or phone (any format)",
            id="search-input",
        )
        yield Static(id="search-status")
        yield OptionList(id="search-results")
        yield Footer(compact=True)

    def on_mount(self) -> None:
        box = self.query_one("#search-input")
        box.border_title = "Search leads, contacts, accounts and opportunities"
        self.query_one("#search-input").focus()
        self._status("Type at least two letters or three digits.")
        if self.initial:
            self.find(self.initial)

    def on_input_changed(self, event: Input.Changed) -> None:
        event.stop()
        self.find(event.value)

    @work(thread=True, exclusive=True, group="search")
    def find(self, text: str) -> None:
        from workstation.store.search.find import search

        hits: list[SearchHit] = []
        if len(text.strip()) >= 2:
            with store_of(self).open_session() as session:
                hits = search(session, text, limit=RESULTS)
        self.app.call_from_thread(self.show, text, hits)

    def show(self, text: str, hits: list[SearchHit]) -> None:
        if text != self.query_one("#search-input", Input).value:
            return  # typed on since: the newer search shows its own
        self.shown_for = text
        results = self.query_one("#search-results", OptionList)
        results.clear_options()
        results.add_options([Option(hit_prompt(hit), id=f"{hit.kind}:{hit.id}") for hit in hits])
        if hits:
            results.highlighted = 0
            more = f" (the first {RESULTS})" if len(hits) == RESULTS else ""
            self._status(f"{len(hits)} found{more} · Enter opens")
        elif len(text.strip()) >= 2:
            self._status("Nothing found.")
        else:
            self._status("Type at least two letters or three digits.")

    def _status(self, message: str) -> None:
        self.query_one("#search-status", Static).update(Text(message, style="italic"))

    def on_input_submitted(self, event: Input.Submitted) -> None:
        event.stop()
        results = self.query_one("#search-results", OptionList)
        if results.option_count and results.highlighted is not None:
            self._open(results.get_option_at_index(results.highlighted).id)

    def on_option_list_option_selected(self, event: OptionList.OptionSelected) -> None:
        event.stop()
        self._open(event.option.id)

    def _open(self, option_id: str | None) -> None:
        kind, _, record_id = (option_id or "").partition(":")
        open_record_page(self.app, kind, int(record_id))

    def action_results(self) -> None:
        results = self.query_one("#search-results", OptionList)
        if results.option_count:
            results.focus()

    def action_back(self) -> None:
        self.dismiss(None)
