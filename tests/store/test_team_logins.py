"""Team mode on PostgreSQL: each rep logs in as themselves, and the database, not the app,
holds them to their role. The SQL here is what a rep could type into psql."""

from __future__ import annotations

import pytest
from sqlalchemy import exc, text
from sqlalchemy.engine import make_url
from sqlmodel import Session

from tests.factories import NOW, make_lead
from workstation.store.calling.dispositions import log_call
from workstation.store.calling.next_lead import next_lead
from workstation.store.db import make_engine
from workstation.store.permissions import PermissionDenied, acting_rep_id
from workstation.store.reps import NotYourself, list_reps, working_rep
from workstation.store.team.logins import LoginRefused, default_login
from workstation.store.team.roster import add_rep, change_rep

pytestmark = pytest.mark.postgres


def login_url(url: str, login: str) -> str:
    return make_url(url).set(username=login).render_as_string(hide_password=False)


@pytest.fixture
def team(pg_url):
    """The owner adds a manager with a login; the manager, logged in, adds two reps."""
    owner = make_engine(pg_url)
    tag = pg_url.rsplit("search_path%3D", 1)[1][-8:]  # logins are the cluster's: per test
    boss = add_rep(owner, "Morgan Boss", role="manager", login=f"boss_{tag}", acting_rep_id=None)
    as_boss = make_engine(login_url(pg_url, f"boss_{tag}"))
    me = acting_rep_id(as_boss, None)
    assert me == boss.id
    riley = add_rep(as_boss, "Riley Rep", login=f"riley_{tag}", password="s3cret", acting_rep_id=me)
    sam = add_rep(as_boss, "Sam Seller", login=f"sam_{tag}", acting_rep_id=me)
    with Session(owner) as session:
        leads = {
            "rileys": make_lead(session, owner_id=riley.id, assigned_at=NOW).id,
            "sams": make_lead(session, owner_id=sam.id, assigned_at=NOW).id,
            "pool": make_lead(session).id,
        }
        session.commit()
    engines = {
        "owner": owner,
        "boss": as_boss,
        "riley": make_engine(login_url(pg_url, riley.login)),
        "sam": make_engine(login_url(pg_url, sam.login)),
    }
    yield {
        "url": pg_url,
        "tag": tag,
        "boss": boss,
        "riley": riley,
        "sam": sam,
        **leads,
        "engines": engines,
    }
    for engine in engines.values():
        engine.dispose()


def _sql(engine, sql: str, **values):
    with engine.begin() as connection:
        return connection.execute(text(sql), values)


def test_each_rep_is_their_login_and_cannot_act_as_anyone_else(team):
    riley = team["engines"]["riley"]
    with Session(riley) as session:
        assert working_rep(session, None).name == "Riley Rep"
        assert working_rep(session, "riley rep").name == "Riley Rep"
        with pytest.raises(NotYourself, match="you work as yourself, so --as cannot name"):
            working_rep(session, "Morgan Boss")
    with Session(team["engines"]["owner"]) as session:  # the owner administers: any rep
        assert working_rep(session, "Sam Seller").name == "Sam Seller"
        logins = {rep.name: rep.login for rep in list_reps(session)}
    assert logins == {
        "Morgan Boss": f"boss_{team['tag']}",
        "Riley Rep": team["riley"].login,
        "Sam Seller": team["sam"].login,
    }
    password = _sql(
        team["engines"]["owner"],
        "SELECT rolpassword FROM pg_authid WHERE rolname = :r",
        r=team["riley"].login,
    ).scalar()
    assert password.startswith("SCRAM-SHA-256$") and "s3cret" not in password


