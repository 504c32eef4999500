"""The triggers that keep ``patient_revisions`` true (issue 12, speed; ``models.PatientRevision``).

Every table holding a patient's data (a ``patient_id`` column) gets triggers that give the
patient a new random revision after any insert, update or delete; ``patients`` itself makes the
row and changes it on update; a clinician's rename changes the revision of the patients who link
them (their name shows on the patient's pages). Tables whose rows are not what a patient's pages
show, or that change on every request, are left out (``UNTRACKED``).

SQLite has row triggers only; PostgreSQL gets statement triggers over transition tables, so a
``COPY`` or a bulk insert bumps each patient once, not once a row. A SQLite "batch" migration
that rebuilds a table drops that table's triggers: such a migration must call
``install_triggers`` again (tests/store/test_patient_revisions.py checks every table at head).
"""

from __future__ import annotations

from sqlalchemy import Connection, inspect

UNTRACKED = frozenset(
    {
        "patient_revisions",
        "auth_sessions",  # slides on requests: not the patient's data
        "audit_events",  # a clinician's reads would change the patient's revision
        "caseload_summaries",  # derived, rewritten on reads
    }
)
PREFIX = "revision_"
"""Every trigger this module makes is named ``revision_<table>_<event>``."""

_SQLITE_NEW = "abs(random())"
_PG_NEW = "floor(random() * 9007199254740991)::bigint"


def tracked_tables(connection: Connection) -> list[str]:
    """The tables, as the database has them now, whose rows are one patient's data."""
    inspector = inspect(connection)
    return sorted(
        name
        for name in inspector.get_table_names()
        if name not in UNTRACKED
        and any(column["name"] == "patient_id" for column in inspector.get_columns(name))
    )


def trigger_names(connection: Connection) -> set[str]:
    """The names of the revision triggers the database holds."""
    if connection.dialect.name == "sqlite":
        query = "SELECT name FROM sqlite_master WHERE type = 'trigger'"
    else:
        query = "SELECT tgname FROM pg_trigger WHERE NOT tgisinternal"
    return {name for (name,) in connection.exec_driver_sql(query) if name.startswith(PREFIX)}


def install_triggers(connection: Connection) -> None:
    """(Re)make every revision trigger for the tables the database has now; idempotent."""
    if connection.dialect.name == "sqlite":
        statements = _sqlite_statements(tracked_tables(connection))
    else:
        statements = _postgres_statements(tracked_tables(connection))
    for statement in statements:
        connection.exec_driver_sql(statement)


def drop_triggers(connection: Connection) -> None:
    """Remove every revision trigger (the migration's downgrade)."""
    for name in sorted(trigger_names(connection)):
        if connection.dialect.name == "sqlite":
            connection.exec_driver_sql(f"DROP TRIGGER IF EXISTS {name}")
        else:
            table = connection.exec_driver_sql(
                f"SELECT tgrelid::regclass::text FROM pg_trigger WHERE tgname = '{name}'"
            ).scalar_one()
            connection.exec_driver_sql(f"DROP TRIGGER IF EXISTS {name} ON {table}")


def _bump(where: str, new: str) -> str:
    return f"UPDATE patient_revisions SET revision = {new} WHERE {where};"


def _sqlite_statements(tables: list[str]) -> list[str]:
    out: list[str] = []

    def trigger(name: str, event: str, table: str, body: str) -> None:
        out.append(f"DROP TRIGGER IF EXISTS {PREFIX}{name}")
        out.append(
            f"CREATE TRIGGER {PREFIX}{name} AFTER {event} ON {table} FOR EACH ROW BEGIN {body} END"
        )

    new = _SQLITE_NEW
    trigger(
        "patients_insert",
        "INSERT",
        "patients",
        f"INSERT OR REPLACE INTO patient_revisions (patient_id, revision) VALUES (NEW.id, {new});",
    )
    trigger("patients_update", "UPDATE", "patients", _bump("patient_id = NEW.id", new))
    trigger(
        "clinicians_update",
        "UPDATE",
        "clinicians",
        _bump("patient_id IN (SELECT patient_id FROM care_links WHERE clinician_id = NEW.id)", new),
    )
    for table in tables:
        trigger(f"{table}_insert", "INSERT", table, _bump("patient_id = NEW.patient_id", new))
        trigger(
            f"{table}_update",
            "UPDATE",
            table,
            _bump("patient_id IN (OLD.patient_id, NEW.patient_id)", new),
        )
        trigger(f"{table}_delete", "DELETE", table, _bump("patient_id = OLD.patient_id", new))
    return out


def _function(name: str, body: str) -> str:
    return (
        f"CREATE OR REPLACE FUNCTION {PREFIX}{name}() RETURNS trigger LANGUAGE plpgsql AS $$ "
        f"BEGIN {body} RETURN NULL; END $$"
    )


def _postgres_statements(tables: list[str]) -> list[str]:
    new = _PG_NEW
    out = [
        _function(
            "patients_insert",
            "INSERT INTO patient_revisions (patient_id, revision) "
            f"SELECT id, {new} FROM new_rows ON CONFLICT (patient_id) DO NOTHING;",
        ),
        _function("patients_update", _bump("patient_id IN (SELECT id FROM new_rows)", new)),
        _function(
            "clinicians_update",
            _bump(
                "patient_id IN (SELECT l.patient_id FROM care_links l "
                "JOIN new_rows c ON l.clinician_id = c.id)",
                new,
            ),
        ),
        _function("from_new", _bump("patient_id IN (SELECT patient_id FROM new_rows)", new)),
        _function("from_old", _bump("patient_id IN (SELECT patient_id FROM old_rows)", new)),
        _function(
            "from_both",
            _bump(
                "patient_id IN (SELECT patient_id FROM old_rows "
                "UNION SELECT patient_id FROM new_rows)",
                new,
            ),
        ),
    ]
    old, new_table = "OLD TABLE AS old_rows", "NEW TABLE AS new_rows"

    def trigger(name: str, event: str, table: str, referencing: str, function: str) -> None:
        out.append(f"DROP TRIGGER IF EXISTS {PREFIX}{name} ON {table}")
        out.append(
            f"CREATE TRIGGER {PREFIX}{name} AFTER {event} ON {table} REFERENCING {referencing} "
            f"FOR EACH STATEMENT EXECUTE FUNCTION {PREFIX}{function}()"
        )

    trigger("patients_insert", "INSERT", "patients", new_table, "patients_insert")
    trigger("patients_update", "UPDATE", "patients", new_table, "patients_update")
    trigger("clinicians_update", "UPDATE", "clinicians", new_table, "clinicians_update")
    for table in tables:
        trigger(f"{table}_insert", "INSERT", table, new_table, "from_new")
        trigger(f"{table}_update", "UPDATE", table, f"{old} {new_table}", "from_both")
        trigger(f"{table}_delete", "DELETE", table, old, "from_old")
    return out
