"""ISA/GS and GE/IEA of the inquiries medbill sends (270 eligibility, 276 claim status)."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime

from medbill_tui.edi.segments import Delimiters, SegmentWriter


@dataclass(frozen=True, slots=True)
class InquiryEnvelope:
    """Who asks whom, and the control numbers (from the database's sequences)."""

    sender_id: str
    receiver_id: str
    isa13: int
    gs06: int
    st02: int
    created: datetime
    usage: str = "P"

    def open(self, gs01: str, version: str) -> SegmentWriter:
        """A writer holding the ISA (fixed width) and the GS."""
        w = SegmentWriter(Delimiters())
        d = w.delimiters
        isa = d.element.join(
            [
                "ISA",
                "00",
                " " * 10,
                "00",
                " " * 10,
                "ZZ",
                self.sender_id[:15].ljust(15),
                "ZZ",
                self.receiver_id[:15].ljust(15),
                self.created.strftime("%y%m%d"),
                self.created.strftime("%H%M"),
                d.repetition,
                "00501",
                f"{self.isa13:09d}",
                "0",
                self.usage,
                d.component,
            ]
        )
        w.parts.append(isa + w.terminator)
        w.count += 1
        w.add(
            "GS",
            gs01,
            self.sender_id,
            self.receiver_id,
            self.created.strftime("%Y%m%d"),
            self.created.strftime("%H%M"),
            str(self.gs06),
            "X",
            version,
        )
        return w

    def close(self, w: SegmentWriter, st_start: int) -> str:
        """Add SE (counting from the ST at segment `st_start`), GE and IEA; the text."""
        w.add("SE", str(w.count - st_start + 2), f"{self.st02:04d}")
        w.add("GE", "1", str(self.gs06))
        w.add("IEA", "1", f"{self.isa13:09d}")
        return w.text()
