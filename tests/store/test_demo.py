"""Demo data: deterministic (per seed, per backend, per number of worker processes), counted
right, and consistent with the rules the queues and reports rely on; refused, with nothing
written, on a database that holds records; rolled back whole when it fails half-way."""

from __future__ import annotations

import shutil
import uuid

import pytest
from sqlalchemy import Engine, inspect, select, text
from sqlmodel import Session, SQLModel

import workstation.store.demo.generate as demo
from tests.conftest import _pg_or_skip
from tests.factories import NOW
from workstation.store import schema
from workstation.store.db import make_engine
from workstation.store.demo.accounts import account_chunk
from workstation.store.demo.generate import DemoError, generate_demo
from workstation.store.demo.leads import LeadContext, lead_chunk
from workstation.store.demo.load import COLUMNS
from workstation.store.demo.plan import CHUNK, clock_for, make_plan
from workstation.store.demo.sqlite_load import SqliteLoader
from workstation.store.models import BUSINESS_TABLES
from workstation.store.reference import LEAD_STATUSES, NURTURING
from workstation.store.sales_hands import IN_SALES_HANDS_SQL
from workstation.store.values.rules import ATTEMPT_CAP

LEADS = 400
CONVERTED = "Qualified – Turned into Opportunity"


def _sqlite_copy(template, directory) -> Engine:
    path = directory / f"{uuid.uuid4().hex}.db"
    shutil.copyfile(template, path)
    return make_engine(f"sqlite:///{path}")


@pytest.fixture(
    scope="module", params=["sqlite", pytest.param("postgres", marks=pytest.mark.postgres)]
)
def loaded(request, migrated_template, tmp_path_factory):
    """(engine, counts) of one demo data set per backend, shared by the read-only tests."""
    if request.param == "sqlite":
        engine = _sqlite_copy(migrated_template, tmp_path_factory.mktemp("demo"))
        yield engine, generate_demo(engine, leads=LEADS, now=NOW)
        engine.dispose()
        return
    base = _pg_or_skip()
    admin = make_engine(base)
    name = f"t_{uuid.uuid4().hex[:12]}"
    with admin.begin() as connection:
        connection.execute(text(f'CREATE SCHEMA "{name}"'))
    separator = "&" if "?" in base else "?"
    engine = make_engine(f"{base}{separator}options=-csearch_path%3D{name}")
    schema.upgrade(engine)
    yield engine, generate_demo(engine, leads=LEADS, now=NOW)
    engine.dispose()
    with admin.begin() as connection:
        connection.execute(text(f'DROP SCHEMA "{name}" CASCADE'))
    admin.dispose()


def _rows(engine: Engine, sql: str, **params) -> list[tuple]:
    with engine.connect() as connection:
        return [tuple(row) for row in connection.execute(text(sql), params)]


def _one(engine: Engine, sql: str, **params):
    return _rows(engine, sql, **params)[0][0]


def _dump(engine: Engine) -> dict[str, list[tuple]]:
    """Every business table, read back through SQLAlchemy (so both backends give the same
    Python values), in id order."""
    tables = SQLModel.metadata.tables
    with engine.connect() as connection:
        return {
            name: [
                tuple(r)
                for r in connection.execute(select(tables[name]).order_by(tables[name].c.id))
            ]
            for name in BUSINESS_TABLES
        }


def _indexes(engine: Engine) -> set[tuple[str, str]]:
    found = inspect(engine)
    return {(t, i["name"]) for t in BUSINESS_TABLES for i in found.get_indexes(t)}


def _sparse_indexes(engine: Engine) -> list[tuple[str, int, float]]:
    """Indexes of 20 pages or more that are over half empty: (name, pages, share empty).
    Keys reaching an index kept during the load at random places split its pages."""
    with engine.connect() as connection:
        return connection.exec_driver_sql(
            "SELECT name, count(*), 1.0 * sum(unused) / sum(pgsize) FROM dbstat "
            "WHERE name IN (SELECT name FROM sqlite_master WHERE type = 'index') "
            "GROUP BY name HAVING count(*) >= 20 AND sum(unused) > sum(pgsize) / 2"
        ).fetchall()


