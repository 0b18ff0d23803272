"""ISA/GS and GE/IEA of the inquiries medbill sends (270 eligibility, 276 claim status)."""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Iterable
from dataclasses import dataclass
from datetime import datetime
from typing import Protocol, TypeVar

from medbill_tui.edi.segments import Delimiters, SegmentWriter


class PayerAsk(Protocol):
    """An ask addressed to one payer (a 270 coverage, a 276 claim)."""

    @property
    def payer_code(self) -> str: ...

    @property
    def payer_name(self) -> str: ...


AskT = TypeVar("AskT", bound=PayerAsk)


def by_payer(asks: Iterable[AskT]) -> list[tuple[tuple[str, str], list[AskT]]]:
    """The asks grouped under their payer (code, name), payers in order."""
    groups: dict[tuple[str, str], list[AskT]] = defaultdict(list)
    for ask in asks:
        groups[(ask.payer_code, ask.payer_name)].append(ask)
    return sorted(groups.items())


def id_in_trace(trace: str, prefix: str) -> int | None:
    """The id in a trace we wrote (`prefix` + digits), None for anyone else's."""
    if trace.startswith(prefix) and trace[len(prefix) :].isdigit():
        return int(trace[len(prefix) :])
    return None


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

    def open_transaction(
        self, gs01: str, st01: str, version: str, bht01: str
    ) -> tuple[SegmentWriter, int]:
        """ISA, GS, ST and BHT (purpose 13, a request); the writer and the ST's position."""
        w = self.open(gs01, version)
        st_start = w.count + 1
        w.add("ST", st01, f"{self.st02:04d}", version)
        created = self.created
        w.add("BHT", bht01, "13", f"{self.isa13}", f"{created:%Y%m%d}", f"{created:%H%M}")
        return w, st_start

    def close(self, w: SegmentWriter, st_start: int) -> str:
        """Add SE (counting from the ST at segment `st_start`), GE and IEA; the text."""
        w.add("SE", str(w.count - st_start + 2), f"{self.st02:04d}")
        w.add("GE", "1", str(self.gs06))
        w.add("IEA", "1", f"{self.isa13:09d}")
        return w.text()
