"""NCCI PTP edits and MUEs in PostgreSQL: loading a quarter and the shipped sample (the
scrubber reads them in `repositories/scrub_input.py`)."""

from __future__ import annotations

from collections.abc import Iterable

from sqlalchemy import Connection, Engine, text

from medbill_tui.db.code_tables import CodeLoadError, copy_rows, record_release
from medbill_tui.db.repositories.audit import record_event
from medbill_tui.db.shipped_data import MUE_SAMPLE, PTP_SAMPLE, mue_limits, ncci_pairs
from medbill_tui.domain.ncci import NcciPair, UnitLimit
from medbill_tui.domain.ncci_files import ParsedMue, ParsedPtp

SAMPLE_RELEASE = "sample shipped with medbill_tui (not CMS data)"


def replace_ptp(
    conn: Connection, pairs: Iterable[NcciPair], release: str, source: str, actor: str
) -> int:
    """Replace every PTP edit inside the caller's transaction."""
    rows = [
        (p.column1, p.column2, p.effective, p.deleted, p.modifier_indicator, p.note) for p in pairs
    ]
    conn.execute(text("DELETE FROM ncci_ptp"))
    copy_rows(
        conn,
        "ncci_ptp",
        ("column1", "column2", "effective_on", "deleted_on", "modifier_indicator", "rationale"),
        rows,
    )
    record_release(conn, "ncci-ptp", release, source, len(rows), actor)
    return len(rows)


def replace_mue(
    conn: Connection, limits: Iterable[UnitLimit], release: str, source: str, actor: str
) -> int:
    """Replace every MUE inside the caller's transaction."""
    rows = [(u.code, u.max_units, u.indicator, u.rationale) for u in limits]
    conn.execute(text("DELETE FROM mue"))
    copy_rows(conn, "mue", ("code", "max_units", "adjudication_indicator", "rationale"), rows)
    record_release(conn, "mue", release, source, len(rows), actor)
    return len(rows)


def load_ncci_file(engine: Engine, parsed: ParsedPtp | ParsedMue, source: str, actor: str) -> int:
    """Load a parsed quarter in one transaction; any bad line means nothing changes."""
    if parsed.errors:
        raise CodeLoadError(parsed.errors)
    release = source[:60]
    with engine.begin() as conn:
        if isinstance(parsed, ParsedPtp):
            code_set, count = "ncci-ptp", replace_ptp(conn, parsed.pairs, release, source, actor)
        else:
            code_set, count = "mue", replace_mue(conn, parsed.limits, release, source, actor)
        record_event(conn, actor, "import", "code_set", f"{code_set} {source}: {count} rows")
        return count


def ensure_sample_edits(conn: Connection, actor: str) -> dict[str, int]:
    """Fill empty NCCI tables with the shipped sample (a practice loads the real quarter)."""
    loaded: dict[str, int] = {}
    empty = conn.execute(
        text("SELECT NOT EXISTS (SELECT 1 FROM ncci_ptp), NOT EXISTS (SELECT 1 FROM mue)")
    ).one()
    if empty[0]:
        loaded["ncci-ptp"] = replace_ptp(
            conn, ncci_pairs(), SAMPLE_RELEASE, f"medbill_tui/data/{PTP_SAMPLE}", actor
        )
    if empty[1]:
        loaded["mue"] = replace_mue(
            conn, mue_limits(), SAMPLE_RELEASE, f"medbill_tui/data/{MUE_SAMPLE}", actor
        )
    return loaded
