"""Reading the official CARC/RARC lists as CSV: header optional, quoted commas, bad rows listed."""

from __future__ import annotations

from medbill_tui.domain.codefiles import parse_adjustment_codes


def test_carc_csv_with_header_quotes_and_extra_columns() -> None:
    parsed = parse_adjustment_codes(
        "\ufeffCode,Description,Start\n"
        '16,"Claim lacks information, or has errors.",1995\n'
        '"a1","Claim/Service denied. ""See remarks.""",1995\n\n'
        "P12,Workers' compensation fee schedule adjustment.,2008\n",
        "carc",
    )
    assert parsed.errors == ()
    assert [(r.code, r.description) for r in parsed.rows] == [
        ("16", "Claim lacks information, or has errors."),
        ("A1", 'Claim/Service denied. "See remarks."'),
        ("P12", "Workers' compensation fee schedule adjustment."),
    ]


def test_rarc_csv_without_header() -> None:
    parsed = parse_adjustment_codes(
        "M15,Bundled.\nMA04,Secondary payment.\nN130,Consult.\n", "rarc"
    )
    assert parsed.errors == ()
    assert [r.code for r in parsed.rows] == ["M15", "MA04", "N130"]


def test_every_bad_row_is_listed_with_its_line() -> None:
    text = (
        "code,description\n"
        "MA04,Secondary.\n"  # a RARC in a CARC file
        "1234,Too long\n"
        "16,Unquoted, comma\n"
        '45,"multi\nline words"\n'
        "18\n"
        "45,Twice\n"
    )
    parsed = parse_adjustment_codes(text, "carc")
    assert [str(e) for e in parsed.errors] == [
        "line 2: 'MA04' is not a CARC",
        "line 3: '1234' is not a CARC",
        "line 4: expected 2 columns, found 3 (quote a description that has a comma)",
        "line 7: expected 2 columns, found 1 (code,description)",
        "line 8: 45 appears twice",
    ]
    assert [r.code for r in parsed.rows] == ["45"]


def test_an_empty_file_is_an_error() -> None:
    assert [str(e) for e in parse_adjustment_codes("code,description\n", "rarc").errors] == [
        "line 0: the file has no codes"
    ]
    assert (
        str(parse_adjustment_codes("X1,words\n", "rarc").errors[0]) == "line 1: 'X1' is not a RARC"
    )
