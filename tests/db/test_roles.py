"""The database knows who you are: a login role per person, least privilege, the audit actor.

The probes connect over the socket as real login roles (the test cluster trusts its socket,
so any role with LOGIN gets in; the shared-server test at the end checks peer authentication
with OS users). Roles are cluster-wide: the module's fixture makes them once.
"""

from __future__ import annotations

import json
import os
import shutil
import subprocess
import sys
import tempfile
from collections.abc import Iterator
from pathlib import Path

import psycopg
import pytest
from sqlalchemy import Engine, text
from sqlalchemy.engine import make_url
from sqlalchemy.exc import ProgrammingError

from medbill_tui.db.engine import make_engine
from medbill_tui.db.migrate import upgrade
from medbill_tui.db.privileges import APPEND_ONLY, WRITES
from medbill_tui.db.schema import metadata
from medbill_tui.services.users import UserService
from tests.cli.test_cli import medbill
from tests.conftest import TEST_LOGIN, PgCluster

BILLER = "mbt_biller"
SUPERVISOR = "mbt_supervisor"
ADMIN = "mbt_admin"
TODAY = {"MEDBILL_TODAY": "2026-11-02"}


def as_login(url: str, login: str) -> str:
    return make_url(url).set(username=login, password=None).render_as_string(hide_password=False)


def connect_as(url: str, login: str) -> psycopg.Connection[tuple[object, ...]]:
    parsed = make_url(url)
    return psycopg.connect(
        host=str(parsed.query["host"]), dbname=parsed.database, user=login, autocommit=False
    )


@pytest.fixture(scope="module")
def roles_url(pg: PgCluster, demo_template: str) -> Iterator[str]:
    """A copy of the demo practice whose admin added a biller, a supervisor and an admin."""
    name = f"roles_{os.getpid()}"
    url = pg.create_database(name, template=demo_template)
    engine = make_engine(url, pool_size=1)
    for login, role in ((BILLER, "biller"), (SUPERVISOR, "supervisor"), (ADMIN, "admin")):
        UserService(engine, TEST_LOGIN).add(login, role)
    engine.dispose()
    yield url
    pg.drop_database(name)


PROBES = {
    "update the audit trail": "UPDATE audit_event SET detail = 'tampered'",
    "delete the audit trail": "DELETE FROM audit_event",
    "truncate the audit trail": "TRUNCATE audit_event",
    "update the ledger": "UPDATE ledger_entry SET amount = 0",
    "delete the ledger": "DELETE FROM ledger_entry",
    "truncate the ledger": "TRUNCATE ledger_entry",
    "update claim history": "UPDATE claim_event SET detail = 'tampered'",
    "delete claim history": "DELETE FROM claim_event",
    "truncate claim history": "TRUNCATE claim_event",
    "write the balances": "UPDATE account_balance SET amount = 0",
    "turn off the triggers": "SET session_replication_role = replica",
    "disable a trigger": "ALTER TABLE audit_event DISABLE TRIGGER audit_event_append_only",
    "alter a table": "ALTER TABLE ledger_entry ADD COLUMN note text",
    "drop a table": "DROP TABLE audit_event",
    "create a table": "CREATE TABLE mine (id int)",
    "change its own role": f"UPDATE app_user SET role = 'admin' WHERE login = '{BILLER}'",
    "add a user": "INSERT INTO app_user (login, role) VALUES ('mallory', 'admin')",
    "call the role function": f"SELECT medbill_user_set('{BILLER}', 'admin', NULL)",
    "re-key the ledger": "SELECT medbill_rekey_merged_patient(1, 2, true)",
    "change a price": "UPDATE fee_schedule SET price = 0",
    "become the owner": "SET ROLE medbill_owner",
    "become an admin": "SET ROLE medbill_admin",
    "become another person": f"SET ROLE {SUPERVISOR}",
    "become the superuser": "SET ROLE postgres",
    "grant itself a group": f"GRANT medbill_admin TO {BILLER}",
    "alter its own role": f"ALTER ROLE {BILLER} CREATEROLE",
}


