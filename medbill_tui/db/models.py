"""SQLAlchemy 2.0 ORM models: the billing domain model of DESIGN.md §3.

Only the repository layer uses these; screens get frozen dataclasses. The schema itself comes
from Alembic revisions in `migrations/`, which must stay in step with this file
(`tests/db/test_migrations.py` compares them).
"""

from __future__ import annotations

from datetime import date, datetime
from decimal import Decimal

from sqlalchemy import (
    BigInteger,
    CheckConstraint,
    Date,
    DateTime,
    ForeignKey,
    Index,
    Integer,
    LargeBinary,
    MetaData,
    Numeric,
    SmallInteger,
    String,
    Text,
    UniqueConstraint,
    func,
    text,
)
from sqlalchemy.dialects.postgresql import JSONB
from sqlalchemy.orm import DeclarativeBase, Mapped, mapped_column

from medbill_tui.db.claim_sql import PENDING_CLAIM_SQL as PENDING_CLAIM_SQL

Money = Numeric(12, 2)


NAMING = {
    "ix": "ix_%(column_0_label)s",
    "uq": "uq_%(table_name)s_%(column_0_name)s",
    "ck": "ck_%(table_name)s_%(constraint_name)s",
    "fk": "fk_%(table_name)s_%(column_0_name)s_%(referred_table_name)s",
    "pk": "pk_%(table_name)s",
}


class Base(DeclarativeBase):
    """Declarative base with a naming convention so Alembic names match."""

    metadata = MetaData(naming_convention=NAMING)


def _created() -> Mapped[datetime]:
    return mapped_column(DateTime(timezone=True), server_default=func.now())


class Practice(Base):
    """The billing provider (one per database)."""

    __tablename__ = "practice"
    id: Mapped[int] = mapped_column(primary_key=True)
    name: Mapped[str] = mapped_column(String(60))
    npi: Mapped[str] = mapped_column(String(10))
    tin: Mapped[str] = mapped_column(String(9))
    taxonomy: Mapped[str] = mapped_column(String(10))
    address1: Mapped[str] = mapped_column(String(55))
    city: Mapped[str] = mapped_column(String(30))
    state: Mapped[str] = mapped_column(String(2))
    zip: Mapped[str] = mapped_column(String(9))
    is_demo: Mapped[bool] = mapped_column(server_default=text("false"))


class Provider(Base):
    """A rendering provider."""

    __tablename__ = "provider"
    id: Mapped[int] = mapped_column(primary_key=True)
    npi: Mapped[str] = mapped_column(String(10), unique=True)
    first_name: Mapped[str] = mapped_column(String(35))
    last_name: Mapped[str] = mapped_column(String(60))
    taxonomy: Mapped[str] = mapped_column(String(10))
    active: Mapped[bool] = mapped_column(server_default=text("true"))


class Payer(Base):
    """An insurance payer."""

    __tablename__ = "payer"
    id: Mapped[int] = mapped_column(primary_key=True)
    name: Mapped[str] = mapped_column(String(60))
    payer_code: Mapped[str] = mapped_column(String(80), unique=True)
    claim_filing_indicator: Mapped[str] = mapped_column(String(2))
    timely_filing_days: Mapped[int] = mapped_column(Integer, server_default=text("365"))
    auth_required_codes: Mapped[str] = mapped_column(Text, server_default=text("''"))
    """Space-separated codes this payer wants pre-approved."""
    clearinghouse_id: Mapped[int | None] = mapped_column(ForeignKey("clearinghouse.id"))


class FeeSchedule(Base):
    """Price of a code (with modifier) for a payer, or the default when payer_id is null."""

    __tablename__ = "fee_schedule"
    __table_args__ = (
        Index(
            "uq_fee_schedule_payer_code",
            "payer_id",
            "code",
            "modifier",
            unique=True,
            postgresql_nulls_not_distinct=True,
        ),
    )
    id: Mapped[int] = mapped_column(primary_key=True)
    payer_id: Mapped[int | None] = mapped_column(ForeignKey("payer.id"))
    code: Mapped[str] = mapped_column(String(5))
    modifier: Mapped[str] = mapped_column(String(2), server_default=text("''"))
    price: Mapped[Decimal] = mapped_column(Money)


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
        Index("ix_icd10cm_code_nodot", text("(replace(code, '.', '')) text_pattern_ops")),
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
    loaded_at: Mapped[datetime] = _created()
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