def test_counts_returned_are_the_rows_written_in_realistic_proportions(loaded):
    engine, counts = loaded
    assert set(counts) == {*BUSINESS_TABLES, "campaign_member_status"}
    for table, count in counts.items():
        assert _one(engine, f'SELECT count(*) FROM "{table}"') == count, table
    assert counts["lead"] == LEADS
    assert counts["account"] == LEADS // 5
    assert 0.25 * LEADS <= counts["contact"] <= 0.4 * LEADS
    assert 4 * LEADS <= counts["activity"] <= 6 * LEADS
    assert counts["rep"] == 5 and counts["campaign"] == counts["call_script"] == 12
    assert counts["campaign_member_status"] == 2 * counts["campaign"]


def test_every_lead_status_appears_and_is_open_follows_the_status_flags(loaded):
    """`is_open`: an open status and not a Name (`sales_hands`); Names are nobody's."""
    engine, _ = loaded
    present = {row[0] for row in _rows(engine, "SELECT DISTINCT status FROM lead")}
    assert present == {s["name"] for s in LEAD_STATUSES}
    wrong = f"""SELECT count(*) FROM lead JOIN lead_status ON lead_status.name = lead.status
               WHERE lead.is_open != ({IN_SALES_HANDS_SQL})"""
    assert _one(engine, wrong) == 0
    assert _one(engine, "SELECT count(*) FROM lead WHERE lifecycle_stage = 'Name'") > 0
    owned = "SELECT count(*) FROM lead WHERE lifecycle_stage = 'Name' AND owner_id IS NOT NULL"
    assert _one(engine, owned) == 0


def test_last_activity_and_attempts_agree_with_the_activities(loaded):
    engine, _ = loaded
    for table, key in (("lead", "lead_id"), ("contact", "contact_id")):
        wrong = f"""SELECT count(*) FROM {table} r LEFT JOIN (
                        SELECT {key} AS id, max(occurred_at) AS latest,
                               sum(CASE WHEN kind = 'call' THEN 1 ELSE 0 END) AS calls
                        FROM activity WHERE {key} IS NOT NULL GROUP BY {key}) a ON a.id = r.id
                    WHERE r.last_activity_at IS DISTINCT FROM a.latest
                       OR r.attempt_count != coalesce(a.calls, 0)"""
        if engine.dialect.name == "sqlite":
            wrong = wrong.replace("IS DISTINCT FROM", "IS NOT")
        assert _one(engine, wrong) == 0, table
    assert _one(engine, "SELECT count(*) FROM lead WHERE last_activity_at IS NOT NULL") > 0


def test_no_lead_in_the_sales_queues_is_at_the_attempt_cap(loaded):
    """`n` passes over a lead at the cap for ever: the demo recycles those to Nurture."""
    engine, _ = loaded
    at_cap = f"""SELECT count(*) FROM lead WHERE is_open AND owner_id IS NOT NULL
        AND status != '{NURTURING}' AND attempt_count >= {ATTEMPT_CAP}"""
    assert _one(engine, at_cap) == 0
    assert _one(engine, f"SELECT count(*) FROM lead WHERE status = '{NURTURING}'") > 0


def test_no_contact_in_the_contact_queue_is_at_the_attempt_cap(loaded):
    """Contacts are worked like leads (#17 item 11): `n` passes over one at the cap for
    ever, so the demo's contacts stay under it, calls that followed a converted lead
    included."""
    engine, _ = loaded
    in_queue = """FROM contact WHERE owner_id IS NOT NULL AND active
        AND lifecycle_stage NOT IN ('Rejected', 'Inactive') AND NOT EXISTS (
            SELECT 1 FROM opportunity o WHERE o.account_id = contact.account_id
            AND NOT o.is_closed)"""
    assert _one(engine, f"SELECT count(*) {in_queue} AND attempt_count >= {ATTEMPT_CAP}") == 0
    assert _one(engine, f"SELECT count(*) {in_queue} AND attempt_count > 0") > 0