@pytest.mark.parametrize("sql", PROBES.values(), ids=PROBES.keys())
def test_a_biller_login_is_refused(roles_url: str, sql: str) -> None:
    with connect_as(roles_url, BILLER) as conn, pytest.raises(psycopg.errors.InsufficientPrivilege):
        conn.execute(sql)


def test_the_audit_row_names_the_database_session(roles_url: str) -> None:
    with connect_as(roles_url, BILLER) as conn:
        actor = conn.execute(
            "INSERT INTO audit_event (actor, action, entity) "
            "VALUES (%s, 'probe', 'test') RETURNING actor",
            (TEST_LOGIN,),
        ).fetchone()
        conn.rollback()
    assert actor == (BILLER,)


def test_a_biller_works_as_their_own_login(roles_url: str) -> None:
    with connect_as(roles_url, BILLER) as conn:
        before = conn.execute("SELECT max(id) FROM audit_event").fetchone()
    taken = medbill("work", "next", "denials", url=as_login(roles_url, BILLER), **TODAY)
    assert taken.returncode == 0, taken.stderr
    assert f"held by {BILLER}" in taken.stdout.splitlines()[0]
    with connect_as(roles_url, BILLER) as conn:
        actors = conn.execute(
            "SELECT DISTINCT actor FROM audit_event WHERE id > %s", before
        ).fetchall()
    assert actors == [(BILLER,)]


def _membership(engine: Engine, login: str) -> tuple[bool, list[str]]:
    with engine.connect() as conn:
        can_login = conn.execute(
            text("SELECT rolcanlogin FROM pg_roles WHERE rolname = :l"), {"l": login}
        ).scalar_one()
        groups = conn.execute(
            text(
                "SELECT g.rolname FROM pg_auth_members m JOIN pg_roles g ON g.oid = m.roleid "
                "JOIN pg_roles u ON u.oid = m.member WHERE u.rolname = :l ORDER BY 1"
            ),
            {"l": login},
        ).scalars()
        return bool(can_login), list(groups)


def test_an_admin_login_moves_login_roles_with_the_users(roles_url: str) -> None:
    admin = make_engine(as_login(roles_url, ADMIN), pool_size=1)
    service = UserService(admin, ADMIN)
    try:
        service.add("mbt_new", "biller")
        assert _membership(admin, "mbt_new") == (True, ["medbill_biller"])
        service.set_role("mbt_new", "supervisor")
        assert _membership(admin, "mbt_new") == (True, ["medbill_supervisor"])
        service.disable("mbt_new")
        assert _membership(admin, "mbt_new") == (False, ["medbill_supervisor"])
        service.enable("mbt_new")
        assert _membership(admin, "mbt_new") == (True, ["medbill_supervisor"])
    finally:
        admin.dispose()


def test_a_supervisor_login_cannot_add_users(roles_url: str) -> None:
    refused = pytest.raises(psycopg.errors.InsufficientPrivilege)
    with connect_as(roles_url, SUPERVISOR) as conn, refused:
        conn.execute("SELECT medbill_user_add('mallory', 'admin', '')")


def test_a_forged_admin_row_does_not_give_the_database_s_rights(roles_url: str) -> None:
    engine = make_engine(roles_url, pool_size=1)
    UserService(engine, TEST_LOGIN).add("mbt_forged", "biller")
    with engine.begin() as conn:  # as if someone changed the app's table behind its back
        conn.execute(text("UPDATE app_user SET role = 'admin' WHERE login = 'mbt_forged'"))
    refused = medbill(
        "users", "add", "mbt_zed", "--role", "admin", url=as_login(roles_url, "mbt_forged")
    )
    assert refused.returncode == 3, refused.stderr
    assert "The database refused this for your login's role; nothing was changed" in refused.stderr
    with engine.connect() as conn:
        found = conn.execute(text("SELECT count(*) FROM app_user WHERE login = 'mbt_zed'"))
        assert found.scalar_one() == 0
    engine.dispose()


