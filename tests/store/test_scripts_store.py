"""Scripts in the database (SQLite and PostgreSQL): the script a record gets, and answers
moving the score inside the call's transaction."""

from __future__ import annotations

import pytest
from sqlmodel import Session, select

from tests.factories import NOW, make_lead, make_rep
from workstation.store.db import write_session
from workstation.store.models import (
    Account,
    Activity,
    CallScript,
    Campaign,
    CampaignMember,
    Contact,
    Lead,
)
from workstation.store.scoring.explain import rescore
from workstation.store.scripts.for_record import DEFAULT_NAME, apply_answers, script_for_record
from workstation.store.scripts.rules import ScriptError

EMAIL = "Subject: Hi {company}\n\nDear {first_name}"
LAST_YEAR = NOW.replace(year=2025)
BANT_YES = {
    "budget": True,
    "authority": "Decision maker",
    "need": "Speed",
    "timeline": "This quarter",
}
QUESTIONS = [
    {"key": "budget", "label": "Budget", "type": "yesno"},
    {"key": "authority", "label": "Authority", "type": "choice",
     "choices": ["Decision maker", "Influencer", "End user"]},
    {"key": "need", "label": "Need", "type": "text"},
    {"key": "timeline", "label": "Timeline", "type": "choice",
     "choices": ["This quarter", "Next quarter", "No timeline"]},
    {"key": "seats", "label": "Seats", "type": "number", "points": 5},
]  # fmt: skip


def _world(engine) -> dict[str, int]:
    with Session(engine) as session:
        rep = make_rep(session, "Riley Rep")
        alpha = CallScript(
            name="Alpha script",
            body="## Hi\nHello {first_name} at {company}, "
            "about {product}.\n## Objection: Price\nAsk why.",
            questions=QUESTIONS,
        )
        beta = CallScript(name="Beta script", body="Beta for {title}", questions=QUESTIONS[:1],
                          qualify={"all": ["budget"]})  # fmt: skip
        session.add_all([alpha, beta])
        session.flush()
        a = Campaign(name="Alpha", channel="Web", offer="Demo Request", product="Dialer Pro",
                     call_script_id=alpha.id, email_template=EMAIL)  # fmt: skip
        b = Campaign(name="Beta", channel="Event", offer="Contact Us", product="Suite",
                     call_script_id=beta.id)  # fmt: skip
        bare = Campaign(name="Bare", channel="Partner", offer="Trial", product="Add-on")
        account = Account(name="Acme Corp", industry="Retail")
        session.add_all([a, b, bare, account])
        session.flush()
        ids = {
            "rep": rep.id,
            "alpha_lead": make_lead(session, first_name="Ann", company="Ann Co", campaign_id=a.id,
                                    owner_id=rep.id, email="ann@annco.example", score=30).id,
            "beta_lead": make_lead(session, first_name="Ben", title="CTO", campaign_id=b.id).id,
            "bare_lead": make_lead(session, last_name="Solo", campaign_id=bare.id).id,
            "lonely_lead": make_lead(session, first_name="Lou").id,
            "alpha": alpha.id,
        }  # fmt: skip
        contact = Contact(first_name="Cat", last_name="Ng", account_id=account.id)
        session.add(contact)
        session.flush()
        session.add_all([
            CampaignMember(campaign_id=b.id, contact_id=contact.id, created_at=NOW),
            CampaignMember(campaign_id=a.id, contact_id=contact.id, created_at=LAST_YEAR),
        ])  # fmt: skip
        ids["contact"] = contact.id
        session.commit()
    return ids


def _view(engine, kind, record_id):
    with Session(engine) as session:
        return script_for_record(session, kind, record_id, rep_name="Riley Rep")


def test_two_campaigns_give_two_scripts_with_the_records_values(engine):
    ids = _world(engine)
    alpha = _view(engine, "lead", ids["alpha_lead"])
    beta = _view(engine, "lead", ids["beta_lead"])
    assert (alpha.script_name, beta.script_name) == ("Alpha script", "Beta script")
    assert (alpha.product, alpha.lead_source, alpha.offer) == ("Dialer Pro", "Web", "Demo Request")
    assert alpha.values["first_name"] == "Ann" and alpha.values["company"] == "Ann Co"
    assert alpha.values["rep"] == "Riley Rep"
    assert [s.objection for s in alpha.sections] == [None, "Price"]
    assert [q.key for q in alpha.questions] == ["budget", "authority", "need", "timeline", "seats"]
    assert alpha.rule.all == ("budget", "authority", "need", "timeline")
    assert beta.rule.all == ("budget",) and beta.values["title"] == "CTO"
    assert alpha.email_template.startswith("Subject: Hi {company}")
    assert (alpha.email_to, alpha.email_opt_out) == ("ann@annco.example", False)


