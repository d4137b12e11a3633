"""The import's per-batch lookups use the plain indexes (TARGETS.md: a test checks the
EXPLAIN QUERY PLAN of every hot query): never a scan, whatever the tables hold."""

from __future__ import annotations

from workstation.store.import_sql import lookup_sql
from workstation.store.import_upsert import CONTACT_LOOKUP, LEAD_LOOKUP, MEMBERSHIPS
from workstation.store.models import Contact, Lead


def _plan(connection, sql: str, parameters: tuple = ()) -> str:
    rows = connection.exec_driver_sql(f"EXPLAIN QUERY PLAN {sql}", parameters).all()
    return "\n".join(row[-1] for row in rows)


def test_leads_and_contacts_are_found_through_their_email_and_phone_indexes(sqlite_engine):
    with sqlite_engine.connect() as connection:
        for model, columns in ((Lead, LEAD_LOOKUP), (Contact, CONTACT_LOOKUP)):
            table = model.__table__
            sql = lookup_sql(connection, table, columns, 3, 2)
            plan = _plan(connection, sql, ("a@x.com", "b@x.com", "c@x.com", "+1", "+2"))
            assert "SCAN" not in plan, plan
            assert f"ix_{table.name}_email" in plan and f"ix_{table.name}_phone" in plan, plan
            emails_only = _plan(connection, lookup_sql(connection, table, columns, 1, 0), ("a",))
            assert f"ix_{table.name}_email" in emails_only and "SCAN" not in emails_only


def test_memberships_are_found_by_person_not_by_campaign(sqlite_engine):
    sql = str(
        MEMBERSHIPS.params(leads=[1, 2, 3], contacts=[4]).compile(
            sqlite_engine, compile_kwargs={"literal_binds": True, "render_postcompile": True}
        )
    )
    with sqlite_engine.connect() as connection:
        plan = _plan(connection, sql)
    assert "SCAN" not in plan and "ix_member_campaign" not in plan, plan
    assert "ix_member_lead" in plan and "ix_member_contact" in plan, plan
