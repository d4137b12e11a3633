"""A database password is never shown (#23 item 2): every form a URL may carry one in, in
messages, `db current` / `db upgrade` / `demo`, driver errors and tracebacks."""

from __future__ import annotations

import sys

import pytest

from tests.cli.test_cli import run
from workstation.config import Settings
from workstation.errors import scrub, scrubbed_traceback
from workstation.store.db import normalise_url, safe_url

SECRET = "s3cretPW"
# Every way a URL may hold a password; the fragments that must not show.
URLS = {
    "userinfo": (f"postgresql://sales:{SECRET}@127.0.0.1:1/crm", [SECRET]),
    "no user": (f"postgresql://:{SECRET}@127.0.0.1:1/crm", [SECRET]),
    "driver named": (f"postgresql+psycopg://sales:{SECRET}@127.0.0.1:1/crm", [SECRET]),
    "query": (f"postgresql://sales@127.0.0.1:1/crm?password={SECRET}", [SECRET]),
    "query, later": (
        f"postgresql://sales@127.0.0.1:1/crm?sslmode=disable&PASSWORD={SECRET}&x=1",
        [SECRET],
    ),
    "unencoded @": ("postgresql://sales:s3cr@tPW@127.0.0.1:1/crm", ["s3cr", "tPW"]),
    "two @": ("postgresql://sales:a@bcd@efgh@127.0.0.1:1/crm", ["bcd", "efgh"]),
    "encoded": ("postgresql://sales:s3cr%40t%2FPW@127.0.0.1:1/crm", ["s3cr", "%40t", "t/PW"]),
    "slash and space": ("postgresql://sales:s3c/r t@127.0.0.1:1/crm", ["s3c/r", "r t"]),
    "unparseable": (f"postgresql://sales:{SECRET}@[::1/crm", [SECRET]),
    "conninfo": (f"host=127.0.0.1 user=sales password={SECRET} dbname=crm", [SECRET]),
    "conninfo quoted": (f"host=db password='{SECRET} x' dbname=crm", [SECRET, " x'"]),
}


def _leaks(shown: str, fragments: list[str]) -> list[str]:
    return [fragment for fragment in fragments if fragment in shown]


@pytest.mark.parametrize("form", [form for form in URLS if form != "slash and space"])
def test_a_message_quoting_a_url_shows_no_password(form):
    url, fragments = URLS[form]
    shown = scrub(f"cannot use the database {url}: connection refused")
    assert not _leaks(shown, fragments), shown
    assert "connection refused" in shown and "cannot use the database" in shown


@pytest.mark.parametrize("form", [form for form in URLS if not form.startswith("conninfo")])
def test_a_url_shown_to_a_person_has_its_password_masked(form):
    url, fragments = URLS[form]
    shown = safe_url(url)
    assert not _leaks(shown, fragments), shown
    if form != "unparseable":
        assert "127.0.0.1" in shown and "crm" in shown  # the rest says which database


def test_the_password_in_use_is_masked_wherever_a_message_quotes_it():
    """A space ends a URL in a message; the password of the URL in use is known, so even
    one holding a space, or a driver's message quoting it alone, shows none of it."""
    url, fragments = URLS["slash and space"]
    Settings.resolve(db=url)
    shown = scrub(f"cannot use {url}; the server said: bad password 's3c/r t' for sales")
    assert not _leaks(shown, fragments) and "for sales" in shown, shown


def test_an_unencoded_at_belongs_to_the_password_not_the_host():
    """The last @ before the host ends the password, as a person who typed it means: the
    driver connects to the right host and never quotes a piece of the password as one."""
    parsed = normalise_url("postgresql://sales:s3cr@tPW@db.example:5433/crm?sslmode=require")
    assert (parsed.username, parsed.password, parsed.host, parsed.port) == (
        "sales",
        "s3cr@tPW",
        "db.example",
        5433,
    )
    assert parsed.database == "crm" and parsed.query == {"sslmode": "require"}
    encoded = normalise_url("postgresql://sales:s3cr%40tPW@db.example/crm")
    assert encoded.password == "s3cr@tPW" and encoded.host == "db.example"


def test_urls_that_name_no_password_are_shown_whole():
    for url in (
        "postgresql://sales@db.example/crm?service=crm&passfile=/home/sales/.pgpass",
        "sqlite:////home/sales/work@home.db",
    ):
        assert safe_url(url) == str(normalise_url(url))
        assert scrub(f"using {url}") == f"using {url}"


@pytest.mark.parametrize("form", ["unencoded @", "query", "userinfo"])
def test_a_failed_connection_shows_no_password(capsys, form):
    url, fragments = URLS[form]
    for argv in (("db", "current"), ("db", "upgrade"), ("demo", "--leads", "10"), ("reps",)):
        code, out, err = run(capsys, "--db", url, *argv)
        assert code == 3, (argv, out, err)
        assert not _leaks(out + err, fragments), (argv, err)


@pytest.mark.postgres
@pytest.mark.parametrize("with_user", [True, False])
def test_db_and_demo_show_a_query_password_masked(capsys, pg_url, with_user):
    """The issue's case: a `?password=` in the URL was printed in clear by `db current`,
    `db upgrade` and `demo`, which print the database they used."""
    url = f"{pg_url}&password={SECRET}"
    if not with_user:  # the password as the userinfo's: the server trusts it anyway
        url = url.replace("postgres@", f"postgres:{SECRET}@", 1)
    for argv in (("db", "upgrade"), ("db", "current"), ("demo", "--leads", "50")):
        code, out, err = run(capsys, "--db", url, *argv)
        assert code == 0, err
        assert SECRET not in out + err and "127.0.0.1" in out + err, argv


def test_a_traceback_that_escapes_shows_no_password():
    url = "postgresql://sales:s3cr@tPW@127.0.0.1:1/crm"
    try:
        raise RuntimeError(f"unexpected trouble with {url} ?password={SECRET}")
    except RuntimeError:
        shown = scrubbed_traceback(*sys.exc_info())
    assert "RuntimeError" in shown and "Traceback" in shown
    assert not _leaks(shown, ["s3cr", "tPW", SECRET])
