"""The convert wizard: Account → Contact → Opportunity → Contact role → Campaign → Review,
keyboard only, each step saying what will happen before anything is written.

Every highlight re-plans the conversion in the store (read-only) and shows the result under
the choices; Enter moves on, Backspace goes back, `r` jumps to the review, Escape cancels.
What the rep captured is reused: the contact role starts as the one the script's Authority
answer names, and a new opportunity's name, amount and close date are typed on its step
(n, a, d).
Enter on the review converts, in one transaction, and the screen returns the
`ConversionResult` (None when cancelled). A do-not-call lead starts with a confirmation.
"""

from __future__ import annotations

from dataclasses import replace
from functools import partial

from rich.text import Text
from textual import on
from textual.app import ComposeResult
from textual.binding import Binding
from textual.containers import Vertical
from textual.screen import ModalScreen
from textual.widgets import Footer, OptionList, Static
from textual.widgets.option_list import Option

from workstation.display import clean, money
from workstation.handle import store_of
from workstation.store.conversion.captured import role_from_answers
from workstation.store.conversion.convert import ConversionResult, convert_lead
from workstation.store.conversion.lookups import contact_roles
from workstation.store.conversion.plan import ConversionPlan, plan_conversion
from workstation.store.conversion.rules import DEFAULTS, NEW, NONE
from workstation.store.conversion.terms import check_name, parse_amount, parse_close_date
from workstation.store.errors import StoreError
from workstation.widgets.convert_preview import ConvertPreview

STEPS = ("account", "contact", "opportunity", "role", "campaign", "review")
TITLES = {
    "dnc": "Do not call",
    "account": "Account",
    "contact": "Contact",
    "opportunity": "Opportunity",
    "role": "Contact role",
    "campaign": "Campaign",
    "review": "Review",
}
BLANK = "(blank)"


def _options(plan: ConversionPlan, step: str, roles: list[str]) -> list[Option]:
    """The choices of one step; option ids are the choice values."""
    if step == "dnc":
        return [Option("Convert anyway: I confirm", id="confirm"), Option("Cancel", id="cancel")]
    if step == "account":
        found = [
            Option(Text(clean(f"Attach to “{m.name}” — {'; '.join(m.reasons)}")), id=str(m.id))
            for m in plan.account_matches
        ]
        return [*found, Option(Text(clean(f"Create new account “{plan.company}”")), id=NEW)]
    if step == "contact":
        found = [
            Option(Text(clean(f"Attach to {m.name} — {'; '.join(m.reasons)}")), id=str(m.id))
            for m in plan.contact_matches
        ]
        return [*found, Option(Text(clean(f"Create new contact {plan.lead_name}")), id=NEW)]
    if step == "opportunity":
        new = plan.opportunity if plan.opportunity.action == "create" else None
        label = (
            f"Create new “{new.name}”, {money(new.amount_cents)}, closes {new.close_date} "
            "(n a d change them)"
            if new
            else "Create a new opportunity"
        )
        existing = [
            Option(
                Text(
                    clean(
                        f"Attach to “{o.name}” ({o.stage}, {money(o.amount_cents)}, closes "
                        f"{o.close_date}; primary: {o.primary_contact or 'none'})"
                    )
                ),
                id=str(o.id),
            )
            for o in plan.opportunities
        ]
        return [Option(Text(clean(label)), id=NEW), *existing, Option("No opportunity", id=NONE)]
    if step == "role":
        if plan.role is None:
            return [Option("No opportunity, so no contact role", id=BLANK)]
        return [Option(BLANK, id=BLANK), *(Option(r, id=r) for r in roles)]
    if step == "campaign":
        member_of = [
            Option(
                Text(clean(f"{c.name} — member since {c.joined:%Y-%m-%d}, {c.status}")),
                id=str(c.id),
            )
            for c in plan.campaigns
        ]
        chosen = plan.campaign
        if chosen.id is not None and all(c.id != chosen.id for c in plan.campaigns):
            label = f"{chosen.name} — the lead's latest campaign, no membership yet"
            member_of.insert(0, Option(Text(clean(label)), id=str(chosen.id)))
        return [*member_of, Option("No primary campaign source", id=NONE)]
    return [Option("Convert now", id="convert")]


def _chosen(plan: ConversionPlan, step: str) -> str:
    """The option id of what the plan currently does at `step`."""
    if step == "account":
        return NEW if plan.account.action == "create" else str(plan.account.id)
    if step == "contact":
        return NEW if plan.contact.action == "create" else str(plan.contact.id)
    if step == "opportunity":
        opp = plan.opportunity
        return {"create": NEW, "none": NONE}.get(opp.action, str(opp.id))
    if step == "role":
        return (plan.role.role if plan.role else None) or BLANK
    if step == "campaign":
        return NONE if plan.campaign.id is None else str(plan.campaign.id)
    return "confirm" if step == "dnc" else "convert"


