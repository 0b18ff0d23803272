"""Reading CMS's NCCI PTP and MUE layouts, and the samples shipped in them."""

from __future__ import annotations

from datetime import date

from medbill_tui.db.shipped_data import mue_limits, ncci_pairs
from medbill_tui.domain.ncci_files import parse_mue_file, parse_ptp_file


def test_shipped_samples_read_in_the_published_layouts() -> None:
    pairs = ncci_pairs()
    assert len(pairs) >= 15 and all(p.note for p in pairs)
    ended = next(p for p in pairs if p.deleted is not None)
    assert ended.applies_on(ended.deleted) and not ended.applies_on(date(2026, 12, 7))
    assert any(p.modifier_indicator == "9" for p in pairs)
    limits = {u.code: u for u in mue_limits()}
    assert limits["20610"].max_units == 2 and not limits["20610"].per_day
    assert limits["93000"].indicator == 2 and limits["36415"].indicator == 3


def test_ptp_reads_tab_rows_after_notice_lines() -> None:
    parsed = parse_ptp_file(
        "notice, with commas\nColumn 1\tColumn 2\t*\tEffective\tDeletion\tModifier\tWhy\n"
        "\n20610\t99214\t\t20260101\t*\t1\tStandard of care\n"
        "0001U\tG0439\t*\t01/01/2024\t12/31/2025\t0\t\n"
    )
    assert parsed.errors == ()
    first, second = parsed.pairs
    assert (first.column1, first.column2, first.deleted) == ("20610", "99214", None)
    assert (second.effective, second.deleted) == (date(2024, 1, 1), date(2025, 12, 31))


def test_bad_lines_are_listed_with_their_numbers() -> None:
    parsed = parse_ptp_file(
        "20610\t99214\t\t20260101\t20250101\t1\tdeleted before it began\n20610\t99214\n"
    )
    assert [str(e) for e in parsed.errors] == [
        "line 1: deletion date 20250101 is before the effective date 20260101",
        "line 2: expected at least 6 columns, found 2",
    ]
    assert [str(e) for e in parse_ptp_file("just a notice\n").errors] == [
        "line 0: the file has no PTP edits"
    ]
    mue = parse_mue_file("99213,1,2 Date of Service Edit: Policy\n99213,1,2 x\n36415,2,7 x\n")
    assert [str(e) for e in mue.errors] == [
        "line 2: repeats line 1 (99213)",
        "line 3: adjudication indicator '7 x' does not start with 1, 2 or 3",
    ]
