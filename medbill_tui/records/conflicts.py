"""Records of edit conflicts and drafts: what someone else changed, a form kept unsaved.

Plain frozen dataclasses like `records.py` (no SQLAlchemy, no Textual), so screens import them.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime


@dataclass(frozen=True, slots=True)
class FieldChange:
    """One field someone else changed: `loaded` is what you opened (None when unknown),
    `theirs` what they saved, `yours` what you typed."""

    field: str
    """The form's field path ("phone", "diagnoses.2", "lines.1.charge")."""
    label: str
    """The field in words ("phone", "diagnosis 2", "line 1 charge")."""
    loaded: str | None
    theirs: str
    yours: str


@dataclass(frozen=True, slots=True)
class ConflictInfo:
    """Someone else saved a record after you opened it: who, when and what they changed."""

    entity: str
    entity_id: int
    what: str
    """The record in words ("encounter 12", "patient A000123", "claim C000045")."""
    saved_by: str | None
    saved_at: datetime | None
    changes: tuple[FieldChange, ...]
    version: int
    """Their version: re-applying your entries on top of theirs saves against it."""
    theirs: object | None = None
    """The record as they saved it (the same form type the screen sent), when known."""

    def summary(self) -> str:
        """One line: who saved when and which fields."""
        who = self.saved_by or "someone else"
        when = f" at {self.saved_at:%m/%d %H:%M}" if self.saved_at is not None else ""
        fields = ", ".join(c.label for c in self.changes[:4])
        more = f" and {len(self.changes) - 4} more" if len(self.changes) > 4 else ""
        changed = f" ({fields}{more})" if fields else ""
        return f"{who} saved {self.what}{when}{changed}"


@dataclass(frozen=True, slots=True)
class Draft:
    """A form as its owner left it, not saved: the values by field name."""

    owner: str
    entity: str
    entity_id: int | None
    """The record being edited; None for a new one."""
    payload: dict[str, object]
    saved_at: datetime


@dataclass(frozen=True, slots=True)
class Seen:
    """A record's version (and status) as the biller saw it when they chose to act on it."""

    version: int
    status: str = ""