class Patient(Base):
    """A patient account."""

    __tablename__ = "patient"
    __table_args__ = (
        Index(
            "ix_patient_last_name_lower",
            text("lower(last_name) text_pattern_ops"),
            text("lower(first_name) text_pattern_ops"),
        ),
    )
    id: Mapped[int] = mapped_column(primary_key=True)
    account_no: Mapped[str] = mapped_column(String(20), unique=True)
    first_name: Mapped[str] = mapped_column(String(35))
    last_name: Mapped[str] = mapped_column(String(60))
    dob: Mapped[date] = mapped_column(Date)
    sex: Mapped[str] = mapped_column(String(1))
    address1: Mapped[str] = mapped_column(String(55))
    city: Mapped[str] = mapped_column(String(30))
    state: Mapped[str] = mapped_column(String(2))
    zip: Mapped[str] = mapped_column(String(9))
    phone: Mapped[str | None] = mapped_column(String(20))
    guarantor_id: Mapped[int | None] = mapped_column(ForeignKey("patient.id"))
    """Who pays the patient's share; null means the patient is their own guarantor."""
    statement_hold: Mapped[bool] = mapped_column(server_default=text("false"))
    """No patient statements go out for this account (or its guarantor) while set."""
    statement_hold_reason: Mapped[str | None] = mapped_column(Text)
    version: Mapped[int] = mapped_column(Integer, server_default=text("1"))
    __mapper_args__ = {"version_id_col": version}


class Coverage(Base):
    """A patient's insurance policy at a priority (1 primary, 2 secondary, 3 tertiary)."""

    __tablename__ = "coverage"
    __table_args__ = (CheckConstraint("priority BETWEEN 1 AND 3", name="priority"),)
    id: Mapped[int] = mapped_column(primary_key=True)
    patient_id: Mapped[int] = mapped_column(ForeignKey("patient.id"), index=True)
    payer_id: Mapped[int] = mapped_column(ForeignKey("payer.id"))
    member_id: Mapped[str] = mapped_column(String(80))
    group_no: Mapped[str | None] = mapped_column(String(50))
    relationship: Mapped[str] = mapped_column(String(2), server_default=text("'18'"))
    subscriber_first_name: Mapped[str | None] = mapped_column(String(35))
    subscriber_last_name: Mapped[str | None] = mapped_column(String(60))
    subscriber_dob: Mapped[date | None] = mapped_column(Date)
    priority: Mapped[int] = mapped_column(SmallInteger)
    effective_from: Mapped[date] = mapped_column(Date)
    effective_to: Mapped[date | None] = mapped_column(Date)
    version: Mapped[int] = mapped_column(Integer, server_default=text("1"))
    __mapper_args__ = {"version_id_col": version}


class Authorization(Base):
    """A prior authorization ("pre-approval") on a coverage."""

    __tablename__ = "authorization"
    id: Mapped[int] = mapped_column(primary_key=True)
    coverage_id: Mapped[int] = mapped_column(ForeignKey("coverage.id"), index=True)
    number: Mapped[str | None] = mapped_column(String(50))
    status: Mapped[str] = mapped_column(String(10))
    codes: Mapped[str] = mapped_column(Text, server_default=text("''"))
    visits_allowed: Mapped[int | None] = mapped_column(Integer)
    visits_used: Mapped[int] = mapped_column(Integer, server_default=text("0"))
    start_date: Mapped[date | None] = mapped_column(Date)
    end_date: Mapped[date | None] = mapped_column(Date)
    follow_up_on: Mapped[date | None] = mapped_column(Date)
    version: Mapped[int] = mapped_column(Integer, server_default=text("1"))
    __mapper_args__ = {"version_id_col": version}


class Encounter(Base):
    """A visit: the source of charges and, once billed, of claims."""

    __tablename__ = "encounter"
    __table_args__ = (
        Index("ix_encounter_unbilled", "dos", "id", postgresql_where=text("status = 'unbilled'")),
    )
    id: Mapped[int] = mapped_column(BigInteger, primary_key=True)
    patient_id: Mapped[int] = mapped_column(ForeignKey("patient.id"), index=True)
    provider_id: Mapped[int] = mapped_column(ForeignKey("provider.id"))
    coverage_id: Mapped[int | None] = mapped_column(ForeignKey("coverage.id"))
    authorization_id: Mapped[int | None] = mapped_column(ForeignKey("authorization.id"))
    dos: Mapped[date] = mapped_column(Date)
    pos: Mapped[str] = mapped_column(String(2))
    status: Mapped[str] = mapped_column(String(12))
    created_at: Mapped[datetime] = _created()
    version: Mapped[int] = mapped_column(Integer, server_default=text("1"))
    __mapper_args__ = {"version_id_col": version}


