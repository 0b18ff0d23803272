"""A visit's referring provider on the claim built from it: the 837P record (2310A) and the
CMS-1500 box 17/17b, text and PDF; the database refuses a name without an NPI."""

from __future__ import annotations

import io

import pdfplumber
import pytest
from sqlalchemy import Engine, text
from sqlalchemy.exc import IntegrityError

from medbill_tui.db.repositories.submissions import billing_provider, ready_claims
from medbill_tui.edi.cms1500 import form_pages
from medbill_tui.edi.x837p import ReferringProvider
from medbill_tui.services.paper_claims import PaperClaimService
from tests.services.era_practice import build_practice

NPI = "1588667786"


def test_the_claim_of_a_referred_visit_carries_its_referring_provider(engine: Engine) -> None:
    with engine.begin() as conn:
        referred, plain = build_practice(conn, patients=1, claims_per_patient=2)
        conn.execute(text("INSERT INTO practice (name, npi, tin, taxonomy, address1, city, "
                          "state, zip) VALUES ('VALLEY CLINIC', '1234567893', '621234567', "
                          "'207Q00000X', '1 MAIN ST', 'NASHVILLE', 'TN', '37201')"))  # fmt: skip
        conn.execute(text("INSERT INTO encounter_diagnosis (encounter_id, seq, code) "
                          "SELECT encounter_id, 1, 'J06.9' FROM claim WHERE id IN (:c, :d)"),
                     {"c": referred.claim_id, "d": plain.claim_id})  # fmt: skip
        conn.execute(
            text(
                "UPDATE encounter SET referring_npi = :npi, referring_last_name = 'Moss', "
                "referring_first_name = 'Ray' "
                "WHERE id = (SELECT encounter_id FROM claim WHERE id = :c)"
            ),
            {"npi": NPI, "c": referred.claim_id},
        )
        claims = {c.claim_id: c.out for c in ready_claims(conn, [referred.claim_id,
                                                                 plain.claim_id], 0)}  # fmt: skip
    assert claims[referred.claim_id].referring == ReferringProvider("DN", "Moss", "Ray", NPI)
    assert claims[plain.claim_id].referring is None
    with engine.connect() as conn:
        provider = billing_provider(conn)
    (page,) = form_pages(claims[referred.claim_id], provider)
    box17 = sorted((s.box, s.text) for s in page if s.box in ("17", "17b"))
    assert box17 == [("17", "DN"), ("17", "RAY MOSS"), ("17b", NPI)]
    assert not [s for s in form_pages(claims[plain.claim_id], provider)[0] if s.box == "17"]
    printed = PaperClaimService(engine, "ann").print_claims([referred.claim_no])
    with pdfplumber.open(io.BytesIO(printed.pdf)) as pdf:
        words = pdf.pages[0].extract_text()
    assert "DN RAY MOSS" in words and NPI in words


def test_the_database_refuses_a_referring_name_without_an_npi(engine: Engine) -> None:
    with engine.begin() as conn:
        (made,) = build_practice(conn, patients=1, claims_per_patient=1)
    with pytest.raises(IntegrityError, match="ck_encounter_referring"), engine.begin() as conn:
        conn.execute(
            text(
                "UPDATE encounter SET referring_last_name = 'Moss' "
                "WHERE id = (SELECT encounter_id FROM claim WHERE id = :c)"
            ),
            {"c": made.claim_id},
        )
