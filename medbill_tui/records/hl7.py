"""Frozen records of the HL7 interface: what a message got, the log, the mapping."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime


@dataclass(frozen=True, slots=True)
class Hl7Outcome:
    """What one message got: `code` AA, AE or AR, the reason, and the ACK text sent back."""

    code: str
    reason: str | None
    ack: str
    message_id: int | None
    resent: bool = False
    """True when the control id was taken before: the stored answer, nothing changed."""


@dataclass(frozen=True, slots=True)
class Hl7LogRow:
    """A message received, for the interface screen and `medbill hl7 log`."""

    message_id: int
    received_at: datetime
    facility: str
    control_id: str | None
    message_type: str
    outcome: str
    reason: str | None
    attempts: int
    account_no: str | None
    encounter_id: int | None


@dataclass(frozen=True, slots=True)
class Hl7Mapping:
    facility: str
    kind: str
    code: str
    target: str