class EncounterDiagnosis(Base):
    """An ICD-10-CM diagnosis on an encounter, in claim order 1..12."""

    __tablename__ = "encounter_diagnosis"
    __table_args__ = (
        UniqueConstraint("encounter_id", "seq"),
        CheckConstraint("seq BETWEEN 1 AND 12", name="seq"),
    )
    id: Mapped[int] = mapped_column(BigInteger, primary_key=True)
    encounter_id: Mapped[int] = mapped_column(ForeignKey("encounter.id"))
    seq: Mapped[int] = mapped_column(SmallInteger)
    code: Mapped[str] = mapped_column(String(8))


class Charge(Base):
    """A service line keyed on an encounter."""

    __tablename__ = "charge"
    __table_args__ = (
        UniqueConstraint("encounter_id", "line_no"),
        CheckConstraint("units > 0", name="units"),
        Index("ix_charge_encounter_amount", "encounter_id", postgresql_include=["amount"]),
    )
    id: Mapped[int] = mapped_column(BigInteger, primary_key=True)
    encounter_id: Mapped[int] = mapped_column(ForeignKey("encounter.id"))
    line_no: Mapped[int] = mapped_column(SmallInteger)
    code: Mapped[str] = mapped_column(String(5))
    modifier1: Mapped[str | None] = mapped_column(String(2))
    modifier2: Mapped[str | None] = mapped_column(String(2))
    modifier3: Mapped[str | None] = mapped_column(String(2))
    modifier4: Mapped[str | None] = mapped_column(String(2))
    units: Mapped[Decimal] = mapped_column(Numeric(7, 2))
    amount: Mapped[Decimal] = mapped_column(Money)
    dx_pointers: Mapped[str] = mapped_column(String(8), server_default=text("'1'"))
    ndc: Mapped[str | None] = mapped_column(String(11))


class Claim(Base):
    """A claim to one payer for one encounter."""

    __tablename__ = "claim"
    __table_args__ = (
        Index(
            "ix_claim_pending",
            text("coalesce(submitted_on, created_on)"),
            "id",
            postgresql_where=text(PENDING_CLAIM_SQL),
        ),
        Index(
            "ix_claim_pending_total",
            "status",
            postgresql_include=["total_charge"],
            postgresql_where=text(PENDING_CLAIM_SQL),
        ),
    )
    id: Mapped[int] = mapped_column(BigInteger, primary_key=True)
    claim_no: Mapped[str] = mapped_column(String(20), unique=True)
    encounter_id: Mapped[int] = mapped_column(ForeignKey("encounter.id"), index=True)
    patient_id: Mapped[int] = mapped_column(ForeignKey("patient.id"), index=True)
    coverage_id: Mapped[int] = mapped_column(ForeignKey("coverage.id"))
    payer_id: Mapped[int] = mapped_column(ForeignKey("payer.id"))
    frequency: Mapped[str] = mapped_column(String(1), server_default=text("'1'"))
    original_payer_claim_no: Mapped[str | None] = mapped_column(String(50))
    payer_claim_no: Mapped[str | None] = mapped_column(String(50))
    status: Mapped[str] = mapped_column(String(20))
    total_charge: Mapped[Decimal] = mapped_column(Money)
    created_on: Mapped[date] = mapped_column(Date)
    submitted_on: Mapped[date | None] = mapped_column(Date)
    hold_reason: Mapped[str | None] = mapped_column(Text)
    version: Mapped[int] = mapped_column(Integer, server_default=text("1"))
    __mapper_args__ = {"version_id_col": version}


