"""The TUI on a database it cannot write: it opens, shows the queue and the record card,
and leaves the file as it was. A database from a newer version does not open at all."""

from __future__ import annotations

import hashlib

import pytest
from sqlalchemy import text

from tests.factories import NOW
from tests.read_only import read_only
from tests.ui.conftest import fill_small_queue, until
from workstation.app import start_app
from workstation.config import Settings
from workstation.screens.queue import QueueScreen
from workstation.store.db import make_engine
from workstation.store.errors import DatabaseError


@pytest.mark.parametrize("how", ["file", "filesystem"])
async def test_the_tui_reads_a_read_only_database(sqlite_engine, tmp_path, how):
    fill_small_queue(sqlite_engine)
    with sqlite_engine.connect() as connection:
        connection.exec_driver_sql("PRAGMA wal_checkpoint(TRUNCATE)")
    sqlite_engine.dispose()
    path = tmp_path / "workstation.db"
    before = hashlib.sha256(path.read_bytes()).hexdigest()
    with read_only(path, how=how) as where:
        app = start_app(Settings(database_url=f"sqlite:///{where}"), lambda: NOW)
        async with app.run_test(size=(120, 40)) as pilot:
            screen = app.screen
            assert isinstance(screen, QueueScreen)
            await until(pilot, lambda: screen.card is not None, "the record card")
            assert screen.card is not None and screen.card.name
        app.store.engine.dispose()
    assert hashlib.sha256(path.read_bytes()).hexdigest() == before


def test_the_tui_refuses_a_database_from_a_newer_version(sqlite_url):
    engine = make_engine(sqlite_url)
    with engine.begin() as connection:
        connection.execute(text("UPDATE alembic_version SET version_num = '0099'"))
    engine.dispose()
    with pytest.raises(DatabaseError, match="revision 0099"):
        start_app(Settings(database_url=sqlite_url), lambda: NOW)
