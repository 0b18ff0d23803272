"""Eligibility: 270s we write read back with x12sdk, the sandbox's 271 is stored per coverage,
and 271s that do not answer what we asked change nothing."""

from __future__ import annotations

from pathlib import Path

import pytest
from sqlalchemy import Engine, text

from medbill_tui.edi.detect import UnsupportedTransaction, detect_transaction
from medbill_tui.edi.sandbox_271 import respond_270
from medbill_tui.edi.x12sdk_adapter import read_models
from medbill_tui.edi.x271 import read_271
from medbill_tui.runtime.clock import Clock
from medbill_tui.services.eligibility import EligibilityService
from medbill_tui.services.imports import ImportFailed, ImportService
from tests.conftest import DEMO_TODAY, X12_FIXTURES

ERROR_271 = X12_FIXTURES / "271-x279a1-stupidedi-error-response.x12"

ENVELOPE = (
    "ISA*00*          *00*          *ZZ*SANDBOXCH      *ZZ*MEDBILLDEMO    *261102*1005*^*00501*"
    "000000077*0*T*:~GS*HB*SANDBOXCH*MEDBILLDEMO*20261102*1005*77*X*005010X279A1~"
)
BENEFITS_271 = (
    ENVELOPE + "ST*271*0001*005010X279A1~BHT*0022*11*{ref}*20261102*1005~HL*1**20*1~"
    "NM1*PR*2*ACME*****PI*ACME1~HL*2*1*21*1~NM1*1P*2*DEMO*****XX*1234567893~HL*3*2*22*0~"
    "TRN*2*{trace}*1123456789~NM1*IL*1*DOE*JANE****MI*{member}~DTP*346*D8*20260101~"
    "DTP*347*D8*20261231~EB*1*IND*30~EB*B*IND*98***27*25*****Y~EB*B*IND*98***27*50*****N~"
    "EB*A*IND*98*****0.2****N~EB*C*FAM*30***23*3000*****Y~EB*C*FAM*30***29*1200*****Y~"
    "EB*C*IND*30***23*1000*****Y~EB*G*IND*30***23*5000*****Y~SE*20*0001~GE*1*77~IEA*1*000000077~"
)


def _271(trace: str, member: str, ref: str = "1") -> str:
    return BENEFITS_271.format(trace=trace, member=member, ref=ref)


def test_shared_samples_parse_and_aaa_is_in_words() -> None:
    for name in (
        "270-x279a1-stupidedi-generic-request-clinic",
        "276-x212-stupidedi-claim-request",
        "277-x212-stupidedi-claim-response",
    ):
        assert read_models((X12_FIXTURES / f"{name}.x12").read_text(encoding="ascii"))
    (response,) = read_271(ERROR_271.read_text(encoding="ascii"))
    assert response.answers == ()
    assert response.rejected_whole.startswith("provider not eligible for inquiries: enroll")


def test_several_eb_per_service_type_family_and_individual() -> None:
    (response,) = read_271(_271("MBE9", "W1"))
    (answer,) = response.answers
    assert answer.outcome == "active" and answer.plan_to is not None
    copays = [(b.network, str(b.amount)) for b in answer.benefits if b.kind == "copay"]
    assert copays == [("in network", "25"), ("out of network", "50")]
    deductibles = {
        (b.level, b.period, str(b.amount)) for b in answer.benefits if b.kind == "deductible"
    }
    assert deductibles == {
        ("family", "calendar year", "3000"),
        ("family", "remaining", "1200"),
        ("individual", "calendar year", "1000"),
    }
    (coinsurance,) = [b for b in answer.benefits if b.kind == "coinsurance"]
    assert str(coinsurance.percent) == "0.2"


@pytest.fixture
def asked(demo_engine: Engine, tmp_path: Path) -> tuple[Engine, Path]:
    """The demo practice with one 270 written for the coverages due a check."""
    service = EligibilityService(demo_engine, Clock(DEMO_TODAY), "biller1", tmp_path / "out")
    run = service.request()
    assert run.path is not None and run.coverages > 0
    return demo_engine, run.path


def _checks(engine: Engine) -> list[tuple[object, ...]]:
    with engine.connect() as conn:
        rows = conn.execute(
            text("SELECT id, outcome, verified_on, words FROM eligibility_check ORDER BY id")
        ).all()
    return [tuple(r) for r in rows]