class ClaimLine(Base):
    """A service line on a claim (a copy of the charge as billed)."""

    __tablename__ = "claim_line"
    __table_args__ = (UniqueConstraint("claim_id", "line_no"),)
    id: Mapped[int] = mapped_column(BigInteger, primary_key=True)
    claim_id: Mapped[int] = mapped_column(ForeignKey("claim.id"))
    charge_id: Mapped[int | None] = mapped_column(ForeignKey("charge.id"))
    line_no: Mapped[int] = mapped_column(SmallInteger)
    code: Mapped[str] = mapped_column(String(5))
    modifiers: Mapped[str] = mapped_column(String(11), server_default=text("''"))
    units: Mapped[Decimal] = mapped_column(Numeric(7, 2))
    amount: Mapped[Decimal] = mapped_column(Money)
    dx_pointers: Mapped[str] = mapped_column(String(8))


class ClaimEvent(Base):
    """Every change of a claim's state: who, when, why."""

    __tablename__ = "claim_event"
    id: Mapped[int] = mapped_column(BigInteger, primary_key=True)
    claim_id: Mapped[int] = mapped_column(ForeignKey("claim.id"), index=True)
    at: Mapped[datetime] = mapped_column(DateTime(timezone=True))
    actor: Mapped[str] = mapped_column(String(64))
    from_status: Mapped[str | None] = mapped_column(String(20))
    to_status: Mapped[str] = mapped_column(String(20))
    detail: Mapped[str | None] = mapped_column(Text)


class Remittance(Base):
    """An 835 payment: one check or EFT from a payer, identified by payer and TRN02."""

    __tablename__ = "remittance"
    __table_args__ = (UniqueConstraint("payer_id", "trace_no"),)
    id: Mapped[int] = mapped_column(BigInteger, primary_key=True)
    payer_id: Mapped[int] = mapped_column(ForeignKey("payer.id"))
    trace_no: Mapped[str] = mapped_column(String(50))
    method: Mapped[str] = mapped_column(String(3))
    amount: Mapped[Decimal] = mapped_column(Money)
    paid_on: Mapped[date] = mapped_column(Date)
    raw: Mapped[bytes | None] = mapped_column(LargeBinary)
    imported_at: Mapped[datetime] = _created()
    imported_by: Mapped[str] = mapped_column(String(64))
    status: Mapped[str] = mapped_column(String(10), server_default=text("'posted'"))
    """posted, or reversed (a supervisor undid it; its entries were reversed)."""
    edi_file_id: Mapped[int | None] = mapped_column(ForeignKey("edi_file.id"))


class ClaimPayment(Base):
    """A CLP loop of a remittance; claim_id is null while unmatched."""

    __tablename__ = "claim_payment"
    id: Mapped[int] = mapped_column(BigInteger, primary_key=True)
    remittance_id: Mapped[int] = mapped_column(ForeignKey("remittance.id"), index=True)
    claim_id: Mapped[int | None] = mapped_column(ForeignKey("claim.id"), index=True)
    patient_control_no: Mapped[str] = mapped_column(String(38))
    status_code: Mapped[str] = mapped_column(String(2))
    charge: Mapped[Decimal] = mapped_column(Money)
    paid: Mapped[Decimal] = mapped_column(Money)
    patient_responsibility: Mapped[Decimal] = mapped_column(Money, server_default=text("0"))
    payer_claim_no: Mapped[str | None] = mapped_column(String(50))


class ServicePayment(Base):
    """An SVC loop: payment for one service line."""

    __tablename__ = "service_payment"
    id: Mapped[int] = mapped_column(BigInteger, primary_key=True)
    claim_payment_id: Mapped[int] = mapped_column(ForeignKey("claim_payment.id"), index=True)
    claim_line_id: Mapped[int | None] = mapped_column(ForeignKey("claim_line.id"))
    code: Mapped[str] = mapped_column(String(5))
    charge: Mapped[Decimal] = mapped_column(Money)
    paid: Mapped[Decimal] = mapped_column(Money)
    units: Mapped[Decimal] = mapped_column(Numeric(7, 2), server_default=text("1"))


class Adjustment(Base):
    """A CAS adjustment: group (CO/PR/OI/PI/CR), CARC and amount."""

    __tablename__ = "adjustment"
    id: Mapped[int] = mapped_column(BigInteger, primary_key=True)
    claim_payment_id: Mapped[int] = mapped_column(ForeignKey("claim_payment.id"), index=True)
    service_payment_id: Mapped[int | None] = mapped_column(ForeignKey("service_payment.id"))
    group_code: Mapped[str] = mapped_column(String(2))
    carc: Mapped[str] = mapped_column(String(5))
    amount: Mapped[Decimal] = mapped_column(Money)


