"""The reject dialog (a reason from the list, nothing deleted) and bulk conversion (each lead
in its own transaction, then a summary), driven with Pilot and pinned by snapshots."""

from __future__ import annotations

from sqlmodel import Session

from tests.convert_factories import HostApp, build_world, plain, snapshot
from tests.factories import make_lead
from tests.ui.conftest import workers_done
from workstation.screens.bulk_convert import BulkConvertScreen
from workstation.screens.reject_dialog import RejectDialog
from workstation.store.conversion.convert import convert_lead
from workstation.store.models import Contact, Lead
from workstation.store.reference import NURTURING

SIZE = (100, 30)


async def test_rejecting_a_lead_with_the_last_reason(sqlite_engine):
    world = build_world(sqlite_engine)
    app, results = HostApp(sqlite_engine), []
    async with app.run_test(size=SIZE) as pilot:
        app.push_screen(RejectDialog(record_id=world.fresh_lead, name="Zed Quill"), results.append)
        await pilot.pause()
        await pilot.press("end", "enter")
        await pilot.pause()
    (result,) = results
    assert (result.reason, result.status, result.lifecycle_stage) == (
        "No need right now",
        NURTURING,
        "Rejected",
    )
    with Session(sqlite_engine) as session:
        lead = session.get(Lead, world.fresh_lead)
        assert (lead.is_open, lead.rejected_reason) == (False, "No need right now")


async def test_rejecting_a_contact(sqlite_engine):
    world = build_world(sqlite_engine)
    with Session(sqlite_engine) as session:  # the working rep's contact: theirs to reject
        session.get_one(Contact, world.bob).owner_id = world.rep
        session.commit()
    app, results = HostApp(sqlite_engine), []
    async with app.run_test(size=SIZE) as pilot:
        dialog = RejectDialog(record_id=world.bob, name="Bob Stone", kind="contact")
        app.push_screen(dialog, results.append)
        await pilot.pause()
        await pilot.press("enter")
        await pilot.pause()
    assert results[0].kind == "contact" and results[0].reason == "Bogus form fill"
    with Session(sqlite_engine) as session:
        assert session.get(Contact, world.bob).lifecycle_stage == "Rejected"


async def test_a_refused_reject_says_why_and_escape_cancels(sqlite_engine):
    world = build_world(sqlite_engine)
    convert_lead(sqlite_engine, lead_id=world.lead, rep_id=world.rep)
    before = snapshot(sqlite_engine)
    app, results = HostApp(sqlite_engine), []
    async with app.run_test(size=SIZE) as pilot:
        dialog = RejectDialog(record_id=world.lead, name="Jane Doe")
        app.push_screen(dialog, results.append)
        await pilot.pause()
        await pilot.press("enter")
        await pilot.pause()
        assert app.screen is dialog
        assert "is read-only" in plain(dialog.query_one("#reject-error").content)
        await pilot.press("escape")
        await pilot.pause()
    assert results == [None]
    assert snapshot(sqlite_engine) == before


async def test_bulk_conversion_summarises_each_lead(sqlite_engine):
    world = build_world(sqlite_engine)
    with Session(sqlite_engine) as session:
        dnc = make_lead(session, company="Quiet Ltd", do_not_call=True).id
        session.commit()
    app, results = HostApp(sqlite_engine), []
    async with app.run_test(size=SIZE) as pilot:
        screen = BulkConvertScreen([world.lead, world.fresh_lead, dnc])
        app.push_screen(screen, results.append)
        await pilot.pause()
        await pilot.press("enter")
        await workers_done(app)
        await pilot.pause()
        assert screen.summary is not None
        text = plain(screen.query_one("#bulk-result").content)
        await pilot.press("enter")  # Close
        await pilot.pause()
    (summary,) = results
    assert [r.lead_id for r in summary.converted] == [world.lead, world.fresh_lead]
    assert [lead_id for lead_id, _ in summary.refused] == [dnc]
    assert text.startswith("2 converted, 1 refused")
    with Session(sqlite_engine) as session:
        assert not session.get(Lead, dnc).is_converted


async def test_bulk_cancel_converts_nothing(sqlite_engine):
    world = build_world(sqlite_engine)
    before = snapshot(sqlite_engine)
    app, results = HostApp(sqlite_engine), []
    async with app.run_test(size=SIZE) as pilot:
        app.push_screen(BulkConvertScreen([world.lead]), results.append)
        await pilot.pause()
        await pilot.press("end", "enter")
        await pilot.pause()
    assert results == [None]
    assert snapshot(sqlite_engine) == before


def test_reject_dialog_at_100x30(sqlite_engine, snap_compare):
    world = build_world(sqlite_engine)

    async def open_it(pilot) -> None:
        pilot.app.push_screen(RejectDialog(record_id=world.fresh_lead, name="Zed Quill"))
        await pilot.pause()

    assert snap_compare(HostApp(sqlite_engine), terminal_size=SIZE, run_before=open_it)


def test_bulk_summary_at_100x30(sqlite_engine, snap_compare):
    world = build_world(sqlite_engine)

    async def convert_two(pilot) -> None:
        pilot.app.push_screen(BulkConvertScreen([world.lead, world.fresh_lead, world.lead]))
        await pilot.pause()
        await pilot.press("enter")
        await workers_done(pilot.app)
        await pilot.pause()

    assert snap_compare(HostApp(sqlite_engine), terminal_size=SIZE, run_before=convert_two)
