"""Why a billed visit is open in charge entry: the open rejections and denials of its claims,
in words (the payer's reason and the segment, element and code it names)."""

from __future__ import annotations

from typing import Any

from sqlalchemy import Connection, Row, text

from medbill_tui.db.repositories.queue_rejections import reason_words
from medbill_tui.edi.codelists import (
    ack_error_words,
    carc_words,
    claim_status_category_words,
    claim_status_words,
    entity_words,
    rarc_words,
)
from medbill_tui.records.detail import VisitProblem

SOURCES = {
    "999": "rejected (999)",
    "277CA": "rejected by the payer (277CA)",
    "TA1": "rejected (TA1)",
}
"""Who turned the claim back, by the rejection's source."""


def _ack_kind(source: str | None, segment: str, element: int | None) -> str:
    """Which list of `ack_error_codes.csv` the item's error code comes from."""
    if source == "TA1":
        return "interchange"
    if segment == "AK9":
        return "group"
    return "element" if element else "segment"


def error_place(r: Row[Any]) -> str:
    """'segment DTP, element DTP03: code 8 (invalid date)' from a 999 or TA1 rejection."""
    segment = (r.error_segment or "").strip()
    if not segment:
        return ""
    words = f"segment {segment}"
    if r.error_element:
        words += f", element {segment}{int(r.error_element):02d}"
    if r.error_code:
        kind = _ack_kind(r.source, segment, r.error_element)
        words += f": code {r.error_code} ({ack_error_words(kind, r.error_code)})"
    return words


def status_codes(r: Row[Any]) -> str:
    """'STC A7:21 · acknowledgement/rejected … · missing or invalid information' (277CA)."""
    parts = [p for p in (r.stc_category, r.stc_status, r.stc_entity) if p]
    if not parts:
        return ""
    words = [claim_status_category_words(r.stc_category)] if r.stc_category else []
    if r.stc_status:
        words.append(claim_status_words(r.stc_status))
    if r.stc_entity:
        words.append(entity_words(r.stc_entity))
    return f"STC {':'.join(parts)}: " + "; ".join(words)


def _problem(r: Row[Any]) -> VisitProblem:
    if r.kind == "denial":
        code = "-".join(c for c in (r.group_code, r.carc) if c)
        headline = f"denied {r.amount:,.2f}, {code}: {carc_words(r.carc or '', r.carc_text)}"
        codes = f"RARC {r.rarc}: {rarc_words(r.rarc, r.rarc_text)}" if r.rarc else ""
    else:
        by = SOURCES.get(r.source or "", "rejected")
        headline = f"{by}: {reason_words(None, r.reason)}"
        codes = error_place(r) or status_codes(r)
    return VisitProblem(
        work_item_id=r.id, kind=r.kind, claim_no=r.claim_no, headline=headline, codes=codes
    )


def visit_problems(conn: Connection, encounter_id: int) -> tuple[VisitProblem, ...]:
    """The open rejection and denial items of the visit's claims, newest first."""
    rows = conn.execute(
        text("""SELECT w.id, w.kind, c.claim_no, w.source, w.reason, w.amount,
                       w.error_segment, w.error_element, w.error_code,
                       w.stc_category, w.stc_status, w.stc_entity,
                       w.group_code, w.carc, w.rarc,
                       ca.description AS carc_text, ra.description AS rarc_text
                FROM claim c
                JOIN work_item w ON w.claim_id = c.id
                LEFT JOIN carc ca ON ca.code = w.carc
                LEFT JOIN rarc ra ON ra.code = w.rarc
                WHERE c.encounter_id = :e AND w.status = 'open'
                  AND w.kind IN ('rejection', 'denial')
                ORDER BY w.opened_on DESC, w.id DESC"""),
        {"e": encounter_id},
    ).all()
    return tuple(_problem(r) for r in rows)
