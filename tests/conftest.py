"""Shared fixtures: migrated databases on real SQLite files and on PostgreSQL.

PostgreSQL tests run against `WORKSTATION_TEST_PG` (a URL). Without it they skip, unless
`WORKSTATION_REQUIRE_PG=1` (set by .ci/run), where a missing server is a failure. Each
PostgreSQL test gets a schema of its own, migrated from scratch.
"""

from __future__ import annotations

import gc
import os
import shutil
import uuid
from collections.abc import Iterator
from pathlib import Path

import pytest
from hypothesis import HealthCheck, Phase, settings
from sqlalchemy import Engine, text

from workstation.store import schema
from workstation.store.db import make_engine

# The property tests (tests/properties). "ci", the default, is bounded so the whole suite
# stays well under two minutes on two cores, and derandomized so a run is the same run
# everywhere (no example database: a failure must reproduce from the code alone). "slow"
# (HYPOTHESIS_PROFILE=slow) tries many more examples, on random seeds. No deadline: how
# fast the machine is must not decide a test.
_PHASES = tuple(phase for phase in Phase if phase is not Phase.explain)  # explain traces: slow
settings.register_profile(
    "ci",
    max_examples=10,
    stateful_step_count=20,
    deadline=None,
    derandomize=True,
    database=None,
    print_blob=True,
    phases=_PHASES,
)
settings.register_profile(
    "slow",
    max_examples=300,
    deadline=None,
    stateful_step_count=60,
    phases=_PHASES,
    suppress_health_check=[HealthCheck.too_slow],
)
settings.load_profile(os.environ.get("HYPOTHESIS_PROFILE", "ci"))

PG_URL = os.environ.get("WORKSTATION_TEST_PG")
REQUIRE_PG = os.environ.get("WORKSTATION_REQUIRE_PG") == "1"


@pytest.fixture(autouse=True)
def collector_left_on() -> Iterator[None]:
    """A test that leaves the cyclic garbage collector off (the app pauses it while it
    starts) fails, rather than changing what the tests after it measure."""
    yield
    if not gc.isenabled():
        gc.enable()
        pytest.fail("the cyclic garbage collector was left off")


@pytest.fixture(autouse=True)
def no_settings_file(tmp_path_factory, monkeypatch) -> None:
    """No test reads the settings file of whoever runs it, nor their WORKSTATION_*
    settings: a test that wants settings names its own file (`WORKSTATION_CONFIG`)."""
    from workstation.settings_file import SETTINGS

    for _, variable in SETTINGS.values():
        if variable is not None:
            monkeypatch.delenv(variable, raising=False)
    monkeypatch.setenv("WORKSTATION_CONFIG", str(tmp_path_factory.getbasetemp() / "none.toml"))


@pytest.fixture(scope="session")
def migrated_template(tmp_path_factory) -> Path:
    """One SQLite file migrated to head; tests copy it instead of migrating again."""
    path = tmp_path_factory.mktemp("template") / "template.db"
    engine = make_engine(f"sqlite:///{path}")
    schema.upgrade(engine)
    with engine.connect() as connection:
        connection.exec_driver_sql("PRAGMA wal_checkpoint(TRUNCATE)")
    engine.dispose()
    return path


@pytest.fixture
def sqlite_url(tmp_path, migrated_template) -> str:
    path = tmp_path / "workstation.db"
    shutil.copyfile(migrated_template, path)
    os.chmod(path, 0o600)
    return f"sqlite:///{path}"


@pytest.fixture
def sqlite_engine(sqlite_url) -> Iterator[Engine]:
    engine = make_engine(sqlite_url)
    yield engine
    engine.dispose()


def _pg_or_skip() -> str:
    if not PG_URL:
        if REQUIRE_PG:
            pytest.fail("WORKSTATION_REQUIRE_PG=1 but WORKSTATION_TEST_PG is not set")
        pytest.skip("set WORKSTATION_TEST_PG to run the PostgreSQL tests")
    return PG_URL


@pytest.fixture
def pg_url() -> Iterator[str]:
    """A URL whose connections live in a fresh schema, dropped afterwards."""
    base = _pg_or_skip()
    admin = make_engine(base)
    name = f"t_{uuid.uuid4().hex[:12]}"
    try:
        with admin.begin() as connection:
            connection.execute(text(f'CREATE SCHEMA "{name}"'))
    except Exception as error:
        admin.dispose()
        if REQUIRE_PG:
            raise
        pytest.skip(f"PostgreSQL not reachable: {type(error).__name__}")
    separator = "&" if "?" in base else "?"
    url = f"{base}{separator}options=-csearch_path%3D{name}"
    engine = make_engine(url)
    schema.upgrade(engine)
    engine.dispose()
    yield url
    drop_team_roles(url)
    with admin.begin() as connection:
        connection.execute(text(f'DROP SCHEMA "{name}" CASCADE'))
    admin.dispose()


def drop_team_roles(url: str) -> None:
    """Roles are the cluster's, not the schema's: the schema's team groups, and the
    logins in them, go with the test (`store/access.py` makes them)."""
    from workstation.store.access import drop_team_roles as drop

    engine = make_engine(url)
    with engine.begin() as connection:
        drop(connection)
    engine.dispose()


@pytest.fixture
def pg_engine(pg_url) -> Iterator[Engine]:
    engine = make_engine(pg_url)
    yield engine
    engine.dispose()


@pytest.fixture(params=["sqlite", pytest.param("postgres", marks=pytest.mark.postgres)])
def db_url(request) -> str:
    """The same test on a SQLite file and on PostgreSQL."""
    if request.param == "sqlite":
        return request.getfixturevalue("sqlite_url")
    return request.getfixturevalue("pg_url")


@pytest.fixture
def engine(db_url) -> Iterator[Engine]:
    engine = make_engine(db_url)
    yield engine
    engine.dispose()