def test_a_login_that_is_no_reps_is_refused(team):
    owner = team["engines"]["owner"]
    stranger = f"stranger_{team['tag']}"
    group = _sql(owner, "SELECT current_schema()").scalar()
    from workstation.store.access import group_roles

    with owner.connect() as connection:
        rep_group, _ = group_roles(connection)
    _sql(owner, f'CREATE ROLE "{stranger}" LOGIN IN ROLE "{rep_group}"')
    engine = make_engine(login_url(team["url"], stranger))
    try:
        with Session(engine) as session, pytest.raises(NotYourself, match="is no rep's"):
            working_rep(session, None)
    finally:
        engine.dispose()
        _sql(owner, f'DROP OWNED BY "{stranger}"')
        _sql(owner, f'DROP ROLE "{stranger}"')
    assert group


def test_a_rep_changes_only_their_own_records_whatever_sql_they_type(team):
    riley, ids = team["engines"]["riley"], team
    me, sam = team["riley"].id, team["sam"].id
    # Another rep's lead: invisible to an UPDATE.
    assert (
        _sql(riley, "UPDATE lead SET title = 'Mine' WHERE id = :id", id=ids["sams"]).rowcount == 0
    )
    assert (
        _sql(riley, "UPDATE lead SET title = 'CEO' WHERE id = :id", id=ids["rileys"]).rowcount == 1
    )
    # Their own lead cannot be handed to someone else, nor a pool lead claimed for them.
    for lead in (ids["rileys"], ids["pool"]):
        with pytest.raises(exc.ProgrammingError, match="row-level security"):
            _sql(riley, "UPDATE lead SET owner_id = :sam WHERE id = :id", sam=sam, id=lead)
    assert (
        _sql(riley, "UPDATE lead SET owner_id = :me WHERE id = :id", me=me, id=ids["pool"]).rowcount
        == 1
    )
    for sql in (
        "TRUNCATE lead",
        "DELETE FROM lead",
        "DELETE FROM history",
        "UPDATE history SET reason = 'x'",
        "DROP TABLE lead",
        "CREATE TABLE mine (id int)",
        "ALTER TABLE lead ADD COLUMN x int",
        "UPDATE rep SET role = 'manager'",
        "UPDATE rep SET login = NULL",
        "DELETE FROM disposition",
    ):
        with pytest.raises(exc.ProgrammingError, match=r"permission denied|must be owner"):
            _sql(riley, sql)
    history = (
        "INSERT INTO history (entity, entity_id, field, new_value, rep_id, at) "
        "VALUES ('lead', :id, 'status', 'Open', :rep, now())"
    )
    with pytest.raises(exc.ProgrammingError, match="row-level security"):
        _sql(riley, history, id=ids["rileys"], rep=sam)
    assert _sql(riley, history, id=ids["rileys"], rep=me).rowcount == 1
    with pytest.raises(exc.ProgrammingError, match="permission denied"):
        _sql(riley, "SELECT ws_grant_login(:id, 'sneaky', NULL)", id=me)


def test_managers_may_reassign_and_an_inactive_rep_changes_nothing(team):
    boss, ids = team["engines"]["boss"], team
    moved = _sql(
        boss,
        "UPDATE lead SET owner_id = :riley WHERE id = :id",
        riley=team["riley"].id,
        id=ids["sams"],
    )
    assert moved.rowcount == 1
    change_rep(boss, "Sam Seller", active=False, acting_rep_id=team["boss"].id)
    with pytest.raises(exc.OperationalError):  # an inactive rep's login cannot log in
        _sql(team["engines"]["sam"], "SELECT 1")
    # Promoted, a rep's login joins the managers' group: it may change the team.
    change_rep(boss, "Riley Rep", role="manager", acting_rep_id=team["boss"].id)
    assert (
        _sql(
            team["engines"]["riley"],
            "UPDATE rep SET capacity = 5 WHERE id = :id",
            id=team["riley"].id,
        ).rowcount
        == 1
    )


def test_a_rep_works_through_the_store_as_their_login(team):
    riley = team["engines"]["riley"]
    me = acting_rep_id(riley, None)
    log_call(riley, rep_id=me, lead_id=team["rileys"], disposition="2", now=NOW)
    claimed = next_lead(riley, rep_id=me, now=NOW)
    assert claimed.lead_id in (team["rileys"], team["pool"])


