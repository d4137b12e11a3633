"""The call script for a record, and what a call's answers do to the record's score.

A lead's script is its campaign's; a contact's is the campaign of its latest campaign
membership. Without one (no campaign, or a campaign without a script) it is the default
script: the row named "Default script" when someone has saved or imported one, else the
built-in `DEFAULT_SCRIPT` below. Nothing is seeded, so demo data still goes into an empty
database.

`script_for_record` hands the panel plain data: the script's sections as templates and the
record's values, so that the panel fills them in after cleaning the values for the screen.
`apply_answers` checks a call's answers inside `log_call`'s transaction; the score they give
is recomputed (`store/scoring`) in the same commit as the call that gave them.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from functools import cache
from typing import Any

from sqlalchemy import RowMapping, SQLColumnExpression, bindparam, null, select
from sqlmodel import Session, col

from workstation.store.models import (
    Account,
    Activity,
    CallScript,
    Campaign,
    CampaignMember,
    Contact,
    Lead,
)
from workstation.store.scripts.files import ScriptFile, parse_script
from workstation.store.scripts.rules import (
    Question,
    Rule,
    check_answers,
    questions_from_list,
    rule_from_dict,
)
from workstation.store.scripts.text import Section, sections
from workstation.store.values.cleansing import display_phone

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
Hi {{first_name}}, this is {{rep}}. I'm following up on {{company}}'s enquiry: is now a good
moment for two minutes?

## Discovery
- How does your team decide who to call next today?
- What would you change about it first?

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


@cache
def default_script() -> ScriptFile:
    return parse_script(DEFAULT_SCRIPT, "the built-in default script")


_SCRIPT: tuple[SQLColumnExpression[Any], ...] = (
    col(CallScript.id).label("script_id"), col(CallScript.name).label("script_name"),
    col(CallScript.body), col(CallScript.questions), col(CallScript.qualify),
)  # fmt: skip
_CAMPAIGN: tuple[SQLColumnExpression[Any], ...] = (
    col(Campaign.name).label("campaign"), col(Campaign.channel), col(Campaign.offer),
    col(Campaign.product), col(Campaign.email_template),
)  # fmt: skip
_PERSON = ("first_name", "last_name", "title", "email", "phone", "state", "country",
           "lead_source", "score", "email_opt_out")  # fmt: skip
# A contact's campaign is that of its latest membership.
_LATEST_CAMPAIGN = (
    select(col(CampaignMember.campaign_id))
    .where(col(CampaignMember.contact_id) == Contact.id)
    .order_by(col(CampaignMember.created_at).desc(), col(CampaignMember.id).desc())
    .limit(1)
    .scalar_subquery()
)
# Built once: the record, its account, campaign and script in one statement each, because
# the panel reads them on every next lead.
_RECORD = {
    "lead": select(
        *(getattr(Lead, name) for name in _PERSON), col(Lead.company), col(Lead.industry),
        col(Lead.city), col(Lead.lead_type), col(Account.industry).label("account_industry"),
        *_CAMPAIGN, *_SCRIPT,
    )
    .outerjoin(Account, col(Account.id) == Lead.existing_account_id)
    .outerjoin(Campaign, col(Campaign.id) == Lead.campaign_id)
    .outerjoin(CallScript, col(CallScript.id) == Campaign.call_script_id)
    .where(col(Lead.id) == bindparam("record_id")),
    "contact": select(
        *(getattr(Contact, name) for name in _PERSON), col(Account.name).label("company"),
        null().label("industry"), null().label("city"), null().label("lead_type"),
        col(Account.industry).label("account_industry"), *_CAMPAIGN, *_SCRIPT,
    )
    .outerjoin(Account, col(Account.id) == Contact.account_id)
    .outerjoin(Campaign, col(Campaign.id) == _LATEST_CAMPAIGN)
    .outerjoin(CallScript, col(CallScript.id) == Campaign.call_script_id)
    .where(col(Contact.id) == bindparam("record_id")),
}  # fmt: skip
_DEFAULT = select(*_SCRIPT).where(col(CallScript.name) == DEFAULT_NAME)
_ACTIVITIES = {
    kind: select(col(Activity.id), col(Activity.answers), col(Activity.reverses_id))
    .where(column == bindparam("record_id"))
    .order_by(col(Activity.occurred_at).desc(), col(Activity.id).desc())
    .limit(RECENT_ACTIVITIES)
    for kind, column in (("lead", col(Activity.lead_id)), ("contact", col(Activity.contact_id)))
}


def _record_row(session: Session, kind: str, record_id: int) -> RowMapping | None:
    return session.execute(_RECORD[kind], {"record_id": record_id}).mappings().one_or_none()


def _script_of(session: Session, row: RowMapping) -> tuple[int | None, str, str, list, Any]:
    """(id, name, body, questions, rule) of the record's script: its campaign's, else the
    stored default, else the built-in one (id None)."""
    script = row if row["script_id"] is not None else session.execute(_DEFAULT).mappings().first()
    if script is None:
        builtin = default_script()
        return None, builtin.name, builtin.body, list(builtin.questions), builtin.qualify
    return (script["script_id"], script["script_name"], script["body"],
            list(script["questions"] or []), script["qualify"])  # fmt: skip


def _questions_and_rule(questions: list, qualify: Any) -> tuple[tuple[Question, ...], Rule]:
    parsed = questions_from_list(questions)
    return parsed, rule_from_dict(qualify, parsed)


def _values(row: RowMapping, rep: str) -> dict[str, str | None]:
    return {
        "first_name": row["first_name"] or row["last_name"],
        "last_name": row["last_name"],
        "name": " ".join(filter(None, (row["first_name"], row["last_name"]))),
        "title": row["title"],
        "company": row["company"],
        "email": row["email"],
        "phone": display_phone(row["phone"]) if row["phone"] else None,
        "industry": row["industry"] or row["account_industry"],
        "city": row["city"],
        "state": row["state"],
        "country": row["country"],
        "product": row["product"],
        "campaign": row["campaign"],
        "lead_source": row["channel"] or row["lead_source"],
        "offer": row["offer"] or row["lead_type"],
        "rep": rep,
    }


def _last_answers(session: Session, kind: str, record_id: int) -> dict:
    """The answers of the record's last call that was not undone."""
    rows = session.execute(_ACTIVITIES[kind], {"record_id": record_id}).all()
    undone = {row.reverses_id for row in rows if row.reverses_id is not None}
    for row in rows:
        if row.answers and row.id not in undone:
            return dict(row.answers)
    return {}


