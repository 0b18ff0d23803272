"""CMS-1500 (02/12) PDFs: text read back from the PDF sits in its box (within a tolerance) for
a primary, a secondary and a 9-line claim; a required box with no value prints nothing."""

from __future__ import annotations

from dataclasses import replace
from datetime import date
from decimal import Decimal
from pathlib import Path

import pdfplumber
import pytest
from sqlalchemy import Engine, text

from medbill_tui.edi.cms1500 import BoxMissing, Spot, form_pages
from medbill_tui.edi.cms1500_pdf import PAGE_HEIGHT, cms1500_pdf, spot_xy
from medbill_tui.edi.x837_records import Address, ClaimAdjudication, LineOut, OtherPayer, Person
from medbill_tui.edi.x837p import BillingProvider, ClaimOut, ReferringProvider
from medbill_tui.services.paper_claims import ClaimNotPrinted, PaperClaimService
from tests.services.era_practice import build_practice

D = Decimal
DOS = date(2026, 9, 1)
HOME = Address("12 ELM ST", "NASHVILLE", "TN", "37203")
PATIENT = Person("LEE", "ANN", date(1980, 4, 7), "F", HOME, "W123456789")
PROVIDER = BillingProvider("VALLEY CLINIC", "1234567893", "621234567", "207Q00000X",
                           Address("1 MAIN ST", "NASHVILLE", "TN", "37201"))  # fmt: skip
TOLERANCE = 1.5
"""Points: a tenth of a character; the form's boxes are a character or more wide."""


def claim(lines: int = 2, others: tuple[OtherPayer, ...] = ()) -> ClaimOut:
    codes = ("99213", "36415", "81002", "87880", "90471", "93000", "71046", "85025", "80053")
    return ClaimOut(
        pcn="C100042", total=D("100.00") * lines, pos="11", frequency="1",
        payer_name="ACME HEALTH", payer_id="P1", filing_indicator="CI", subscriber=PATIENT,
        diagnoses=("J06.9", "R05.9"),
        lines=tuple(LineOut(codes[i], ("25",) if i == 0 else (), D("100.00"), D(1), (1, 2), DOS)
                    for i in range(lines)),
        rendering_npi="1987654321", rendering_last="STONE", rendering_first="EVE",
        group_no="GRP77", other_payers=others,
    )  # fmt: skip


def words_of(pdf: bytes, tmp_path: Path) -> list[list[dict[str, object]]]:
    path = tmp_path / "forms.pdf"
    path.write_bytes(pdf)
    with pdfplumber.open(path) as doc:
        return [page.extract_words(keep_blank_chars=False) for page in doc.pages]


def assert_in_box(words: list[dict[str, object]], spot: Spot) -> None:
    """The spot's first word is printed where its box starts."""
    first = spot.text.split()[0]
    x, y = spot_xy(spot)
    near = [w for w in words if w["text"] == first]
    assert any(abs(float(w["x0"]) - x - spot.text.index(first) * 7.2) < TOLERANCE  # type: ignore[arg-type]
               and abs(PAGE_HEIGHT - float(w["bottom"]) - y) < 4 for w in near), (  # type: ignore[arg-type]
        f"box {spot.box} {spot.text!r} not at line {spot.line} col {spot.col}: {near}"
    )  # fmt: skip


def spots(page: list[Spot], box: str) -> list[Spot]:
    return [s for s in page if s.box == box]


def test_a_primary_claim_puts_each_value_in_its_box(tmp_path: Path) -> None:
    pages = form_pages(claim(), PROVIDER)
    (words,) = words_of(cms1500_pdf(pages), tmp_path)
    page = pages[0]
    for spot in page:
        assert_in_box(words, spot)
    by_box = {s.box: s for s in page}
    assert (by_box["1a"].line, by_box["1a"].col, by_box["1a"].text) == (8, 50, "W123456789")
    assert by_box["2"].text == "LEE, ANN" and by_box["26"].text == "C100042"
    assert [s.text for s in spots(page, "21")] == ["0", "J069", "R059"]
    assert [s.text for s in spots(page, "24D")] == ["99213", "25", "36415"]
    assert spots(page, "24E")[0].text == "AB" and by_box["28"].text == "  200 00"
    assert spots(page, "11d")[0].col == 57 and spots(page, "29")[0].text == "    0 00"


