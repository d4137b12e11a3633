"""The score anyone can read (issue 21): rules stored as data, parts that add up to the
stored score, behaviour that halves with age, recomputed in the transaction of the change."""

from __future__ import annotations

from datetime import timedelta

import pytest
from sqlmodel import Session, select

from tests.factories import NOW, make_lead, make_rep
from tests.store.test_team_logins import team  # noqa: F401  (the fixture)
from workstation.store.calling.dispositions import log_call
from workstation.store.calling.undo import undo_last_call
from workstation.store.db import write_session
from workstation.store.errors import StoreError
from workstation.store.models import (
    Account,
    CallScript,
    Campaign,
    CampaignMember,
    Contact,
    Lead,
    ScoreRule,
)
from workstation.store.scoring.explain import explain, rescore, rescore_record
from workstation.store.scoring.rules import load_rules, words_pattern


def _stored(engine, lead_id: int, kind=Lead) -> int:
    with Session(engine) as session:
        return session.get(kind, lead_id).score


def _explain(engine, lead_id: int, now=NOW, kind=Lead):
    with Session(engine) as session:
        return explain(session, session.get(kind, lead_id), now)


def _names(score) -> dict[str, int]:
    return {part.rule: part.points for part in score.parts}


def test_words_match_whole_words_case_insensitively():
    vp = words_pattern("vp, vice president")
    assert vp.search("VP of Sales") and vp.search("Senior Vice President")
    assert not vp.search("MVP Lead") and words_pattern("  ,") is None


def test_the_default_rules_are_seeded_and_fit_counts_the_first_match_per_field(engine):
    with Session(engine) as session:
        rules = load_rules(session)
        assert rules.half_life_days == 30 and rules.calls and rules.responses
        lead = make_lead(
            session,
            title="VP and Head of Sales",
            industry="Technology",
            employees=250,
            country="United States",
            lead_source="Purchased List",
        )
        score = explain(session, lead, NOW)
    assert _names(score) == {"VP, director or head": 18, "Target industry": 10,
                             "200–999 employees": 10, "Sales territory": 5,
                             "Purchased list": -5}  # fmt: skip
    assert score.total == 38


def test_a_logged_call_and_its_undo_rescore_in_the_same_transaction(engine):
    with Session(engine) as session:
        rep = make_rep(session)
        lead = make_lead(session, owner_id=rep.id, title="CEO", score=99)
        session.commit()
        ids = rep.id, lead.id
    rep_id, lead_id = ids
    log_call(engine, rep_id=rep_id, lead_id=lead_id, disposition="Connected – Call Back",
             callback_at=NOW + timedelta(days=1), now=NOW)  # fmt: skip
    assert _stored(engine, lead_id) == 25 + 10 == _explain(engine, lead_id).total
    assert _names(_explain(engine, lead_id))["Asked for a call back"] == 10
    undo_last_call(engine, rep_id=rep_id, now=NOW + timedelta(minutes=1))
    assert _stored(engine, lead_id) == 25


def test_behaviour_halves_with_age(engine):
    with Session(engine) as session:
        rep = make_rep(session)
        lead = make_lead(session, owner_id=rep.id)
        session.commit()
        rep_id, lead_id = rep.id, lead.id
    for days in (60, 30):
        log_call(
            engine,
            rep_id=rep_id,
            lead_id=lead_id,
            disposition="Connected – Call Back",
            callback_at=NOW + timedelta(days=1 - days),
            now=NOW - timedelta(days=days),
        )
    # 10 × 0.5² + 10 × 0.5 = 7.5, rounded once: 8 (one part for both calls)
    assert _names(_explain(engine, lead_id)) == {"Asked for a call back ×2": 8}
    assert _explain(engine, lead_id, now=NOW + timedelta(days=300)).total == 0


def test_a_campaign_response_rescores_the_person(engine):
    from workstation.store.lifecycle.campaigns import add_member_statuses
    from workstation.store.lifecycle.responses import record_response

    with Session(engine) as session:
        rep = make_rep(session, role="manager")
        campaign = Campaign(name="Webinar", channel="Webinar")
        session.add(campaign)
        session.flush()
        add_member_statuses(session, campaign.id)
        lead = make_lead(session)
        session.commit()
        rep_id, lead_id = rep.id, lead.id
    record_response(engine, campaign="Webinar", kind="lead", record_id=lead_id, status=None,
                    rep_id=rep_id, at=NOW)  # fmt: skip
    assert _stored(engine, lead_id) == 15 == _explain(engine, lead_id).total


def test_editing_a_fit_field_rescores(engine):
    from workstation.store.calling.edits import save_fields

    with Session(engine) as session:
        rep = make_rep(session)
        lead = make_lead(session, owner_id=rep.id, title="Intern")
        session.commit()
        rep_id, lead_id, version = rep.id, lead.id, lead.version
    save_fields(engine, kind="lead", record_id=lead_id, changes={"title": "Chief Revenue Officer"},
                rep_id=rep_id, expected_version=version, now=NOW)  # fmt: skip
    assert _stored(engine, lead_id) == 25


