"""x12sdk as a second opinion on the money our 835 reader extracts.

Every shared 835 sample and 835s the sandbox writes are read twice: by the import's own path
(`scan_file` + `stream_sets` + `iter_835`) and by x12sdk's pydantic models. BPR02, TRN02 and,
per claim, CLP01-05/07 with every SVC paid amount and every CAS triplet must agree as Decimal.
"""

from __future__ import annotations

import re
from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from decimal import Decimal
from importlib.metadata import version
from pathlib import Path
from typing import Any

import pytest
from pydantic import ValidationError
from sqlalchemy import Engine
from x12sdk.io import X12ModelReader

from medbill_tui.edi.sandbox import respond
from medbill_tui.edi.segments import clean_text
from medbill_tui.edi.x835 import Adjustment, Remit835
from medbill_tui.runtime.clock import Clock
from medbill_tui.services.claims import ClaimService
from medbill_tui.services.submissions import SubmissionService
from tests.conftest import DEMO_TODAY, X12_FIXTURES
from tests.edi.remit_reading import read_835_file
from tests.edi.x12sdk_837 import assert_both_parsers_read_837p

CasRow = tuple[str, str, Decimal]


@dataclass(frozen=True)
class ClaimMoney:
    """What one CLP loop says, in the terms both readers share."""

    pcn: str
    status: str
    charge: Decimal
    paid: Decimal
    patient_resp: Decimal
    payer_claim_no: str
    adjustments: tuple[CasRow, ...]
    lines: tuple[tuple[Decimal, tuple[CasRow, ...]], ...]


@dataclass(frozen=True)
class PaymentMoney:
    """BPR02, TRN02, the claims and the PLB (reason, amount) pairs of one transaction set."""

    total: Decimal
    trace: str
    claims: tuple[ClaimMoney, ...]
    plb: tuple[tuple[str, Decimal], ...]


def _our_cas(adjustments: Iterable[Adjustment]) -> tuple[CasRow, ...]:
    return tuple((a.group, a.carc, a.amount) for a in adjustments)


def ours(remit: Remit835) -> PaymentMoney:
    claims = tuple(
        ClaimMoney(
            c.pcn,
            c.status,
            c.charge,
            c.paid,
            c.patient_resp,
            c.payer_claim_no,
            _our_cas(c.adjustments),
            tuple((s.paid, _our_cas(s.adjustments)) for s in c.services),
        )
        for c in remit.claims
    )
    plb = tuple((p.reason, p.amount) for p in remit.plb)
    return PaymentMoney(remit.amount, remit.trace_no, claims, plb)


def _sdk_cas(segments: Sequence[Any] | None) -> tuple[CasRow, ...]:
    rows: list[CasRow] = []
    for cas in segments or ():
        for i in range(1, 7):
            reason = getattr(cas, f"adjustment_reason_code_{i}")
            if reason:
                amount = getattr(cas, f"monetary_amount_{i}")
                rows.append((str(cas.adjustment_group_code), reason, amount))
    return tuple(rows)


def theirs(model: Any) -> PaymentMoney:
    claims: list[ClaimMoney] = []
    for header in model.loop_2000:
        for loop in header.loop_2100:
            clp = loop.clp_segment
            claims.append(
                ClaimMoney(
                    clp.patient_control_number,
                    str(clp.claim_status_code),
                    clp.total_claim_charge_amount,
                    clp.claim_payment_amount,
                    clp.patient_responsibility_amount or Decimal(0),
                    clp.payer_claim_control_number or "",
                    _sdk_cas(loop.cas_segment),
                    tuple(
                        (
                            svc.svc_segment.line_item_provider_payment_amount,
                            _sdk_cas(svc.cas_segment),
                        )
                        for svc in loop.loop_2110 or ()
                    ),
                )
            )
    plb: list[tuple[str, Decimal]] = []
    if model.footer.plb_segment is not None:
        for i in range(1, 7):
            reason = getattr(model.footer.plb_segment, f"adjustment_reason_code_{i}")
            if reason:  # the composite comes raw; the sandbox writes ':' between components
                amount = getattr(model.footer.plb_segment, f"provider_adjustment_amount_{i}")
                plb.append((reason.partition(":")[0], amount))
    head = model.header
    return PaymentMoney(
        head.bpr_segment.total_actual_provider_payment_amount,
        head.trn_segment.reference_identification_1,
        tuple(claims),
        tuple(plb),
    )


def read_with_x12sdk(path: Path) -> list[PaymentMoney]:
    with X12ModelReader(str(path)) as reader:
        return [theirs(model) for model in reader.models()]


def assert_same_money(path: Path) -> list[PaymentMoney]:
    mine = [ours(remit) for remit in read_835_file(path)]
    assert mine, f"{path.name}: no payment read"
    assert mine == read_with_x12sdk(path)
    return mine


SHARED_835 = sorted(p.name for p in X12_FIXTURES.glob("835-*.x12"))


