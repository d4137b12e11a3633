"""Search: the index follows every write in its transaction, and finds records by name,
company, email and phone fragments, prefixes and close misspellings, on SQLite and
PostgreSQL; the queries use the index (EXPLAIN)."""

from __future__ import annotations

from sqlalchemy import event, text
from sqlmodel import Session

from tests.convert_factories import add
from tests.factories import make_lead, make_rep
from workstation.store.calling.edits import save_fields
from workstation.store.conversion.convert import convert_lead
from workstation.store.imports.leads import import_leads
from workstation.store.models import Account, Contact
from workstation.store.search.find import search


def found(engine, query: str, **options) -> list[tuple[str, str, tuple[str, ...]]]:
    with Session(engine) as session:
        return [(hit.kind, hit.name, hit.matched) for hit in search(session, query, **options)]


def _kwame(engine) -> tuple[int, int]:
    with Session(engine) as session:
        rep = make_rep(session, role="manager")
        lead = make_lead(
            session,
            owner_id=rep.id,
            first_name="Kwame",
            last_name="Mensah",
            company="Globex Mining",
            email="kwame.mensah@globex.example",
            phone="+61412555123",
        )
        make_lead(session, first_name="Ana", last_name="Ruiz", company="Initech")
        session.commit()
        return rep.id, lead.id


def test_a_lead_is_found_by_name_company_email_and_prefixes(engine):
    _kwame(engine)
    kwame = ("lead", "Kwame Mensah")
    assert found(engine, "Kwame")[0] == (*kwame, ("name", "email"))
    assert found(engine, "kwa men")[0][:2] == kwame
    assert found(engine, "glob")[0] == (*kwame, ("company", "email"))
    assert found(engine, "kwame.mens")[0][:2] == kwame
    assert found(engine, "mensah@globex")[0][:2] == kwame
    assert found(engine, "Initech") == [("lead", "Ana Ruiz", ("company",))]
    assert found(engine, "nobody-like-this") == []
    assert found(engine, "  ") == []


def test_a_phone_is_found_in_any_format(engine):
    _kwame(engine)
    for typed in ("0412 555", "+61412", "412555", "(04) 1255-5123", "555123", "61 412 555 123"):
        assert found(engine, typed) == [("lead", "Kwame Mensah", ("phone",))], typed


def test_zeros_typed_inside_a_number_find_it_before_numbers_without_them(engine):
    """ "0023498", the end of +49 30 40023498 as a rep reads it off a note: leading zeros are
    also a trunk prefix ("0412 555"), so numbers holding "23498" match too, but the number
    holding the digits as typed comes first, even among many newer ones."""
    with Session(engine) as session:
        make_lead(session, first_name="Jonas", last_name="Kaiser", phone="+493040023498")
        for n in range(25):  # newer, each holding 23498 but not 0023498
            make_lead(session, first_name="Other", last_name=f"Lead{n}",
                      phone=f"+1212{n % 10}23498{n // 10}")  # fmt: skip
        session.commit()
    assert found(engine, "0023498", limit=5)[0] == ("lead", "Jonas Kaiser", ("phone",))
    assert len(found(engine, "0023498", limit=5)) == 5  # the others still fill the list
    assert found(engine, "412555") == []  # no trunk-prefixed number here


def test_a_misspelt_name_finds_the_record_marked_close(engine):
    _kwame(engine)
    with Session(engine) as session:
        hits = search(session, "Mensha")
    assert [(hit.name, hit.close, hit.why) for hit in hits] == [
        ("Kwame Mensah", True, "name (close match)")
    ]


def test_markup_in_a_name_is_found_and_kept_literally(engine):
    with Session(engine) as session:
        make_lead(session, first_name="[bold]Mallory[/bold]", last_name="Evil", company="X")
        session.commit()
    assert found(engine, "Mallory") == [("lead", "[bold]Mallory[/bold] Evil", ("name",))]


def test_the_index_follows_edits_imports_conversions_and_sql(engine, tmp_path):
    rep, lead_id = _kwame(engine)
    save_fields(
        engine, rep_id=rep, kind="lead", record_id=lead_id, expected_version=1,
        changes={"last_name": "Owusu", "email": "k.owusu@umbrella.example"},
    )  # fmt: skip
    assert found(engine, "Mensah") == []
    assert found(engine, "owusu")[0] == ("lead", "Kwame Owusu", ("name", "email"))
    assert found(engine, "umbrella")[0][:2] == ("lead", "Kwame Owusu")

    csv = tmp_path / "leads.csv"
    csv.write_text("First Name,Last Name,Company,Email,Phone\nZara,Quill,Hooli,zq@hooli.example,\n")
    import_leads(engine, csv, acting_rep_id=rep)
    assert found(engine, "zara quill") == [("lead", "Zara Quill", ("name",))]

    convert_lead(engine, lead_id=lead_id, rep_id=rep)
    kinds = {kind for kind, _name, _why in found(engine, "owusu")}
    assert {"lead", "contact"} <= kinds

    with Session(engine) as session:
        session.execute(
            text("UPDATE lead SET company = 'Wayne Enterprises' WHERE first_name = 'Zara'")
        )
        session.commit()
    assert found(engine, "wayne") == [("lead", "Zara Quill", ("company",))]