class Remark(Base):
    """A RARC remark on a claim payment."""

    __tablename__ = "remark"
    id: Mapped[int] = mapped_column(BigInteger, primary_key=True)
    claim_payment_id: Mapped[int] = mapped_column(ForeignKey("claim_payment.id"), index=True)
    code: Mapped[str] = mapped_column(String(6))


class LedgerEntry(Base):
    """Append-only money movement. Positive amounts raise what is owed, negative lower it.

    Corrections are new rows with `reverses_id` set; rows are never updated or deleted
    (a trigger in the migration enforces it).
    """

    __tablename__ = "ledger_entry"
    __table_args__ = (
        CheckConstraint(
            "kind IN ('charge','payment','adjustment','writeoff','transfer','reversal')",
            name="kind",
        ),
        CheckConstraint(
            "responsibility IN ('primary','secondary','tertiary','patient')",
            name="responsibility",
        ),
        Index("ix_ledger_entry_patient", "patient_id", "responsibility", "service_date"),
        Index("ix_ledger_entry_posted_at", "posted_at"),
    )
    id: Mapped[int] = mapped_column(BigInteger, primary_key=True)
    patient_id: Mapped[int] = mapped_column(ForeignKey("patient.id"))
    encounter_id: Mapped[int] = mapped_column(ForeignKey("encounter.id"), index=True)
    claim_id: Mapped[int | None] = mapped_column(ForeignKey("claim.id"), index=True)
    remittance_id: Mapped[int | None] = mapped_column(ForeignKey("remittance.id"), index=True)
    kind: Mapped[str] = mapped_column(String(12))
    responsibility: Mapped[str] = mapped_column(String(10))
    amount: Mapped[Decimal] = mapped_column(Money)
    service_date: Mapped[date] = mapped_column(Date)
    posted_at: Mapped[datetime] = _created()
    posted_by: Mapped[str] = mapped_column(String(64))
    reverses_id: Mapped[int | None] = mapped_column(ForeignKey("ledger_entry.id"))
    memo: Mapped[str | None] = mapped_column(Text)


class LedgerBalance(Base):
    """The ledger's sum per (patient, responsibility, encounter, claim, service date).

    Kept by the statement-level trigger `ledger_entry_balance` (migration 0011), never written
    by the application; open sums (amount <> 0) are what the balance counts and totals read.
    """

    __tablename__ = "ledger_balance"
    __table_args__ = (
        Index(
            "uq_ledger_balance_key",
            "patient_id",
            "responsibility",
            "encounter_id",
            "claim_id",
            "service_date",
            unique=True,
            postgresql_nulls_not_distinct=True,
        ),
        Index(
            "ix_ledger_balance_open",
            "patient_id",
            "responsibility",
            postgresql_include=["amount", "service_date", "claim_id"],
            postgresql_where=text("amount <> 0"),
        ),
        Index(
            "ix_ledger_balance_open_claim",
            "claim_id",
            "responsibility",
            postgresql_include=["amount"],
            postgresql_where=text("amount <> 0 AND claim_id IS NOT NULL"),
        ),
    )
    id: Mapped[int] = mapped_column(BigInteger, primary_key=True)
    patient_id: Mapped[int] = mapped_column(BigInteger)
    responsibility: Mapped[str] = mapped_column(String(10))
    encounter_id: Mapped[int] = mapped_column(BigInteger)
    claim_id: Mapped[int | None] = mapped_column(BigInteger)
    service_date: Mapped[date] = mapped_column(Date)
    amount: Mapped[Decimal] = mapped_column(Money)


class AccountBalance(Base):
    """The ledger's sum per (patient, responsibility), kept by the same trigger as
    LedgerBalance; the dashboard counts the open ones (amount <> 0)."""

    __tablename__ = "account_balance"
    __table_args__ = (
        Index(
            "ix_account_balance_open",
            "responsibility",
            postgresql_include=["amount"],
            postgresql_where=text("amount <> 0"),
        ),
    )
    patient_id: Mapped[int] = mapped_column(BigInteger, primary_key=True)
    responsibility: Mapped[str] = mapped_column(String(10), primary_key=True)
    amount: Mapped[Decimal] = mapped_column(Money)


