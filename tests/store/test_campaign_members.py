"""Campaign members from a saved filter (issue 20): the filter's leads, read a page at a
time by key, join the campaign with its default member status; people already members
are skipped, and no membership is ever removed or changed."""

from __future__ import annotations

import pytest
from sqlalchemy import select
from sqlmodel import Session

from tests.convert_factories import add, make_campaign
from tests.factories import NOW, make_lead, make_rep
from workstation.store.filters.saved import FilterRefused, FilterSpec, add_filter
from workstation.store.lifecycle.campaign_members import add_members_from_filter
from workstation.store.models import CampaignMember, History
from workstation.store.permissions import PermissionDenied


def _world(engine):
    with Session(engine) as session:
        manager = make_rep(session, "Mia Manager", role="manager").id
        rep = make_rep(session, "Riley Rep").id
        expo = make_campaign(session, "Spring Expo", channel="Event").id
        web = [make_lead(session, lead_source="Web", score=s).id for s in (9, 8, 7, 6, 5)]
        make_lead(session, lead_source="Event")  # not the filter's
        add(session, CampaignMember(campaign_id=expo, lead_id=web[2], status="Responded",
                                    has_responded=True))  # fmt: skip
        session.commit()
    add_filter(engine, rep_id=manager, spec=FilterSpec("Web pool", owner="pool", source="web"))
    return manager, rep, expo, web


def _members(engine, campaign_id):
    with Session(engine) as session:
        rows = session.execute(
            select(CampaignMember.lead_id, CampaignMember.status, CampaignMember.has_responded)
            .where(CampaignMember.campaign_id == campaign_id)
            .order_by(CampaignMember.lead_id)
        ).all()
    return [tuple(row) for row in rows]


def test_the_filters_leads_join_with_the_default_status_page_by_page(engine):
    manager, _, expo, web = _world(engine)
    done = add_members_from_filter(
        engine, campaign="spring expo", filter_name="WEB POOL", rep_id=manager, at=NOW,
        page_size=2,
    )  # fmt: skip
    assert (done.matched, done.added, done.already, done.status) == (5, 4, 1, "Sent")
    assert _members(engine, expo) == [
        (web[0], "Sent", False), (web[1], "Sent", False), (web[2], "Responded", True),
        (web[3], "Sent", False), (web[4], "Sent", False),
    ]  # fmt: skip
    again = add_members_from_filter(
        engine, campaign=expo, filter_name="Web pool", rep_id=manager, at=NOW
    )
    assert (again.matched, again.added, again.already) == (5, 0, 5)
    with Session(engine) as session:
        reasons = session.execute(
            select(History.old_value, History.new_value, History.reason).where(
                History.entity == "campaign", History.entity_id == expo
            )
        ).all()
    assert tuple(reasons[0]) == ("1", "5", "4 added from saved filter Web pool")


def test_a_rep_may_not_and_an_unknown_filter_says_which_there_are(engine):
    manager, rep, expo, _ = _world(engine)
    with pytest.raises(PermissionDenied):
        add_members_from_filter(engine, campaign=expo, filter_name="Web pool", rep_id=rep)
    with pytest.raises(FilterRefused, match=r"no saved filter named 'Mobile'.*Web pool"):
        add_members_from_filter(engine, campaign=expo, filter_name="Mobile", rep_id=manager)
    assert len(_members(engine, expo)) == 1


def test_a_responded_default_reopens_a_nurtured_member_as_an_import_would(engine):
    from workstation.store.lifecycle.campaigns import (
        CampaignChanges,
        MemberStatusChange,
        change_campaign,
    )
    from workstation.store.models import Lead

    manager, _, expo, _ = _world(engine)
    with Session(engine) as session:
        nurtured = make_lead(
            session, owner_id=manager, lifecycle_stage="Nurture", lead_source="Web"
        ).id
        session.commit()
    add_filter(engine, rep_id=manager, spec=FilterSpec("Mine", owner="mine"))
    change = CampaignChanges(statuses=(MemberStatusChange("Responded", is_default=True),))
    change_campaign(engine, campaign=expo, changes=change, rep_id=manager)
    done = add_members_from_filter(
        engine, campaign=expo, filter_name="mine", rep_id=manager, at=NOW
    )
    assert (done.added, done.status, done.reopened) == (1, "Responded", 1)
    with Session(engine) as session:
        lead = session.get(Lead, nurtured)
        assert lead is not None and lead.lifecycle_stage == "Marketing Qualified"


def test_a_responded_default_counts_in_the_new_members_scores(engine):
    """A response is an input of the score (issue 21): members added as responded are
    rescored in the same transaction, as `campaign respond` and an import do."""
    from workstation.store.lifecycle.campaigns import (
        CampaignChanges,
        MemberStatusChange,
        change_campaign,
    )
    from workstation.store.models import Lead
    from workstation.store.scoring.explain import explain

    manager, _, expo, web = _world(engine)
    change = CampaignChanges(statuses=(MemberStatusChange("Responded", is_default=True),))
    change_campaign(engine, campaign=expo, changes=change, rep_id=manager)
    add_members_from_filter(engine, campaign=expo, filter_name="Web pool", rep_id=manager, at=NOW)
    with Session(engine) as session:
        lead = session.get(Lead, web[0])
        assert lead is not None
        made = explain(session, lead, NOW)
        assert any("espon" in part.rule for part in made.parts), made.parts  # the response
        assert lead.score == made.total