def test_accounts_contacts_and_opportunities_say_what_they_are(engine):
    from datetime import date

    from workstation.store.models import Opportunity

    with Session(engine) as session:
        account = add(session, Account(name="Vandelay Industries", domain="vandelay.example",
                                       phone="+13125550187"))  # fmt: skip
        add(session, Contact(account_id=account.id, first_name="Art", last_name="Vandelay",
                             email="art@vandelay.example"))  # fmt: skip
        add(session, Opportunity(account_id=account.id, name="Vandelay – latex",
                                 close_date=date(2027, 1, 1)))  # fmt: skip
        session.commit()
    results = found(engine, "vandelay")
    assert sorted(results) == [
        ("account", "Vandelay Industries", ("name", "website")),
        ("contact", "Art Vandelay", ("name", "email")),
        ("opportunity", "Vandelay – latex", ("name",)),
    ]
    assert found(engine, "312 555 0187") == [("account", "Vandelay Industries", ("phone",))]
    assert len(found(engine, "vandelay", limit=2)) == 2


def test_search_uses_the_index(engine):
    _kwame(engine)
    statements: list[tuple[str, object]] = []

    def keep(_conn, _cursor, statement, parameters, _context, _many) -> None:
        statements.append((statement, parameters))

    event.listen(engine, "before_cursor_execute", keep)
    try:
        found(engine, "kwame")
    finally:
        event.remove(engine, "before_cursor_execute", keep)
    with engine.connect() as connection:
        if engine.dialect.name == "sqlite":
            statement, parameters = next((s, p) for s, p in statements if "MATCH" in s)
            rows = connection.exec_driver_sql(f"EXPLAIN QUERY PLAN {statement}", parameters)
            plan = " ".join(row[3] for row in rows)
            assert "VIRTUAL TABLE INDEX" in plan and "search_index" in plan, plan
            return
        connection.exec_driver_sql("SET enable_seqscan = off")
        plans = []
        for statement, parameters in statements:
            if "LIKE" in statement or ") ~ " in statement:
                rows = connection.exec_driver_sql(f"EXPLAIN {statement}", parameters)
                plans.append(" ".join(row[0] for row in rows))
        assert len(plans) == 4
        for table, plan in zip(("lead", "contact", "account", "opportunity"), plans, strict=True):
            assert f"Bitmap Index Scan on ix_{table}_search" in plan, plan


def test_a_misspelt_word_beside_others_finds_the_record(engine):
    _kwame(engine)
    assert found(engine, "kwame mensha") == [("lead", "Kwame Mensah", ("name",))]
    assert found(engine, "Kwmae Mens") == [("lead", "Kwame Mensah", ("name",))]


def test_digits_among_words_are_a_word_not_a_phone(engine):
    with Session(engine) as session:
        make_lead(session, first_name="Bond", last_name="James", company="Firm 007 Ltd")
        make_lead(session, first_name="Other", last_name="Lead", company="Firm 8 Ltd",
                  phone="+14155550079")  # fmt: skip
        session.commit()
    assert found(engine, "firm 007") == [("lead", "Bond James", ("company",))]


def _index_and_triggers(engine) -> tuple[list[tuple], list[str]]:
    with engine.connect() as connection:
        rows = connection.exec_driver_sql(
            "SELECT rowid, name, company, email, phone FROM search_index ORDER BY rowid"
        ).all()
        triggers = connection.exec_driver_sql(
            "SELECT sql FROM sqlite_master WHERE type = 'trigger' AND name LIKE 'search_%' "
            "ORDER BY name"
        ).scalars()
        return [tuple(row) for row in rows], list(triggers)


def test_an_import_indexes_its_leads_as_the_triggers_would(sqlite_engine, tmp_path):
    """An import indexes a batch in one statement at its end, the insert trigger set aside
    meanwhile: the index then holds what the triggers would have written, and the triggers
    are back as they were."""
    rep, _lead_id = _kwame(sqlite_engine)
    _index, triggers = _index_and_triggers(sqlite_engine)
    csv = tmp_path / "leads.csv"
    people = [f"Zara{n},Quill,Hooli {n},zq{n}@hooli.example,+61 412 555 {n:03d}" for n in range(40)]
    csv.write_text("First Name,Last Name,Company,Email,Phone\n" + "\n".join(people) + "\n")
    import_leads(sqlite_engine, csv, acting_rep_id=rep)
    index, triggers_after = _index_and_triggers(sqlite_engine)
    assert triggers_after == triggers
    with sqlite_engine.begin() as connection:  # what the triggers write, for every record
        connection.exec_driver_sql("DELETE FROM search_index")
        connection.exec_driver_sql("UPDATE lead SET company = company")
    assert index == _index_and_triggers(sqlite_engine)[0]
    assert len(index) == 42
    assert found(sqlite_engine, "0412 555 017")[0][:2] == ("lead", "Zara17 Quill")