class WorkItem(Base):
    """Something a biller must work: a denial, a follow-up, a rejection, an unmatched payment,
    a credit balance."""

    __tablename__ = "work_item"
    __table_args__ = (
        Index(
            "ix_work_item_open", "kind", "opened_on", "id", postgresql_where=text("status = 'open'")
        ),
        Index(
            "ix_work_item_open_amount",
            "kind",
            postgresql_include=["amount"],
            postgresql_where=text("status = 'open'"),
        ),
        Index(
            "uq_work_item_open_credit",
            "encounter_id",
            "responsibility",
            unique=True,
            postgresql_where=text("kind = 'credit' AND status = 'open'"),
        ),
    )
    id: Mapped[int] = mapped_column(BigInteger, primary_key=True)
    kind: Mapped[str] = mapped_column(String(12))
    status: Mapped[str] = mapped_column(String(10), server_default=text("'open'"))
    claim_id: Mapped[int | None] = mapped_column(ForeignKey("claim.id"), index=True)
    patient_id: Mapped[int | None] = mapped_column(ForeignKey("patient.id"), index=True)
    group_code: Mapped[str | None] = mapped_column(String(2))
    carc: Mapped[str | None] = mapped_column(String(5))
    rarc: Mapped[str | None] = mapped_column(String(6))
    amount: Mapped[Decimal] = mapped_column(Money, server_default=text("0"))
    opened_on: Mapped[date] = mapped_column(Date)
    due_on: Mapped[date | None] = mapped_column(Date)
    owner: Mapped[str | None] = mapped_column(String(64))
    detail: Mapped[str | None] = mapped_column(Text)
    lease_until: Mapped[datetime | None] = mapped_column(DateTime(timezone=True))
    closed_at: Mapped[datetime | None] = mapped_column(DateTime(timezone=True))
    category: Mapped[str | None] = mapped_column(String(20))
    """Denials: the routing rules' category (eligibility, coding, ...)."""
    action: Mapped[str | None] = mapped_column(String(20))
    """Denials: the routing rules' default action (resubmit, appeal, ...)."""
    source: Mapped[str | None] = mapped_column(String(5))
    """Rejections and unmatched items: the file that opened it ('835', '999', '277CA')."""
    claim_payment_id: Mapped[int | None] = mapped_column(ForeignKey("claim_payment.id"))
    """Unmatched 835 items: the payment kept without a claim (its remittance gives trace and
    payer). Not indexed: nothing looks items up by payment, and payments are never deleted."""
    patient_control_no: Mapped[str | None] = mapped_column(String(38))
    """Unmatched items: the claim number the payer sent back (CLP01, 277CA TRN02)."""
    payer_claim_no: Mapped[str | None] = mapped_column(String(50))
    """Unmatched items: the payer's own claim number (CLP07, 277CA REF*1K)."""
    patient_name: Mapped[str | None] = mapped_column(String(100))
    """Unmatched 835 items: the patient's name as the payer sent it (NM1*QC)."""
    stc_category: Mapped[str | None] = mapped_column(String(30))
    """277CA items: STC01-1, the claim status category (A3, A7 ...)."""
    stc_status: Mapped[str | None] = mapped_column(String(30))
    """277CA items: STC01-2, the claim status code."""
    stc_entity: Mapped[str | None] = mapped_column(String(3))
    """277CA items: STC01-3, the entity the status is about, when sent."""
    error_segment: Mapped[str | None] = mapped_column(String(3))
    """999 rejections: the first error's segment id (IK301)."""
    error_element: Mapped[int | None] = mapped_column(SmallInteger)
    """999 rejections: the first error's element position (IK401), when it names one."""
    error_code: Mapped[str | None] = mapped_column(String(3))
    """999 rejections: the first error's code (IK403, else IK304)."""
    reason: Mapped[str | None] = mapped_column(Text)
    """Rejections and 277CA items: the acknowledgment's words for what was wrong."""
    outcome: Mapped[str | None] = mapped_column(Text)
    """Unmatched and credit items: how the item was closed ("posted to claim C1 by ann")."""
    encounter_id: Mapped[int | None] = mapped_column(ForeignKey("encounter.id"))
    """Credits: the visit whose balance went below zero."""
    responsibility: Mapped[str | None] = mapped_column(String(10))
    """Credits: the side holding the credit (primary, secondary, tertiary, patient)."""
    remittance_id: Mapped[int | None] = mapped_column(ForeignKey("remittance.id"))
    """Credits: the payment (835) that made it."""


