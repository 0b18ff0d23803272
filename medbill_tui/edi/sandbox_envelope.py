"""The sandbox's envelopes: who answers whom (ISA/GS, GE/IEA) for its 999, 277CA and 835."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date

from medbill_tui.edi.segments import Delimiters, SegmentWriter
from medbill_tui.edi.x837_read import Batch837


@dataclass(frozen=True, slots=True)
class Envelope:
    """Who sends the responses to whom, and when: writes ISA/GS and GE/IEA."""

    sender_qualifier: str
    sender_id: str
    receiver_qualifier: str
    receiver_id: str
    gs_sender: str
    gs_receiver: str
    usage: str
    today: date
    minutes: int

    @classmethod
    def answering(cls, batch: Batch837, today: date, *, usage: str, minutes: int) -> Envelope:
        """The envelope of answers to the 837P `batch`: its receiver sends, its sender gets."""
        return cls(
            sender_qualifier=batch.receiver_qualifier,
            sender_id=batch.receiver_id,
            receiver_qualifier=batch.sender_qualifier,
            receiver_id=batch.sender_id,
            gs_sender=batch.group_receiver,
            gs_receiver=batch.group_sender,
            usage=usage,
            today=today,
            minutes=minutes,
        )

    @property
    def hhmm(self) -> str:
        """The time of day of the responses (derived from the input, not the clock)."""
        return f"{self.minutes // 60 % 24:02d}{self.minutes % 60:02d}"

    def open(self, gs01: str, control: int, version: str) -> SegmentWriter:
        """A writer holding the ISA (fixed width, 106 characters) and the GS."""
        w = SegmentWriter(Delimiters())
        fields = [
            "ISA",
            "00",
            " " * 10,
            "00",
            " " * 10,
            f"{_id(self.sender_qualifier, 'ZZ'):<2}",
            f"{_id(self.sender_id, 'SANDBOX'):<15}",
            f"{_id(self.receiver_qualifier, 'ZZ'):<2}",
            f"{_id(self.receiver_id, 'MEDBILL'):<15}",
            f"{self.today:%y%m%d}",
            self.hhmm,
            "^",
            "00501",
            f"{control:09d}",
            "0",
            self.usage,
            ":",
        ]
        isa = "*".join(fields)
        assert len(isa) == 105, isa
        w.parts.append(isa + w.terminator)
        w.count += 1
        w.add(
            "GS",
            gs01,
            self.gs_sender or "SANDBOX",
            self.gs_receiver or "MEDBILL",
            f"{self.today:%Y%m%d}",
            self.hhmm,
            control,
            "X",
            version,
        )
        return w

    def close(self, w: SegmentWriter, control: int, sets: int) -> str:
        """Add GE and IEA; the interchange text."""
        w.add("GE", sets, control)
        w.add("IEA", "1", f"{control:09d}")
        return w.text()


def _id(value: str, default: str) -> str:
    clean = "".join(ch for ch in value.strip().upper() if ch.isalnum() or ch in " .-")
    return clean[:15] or default