def test_converted_leads_point_at_their_own_account_contact_and_opportunity(loaded):
    engine, _ = loaded
    converted = _one(engine, "SELECT count(*) FROM lead WHERE is_converted")
    assert converted > 0
    consistent = f"""SELECT count(*) FROM lead l
        JOIN opportunity o ON o.id = l.converted_opportunity_id
        JOIN contact c ON c.id = l.converted_contact_id
        WHERE l.is_converted AND NOT l.is_open AND l.status = '{CONVERTED}'
          AND o.account_id = l.converted_account_id AND c.account_id = l.converted_account_id
          AND c.email = l.email AND o.created_at = l.converted_at
          AND l.created_at < l.converted_at AND l.last_activity_at < l.converted_at"""
    assert _one(engine, consistent) == converted
    assert _one(engine, f"SELECT count(*) FROM lead WHERE status = '{CONVERTED}'") == converted


def test_opportunities_roles_and_customers_are_consistent(loaded):
    engine, _ = loaded
    primaries = """SELECT count(*) FROM (SELECT opportunity_id FROM opportunity_contact_role
                   WHERE is_primary GROUP BY opportunity_id HAVING count(*) > 1) x"""
    assert _one(engine, primaries) == 0
    stages = """SELECT count(*) FROM opportunity o JOIN opportunity_stage s ON s.name = o.stage
                WHERE o.is_closed != s.is_closed OR o.probability != s.probability"""
    assert _one(engine, stages) == 0
    assert {row[0] for row in _rows(engine, "SELECT DISTINCT stage FROM opportunity")} >= {
        "Qualification", "Proposal", "Closed Won", "Closed Lost"}  # fmt: skip
    not_customers = """SELECT count(*) FROM lead l WHERE existing_account_id IS NOT NULL
        AND NOT EXISTS (SELECT 1 FROM opportunity o WHERE o.account_id = l.existing_account_id
                        AND o.stage = 'Closed Won' AND o.amount_cents >= 100)"""
    assert _one(engine, "SELECT count(*) FROM lead WHERE existing_account_id IS NOT NULL") > 0
    assert _one(engine, not_customers) == 0
    graveyard = """SELECT count(*) FROM contact c WHERE NOT EXISTS (SELECT 1 FROM opportunity o
                   WHERE o.account_id = c.account_id AND NOT o.is_closed)"""
    assert _one(engine, graveyard) > 0


def test_reps_pool_untouched_callbacks_and_rejections(loaded):
    engine, _ = loaded
    reps = _rows(engine, "SELECT role, capacity, active FROM rep ORDER BY id")
    assert reps[0][0] == "manager"
    assert all(capacity >= 150 for _, capacity, _ in reps)
    assert any(not active for _, _, active in reps)  # one rep has left the team
    pool = _rows(engine, "SELECT assigned_at, status FROM lead WHERE owner_id IS NULL")
    assert 0.12 * LEADS <= len(pool) <= 0.25 * LEADS
    assert all(assigned is None and status == "Open" for assigned, status in pool)
    assert (
        _one(engine, "SELECT count(*) FROM lead WHERE owner_id IS NOT NULL AND assigned_at IS NULL")
        == 0
    )
    untouched = """SELECT count(*) FROM lead WHERE owner_id IS NOT NULL AND is_open
                   AND (last_activity_at IS NULL OR last_activity_at < assigned_at)"""
    assert _one(engine, untouched) > 0
    due = "SELECT count(*) FROM lead WHERE is_open AND callback_at < :now"
    later = "SELECT count(*) FROM lead WHERE is_open AND callback_at > :now"
    assert _one(engine, due, now=NOW) > 0 and _one(engine, later, now=NOW) > 0
    assert _one(engine, "SELECT count(*) FROM lead WHERE do_not_call") > 0
    rejected = _rows(
        engine, "SELECT lifecycle_stage, is_open FROM lead WHERE rejected_reason IS NOT NULL"
    )
    assert rejected and all(stage == "Rejected" and not is_open for stage, is_open in rejected)


def test_phones_are_e164_and_every_time_is_in_the_past(loaded):
    engine, _ = loaded
    for table in ("lead", "contact", "account"):
        phones = [row[0] for row in _rows(engine, f"SELECT phone FROM {table}")]
        assert phones and all(p.startswith("+") and p[1:].isdigit() for p in phones), table
    data = _dump(engine)
    columns = SQLModel.metadata.tables
    for table, rows in data.items():
        names = [c.name for c in columns[table].columns]
        for name in ("created_at", "occurred_at", "assigned_at", "last_activity_at", "at"):
            if name in names:
                i = names.index(name)
                assert all(row[i] is None or row[i] <= NOW for row in rows), (table, name)


