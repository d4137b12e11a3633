"""Moving one opportunity: its stage (the probability follows the stage, and stays
editable), amount, close date and next step; Closed Won or Lost with a reason; Ctrl+R
rejects it by sales as bogus (with the reason typed). Takes an opportunity id, so any
screen can open it (the queue's opportunities list, a record page). Returns the store's
`MoveResult`, or None when cancelled.
"""

from __future__ import annotations

from datetime import date

from rich.text import Text
from textual import on
from textual.app import ComposeResult
from textual.binding import Binding
from textual.containers import Horizontal, Vertical
from textual.content import Content
from textual.screen import ModalScreen
from textual.widgets import Footer, Input, Label, OptionList, Static
from textual.widgets.option_list import Option

from workstation.display import clean, money
from workstation.handle import store_of
from workstation.store.errors import StoreError
from workstation.store.lifecycle.moves import Move, MoveResult, move_opportunity, reject_opportunity
from workstation.store.lifecycle.views import OpportunityView, opportunity_view
from workstation.work import in_thread

FIELDS = (
    ("probability", "Probability"),
    ("amount", "Amount"),
    ("close", "Close date"),
    ("next", "Next step"),
    ("reason", "Reason"),
)


def plain_amount(cents: int) -> str:
    return f"{cents // 100}.{cents % 100:02d}"


def _roles(view: OpportunityView) -> str:
    people = [
        f"{r.name} ({', '.join(filter(None, (r.role, 'primary' if r.is_primary else '')))})"
        if r.role or r.is_primary
        else r.name
        for r in view.roles
    ]
    return ", ".join(people) or "no contacts"


