"""Scrub many encounters at once (the unbilled queue's counts and claim creation share it)."""

from __future__ import annotations

from collections.abc import Sequence
from datetime import date

from sqlalchemy import Connection

from medbill_tui.db.repositories.scrub_input import DbCodeBook, load_scrub_inputs
from medbill_tui.domain.scrub_model import Finding, Severity
from medbill_tui.domain.scrubber import scrub

SCRUB_CHUNK = 1000
SELF_PAY_REASON = "Self-pay visit: there is no insurance to bill; the patient is billed instead"


def scrub_encounters(
    conn: Connection, encounter_ids: Sequence[int], today: date
) -> dict[int, tuple[Finding, ...]]:
    """Scrub findings per encounter, loading inputs in chunks."""
    out: dict[int, tuple[Finding, ...]] = {}
    for start in range(0, len(encounter_ids), SCRUB_CHUNK):
        chunk = encounter_ids[start : start + SCRUB_CHUNK]
        inputs = load_scrub_inputs(conn, chunk, today)
        book = DbCodeBook(
            conn,
            (code for enc in inputs.values() for code in enc.diagnoses),
            (line.code for enc in inputs.values() for line in enc.lines),
        )
        for eid, enc in inputs.items():
            findings = scrub(enc, book)
            if enc.coverage is None:
                findings = (
                    Finding("SELF-PAY", Severity.ERROR, "coverage", SELF_PAY_REASON),
                    *findings,
                )
            out[eid] = findings
    return out
