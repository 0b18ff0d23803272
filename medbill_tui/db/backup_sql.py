"""What a backup reads and a restore prepares, in SQL: the snapshot a dump is taken from, the
row counts and ledger totals its manifest records, the roles a restored schema is owned by."""

from __future__ import annotations

from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from decimal import Decimal

from sqlalchemy import Connection, Engine, text

from medbill_tui.db.privileges import GROUPS, OWNER


@dataclass(frozen=True, slots=True)
class DatabaseFacts:
    """What the manifest says about the database: read in the dump's own snapshot."""

    revision: str | None
    row_counts: dict[str, int]
    ledger_totals: dict[str, Decimal]
    """The ledger's sum per kind of entry, and 'all'."""


_TABLES = text(
    "SELECT c.relname FROM pg_class c JOIN pg_namespace n ON n.oid = c.relnamespace "
    "WHERE n.nspname = current_schema() AND c.relkind IN ('r', 'p') ORDER BY c.relname"
)
_LEDGER_TOTALS = text("SELECT kind, sum(amount) FROM ledger_entry GROUP BY kind ORDER BY kind")


def read_facts(conn: Connection) -> DatabaseFacts:
    """Row counts of every table of the schema, ledger totals and the schema's revision."""
    tables = list(conn.execute(_TABLES).scalars())
    counts = {
        name: int(conn.execute(text(f'SELECT count(*) FROM "{name}"')).scalar_one())
        for name in tables
    }
    totals: dict[str, Decimal] = {}
    if "ledger_entry" in counts:
        totals = {kind: Decimal(total) for kind, total in conn.execute(_LEDGER_TOTALS)}
    totals["all"] = sum(totals.values(), Decimal("0.00"))
    revision = None
    if "alembic_version" in counts:
        revision = conn.execute(text("SELECT min(version_num) FROM alembic_version")).scalar()
    return DatabaseFacts(revision=revision, row_counts=counts, ledger_totals=totals)


@contextmanager
def exported_snapshot(engine: Engine) -> Iterator[tuple[str, DatabaseFacts]]:
    """A read-only repeatable-read transaction held open while the caller dumps: its
    snapshot's name (for `pg_dump --snapshot`) and the facts read in that same snapshot."""
    with engine.connect() as conn:
        conn = conn.execution_options(isolation_level="REPEATABLE READ", postgresql_readonly=True)
        with conn.begin():
            name = str(conn.execute(text("SELECT pg_export_snapshot()")).scalar_one())
            yield name, read_facts(conn)


def user_objects(conn: Connection) -> int:
    """How many tables, views, sequences and functions the database holds outside the
    system's schemas (0: an empty database a restore may fill)."""
    return int(
        conn.execute(
            text(
                "SELECT (SELECT count(*) FROM pg_class c JOIN pg_namespace n "
                "        ON n.oid = c.relnamespace WHERE n.nspname NOT IN "
                "        ('pg_catalog', 'information_schema') AND n.nspname NOT LIKE 'pg_toast%') "
                "     + (SELECT count(*) FROM pg_proc p JOIN pg_namespace n "
                "        ON n.oid = p.pronamespace WHERE n.nspname NOT IN "
                "        ('pg_catalog', 'information_schema'))"
            )
        ).scalar_one()
    )


_MAKE_ROLES = f"""
DO $$
DECLARE
    grp text;
BEGIN
    IF NOT EXISTS (SELECT 1 FROM pg_roles WHERE rolname = '{OWNER}') THEN
        CREATE ROLE {OWNER} NOLOGIN CREATEROLE;
    END IF;
    FOREACH grp IN ARRAY ARRAY{list(GROUPS)!r} LOOP
        IF NOT EXISTS (SELECT 1 FROM pg_roles WHERE rolname = grp) THEN
            EXECUTE format('CREATE ROLE %I NOLOGIN', grp);
        END IF;
    END LOOP;
    IF NOT pg_has_role('{GROUPS[1]}', '{GROUPS[0]}', 'MEMBER') THEN
        GRANT {GROUPS[0]} TO {GROUPS[1]};
    END IF;
    IF NOT pg_has_role('{GROUPS[2]}', '{GROUPS[1]}', 'MEMBER') THEN
        GRANT {GROUPS[1]} TO {GROUPS[2]};
    END IF;
    IF NOT EXISTS (SELECT 1 FROM pg_auth_members m JOIN pg_roles g ON g.oid = m.roleid
                   WHERE m.member = '{OWNER}'::regrole AND g.rolname = '{GROUPS[2]}'
                     AND m.admin_option) THEN
        GRANT {", ".join(GROUPS)} TO {OWNER} WITH ADMIN TRUE, INHERIT FALSE, SET FALSE;
    END IF;
END $$
"""


def make_roles(engine: Engine) -> None:
    """The owner and group roles a dump's objects and grants name (roles are the server's,
    not the database's, so a dump does not carry them): made where missing, as migration
    0024 makes them."""
    with engine.begin() as conn:
        conn.execute(text(_MAKE_ROLES))


def sync_login_roles(engine: Engine) -> int:
    """Give each user of the restored database its login role and group again (the roles
    live outside the dump); returns how many users. Nothing before the roles' revision."""
    with engine.begin() as conn:
        if not conn.execute(text("SELECT to_regproc('medbill_sync_login') IS NOT NULL")).scalar():
            return 0
        rows = conn.execute(text("SELECT login, role, active FROM app_user ORDER BY id")).all()
        for login, role, active in rows:
            conn.execute(
                text("SELECT medbill_sync_login(:login, :role, :active)"),
                {"login": login, "role": role, "active": active},
            )
        return len(rows)


def drop_restored(engine: Engine) -> None:
    """Undo a restore that did not check out: drop what the owner's role owns here."""
    with engine.begin() as conn:
        conn.execute(text(f"DROP OWNED BY {OWNER} CASCADE"))


def is_known_revision(revision: str) -> bool:
    """True when this version's migrations know `revision` (False: a newer medbill made it)."""
    from alembic.script import ScriptDirectory
    from alembic.util import CommandError

    from medbill_tui.db.migrate import alembic_config

    try:
        return ScriptDirectory.from_config(alembic_config()).get_revision(revision) is not None
    except CommandError:
        return False