def _value(option_id: str) -> int | str:
    return int(option_id) if option_id.isdigit() else option_id


class ConvertWizard(ModalScreen[ConversionResult | None]):
    """Convert lead `lead_id`; dismissed with the ConversionResult, or None if cancelled."""

    BINDINGS = [
        Binding("escape", "cancel", "Cancel", id="convert.cancel"),
        Binding("backspace", "back", "Back", id="convert.back"),
        Binding("r", "review", "Review", id="convert.review"),
        Binding("p", "toggle_primary", "Primary on/off", id="convert.primary"),
        Binding("n", "term('name')", "Name", id="convert.opportunity_name"),
        Binding("a", "term('amount')", "Amount", id="convert.amount"),
        Binding("d", "term('close')", "Close date", id="convert.close_date"),
        # Before the choices' own page keys: on a small screen the review is taller than
        # the screen, and the rep reads all of it before converting.
        Binding("pagedown", "scroll_box(1)", "Scroll", id="convert.page_down", priority=True),
        Binding("pageup", "scroll_box(-1)", "Scroll back", id="convert.page_up", priority=True,
                show=False),
    ]  # fmt: skip
    DEFAULT_CSS = """
    ConvertWizard { align: center middle; }
    #convert-box {
        width: 100; max-width: 100%; height: auto; max-height: 100%; overflow-y: auto;
        border: round $primary; padding: 0 1; background: $surface;
    }
    #convert-steps { color: $text-muted; margin-bottom: 1; }
    #convert-options { height: auto; max-height: 12; }
    #convert-preview { height: auto; margin-top: 1; padding: 0 1; border-left: thick $secondary; }
    """

    def __init__(self, lead_id: int) -> None:
        super().__init__()
        self.lead_id = lead_id
        self.choices = DEFAULTS
        self.plan: ConversionPlan | None = None
        self.roles: list[str] = []
        self.steps: list[str] = list(STEPS)
        self.step = 0

    def compose(self) -> ComposeResult:
        with Vertical(id="convert-box"):
            yield Static(id="convert-title")
            yield Static(id="convert-steps")
            yield OptionList(id="convert-options")
            yield ConvertPreview(id="convert-preview")
        yield Footer()

    def on_mount(self) -> None:
        self.query_one("#convert-box").border_title = f"Convert lead {self.lead_id}"
        with store_of(self).open_session() as session:
            self.roles = contact_roles(session)
            # The role the rep heard on the call (the Authority answer), until they pick one.
            self.choices = replace(self.choices, role=role_from_answers(session, self.lead_id))
        if not self._replan():
            return
        assert self.plan is not None
        if self.plan.do_not_call:
            self.steps.insert(0, "dnc")
        self._show_step()

    @property
    def current(self) -> str:
        return self.steps[self.step]

    # Planning ------------------------------------------------------------------------
    def _replan(self) -> bool:
        """Plan with the current choices; pin what the defaults resolved to."""
        store = store_of(self)
        try:
            with store.open_session() as session:
                plan = plan_conversion(
                    session,
                    lead_id=self.lead_id,
                    choices=self.choices,
                    rep_id=store.rep.id,
                    today=store.clock().date(),
                )
        except StoreError as error:
            self.query_one(ConvertPreview).show_error(str(error))
            return False
        self.plan = plan
        self.choices = replace(
            self.choices,
            account=plan.account.id or NEW,
            contact=plan.contact.id or NEW,
            opportunity=_value(_chosen(plan, "opportunity")),
            campaign=plan.campaign.id or NONE,
        )
        return True

    def _choose(self, option_id: str) -> None:
        """Apply the highlighted option of the current step to the choices."""
        step, value = self.current, _value(option_id)
        changes: dict = {}
        if step in ("account", "contact", "opportunity", "campaign"):
            if getattr(self.choices, step) == value:
                return
            changes[step] = value
            if step == "account":  # another account: its own contacts and opportunities
                changes.update(contact=None, opportunity=NEW)
            if step != "campaign":
                changes["primary"] = None
        elif step == "role":
            changes["role"] = None if option_id == BLANK else option_id
        elif step == "dnc":
            changes["confirm_do_not_call"] = option_id == "confirm"
        if changes:
            self.choices = replace(self.choices, **changes)
            self._replan()
        self._show_preview()

    # Showing -------------------------------------------------------------------------
    def _show_step(self) -> None:
        assert self.plan is not None
        plan, step = self.plan, self.current
        title = f"{plan.lead_name} · {plan.company} — step {self.step + 1} of {len(self.steps)}"
        self.query_one("#convert-title", Static).update(Text(clean(title), style="bold"))
        marks = Text()
        for i, name in enumerate(self.steps):
            marks.append(" › " if i else "")
            marks.append(TITLES[name], style="bold reverse" if i == self.step else "")
        self.query_one("#convert-steps", Static).update(marks)
        options = self.query_one(OptionList)
        choices = _options(plan, step, self.roles)
        options.set_options(choices)
        chosen = _chosen(plan, step)
        options.highlighted = next((i for i, o in enumerate(choices) if o.id == chosen), 0)
        options.focus()
        self._show_preview()
        self.refresh_bindings()

    def _show_preview(self) -> None:
        if self.plan is not None:
            self.query_one(ConvertPreview).show(self.plan, self.current)

    # Events and actions --------------------------------------------------------------
    @on(OptionList.OptionHighlighted, "#convert-options")
    def _highlighted(self, event: OptionList.OptionHighlighted) -> None:
        if event.option_id is not None:
            self._choose(event.option_id)

    @on(OptionList.OptionSelected, "#convert-options")
    def _selected(self, event: OptionList.OptionSelected) -> None:
        if event.option_id is None or self.plan is None:
            return
        self._choose(event.option_id)
        if self.current == "dnc" and event.option_id == "cancel":
            self.dismiss(None)
        elif self.current == "review":
            self._convert()
        else:
            self.step += 1
            self._show_step()

    def _convert(self) -> None:
        store = store_of(self)
        try:
            result = convert_lead(
                store.engine,
                lead_id=self.lead_id,
                choices=self.choices,
                rep_id=store.rep.id,
                at=store.clock(),
            )
        except StoreError as error:
            self.query_one(ConvertPreview).show_error(str(error))
            return
        self.dismiss(result)

    def check_action(self, action: str, parameters: tuple[object, ...]) -> bool | None:
        if action == "term":
            return self._creates_opportunity()
        if action == "toggle_primary":
            return self.plan is not None and self.current == "role" and self.plan.role is not None
        if action == "back":
            return self.step > 0
        if action == "review":
            return self.plan is not None and self.current != "dnc"
        return True

    def action_back(self) -> None:
        if self.plan is not None and self.step > 0:
            self.step -= 1
            self._show_step()

    def action_review(self) -> None:
        if self.plan is not None and self.current != "dnc":
            self.step = len(self.steps) - 1
            self._show_step()

    def action_toggle_primary(self) -> None:
        if self.plan is not None and self.plan.role is not None:
            self.choices = replace(self.choices, primary=not self.plan.role.primary)
            self._replan()
            self._show_preview()

    def _creates_opportunity(self) -> bool:
        return (
            self.plan is not None
            and self.current in ("opportunity", "review")
            and self.plan.opportunity.action == "create"
        )

    def action_term(self, term: str) -> None:
        """Type the new opportunity's name, amount or close date."""
        from workstation.screens.ask import AskDialog

        if not self._creates_opportunity():
            return
        assert self.plan is not None
        opp, today = self.plan.opportunity, store_of(self).clock().date()

        def set_to(field: str):
            def typed(answer) -> None:
                if answer is not None:
                    self.choices = replace(self.choices, **{field: answer})
                    self._replan()
                    self._show_step()

            return typed

        if term == "name":
            ask_name = AskDialog(
                "The opportunity's name?", "Up to 255 characters.", check_name, value=opp.name
            )
            self.app.push_screen(ask_name, set_to("opportunity_name"))
        elif term == "amount":
            ask_amount = AskDialog(
                "The opportunity's amount?",
                "Dollars: 0, 1250 or $1,250.50.",
                parse_amount,
                value=f"{opp.amount_cents / 100:.2f}",
            )
            self.app.push_screen(ask_amount, set_to("amount_cents"))
        else:
            ask_close = AskDialog(
                "When does it close?",
                "A date: 2026-12-31.",
                partial(parse_close_date, today=today),
                value=str(opp.close_date or ""),
            )
            self.app.push_screen(ask_close, set_to("close_date"))

    def action_scroll_box(self, pages: int) -> None:
        box = self.query_one("#convert-box")
        box.scroll_relative(
            y=pages * max(box.scrollable_content_region.height - 1, 1), animate=False
        )

    def action_cancel(self) -> None:
        self.dismiss(None)
