"""The call script for a record, and what a call's answers do to the record's score.

A lead's script is its campaign's; a contact's is the campaign of its latest campaign
membership. Without one (no campaign, or a campaign without a script) it is the default
script: the row named "Default script" when someone has saved or imported one, else the
built-in `DEFAULT_SCRIPT` below. Nothing is seeded, so demo data still goes into an empty
database.

`script_for_record` hands the panel plain data: the script's sections as templates and the
record's values, so that the panel fills them in after cleaning the values for the screen.
`apply_answers` runs inside `log_call`'s transaction: the score moves in the same commit as
the call that gave the answers.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import datetime
from functools import cache
from typing import Any

from sqlalchemy import select
from sqlmodel import Session

from workstation.store.cleansing import display_phone
from workstation.store.models import (
    Account,
    Activity,
    CallScript,
    Campaign,
    CampaignMember,
    Contact,
    Lead,
)
from workstation.store.script_files import ScriptFile, parse_script
from workstation.store.script_rules import (
    Question,
    Rule,
    check_answers,
    questions_from_list,
    rule_from_dict,
    score_from_answers,
)
from workstation.store.script_text import Section, sections

DEFAULT_NAME = "Default script"
_BANT = (
    'question: {"key": "budget", "label": "Budget", "type": "yesno"}\n'
    'question: {"key": "authority", "label": "Authority", "type": "choice", '
    '"choices": ["Decision maker", "Influencer", "End user"]}\n'
    'question: {"key": "need", "label": "Need", "type": "text"}\n'
    'question: {"key": "timeline", "label": "Timeline", "type": "choice", '
    '"choices": ["This quarter", "Next quarter", "This year", "No timeline"]}\n'
)
DEFAULT_SCRIPT = f"""---
name: {DEFAULT_NAME}
{_BANT}---
## Opening
Hi {{first_name}}, this is {{rep}}. I'm calling about {{company}}'s interest in {{product}}:
is now a good moment for two minutes?

## Discovery
- How does your team decide who to call next today?
- As {{title}}, what would you change about it first?

## Qualify
Ask the Budget, Authority, Need and Timeline questions below and note the answers.

## Close
Offer a 30-minute walkthrough with a specialist this week, and book it while on the call.

## Objection: Too expensive
Ask what a missed follow-up costs {{company}} today; offer the pilot for one team.

## Objection: We already have a tool
It sits beside the CRM you have and imports its leads: nothing to migrate.

