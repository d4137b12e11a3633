"""The contact roles of one opportunity (from its record page, `R`): its contacts with their
roles, then the account's other contacts (to add); a role picked for the highlighted person
sets it (adding them to the opportunity), and `p` makes them the primary contact (exactly
one is). The rules and the history are the store's (`lifecycle.contact_roles`); a refusal
is said in the dialog, which stays open for the next change. Dismissed with whether
anything changed, so the page beneath reloads.
"""

from __future__ import annotations

from rich.text import Text
from textual import on
from textual.app import ComposeResult
from textual.binding import Binding
from textual.containers import Vertical
from textual.content import Content
from textual.screen import ModalScreen
from textual.widgets import Footer, OptionList, Static
from textual.widgets.option_list import Option

from workstation.display import clean
from workstation.handle import store_of
from workstation.store.lifecycle.contact_roles import RoleResult, role_names, set_contact_role
from workstation.store.lifecycle.views import (
    OpportunityView,
    RoleLine,
    contacts_to_add,
    opportunity_view,
)
from workstation.work import in_thread

NO_ROLE = "(no role)"


def _person(line: RoleLine, on_it: bool) -> Text:
    text = Text(clean(line.name), style="bold" if line.is_primary else "")
    if not on_it:
        text.append("  not on it yet", style="dim")
        return text
    text.append(f"  {clean(line.role or 'no role')}", style="dim")
    if line.is_primary:
        text.append("  ★ primary")
    return text


class ContactRolesDialog(ModalScreen[bool]):
    KEYS_TITLE = "Contact roles"
    BINDINGS = [
        Binding("p", "primary", "Make primary", id="contact_roles.primary"),
        Binding("escape", "close", "Close", id="contact_roles.close"),
    ]
    DEFAULT_CSS = """
    ContactRolesDialog { align: center middle; }
    #roles-box {
        width: 78; max-width: 100%; height: auto; max-height: 100%;
        border: round $primary; padding: 0 1; background: $surface;
    }
    .roles-heading { text-style: bold; }
    #roles-people { height: auto; max-height: 8; }
    #roles-roles { height: auto; max-height: 10; }
    #roles-said { height: auto; }
    #roles-said.-error { color: $text-error; }
    #roles-hint { color: $text-muted; }
    """

    def __init__(self, opportunity_id: int) -> None:
        super().__init__()
        self.opportunity_id = opportunity_id
        self.view: OpportunityView | None = None
        self.people: list[tuple[RoleLine, bool]] = []  # (person, has a role on it)
        self.roles: list[str] = []
        self.changed = False

    def compose(self) -> ComposeResult:
        with Vertical(id="roles-box") as box:
            box.border_title = f"Opportunity {self.opportunity_id}: contact roles"
            yield Static("Contacts of the opportunity, then its account's", classes="roles-heading")
            yield OptionList(id="roles-people")
            yield Static("Role", classes="roles-heading")
            yield OptionList(id="roles-roles")
            yield Static(id="roles-said")
            yield Static(
                Text("↑↓ person · Tab the roles · Enter sets the role · p makes primary · Esc"),
                id="roles-hint",
            )
        yield Footer(compact=True)

    def on_mount(self) -> None:
        self.load()
        self.query_one("#roles-people").focus()

    def load(self, keep: int | None = None) -> None:
        with store_of(self).open_session() as session:
            self.view = view = opportunity_view(session, self.opportunity_id)
            others = contacts_to_add(session, self.opportunity_id)
            self.roles = [NO_ROLE, *role_names(session)]
        people = self.query_one("#roles-people", OptionList)
        if view is None:
            self._say(f"There is no opportunity {self.opportunity_id}.", error=True)
            return
        self.query_one("#roles-box").border_title = Content(
            clean(f"Opportunity {view.id} · {view.name}: contact roles")
        )
        self.people = [(r, True) for r in view.roles] + [(o, False) for o in others]
        people.clear_options()
        people.add_options([Option(_person(p, on), id=str(p.contact_id)) for p, on in self.people])
        if self.people:
            ids = [p.contact_id for p, _ in self.people]
            people.highlighted = ids.index(keep) if keep in ids else 0
        roles = self.query_one("#roles-roles", OptionList)
        if not roles.option_count:
            roles.add_options([Option(Text(clean(name)), id=name) for name in self.roles])
            roles.highlighted = 0
        self._follow_person()

    def _person(self) -> tuple[RoleLine, bool] | None:
        index = self.query_one("#roles-people", OptionList).highlighted
        return None if index is None or not self.people else self.people[index]

    @on(OptionList.OptionHighlighted, "#roles-people")
    def _follow_person(self) -> None:
        """The roles list shows the highlighted person's role."""
        chosen = self._person()
        if chosen is None:
            return
        role = chosen[0].role or NO_ROLE
        if role in self.roles:
            self.query_one("#roles-roles", OptionList).highlighted = self.roles.index(role)

    @on(OptionList.OptionSelected, "#roles-roles")
    @on(OptionList.OptionSelected, "#roles-people")
    def _set_role(self) -> None:
        chosen = self._person()
        index = self.query_one("#roles-roles", OptionList).highlighted
        if chosen is None or index is None:
            return
        role = self.roles[index]
        self._save(chosen[0], role="" if role == NO_ROLE else role, primary=False)

    def action_primary(self) -> None:
        chosen = self._person()
        if chosen is not None:
            self._save(chosen[0], role=None, primary=True)

    def _save(self, person: RoleLine, *, role: str | None, primary: bool) -> None:
        def save() -> RoleResult:
            store = store_of(self)
            return set_contact_role(
                store.engine,
                opportunity_id=self.opportunity_id,
                contact_id=person.contact_id,
                role=role,
                primary=primary,
                rep_id=store.rep.id,
                at=store.clock(),
            )

        def saved(result: RoleResult) -> None:
            self.changed = True
            line = f"{person.name}: {result.role or 'no role'}"
            line += ", primary" if result.is_primary else ""
            line += f" (lifecycle {result.contact_lifecycle})" if result.added else ""
            self._say(line)
            self.load(keep=person.contact_id)

        in_thread(self, save, saved, group="roles", on_error=lambda e: self._say(str(e), True))

    def _say(self, line: str, error: bool = False) -> None:
        said = self.query_one("#roles-said", Static)
        said.set_class(error, "-error")
        said.update(Text(clean(line)))

    def action_close(self) -> None:
        self.dismiss(self.changed)
