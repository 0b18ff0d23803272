"""Who may write what: the table privileges of the group roles, applied after every upgrade.

Migration 0024 made the roles: `medbill_owner` (NOLOGIN) owns the schema; `medbill_biller`,
`medbill_supervisor` (a member of biller) and `medbill_admin` (a member of supervisor) are
NOLOGIN groups whose members are the people's login roles. Every group reads every table;
`WRITES` lists what each may write on top of what the group below it may. The append-only
tables (ledger, audit trail, claim history, dunning) take INSERT only; `app_user` and the
re-keying of a merged patient's ledger rows go through SECURITY DEFINER functions
(migration 0024); the maintained balances are written only by the ledger's triggers.

`apply_privileges` runs in the upgrade's transaction: it gives the owner anything a migration
made as someone else, then revokes and re-grants so the database matches this map exactly.
A table missing from `WRITES` stops the upgrade: each new table needs a decision here.
"""

from __future__ import annotations

from typing import Final

from sqlalchemy import Connection, text

OWNER: Final = "medbill_owner"
GROUPS: Final = ("medbill_biller", "medbill_supervisor", "medbill_admin")

APPEND_ONLY: Final = frozenset({"ledger_entry", "audit_event", "claim_event", "dunning_event"})
"""No role but the owner may UPDATE, DELETE or TRUNCATE these."""

_B, _S, _A = GROUPS
_WORK = "INSERT, UPDATE"
_CODES = "INSERT, UPDATE, DELETE"
_CONNECTION = (
    "clearinghouse_id, host, port, user_name, key_file, password_file, password_env, "
    "upload_dir, download_dir, answer_pattern, after_fetch, send_from, schedule, updated_at, "
    "updated_by"
)
"""The columns of a clearinghouse connection but its pinned host key's."""

WRITES: Final[dict[str, dict[str, str]]] = {
    # the work of the queues: billers
    "patient": {_B: _WORK},
    "coverage": {_B: _WORK},
    "authorization": {_B: _WORK},
    "encounter": {_B: _WORK},
    "encounter_diagnosis": {_B: "INSERT, DELETE"},
    "charge": {_B: "INSERT, UPDATE, DELETE"},
    "claim": {_B: _WORK},
    "claim_line": {_B: "INSERT, UPDATE, DELETE"},
    "work_item": {_B: _WORK},
    "note": {_B: "INSERT", _S: "UPDATE"},  # a merge moves the notes
    "draft": {_B: "INSERT, UPDATE, DELETE"},
    "edi_file": {_B: _WORK},
    "submission": {_B: "INSERT"},
    "acknowledgment": {_B: "INSERT"},
    "eligibility_check": {_B: _WORK},
    "claim_status_check": {_B: _WORK},
    "appeal_letter": {_B: _WORK},
    "remittance": {_B: _WORK},
    "remittance_plb": {_B: _WORK},
    "claim_payment": {_B: _WORK},
    "service_payment": {_B: _WORK},
    "adjustment": {_B: "INSERT"},
    "remark": {_B: "INSERT"},
    "statement_run": {_B: "INSERT"},
    "payer": {_B: "INSERT", _S: "UPDATE"},  # an ERA from a payer not known yet adds it
    "clearinghouse": {_B: "INSERT", _S: "UPDATE"},  # the demo's sandbox; setup screen
    # the clearinghouses screen (no secrets); only an admin pins the server's host key
    "clearinghouse_connection": {_S: f"INSERT ({_CONNECTION}), UPDATE ({_CONNECTION})", _A: _WORK},
    # the HL7 interface: whoever runs `medbill hl7` takes messages; billers fix the mapping
    "hl7_message": {_B: _WORK},
    "hl7_patient": {_B: "INSERT"},
    "hl7_visit": {_B: "INSERT"},
    "hl7_code_map": {_B: "INSERT, UPDATE, DELETE"},
    "exchange_upload": {_B: "INSERT"},  # medbill exchange: each file sent, once
    "exchange_fetch": {_B: _WORK},  # each answer fetched, then its import outcome
    # append-only: INSERT only (dunning: MAINTAIN for the LOCK that serialises runs)
    "ledger_entry": {_B: "INSERT"},
    "audit_event": {_B: "INSERT"},
    "claim_event": {_B: "INSERT"},
    "dunning_event": {_B: "INSERT, MAINTAIN"},
    # written by the ledger's triggers only
    "ledger_balance": {},
    "account_balance": {},
    "counter_delta": {},  # by the counter triggers and medbill_fold_counters()
    # prices, code sets and edits: who may change rules
    "fee_schedule": {_S: _WORK},
    "procedure_code": {_S: _CODES},
    "icd10cm_code": {_S: _CODES},
    "pos_code": {_S: _CODES},
    "modifier_code": {_S: _CODES},
    "code_set_release": {_S: _WORK},
    "ncci_ptp": {_S: _CODES},
    "mue": {_S: _CODES},
    "carc": {},
    "rarc": {},
    # set up by an admin (`medbill practice init`)
    "practice": {_A: _WORK},
    "provider": {_S: _WORK},  # supervisors keep the providers list (setup screens)
    "alembic_version": {},
    # through medbill_user_* only; MAINTAIN for the LOCK that serialises user changes
    "app_user": {_A: "MAINTAIN"},
}

