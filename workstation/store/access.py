"""Team mode on PostgreSQL: who you are is the database's word, and the database holds
each rep to their role.

Each rep connects with a login of their own (`rep.login`); the app acts as the rep whose
login is `current_user` (`reps.working_rep`). Two group roles per database and schema
(roles are cluster-wide, so their names carry both: `ws_<db>_<schema>_rep` and
`_manager`) hold the grants; a rep's login is a member of one of them, as their role in
the team says. The owner of the schema (who runs `db upgrade`) installs all this and
stays its administrator: the owner may act as any rep, as the file's owner does on SQLite,
since the tables are theirs anyway.

What the app's roles get: SELECT everywhere; INSERT and UPDATE on the records reps work;
history INSERT only; the team (`rep`) changed by managers only, and never its logins;
no DELETE, no TRUNCATE, no DDL (they own nothing and may create nothing). Row-level
security on leads and contacts lets a rep change only their own records and pool records,
and claim from the pool only for themselves; a manager may change and reassign any; an
inactive rep changes none. Activities, history and uses of references are written only
as oneself, and saved filters kept only as oneself (a manager's may be shared, and a
manager may archive any). Accounts and opportunities carry grants only: a conversion
fills the account it matches, whoever owns it.

Creating a login (`create_login`) runs in `ws_grant_login`, a SECURITY DEFINER function
of the owner's: a manager needs no CREATEROLE, and the function creates nothing but a
login in the team's groups. The password reaches the server as a SCRAM verifier
(libpq's PQencryptPasswordConn), never in clear.
"""

from __future__ import annotations

import hashlib
import re

from sqlalchemy import Connection, text

# The tables of the records a rep owns: row-level security by owner.
OWNED = ("lead", "contact")
# Written by any rep's work (imports, conversions, calls); the lookups by managers only.
REP_WRITES = (
    "lead",
    "contact",
    "account",
    "opportunity",
    "opportunity_contact_role",
    "campaign",
    "campaign_member",
    "campaign_member_status",
    "activity",
    "saved_filter",
)
# Logs a rep adds to, as themselves, and never changes.
REP_LOGS = ("history", "reference_use")
MANAGER_WRITES = (
    "call_script",
    "lead_status",
    "lifecycle_stage",
    "disposition",
    "opportunity_stage",
    "contact_role",
    "source_policy",
)
REP_COLUMNS = "name, name_key, email, role, capacity, active"
LOGIN_PATTERN = re.compile(r"[a-z_][a-z0-9_]{0,62}")


def _runner(connection: Connection):
    """Run SQL as written: the driver would read a % (format(), RAISE) as a parameter."""

    def run(sql: str) -> None:
        connection.exec_driver_sql(sql.replace("%", "%%"))

    return run


def _slug(value: str) -> str:
    return re.sub(r"[^a-z0-9]+", "_", value.lower()).strip("_") or "x"


def group_roles(connection: Connection) -> tuple[str, str]:
    """The rep and manager group roles of this database and schema."""
    database, schema = connection.exec_driver_sql(
        "SELECT current_database(), current_schema()"
    ).one()
    base = f"ws_{_slug(database)}_{_slug(schema)}"
    if len(base) > 50:  # names stop at 63 bytes: keep them apart by a hash
        digest = hashlib.sha1(f"{database}.{schema}".encode()).hexdigest()[:8]
        base = f"{base[:40]}_{digest}"
    return f"{base}_rep", f"{base}_manager"


def is_owner(connection: Connection) -> bool:
    """Whether `current_user` owns the schema's tables (or is a superuser)."""
    return bool(
        connection.exec_driver_sql(
            "SELECT pg_has_role(current_user, relowner, 'MEMBER') FROM pg_class "
            "WHERE oid = 'rep'::regclass"
        ).scalar()
    )


def install(connection: Connection) -> None:
    """Set up (again) the roles, grants, functions and policies; run by the owner, by
    the migration and by every `db upgrade`. Without the right to create roles, the
    policies are still set up, and logins wait for an owner who may."""
    schema = connection.exec_driver_sql("SELECT current_schema()").scalar_one()
    rep_group, manager_group = group_roles(connection)
    q = f'"{schema}"'
    _functions(connection, q, rep_group, manager_group)
    _policies(connection)
    may_create = connection.exec_driver_sql(
        "SELECT rolsuper OR rolcreaterole FROM pg_roles WHERE rolname = current_user"
    ).scalar()
    existing = {
        name
        for (name,) in connection.execute(
            text("SELECT rolname FROM pg_roles WHERE rolname IN (:a, :b)"),
            {"a": rep_group, "b": manager_group},
        )
    }
    if not may_create and len(existing) < 2:
        return
    for group in (rep_group, manager_group):
        if group not in existing:
            connection.exec_driver_sql(f'CREATE ROLE "{group}" NOLOGIN')
    connection.exec_driver_sql(f'GRANT "{rep_group}" TO "{manager_group}"')
    _grants(connection, q, rep_group, manager_group)


