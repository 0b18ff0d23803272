"""Prior authorizations of the demo, kept consistent with the visits that use them.

A payer may want some codes pre-approved (`payer.auth_required_codes`). A visit with such a
code uses an approved authorization of the patient's coverage that covers the date, the codes
and still has visits left, or gets one; a few wait on a pending request and stay unbilled.
`visits_used` counts the billed visits, as the app's claim creation does. The rows are written
once every visit is known.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, timedelta

from medbill_tui.db.demo.reference import Row
from medbill_tui.db.demo.state import DAY_DELTAS, Rand, between, pick

APPROVED_DAYS = (90, 180, 365)
VISITS_ALLOWED = (3, 6, 12)


@dataclass(slots=True)
class Auth:
    """One authorization on a coverage."""

    id: int
    coverage_id: int
    number: str | None
    status: str  # approved | pending
    codes: tuple[str, ...]
    allowed: int | None
    used: int
    start: date | None
    end: date | None
    follow_up: date | None

    def usable(self, day: date, codes: list[str]) -> bool:
        """Approved, in force on `day`, with a visit left and covering every code."""
        return (
            self.status == "approved"
            and self.start is not None
            and self.end is not None
            and self.start <= day <= self.end
            and (self.allowed is None or self.used < self.allowed)
            and all(code in self.codes for code in codes)
        )

    def row(self) -> Row:
        return (
            self.id,
            self.coverage_id,
            self.number,
            self.status,
            ",".join(self.codes),
            self.allowed,
            self.used,
            self.start,
            self.end,
            self.follow_up,
        )


class AuthBook:
    """Creates authorizations (ids in creation order) and writes them at the end."""

    def __init__(self, rand: Rand, today: date) -> None:
        self.rand = rand
        self.today = today
        self.all: list[Auth] = []

    def _number(self) -> str:
        return f"PA{between(self.rand, 10**7, 10**8 - 1)}"

    def approved(self, coverage_id: int, codes: tuple[str, ...], start: date) -> Auth:
        """An approved authorization starting on `start`."""
        rand = self.rand
        allowed = pick(rand, VISITS_ALLOWED)
        auth = Auth(
            len(self.all) + 1,
            coverage_id,
            self._number(),
            "approved",
            codes,
            allowed,
            between(rand, 0, 1),
            start,
            start + timedelta(days=pick(rand, APPROVED_DAYS)),
            None,
        )
        self.all.append(auth)
        return auth

    def pending(self, coverage_id: int, codes: tuple[str, ...], asked: date) -> Auth:
        """A request the payer has not answered yet; someone should chase it."""
        follow = min(self.today, asked + DAY_DELTAS[between(self.rand, 3, 14)])
        auth = Auth(
            len(self.all) + 1, coverage_id, None, "pending", codes, None, 0, None, None, follow
        )
        self.all.append(auth)
        return auth

    def for_visit(self, auths: list[Auth], coverage_id: int, day: date, needed: list[str]) -> Auth:
        """The authorization a visit needing `needed` uses, made when there is none."""
        codes = tuple(needed)
        for auth in auths:
            if auth.usable(day, needed) or (auth.status == "pending" and auth.codes == codes):
                return auth
        if self.rand() < 0.88:
            auth = self.approved(coverage_id, codes, day - DAY_DELTAS[between(self.rand, 1, 20)])
        else:
            auth = self.pending(coverage_id, codes, day)
        auths.append(auth)
        return auth

    def rows(self) -> list[Row]:
        return [auth.row() for auth in self.all]
