"""One record's score: `explain` lists the parts, `rescore` stores their sum. Call
`rescore` inside the transaction that changed an input (a call, an undo, a response, an
edit of a fit field, a conversion): the score commits with it."""

from __future__ import annotations

from collections.abc import Iterable
from datetime import datetime
from typing import Any

from sqlalchemy import Connection, Engine
from sqlmodel import Session

from workstation.store.db import write_session
from workstation.store.errors import StoreError
from workstation.store.models import Account, Contact, Lead
from workstation.store.permissions import lock_person, require_active
from workstation.store.scoring.inputs import (
    answers_of,
    behaviour_sql,
    now_param,
    script_questions,
)
from workstation.store.scoring.parts import Score, score_of
from workstation.store.scoring.rules import Rules, load_rules

LEAD_FIT = ("title", "industry", "employees", "country", "state", "lead_source", "lead_type")
CONTACT_FIT = ("title", "country", "state", "lead_source")  # industry, size: the account's


def fit_values(session: Session, record: Lead | Contact) -> dict[str, Any]:
    if isinstance(record, Lead):
        return {name: getattr(record, name) for name in LEAD_FIT}
    values: dict[str, Any] = {name: getattr(record, name) for name in CONTACT_FIT}
    account = session.get(Account, record.account_id) if record.account_id else None
    values["industry"] = account.industry if account else None
    values["employees"] = account.employees if account else None
    return values


def explain(
    session: Session, record: Lead | Contact, now: datetime, rules: Rules | None = None
) -> Score:
    """How the record's score is made at `now`: each rule that counts and its points."""
    rules = rules or load_rules(session)
    kind = "lead" if isinstance(record, Lead) else "contact"
    connection = session.connection()
    dialect = connection.dialect.name
    params = {"low": record.id, "high": record.id, "now": now_param(dialect, now)}
    calls, answered, responses = [], [], []
    for part, value, age, raw, _at, _id in connection.execute(behaviour_sql(dialect, kind), params):
        if part:
            responses.append((value, float(age)))
            continue
        calls.append((value, float(age)))
        answers = answers_of(raw)
        if answers:
            answered.append((answers, float(age)))
    questions: tuple = ()
    if answered:
        questions = (
            script_questions(connection, campaign_id=record.campaign_id)
            if isinstance(record, Lead)
            else script_questions(connection, contact_id=record.id)
        )
    return score_of(rules, fit_values(session, record), calls, responses, questions, answered)


def rescore(session: Session, record: Lead | Contact, now: datetime) -> Score:
    """Recompute the record's score and set it (the caller's transaction writes it)."""
    session.flush()  # the call, response or edit that changed it is read back
    score = explain(session, record, now)
    if record.score != score.total:
        record.score = score.total
        session.add(record)
    return score


def rescore_people(connection: Connection, who: Iterable[tuple[str, int]], now: datetime) -> None:
    """Rescore these (kind, id) in the caller's transaction, the rules loaded once; a
    converted lead keeps its score (its contact carries on)."""
    who = sorted(who)
    if not who:
        return
    with Session(bind=connection) as session:
        rules = load_rules(session)
        for kind, record_id in who:
            record: Lead | Contact | None = (
                session.get(Lead, record_id) if kind == "lead" else session.get(Contact, record_id)
            )
            if record is None or (isinstance(record, Lead) and record.is_converted):
                continue
            score = explain(session, record, now, rules)
            if record.score != score.total:
                record.score = score.total
        session.flush()


def rescore_record(
    engine: Engine, *, kind: str, record_id: int, rep_id: int | None, at: datetime
) -> Score:
    """`workstation score ID`: recompute one lead's or contact's score at `at`, store it,
    and say how it is made. One transaction."""
    with write_session(engine) as session:
        require_active(session, rep_id, "rescore records")
        record, locked = lock_person(session, kind, record_id)
        if record is None:
            raise StoreError(f"there is no {kind} {record_id}")
        if not locked:  # row-level security: another rep's, to read, not change
            raise StoreError(f"this database login may not change {kind} {record_id}")
        if isinstance(record, Lead) and record.is_converted:
            raise StoreError(
                f"lead {record_id} was converted: its contact {record.converted_contact_id} "
                "is scored (--contact)"
            )
        return rescore(session, record, at)
