"""The HL7 interface: messages received with their ACK, the EHR's patient and visit ids,
the per-facility code mapping

Revision ID: 0025
Revises: 0024
Create Date: 2026-12-07 16:40:00.000000
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

revision = "0025"
down_revision = "0024"
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.create_table(
        "hl7_message",
        sa.Column("id", sa.BigInteger(), nullable=False),
        sa.Column("facility", sa.String(60), nullable=False),
        sa.Column("control_id", sa.String(60), nullable=True),
        sa.Column("message_type", sa.String(12), nullable=False),
        sa.Column(
            "received_at",
            sa.DateTime(timezone=True),
            server_default=sa.text("now()"),
            nullable=False,
        ),
        sa.Column("processed_at", sa.DateTime(timezone=True), nullable=True),
        sa.Column("outcome", sa.String(2), nullable=False),
        sa.Column("reason", sa.Text(), nullable=True),
        sa.Column("raw", sa.Text(), nullable=False),
        sa.Column("attempts", sa.Integer(), server_default=sa.text("1"), nullable=False),
        sa.Column("patient_id", sa.Integer(), nullable=True),
        sa.Column("encounter_id", sa.BigInteger(), nullable=True),
        sa.CheckConstraint("outcome IN ('AA', 'AE', 'AR')", name=op.f("ck_hl7_message_outcome")),
        sa.ForeignKeyConstraint(
            ["patient_id"], ["patient.id"], name=op.f("fk_hl7_message_patient_id_patient")
        ),
        sa.ForeignKeyConstraint(
            ["encounter_id"], ["encounter.id"], name=op.f("fk_hl7_message_encounter_id_encounter")
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_hl7_message")),
        sa.UniqueConstraint("facility", "control_id", name=op.f("uq_hl7_message_facility")),
    )
    op.create_index("ix_hl7_message_received_at", "hl7_message", ["received_at"])
    op.create_index(
        "ix_hl7_message_open_errors",
        "hl7_message",
        ["id"],
        postgresql_where=sa.text("outcome = 'AE'"),
    )
    op.create_table(
        "hl7_patient",
        sa.Column("id", sa.BigInteger(), nullable=False),
        sa.Column("facility", sa.String(60), nullable=False),
        sa.Column("ehr_id", sa.String(40), nullable=False),
        sa.Column("patient_id", sa.Integer(), nullable=False),
        sa.ForeignKeyConstraint(
            ["patient_id"], ["patient.id"], name=op.f("fk_hl7_patient_patient_id_patient")
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_hl7_patient")),
        sa.UniqueConstraint("facility", "ehr_id", name=op.f("uq_hl7_patient_facility")),
    )
    op.create_index("ix_hl7_patient_patient_id", "hl7_patient", ["patient_id"])
    op.create_table(
        "hl7_visit",
        sa.Column("id", sa.BigInteger(), nullable=False),
        sa.Column("facility", sa.String(60), nullable=False),
        sa.Column("visit_key", sa.String(120), nullable=False),
        sa.Column("encounter_id", sa.BigInteger(), nullable=False),
        sa.ForeignKeyConstraint(
            ["encounter_id"], ["encounter.id"], name=op.f("fk_hl7_visit_encounter_id_encounter")
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_hl7_visit")),
        sa.UniqueConstraint("facility", "visit_key", name=op.f("uq_hl7_visit_facility")),
    )
    op.create_index("ix_hl7_visit_encounter_id", "hl7_visit", ["encounter_id"])
    op.create_table(
        "hl7_code_map",
        sa.Column("id", sa.BigInteger(), nullable=False),
        sa.Column("facility", sa.String(60), nullable=False),
        sa.Column("kind", sa.String(10), nullable=False),
        sa.Column("code", sa.String(60), nullable=False),
        sa.Column("target", sa.String(80), nullable=False),
        sa.CheckConstraint(
            "kind IN ('provider', 'payer', 'location')", name=op.f("ck_hl7_code_map_kind")
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_hl7_code_map")),
        sa.UniqueConstraint("facility", "kind", "code", name=op.f("uq_hl7_code_map_facility")),
    )


def downgrade() -> None:
    op.drop_table("hl7_code_map")
    op.drop_table("hl7_visit")
    op.drop_table("hl7_patient")
    op.drop_index("ix_hl7_message_open_errors", table_name="hl7_message")
    op.drop_index("ix_hl7_message_received_at", table_name="hl7_message")
    op.drop_table("hl7_message")
