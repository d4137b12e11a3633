"""Dialling from the card: the phone is a tel: link, t dials it through the rep's dial
command (run without a shell, the number one argument) and starts the call's clock, y
copies it; with no command set, one line says how to set one."""

from __future__ import annotations

import shlex
import sys
from datetime import timedelta

from rich.text import Text

from tests.factories import NOW
from tests.ui.conftest import fill_small_queue, settle, until
from workstation.app import make_app
from workstation.config import Settings
from workstation.dialling import DIAL_VARIABLE, NOT_SET, dial_arguments
from workstation.widgets.record_card import card_columns

WRITE_ARGUMENT = "import pathlib, sys; pathlib.Path(sys.argv[1]).write_text(sys.argv[2])"


def _app(sqlite_engine, sqlite_url, now):
    fill_small_queue(sqlite_engine)
    settings = Settings(database_url=sqlite_url, rep_name="Riley Rep")
    return make_app(settings, sqlite_engine, clock=lambda: now[0])


async def test_t_dials_the_cards_number_and_starts_the_calls_clock(
    sqlite_engine, sqlite_url, tmp_path, monkeypatch
):
    dialled = tmp_path / "dialled"
    command = f"{shlex.quote(sys.executable)} -c {shlex.quote(WRITE_ARGUMENT)} {dialled} {{number}}"
    monkeypatch.setenv(DIAL_VARIABLE, command)
    now = [NOW]
    app = _app(sqlite_engine, sqlite_url, now)
    async with app.run_test(size=(120, 40)) as pilot:
        await pilot.press("n")
        await settle(pilot)
        screen = app.screen
        card = screen.card
        assert card.phone.startswith("+1415555")
        now[0] = NOW + timedelta(seconds=40)  # the rep reads the card first
        await pilot.press("t")
        await until(pilot, dialled.exists, "the dialler to run")
        await until(pilot, lambda: dialled.read_text() == card.phone, "the number written")
        assert screen._call_started == ("lead", card.id, NOW + timedelta(seconds=40))
        assert [n.message for n in app._notifications] == [f"Dialling {card.phone}"]
        await pilot.press("y")
        assert app.clipboard == card.phone
        assert [n.message for n in app._notifications] == [f"Copied {card.phone}"]


async def test_with_no_dial_command_one_line_says_how_to_set_it(
    sqlite_engine, sqlite_url, monkeypatch
):
    monkeypatch.delenv(DIAL_VARIABLE, raising=False)
    app = _app(sqlite_engine, sqlite_url, [NOW])
    async with app.run_test(size=(80, 24)) as pilot:
        await pilot.press("n")
        await settle(pilot)
        started = app.screen._call_started
        await pilot.press("t")
        said = [n.message for n in app._notifications]
        assert said == [NOT_SET] and DIAL_VARIABLE in NOT_SET and "xdg-open tel:" in NOT_SET
        assert app.screen._call_started == started


def test_the_phone_on_the_card_is_a_tel_link(sqlite_engine, sqlite_url):
    from sqlmodel import Session

    from workstation.store.calling.card import record_card

    fill_small_queue(sqlite_engine)
    with Session(sqlite_engine) as session:
        card = record_card(session, "lead", 1)
    for width in (80, 120):
        lines = [line for column in card_columns(card, width=width) for line in column]
        links = {
            str(span.style.link)
            for line in lines
            if isinstance(line, Text)
            for span in line.spans
            if hasattr(span.style, "link") and span.style.link
        }
        assert links == {f"tel:{card.phone}"}, width


def test_the_number_is_one_argument_whatever_it_holds():
    hostile = "+1; rm -rf ~"
    assert dial_arguments("xdg-open tel:{number}", hostile) == ["xdg-open", f"tel:{hostile}"]
    assert dial_arguments("softphone --call", "+14155550000") == [
        "softphone", "--call", "+14155550000",
    ]  # fmt: skip
