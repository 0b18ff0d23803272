"""Read a TA1 interchange acknowledgment: whether a clearinghouse took our whole interchange.

A TA1 answers one interchange (TA101 = our ISA13) before any of its groups are read: TA104 A
(received, no errors), E (accepted with errors noted: do not send it again) or R (rejected:
none of it was read, every claim in it must be sent again); TA105 says why in a code of the
X12 interchange note list (words in `ack_error_codes.csv`, kind `interchange`).
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass

from medbill_tui.edi.codelists import ack_error_words
from medbill_tui.edi.detect import detect_transaction, require_kind
from medbill_tui.edi.segments import (
    Segment,
    X12SyntaxError,
    clean_text,
    delimiters_from_isa,
    iter_segments,
)

TA1_STATUS_WORDS = {
    "A": "accepted",
    "E": "accepted with errors noted",
    "R": "rejected",
}


@dataclass(frozen=True, slots=True)
class Ta1:
    """One TA1: the interchange it answers and what the receiver said about its envelope."""

    interchange_control: str
    interchange_date: str
    interchange_time: str
    status: str
    note_code: str
    sender_id: str
    receiver_id: str

    @property
    def rejected(self) -> bool:
        """TA104 R: the interchange was not read at all."""
        return self.status == "R"

    @property
    def words(self) -> str:
        """The answer in words, e.g. "interchange 000000042 rejected: the sender ID is not
        valid (TA105 006)"."""
        status = TA1_STATUS_WORDS.get(self.status, f"unknown TA1 status {self.status!r}")
        words = f"interchange {self.interchange_control} {status}"
        if self.note_code and self.note_code != "000":
            words += f": {ack_error_words('interchange', self.note_code)} (TA105 {self.note_code})"
        return words

    @property
    def reason(self) -> str:
        """The answer as a rejection's reason, the note first (a list column shows the start):
        "TA1 006: the sender ID is not valid (interchange 000000042 rejected)"."""
        status = TA1_STATUS_WORDS.get(self.status, f"unknown TA1 status {self.status!r}")
        if not self.note_code or self.note_code == "000":
            return f"TA1: interchange {self.interchange_control} {status}"
        words = ack_error_words("interchange", self.note_code)
        return f"TA1 {self.note_code}: {words} (interchange {self.interchange_control} {status})"


def read_ta1(segment: Segment, isa: Segment) -> Ta1:
    """One TA1 segment of the interchange whose ISA is `isa`; raise on a malformed one."""
    control, status, note = segment.get(1), segment.get(4), segment.get(5)
    if not control.isdigit():
        raise X12SyntaxError(
            f"TA101 {control!r} is not an interchange control number", segment.number
        )
    if status not in TA1_STATUS_WORDS:
        raise X12SyntaxError(f"TA104 {status!r} is not A, E or R", segment.number)
    if not note.isdigit():
        raise X12SyntaxError(f"TA105 {note!r} is not an interchange note code", segment.number)
    return Ta1(
        interchange_control=control,
        interchange_date=segment.get(2),
        interchange_time=segment.get(3),
        status=status,
        note_code=note,
        sender_id=isa.get(6).strip(),
        receiver_id=isa.get(8).strip(),
    )


def read_ta1s(segments: Iterable[Segment], isa: Segment) -> tuple[Ta1, ...]:
    """Every TA1 of an interchange already checked by the envelope walk."""
    return tuple(read_ta1(seg, isa) for seg in segments)


def parse_ta1(text: str | bytes) -> tuple[Ta1, ...]:
    """Parse a file holding only TA1 acknowledgments (ISA, TA1 …, IEA)."""
    text = clean_text(text)
    require_kind(detect_transaction(text), "TA1")
    segments = list(iter_segments(text, delimiters_from_isa(text)))
    last = segments[-1]
    if last.id != "IEA":
        raise X12SyntaxError(f"the file is truncated: it ends with {last.id}, not IEA", last.number)
    return read_ta1s((s for s in segments if s.id == "TA1"), segments[0])
