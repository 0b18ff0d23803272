"""The referring provider of a visit (837P loop 2310A, CMS-1500 box 17/17b): last and first
name and NPI on the encounter, all empty when nobody referred the patient

Revision ID: 0033
Revises: 0032
Create Date: 2026-12-08 10:00:00.000000

A visit has at most one referring provider, so they are columns of the encounter; a name
without an NPI (or an NPI without a name) is refused.
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

revision = "0033"
down_revision = "0032"
branch_labels = None
depends_on = None

_COLUMNS = (("referring_last_name", 60), ("referring_first_name", 35), ("referring_npi", 10))


def upgrade() -> None:
    for name, length in _COLUMNS:
        op.add_column("encounter", sa.Column(name, sa.String(length), nullable=True))
    op.create_check_constraint(
        op.f("ck_encounter_referring"),
        "encounter",
        "(referring_npi IS NULL) = (referring_last_name IS NULL) "
        "AND (referring_first_name IS NULL OR referring_npi IS NOT NULL)",
    )


def downgrade() -> None:
    op.drop_constraint(op.f("ck_encounter_referring"), "encounter", type_="check")
    for name, _ in reversed(_COLUMNS):
        op.drop_column("encounter", name)