def test_a_contact_is_scored_with_its_accounts_industry_and_size(engine):
    with write_session(engine) as session:
        account = Account(name="Big Tech", industry="Technology", employees=5000)
        session.add(account)
        session.flush()
        contact = Contact(account_id=account.id, last_name="Ng", title="Student")
        session.add(contact)
        session.flush()
        score = rescore(session, contact, NOW)
        contact_id = contact.id
    assert _names(score) == {"Student or intern": -20, "Target industry": 10,
                             "1,000+ employees": 15}  # fmt: skip
    assert _stored(engine, contact_id, Contact) == 5


def test_an_archived_rule_no_longer_counts(engine):
    with write_session(engine) as session:
        rule = session.exec(select(ScoreRule).where(ScoreRule.name == "C-level title")).one()
        rule.active = False
        lead = make_lead(session, title="CEO")
        lead_id = lead.id
    assert _explain(engine, lead_id).total == 0


def test_score_all_stores_what_explain_says_for_everyone(engine):
    from workstation.store.scoring.everyone import rescore_all

    with Session(engine) as session:
        rep = make_rep(session)
        account = Account(name="Acme", industry="Banking", employees=60)
        session.add(account)
        session.flush()
        contact = Contact(account_id=account.id, last_name="Cole", title="CFO", score=7)
        session.add(contact)
        leads = [
            make_lead(session, owner_id=rep.id, title=title, score=3, employees=size)
            for title, size in (("CEO", 10), ("Intern", 500), (None, None), ("VP", 2000))
        ]
        session.commit()
        rep_id, contact_id, lead_ids = rep.id, contact.id, [lead.id for lead in leads]
    log_call(engine, rep_id=rep_id, lead_id=lead_ids[0], disposition="No Answer",
             now=NOW - timedelta(days=40))  # fmt: skip
    log_call(
        engine,
        rep_id=rep_id,
        lead_id=lead_ids[0],
        disposition="Connected – Qualified",
        answers={"budget": True, "authority": "Influencer"},
        now=NOW - timedelta(days=3),
    )
    log_call(engine, rep_id=rep_id, contact_id=contact_id, disposition="Connected – Not Interested",
             now=NOW - timedelta(days=10))  # fmt: skip
    later = NOW + timedelta(days=45)
    done = rescore_all(engine, now=later, batch=2)
    assert (done.leads, done.contacts) == (4, 1) and done.changed == 5
    for lead_id in lead_ids:
        assert _stored(engine, lead_id) == _explain(engine, lead_id, later).total
    assert (
        _stored(engine, contact_id, Contact) == _explain(engine, contact_id, later, Contact).total
    )
    assert {p.kind for p in _explain(engine, lead_ids[0], later).parts} == {
        "fit",
        "behaviour",
        "script",
    }
    assert rescore_all(engine, now=later).changed == 0


def test_the_new_contact_of_a_conversion_is_scored_with_the_leads_calls(engine):
    from workstation.store.conversion.convert import convert_lead

    with Session(engine) as session:
        rep = make_rep(session)
        lead = make_lead(session, owner_id=rep.id, title="CEO", company="Newco", score=1)
        session.commit()
        rep_id, lead_id = rep.id, lead.id
    log_call(engine, rep_id=rep_id, lead_id=lead_id, disposition="Connected – Qualified",
             now=NOW - timedelta(days=30))  # fmt: skip
    assert _stored(engine, lead_id) == 50
    done = convert_lead(engine, lead_id=lead_id, rep_id=rep_id, at=NOW)
    score = _explain(engine, done.contact_id, NOW, Contact)
    assert _names(score) == {"C-level title": 25, "Qualified on a call": 12}  # 12.5, halved
    assert _stored(engine, done.contact_id, Contact) == 37


def test_imported_leads_are_scored_on_arrival_and_filled_ones_again(engine, tmp_path):
    from workstation.store.imports.leads import import_leads

    with Session(engine) as session:
        make_lead(session, last_name="Old", email="old@known.example", title=None)
        session.commit()
    source = tmp_path / "list.csv"
    source.write_text(
        "First Name,Last Name,Company,Email,Title,Industry,Employees,Country\n"
        "Ann,Ames,Bank Co,ann@bank.example,VP of Sales,Banking,250,United States\n"
        "Ian,Intern,Tiny,ian@tiny.example,Student,,5,Germany\n"
        "Olga,Old,Known,old@known.example,Founder,,,\n", encoding="utf-8",
    )  # fmt: skip
    import_leads(engine, source, clock=lambda: NOW)
    with Session(engine) as session:
        leads = {lead.email: lead for lead in session.exec(select(Lead)).all()}
        for lead in leads.values():
            assert lead.score == explain(session, lead, NOW).total, lead.email
    assert (leads["ann@bank.example"].score, leads["ian@tiny.example"].score) == (43, -25)
    assert leads["old@known.example"].score == 20  # its empty title filled: rescored


