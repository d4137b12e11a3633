"""Text is cleaned where it enters the store, the same way whichever door it comes in by
(#23 item 1): the CSV cell cleaning (`clean_text`), with lines kept where a field holds
several (a call's notes, a task's description)."""

from __future__ import annotations

from pathlib import Path

import pytest
from sqlalchemy import select
from sqlmodel import Session

from tests.factories import NOW, make_lead, make_rep
from workstation.store.calling.dispositions import log_call
from workstation.store.imports.campaigns import ensure_campaign
from workstation.store.imports.leads import import_leads
from workstation.store.models import Activity, Campaign, History, Lead
from workstation.store.reps import working_rep
from workstation.store.scripts.files import ScriptFileError, parse_script
from workstation.store.team.assign import reassign
from workstation.store.values.cleansing import clean_text

OSC = "\x1b]0;PWNED\x07"
CSI = "\x1b[31m"


def test_one_line_text_loses_escapes_and_controls():
    assert clean_text(f"Acme{OSC}{CSI} Corp\x9b31m\x07\x7f\u202e") == "Acme Corp"
    assert clean_text("two\r\nlines\tand\x00tab") == "two lines and tab"
    assert clean_text("\x1b\x9d") is None


def test_lines_stay_where_a_field_holds_several():
    written = f"  first{OSC} line\r\nsecond\x1b[2J\tcolumn\rthird\x85 \n\n\x0cfourth\x9b1m  "
    assert clean_text(written, multiline=True) == "first line\nsecond\tcolumn\nthird\n\n fourth"
    assert clean_text("\n\x1b[31m\n", multiline=True) is None
    with pytest.raises(ValueError, match="notes is 12 characters long; at most 5 fit"):
        clean_text("twelve chars", 5, "notes", multiline=True)


def test_a_lone_surrogate_cannot_reach_the_database():
    assert clean_text("Ren\udce9e") == "Ren\ufffde"
    assert clean_text("Ren\udce9e\n", multiline=True) == "Ren\ufffde"


def test_call_notes_are_cleaned_and_keep_their_lines(engine):
    with Session(engine) as session:
        rep = make_rep(session, role="manager")
        lead = make_lead(session, owner_id=rep.id, phone="+14155550123")
        session.commit()
        rep_id, lead_id = rep.id, lead.id
    log_call(
        engine,
        rep_id=rep_id,
        lead_id=lead_id,
        disposition="5",
        notes=f"asked for{OSC} pricing\r\nsend\x9b31m a quote",
        now=NOW,
    )
    with Session(engine) as session:
        notes = session.execute(select(Activity.notes)).scalar_one()
    assert notes == "asked for pricing\nsend a quote"


def test_a_reassign_reason_is_cleaned(engine):
    with Session(engine) as session:
        manager = make_rep(session, role="manager")
        rep = make_rep(session)
        lead = make_lead(session)
        session.commit()
        ids = manager.id, rep.id, lead.id
    reassign(
        engine, [ids[2]], acting_rep_id=ids[0], to_rep_id=ids[1], reason=f"moved{CSI}\x07", at=NOW
    )
    with Session(engine) as session:
        reasons = session.execute(select(History.reason)).scalars().all()
    assert reasons and all(reason == "moved" for reason in reasons)


def test_a_campaign_is_named_by_its_cleaned_name(engine):
    with Session(engine) as session:
        made = ensure_campaign(session, f"Spring{OSC} Webinar", channel=f"Web{CSI}")
        again = ensure_campaign(session, "spring webinar")
        session.commit()
        stored = session.execute(
            select(Campaign.name, Campaign.channel).where(Campaign.id == made.id)
        ).one()
    assert tuple(stored) == ("Spring Webinar", "Web")
    assert made.created and again.id == made.id and not again.created


def test_an_imports_source_and_campaign_are_cleaned(engine, tmp_path: Path):
    path = tmp_path / "leads.csv"
    path.write_text("LastName,Company,Email\nLee,Acme,lee@example.com\n", encoding="utf-8")
    summary = import_leads(
        engine, path, source=f"Trade{OSC} Show{CSI}", campaign="Fair\x9d0;x\x9c 2026"
    )
    assert summary.created == 1 and summary.campaign == "Fair 2026"
    with Session(engine) as session:
        assert session.execute(select(Lead.lead_source)).scalar_one() == "Event"  # a synonym


def test_a_rep_is_found_by_the_name_as_cleaned(engine):
    with Session(engine) as session:
        make_rep(session, "Rita Rep")
        assert working_rep(session, f"Rita{CSI} Rep").name == "Rita Rep"


@pytest.mark.parametrize(
    ("text", "line"),
    [
        ('---\nname: A\nquestion: {"key": "k", "label": "\\u001b]0;x\\u0007", "type": "yesno"}'
         "\n---\nHi\n", 3),
        ("---\nname: A\n---\nHi \x1b[31m there\n", 4),
        ("---\nname: A\u202e\n---\nHi\n", 2),
    ],
)  # fmt: skip
def test_a_script_file_holding_a_control_character_is_refused_at_its_line(text, line):
    with pytest.raises(ScriptFileError, match=rf"s\.md line {line}: .*control character"):
        parse_script(text, "s.md")