def test_a_disabled_login_cannot_connect(roles_url: str, pg: PgCluster) -> None:
    engine = make_engine(roles_url, pool_size=1)
    UserService(engine, TEST_LOGIN).add("mbt_gone", "biller")
    UserService(engine, TEST_LOGIN).disable("mbt_gone")
    engine.dispose()
    with pytest.raises(psycopg.OperationalError, match="not permitted to log in"):
        connect_as(roles_url, "mbt_gone")


def test_a_login_named_like_the_database_s_roles_is_refused(roles_url: str) -> None:
    refused = medbill("users", "add", "medbill_owner", "--role", "admin", url=roles_url)
    assert refused.returncode == 1
    assert "starts with pg_ or medbill_" in refused.stderr
    engine = make_engine(roles_url, pool_size=1)
    with engine.connect() as conn:
        found = conn.execute(text("SELECT count(*) FROM app_user WHERE login = 'medbill_owner'"))
        assert found.scalar_one() == 0
    engine.dispose()


def test_users_made_before_the_roles_get_their_login_roles(pg: PgCluster) -> None:
    name = f"mig24_{os.getpid()}"
    engine = make_engine(pg.create_database(name), pool_size=1)
    try:
        upgrade(engine, "0023")
        with engine.begin() as conn:
            conn.execute(
                text(
                    "INSERT INTO app_user (login, role, active) VALUES "
                    "('mbt_old', 'supervisor', true), ('mbt_left', 'biller', false)"
                )
            )
        upgrade(engine)
        assert _membership(engine, "mbt_old") == (True, ["medbill_supervisor"])
        assert _membership(engine, "mbt_left") == (False, ["medbill_biller"])
    finally:
        engine.dispose()
        pg.drop_database(name)


def test_a_database_admin_who_is_not_a_superuser_upgrades_as_the_owner(
    roles_url: str, pg: PgCluster
) -> None:
    with pg.admin.connect().execution_options(isolation_level="AUTOCOMMIT") as conn:
        conn.execute(text("DROP ROLE IF EXISTS mbt_dba"))
        conn.execute(text("CREATE ROLE mbt_dba LOGIN"))
    dba = make_engine(as_login(roles_url, "mbt_dba"), pool_size=1)
    try:
        with pytest.raises(ProgrammingError, match="permission denied"):
            upgrade(dba)  # neither a superuser nor the owner's member
        with pg.admin.connect().execution_options(isolation_level="AUTOCOMMIT") as conn:
            conn.execute(text("GRANT medbill_owner TO mbt_dba"))
        upgrade(dba)
        with dba.connect() as conn:
            owners = conn.execute(
                text(
                    "SELECT DISTINCT pg_get_userbyid(relowner) FROM pg_class "
                    "WHERE relnamespace = 'public'::regnamespace AND relkind IN ('r', 'S')"
                )
            ).scalars()
            assert list(owners) == ["medbill_owner"]
    finally:
        dba.dispose()


def test_only_an_admin_login_may_write_a_clearinghouse_host_key(roles_url: str) -> None:
    set_up = (
        "INSERT INTO clearinghouse_connection (clearinghouse_id, host, user_name, key_file, "
        "upload_dir, download_dir, send_from, updated_by) SELECT id, 'sftp.one', 'u', '/k', "
        "'in', 'out', current_date, 'x' FROM clearinghouse ORDER BY id LIMIT 1"
    )
    pin = "UPDATE clearinghouse_connection SET host_key = 'ssh-ed25519 AAAA'"
    house = (
        "INSERT INTO clearinghouse (name, receiver_id, submitter_id, submitter_name, "
        "contact_name, contact_phone) VALUES ('One', 'R1', 'S1', 'Clinic', 'Ann', '5555551234')"
    )
    with connect_as(roles_url, SUPERVISOR) as conn:
        conn.execute(house)
        conn.execute(set_up)  # a supervisor sets up the connection
        assert conn.execute("SELECT count(*) FROM clearinghouse_connection").fetchone() == (1,)
        with pytest.raises(psycopg.errors.InsufficientPrivilege):
            conn.execute(pin)
        conn.rollback()
    with connect_as(roles_url, ADMIN) as conn:
        conn.execute(house)
        conn.execute(set_up)
        conn.execute(pin)
        conn.execute("UPDATE clearinghouse_connection SET port = 2222")  # another server
        assert conn.execute("SELECT host_key FROM clearinghouse_connection").fetchall() == [(None,)]
        conn.rollback()


