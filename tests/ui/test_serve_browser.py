"""`workstation serve` in a real headless browser: Debian's chromium, driven by selenium
through the system chromedriver, opens the page textual-serve serves and shows the queue,
on SQLite and PostgreSQL.

The page draws the terminal on a canvas, so the test reads what xterm.js holds in its
buffer: a script run before the page's own catches the terminal object the page makes
(`this.terminal = new Terminal(...)`) through a setter, and the test waits, polling,
until the queue's text is there. .ci/run installs chromium and sets
WORKSTATION_REQUIRE_BROWSER=1, where a missing browser fails instead of skipping.
"""

from __future__ import annotations

import os
import shutil
import signal
import socket
import subprocess
import sys
import time
from collections.abc import Iterator

import pytest

from tests.ui.conftest import fill_small_queue

CHROMIUM, CHROMEDRIVER = "/usr/bin/chromium", "/usr/bin/chromedriver"
WAIT_SECONDS = 60  # a bound for a slow machine, never a pause: every wait polls for state

pytestmark = pytest.mark.browser

# Before the page's scripts: the first object given a `terminal` (the page's xterm.js
# Terminal) keeps it as its own property, and the page can be read through it.
CATCH_TERMINAL = """
Object.defineProperty(Object.prototype, "terminal", {
  configurable: true,
  set(value) {
    Object.defineProperty(this, "terminal", {value, writable: true, configurable: true});
    (window.terminalsShown = window.terminalsShown || []).push(value);
  },
});
"""
READ_TERMINAL = """
const terminal = (window.terminalsShown || [])[0];
if (!terminal || !terminal.buffer) return "";
const buffer = terminal.buffer.active, lines = [];
for (let i = 0; i < buffer.length; i++) lines.push(buffer.getLine(i).translateToString(true));
return lines.join("\\n");
"""


def _browser_or_skip() -> None:
    if shutil.which(CHROMIUM) and shutil.which(CHROMEDRIVER):
        return
    if os.environ.get("WORKSTATION_REQUIRE_BROWSER") == "1":
        pytest.fail("chromium and chromium-driver are required here (apt-get install them)")
    pytest.skip("no chromium: apt-get install chromium chromium-driver")


def _free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return probe.getsockname()[1]


def _until(condition, what: str):
    deadline = time.monotonic() + WAIT_SECONDS
    while time.monotonic() < deadline:
        if result := condition():
            return result
        time.sleep(0.05)
    raise AssertionError(f"still waiting for {what}")


def _listening(port: int) -> bool:
    with socket.socket() as client:
        return client.connect_ex(("127.0.0.1", port)) == 0


@pytest.fixture
def served(db_url, engine) -> Iterator[str]:
    """`workstation serve` on a free port of this machine, over a small queue."""
    fill_small_queue(engine)
    port = _free_port()
    server = subprocess.Popen(
        [sys.executable, "-m", "workstation", "--db", db_url, "serve", "--port", str(port)],
        stdout=subprocess.PIPE,
        stderr=subprocess.STDOUT,
        start_new_session=True,  # its app processes go with it at the end
    )
    try:
        _until(lambda: _listening(port) or server.poll() is not None, "the server to listen")
        assert server.poll() is None, server.stdout.read().decode() if server.stdout else ""
        yield f"http://127.0.0.1:{port}/"
    finally:
        os.killpg(server.pid, signal.SIGTERM)
        server.wait(timeout=WAIT_SECONDS)


def test_a_headless_browser_shows_the_queue(served):
    _browser_or_skip()
    from selenium import webdriver
    from selenium.webdriver.chrome.service import Service
    from selenium.webdriver.support.ui import WebDriverWait

    options = webdriver.ChromeOptions()
    options.binary_location = CHROMIUM
    for argument in ("--headless=new", "--no-sandbox", "--disable-gpu", "--window-size=1400,900"):
        options.add_argument(argument)
    driver = webdriver.Chrome(service=Service(CHROMEDRIVER), options=options)
    try:
        driver.execute_cdp_cmd("Page.addScriptToEvaluateOnNewDocument", {"source": CATCH_TERMINAL})
        driver.get(served)
        shown = WebDriverWait(driver, WAIT_SECONDS, poll_frequency=0.1).until(
            lambda d: (text := d.execute_script(READ_TERMINAL)) and "Firm 0" in text and text
        )
    finally:
        driver.quit()
    assert "Telesales Workstation — Morgan Manager (manager)" in shown
    assert "My Leads" in shown and "New in Pool" in shown
    assert "[bold]Eve[/bold]" in shown  # markup in a name shows as typed, in a browser too