class Note(Base):
    """A free-text note on a claim, encounter, patient or work item."""

    __tablename__ = "note"
    __table_args__ = (Index("ix_note_entity", "entity", "entity_id"),)
    id: Mapped[int] = mapped_column(BigInteger, primary_key=True)
    entity: Mapped[str] = mapped_column(String(20))
    entity_id: Mapped[int] = mapped_column(BigInteger)
    author: Mapped[str] = mapped_column(String(64))
    at: Mapped[datetime] = _created()
    body: Mapped[str] = mapped_column(Text)


class AppUser(Base):
    """A person who may use the app, identified by their login on the host."""

    __tablename__ = "app_user"
    id: Mapped[int] = mapped_column(primary_key=True)
    login: Mapped[str] = mapped_column(String(64), unique=True)
    role: Mapped[str] = mapped_column(String(12))
    active: Mapped[bool] = mapped_column(server_default=text("true"))
    created_at: Mapped[datetime] = _created()


class AuditEvent(Base):
    """Who did what to which record, and when (append-only)."""

    __tablename__ = "audit_event"
    __table_args__ = (
        Index("ix_audit_event_at", "at", "id"),
        Index("ix_audit_event_entity", "entity", "entity_id", "at"),
        Index("ix_audit_event_actor", "actor", "at"),
    )
    id: Mapped[int] = mapped_column(BigInteger, primary_key=True)
    actor: Mapped[str] = mapped_column(String(64))
    action: Mapped[str] = mapped_column(String(32))
    entity: Mapped[str] = mapped_column(String(20))
    entity_id: Mapped[int | None] = mapped_column(BigInteger)
    at: Mapped[datetime] = _created()
    detail: Mapped[str | None] = mapped_column(Text)


class Draft(Base):
    """A form as someone was typing it, not yet saved (restored after a dropped session)."""

    __tablename__ = "draft"
    __table_args__ = (
        Index(
            "uq_draft_owner_entity",
            "owner",
            "entity",
            "entity_id",
            unique=True,
            postgresql_nulls_not_distinct=True,
        ),
    )
    id: Mapped[int] = mapped_column(BigInteger, primary_key=True)
    owner: Mapped[str] = mapped_column(String(64))
    entity: Mapped[str] = mapped_column(String(20))
    entity_id: Mapped[int | None] = mapped_column(BigInteger)
    """The record being edited; NULL for a new one (one new-record draft per person)."""
    payload: Mapped[dict[str, object]] = mapped_column(JSONB)
    saved_at: Mapped[datetime] = mapped_column(DateTime(timezone=True), server_default=func.now())


class Clearinghouse(Base):
    """Where claim files go: the receiver of our 837P interchanges."""

    __tablename__ = "clearinghouse"
    id: Mapped[int] = mapped_column(primary_key=True)
    name: Mapped[str] = mapped_column(String(60))
    receiver_id: Mapped[str] = mapped_column(String(15))
    submitter_id: Mapped[str] = mapped_column(String(15))
    submitter_name: Mapped[str] = mapped_column(String(60))
    contact_name: Mapped[str] = mapped_column(String(60))
    contact_phone: Mapped[str] = mapped_column(String(20))
    usage: Mapped[str] = mapped_column(String(1), server_default=text("'P'"))
    is_default: Mapped[bool] = mapped_column(server_default=text("false"))


class EdiFile(Base):
    """Every X12 file sent or received, with its exact bytes. Inbound files are unique by hash."""

    __tablename__ = "edi_file"
    __table_args__ = (
        Index(
            "uq_edi_file_inbound_sha",
            "sha256",
            unique=True,
            postgresql_where=text("direction = 'in'"),
        ),
    )
    id: Mapped[int] = mapped_column(BigInteger, primary_key=True)
    direction: Mapped[str] = mapped_column(String(3))
    kind: Mapped[str] = mapped_column(String(6))
    file_name: Mapped[str] = mapped_column(String(255))
    sha256: Mapped[str] = mapped_column(String(64))
    content: Mapped[bytes] = mapped_column(LargeBinary)
    isa13: Mapped[str] = mapped_column(String(9))
    gs06: Mapped[str] = mapped_column(String(9))
    sender_id: Mapped[str] = mapped_column(String(15))
    receiver_id: Mapped[str] = mapped_column(String(15))
    clearinghouse_id: Mapped[int | None] = mapped_column(ForeignKey("clearinghouse.id"))
    claim_count: Mapped[int] = mapped_column(Integer, server_default=text("0"))
    total: Mapped[Decimal] = mapped_column(Money, server_default=text("0"))
    warnings: Mapped[str | None] = mapped_column(Text)
    created_at: Mapped[datetime] = _created()
    created_by: Mapped[str] = mapped_column(String(64))