def _grants(connection: Connection, q: str, rep_group: str, manager_group: str) -> None:
    run = _runner(connection)
    run(f'GRANT USAGE ON SCHEMA {q} TO "{rep_group}"')
    run(f'GRANT SELECT ON ALL TABLES IN SCHEMA {q} TO "{rep_group}"')
    run(f'GRANT USAGE, SELECT ON ALL SEQUENCES IN SCHEMA {q} TO "{rep_group}"')
    run(f'GRANT INSERT, UPDATE ON {", ".join(f"{q}.{t}" for t in REP_WRITES)} TO "{rep_group}"')
    run(f'GRANT INSERT ON {", ".join(f"{q}.{t}" for t in REP_LOGS)} TO "{rep_group}"')
    run(
        f"GRANT INSERT, UPDATE ON {', '.join(f'{q}.{t}' for t in MANAGER_WRITES)} "
        f'TO "{manager_group}"'
    )
    run(
        f"GRANT INSERT ({REP_COLUMNS}, created_at), UPDATE ({REP_COLUMNS}) ON {q}.rep "
        f'TO "{manager_group}"'
    )
    for function in ("ws_grant_login(integer, text, text)", "ws_sync_login(integer)"):
        run(f"REVOKE ALL ON FUNCTION {q}.{function} FROM PUBLIC")
        run(f'GRANT EXECUTE ON FUNCTION {q}.{function} TO "{manager_group}"')


def _functions(connection: Connection, q: str, rep_group: str, manager_group: str) -> None:
    run = _runner(connection)
    # Who is working, for the policies: the active rep whose login this is.
    run(
        f"CREATE OR REPLACE FUNCTION {q}.ws_my_rep() RETURNS integer LANGUAGE sql STABLE "
        f"AS $$ SELECT id FROM {q}.rep WHERE login = current_user AND active $$"
    )
    run(
        f"CREATE OR REPLACE FUNCTION {q}.ws_is_manager() RETURNS boolean LANGUAGE sql STABLE "
        f"AS $$ SELECT EXISTS (SELECT 1 FROM {q}.rep WHERE login = current_user AND active "
        "AND role = 'manager') $$"
    )
    # Inside a SECURITY DEFINER function current_user is the owner: the caller is
    # session_user. A manager, or the owner (whose login is no rep's), may call them.
    allowed = (
        f"EXISTS (SELECT 1 FROM {q}.rep WHERE login = session_user AND active "
        "AND role = 'manager') OR (SELECT pg_has_role(session_user, relowner, 'MEMBER') "
        f"FROM pg_class WHERE oid = '{q}.rep'::regclass)"
    )
    run(
        f"CREATE OR REPLACE FUNCTION {q}.ws_grant_login(rep_id integer, login_name text, "
        f"verifier text) RETURNS void LANGUAGE plpgsql SECURITY DEFINER "
        f"SET search_path = {q}, pg_temp AS $$ "
        "DECLARE who record; BEGIN "
        f"IF NOT ({allowed}) THEN RAISE EXCEPTION 'only a manager may create a login' "
        "USING ERRCODE = 'insufficient_privilege'; END IF; "
        f"IF login_name !~ '^{LOGIN_PATTERN.pattern}$' THEN RAISE EXCEPTION "
        "'a login is lower-case letters, digits and _ (at most 63), not %', login_name "
        "USING ERRCODE = 'invalid_parameter_value'; END IF; "
        "IF EXISTS (SELECT 1 FROM pg_roles WHERE rolname = login_name) THEN RAISE EXCEPTION "
        "'there is a database login named % already: give another with --login NAME', "
        "login_name USING ERRCODE = 'duplicate_object'; END IF; "
        f"SELECT * INTO who FROM {q}.rep WHERE id = rep_id FOR UPDATE; "
        "IF who.id IS NULL OR who.login IS NOT NULL THEN RAISE EXCEPTION "
        "'rep % has a login already, or does not exist', rep_id "
        "USING ERRCODE = 'invalid_parameter_value'; END IF; "
        "EXECUTE format('CREATE ROLE %I LOGIN IN ROLE %I', login_name, "
        f"CASE WHEN who.role = 'manager' THEN '{manager_group}' ELSE '{rep_group}' END); "
        "IF verifier IS NOT NULL THEN "
        "EXECUTE format('ALTER ROLE %I PASSWORD %L', login_name, verifier); END IF; "
        f"UPDATE {q}.rep SET login = login_name WHERE id = rep_id; "
        "END $$"
    )
    # A login follows its rep: the manager group for a manager, and no login at all for
    # someone who left.
    run(
        f"CREATE OR REPLACE FUNCTION {q}.ws_sync_login(rep_id integer) RETURNS void "
        f"LANGUAGE plpgsql SECURITY DEFINER SET search_path = {q}, pg_temp AS $$ "
        "DECLARE who record; BEGIN "
        f"IF NOT ({allowed}) THEN RAISE EXCEPTION 'only a manager may change a login' "
        "USING ERRCODE = 'insufficient_privilege'; END IF; "
        f"SELECT * INTO who FROM {q}.rep WHERE id = rep_id; "
        "IF who.login IS NULL THEN RETURN; END IF; "
        "IF who.role = 'manager' THEN "
        f"EXECUTE format('GRANT %I TO %I', '{manager_group}', who.login); "
        f"EXECUTE format('REVOKE %I FROM %I', '{rep_group}', who.login); ELSE "
        f"EXECUTE format('GRANT %I TO %I', '{rep_group}', who.login); "
        f"EXECUTE format('REVOKE %I FROM %I', '{manager_group}', who.login); END IF; "
        "EXECUTE format('ALTER ROLE %I %s', who.login, "
        "CASE WHEN who.active THEN 'LOGIN' ELSE 'NOLOGIN' END); "
        "END $$"
    )