def test_the_card_explains_the_score_in_one_line_and_the_page_rule_by_rule(engine):
    from workstation.store.calling.card import record_card
    from workstation.store.records.pages import record_page

    with write_session(engine) as session:
        rule = session.exec(select(ScoreRule).where(ScoreRule.name == "C-level title")).one()
        rule.name = "[bold]C-level[/] [@click=app.quit]x[/]"
        lead = make_lead(session, title="CEO", industry="Banking")
        rescore(session, lead, NOW)
        lead_id = lead.id
    with Session(engine) as session:
        card = record_card(session, "lead", lead_id, NOW)
        page = record_page(session, "lead", lead_id, NOW)
    assert dict(card.fields)["Score"] == (
        "35 = [bold]C-level[/] [@click=app.quit]x[/] +25 · Target industry +10"
    )
    at = page.fields.index(("Score", "35"))
    assert page.fields[at + 1 : at + 3] == [
        ("", "[bold]C-level[/] [@click=app.quit]x[/] +25"),
        ("", "Target industry +10"),
    ]


def test_a_half_point_rounds_alike_whatever_the_last_bits_of_the_age():
    from workstation.store.scoring.parts import whole

    assert whole(12.5) == whole(12.5 + 4e-9) == whole(12.5 - 4e-9) == 12
    assert whole(13.5 - 4e-9) == 14 and whole(-2.5 + 1e-9) == -2


def test_the_rules_are_compiled_once_while_they_stay_the_same(engine):
    """Every call, response and conversion rescores: the rules' patterns are built once
    and used again until a rule changes (the cache is keyed by the rules' own values)."""
    with write_session(engine) as session:
        first = load_rules(session)
        assert load_rules(session) is first
        rule = session.exec(select(ScoreRule).where(ScoreRule.name == "C-level title")).one()
        rule.points = 30  # not yet flushed: the next load still sees it
        changed = load_rules(session)
        assert changed is not first
        assert [r.points for r in changed.fit["title"] if r.name == "C-level title"] == [30]


def test_rescoring_sends_a_few_statements_however_many_calls_and_answers(engine):
    """A contact's score (its account's size, its calls and their answers, its campaign's
    script): the same few indexed reads for one call or ten, and the script's questions in
    one of them, not every campaign's script."""
    from sqlalchemy import event

    with Session(engine) as session:
        rep = make_rep(session)
        account = Account(name="Acme", industry="Banking", employees=60)
        session.add(account)
        session.flush()
        contact = Contact(account_id=account.id, last_name="Cole", title="CFO")
        script = CallScript(name="Own", questions=[
            {"key": "fit", "label": "Fit", "type": "yesno", "points": 40}])  # fmt: skip
        session.add_all([contact, script])
        session.flush()
        campaign = Campaign(name="Spring", channel="Webinar", call_script_id=script.id)
        session.add(campaign)
        session.flush()
        session.add(CampaignMember(campaign_id=campaign.id, contact_id=contact.id))
        session.commit()
        rep_id, contact_id = rep.id, contact.id

    def statements() -> list[str]:
        sent: list[str] = []

        def count(_conn, _cursor, sql, *_args) -> None:
            sent.append(sql)

        with write_session(engine) as session:
            record = session.get(Contact, contact_id)
            event.listen(engine, "before_cursor_execute", count)
            try:
                score = rescore(session, record, NOW)
            finally:
                event.remove(engine, "before_cursor_execute", count)
        assert score.total == _stored(engine, contact_id, Contact)
        return sent

    for day in range(10):
        log_call(engine, rep_id=rep_id, contact_id=contact_id, disposition="Connected – Qualified",
                 answers={"fit": True}, now=NOW - timedelta(days=10 - day))  # fmt: skip
        if day == 0:
            first = statements()
    # the rules, the account, the calls with the responses, the script's questions
    assert len(statements()) == len(first) <= 4
    assert "Answer: Fit yes" in _names(_explain(engine, contact_id, NOW, Contact))
    from workstation.store.scoring.everyone import rescore_all  # reads every script at once

    assert rescore_all(engine, now=NOW).changed == 0


@pytest.mark.postgres
def test_rescoring_anothers_lead_under_row_level_security_says_whose_it_is(team):  # noqa: F811
    """A rep's login reads Sam's lead but may not change it: FOR UPDATE passes over it,
    which must not read as "there is no lead"."""
    riley = team["engines"]["riley"]
    with pytest.raises(StoreError, match="may not change lead") as refused:
        rescore_record(riley, kind="lead", record_id=team["sams"], rep_id=team["riley"].id,
                       at=NOW)  # fmt: skip
    assert "there is no" not in str(refused.value)
    done = rescore_record(riley, kind="lead", record_id=team["rileys"], rep_id=team["riley"].id,
                          at=NOW)  # fmt: skip
    assert done.total >= 0
