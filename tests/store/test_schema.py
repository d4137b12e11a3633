"""Migrations: the schema they build matches the models, reference data is seeded as rows,
and the database itself refuses to delete business records or rewrite history."""

from __future__ import annotations

from datetime import timedelta

import pytest
from alembic.autogenerate import compare_metadata
from alembic.migration import MigrationContext
from sqlalchemy import event, inspect, select, text
from sqlalchemy.exc import DBAPIError, IntegrityError
from sqlmodel import Session, SQLModel

from tests.factories import NOW, insert_lead, make_lead, make_one_of_everything, make_rep
from workstation.store import reference
from workstation.store.calling.dispositions import log_call
from workstation.store.calling.undo import undo_last_call
from workstation.store.models import BUSINESS_TABLES, Lead
from workstation.store.schema import HEAD, current_revision, ensure_current, script_heads
from workstation.store.search.index import SEARCH_INDEXES, SEARCH_TABLES


def test_head_constant_names_the_newest_migration():
    assert script_heads() == [HEAD]


EXPRESSION_INDEXES = {
    "ix_lead_queue",
    "ix_lead_pool",
    "ix_lead_names",
}  # alembic cannot compare these


def _comparable(obj, name, type_, reflected, compare_to):
    """Not the search index: made in SQL by its migration (an FTS5 table and its shadow
    tables; trigram indexes on expressions), with no model."""
    if type_ == "table" and name.startswith(SEARCH_TABLES):
        return False
    return not (type_ == "index" and name in {*EXPRESSION_INDEXES, *SEARCH_INDEXES})


def test_migrations_build_exactly_the_models(engine):
    with engine.connect() as connection:
        context = MigrationContext.configure(
            connection, opts={"compare_type": True, "include_object": _comparable}
        )
        differences = compare_metadata(context, SQLModel.metadata)
        inspector = inspect(connection)
        for table in SQLModel.metadata.sorted_tables:
            in_models = {index.name for index in table.indexes}
            in_database = {index["name"] for index in inspector.get_indexes(table.name)}
            assert in_models <= in_database, table.name
    assert differences == []


def test_reference_rows_are_seeded(engine):
    with engine.connect() as connection:
        for model, rows in reference.SEED_ROWS.items():
            table = model.__table__.name
            assert connection.execute(text(f"SELECT count(*) FROM {table}")).scalar() == len(rows)
        default = (
            connection.execute(text("SELECT name FROM lead_status WHERE is_default"))
            .scalars()
            .all()
        )
        assert default == [reference.DEFAULT_STATUS]
        hotkeys = connection.execute(text("SELECT hotkey FROM disposition")).scalars().all()
        assert sorted(hotkeys) == [str(n) for n in range(1, 9)]


def test_ensure_current_is_a_no_op_on_a_current_database(engine):
    assert current_revision(engine) == HEAD
    assert ensure_current(engine) is False
    with engine.connect() as connection:  # seeding again adds nothing
        assert reference.seed_missing(connection) == 0


@pytest.mark.parametrize("table", BUSINESS_TABLES)
def test_database_refuses_to_delete_business_records(engine, table):
    with Session(engine) as session:
        make_one_of_everything(session)
        session.commit()
    with engine.connect() as connection:
        before = connection.execute(text(f'SELECT count(*) FROM "{table}"')).scalar()
    assert before > 0
    with pytest.raises(DBAPIError, match="never removed"), engine.begin() as connection:
        connection.execute(text(f'DELETE FROM "{table}"'))
    with engine.connect() as connection:
        assert connection.execute(text(f'SELECT count(*) FROM "{table}"')).scalar() == before


def test_history_cannot_be_rewritten(engine):
    with engine.begin() as connection:
        connection.execute(
            text(
                "INSERT INTO history (entity, entity_id, field, new_value, at) "
                "VALUES ('lead', 1, 'status', 'Open', CURRENT_TIMESTAMP)"
            )
        )
    with pytest.raises(DBAPIError, match="UPDATE on history"), engine.begin() as connection:
        connection.execute(text("UPDATE history SET new_value = 'Bad Data'"))


