"""Leases belong to where they were taken: `work_item.lease_source`

Revision ID: 0022
Revises: 0021
Create Date: 2026-12-09 09:00:00.000000

`lease_source` is 'cli' for a lease taken on the command line (it lasts until released or
expired) or the id of the app session that took it (that session frees it when it ends).
Leases held before this revision have none: they last until released or expired.
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

revision = "0022"
down_revision = "0021"
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.add_column("work_item", sa.Column("lease_source", sa.String(40), nullable=True))


def downgrade() -> None:
    op.drop_column("work_item", "lease_source")
