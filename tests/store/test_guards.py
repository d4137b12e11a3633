"""The database refuses what the store never does: deleting, truncating, replacing or
dropping business records and lookup rows, whoever asks (on PostgreSQL even the owner)."""

from __future__ import annotations

import pytest
from sqlalchemy import exc, text
from sqlmodel import Session

from tests.factories import make_one_of_everything
from workstation.store.db import make_engine
from workstation.store.guards import LOOKUP_TABLES
from workstation.store.models import BUSINESS_TABLES
from workstation.store.schema import upgrade


@pytest.fixture
def filled(engine):
    with Session(engine) as session:
        make_one_of_everything(session)
        session.execute(
            text(
                "INSERT INTO campaign_member_status (campaign_id, label, sort_order, is_default, "
                "has_responded) VALUES "
                "((SELECT min(id) FROM campaign), 'Sent', 1, false, false)"
            )
        )
        session.commit()
    return engine


def _refused(engine, sql: str, match: str = "not allowed") -> None:
    with pytest.raises(exc.DBAPIError, match=match), engine.begin() as connection:
        connection.execute(text(sql))


@pytest.mark.parametrize("table", LOOKUP_TABLES)
def test_lookup_rows_are_never_deleted(filled, table):
    with filled.connect() as connection:
        before = connection.execute(text(f"SELECT count(*) FROM {table}")).scalar()
    assert before
    _refused(filled, f"DELETE FROM {table}")


@pytest.mark.postgres
@pytest.mark.parametrize("table", (*BUSINESS_TABLES, *LOOKUP_TABLES))
def test_postgresql_refuses_truncate_even_to_the_owner(pg_engine, table):
    with Session(pg_engine) as session:
        make_one_of_everything(session)
        session.commit()
    _refused(pg_engine, f'TRUNCATE "{table}" CASCADE')


@pytest.mark.parametrize(
    "sql",
    [
        "REPLACE INTO history (id, entity, entity_id, field, new_value, at) "
        "SELECT id, entity, entity_id, field, 'Rewritten', at FROM history",
        "INSERT OR REPLACE INTO lead (id, last_name, company, status, is_open, "
        "lifecycle_stage, score, do_not_call, email_opt_out, created_at, attempt_count, "
        "is_converted, version, updated_at) SELECT id, 'Wiped', 'Wiped', status, is_open, "
        "lifecycle_stage, 0, 0, 0, created_at, 0, 0, version, updated_at FROM lead",
        "INSERT OR REPLACE INTO disposition SELECT * FROM disposition",
    ],
    ids=["replace-history", "insert-or-replace-lead", "replace-lookup"],
)
def test_sqlite_refuses_replace(sqlite_engine, sql):
    with Session(sqlite_engine) as session:
        make_one_of_everything(session)
        session.commit()
    with sqlite_engine.connect() as connection:
        before = connection.execute(text("SELECT * FROM lead")).all()
    _refused(sqlite_engine, sql)
    with sqlite_engine.connect() as connection:
        assert connection.execute(text("SELECT * FROM lead")).all() == before
        assert connection.execute(text("SELECT count(*) FROM history")).scalar() == 1


@pytest.mark.parametrize(
    "sql",
    [
        "DROP TABLE history",
        "ALTER TABLE history RENAME TO old_history",
        "ALTER TABLE history DROP COLUMN reason",
    ],
)
def test_sqlite_connections_of_the_store_refuse_drops(sqlite_engine, sql):
    _refused(sqlite_engine, sql, match="not authorized")
    with sqlite_engine.connect() as connection:
        assert connection.execute(text("SELECT count(*) FROM history")).scalar() == 0


def test_migrations_may_still_rebuild_tables(tmp_path):
    engine = make_engine(f"sqlite:///{tmp_path / 'old.db'}")
    upgrade(engine, "0004")
    upgrade(engine)  # 0005 rebuilds tables (drop, create, rename)
    _refused(engine, "DROP TABLE lead", match="not authorized")
    engine.dispose()


def test_names_that_fold_alike_are_told_apart_by_the_upgrade(tmp_path):
    engine = make_engine(f"sqlite:///{tmp_path / 'old.db'}")
    upgrade(engine, "0008")
    with engine.begin() as connection:
        for name in ("Émile Zola", "ÉMILE ZOLA", "Ана"):
            connection.execute(
                text(
                    "INSERT INTO rep (name, role, capacity, active, created_at) "
                    "VALUES (:name, 'manager', 5, 1, '2026-01-01 00:00:00')"
                ),
                {"name": name},
            )
    upgrade(engine)
    with engine.connect() as connection:
        reps = connection.execute(text("SELECT name, name_key FROM rep ORDER BY id")).all()
        renamed = connection.execute(
            text("SELECT old_value, new_value FROM history WHERE field = 'name'")
        ).all()
    assert reps == [
        ("Émile Zola", "émile zola"),
        ("ÉMILE ZOLA (#2)", "émile zola (#2)"),
        ("Ана", "ана"),
    ]
    assert renamed == [("ÉMILE ZOLA", "ÉMILE ZOLA (#2)")]
    engine.dispose()
