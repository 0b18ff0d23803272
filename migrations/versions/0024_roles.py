"""Roles: the schema owned by a NOLOGIN `medbill_owner`, one NOLOGIN group role per app role,
a PostgreSQL login role per person, and the audit trail's actor taken from the session

Revision ID: 0024
Revises: 0023
Create Date: 2026-12-09 09:00:00.000000

Roles are cluster-wide: they are created only when missing (databases cloned from a template,
or a second database on the same server, find them made). `medbill_supervisor` is a member of
`medbill_biller` and `medbill_admin` of `medbill_supervisor`, so each has the rights of the
role below. `medbill_owner` holds ADMIN on the three groups (and CREATEROLE) so that the
user functions below, SECURITY DEFINER and owned by it, create and move login roles.

The table privileges themselves are applied after every upgrade by
`medbill_tui.db.privileges.apply_privileges` (the one map, checked against the schema).

Writes no group role may make directly:
- `app_user`: `medbill_user_add`, `medbill_user_set`, `medbill_user_name` (admins only) also
  create the login role, switch it LOGIN/NOLOGIN and move it between the groups, in the
  caller's transaction.
- `ledger_entry` / `dunning_event` re-keying after a patient merge:
  `medbill_rekey_merged_patient` (supervisors only).
- `ledger_balance` / `account_balance`: the ledger's triggers, now SECURITY DEFINER.

`audit_event.actor` is set to `session_user` for every session that is not a superuser's, so
a login cannot write another person's name into the trail.
"""

from __future__ import annotations

from alembic import op

revision = "0024"
down_revision = "0023"
branch_labels = None
depends_on = None

GROUPS = ("medbill_biller", "medbill_supervisor", "medbill_admin")

CREATE_ROLES = """
DO $$
BEGIN
    IF NOT EXISTS (SELECT 1 FROM pg_roles WHERE rolname = 'medbill_owner') THEN
        CREATE ROLE medbill_owner NOLOGIN CREATEROLE;
    END IF;
    IF NOT EXISTS (SELECT 1 FROM pg_roles WHERE rolname = 'medbill_biller') THEN
        CREATE ROLE medbill_biller NOLOGIN;
    END IF;
    IF NOT EXISTS (SELECT 1 FROM pg_roles WHERE rolname = 'medbill_supervisor') THEN
        CREATE ROLE medbill_supervisor NOLOGIN;
    END IF;
    IF NOT EXISTS (SELECT 1 FROM pg_roles WHERE rolname = 'medbill_admin') THEN
        CREATE ROLE medbill_admin NOLOGIN;
    END IF;
    IF NOT pg_has_role('medbill_supervisor', 'medbill_biller', 'MEMBER') THEN
        GRANT medbill_biller TO medbill_supervisor;
    END IF;
    IF NOT pg_has_role('medbill_admin', 'medbill_supervisor', 'MEMBER') THEN
        GRANT medbill_supervisor TO medbill_admin;
    END IF;
    IF NOT EXISTS (SELECT 1 FROM pg_auth_members m JOIN pg_roles g ON g.oid = m.roleid
                   WHERE m.member = 'medbill_owner'::regrole AND g.rolname = 'medbill_admin'
                     AND m.admin_option) THEN
        GRANT medbill_biller, medbill_supervisor, medbill_admin TO medbill_owner
            WITH ADMIN TRUE, INHERIT FALSE, SET FALSE;
    END IF;
END $$
"""

SESSION_IN = """
CREATE FUNCTION medbill_session_in(grp name) RETURNS boolean
LANGUAGE sql STABLE SET search_path = pg_catalog AS $$
    SELECT coalesce((SELECT rolsuper FROM pg_roles WHERE rolname = session_user), false)
        OR pg_has_role(session_user, 'medbill_owner', 'MEMBER')
        OR pg_has_role(session_user, grp, 'USAGE')
$$
"""
"""The database session's login is a superuser, the owner's member, or has `grp`'s rights."""

