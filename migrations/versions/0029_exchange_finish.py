"""Clearinghouses set up in the app: a clearinghouse may be deactivated, and its SFTP
connection (no secrets: the key and any password are files or an environment variable named)
is kept with its pinned host key

Revision ID: 0029
Revises: 0028
Create Date: 2026-12-07 18:30:00.000000
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

revision = "0029"
down_revision = "0028"
branch_labels = None
depends_on = None


FORGET_KEY = """
CREATE FUNCTION medbill_forget_host_key() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
    IF (NEW.host, NEW.port) IS DISTINCT FROM (OLD.host, OLD.port) THEN
        NEW.host_key := NULL;
        NEW.host_key_pinned_by := NULL;
        NEW.host_key_pinned_at := NULL;
    END IF;
    RETURN NEW;
END $$
"""


def upgrade() -> None:
    op.add_column(
        "clearinghouse",
        sa.Column("active", sa.Boolean(), server_default=sa.text("true"), nullable=False),
    )
    op.create_table(
        "clearinghouse_connection",
        sa.Column(
            "clearinghouse_id",
            sa.Integer(),
            sa.ForeignKey("clearinghouse.id"),
            primary_key=True,
        ),
        sa.Column("host", sa.String(255), nullable=False),
        sa.Column("port", sa.Integer(), server_default=sa.text("22"), nullable=False),
        sa.Column("user_name", sa.String(64), nullable=False),
        sa.Column("key_file", sa.Text(), nullable=False),
        sa.Column("password_file", sa.Text()),
        sa.Column("password_env", sa.String(64)),
        sa.Column("upload_dir", sa.Text(), nullable=False),
        sa.Column("download_dir", sa.Text(), nullable=False),
        sa.Column("answer_pattern", sa.String(60), server_default=sa.text("'*'"), nullable=False),
        sa.Column("after_fetch", sa.String(6), server_default=sa.text("'leave'"), nullable=False),
        sa.Column("send_from", sa.Date(), nullable=False),
        sa.Column("schedule", sa.String(60), server_default=sa.text("''"), nullable=False),
        sa.Column("host_key", sa.Text()),
        sa.Column("host_key_pinned_by", sa.String(64)),
        sa.Column("host_key_pinned_at", sa.DateTime(timezone=True)),
        sa.Column(
            "updated_at", sa.DateTime(timezone=True), server_default=sa.func.now(), nullable=False
        ),
        sa.Column("updated_by", sa.String(64), nullable=False),
    )
    # The pinned key belongs to the server it was seen on: a new host or port forgets it. A
    # trigger, because supervisors may correct a connection but not write its key (admins pin).
    op.execute(FORGET_KEY)
    op.execute(
        "CREATE TRIGGER clearinghouse_connection_forget_key BEFORE UPDATE OF host, port "
        "ON clearinghouse_connection FOR EACH ROW EXECUTE FUNCTION medbill_forget_host_key()"
    )


def downgrade() -> None:
    op.drop_table("clearinghouse_connection")
    op.execute("DROP FUNCTION medbill_forget_host_key()")
    op.drop_column("clearinghouse", "active")
