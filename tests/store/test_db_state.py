"""Databases in a state this version cannot simply use: stamped by a newer version, holding no
workstation schema, or read-only. Each is refused in one `DatabaseError` naming it, and left
as it was; a read-only SQLite file can still be read."""

from __future__ import annotations

import hashlib

import pytest
from sqlalchemy import text

from tests.read_only import read_only
from workstation.store.db import make_engine, safe_url
from workstation.store.errors import DatabaseError
from workstation.store.schema import HEAD, current_revision, open_engine, schema_state


def _stamp(url: str, revision: str) -> None:
    engine = make_engine(url)
    with engine.begin() as connection:
        connection.execute(text("UPDATE alembic_version SET version_num = :r"), {"r": revision})
    engine.dispose()


def test_a_database_from_a_newer_version_is_refused_by_name_and_revision(db_url):
    _stamp(db_url, "0099")
    with pytest.raises(DatabaseError) as refused:
        open_engine(db_url)
    said = str(refused.value)
    where = safe_url(db_url).removeprefix("sqlite:///")
    assert where in said and "revision 0099" in said and f"up to {HEAD}" in said
    engine = make_engine(db_url)
    assert current_revision(engine) == "0099"  # not "upgraded", not touched
    assert schema_state(engine) == ("0099", "ahead")
    engine.dispose()


def test_schema_state_says_behind_only_for_a_known_older_revision(db_url):
    engine = make_engine(db_url)
    assert schema_state(engine) == (HEAD, "current")
    engine.dispose()
    _stamp(db_url, "0001")
    engine = make_engine(db_url)
    assert schema_state(engine) == ("0001", "behind")
    engine.dispose()


@pytest.mark.postgres
def test_an_empty_postgresql_schema_is_made_a_workstation_database_only_on_request(pg_url):
    engine = make_engine(pg_url)
    with engine.begin() as connection:
        connection.execute(text("DROP TABLE alembic_version"))
    engine.dispose()
    with pytest.raises(DatabaseError, match="holds no workstation database"):
        open_engine(pg_url)
    engine = make_engine(pg_url)
    assert current_revision(engine) is None  # nothing was migrated
    engine.dispose()


@pytest.mark.parametrize("how", ["file", "filesystem"])
def test_a_read_only_sqlite_file_is_read_and_never_written(sqlite_url, tmp_path, how):
    path = tmp_path / "workstation.db"
    before = hashlib.sha256(path.read_bytes()).hexdigest()
    with read_only(path, how=how) as where:
        url = f"sqlite:///{where}"
        engine = open_engine(url)
        with engine.connect() as connection:
            assert connection.execute(text("SELECT count(*) FROM lead_status")).scalar() > 0
        with pytest.raises(DatabaseError) as refused, engine.begin() as connection:
            connection.execute(text("UPDATE rep SET capacity = 1"))
        assert str(where) in str(refused.value) and "read-only" in str(refused.value)
        engine.dispose()
    assert hashlib.sha256(path.read_bytes()).hexdigest() == before


def test_a_read_only_file_behind_the_schema_is_refused_not_half_upgraded(sqlite_url, tmp_path):
    path = tmp_path / "workstation.db"
    _stamp(sqlite_url, "0007")
    with read_only(path, how="file") as where, pytest.raises(DatabaseError) as refused:
        open_engine(f"sqlite:///{where}")
    said = str(refused.value)
    assert "read-only" in said and "0007" in said and HEAD in said
