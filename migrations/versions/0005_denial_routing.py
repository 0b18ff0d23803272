"""denial routing: work item category and action, RARC words table

Revision ID: 0005
Revises: 0004
Create Date: 2026-11-28 09:00:00.000000
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

revision = "0005"
down_revision = "0004"
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.add_column("work_item", sa.Column("category", sa.String(length=20), nullable=True))
    op.add_column("work_item", sa.Column("action", sa.String(length=20), nullable=True))
    op.create_table(
        "rarc",
        sa.Column("code", sa.String(length=6), nullable=False),
        sa.Column("description", sa.Text(), nullable=False),
        sa.PrimaryKeyConstraint("code", name=op.f("pk_rarc")),
    )


def downgrade() -> None:
    op.drop_table("rarc")
    op.drop_column("work_item", "action")
    op.drop_column("work_item", "category")
