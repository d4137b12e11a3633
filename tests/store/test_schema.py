"""Migrations: the schema they build matches the models, reference data is seeded as rows,
and the database itself refuses to delete business records or rewrite history."""

from __future__ import annotations

import pytest
from alembic.autogenerate import compare_metadata
from alembic.migration import MigrationContext
from sqlalchemy import inspect, text
from sqlalchemy.exc import DBAPIError
from sqlmodel import Session, SQLModel

from tests.factories import make_one_of_everything
from workstation.store import reference
from workstation.store.models import BUSINESS_TABLES
from workstation.store.schema import HEAD, current_revision, ensure_current, script_heads


def test_head_constant_names_the_newest_migration():
    assert script_heads() == [HEAD]


EXPRESSION_INDEXES = {"ix_lead_queue", "ix_lead_pool"}  # alembic cannot compare these


def _comparable(obj, name, type_, reflected, compare_to):
    return not (type_ == "index" and name in EXPRESSION_INDEXES)


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
        connection.execute(text(
            "INSERT INTO rep (name, role, capacity, active, created_at) "
            "VALUES ('Old Timer', 'manager', 50, 1, '2025-01-01 00:00:00')"))
        connection.execute(text(
            "INSERT INTO lead (last_name, company, status, is_open, lifecycle_stage, score, "
            "do_not_call, email_opt_out, created_at, attempt_count, is_converted, version, "
            "updated_at, owner_id) VALUES ('Keep', 'Kept Ltd', 'Open', 1, 'Lead', 5, 0, 0, "
            "'2025-01-02 00:00:00', 0, 0, 1, '2025-01-02 00:00:00', 1)"))
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