class Submission(Base):
    """One sending of a claim in an 837P file (a claim may be sent several times)."""

    __tablename__ = "submission"
    __table_args__ = (Index("ix_submission_batch", "gs06", "st02"),)
    id: Mapped[int] = mapped_column(BigInteger, primary_key=True)
    claim_id: Mapped[int] = mapped_column(ForeignKey("claim.id"), index=True)
    edi_file_id: Mapped[int] = mapped_column(ForeignKey("edi_file.id"), index=True)
    gs06: Mapped[str] = mapped_column(String(9))
    st02: Mapped[str] = mapped_column(String(9))
    first_segment: Mapped[int] = mapped_column(Integer)
    last_segment: Mapped[int] = mapped_column(Integer)
    frequency: Mapped[str] = mapped_column(String(1))
    submitted_at: Mapped[datetime] = _created()


class Acknowledgment(Base):
    """A 999 set response or a 277CA claim status, tied to the file it came in and its claim."""

    __tablename__ = "acknowledgment"
    id: Mapped[int] = mapped_column(BigInteger, primary_key=True)
    edi_file_id: Mapped[int] = mapped_column(ForeignKey("edi_file.id"), index=True)
    kind: Mapped[str] = mapped_column(String(6))
    submission_id: Mapped[int | None] = mapped_column(ForeignKey("submission.id"), index=True)
    claim_id: Mapped[int | None] = mapped_column(ForeignKey("claim.id"), index=True)
    status: Mapped[str] = mapped_column(String(10))
    code: Mapped[str] = mapped_column(String(30))
    words: Mapped[str] = mapped_column(Text)
    segments: Mapped[str | None] = mapped_column(Text)
    created_at: Mapped[datetime] = _created()


class RemittancePlb(Base):
    """A provider-level adjustment (PLB) of a remittance: not tied to any one claim."""

    __tablename__ = "remittance_plb"
    id: Mapped[int] = mapped_column(BigInteger, primary_key=True)
    remittance_id: Mapped[int] = mapped_column(ForeignKey("remittance.id"), index=True)
    reason: Mapped[str] = mapped_column(String(2))
    reference: Mapped[str] = mapped_column(String(50))
    amount: Mapped[Decimal] = mapped_column(Money)


class StatementRun(Base):
    """One `statements run`: its as-of date, how many statements went out, the folder."""

    __tablename__ = "statement_run"
    id: Mapped[int] = mapped_column(BigInteger, primary_key=True)
    as_of: Mapped[date] = mapped_column(Date)
    statements: Mapped[int] = mapped_column(Integer)
    amount: Mapped[Decimal] = mapped_column(Money)
    folder: Mapped[str] = mapped_column(Text)
    created_at: Mapped[datetime] = _created()
    created_by: Mapped[str] = mapped_column(String(64))


class DunningEvent(Base):
    """A step of a guarantor's dunning cycle: a statement sent (with its text), the referral
    to collections, or the cycle closed because the balance was paid (append-only)."""

    __tablename__ = "dunning_event"
    __table_args__ = (
        CheckConstraint("step IN ('first','reminder','final','collections','closed')", name="step"),
        UniqueConstraint(
            "guarantor_id", "cycle_no", "step", name="uq_dunning_event_guarantor_cycle_step"
        ),
        Index("ix_dunning_event_guarantor_latest", "guarantor_id", "id"),
    )
    id: Mapped[int] = mapped_column(BigInteger, primary_key=True)
    guarantor_id: Mapped[int] = mapped_column(ForeignKey("patient.id"))
    cycle_no: Mapped[int] = mapped_column(Integer)
    step: Mapped[str] = mapped_column(String(12))
    as_of: Mapped[date] = mapped_column(Date)
    amount: Mapped[Decimal] = mapped_column(Money)
    run_id: Mapped[int | None] = mapped_column(ForeignKey("statement_run.id"), index=True)
    file_name: Mapped[str | None] = mapped_column(String(255))
    content: Mapped[str | None] = mapped_column(Text)
    created_at: Mapped[datetime] = _created()
    created_by: Mapped[str] = mapped_column(String(64))
