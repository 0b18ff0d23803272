"""The one clock the app reads "today" from, so tests and demos can pin it."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import UTC, date, datetime


@dataclass(frozen=True, slots=True)
class Clock:
    """Gives today's date; `pinned` fixes it (tests, `MEDBILL_TODAY`)."""

    pinned: date | None = None

    def today(self) -> date:
        return self.pinned or date.today()

    def now(self) -> datetime:
        if self.pinned is None:
            return datetime.now(UTC)
        return datetime.combine(self.pinned, datetime.now(UTC).timetz())