def test_logins_are_checked_before_anything_is_written(team):
    boss = team["engines"]["boss"]
    me = team["boss"].id
    with pytest.raises(LoginRefused, match="already"):
        add_rep(boss, "Twin Login", login=team["riley"].login, acting_rep_id=me)
    with pytest.raises(LoginRefused, match="lower-case letters"):
        add_rep(boss, "Bad Login", login="Robert'); DROP", acting_rep_id=me)
    with pytest.raises(PermissionDenied, match="only managers may add a rep"):
        add_rep(
            team["engines"]["riley"],
            "Sneaky",
            login=f"sneaky_{team['tag']}",
            acting_rep_id=team["riley"].id,
        )
    with Session(boss) as session:
        assert [rep.name for rep in list_reps(session)] == [
            "Morgan Boss",
            "Riley Rep",
            "Sam Seller",
        ]
    assert default_login("Émile Zola-Durand") == "emile_zola_durand"


def test_a_service_file_says_who_connects(team, tmp_path, monkeypatch):
    """libpq reads the connection (login, and a password or ~/.pgpass) from a service
    file: the workstation passes `?service=` through untouched."""
    url = make_url(team["url"])
    schema = url.query["options"].split("search_path=")[1]
    service = tmp_path / "pg_service.conf"
    service.write_text(
        f"[crm]\nhost={url.host}\nport={url.port or 5432}\ndbname={url.database}\n"
        f"user={team['riley'].login}\noptions=-csearch_path={schema}\n"
    )
    monkeypatch.setenv("PGSERVICEFILE", str(service))
    engine = make_engine("postgresql:///?service=crm")
    try:
        with Session(engine) as session:
            assert working_rep(session, None).name == "Riley Rep"
    finally:
        engine.dispose()


def test_saved_filters_are_each_logins_own_and_shared_by_managers(team):
    from workstation.store.filters.saved import FilterSpec, add_filter, archive_filter

    engines, riley, boss = team["engines"], team["riley"], team["boss"]
    mine = add_filter(engines["riley"], rep_id=riley.id, spec=FilterSpec("Web", source="Web"))
    result = next_lead(engines["riley"], rep_id=riley.id, queue=mine.key, now=NOW)
    assert result.record_id is None  # Riley's lead has no source: nothing in the filter
    pool = add_filter(engines["riley"], rep_id=riley.id, spec=FilterSpec("Pool", owner="pool"))
    claimed = next_lead(engines["riley"], rep_id=riley.id, queue=pool.key, now=NOW)
    assert (claimed.record_id, claimed.source) == (team["pool"], "pool")
    add_filter(engines["boss"], rep_id=boss.id, spec=FilterSpec("Team", shared=True))
    insert = (
        "INSERT INTO saved_filter (rep_id, name, name_key, shared, archived, owner, "
        "created_at, updated_at) VALUES (:rep, :name, :name, :shared, false, 'mine', now(), "
        "now())"
    )
    for rep, shared in ((riley.id, True), (boss.id, False)):  # share; pass as the boss
        with pytest.raises(exc.ProgrammingError, match="row-level security"):
            _sql(engines["riley"], insert, rep=rep, name=f"sneaky {rep}", shared=shared)
    shared_to_all = "UPDATE saved_filter SET shared = true WHERE name = 'Web'"
    with pytest.raises(exc.ProgrammingError, match="row-level security"):
        _sql(engines["riley"], shared_to_all)
    assert _sql(engines["sam"], "UPDATE saved_filter SET archived = true").rowcount == 0
    with pytest.raises(exc.DBAPIError, match="permission denied"):
        _sql(engines["riley"], "DELETE FROM saved_filter")
    archive_filter(engines["boss"], rep_id=boss.id, name="Team")
