"""audit controls: TRUNCATE refused on the append-only tables, indexes to read the audit trail

Revision ID: 0009
Revises: 0008
Create Date: 2026-12-02 09:00:00.000000

Row triggers (medbill_append_only, 0001) refuse UPDATE and DELETE; TRUNCATE fires no row
trigger, so each append-only table gets a statement-level BEFORE TRUNCATE trigger too.
"""

from __future__ import annotations

from alembic import op

revision = "0009"
down_revision = "0008"
branch_labels = None
depends_on = None

APPEND_ONLY_TABLES = ("ledger_entry", "audit_event", "claim_event", "dunning_event")

NO_TRUNCATE_FUNCTION = """
CREATE FUNCTION medbill_no_truncate() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
    RAISE EXCEPTION '% is append-only: TRUNCATE is refused', TG_TABLE_NAME
        USING ERRCODE = 'restrict_violation';
END $$
"""


def upgrade() -> None:
    op.execute(NO_TRUNCATE_FUNCTION)
    for table in APPEND_ONLY_TABLES:
        op.execute(
            f"CREATE TRIGGER {table}_no_truncate BEFORE TRUNCATE ON {table} "
            "FOR EACH STATEMENT EXECUTE FUNCTION medbill_no_truncate()"
        )
    op.create_index("ix_audit_event_at", "audit_event", ["at", "id"], unique=False)
    op.create_index(
        "ix_audit_event_entity", "audit_event", ["entity", "entity_id", "at"], unique=False
    )
    op.create_index("ix_audit_event_actor", "audit_event", ["actor", "at"], unique=False)


def downgrade() -> None:
    op.drop_index("ix_audit_event_actor", table_name="audit_event")
    op.drop_index("ix_audit_event_entity", table_name="audit_event")
    op.drop_index("ix_audit_event_at", table_name="audit_event")
    for table in APPEND_ONLY_TABLES:
        op.execute(f"DROP TRIGGER IF EXISTS {table}_no_truncate ON {table}")
    op.execute("DROP FUNCTION IF EXISTS medbill_no_truncate()")
