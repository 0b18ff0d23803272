"""Files written once: outbound files remember when they reached their folder; appeal letters
are stored

Revision ID: 0015
Revises: 0014
Create Date: 2026-12-07 13:00:00.000000

`edi_file.written_at` is set once an outbound file was renamed into the outbox after its
transaction committed; a committed 837P without it (a crash between the commit and the rename)
is written again from `edi_file.content` by the next submit or `medbill claims outbox
--repair`. Files sent before this revision count as written. `appeal_letter` keeps each
letter's text so that it can be written again the same way.
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

revision = "0015"
down_revision = "0014"
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.add_column("edi_file", sa.Column("written_at", sa.DateTime(timezone=True), nullable=True))
    op.execute("UPDATE edi_file SET written_at = created_at WHERE direction = 'out'")
    op.create_index(
        "ix_edi_file_unwritten",
        "edi_file",
        ["id"],
        postgresql_where=sa.text("direction = 'out' AND written_at IS NULL"),
    )
    op.create_table(
        "appeal_letter",
        sa.Column("id", sa.BigInteger(), nullable=False),
        sa.Column("claim_id", sa.BigInteger(), nullable=False),
        sa.Column("work_item_id", sa.BigInteger(), nullable=False),
        sa.Column("file_name", sa.String(length=255), nullable=False),
        sa.Column("content", sa.Text(), nullable=False),
        sa.Column(
            "created_at",
            sa.DateTime(timezone=True),
            server_default=sa.text("now()"),
            nullable=False,
        ),
        sa.Column("created_by", sa.String(length=64), nullable=False),
        sa.Column("written_at", sa.DateTime(timezone=True), nullable=True),
        sa.ForeignKeyConstraint(
            ["claim_id"], ["claim.id"], name=op.f("fk_appeal_letter_claim_id_claim")
        ),
        sa.ForeignKeyConstraint(
            ["work_item_id"], ["work_item.id"], name=op.f("fk_appeal_letter_work_item_id_work_item")
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_appeal_letter")),
    )
    op.create_index(
        "ix_appeal_letter_unwritten",
        "appeal_letter",
        ["id"],
        postgresql_where=sa.text("written_at IS NULL"),
    )


def downgrade() -> None:
    op.drop_index("ix_appeal_letter_unwritten", table_name="appeal_letter")
    op.drop_table("appeal_letter")
    op.drop_index("ix_edi_file_unwritten", table_name="edi_file")
    op.drop_column("edi_file", "written_at")
