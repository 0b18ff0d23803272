"""Subscriber sex on coverage: the 837P sends it in DMG03 of the subscriber (2010BA)

Revision ID: 0020
Revises: 0019
Create Date: 2026-12-08 09:00:00.000000

`coverage.subscriber_sex` is F, M or U (unknown); NULL on rows from before, except where the
patient is the subscriber (relationship 18): those take the patient's own sex.
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

revision = "0020"
down_revision = "0019"
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.add_column("coverage", sa.Column("subscriber_sex", sa.String(1), nullable=True))
    op.create_check_constraint(
        op.f("ck_coverage_subscriber_sex"), "coverage", "subscriber_sex IN ('F', 'M', 'U')"
    )
    op.execute(
        "UPDATE coverage c SET subscriber_sex = p.sex FROM patient p "
        "WHERE p.id = c.patient_id AND c.relationship = '18' AND p.sex IN ('F', 'M', 'U')"
    )


def downgrade() -> None:
    op.drop_constraint(op.f("ck_coverage_subscriber_sex"), "coverage", "check")
    op.drop_column("coverage", "subscriber_sex")
