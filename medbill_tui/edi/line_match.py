"""Which of our claim lines each SVC of an 835 pays (pure)."""

from __future__ import annotations

from collections.abc import Callable, Sequence
from dataclasses import dataclass
from decimal import Decimal

from medbill_tui.edi.x835_records import ServicePay


@dataclass(frozen=True, slots=True)
class ServiceKey:
    """What an 835 SVC says about the line it pays."""

    code: str
    """SVC01: the procedure the payer adjudicated (down-coded, it is not the one we sent)."""
    submitted_code: str
    """SVC06: the procedure we sent, when the payer changed it; empty otherwise."""
    charge: Decimal
    known: int | None = None
    """The line's index when it is already known (matched when the 835 was posted)."""


def match_services(
    lines: Sequence[tuple[str, Decimal]], services: Sequence[ServiceKey]
) -> list[int | None]:
    """For each service, the index of the line (code, charge) it pays, each line at most once:
    a known match first, then by the submitted code (SVC06), then by the adjudicated code
    (SVC01), then by the charge, each pass in order; None for a service no line is left for."""
    out: list[int | None] = [None] * len(services)
    free = [True] * len(lines)

    def take(s: int, i: int | None) -> None:
        if i is not None and 0 <= i < len(lines) and free[i] and out[s] is None:
            out[s], free[i] = i, False

    for s, service in enumerate(services):
        take(s, service.known)
    passes: tuple[Callable[[ServiceKey, tuple[str, Decimal]], bool], ...] = (
        lambda sv, ln: bool(sv.submitted_code) and sv.submitted_code == ln[0],
        lambda sv, ln: sv.code == ln[0],
        lambda sv, ln: sv.charge == ln[1],
    )
    for same in passes:
        for s, service in enumerate(services):
            if out[s] is None:
                found = (i for i, ln in enumerate(lines) if free[i] and same(service, ln))
                take(s, next(found, None))
    return out


def service_keys(services: Sequence[ServicePay]) -> list[ServiceKey]:
    """The keys of an 835 claim payment's SVC lines."""
    return [ServiceKey(s.code, s.submitted_code, s.charge) for s in services]