def test_no_campaign_or_no_script_gets_the_default_until_one_is_stored(engine):
    ids = _world(engine)
    for key in ("bare_lead", "lonely_lead"):
        view = _view(engine, "lead", ids[key])
        assert (view.script_id, view.script_name) == (None, DEFAULT_NAME)
        assert any(s.objection == "Too expensive" for s in view.sections)
    assert _view(engine, "lead", ids["bare_lead"]).product == "Add-on"
    assert _view(engine, "lead", ids["lonely_lead"]).campaign is None
    with Session(engine) as session:
        session.add(CallScript(name=DEFAULT_NAME, body="Our own default", questions=[]))
        session.commit()
    view = _view(engine, "lead", ids["lonely_lead"])
    assert view.script_id is not None and view.sections[0].template == "Our own default"


def test_a_contact_gets_the_script_of_its_latest_campaign(engine):
    ids = _world(engine)
    view = _view(engine, "contact", ids["contact"])
    assert (view.script_name, view.campaign) == ("Beta script", "Beta")
    assert view.values["company"] == "Acme Corp" and view.values["industry"] == "Retail"
    assert _view(engine, "lead", 999_999) is None


def _call(engine, lead_id, rep_id, answers, *, fail_after=False):
    """What log_call does around apply_answers: one transaction, then the activity."""
    with write_session(engine) as session:
        lead = session.get(Lead, lead_id)
        stored = apply_answers(session, lead, answers=answers)
        session.add(Activity(lead_id=lead_id, rep_id=rep_id, answers=stored, occurred_at=NOW))
        rescore(session, lead, NOW)  # as `log_call` does, in the same transaction
        if fail_after:
            raise RuntimeError("the call failed after the answers")
        return stored


def _score(engine, lead_id) -> int:
    with Session(engine) as session:
        return session.get(Lead, lead_id).score


def test_answers_raise_the_score_once_and_take_back_what_turns_unfavourable(engine):
    ids = _world(engine)
    lead, rep = ids["alpha_lead"], ids["rep"]
    stored = _call(engine, lead, rep, BANT_YES | {"seats": "12", "need": " Speed "})
    assert stored == BANT_YES | {"seats": 12}
    assert _score(engine, lead) == 45  # the hand-set 30 gives way to the computed score
    _call(engine, lead, rep, {"budget": True})  # the same again: nothing more
    assert _score(engine, lead) == 45
    _call(engine, lead, rep, {"budget": False})
    assert _score(engine, lead) == 35
    assert _view(engine, "lead", lead).last_answers == {"budget": False}
    assert _call(engine, lead, rep, {}) is None and _score(engine, lead) == 35


def test_a_bad_answer_writes_nothing_and_a_failed_call_takes_the_score_back(engine):
    ids = _world(engine)
    lead, rep = ids["alpha_lead"], ids["rep"]
    with pytest.raises(ScriptError, match="Authority: answer one of"):
        _call(engine, lead, rep, {"budget": True, "authority": "CEO"})
    with pytest.raises(RuntimeError):
        _call(engine, lead, rep, BANT_YES, fail_after=True)
    assert _score(engine, lead) == 30
    with Session(engine) as session:
        assert session.exec(select(Activity).where(Activity.lead_id == lead)).all() == []


def test_an_undone_calls_answers_no_longer_count(engine):
    ids = _world(engine)
    lead, rep = ids["alpha_lead"], ids["rep"]
    _call(engine, lead, rep, {"budget": True})
    with write_session(engine) as session:
        first = session.exec(select(Activity).where(Activity.lead_id == lead)).one()
        session.add(Activity(lead_id=lead, rep_id=rep, kind="note", reverses_id=first.id,
                             occurred_at=NOW))  # fmt: skip
        session.get(Lead, lead).score = 30  # undo puts the score back
    assert _view(engine, "lead", lead).last_answers == {}
    _call(engine, lead, rep, {"budget": True})
    assert _score(engine, lead) == 10


def test_the_scripts_own_questions_check_the_answers(engine):
    ids = _world(engine)
    with pytest.raises(ScriptError, match="asks no question 'seats'"):
        _call(engine, ids["beta_lead"], ids["rep"], {"seats": 3})
    assert _call(engine, ids["beta_lead"], ids["rep"], {"budget": "yes"}) == {"budget": True}
    assert _score(engine, ids["beta_lead"]) == 25 + 10  # a CTO (fit) who has a budget