def _policies(connection: Connection) -> None:
    run = _runner(connection)
    # In a sub-select, each function runs once per statement, not once per row.
    me, manager = "(SELECT ws_my_rep())", "(SELECT ws_is_manager())"
    mine_or_pool = f"{me} IS NOT NULL AND (owner_id IS NULL OR owner_id = {me})"
    as_me = f"{me} IS NOT NULL AND rep_id = {me}"
    rules = {
        **{
            table: {
                "SELECT": ("true", None),
                "INSERT": (None, f"{manager} OR ({mine_or_pool})"),
                "UPDATE": (f"{manager} OR ({mine_or_pool})", f"{manager} OR ({mine_or_pool})"),
            }
            for table in OWNED
        },
        "activity": {
            "SELECT": ("true", None),
            "INSERT": (None, as_me),
            # A conversion moves the lead's activities to its contact.
            "UPDATE": (f"{me} IS NOT NULL", f"{me} IS NOT NULL"),
        },
        **{log: {"SELECT": ("true", None), "INSERT": (None, as_me)} for log in REP_LOGS},
        # A rep's own filters; sharing one with the team is a manager's to do.
        "saved_filter": {
            "SELECT": (f"{manager} OR shared OR rep_id = {me}", None),
            "INSERT": (None, f"{as_me} AND (NOT shared OR {manager})"),
            "UPDATE": (f"{manager} OR ({as_me})", f"{manager} OR ({as_me} AND NOT shared)"),
        },
    }
    for table, policies in rules.items():
        run(f'ALTER TABLE "{table}" ENABLE ROW LEVEL SECURITY')
        for command, (using, check) in policies.items():
            name = f"ws_{command.lower()}_{table}"
            run(f'DROP POLICY IF EXISTS {name} ON "{table}"')
            clauses = (f" USING ({using})" if using else "") + (
                f" WITH CHECK ({check})" if check else ""
            )
            run(f'CREATE POLICY {name} ON "{table}" FOR {command}{clauses}')


def drop_team_roles(connection: Connection) -> None:
    """Drop this schema's group roles and the logins in them: for a scratch schema about
    to be dropped (tests, the bench), since roles outlive it."""
    groups = list(group_roles(connection))
    logins = connection.execute(
        text(
            "SELECT DISTINCT m.rolname FROM pg_auth_members a "
            "JOIN pg_roles g ON g.oid = a.roleid JOIN pg_roles m ON m.oid = a.member "
            "WHERE g.rolname = ANY(:groups) AND NOT m.rolname = ANY(:groups)"
        ),
        {"groups": groups},
    ).scalars()
    existing = set(
        connection.execute(
            text("SELECT rolname FROM pg_roles WHERE rolname = ANY(:groups)"),
            {"groups": groups},
        ).scalars()
    )
    for role in [*logins, *(group for group in groups if group in existing)]:
        connection.exec_driver_sql(f'DROP OWNED BY "{role}"')
        connection.exec_driver_sql(f'DROP ROLE "{role}"')