def test_upgrading_an_older_database_keeps_its_data(tmp_path):
    """R9: a database left at the first revision, with records in it, upgrades intact."""
    from workstation.store.db import make_engine
    from workstation.store.schema import upgrade

    engine = make_engine(f"sqlite:///{tmp_path / 'old.db'}")
    upgrade(engine, "0001")
    assert current_revision(engine) == "0001"
    with engine.begin() as connection:
        connection.execute(
            text(
                "INSERT INTO rep (name, role, capacity, active, created_at) "
                "VALUES ('Old Timer', 'manager', 50, 1, '2025-01-01 00:00:00')"
            )
        )
        connection.execute(
            text(
                "INSERT INTO lead (last_name, company, status, is_open, lifecycle_stage, score, "
                "do_not_call, email_opt_out, created_at, attempt_count, is_converted, version, "
                "updated_at, owner_id) VALUES ('Keep', 'Kept Ltd', 'Open', 1, 'Lead', 5, 0, 0, "
                "'2025-01-02 00:00:00', 0, 0, 1, '2025-01-02 00:00:00', 1)"
            )
        )
    assert ensure_current(engine) is True
    assert current_revision(engine) == HEAD
    with engine.connect() as connection:
        assert connection.execute(text("SELECT name FROM rep")).scalar() == "Old Timer"
        assert connection.execute(text("SELECT company FROM lead")).scalar() == "Kept Ltd"
        columns = {c["name"] for c in inspect(connection).get_columns("activity")}
        assert "prior_state" in columns
    with pytest.raises(DBAPIError, match="never removed"), engine.begin() as connection:
        connection.execute(text("DELETE FROM activity WHERE 1 = 0 OR 1 = 1"))
        connection.execute(text("DELETE FROM lead"))
    engine.dispose()


def test_upgrading_to_partial_unique_external_ids_keeps_rows_ids_and_guards(tmp_path):
    """0005 rebuilds the tables whose external ids were unique by a table constraint."""
    from workstation.store.db import make_engine
    from workstation.store.schema import upgrade

    engine = make_engine(f"sqlite:///{tmp_path / 'old.db'}")
    upgrade(engine, "0004")
    with Session(engine) as session:
        make_one_of_everything(session)
        insert_lead(session, id=41, external_id="00Q000000000041")
        session.commit()
    tables = [t for t in BUSINESS_TABLES if t != "history"]
    with engine.connect() as connection:
        old_columns = {t: [c["name"] for c in inspect(connection).get_columns(t)] for t in tables}
    # The columns 0004 had: later revisions add some.
    selects = {t: f'SELECT {", ".join(old_columns[t])} FROM "{t}" ORDER BY id' for t in tables}
    with engine.connect() as connection:
        before = {t: connection.execute(text(selects[t])).all() for t in tables}
    upgrade(engine)
    with engine.connect() as connection:
        after = {t: connection.execute(text(selects[t])).all() for t in tables}
        assert connection.exec_driver_sql("PRAGMA foreign_keys").scalar() == 1
        assert connection.exec_driver_sql("PRAGMA integrity_check").scalar() == "ok"
        assert connection.exec_driver_sql("PRAGMA foreign_key_check").all() == []
        autoindexes = connection.exec_driver_sql(
            "SELECT name FROM sqlite_master WHERE tbl_name = 'lead' AND name LIKE 'sqlite_auto%'"
        ).all()
    assert after == before and autoindexes == []
    with pytest.raises(IntegrityError), Session(engine) as session:
        make_lead(session, external_id="00Q000000000041")
    for table in ("lead", "activity"):
        with pytest.raises(DBAPIError, match="never removed"), engine.begin() as connection:
            connection.execute(text(f'DELETE FROM "{table}"'))
    engine.dispose()


def test_external_ids_are_unique_among_the_records_that_have_one(engine):
    with Session(engine) as session:
        make_lead(session)
        make_lead(session)  # any number of records without one
        make_lead(session, external_id="00Q000000000001")
        session.commit()
    with pytest.raises(IntegrityError), Session(engine) as session:
        make_lead(session, external_id="00Q000000000001")


