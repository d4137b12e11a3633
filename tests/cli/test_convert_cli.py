"""`workstation convert` and `workstation reject`, run as a user would, checked through
`workstation export` (what DESIGN.md "Conversion" says the records look like)."""

from __future__ import annotations

import json

import pytest
from sqlmodel import Session

from tests.cli.test_cli import run
from tests.convert_factories import build_world, snapshot
from tests.factories import NOW
from workstation.store.conversion.choices import end_of_quarter
from workstation.store.conversion.convert import ConversionResult
from workstation.store.models import Lead


@pytest.fixture
def world(engine):
    return build_world(engine)


def export(capsys, url, kind) -> list[dict]:
    code, out, err = run(capsys, "--db", url, "export", kind, "--format", "json")
    assert code == 0, err
    return json.loads(out)


def by_id(rows: list[dict], record_id: int) -> dict:
    return next(row for row in rows if row["Id"] == record_id)


def test_convert_with_the_defaults_then_export_shows_the_records(capsys, db_url, world):
    code, out, err = run(
        capsys, "--db", db_url, "--as", "Riley Rep", "convert", str(world.lead), "--json"
    )
    assert code == 0, err
    result = json.loads(out)
    assert set(result) == set(ConversionResult.__dataclass_fields__)
    assert (result["account_id"], result["contact_id"]) == (world.acme, world.jane)
    opportunity_id = result["opportunity_id"]
    lead = by_id(export(capsys, db_url, "leads"), world.lead)
    assert (lead["Status"], lead["IsConverted"], lead["IsOpen"]) == (
        "Qualified – Turned into Opportunity",
        True,
        False,
    )
    assert (
        lead["ConvertedAccountId"],
        lead["ConvertedContactId"],
        lead["ConvertedOpportunityId"],
    ) == (
        world.acme,
        world.jane,
        opportunity_id,
    )
    contact = by_id(export(capsys, db_url, "contacts"), world.jane)
    assert (contact["Email"], contact["LifecycleStage"]) == ("jane@acme.com", "Opportunity")
    opportunity = by_id(export(capsys, db_url, "opportunities"), opportunity_id)
    assert {
        k: opportunity[k] for k in ("Name", "Amount", "StageName", "Probability", "CloseDate")
    } == {
        "Name": "Acme – Spring Webinar",
        "Amount": 0,
        "StageName": "Qualification",
        "Probability": 0,
        "CloseDate": end_of_quarter(NOW.date()).isoformat(),
    }
    assert (opportunity["OwnerId"], opportunity["CampaignId"]) == (world.rep, world.webinar)
    roles = [
        r
        for r in export(capsys, db_url, "opportunity-contact-roles")
        if r["OpportunityId"] == opportunity_id
    ]
    assert [(r["ContactId"], r["Role"], r["IsPrimary"]) for r in roles] == [
        (world.jane, None, True)
    ]
    members = [m for m in export(capsys, db_url, "campaign-members") if m["LeadId"] == world.lead]
    assert {(m["CampaignId"], m["ContactId"], m["Status"], m["HasResponded"]) for m in members} == {
        (world.webinar, world.jane, "Responded", True),
        (world.event, world.jane, "Sent", False),
    }


def test_convert_choices_and_plain_output(capsys, db_url, world):
    code, out, err = run(
        capsys,
        "--db",
        db_url,
        "convert",
        str(world.lead),
        "--account",
        "new",
        "--contact",
        "NEW",
        "--opportunity",
        "none",
        "--campaign",
        "Autumn Expo",
    )
    assert code == 0, err
    assert out.startswith(f"Lead {world.lead} converted: account ")
    assert "(created), contact" in out and "opportunity" not in out
    assert "2 activities and 2 campaign memberships moved" in out


def test_dry_run_shows_the_plan_and_writes_nothing(capsys, db_url, engine, world):
    before = snapshot(engine)
    code, out, err = run(capsys, "--db", db_url, "convert", str(world.lead), "--dry-run")
    assert code == 0, err
    assert f"account: attach to {world.acme}, 'Acme, Inc.' (sets: website=www.acme.com" in out
    assert "opportunity: create 'Acme – Spring Webinar' (Qualification, closes" in out
    code, out, _ = run(capsys, "--db", db_url, "convert", str(world.lead), "--dry-run", "--json")
    assert json.loads(out)["contact"]["id"] == world.jane
    assert snapshot(engine) == before


@pytest.mark.parametrize(
    ("argv", "message"),
    [
        (["--account", "acme"], "--account must be an id or one of: new"),
        (["--opportunity", "closed"], "--opportunity must be an id or one of: new, none"),
        (["--role", "Boss"], "unknown contact role 'Boss'"),
    ],
)
def test_bad_choices_fail_with_one_line_and_change_nothing(
    capsys, db_url, engine, world, argv, message
):
    before = snapshot(engine)
    code, out, err = run(capsys, "--db", db_url, "convert", str(world.lead), *argv)
    assert (code, out) == (1, "")
    assert err.startswith("workstation: ") and message in err
    assert snapshot(engine) == before


def test_twice_and_do_not_call_are_refused(capsys, db_url, engine, world):
    with Session(engine) as session:
        session.get(Lead, world.fresh_lead).do_not_call = True
        session.commit()
    assert run(capsys, "--db", db_url, "convert", str(world.lead))[0] == 0
    before = snapshot(engine)
    code, _, err = run(capsys, "--db", db_url, "convert", str(world.lead))
    assert code == 1 and "already converted" in err
    code, _, err = run(capsys, "--db", db_url, "convert", str(world.fresh_lead))
    assert code == 1 and "--confirm-dnc" in err
    assert snapshot(engine) == before
    code, _, err = run(capsys, "--db", db_url, "convert", str(world.fresh_lead), "--confirm-dnc")
    assert code == 0, err


def test_reject_a_lead_and_a_contact(capsys, db_url, world):
    code, out, err = run(
        capsys,
        "--db",
        db_url,
        "reject",
        str(world.fresh_lead),
        "--reason",
        "bogus form fill",
        "--json",
    )
    assert code == 0, err
    assert json.loads(out) == {
        "kind": "lead",
        "id": world.fresh_lead,
        "reason": "Bogus form fill",
        "status": "Bad Data",
        "lifecycle_stage": "Rejected",
    }
    code, out, err = run(
        capsys,
        "--db",
        db_url,
        "reject",
        str(world.bob),
        "--contact",
        "--reason",
        "No need right now",
    )
    assert code == 0, err
    assert out.strip() == (
        f"Contact {world.bob} rejected by sales (No need right now): lifecycle stage Rejected; "
        "nothing was deleted."
    )
    lead = by_id(export(capsys, db_url, "leads"), world.fresh_lead)
    assert (lead["RejectedReason"], lead["LifecycleStage"]) == ("Bogus form fill", "Rejected")
    code, out, err = run(capsys, "--db", db_url, "reject", str(world.lead), "--reason", "dunno")
    assert code == 1 and "pick one of: Bogus form fill;" in err
