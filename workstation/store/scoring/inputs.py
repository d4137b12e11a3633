"""What a score is made from, read from the database: the record's fit values, its calls
(not undone), its campaign responses and its script's questions. One record (`explain`)
or a range of ids (`score --all`) through the same statements, so both read the same
numbers: ages are computed by the database, in days, from the `now` given."""

from __future__ import annotations

import json
from collections.abc import Mapping
from datetime import UTC, datetime
from functools import cache
from typing import Any

from sqlalchemy import Connection, TextClause, text

from workstation.store.scripts.for_record import DEFAULT_NAME, default_script
from workstation.store.scripts.rules import Question, questions_from_list

KINDS = ("lead", "contact")


def _age(dialect: str, column: str) -> str:
    if dialect == "postgresql":
        return (
            f"CAST(EXTRACT(EPOCH FROM (CAST(:now AS TIMESTAMPTZ) - {column})) / 86400.0 AS FLOAT)"
        )
    return f":now - julianday({column})"  # :now as a Julian day number (`now_param`)


def now_param(dialect: str, now: datetime) -> Any:
    """`now` as the age expressions take it."""
    if dialect == "postgresql":
        return now.astimezone(UTC)
    return now.timestamp() / 86400.0 + 2440587.5  # the Unix epoch's Julian day


# The calls (not undone) and the campaign responses of the records from :low to :high.
_CALLS = (
    "FROM activity a WHERE a.{who} IS NOT NULL AND a.{who} BETWEEN :low AND :high "
    "AND a.kind = 'call' AND NOT EXISTS (SELECT 1 FROM activity r "
    "WHERE r.reverses_id IS NOT NULL AND r.reverses_id = a.id)"
)
_RESPONSES = (
    "FROM campaign_member m JOIN campaign c ON c.id = m.campaign_id "
    "WHERE m.{who} IS NOT NULL AND m.{who} BETWEEN :low AND :high AND m.has_responded"
)
_RESPONDED = "COALESCE(m.responded_at, m.created_at)"


@cache
def calls_sql(dialect: str, kind: str) -> TextClause:
    """The calls of the records from :low to :high, not undone, oldest first:
    (record id, disposition, age in days, answers)."""
    who = f"{kind}_id"
    return text(
        f"SELECT a.{who}, a.disposition, {_age(dialect, 'a.occurred_at')}, a.answers "
        f"{_CALLS.format(who=who)} ORDER BY a.{who}, a.occurred_at, a.id"
    )


@cache
def responses_sql(dialect: str, kind: str) -> TextClause:
    """The campaign responses of the records from :low to :high, oldest first:
    (record id, campaign channel, age in days)."""
    who = f"{kind}_id"
    return text(
        f"SELECT m.{who}, c.channel, {_age(dialect, _RESPONDED)} "
        f"{_RESPONSES.format(who=who)} ORDER BY m.{who}, {_RESPONDED}, m.id"
    )


@cache
def behaviour_sql(dialect: str, kind: str) -> TextClause:
    """One record's (:low = :high) calls and responses in one read, in the order of
    `calls_sql` then `responses_sql`: (0, disposition, age, answers) for each call, then
    (1, campaign channel, age, NULL) for each response."""
    who = f"{kind}_id"
    return text(
        f"SELECT 0, a.disposition, {_age(dialect, 'a.occurred_at')}, a.answers, "
        f"a.occurred_at, a.id {_CALLS.format(who=who)} "
        f"UNION ALL SELECT 1, c.channel, {_age(dialect, _RESPONDED)}, NULL, {_RESPONDED}, m.id "
        f"{_RESPONSES.format(who=who)} ORDER BY 1, 5, 6"
    )


# A contact's script is that of its latest campaign membership (as `scripts.for_record`).
CONTACT_CAMPAIGNS = text(
    "SELECT contact_id, campaign_id FROM campaign_member "
    "WHERE contact_id IS NOT NULL AND contact_id BETWEEN :low AND :high "
    "ORDER BY contact_id, created_at, id"
)
_SCRIPTS = text(
    "SELECT c.id, s.questions FROM campaign c JOIN call_script s ON s.id = c.call_script_id"
)
_DEFAULT = text("SELECT questions FROM call_script WHERE name = :name")


def fetch_all(connection: Connection, statement: TextClause, params: dict) -> list[tuple]:
    """The statement's rows as the driver gives them: SQLAlchemy's row-by-row processing
    would cost more than the scoring of the 5M calls of data set L."""
    compiled = statement.compile(dialect=connection.dialect)
    values: Any = compiled.construct_params(params)
    if compiled.positiontup:
        values = tuple(values[name] for name in compiled.positiontup)
    cursor = connection.connection.cursor()
    try:
        cursor.execute(str(compiled), values)
        return list(cursor.fetchall())
    finally:
        cursor.close()


def answers_of(raw: Any) -> Mapping | None:
    """A call's answers as stored (JSON text on SQLite, parsed on PostgreSQL)."""
    if raw is None or raw == "null":
        return None
    value = json.loads(raw) if isinstance(raw, str) else raw
    return value if isinstance(value, dict) and value else None


def _questions(raw: Any) -> tuple[Question, ...]:
    if isinstance(raw, str):
        raw = json.loads(raw)
    try:
        return questions_from_list(list(raw or []))
    except Exception:  # a script that no longer reads scores nothing rather than failing
        return ()


# One record's script questions in one read: its campaign's script (rank 0) if that
# campaign has one, else the stored default script (rank 1); `Scripts.questions` alike.
_ONE_SCRIPT = (
    "SELECT 0, s.questions FROM campaign c JOIN call_script s ON s.id = c.call_script_id "
    "WHERE c.id = {campaign} "
    "UNION ALL SELECT 1, questions FROM call_script WHERE name = :name"
)
_LEAD_SCRIPT = text(_ONE_SCRIPT.format(campaign=":campaign"))
# A contact's campaign: its latest membership (the last row of CONTACT_CAMPAIGNS).
_CONTACT_SCRIPT = text(_ONE_SCRIPT.format(campaign=(
    "(SELECT m.campaign_id FROM campaign_member m WHERE m.contact_id = :contact "
    "ORDER BY m.created_at DESC, m.id DESC LIMIT 1)"
)))  # fmt: skip


def script_questions(
    connection: Connection, *, campaign_id: int | None = None, contact_id: int | None = None
) -> tuple[Question, ...]:
    """The questions scoring one record's answers: a lead's (its `campaign_id`) or a
    contact's (`contact_id`): what `Scripts` gives for all, in one statement."""
    if contact_id is not None:
        rows = connection.execute(_CONTACT_SCRIPT, {"contact": contact_id, "name": DEFAULT_NAME})
    else:
        rows = connection.execute(_LEAD_SCRIPT, {"campaign": campaign_id, "name": DEFAULT_NAME})
    found: dict[int, Any] = {}
    for rank, raw in rows:
        found.setdefault(rank, raw)
    if 0 in found:
        return _questions(found[0])
    return _questions(found[1]) if 1 in found else _questions(default_script().questions)


class Scripts:
    """Each campaign's script questions, and the default script's, read once."""

    def __init__(self, connection: Connection) -> None:
        self.by_campaign = {row[0]: _questions(row[1]) for row in connection.execute(_SCRIPTS)}
        stored = connection.execute(_DEFAULT, {"name": DEFAULT_NAME}).first()
        self.default = (
            _questions(stored[0]) if stored is not None else _questions(default_script().questions)
        )

    def questions(self, campaign_id: int | None) -> tuple[Question, ...]:
        return self.by_campaign.get(campaign_id, self.default) if campaign_id else self.default
