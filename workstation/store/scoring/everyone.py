"""`workstation score --all`: everyone's score recomputed, in batches by id.

Each batch reads its records, then their calls and responses by id range (one statement
each, served by the activity and membership indexes), scores them with the rules loaded
once (`parts.score_of`, as `explain` does) and writes only the scores that changed, with
one executemany, committed per batch. Converted leads keep theirs: their contact carries
on. Nothing else of a record changes (no version, so a rep's open edit stays valid).
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from datetime import datetime

from sqlalchemy import Connection, Engine, text
from sqlmodel import Session

from workstation.store.scoring.explain import CONTACT_FIT, LEAD_FIT
from workstation.store.scoring.inputs import (
    CONTACT_CAMPAIGNS,
    Scripts,
    answers_of,
    calls_sql,
    fetch_all,
    now_param,
    responses_sql,
)
from workstation.store.scoring.parts import total_of
from workstation.store.scoring.rules import Rules, load_rules

BATCH = 5000
Progress = Callable[[str, int, int], None]

_RECORDS = {
    "lead": text(
        f"SELECT id, score, campaign_id, {', '.join(LEAD_FIT)} FROM lead "
        "WHERE NOT is_converted AND id > :after ORDER BY id LIMIT :batch"
    ),
    "contact": text(
        "SELECT c.id, c.score, NULL AS campaign_id, "
        f"{', '.join('c.' + name for name in CONTACT_FIT)}, a.industry, a.employees "
        "FROM contact c LEFT JOIN account a ON a.id = c.account_id "
        "WHERE c.id > :after ORDER BY c.id LIMIT :batch"
    ),
}
_FIELDS = {"lead": LEAD_FIT, "contact": (*CONTACT_FIT, "industry", "employees")}
_COUNT = {
    "lead": text("SELECT count(*) FROM lead WHERE NOT is_converted"),
    "contact": text("SELECT count(*) FROM contact"),
}
_WRITE = {kind: text(f"UPDATE {kind} SET score = :score WHERE id = :id") for kind in _FIELDS}
_STAGE = {"lead": "Scoring leads", "contact": "Scoring contacts"}


@dataclass(frozen=True, slots=True)
class Rescored:
    leads: int
    contacts: int
    changed: int


def rescore_all(
    engine: Engine, *, now: datetime, progress: Progress | None = None, batch: int = BATCH
) -> Rescored:
    """Recompute and store every lead's (not converted) and contact's score at `now`."""
    with Session(engine) as session:
        rules = load_rules(session)
    seen = {"lead": 0, "contact": 0}
    changed = 0
    for kind in ("lead", "contact"):
        with engine.connect() as connection:
            total = connection.execute(_COUNT[kind]).scalar_one()
            scripts = Scripts(connection)
        after = 0
        while True:
            with engine.begin() as connection:
                rows = fetch_all(connection, _RECORDS[kind], {"after": after, "batch": batch})
                if not rows:
                    break
                writes = _batch(connection, kind, rows, rules, scripts, now)
                if writes:
                    connection.execute(_WRITE[kind], writes)
            changed += len(writes)
            seen[kind] += len(rows)
            after = rows[-1][0]
            if progress:
                progress(_STAGE[kind], seen[kind], total)
    return Rescored(seen["lead"], seen["contact"], changed)


def _batch(
    connection: Connection, kind: str, rows: list, rules: Rules, scripts: Scripts,
    now: datetime,
) -> list[dict]:  # fmt: skip
    dialect = connection.dialect.name
    params = {"low": rows[0][0], "high": rows[-1][0], "now": now_param(dialect, now)}
    calls: dict[int, list] = {}
    answered: dict[int, list] = {}
    for record_id, disposition, age, raw in fetch_all(connection, calls_sql(dialect, kind), params):
        calls.setdefault(record_id, []).append((disposition, float(age)))
        if raw is not None and raw != "null":
            answers = answers_of(raw)
            if answers:
                answered.setdefault(record_id, []).append((answers, float(age)))
    responses: dict[int, list] = {}
    for record_id, channel, age in fetch_all(connection, responses_sql(dialect, kind), params):
        responses.setdefault(record_id, []).append((channel, float(age)))
    campaigns: dict[int, int] = {}
    if kind == "contact" and answered:
        campaigns = {row[0]: row[1] for row in connection.execute(CONTACT_CAMPAIGNS, params)}
    fields = _FIELDS[kind]
    writes = []
    for row in rows:
        record_id, stored, campaign = row[0], row[1], row[2]
        questions: tuple = ()
        if record_id in answered:
            questions = scripts.questions(campaign if kind == "lead" else campaigns.get(record_id))
        score = total_of(
            rules, dict(zip(fields, row[3:], strict=True)), calls.get(record_id, ()),
            responses.get(record_id, ()), questions, answered.get(record_id, ()),
        )  # fmt: skip
        if score != stored:
            writes.append({"score": score, "id": record_id})
    return writes