def test_the_270_reads_back_and_the_sandbox_271_is_stored_per_coverage(
    asked: tuple[Engine, Path], tmp_path: Path
) -> None:
    engine, path = asked
    content = path.read_text(encoding="ascii")
    assert detect_transaction(content).kind == "270"
    assert read_models(content)[0]["header"]["st_segment"][
        "implementation_convention_reference"
    ] == ("005010X279A1")
    answer = respond_270(content, seed=3, today=DEMO_TODAY)
    result = ImportService(engine, Clock(DEMO_TODAY), "biller1").import_bytes(
        "answer.271.x12", answer.encode("ascii")
    )
    checks = _checks(engine)
    assert result.kind == "271" and result.accepted + result.rejected == len(checks)
    outcomes = {c[1] for c in checks}
    assert "active" in outcomes and outcomes <= {"active", "inactive", "rejected"}
    assert all(c[2] == DEMO_TODAY for c in checks)
    rejected = [c[3] for c in checks if c[1] == "rejected"]
    assert all(isinstance(w, str) and ": check" in w for w in rejected)
    with engine.connect() as conn:
        benefits = conn.execute(
            text("SELECT benefits FROM eligibility_check WHERE outcome = 'active' LIMIT 1")
        ).scalar_one()
    assert {b["kind"] for b in benefits} == {"copay", "coinsurance", "deductible", "out-of-pocket"}


@pytest.mark.parametrize(
    ("case", "words"),
    [
        ("never-sent", "never sent"),
        ("other-member", "not the member ID asked about"),
        ("4010", "004010"),
        ("truncated", "truncated"),
        ("whole-unknown", "answers no eligibility request medbill sent"),
    ],
)
def test_a_271_that_does_not_answer_us_changes_nothing(
    asked: tuple[Engine, Path], case: str, words: str
) -> None:
    engine, _ = asked
    first_id = _checks(engine)[0][0]
    with engine.connect() as conn:
        member = conn.execute(
            text(
                "SELECT cv.member_id FROM eligibility_check ec "
                "JOIN coverage cv ON cv.id = ec.coverage_id WHERE ec.id = :id"
            ),
            {"id": first_id},
        ).scalar_one()
    content = {
        "never-sent": _271("MBE999999", member),
        "other-member": _271(f"MBE{first_id}", "NOTOURS1"),
        "4010": _271(f"MBE{first_id}", member).replace("00501", "00401"),
        "truncated": _271(f"MBE{first_id}", member).split("SE*")[0],
        "whole-unknown": ERROR_271.read_text(encoding="ascii"),
    }[case]
    before = _checks(engine)
    with pytest.raises(ImportFailed, match=words):
        ImportService(engine, Clock(DEMO_TODAY), "biller1").import_bytes(
            "bad.271.x12", content.encode("ascii")
        )
    assert _checks(engine) == before
    with engine.connect() as conn:
        assert (
            conn.execute(text("SELECT count(*) FROM edi_file WHERE direction = 'in'")).scalar() == 0
        )


def test_active_for_a_coverage_we_hold_as_ended_is_shown_not_applied(
    asked: tuple[Engine, Path],
) -> None:
    engine, _ = asked
    first_id = _checks(engine)[0][0]
    with engine.begin() as conn:
        coverage_id, member = conn.execute(
            text(
                "SELECT cv.id, cv.member_id FROM eligibility_check ec "
                "JOIN coverage cv ON cv.id = ec.coverage_id WHERE ec.id = :id"
            ),
            {"id": first_id},
        ).one()
        conn.execute(
            text("UPDATE coverage SET effective_to = DATE '2026-11-01' WHERE id = :id"),
            {"id": coverage_id},
        )
    result = ImportService(engine, Clock(DEMO_TODAY), "biller1").import_bytes(
        "ended.271.x12", _271(f"MBE{first_id}", member).encode("ascii")
    )
    assert "confirm the dates" in result.message
    with engine.connect() as conn:
        ends = conn.execute(
            text("SELECT effective_to FROM coverage WHERE id = :id"), {"id": coverage_id}
        ).scalar_one()
    assert str(ends) == "2026-11-01"
    assert _checks(engine)[0][1] == "active"


def test_a_4010_270_is_refused_by_kind() -> None:
    with pytest.raises(UnsupportedTransaction, match="004010"):
        detect_transaction(_271("MBE1", "W1").replace("00501", "00401"))


def test_subscriber_not_found_reads_though_x12sdk_lists_only_2100b_codes() -> None:
    """x12sdk 2.2.0 gives 2100C the 2100B AAA03 list; the guide allows 75 "Subscriber/Insured
    Not Found" there (edi/x12sdk_fixes.py widens it)."""
    content = (
        ENVELOPE + "ST*271*0001*005010X279A1~BHT*0022*11*1*20261102*1005~HL*1**20*1~"
        "NM1*PR*2*ACME*****PI*ACME1~HL*2*1*21*1~NM1*1P*2*DEMO*****XX*1234567893~HL*3*2*22*0~"
        "TRN*2*MBE5*1123456789~NM1*IL*1*DOE*JANE****MI*W1~AAA*Y**75*C~SE*11*0001~GE*1*77~"
        "IEA*1*000000077~"
    )
    ((answer,),) = [r.answers for r in read_271(content)]
    assert answer.outcome == "rejected"
    assert answer.words == "subscriber not found: check member id and DOB (correct and send again)"