def test_a_secondary_claim_carries_the_primarys_payment(tmp_path: Path) -> None:
    paid = ClaimAdjudication(D("64.20"), (("CO", "45", D("80.00")),), date(2026, 10, 1), ())
    primary = OtherPayer("BIG PLAN", "BP1", "BP998877", PATIENT, "P", adjudication=paid)
    pages = form_pages(claim(others=(primary,)), PROVIDER)
    (words,) = words_of(cms1500_pdf(pages, alignment=False), tmp_path)
    page = pages[0]
    for spot in page:
        assert_in_box(words, spot)
    assert spots(page, "29")[0].text == "   64 20" and spots(page, "11d")[0].col == 52
    assert [s.text for s in spots(page, "9a") + spots(page, "9d")] == ["BP998877", "BIG PLAN"]


def test_nine_lines_continue_on_a_second_form_with_totals_on_the_last(tmp_path: Path) -> None:
    pages = form_pages(claim(lines=9), PROVIDER)
    assert [len(spots(p, "24D")) for p in pages] == [7, 3]  # 6 codes + 1 modifier, then 3
    assert not spots(pages[0], "28") and spots(pages[1], "28")[0].text == "  900 00"
    read = words_of(cms1500_pdf(pages, offset=(0.1, 0.0), alignment=True), tmp_path)
    assert len(read) == 3  # the alignment page, then two forms
    shifted = [replace(s, col=s.col + 1) for s in pages[1]]  # 0.1 inch = one column
    for spot in shifted:
        assert_in_box(read[2], spot)
    assert "PAGE" in {w["text"] for w in read[1]}


def test_a_missing_box_is_named_and_nothing_printed(engine: Engine) -> None:
    with pytest.raises(BoxMissing, match=r"box 1a \(insured's ID number\)"):
        form_pages(replace(claim(), subscriber=replace(PATIENT, member_id="")), PROVIDER)
    with engine.begin() as conn:
        (made,) = build_practice(conn, patients=1, claims_per_patient=1)
    service = PaperClaimService(engine, "ann")
    with pytest.raises(ClaimNotPrinted, match=r"no practice is set up, so boxes 25 and 33"):
        service.print_claims([made.claim_no])
    with engine.begin() as conn:
        conn.execute(text("INSERT INTO practice (name, npi, tin, taxonomy, address1, city, "
                          "state, zip) VALUES ('VALLEY CLINIC', '1234567893', '621234567', "
                          "'207Q00000X', '1 MAIN ST', 'NASHVILLE', 'TN', '37201')"))  # fmt: skip
    with pytest.raises(ClaimNotPrinted, match=r"C\d+ is not printed: no value for box 21"):
        service.print_claims([made.claim_no])
    with pytest.raises(ClaimNotPrinted, match="No claim C999999"):
        service.print_claims(["C999999", made.claim_no])
    with engine.begin() as conn:
        conn.execute(text("INSERT INTO encounter_diagnosis (encounter_id, seq, code) "
                          "SELECT encounter_id, 1, 'J06.9' FROM claim WHERE id = :c"),
                     {"c": made.claim_id})  # fmt: skip
    printed = service.print_claims([made.claim_no.lower()])
    assert printed.forms == 1 and printed.pdf.startswith(b"%PDF")
    with engine.connect() as conn:
        audit = conn.execute(text("SELECT count(*) FROM audit_event "
                                  "WHERE action = 'print-cms1500'")).scalar_one()  # fmt: skip
    assert audit == 1


def test_boxes_17_32_and_33s_phone_come_from_the_claim(tmp_path: Path) -> None:
    referred = replace(claim(), referring=ReferringProvider("DN", "MOSS", "RAY", "1588667788"))
    provider = replace(PROVIDER, phone="6155550123")
    pages = form_pages(referred, provider)
    (words,) = words_of(cms1500_pdf(pages), tmp_path)
    page = pages[0]
    for spot in page:
        assert_in_box(words, spot)
    placed = {(s.box, s.line, s.col): s.text for s in page if s.box in ("17", "17b", "32", "32a")}
    assert placed == {
        ("17", 32, 1): "DN", ("17", 32, 4): "RAY MOSS", ("17b", 32, 31): "1588667788",
        ("32", 58, 23): "VALLEY CLINIC", ("32", 59, 23): "1 MAIN ST",
        ("32", 60, 23): "NASHVILLE TN 37201", ("32a", 61, 24): "1234567893",
    }  # fmt: skip
    assert [(s.col, s.text) for s in spots(page, "33") if s.line == 57] == [
        (66, "615"), (70, "555 0123"),
    ]  # fmt: skip
    home_visit = form_pages(replace(claim(), pos="12"), PROVIDER)[0]
    assert not spots(home_visit, "32") and not spots(home_visit, "17")
    assert not [s for s in home_visit if s.box == "33" and s.line == 57]  # no phone on file