def script_for_record(
    session: Session, kind: str, record_id: int, *, rep_name: str
) -> ScriptView | None:
    """The script for a lead or contact, with its values; None when there is no such record."""
    row = _record_row(session, kind, record_id)
    if row is None:
        return None
    script_id, name, body, questions, qualify = _script_of(session, row)
    parsed, rule = _questions_and_rule(questions, qualify)
    last = _last_answers(session, kind, record_id)
    values = _values(row, rep_name)
    return ScriptView(
        record_kind=kind,
        record_id=record_id,
        script_id=script_id,
        script_name=name,
        campaign=row["campaign"],
        product=values["product"],
        lead_source=values["lead_source"],
        offer=values["offer"],
        sections=sections(body),
        questions=parsed,
        rule=rule,
        values=values,
        score=row["score"],
        email_to=row["email"],
        email_opt_out=row["email_opt_out"],
        email_template=row["email_template"] or None,
        last_answers=last,
    )


def apply_answers(session: Session, record: Lead | Contact, *, answers: dict | None) -> dict | None:
    """Check a call's answers against the record's script; returns them typed for the
    activity (None when there are none). An answer the script cannot take raises
    ScriptError, so nothing of the call is written. The score they give is counted by
    `store/scoring` (each question's latest favourable answer, worth the question's points),
    recomputed in the call's transaction.
    """
    if not answers:
        return None
    kind = "lead" if isinstance(record, Lead) else "contact"
    assert record.id is not None
    row = _record_row(session, kind, record.id)
    assert row is not None
    _id, _name, _body, questions, qualify = _script_of(session, row)
    parsed, _rule = _questions_and_rule(questions, qualify)
    return check_answers(parsed, answers) or None
