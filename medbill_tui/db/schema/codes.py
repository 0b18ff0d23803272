"""Code sets: procedures, diagnoses, places of service, modifiers, CARC/RARC."""

from __future__ import annotations

from datetime import date, datetime

from sqlalchemy import Date, Index, Integer, SmallInteger, String, Text, literal_column, text
from sqlalchemy.orm import Mapped, mapped_column

from medbill_tui.db.schema.base import Base, created_at_column


class ProcedureCode(Base):
    """CPT/HCPCS codes the practice bills, with our own short labels (never AMA text).

    `verified` is false for a well-formed code the practice added that no loaded release lists.
    """

    __tablename__ = "procedure_code"
    __table_args__ = (
        Index(
            "ix_procedure_code_label_fts",
            text("to_tsvector('english', label)"),
            postgresql_using="gin",
        ),
    )
    code: Mapped[str] = mapped_column(String(5), primary_key=True)
    code_set: Mapped[str] = mapped_column(String(8))
    label: Mapped[str] = mapped_column(String(80))
    verified: Mapped[bool] = mapped_column(server_default=text("true"))


class Icd10cmCode(Base):
    """An ICD-10-CM code (dotted form) with its description; `billable` false for headers."""

    __tablename__ = "icd10cm_code"
    __table_args__ = (
        Index(
            "ix_icd10cm_code_nodot",
            literal_column("replace(code, '.', '')").label("code_nodot"),
            postgresql_ops={"code_nodot": "text_pattern_ops"},
        ),
        Index(
            "ix_icd10cm_code_fts",
            text("to_tsvector('english', description)"),
            postgresql_using="gin",
        ),
    )
    code: Mapped[str] = mapped_column(String(8), primary_key=True)
    description: Mapped[str] = mapped_column(Text)
    billable: Mapped[bool] = mapped_column()


class PosCode(Base):
    """A CMS place-of-service code and its name."""

    __tablename__ = "pos_code"
    code: Mapped[str] = mapped_column(String(2), primary_key=True)
    name: Mapped[str] = mapped_column(String(100))


class ModifierCode(Base):
    """A procedure modifier, described in our own words."""

    __tablename__ = "modifier_code"
    code: Mapped[str] = mapped_column(String(2), primary_key=True)
    description: Mapped[str] = mapped_column(String(200))


class CodeSetRelease(Base):
    """Which release of each code set is loaded, from where, by whom."""

    __tablename__ = "code_set_release"
    code_set: Mapped[str] = mapped_column(String(10), primary_key=True)
    release: Mapped[str] = mapped_column(String(60))
    source: Mapped[str] = mapped_column(Text)
    row_count: Mapped[int] = mapped_column(Integer)
    loaded_at: Mapped[datetime] = created_at_column()
    loaded_by: Mapped[str] = mapped_column(String(64))


class Carc(Base):
    """Claim adjustment reason codes, described in our own words."""

    __tablename__ = "carc"
    code: Mapped[str] = mapped_column(String(5), primary_key=True)
    description: Mapped[str] = mapped_column(Text)


class Rarc(Base):
    """Remittance advice remark codes of a loaded official list (`medbill codes load`)."""

    __tablename__ = "rarc"
    code: Mapped[str] = mapped_column(String(6), primary_key=True)
    description: Mapped[str] = mapped_column(Text)


class NcciPtpEdit(Base):
    """A practitioner NCCI procedure-to-procedure edit: `column2` is not billed with `column1`
    from `effective_on` through `deleted_on` (NULL: still in force) unless the modifier
    indicator is 1 and a bypass modifier is present; indicator 9: withdrawn."""

    __tablename__ = "ncci_ptp"
    __table_args__ = (Index("ix_ncci_ptp_column2", "column2"),)
    column1: Mapped[str] = mapped_column(String(5), primary_key=True)
    column2: Mapped[str] = mapped_column(String(5), primary_key=True)
    effective_on: Mapped[date] = mapped_column(Date, primary_key=True)
    deleted_on: Mapped[date | None] = mapped_column(Date)
    modifier_indicator: Mapped[str] = mapped_column(String(1))
    rationale: Mapped[str] = mapped_column(Text, server_default=text("''"))


class MueLimit(Base):
    """A practitioner medically unlikely edit: the most units of `code` per line
    (indicator 1) or per day (2 policy, 3 clinical)."""

    __tablename__ = "mue"
    code: Mapped[str] = mapped_column(String(5), primary_key=True)
    max_units: Mapped[int] = mapped_column(Integer)
    adjudication_indicator: Mapped[int] = mapped_column(SmallInteger)
    rationale: Mapped[str] = mapped_column(Text, server_default=text("''"))
