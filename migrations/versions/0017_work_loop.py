"""The next-item loop respects dates: a work item's follow-up date and who took it last

Revision ID: 0017
Revises: 0016
Create Date: 2026-12-07 13:20:00.000000

`work_item.follow_up_on` is the date a biller set to come back to an item (a denial's note or
appeal); `n` / `work next` pass it over until then. `last_taken_by` / `last_taken_at` say who
took it last with `n`: the same biller is not handed it again within a lease's length.
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

revision = "0017"
down_revision = "0016"
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.add_column("work_item", sa.Column("follow_up_on", sa.Date(), nullable=True))
    op.add_column("work_item", sa.Column("last_taken_by", sa.String(length=64), nullable=True))
    op.add_column(
        "work_item", sa.Column("last_taken_at", sa.DateTime(timezone=True), nullable=True)
    )


def downgrade() -> None:
    op.drop_column("work_item", "last_taken_at")
    op.drop_column("work_item", "last_taken_by")
    op.drop_column("work_item", "follow_up_on")
