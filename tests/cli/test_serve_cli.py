"""`workstation serve`'s command line: local by default, a warning for any other address,
the settings passed to the app processes (the browser test, tests/ui/test_serve_browser.py,
serves for real)."""

from __future__ import annotations

import os

import pytest
from textual_serve.server import Server

from tests.cli.test_cli import run
from workstation.subcommands.serve import is_local


@pytest.mark.parametrize(
    ("host", "local"),
    [
        ("127.0.0.1", True), ("127.0.0.53", True), ("::1", True), ("[::1]", True),
        ("localhost", True), ("0.0.0.0", False), ("::", False), ("192.168.1.20", False),
        ("crm.example.com", False),
    ],
)  # fmt: skip
def test_only_loopback_is_local(host, local):
    assert is_local(host) is local


@pytest.fixture
def served(monkeypatch) -> list[Server]:
    """The servers `serve` would run, not run."""
    servers: list[Server] = []
    monkeypatch.setattr(Server, "serve", lambda self, debug=False: servers.append(self))
    # `serve` hands the settings on through the environment: restored after the test.
    monkeypatch.setenv("WORKSTATION_DB", "sqlite:///unchanged.db")
    monkeypatch.setenv("WORKSTATION_REP", "Nobody")
    return servers


def test_serve_listens_on_this_machine_by_default(capsys, served, sqlite_url):
    code, _, err = run(capsys, "--db", sqlite_url, "--as", "Dana", "serve")
    assert code == 0 and err == ""
    assert [(s.host, s.port) for s in served] == [("127.0.0.1", 8000)]
    assert served[0].command.endswith("-m workstation")  # no URL on a command line
    assert (os.environ["WORKSTATION_DB"], os.environ["WORKSTATION_REP"]) == (sqlite_url, "Dana")


def test_serving_to_the_network_is_warned_of(capsys, served, sqlite_url):
    code, _, err = run(capsys, "--db", sqlite_url, "serve", "--host", "0.0.0.0", "--port", "9000")
    assert code == 0 and [(s.host, s.port) for s in served] == [("0.0.0.0", 9000)]
    assert err.startswith("workstation: warning: serving on 0.0.0.0:9000 lets anyone")
    assert "ssh -L 9000:127.0.0.1:9000" in err and err.count("\n") == 1


def test_a_bad_port_is_one_line(capsys):
    with pytest.raises(SystemExit) as exit_:
        run(capsys, "serve", "--port", "70000")
    err = capsys.readouterr().err
    assert exit_.value.code == 2 and "must be a port number from 1 to 65535" in err
