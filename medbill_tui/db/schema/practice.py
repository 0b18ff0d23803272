"""The practice and who it bills: provider, payers, fee schedules, clearinghouse."""

from __future__ import annotations

from decimal import Decimal

from sqlalchemy import ForeignKey, Index, Integer, String, Text, text
from sqlalchemy.orm import Mapped, mapped_column

from medbill_tui.db.schema.base import Base, Money


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
    phone: Mapped[str] = mapped_column(String(10), server_default=text("''"))
    """The billing office's number, printed on statements and appeal letters."""


class Provider(Base):
    """A rendering provider."""

    __tablename__ = "provider"
    id: Mapped[int] = mapped_column(primary_key=True)
    npi: Mapped[str] = mapped_column(String(10), unique=True)
    first_name: Mapped[str] = mapped_column(String(35))
    last_name: Mapped[str] = mapped_column(String(60))
    taxonomy: Mapped[str] = mapped_column(String(10))
    active: Mapped[bool] = mapped_column(server_default=text("true"))
    version: Mapped[int] = mapped_column(Integer, server_default=text("1"))


class Payer(Base):
    """An insurance payer."""

    __tablename__ = "payer"
    id: Mapped[int] = mapped_column(primary_key=True)
    name: Mapped[str] = mapped_column(String(60))
    payer_code: Mapped[str] = mapped_column(String(80), unique=True)
    claim_filing_indicator: Mapped[str] = mapped_column(String(2))
    timely_filing_days: Mapped[int] = mapped_column(Integer, server_default=text("365"))
    appeal_days: Mapped[int] = mapped_column(Integer, server_default=text("180"))
    """Days from a denial to its appeal deadline, unless a routing rule says otherwise."""
    payment_timer_days: Mapped[int | None] = mapped_column(Integer)
    """Days an accepted claim may wait for payment (NULL: MEDBILL_TIMER_PAYMENT_DAYS)."""
    auth_required_codes: Mapped[str] = mapped_column(Text, server_default=text("''"))
    """Space-separated codes this payer wants pre-approved."""
    clearinghouse_id: Mapped[int | None] = mapped_column(ForeignKey("clearinghouse.id"))
    address_line1: Mapped[str] = mapped_column(String(55), server_default=text("''"))
    address_line2: Mapped[str] = mapped_column(String(55), server_default=text("''"))
    city: Mapped[str] = mapped_column(String(30), server_default=text("''"))
    state: Mapped[str] = mapped_column(String(2), server_default=text("''"))
    zip: Mapped[str] = mapped_column(String(9), server_default=text("''"))
    paper: Mapped[bool] = mapped_column(server_default=text("false"))
    """Claims to this payer are printed (CMS-1500), not sent as 837P."""
    secondary_electronic: Mapped[bool] = mapped_column(server_default=text("true"))
    """The payer takes secondary claims (with the primary's payment) electronically."""
    active: Mapped[bool] = mapped_column(server_default=text("true"))
    """False: left out of the pick lists for new work; old claims still show it."""
    version: Mapped[int] = mapped_column(Integer, server_default=text("1"))


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
    active: Mapped[bool] = mapped_column(server_default=text("true"))
    version: Mapped[int] = mapped_column(Integer, server_default=text("1"))


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
    active: Mapped[bool] = mapped_column(server_default=text("true"))
    """False once deactivated: kept for the files sent there, offered for nothing new."""