def test_nothing_happens_after_now_even_to_the_newest_leads():
    """In a large set the newest leads arrive seconds before `now`. Built without a database:
    the first chunk of accounts and the last chunk of leads of two million."""
    plan = make_plan(2_000_000, 7, int(NOW.timestamp()))
    accounts = account_chunk(plan, 0)
    context = LeadContext(plan, accounts.customers, accounts.known_contacts)
    leads = lead_chunk(context, 2_000_000 // CHUNK - 1, {})
    latest = clock_for(plan).stamp(plan.now)
    for chunk in (accounts, leads):
        for table, rows in chunk.rows.items():
            names = [spec.rstrip("?") for spec in COLUMNS[table].split()]
            for i, name in enumerate(names):
                # Callbacks and task due dates lie ahead by design.
                if name in ("at", "created_at", "assigned_at", "last_activity_at", "occurred_at"):
                    assert max(row[i] for row in rows) <= latest, (table, name)


def test_history_has_a_status_change_for_every_lead_that_left_open(loaded):
    engine, _ = loaded
    missing = """SELECT count(*) FROM lead l WHERE status != 'Open' AND NOT EXISTS (
                 SELECT 1 FROM history h WHERE h.entity = 'lead' AND h.entity_id = l.id
                 AND h.field = 'status' AND h.new_value = l.status AND h.at <= l.updated_at)"""
    assert _one(engine, missing) == 0


def test_the_database_keeps_its_indexes_constraints_and_settings(loaded):
    engine, counts = loaded
    with engine.connect() as connection:
        if engine.dialect.name == "sqlite":
            assert connection.exec_driver_sql("PRAGMA foreign_key_check").fetchall() == []
            # integrity_check also checks CHECK and NOT NULL constraints.
            assert connection.exec_driver_sql("PRAGMA integrity_check").fetchall() == [("ok",)]
            assert connection.exec_driver_sql("PRAGMA foreign_keys").scalar() == 1
            assert connection.exec_driver_sql("PRAGMA journal_mode").scalar() == "wal"
            assert connection.exec_driver_sql("PRAGMA ignore_check_constraints").scalar() == 0
    expected = {(t.name, i.name) for t in SQLModel.metadata.tables.values() for i in t.indexes}
    assert {pair for pair in expected if pair[0] in BUSINESS_TABLES} <= _indexes(engine)
    # New rows take the next ids (PostgreSQL's sequences were moved past the loaded ids).
    with engine.connect() as connection:
        insert = text(
            "INSERT INTO rep (name, role, capacity, active, created_at) "
            "VALUES ('New Rep', 'rep', 200, true, :now) RETURNING id"
        )
        assert connection.execute(insert, {"now": NOW}).scalar() == counts["rep"] + 1
        connection.rollback()


def test_same_seed_same_rows_other_seed_other_rows_any_number_of_workers(
    migrated_template, tmp_path
):
    engines = [_sqlite_copy(migrated_template, tmp_path) for _ in range(3)]
    generate_demo(engines[0], leads=300, seed=5, now=NOW)
    generate_demo(engines[1], leads=300, seed=5, now=NOW, workers=2)
    generate_demo(engines[2], leads=300, seed=6, now=NOW)
    first, parallel, other = (_dump(e) for e in engines)
    assert first == parallel
    assert first["lead"] != other["lead"] and first["activity"] != other["activity"]
    for engine in engines:
        engine.dispose()


def test_workers_taking_turns_over_several_chunks_write_the_same_rows(migrated_template, tmp_path):
    """Three chunks of leads: the two workers alternate, in two rounds of scratch files, and
    the activities, history and members they write take the ids one process would give."""
    engines = [_sqlite_copy(migrated_template, tmp_path) for _ in range(2)]
    leads = 2 * CHUNK + 1000
    generate_demo(engines[0], leads=leads, seed=4, now=NOW, workers=0)
    generate_demo(engines[1], leads=leads, seed=4, now=NOW, workers=2)
    assert _dump(engines[0]) == _dump(engines[1])
    assert _indexes(engines[0]) == _indexes(engines[1])
    assert _sparse_indexes(engines[1]) == []
    for engine in engines:
        engine.dispose()


class _Built:
    def __init__(self, rows):
        self.rows = rows


def fail_on_second_job(_context, job: int) -> _Built:
    """A chunk builder for `test_a_failing_worker_stops_the_other`; module level, so a
    worker process can import it."""
    if job == 1:
        raise RuntimeError("chunk 1 broke")
    return _Built({"history": [("lead", job, "status", "", "Open", 0, "", "2026-01-01")]})


def test_a_failing_worker_stops_the_other_and_nothing_is_written(sqlite_engine):
    """The worker waiting for the failed chunk's ids gives up instead of waiting forever."""
    names = "SELECT name FROM sqlite_master WHERE type = 'trigger' ORDER BY name"
    with sqlite_engine.connect() as connection:
        triggers = connection.exec_driver_sql(names).all()
    assert len(triggers) > len(BUSINESS_TABLES)  # the guards, at least one a table
    jobs = [(0,), (1,), (2,), (3,)]
    with (
        pytest.raises(RuntimeError, match="chunk 1 broke"),
        SqliteLoader(sqlite_engine, workers=2, chunks=len(jobs)) as loader,
    ):
        list(loader.load(fail_on_second_job, None, jobs).results())
    assert _one(sqlite_engine, "SELECT count(*) FROM history") == 0
    with sqlite_engine.connect() as connection:
        assert connection.exec_driver_sql("PRAGMA foreign_keys").scalar() == 1
        assert connection.exec_driver_sql(names).all() == triggers


def test_sqlite_and_postgresql_get_the_same_rows(sqlite_engine, pg_engine):
    generate_demo(sqlite_engine, leads=200, seed=3, now=NOW)
    generate_demo(pg_engine, leads=200, seed=3, now=NOW)
    assert _dump(sqlite_engine) == _dump(pg_engine)


def test_a_database_with_records_is_refused_and_left_as_it_was(engine):
    generate_demo(engine, leads=100, now=NOW)
    before = {t: _one(engine, f'SELECT count(*) FROM "{t}"') for t in BUSINESS_TABLES}
    indexes = _indexes(engine)
    with pytest.raises(DemoError, match="empty database"):
        generate_demo(engine, leads=100, now=NOW)
    assert {t: _one(engine, f'SELECT count(*) FROM "{t}"') for t in BUSINESS_TABLES} == before
    assert _indexes(engine) == indexes


def test_a_failure_half_way_writes_nothing(engine, monkeypatch):
    indexes = _indexes(engine)

    def broken(*_args):
        raise RuntimeError("generator broke")

    monkeypatch.setattr(demo, "lead_chunk", broken)
    with pytest.raises(RuntimeError, match="generator broke"):
        generate_demo(engine, leads=100, now=NOW)
    assert all(_one(engine, f'SELECT count(*) FROM "{t}"') == 0 for t in BUSINESS_TABLES)
    assert _indexes(engine) == indexes
    if engine.dialect.name == "sqlite":
        with engine.connect() as connection:
            assert connection.exec_driver_sql("PRAGMA foreign_keys").scalar() == 1


def test_too_few_leads_is_refused(sqlite_engine):
    with pytest.raises(DemoError, match="at least"):
        generate_demo(sqlite_engine, leads=10)


def test_every_demo_record_is_in_the_search_index(loaded):
    """The load runs without the triggers that keep the search index: it fills it at the end."""
    from workstation.store.search.find import search

    engine, _counts = loaded
    with engine.connect() as connection:
        lead = connection.exec_driver_sql(
            "SELECT first_name, last_name, email FROM lead ORDER BY id DESC LIMIT 1"
        ).one()
        account = connection.exec_driver_sql("SELECT name FROM account ORDER BY id LIMIT 1").one()
    with Session(engine) as session:
        by_email = search(session, lead.email, limit=50)
        by_name = search(session, account.name, limit=50)
    assert any(hit.kind == "lead" and hit.matched[-1:] == ("email",) for hit in by_email)
    assert any(hit.kind == "account" and hit.name == account.name for hit in by_name)
