"""A record's own page: a lead, contact, account or opportunity with every field, its
campaigns, the timeline of its calls (notes, script answers, duration), emails and history,
and its related records, each opened with ↑↓ and Enter (a page over this one). An
account's timeline gathers the activity of its contacts and of the leads at its domain.
Esc goes back; Tab moves between the related records, the fields and the timeline. On an
opportunity's page `R` sets its contact roles (`ContactRolesDialog`); on a contact's, `f`
marks it a reference or logs a use of it (`ReferenceDialog`)."""

from __future__ import annotations

from rich.console import Group
from rich.table import Table
from rich.text import Text
from textual import work
from textual.app import App, ComposeResult
from textual.binding import Binding
from textual.containers import VerticalScroll
from textual.screen import Screen
from textual.widgets import Footer, OptionList, Static
from textual.widgets.option_list import Option

from workstation.handle import store_of
from workstation.store.calling.card import TimelineEntry
from workstation.store.records.page import RecordPage, RelatedRecord
from workstation.widgets.safe_text import safe_text

# Narrower than this, the fields and the timeline are one above the other.
SIDE_BY_SIDE = 110
TITLES = {"lead": "Lead", "contact": "Contact", "account": "Account", "opportunity": "Opportunity"}


def fields_table(page: RecordPage) -> Group:
    grid = Table.grid(padding=(0, 2))
    grid.add_column(style="bold", no_wrap=True)
    grid.add_column(overflow="fold")
    for label, value in page.fields:
        grid.add_row(Text(label), safe_text(value or "—"))
    parts: list = [grid]
    if page.campaigns:
        parts.append(Text("\nCampaigns", style="bold underline"))
        for member in page.campaigns:
            line = safe_text(member.campaign)
            line.append(f" · {member.status}{' · responded' if member.responded else ''}")
            parts.append(line)
    return Group(*parts)


def timeline_table(entries: list[TimelineEntry], empty: str) -> Table | Text:
    if not entries:
        return Text(empty, style="italic")
    grid = Table.grid(padding=(0, 1))
    grid.add_column(no_wrap=True, style="dim")
    grid.add_column(overflow="fold")
    for entry in entries:
        what = safe_text(entry.summary, style="bold" if entry.kind == "call" else "")
        what = Text.assemble(Text(f"{entry.kind} ", style="italic"), what)
        if entry.who:
            what.append(" · ")
            what.append(safe_text(entry.who, style="dim"))
        grid.add_row(Text(f"{entry.at:%Y-%m-%d %H:%M}"), what)
        if entry.detail:
            grid.add_row(Text(""), safe_text(entry.detail, style="dim"))
    return grid


def related_option(record: RelatedRecord) -> Option:
    prompt = Text.assemble(
        Text(f"{TITLES[record.kind]:<12}", style="bold"),
        safe_text(record.name),
        Text("  "),
        safe_text(record.why, style="dim"),
    )
    prompt.no_wrap, prompt.overflow = True, "ellipsis"
    return Option(prompt, id=f"{record.kind}:{record.id}")


def open_record_page(app: App, kind: str, record_id: int) -> None:
    """A record's page over the screen showing (from search, the palette, the queue…)."""
    app.push_screen(RecordPageScreen(kind, record_id))


class RecordPageScreen(Screen[None]):
    KEYS_TITLE = "Record page"
    BINDINGS = [
        Binding("escape", "back", "Back", id="record_page.back"),
        Binding("r", "reload", "Refresh", id="record_page.reload", show=False),
        Binding("R", "contact_roles", "Contact roles", id="record_page.contact_roles"),
        Binding("f", "reference", "Reference", id="record_page.reference"),
    ]
    # Each key's kind of record: elsewhere it is neither shown nor run.
    KIND_OF = {"contact_roles": "opportunity", "reference": "contact"}

    def __init__(self, kind: str, record_id: int) -> None:
        super().__init__()
        self.kind, self.record_id = kind, record_id
        self.page: RecordPage | None = None

    def compose(self) -> ComposeResult:
        title = Static(Text(f"{TITLES[self.kind]} {self.record_id}", style="bold"), id="rp-title")
        yield title
        yield OptionList(id="rp-related")
        with VerticalScroll(id="rp-body"):
            with VerticalScroll(id="rp-fields-box"):
                yield Static(Text("Loading…", style="italic"), id="rp-fields")
            with VerticalScroll(id="rp-timeline-box"):
                yield Static(id="rp-timeline")
        yield Footer(compact=True)

    def on_resize(self) -> None:
        self.set_class(self.size.width < SIDE_BY_SIDE, "-narrow")

    def on_mount(self) -> None:
        self.set_class(self.size.width < SIDE_BY_SIDE, "-narrow")
        self.query_one("#rp-related").border_title = "Related records (Enter opens)"
        self.query_one("#rp-fields-box").border_title = "Fields"
        self.query_one("#rp-timeline-box").border_title = (
            "Activity of its contacts and leads" if self.kind == "account" else "Timeline"
        )
        self.load()

    @work(thread=True, exclusive=True, group="record-page")
    def load(self) -> None:
        from workstation.store.records.pages import record_page

        with store_of(self).open_session() as session:
            page = record_page(session, self.kind, self.record_id)
        self.app.call_from_thread(self.show, page)

    def show(self, page: RecordPage | None) -> None:
        self.page = page
        title = self.query_one("#rp-title", Static)
        if page is None:
            title.update(Text(f"There is no {self.kind} {self.record_id}."))
            self.query_one("#rp-fields", Static).update("")
            return
        heading = Text.assemble(
            Text(f"{TITLES[page.kind]} {page.id} · ", style="bold"), safe_text(page.name, "bold")
        )
        title.update(heading)
        self.query_one("#rp-fields", Static).update(fields_table(page))
        empty = "No activity yet." if page.kind != "opportunity" else "No activity on it yet."
        self.query_one("#rp-timeline", Static).update(timeline_table(page.timeline, empty))
        related = self.query_one("#rp-related", OptionList)
        related.clear_options()
        related.add_options([related_option(record) for record in page.related])
        related.display = bool(page.related)
        if page.related:
            related.highlighted = 0
        (related if page.related else self.query_one("#rp-fields-box")).focus()

    def on_option_list_option_selected(self, event: OptionList.OptionSelected) -> None:
        event.stop()
        kind, _, record_id = (event.option.id or "").partition(":")
        open_record_page(self.app, kind, int(record_id))

    def check_action(self, action: str, parameters: tuple[object, ...]) -> bool | None:
        kind = self.KIND_OF.get(action)
        return kind is None or kind == self.kind

    def _reload_if(self, changed: bool | None) -> None:
        if changed:
            self.load()

    def action_contact_roles(self) -> None:
        from workstation.screens.contact_roles import ContactRolesDialog

        self.app.push_screen(ContactRolesDialog(self.record_id), self._reload_if)

    def action_reference(self) -> None:
        from workstation.screens.reference_dialog import ReferenceDialog

        self.app.push_screen(ReferenceDialog(self.record_id), self._reload_if)

    def action_back(self) -> None:
        self.dismiss(None)

    def action_reload(self) -> None:
        self.load()
