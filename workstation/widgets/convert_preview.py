"""What a conversion will do, in words: the choices the wizard offers at each step and the
panel under them that says what the highlighted choice creates, attaches and fills.

Everything here renders a `ConversionPlan` (plain data from the store); every value from
the database goes through `clean()`, so names are shown literally, never as markup.
"""

from __future__ import annotations

from rich.console import Group, RenderableType
from rich.text import Text
from textual.widgets import Static

from workstation.display import clean, money
from workstation.store.conversion.choices import RecordPlan
from workstation.store.conversion.plan import ConversionPlan

FIELD_LABELS = {
    "website": "website",
    "domain": "domain",
    "industry": "industry",
    "employees": "employees",
    "phone": "phone",
    "state": "state",
    "country": "country",
    "first_name": "first name",
    "last_name": "last name",
    "title": "title",
    "email": "email",
    "time_zone": "time zone",
    "lead_source": "lead source",
    "do_not_call": "do not call",
    "email_opt_out": "email opt-out",
}


def _line(*parts: str, style: str = "") -> Text:
    """A line of plain strings: the first is the label (bold), the rest cleaned values."""
    line = Text(parts[0], style=style or "bold")
    for part in parts[1:]:
        line.append(clean(part))
    return line


def _values(record: RecordPlan) -> Text:
    if not record.values:
        return Text("  nothing to fill: every field already has a value", style="dim")
    pairs = "; ".join(f"{FIELD_LABELS.get(f, f)} = {v}" for f, v in record.values)
    verb = "sets" if record.action == "create" else "fills the empty fields"
    return Text(f"  {verb}: ") + Text(clean(pairs))


def _record(kind: str, record: RecordPlan, owner: str | None) -> list[RenderableType]:
    """What happens to the account or contact: created (with its owner) or attached to,
    and the fields it gets."""
    if record.action == "create":
        head = _line(f"Creates {kind} ", f"“{record.name}”", f", owner {owner or 'none'}")
    else:
        head = _line(f"Attaches to {kind} ", f"#{record.id} “{record.name}”")
    return [head, _values(record)]


def account_text(plan: ConversionPlan) -> RenderableType:
    account = plan.account
    lines = _record("account", account, plan.owner)
    match = next((m for m in plan.account_matches if m.id == account.id), None)
    if match is not None:
        lines.append(Text("  why: ") + Text(clean("; ".join(match.reasons))))
    if not plan.account_matches:
        lines.append(Text("  no existing account matches the email domain or the company name"))
    return Group(*lines)


def contact_text(plan: ConversionPlan) -> RenderableType:
    stage = f"  lifecycle stage: {plan.lifecycle_from or 'new'} → {plan.lifecycle_to}"
    return Group(*_record("contact", plan.contact, plan.owner), Text(clean(stage)))


def opportunity_text(plan: ConversionPlan) -> RenderableType:
    opp = plan.opportunity
    if opp.action == "none":
        return Text("No opportunity: the contact waits for one (Contacts – No Opportunity).")
    verb = "Creates opportunity " if opp.action == "create" else "Attaches to opportunity "
    details = (
        f"  {money(opp.amount_cents)}, {opp.probability}%, stage {opp.stage}, "
        f"closes {opp.close_date}, lead source {opp.lead_source or '—'}"
    )
    owner = f", owner {plan.owner or 'none'}" if opp.action == "create" else ""
    return Group(_line(verb, f"“{opp.name}”"), Text(clean(details + owner)))


def role_text(plan: ConversionPlan) -> RenderableType:
    role = plan.role
    if role is None:
        return Text("No opportunity, so no contact role.")
    name, opp = plan.contact.name, plan.opportunity.name
    kind = "the primary contact" if role.primary else "a contact (not primary)"
    lines = [Text(clean(f"{name} becomes {kind} of “{opp}”, role {role.role or 'blank'}"))]
    if role.current_primary:
        lines.append(Text(clean(f"  {role.current_primary} is the primary contact already")))
    return Group(*lines)


def campaign_text(plan: ConversionPlan) -> RenderableType:
    campaign = plan.campaign
    moved = len(plan.campaigns)
    if campaign.id is None:
        head = Text("No primary campaign source.")
    else:
        change = f"{campaign.status_from or 'new membership'} → {campaign.status_to}"
        if campaign.status_from == campaign.status_to:
            change = f"stays {campaign.status_to}"
        head = _line("Primary campaign source: ", f"{campaign.name} (membership: {change})")
    return Group(head, Text(f"  {moved} campaign membership(s) move to the contact"))


def review_text(plan: ConversionPlan) -> RenderableType:
    lines: list[RenderableType] = [
        account_text(plan),
        contact_text(plan),
        opportunity_text(plan),
        role_text(plan),
        campaign_text(plan),
        Text(
            f"The lead becomes “Qualified – Turned into Opportunity”, read-only; its "
            f"{plan.activities} activities follow the contact. All in one transaction."
        ),
    ]
    lines.extend(Text(clean(f"✗ {problem}"), style="bold") for problem in plan.problems)
    return Group(*lines)


def dnc_text(plan: ConversionPlan) -> RenderableType:
    return Group(
        _line("Do not call: ", f"{plan.lead_name} asked not to be called."),
        Text("Converting keeps the request: the contact is marked do-not-call too."),
    )


STEP_TEXT = {
    "dnc": dnc_text,
    "account": account_text,
    "contact": contact_text,
    "opportunity": opportunity_text,
    "role": role_text,
    "campaign": campaign_text,
    "review": review_text,
}


class ConvertPreview(Static):
    """What the highlighted choice of a wizard step will do."""

    def show(self, plan: ConversionPlan, step: str) -> None:
        self.update(STEP_TEXT[step](plan))

    def show_error(self, message: str) -> None:
        self.update(Text(clean(message), style="bold"))
