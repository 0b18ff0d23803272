"""Read an 835 remittance (005010X221A1) into plain, frozen records, and check its balance.

Header: BPR (amount, method, date), TRN (trace number), N1*PR payer, N1*PE payee. One
`ClaimPay` per CLP with its CAS adjustments and SVC lines; PLB provider-level adjustments.
All money is Decimal rounded to cents. One pass over the segments, no regular expressions.
The records and balance checks live in `x835_records`, the reading in `x835_reader` (both
re-exported here). `iter_835` parses the sets of a streamed file one at a time;
`read_835_sets` reads them claim by claim (see `edi/stream.py`).
"""

from __future__ import annotations

from collections.abc import Iterable, Iterator

from medbill_tui.edi.detect import (
    Interchange,
    MultipleTransactions,
    TransactionSet,
    gc_paused,
    read_interchange,
)
from medbill_tui.edi.x835_reader import Remit835Reader, read_835_sets
from medbill_tui.edi.x835_records import (
    Adjustment,
    BalanceTally,
    ClaimPay,
    ProviderAdjustment,
    Remit835,
    RemitHead,
    ServicePay,
    claim_balance_errors,
    claim_sign_errors,
    payment_sign_error,
    remit_balance_error,
)

__all__ = [
    "Adjustment",
    "BalanceTally",
    "ClaimPay",
    "ProviderAdjustment",
    "Remit835",
    "Remit835Reader",
    "RemitHead",
    "ServicePay",
    "claim_balance_errors",
    "claim_sign_errors",
    "iter_835",
    "parse_835",
    "parse_835_all",
    "parse_835_set",
    "payment_sign_error",
    "read_835_sets",
    "remit_balance_error",
]


def parse_835(text: str | bytes) -> Remit835:
    """Parse an 835 with one transaction set (raise `MultipleTransactions` if there are more)."""
    remits = parse_835_all(text)
    if len(remits) > 1:
        raise MultipleTransactions(
            f"this file holds {len(remits)} remittances (ST sets); use parse_835_all"
        )
    return remits[0]


def parse_835_all(text: str | bytes) -> tuple[Remit835, ...]:
    """Parse every 835 transaction set of a file, in order."""
    with gc_paused():
        inter = read_interchange(text, "835")
        return tuple(_parse_set(tset, inter) for tset in inter.sets)


def iter_835(inter: Interchange, sets: Iterable[TransactionSet]) -> Iterator[Remit835]:
    """Parse streamed 835 sets one at a time (only one payment's records in memory)."""
    for tset in sets:
        yield parse_835_set(tset, inter)


def parse_835_set(tset: TransactionSet, inter: Interchange) -> Remit835:
    """One 835 transaction set (one payment)."""
    with gc_paused():
        return _parse_set(tset, inter)


def _parse_set(tset: TransactionSet, inter: Interchange) -> Remit835:
    reader = Remit835Reader(tset.segments[0], iter(tset.segments[1:]), inter)
    claims = tuple(reader.claims())
    return reader.head.with_claims(claims, tuple(reader.plb))