def test_every_table_has_a_privilege_decision() -> None:
    assert set(WRITES) == set(metadata.tables) | {"alembic_version"}
    for table in APPEND_ONLY:
        assert all("UPDATE" not in p and "DELETE" not in p for p in WRITES[table].values())


# -- the shared server: peer authentication, OS users --------------------------------------

PROBE_SCRIPT = """
import json, sys, psycopg
url = sys.argv[1]
out = {}
try:
    with psycopg.connect(url) as conn:
        out["login"] = conn.execute("SELECT session_user").fetchone()[0]
        try:
            conn.execute("DELETE FROM audit_event")
            out["delete"] = "allowed"
        except psycopg.errors.InsufficientPrivilege:
            out["delete"] = "refused"
except psycopg.OperationalError as exc:
    out["error"] = str(exc).strip().splitlines()[-1]
print(json.dumps(out))
"""

NOT_ROOT = "needs root (as CI runs): makes OS users with useradd and runs commands as them"


def _os_user(name: str) -> str:
    if subprocess.run(["id", name], capture_output=True).returncode != 0:
        subprocess.run(["useradd", "--no-create-home", name], check=True)
    return name


def _probe_as(user: str, url: str) -> dict[str, str]:
    done = subprocess.run(
        [sys.executable, "-c", PROBE_SCRIPT, url],
        user=user,
        group=os.getgid(),  # the socket folder's group
        capture_output=True,
        text=True,
        timeout=60,
        cwd="/",
    )
    assert done.returncode == 0, done.stderr
    result: dict[str, str] = json.loads(done.stdout)
    return result


@pytest.mark.skipif(os.geteuid() != 0, reason=NOT_ROOT)
def test_the_shared_server_lets_in_only_added_logins_by_peer() -> None:
    folder = Path(tempfile.mkdtemp(prefix="mbr", dir="/tmp"))
    env = {"MEDBILL_SERVER_DIR": str(folder), "MEDBILL_SERVER_GROUP": "root"}
    try:
        started = medbill("server", "start", **env)
        assert started.returncode == 0, started.stderr
        hba = (folder / "pg" / "pg_hba.conf").read_text()
        assert "peer" in hba and "trust" not in hba.split("\n", 2)[2]
        socket = folder / "run"
        url = f"postgresql:///medbill?host={socket}"
        assert f"export DATABASE_URL='{url}'" in started.stdout
        admin_url = f"postgresql://postgres@/medbill?host={socket}"
        assert medbill("db", "upgrade", url=admin_url).returncode == 0
        # root is now a login role of the medbill_admin group, not the superuser
        added = medbill("users", "add", "mbt_peer", "--role", "biller", url=url)
        assert added.returncode == 0, added.stderr
        biller, outsider = _os_user("mbt_peer"), _os_user("mbt_outsider")
        assert _probe_as(biller, url) == {"login": "mbt_peer", "delete": "refused"}
        refused = _probe_as(outsider, url)
        assert 'role "mbt_outsider" does not exist' in refused["error"]
        as_superuser = _probe_as(biller, admin_url)
        assert "Peer authentication failed" in as_superuser["error"]
    finally:
        medbill("server", "stop", **env)
        shutil.rmtree(folder, ignore_errors=True)