SYNC_LOGIN = """
CREATE FUNCTION medbill_sync_login(p_login text, p_role text, p_active boolean) RETURNS void
LANGUAGE plpgsql SECURITY DEFINER SET search_path = pg_catalog, pg_temp AS $$
DECLARE
    wanted text := 'medbill_' || p_role;
    grp text;
    login_oid oid;
BEGIN
    IF p_role NOT IN ('biller', 'supervisor', 'admin') THEN
        RAISE EXCEPTION '% is not a medbill role', p_role USING ERRCODE = 'check_violation';
    END IF;
    IF octet_length(p_login) > 63 OR p_login LIKE 'pg\\_%' OR p_login LIKE 'medbill\\_%' THEN
        RAISE EXCEPTION 'a login of at most 63 bytes, not starting pg_ or medbill_, is needed'
            USING ERRCODE = 'check_violation';
    END IF;
    IF NOT EXISTS (SELECT 1 FROM pg_roles WHERE rolname = p_login) THEN
        BEGIN
            EXECUTE format('CREATE ROLE %I LOGIN', p_login);
        EXCEPTION WHEN duplicate_object OR unique_violation THEN
            NULL;  -- made meanwhile by another database on this server
        END;
    END IF;
    SELECT oid INTO login_oid FROM pg_roles WHERE rolname = p_login;
    IF (SELECT rolsuper FROM pg_roles WHERE oid = login_oid) THEN
        RETURN;  -- the embedded default's own superuser: nothing to move
    END IF;
    EXECUTE format('ALTER ROLE %I %s', p_login, CASE WHEN p_active THEN 'LOGIN' ELSE 'NOLOGIN' END);
    FOREACH grp IN ARRAY ARRAY['medbill_biller', 'medbill_supervisor', 'medbill_admin'] LOOP
        IF grp <> wanted AND EXISTS (
            SELECT 1 FROM pg_auth_members
            WHERE roleid = grp::regrole AND member = login_oid) THEN
            EXECUTE format('REVOKE %I FROM %I', grp, p_login);
        END IF;
    END LOOP;
    IF NOT EXISTS (SELECT 1 FROM pg_auth_members
                   WHERE roleid = wanted::regrole AND member = login_oid) THEN
        EXECUTE format('GRANT %I TO %I WITH INHERIT TRUE, SET FALSE', wanted, p_login);
    END IF;
END $$
"""
"""Make the login role match the app's row: exists, LOGIN when active, in one group only."""

USER_FUNCTIONS = """
CREATE FUNCTION medbill_user_add(p_login text, p_role text, p_full_name text) RETURNS integer
LANGUAGE plpgsql SECURITY DEFINER SET search_path = public, pg_temp AS $$
DECLARE
    new_id integer;
BEGIN
    IF NOT medbill_session_in('medbill_admin') THEN
        RAISE EXCEPTION 'only a medbill admin may add users'
            USING ERRCODE = 'insufficient_privilege';
    END IF;
    INSERT INTO app_user (login, role, full_name) VALUES (p_login, p_role, p_full_name)
        RETURNING id INTO new_id;
    PERFORM medbill_sync_login(p_login, p_role, true);
    RETURN new_id;
END $$;

CREATE FUNCTION medbill_user_set(p_login text, p_role text, p_active boolean) RETURNS void
LANGUAGE plpgsql SECURITY DEFINER SET search_path = public, pg_temp AS $$
DECLARE
    now_role text;
    now_active boolean;
BEGIN
    IF NOT medbill_session_in('medbill_admin') THEN
        RAISE EXCEPTION 'only a medbill admin may change users'
            USING ERRCODE = 'insufficient_privilege';
    END IF;
    UPDATE app_user SET role = coalesce(p_role, role), active = coalesce(p_active, active)
        WHERE login = p_login RETURNING role, active INTO now_role, now_active;
    IF FOUND THEN
        PERFORM medbill_sync_login(p_login, now_role, now_active);
    END IF;
END $$;

CREATE FUNCTION medbill_user_name(p_login text, p_full_name text) RETURNS void
LANGUAGE plpgsql SECURITY DEFINER SET search_path = public, pg_temp AS $$
BEGIN
    IF NOT medbill_session_in('medbill_admin') THEN
        RAISE EXCEPTION 'only a medbill admin may change users'
            USING ERRCODE = 'insufficient_privilege';
    END IF;
    UPDATE app_user SET full_name = p_full_name WHERE login = p_login;
END $$;

CREATE FUNCTION medbill_rekey_merged_patient(p_from bigint, p_into bigint, p_dunning boolean)
RETURNS void
LANGUAGE plpgsql SECURITY DEFINER SET search_path = public, pg_temp AS $$
BEGIN
    IF NOT medbill_session_in('medbill_supervisor') THEN
        RAISE EXCEPTION 'only a medbill supervisor may merge patients'
            USING ERRCODE = 'insufficient_privilege';
    END IF;
    UPDATE ledger_entry SET patient_id = p_into WHERE patient_id = p_from;
    IF p_dunning THEN
        UPDATE dunning_event SET guarantor_id = p_into WHERE guarantor_id = p_from;
    END IF;
END $$
"""
"""The only ways a group role writes `app_user`, or re-keys the append-only rows (whose
triggers still allow only a move from a merged patient to its survivor)."""