def test_the_shared_835_samples_are_all_compared() -> None:
    assert len(SHARED_835) == 3, SHARED_835


@pytest.mark.parametrize("name", SHARED_835)
def test_shared_835_money_matches_x12sdk(name: str) -> None:
    payments = assert_same_money(X12_FIXTURES / name)
    # the comparison saw real money: claims, lines and adjustments, not empty tuples
    claims = [c for p in payments for c in p.claims]
    assert claims and any(line for c in claims for line in c.lines)
    assert any(adj for c in claims for _, adj in c.lines) or any(c.adjustments for c in claims)


def test_one_sample_read_exactly_by_both() -> None:
    """Pins what 'agree' means on one file, so a reader that drops everything cannot pass."""
    (payment,) = assert_same_money(X12_FIXTURES / "835-stupidedi-secondary-payments.x12")
    assert (payment.total, payment.trace) == (Decimal("1222.00"), "0012524965")
    first = payment.claims[0]
    assert (first.pcn, first.status, first.charge, first.paid, first.payer_claim_no) == (
        "L0004828311",
        "2",
        Decimal("10323.64"),
        Decimal("912.00"),
        "05090256390",
    )
    assert first.adjustments == (("OA", "23", Decimal("9411.64")),)


SANDBOX_837 = sorted(p.name for p in X12_FIXTURES.glob("837p-stupidedi-*.x12"))


def sandbox_835(name: str, seed: int, folder: Path) -> Path:
    text = clean_text((X12_FIXTURES / name).read_bytes())
    answer = respond(
        text, seed=seed, reject_rate=0.0, deny_rate=0.4, today=DEMO_TODAY, ack_reject_rate=0.0
    )
    assert answer.era_835 is not None
    path = folder / "sandbox.835"
    path.write_text(answer.era_835)
    return path


@pytest.mark.parametrize("name", SANDBOX_837)
@pytest.mark.parametrize("seed", [1, 2, 3])
def test_sandbox_835_for_shared_claims_matches_x12sdk(name: str, seed: int, tmp_path: Path) -> None:
    assert_same_money(sandbox_835(name, seed, tmp_path))


@pytest.mark.parametrize(
    ("name", "seed"),
    [("837p-stupidedi-ambulance.x12", 18), ("837p-stupidedi-ambulance.x12", 19)],
)
def test_sandbox_provider_adjustments_match_x12sdk(name: str, seed: int, tmp_path: Path) -> None:
    """Seeds where the sandbox writes a PLB (a WO recoupment or an L6 interest credit)."""
    (payment,) = assert_same_money(sandbox_835(name, seed, tmp_path))
    assert payment.plb


def test_x12sdk_takes_one_plb_where_the_guide_allows_more(tmp_path: Path) -> None:
    """Pinned exception (x12sdk 2.2.0): its 835 footer holds a single PLB.

    The 005010X221A1 guide's "Provider Adjustment" segment (PLB, usage Situational) has a
    segment repeat of ">1" (pyx12's X221A1 map carries the same `max_use` of `>1`). A payer may
    send several; our reader keeps every one, and our output is not changed to suit x12sdk.
    """
    assert version("x12sdk") == "2.2.0"
    text = sandbox_835("837p-stupidedi-ambulance.x12", 19, tmp_path).read_text()
    plb = re.search(r"PLB\*[^~]*~\n", text)
    se = re.search(r"SE\*(\d+)\*", text)
    assert plb is not None and se is not None
    text = text.replace(plb[0], plb[0] * 2).replace(se[0], f"SE*{int(se[1]) + 1}*")
    path = tmp_path / "two-plb.835"
    path.write_text(text)
    (remit,) = read_835_file(path)
    assert len(remit.plb) == 2 and remit.plb[0] == remit.plb[1]
    with pytest.raises(ValidationError, match=r"footer\.plb_segment"):
        read_with_x12sdk(path)


def test_sandbox_835_for_the_demo_practice_matches_x12sdk(
    demo_engine: Engine, tmp_path: Path
) -> None:
    ClaimService(demo_engine, Clock(DEMO_TODAY), "b1").create()
    run = SubmissionService(demo_engine, Clock(DEMO_TODAY), "b1", tmp_path / "out").submit()
    assert run.files
    claims = plb = 0
    for index, sent in enumerate(run.files):
        text = Path(sent.path).read_text()
        assert_both_parsers_read_837p(text)
        answer = respond(
            text,
            seed=index,
            reject_rate=0.05,
            deny_rate=0.2,
            today=DEMO_TODAY,
            ack_reject_rate=0.0,
        )
        if answer.era_835 is None:
            continue
        path = tmp_path / f"demo-{index}.835"
        path.write_text(answer.era_835)
        payments = assert_same_money(path)
        claims += sum(len(p.claims) for p in payments)
        plb += sum(len(p.plb) for p in payments)
    assert claims >= 10