class OpportunityMoveDialog(ModalScreen[MoveResult | None]):
    BINDINGS = [
        Binding("ctrl+s", "save", "Save", id="opportunity.save"),
        Binding("ctrl+r", "reject", "Reject as bogus", id="opportunity.reject"),
        Binding("escape", "cancel", "Cancel", id="opportunity.cancel"),
    ]
    DEFAULT_CSS = """
    OpportunityMoveDialog { align: center middle; }
    #move-box {
        width: 78; max-width: 100%; height: auto; max-height: 100%;
        border: round $primary; padding: 0 1; background: $surface;
    }
    #move-stages { height: auto; max-height: 8; margin: 0 0 1 0; }
    .move-row { height: 1; }
    .move-label { width: 13; }
    #move-error { color: $text-error; height: auto; }
    #move-hint { color: $text-muted; }
    """

    def __init__(self, opportunity_id: int) -> None:
        super().__init__()
        self.opportunity_id = opportunity_id
        self.view: OpportunityView | None = None

    def compose(self) -> ComposeResult:
        with store_of(self).open_session() as session:
            self.view = view = opportunity_view(session, self.opportunity_id)
        with Vertical(id="move-box") as box:
            if view is None:
                box.border_title = f"Opportunity {self.opportunity_id}"
                yield Static(Text(f"There is no opportunity {self.opportunity_id}."))
                return
            box.border_title = Content(clean(f"Opportunity {view.id} · {view.name}"))
            state = f"rejected by sales: {view.closed_reason}" if view.is_rejected else view.stage
            yield Static(
                Text(
                    clean(
                        f"{view.account} · {state} · owner {view.owner or 'nobody'} · "
                        f"{_roles(view)}"
                    )
                ),
                id="move-who",
            )
            yield OptionList(
                *(
                    Option(
                        Text(
                            clean(f"{s.name:<14} {s.probability:>3}%")
                            + ("  ← now" if s.name == view.stage else "")
                        ),
                        id=s.name,
                    )
                    for s in view.stages
                ),
                id="move-stages",
            )
            values = {
                "probability": str(view.probability),
                "amount": plain_amount(view.amount_cents),
                "close": view.close_date.isoformat(),
                "next": clean(view.next_step or ""),
                "reason": "",
            }
            for key, label in FIELDS:
                with Horizontal(classes="move-row"):
                    yield Label(label, classes="move-label")
                    yield Input(
                        value=values[key],
                        id=f"move-{key}",
                        compact=True,
                        placeholder="why it closed, reopened or is bogus"
                        if key == "reason"
                        else "",
                    )
            yield Static(id="move-error", markup=False)
            yield Static(
                Text("↑↓ stage · Tab fields · Enter saves · Ctrl+R rejects it as bogus"),
                id="move-hint",
            )
        yield Footer(compact=True)

    def on_mount(self) -> None:
        if self.view is None:
            return
        stages = self.query_one("#move-stages", OptionList)
        stages.highlighted = [s.name for s in self.view.stages].index(self.view.stage)
        stages.focus()

    def _chosen_stage(self):
        assert self.view is not None
        index = self.query_one("#move-stages", OptionList).highlighted
        return self.view.stages[index or 0]

    @on(OptionList.OptionHighlighted, "#move-stages")
    def _stage_changed(self) -> None:
        """The probability follows the stage; the rep may type another."""
        assert self.view is not None
        stage = self._chosen_stage()
        probability = self.view.probability if stage.name == self.view.stage else stage.probability
        self.query_one("#move-probability", Input).value = str(probability)

    def _value(self, key: str) -> str:
        return self.query_one(f"#move-{key}", Input).value.strip()

    def _move(self) -> Move:
        """What the form changes; StoreError for a value it cannot read."""
        from workstation.store.conversion.terms import parse_amount

        view = self.view
        assert view is not None
        stage = self._chosen_stage()
        default = view.probability if stage.name == view.stage else stage.probability
        typed = self._value("probability").rstrip("%")
        if not typed.isdigit():
            raise StoreError(f"{typed!r} is not a probability (a whole percentage)")
        cents = parse_amount(self._value("amount"))
        try:
            close = date.fromisoformat(self._value("close"))
        except ValueError:
            raise StoreError(f"{self._value('close')!r} is not a date like 2026-12-31") from None
        next_step = self.query_one("#move-next", Input).value
        return Move(
            stage=None if stage.name == view.stage else stage.name,
            probability=None if int(typed) == default else int(typed),
            amount_cents=None if cents == view.amount_cents else cents,
            close_date=None if close == view.close_date else close,
            next_step=None if next_step == clean(view.next_step or "") else next_step,
            reason=self._value("reason") or None,
        )

    @on(Input.Submitted)
    @on(OptionList.OptionSelected, "#move-stages")
    def action_save(self) -> None:
        if self.view is None:
            return
        try:
            move = self._move()
        except StoreError as error:
            self._refused(error)
            return
        view = self.view

        def save() -> MoveResult:
            store = store_of(self)
            return move_opportunity(
                store.engine,
                opportunity_id=view.id,
                move=move,
                rep_id=store.rep.id,
                version=view.version,
                at=store.clock(),
            )

        in_thread(self, save, self.dismiss, group="opportunity", on_error=self._refused)

    def action_reject(self) -> None:
        if self.view is None:
            return
        view, reason = self.view, self._value("reason")

        def reject() -> MoveResult:
            store = store_of(self)
            return reject_opportunity(
                store.engine,
                opportunity_id=view.id,
                reason=reason,
                rep_id=store.rep.id,
                at=store.clock(),
            )

        in_thread(self, reject, self.dismiss, group="opportunity", on_error=self._refused)

    def _refused(self, error: Exception) -> None:
        """The store refused (a rule, a stale form): the dialog says why and stays open."""
        self.query_one("#move-error", Static).update(clean(str(error)))

    def action_cancel(self) -> None:
        self.dismiss(None)


def moved_message(result: MoveResult) -> str:
    """One line for the rep once the move is saved."""
    if result.is_rejected:
        return f"Opportunity {result.id} rejected by sales: kept, out of the pipeline."
    line = f"Opportunity {result.id}: {result.stage}, {money(result.amount_cents)}"
    if result.contacts_moved:
        line += (
            f" · the account is a customer: {len(result.contacts_moved)} contact(s) Customers"
            if result.account_is_customer
            else f" · the account is no longer a customer ({len(result.contacts_moved)} back)"
        )
    return line