AUDIT_ACTOR = """
CREATE FUNCTION medbill_audit_actor() RETURNS trigger
LANGUAGE plpgsql SET search_path = pg_catalog AS $$
BEGIN
    IF NOT coalesce((SELECT rolsuper FROM pg_roles WHERE rolname = session_user), false) THEN
        NEW.actor := session_user;
    END IF;
    RETURN NEW;
END $$
"""

EXISTING_USERS = """
DO $$
DECLARE
    u record;
BEGIN
    FOR u IN SELECT login, role, active FROM app_user ORDER BY id LOOP
        BEGIN
            PERFORM medbill_sync_login(u.login, u.role, u.active);
        EXCEPTION WHEN check_violation THEN
            RAISE WARNING 'medbill user % gets no login role: %', u.login, SQLERRM;
        END;
    END LOOP;
END $$
"""
"""The users of a database made before this revision get their login roles."""

DEFINER_FUNCTIONS = (
    "medbill_session_in(name)",
    "medbill_sync_login(text, text, boolean)",
    "medbill_user_add(text, text, text)",
    "medbill_user_set(text, text, boolean)",
    "medbill_user_name(text, text)",
    "medbill_rekey_merged_patient(bigint, bigint, boolean)",
    "medbill_audit_actor()",
)
BALANCE_FUNCTIONS = ("medbill_ledger_balance()", "medbill_ledger_balance_rekey()")


def upgrade() -> None:
    op.execute(CREATE_ROLES)
    op.execute("REVOKE CREATE ON SCHEMA public FROM PUBLIC")
    op.execute("GRANT USAGE, CREATE ON SCHEMA public TO medbill_owner")
    op.execute("GRANT USAGE ON SCHEMA public TO " + ", ".join(GROUPS))
    op.execute(SESSION_IN)
    op.execute(SYNC_LOGIN)
    op.execute(USER_FUNCTIONS)
    op.execute(AUDIT_ACTOR)
    op.execute(
        "CREATE TRIGGER audit_event_actor BEFORE INSERT ON audit_event "
        "FOR EACH ROW EXECUTE FUNCTION medbill_audit_actor()"
    )
    # The balance triggers write the sums as the owner: no group role writes them.
    for function in BALANCE_FUNCTIONS:
        op.execute(f"ALTER FUNCTION {function} SECURITY DEFINER SET search_path = public, pg_temp")
    for function in DEFINER_FUNCTIONS:
        op.execute(f"ALTER FUNCTION {function} OWNER TO medbill_owner")
        op.execute(f"REVOKE ALL ON FUNCTION {function} FROM PUBLIC")
    op.execute("GRANT EXECUTE ON FUNCTION medbill_session_in(name) TO medbill_biller")
    op.execute("GRANT EXECUTE ON FUNCTION medbill_audit_actor() TO medbill_biller")
    for function in DEFINER_FUNCTIONS[2:5]:
        op.execute(f"GRANT EXECUTE ON FUNCTION {function} TO medbill_admin")
    op.execute(
        "GRANT EXECUTE ON FUNCTION medbill_rekey_merged_patient(bigint, bigint, boolean) "
        "TO medbill_supervisor"
    )
    op.execute(EXISTING_USERS)  # after the hand-over: the owner creates (and so manages) them


def downgrade() -> None:
    op.execute("DROP TRIGGER IF EXISTS audit_event_actor ON audit_event")
    for function in reversed(DEFINER_FUNCTIONS):
        op.execute(f"DROP FUNCTION IF EXISTS {function}")
    for function in BALANCE_FUNCTIONS:
        op.execute(f"ALTER FUNCTION {function} SECURITY INVOKER RESET search_path")
    # The roles are the server's, maybe used by other databases: they stay.