## Objection: Send me an email
Agree, send it now, and book the follow-up call before hanging up.
"""
# How many of a record's activities are read to find the answers of its last call.
RECENT_ACTIVITIES = 200


@dataclass(frozen=True, slots=True)
class ScriptView:
    """Everything the script panel shows for one record, as plain data."""

    record_kind: str
    record_id: int
    script_id: int | None  # None: the built-in default script
    script_name: str
    campaign: str | None
    product: str | None
    lead_source: str | None
    offer: str | None
    sections: tuple[Section, ...]
    questions: tuple[Question, ...]
    rule: Rule
    values: dict[str, str | None]  # placeholder → the record's value, uncleaned
    score: int
    email_to: str | None
    email_opt_out: bool
    email_template: str | None
    last_answers: dict[str, Any] = field(default_factory=dict)  # from the last call
    last_answered_at: datetime | None = None


@cache
def default_script() -> ScriptFile:
    return parse_script(DEFAULT_SCRIPT, "the built-in default script")


def _campaign_of(session: Session, record: Lead | Contact) -> Campaign | None:
    if isinstance(record, Lead):
        return session.get(Campaign, record.campaign_id) if record.campaign_id else None
    campaign_id = session.execute(
        select(CampaignMember.campaign_id)
        .where(CampaignMember.contact_id == record.id)
        .order_by(CampaignMember.created_at.desc(), CampaignMember.id.desc())  # type: ignore[attr-defined]
        .limit(1)
    ).scalar_one_or_none()
    return session.get(Campaign, campaign_id) if campaign_id else None


def script_row(session: Session, campaign: Campaign | None) -> CallScript | None:
    """The stored script a campaign uses, else the stored default; None: the built-in one."""
    if campaign is not None and campaign.call_script_id is not None:
        script = session.get(CallScript, campaign.call_script_id)
        if script is not None:
            return script
    return session.execute(
        select(CallScript).where(CallScript.name == DEFAULT_NAME)
    ).scalar_one_or_none()


def _parts(script: CallScript | None) -> tuple[str, str, list, dict | None]:
    if script is None:
        builtin = default_script()
        return builtin.name, builtin.body, list(builtin.questions), builtin.qualify
    return script.name, script.body, list(script.questions or []), script.qualify


def _questions_and_rule(questions: list, qualify: dict | None) -> tuple[tuple[Question, ...], Rule]:
    parsed = questions_from_list(questions)
    return parsed, rule_from_dict(qualify, parsed)


def _values(record: Lead | Contact, account: Account | None, campaign: Campaign | None, rep: str):
    first = record.first_name or record.last_name
    company = record.company if isinstance(record, Lead) else (account.name if account else None)
    return {
        "first_name": first,
        "last_name": record.last_name,
        "name": " ".join(filter(None, (record.first_name, record.last_name))),
        "title": record.title,
        "company": company,
        "email": record.email,
        "phone": display_phone(record.phone) if record.phone else None,
        "industry": getattr(record, "industry", None) or (account.industry if account else None),
        "city": getattr(record, "city", None),
        "state": record.state,
        "country": record.country,
        "product": campaign.product if campaign else None,
        "campaign": campaign.name if campaign else None,
        "lead_source": (campaign.channel if campaign else None) or record.lead_source,
        "offer": (campaign.offer if campaign else None) or getattr(record, "lead_type", None),
        "rep": rep,
    }


def _last_answers(session: Session, record: Lead | Contact) -> tuple[dict, datetime | None]:
    """The answers of the record's last call that was not undone."""
    column = Activity.lead_id if isinstance(record, Lead) else Activity.contact_id
    rows = session.execute(
        select(Activity.id, Activity.answers, Activity.reverses_id, Activity.occurred_at)
        .where(column == record.id)
        .order_by(Activity.occurred_at.desc(), Activity.id.desc())  # type: ignore[attr-defined]
        .limit(RECENT_ACTIVITIES)
    ).all()
    undone = {row.reverses_id for row in rows if row.reverses_id is not None}
    for row in rows:
        if row.answers and row.id not in undone:
            return dict(row.answers), row.occurred_at
    return {}, None


def script_for_record(
    session: Session, kind: str, record_id: int, *, rep_name: str
) -> ScriptView | None:
    """The script for a lead or contact, with its values; None when there is no such record."""
    record = session.get(Lead if kind == "lead" else Contact, record_id)
    if record is None:
        return None
    account_id = record.existing_account_id if isinstance(record, Lead) else record.account_id
    account = session.get(Account, account_id) if account_id else None
    campaign = _campaign_of(session, record)
    script = script_row(session, campaign)
    name, body, questions, qualify = _parts(script)
    parsed, rule = _questions_and_rule(questions, qualify)
    last, last_at = _last_answers(session, record)
    values = _values(record, account, campaign, rep_name)
    return ScriptView(
        record_kind=kind,
        record_id=record_id,
        script_id=script.id if script else None,
        script_name=name,
        campaign=campaign.name if campaign else None,
        product=values["product"],
        lead_source=values["lead_source"],
        offer=values["offer"],
        sections=sections(body),
        questions=parsed,
        rule=rule,
        values=values,
        score=record.score,
        email_to=record.email,
        email_opt_out=record.email_opt_out,
        email_template=campaign.email_template if campaign and campaign.email_template else None,
        last_answers=last,
        last_answered_at=last_at,
    )


def apply_answers(session: Session, record: Lead | Contact, *, answers: dict | None) -> dict | None:
    """Check a call's answers against the record's script and move the record's score by
    what they change; returns them typed for the activity (None when there are none).

    Call it inside the call's transaction, before the call's activity is added: the score
    then commits (or rolls back) with the call. An answer the script cannot take raises
    ScriptError, so nothing of the call is written. The points are counted over the last
    call's answers updated with these, against the last call's answers alone: answering
    the same again adds nothing, and an answer turned unfavourable takes its points back.
    """
    if not answers:
        return None
    _name, _body, questions, qualify = _parts(script_row(session, _campaign_of(session, record)))
    parsed, rule = _questions_and_rule(questions, qualify)
    given = check_answers(parsed, answers)
    before, _ = _last_answers(session, record)
    old = score_from_answers(parsed, before, rule).points
    new = score_from_answers(parsed, before | given, rule).points
    record.score += new - old
    return given or None
