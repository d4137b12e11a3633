"""The engine factory: private SQLite files, connection settings, URLs shown safely."""

from __future__ import annotations

import stat

from sqlalchemy import text

from workstation.store.db import make_engine, safe_url, write_session
from workstation.store.schema import upgrade


def _mode(path) -> int:
    return stat.S_IMODE(path.stat().st_mode)


def test_sqlite_file_and_its_wal_and_shm_are_private(tmp_path):
    path = tmp_path / "sub" / "new.db"
    engine = make_engine(f"sqlite:///{path}")
    upgrade(engine)
    with write_session(engine) as session:
        session.execute(
            text(
                "INSERT INTO rep (name, role, capacity, active, created_at) "
                "VALUES ('A', 'rep', 5, 1, '2026-01-01 00:00:00')"
            )
        )
        # Inside an open write transaction the WAL and shared-memory files exist.
        for companion in ("new.db", "new.db-wal", "new.db-shm"):
            assert _mode(path.parent / companion) == 0o600, companion
    engine.dispose()


def test_existing_loose_file_is_tightened(tmp_path):
    path = tmp_path / "loose.db"
    path.touch(mode=0o644)
    path.chmod(0o644)
    make_engine(f"sqlite:///{path}").dispose()
    assert _mode(path) == 0o600


def test_sqlite_connection_settings(sqlite_engine):
    with sqlite_engine.connect() as connection:
        assert connection.execute(text("PRAGMA foreign_keys")).scalar() == 1
        assert connection.execute(text("PRAGMA journal_mode")).scalar() == "wal"
        assert connection.execute(text("PRAGMA busy_timeout")).scalar() >= 5000


def test_write_session_takes_the_write_lock_at_begin(sqlite_url):
    first, second = make_engine(sqlite_url), make_engine(sqlite_url)
    with write_session(first):
        raw = second.raw_connection()
        raw.driver_connection.execute("PRAGMA busy_timeout=0")
        try:
            raw.driver_connection.execute("BEGIN IMMEDIATE")
        except Exception as error:  # the lock is held by the first writer
            assert "locked" in str(error)
        else:
            raise AssertionError("a second writer got the lock while the first held it")
        finally:
            raw.close()
    first.dispose()
    second.dispose()


def test_write_session_rolls_back_on_error(sqlite_engine):
    try:
        with write_session(sqlite_engine) as session:
            session.execute(
                text(
                    "INSERT INTO rep (name, role, capacity, active, created_at) "
                    "VALUES ('Gone', 'rep', 5, 1, '2026-01-01 00:00:00')"
                )
            )
            raise RuntimeError("boom")
    except RuntimeError:
        pass
    with sqlite_engine.connect() as connection:
        assert connection.execute(text("SELECT count(*) FROM rep")).scalar() == 0


def test_safe_url_masks_the_password():
    shown = safe_url("postgresql://crm:s3cret@db.example/crm")
    assert "s3cret" not in shown
    assert shown.startswith("postgresql+psycopg://crm:***@db.example/crm")
    assert safe_url("not a url :// at all s3cret") == "<unparseable database URL>"
