"""Records of the setup lists (providers, payers, fee schedule rows): each as its form (text
entries as typed, with the version it was read at) and as a row of its list."""

from __future__ import annotations

from dataclasses import dataclass


@dataclass(frozen=True, slots=True)
class SetupRow:
    """One line of a setup list: its id, the cells shown, and whether it is in use."""

    id: int
    cells: tuple[str, ...]
    active: bool


@dataclass(frozen=True, slots=True)
class ProviderForm:
    """A rendering provider as typed."""

    npi: str
    first_name: str
    last_name: str
    taxonomy: str
    provider_id: int | None = None
    version: int | None = None


@dataclass(frozen=True, slots=True)
class PayerForm:
    """A payer as typed; `paper` and `secondary_electronic` are "yes" or "no", the
    clearinghouse its id ("" for the default one), `payment_timer_days` may be blank."""

    payer_code: str
    name: str
    claim_filing_indicator: str
    address_line1: str
    address_line2: str
    city: str
    state: str
    zip: str
    paper: str
    secondary_electronic: str
    clearinghouse: str
    timely_filing_days: str
    appeal_days: str
    payment_timer_days: str
    payer_id: int | None = None
    version: int | None = None


@dataclass(frozen=True, slots=True)
class FeeForm:
    """One price of the fee schedule as typed; `payer` is the payer's id ("" for the
    practice's default schedule)."""

    payer: str
    code: str
    modifier: str
    price: str
    fee_id: int | None = None
    version: int | None = None


@dataclass(frozen=True, slots=True)
class Choice:
    """An entry of a drop-down: what it shows and the value it stands for."""

    label: str
    value: str
