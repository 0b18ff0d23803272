"""The clearinghouse exchange: `exchange_upload` and `exchange_fetch`

Revision ID: 0026
Revises: 0025
Create Date: 2026-12-11 09:00:00.000000

`medbill exchange` records each 837P it renamed into the clearinghouse's upload folder (one row
per file: it is never uploaded twice) and each answer file it downloaded (by host, path, size
and modification time: a file left on the server is never fetched twice), with what importing
it did.
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

revision = "0026"
down_revision = "0025"
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.create_table(
        "exchange_upload",
        sa.Column("id", sa.BigInteger(), nullable=False),
        sa.Column("edi_file_id", sa.BigInteger(), nullable=False),
        sa.Column("host", sa.String(255), nullable=False),
        sa.Column("remote_path", sa.Text(), nullable=False),
        sa.Column("size", sa.BigInteger(), nullable=False),
        sa.Column("sha256", sa.String(64), nullable=False),
        sa.Column(
            "uploaded_at",
            sa.DateTime(timezone=True),
            server_default=sa.text("now()"),
            nullable=False,
        ),
        sa.Column("uploaded_by", sa.String(64), nullable=False),
        sa.ForeignKeyConstraint(
            ["edi_file_id"], ["edi_file.id"], name=op.f("fk_exchange_upload_edi_file_id_edi_file")
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_exchange_upload")),
        sa.UniqueConstraint("edi_file_id", name=op.f("uq_exchange_upload_edi_file_id")),
    )
    op.create_table(
        "exchange_fetch",
        sa.Column("id", sa.BigInteger(), nullable=False),
        sa.Column("host", sa.String(255), nullable=False),
        sa.Column("remote_path", sa.Text(), nullable=False),
        sa.Column("size", sa.BigInteger(), nullable=False),
        sa.Column("remote_mtime", sa.BigInteger(), nullable=False),
        sa.Column("sha256", sa.String(64), nullable=False),
        sa.Column("local_names", sa.Text(), nullable=False),
        sa.Column(
            "fetched_at",
            sa.DateTime(timezone=True),
            server_default=sa.text("now()"),
            nullable=False,
        ),
        sa.Column("fetched_by", sa.String(64), nullable=False),
        sa.Column("imported_at", sa.DateTime(timezone=True), nullable=True),
        sa.Column("import_error", sa.Text(), nullable=True),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_exchange_fetch")),
    )
    op.create_index(
        "uq_exchange_fetch_remote",
        "exchange_fetch",
        ["host", "remote_path", "size", "remote_mtime"],
        unique=True,
    )
    op.create_index("ix_exchange_fetch_sha256", "exchange_fetch", ["sha256"])


def downgrade() -> None:
    op.drop_table("exchange_fetch")
    op.drop_table("exchange_upload")
