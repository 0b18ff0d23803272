"""Fee schedule price lists."""

from __future__ import annotations

from decimal import Decimal

from medbill_tui.domain.fees import FeeChange, fee_changes, parse_fee_csv


def test_parse_prices_with_and_without_modifier() -> None:
    parsed = parse_fee_csv("code,modifier,price\n99213,,95.00\n20610,rt,$120.5\nJ1885,,12\n")
    assert parsed.errors == ()
    assert parsed.prices == {
        ("99213", ""): Decimal("95.00"),
        ("20610", "RT"): Decimal("120.50"),
        ("J1885", ""): Decimal("12.00"),
    }


def test_every_bad_row_is_reported_with_its_line() -> None:
    parsed = parse_fee_csv(
        "code,modifier,price\n9921,,10\n99213,RTX,10\n99214,,ten\n99215,,0\n"
        "99213,,5\n99213,,6\nshort\n"
    )
    assert [(e.line_no, e.reason.split()[0]) for e in parsed.errors] == [
        (2, "'9921'"),
        (3, "modifier"),
        (4, "price"),
        (5, "price"),
        (7, "99213"),
        (8, "expected"),
    ]
    assert "twice" in parsed.errors[4].reason


def test_header_is_required_and_empty_file_is_an_error() -> None:
    assert "header" in parse_fee_csv("99213,,95\n").errors[0].reason
    assert parse_fee_csv("code,modifier,price\n").errors[0].reason == "the file has no prices"


def test_changes_leave_out_unchanged_prices() -> None:
    current = {("99213", ""): Decimal("90.00"), ("99214", ""): Decimal("130.00")}
    incoming = {
        ("99213", ""): Decimal("95.00"),
        ("99214", ""): Decimal("130.00"),
        ("99215", ""): Decimal("180.00"),
    }
    assert fee_changes(current, incoming) == [
        FeeChange("99213", "", Decimal("90.00"), Decimal("95.00")),
        FeeChange("99215", "", None, Decimal("180.00")),
    ]
