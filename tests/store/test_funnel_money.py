"""The funnel's marketing ROI (seed 002): pipeline and won amounts per campaign and per
source, and cost per won deal where a campaign's actual cost is known."""

from __future__ import annotations

from datetime import date

from sqlmodel import Session

from tests.convert_factories import add, make_campaign
from tests.factories import make_rep
from workstation.store.models import Account, Opportunity
from workstation.store.reports.funnel import funnel_report
from workstation.store.reports.funnel_export import funnel_json


def test_pipeline_won_and_cost_per_won_deal_per_campaign_and_source(engine):
    with Session(engine) as session:
        manager = make_rep(session, "Mia Manager", role="manager")
        expo = make_campaign(session, "Expo", channel="Event", actual_cost_cents=300_000)
        web = make_campaign(session, "Web", channel="Web")  # cost unknown
        account = add(session, Account(name="Acme"))
        for campaign, stage, cents, source in [
            (expo, "Closed Won", 100_000, "Event"),
            (expo, "Closed Won", 50_000, "Event"),
            (expo, "Proposal", 70_000, "Event"),
            (expo, "Closed Lost", 90_000, "Event"),
            (web, "Closed Won", 20_000, "Web"),
            (None, "Negotiation", 10_000, None),
        ]:
            add(
                session,
                Opportunity(
                    account_id=account.id,
                    name="x",
                    stage=stage,
                    amount_cents=cents,
                    is_closed=stage.startswith("Closed"),
                    close_date=date(2027, 1, 31),
                    campaign_id=campaign.id if campaign else None,
                    lead_source=source,
                ),
            )
        session.commit()
        report = funnel_report(session, acting_rep_id=manager.id)
    rows = {r.name: r for r in report.money_by_campaign}
    expo_row = rows["Expo"]
    assert (expo_row.open_opportunities, expo_row.pipeline_cents) == (1, 70_000)
    assert (expo_row.won, expo_row.won_cents, expo_row.cost_per_won_cents) == (2, 150_000, 150_000)
    assert rows["Web"].cost_per_won_cents is None and rows["Web"].won_cents == 20_000
    assert rows["(none)"].pipeline_cents == 10_000
    sources = {r.name: (r.won, r.won_cents, r.pipeline_cents) for r in report.money_by_source}
    assert sources == {
        "Event": (2, 150_000, 70_000),
        "Web": (1, 20_000, 0),
        "(none)": (0, 0, 10_000),
    }
    data = funnel_json(report, [], [], None)
    assert data["money_by_campaign"][0]["name"] == "Expo"
    assert data["money_by_campaign"][0]["cost_per_won_cents"] == 150_000
