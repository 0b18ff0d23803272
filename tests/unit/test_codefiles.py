"""Parsers of CMS code-set release files."""

from __future__ import annotations

from medbill_tui.domain.codefiles import dotted_icd10, parse_hcpcs_file, parse_icd10cm_order_file


def order_line(order: int, code: str, billable: str, short: str, long: str) -> str:
    return f"{order:05d} {code:<7} {billable} {short:<60} {long}"


def test_dotted_icd10() -> None:
    assert dotted_icd10("e119") == "E11.9"
    assert dotted_icd10("E11.9") == "E11.9"
    assert dotted_icd10("I10") == "I10"
    assert dotted_icd10(" s72001a ") == "S72.001A"


def test_order_file_reads_codes_and_headers() -> None:
    parsed = parse_icd10cm_order_file(
        [
            order_line(1, "E11", "0", "Type 2 diabetes", "Type 2 diabetes mellitus"),
            order_line(
                2,
                "E119",
                "1",
                "Type 2 diab w/o comp",
                "Type 2 diabetes mellitus without complications",
            ),
            "",
        ]
    )
    assert parsed.errors == ()
    assert [(r.code, r.billable) for r in parsed.rows] == [("E11", False), ("E11.9", True)]
    assert parsed.rows[1].description == "Type 2 diabetes mellitus without complications"


def test_order_file_reports_each_bad_row_with_its_line() -> None:
    parsed = parse_icd10cm_order_file(
        [
            order_line(1, "E119", "1", "ok", "fine"),
            "garbage",
            order_line(3, "1999", "1", "x", "digits first are not ICD-10-CM"),
            order_line(4, "E119", "1", "dup", "duplicate"),
            order_line(5, "E118", "X", "flag", "bad flag"),
            order_line(6, "E117", "1", "none", ""),
        ]
    )
    reasons = {e.line_no: e.reason for e in parsed.errors}
    assert set(reasons) == {2, 3, 4, 5, 6}
    assert "too short" in reasons[2] and "not an ICD-10-CM code" in reasons[3]
    assert "twice" in reasons[4] and "0 or 1" in reasons[5] and "no description" in reasons[6]
    assert str(parsed.errors[0]).startswith("line 2:")


def test_empty_order_file_is_an_error() -> None:
    assert parse_icd10cm_order_file([]).errors[0].reason == "the file has no codes"


def hcpcs_record(code: str, record_id: str, long: str, short: str) -> str:
    return f"{code:<5}{'00100':<5}{record_id}{long:<80}{short:<28}"


def test_hcpcs_fixed_width_and_csv() -> None:
    text = "\n".join(
        [
            hcpcs_record("A4550", "3", "Surgical trays long text", "Surgical trays"),
            hcpcs_record("A4550", "4", "continued text", ""),
            hcpcs_record("AA", "7", "Modifier", "Mod"),
            hcpcs_record("G0439", "3", "Annual wellness visit subsequent", "Ppps, subseq visit"),
        ]
    )
    parsed = parse_hcpcs_file(text)
    assert parsed.errors == ()
    assert [(r.code, r.description) for r in parsed.rows] == [
        ("A4550", "Surgical trays"),
        ("G0439", "Ppps, subseq visit"),
    ]
    csv_parsed = parse_hcpcs_file("code,label\nJ1885,Ketorolac inj\n99213,not hcpcs\nJ1885,dup\n")
    assert [r.code for r in csv_parsed.rows] == ["J1885"]
    assert [e.line_no for e in csv_parsed.errors] == [3, 4]