TAKE_OWNERSHIP = f"""
DO $$
DECLARE
    r record;
BEGIN
    FOR r IN
        SELECT c.relname, c.relkind FROM pg_class c
        JOIN pg_namespace n ON n.oid = c.relnamespace
        WHERE n.nspname = 'public' AND c.relkind IN ('r', 'p', 'v', 'm', 'S', 'f')
          AND c.relowner <> '{OWNER}'::regrole
          AND NOT EXISTS (SELECT 1 FROM pg_depend d WHERE d.classid = 'pg_class'::regclass
                          AND d.objid = c.oid AND d.deptype IN ('a', 'i'))
    LOOP
        EXECUTE format('ALTER %s %I OWNER TO {OWNER}',
            CASE r.relkind WHEN 'S' THEN 'SEQUENCE' WHEN 'v' THEN 'VIEW'
                           WHEN 'm' THEN 'MATERIALIZED VIEW' WHEN 'f' THEN 'FOREIGN TABLE'
                           ELSE 'TABLE' END, r.relname);
    END LOOP;
    FOR r IN
        SELECT p.oid::regprocedure AS signature FROM pg_proc p
        JOIN pg_namespace n ON n.oid = p.pronamespace
        WHERE n.nspname = 'public' AND p.proowner <> '{OWNER}'::regrole
          AND NOT EXISTS (SELECT 1 FROM pg_depend d WHERE d.classid = 'pg_proc'::regclass
                          AND d.objid = p.oid AND d.deptype = 'e')
    LOOP
        EXECUTE format('ALTER FUNCTION %s OWNER TO {OWNER}', r.signature);
    END LOOP;
END $$
"""
"""Every table, sequence and function of the schema owned by `medbill_owner`."""


class PrivilegeMapIncomplete(Exception):
    """A table of the database has no entry in `WRITES`."""


def public_tables(conn: Connection) -> list[str]:
    sql = (
        "SELECT c.relname FROM pg_class c JOIN pg_namespace n ON n.oid = c.relnamespace "
        "WHERE n.nspname = 'public' AND c.relkind IN ('r', 'p') ORDER BY c.relname"
    )
    return list(conn.execute(text(sql)).scalars())


def apply_privileges(conn: Connection) -> None:
    """Owner takes every object; the groups get exactly `WRITES` (plus SELECT on all)."""
    tables = public_tables(conn)
    missing = sorted(set(tables) - set(WRITES))
    if missing:
        raise PrivilegeMapIncomplete(
            "no privileges decided for " + ", ".join(missing) + " (medbill_tui/db/privileges.py)"
        )
    conn.execute(text(TAKE_OWNERSHIP))
    groups = ", ".join(GROUPS)
    for table in tables:
        conn.execute(text(f'REVOKE ALL ON TABLE "{table}" FROM PUBLIC, {groups}'))
        conn.execute(text(f'GRANT SELECT ON TABLE "{table}" TO {groups}'))
        for group, privileges in WRITES[table].items():
            conn.execute(text(f'GRANT {privileges} ON TABLE "{table}" TO {group}'))
    conn.execute(text(f"GRANT USAGE, SELECT ON ALL SEQUENCES IN SCHEMA public TO {_B}"))
    # Tables a later migration makes are readable before this runs again.
    conn.execute(
        text(
            f"ALTER DEFAULT PRIVILEGES FOR ROLE {OWNER} IN SCHEMA public "
            f"GRANT SELECT ON TABLES TO {groups}"
        )
    )
    conn.execute(
        text(
            f"ALTER DEFAULT PRIVILEGES FOR ROLE {OWNER} IN SCHEMA public "
            f"GRANT USAGE, SELECT ON SEQUENCES TO {_B}"
        )
    )