def _plan(engine, statement: str, parameters) -> list[str]:
    with engine.connect() as connection:
        rows = connection.exec_driver_sql(f"EXPLAIN QUERY PLAN {statement}", parameters)
        return [row[3] for row in rows]


def test_lookups_by_external_id_use_the_partial_unique_index(sqlite_engine):
    statement = select(Lead.id).where(Lead.external_id.in_(["a", "b"]))
    compiled = statement.compile(sqlite_engine, compile_kwargs={"render_postcompile": True})
    parameters = tuple(compiled.params[name] for name in compiled.positiontup)
    plan = _plan(sqlite_engine, str(compiled), parameters)
    assert any("ux_lead_external_id" in step for step in plan), plan


def test_undo_finds_the_reps_last_call_through_the_partial_index(sqlite_engine):
    """ix_activity_rep holds only undoable calls: the undo query still uses it."""
    with Session(sqlite_engine) as session:
        rep = make_rep(session).id
        lead = make_lead(session, owner_id=rep).id
        session.commit()
    log_call(sqlite_engine, rep_id=rep, lead_id=lead, disposition="4", now=NOW)
    seen: list[tuple] = []

    def capture(_connection, _cursor, statement, parameters, _context, _many):
        if "prior_state IS NOT NULL" in statement:
            seen.append((statement, parameters))

    event.listen(sqlite_engine, "before_cursor_execute", capture)
    try:
        undo_last_call(sqlite_engine, rep_id=rep, now=NOW + timedelta(seconds=5))
    finally:
        event.remove(sqlite_engine, "before_cursor_execute", capture)
    [(statement, parameters)] = seen
    plan = _plan(sqlite_engine, statement, parameters)
    assert any("USING INDEX ix_activity_rep" in step for step in plan), plan


def test_upgrading_keeps_one_reversal_of_a_call_reversed_twice(tmp_path):
    """0008: a call two undos reversed (before the unique index) keeps its first reversal;
    the second stays, as a note that no longer points at it."""
    from workstation.store.db import make_engine
    from workstation.store.schema import upgrade

    engine = make_engine(f"sqlite:///{tmp_path / 'old.db'}")
    upgrade(engine, "0007")
    insert_activity = (
        "INSERT INTO activity (id, kind, subject, notes, occurred_at, reverses_id) "
        "VALUES (:id, :kind, '', '', '2026-11-23 15:00:00', :reverses)"
    )
    with engine.begin() as connection:
        for row in ({"id": 1, "kind": "call", "reverses": None},
                    {"id": 2, "kind": "note", "reverses": 1},
                    {"id": 3, "kind": "note", "reverses": 1}):  # fmt: skip
            connection.execute(text(insert_activity), row)
    upgrade(engine)
    with engine.connect() as connection:
        rows = connection.execute(text("SELECT id, reverses_id FROM activity ORDER BY id"))
        assert rows.all() == [(1, None), (2, 1), (3, None)]
    engine.dispose()


def test_upgrading_stores_the_possible_zones_of_leads_with_no_zone(tmp_path):
    """0017: a lead with no zone gets every zone it may be in (the PostgreSQL claim's
    window); one with a zone, or with nothing that tells, gets none."""
    from workstation.store.db import make_engine
    from workstation.store.schema import upgrade

    engine = make_engine(f"sqlite:///{tmp_path / 'old.db'}")
    upgrade(engine, "0016_opportunity_moves")
    with Session(engine) as session:
        mobile = insert_lead(session, phone="+61412345678")
        zoned = insert_lead(session, phone="+61412345679", time_zone="Australia/Perth")
        unknown = insert_lead(session, country="Narnia")
        session.commit()
    upgrade(engine)
    with engine.connect() as connection:
        rows = dict(connection.execute(text("SELECT id, possible_zones FROM lead")).all())
    engine.dispose()
    assert {"Australia/Perth", "Australia/Sydney"} <= set(rows[mobile].split())
    assert rows[zoned] is None and rows[unknown] is None
