"""An 835 posted in many small chunks posts exactly what it posts as one chunk; a payment that
turns out not to balance after some of its chunks were written posts none of them."""

from __future__ import annotations

from decimal import Decimal
from pathlib import Path

import pytest
from sqlalchemy import Engine, text

from medbill_tui.db.engine import make_engine
from medbill_tui.db.repositories import remit_posting
from medbill_tui.db.repositories.ledger_check import check_ledger
from medbill_tui.edi.detect import read_interchange
from medbill_tui.edi.x835 import Remit835, claim_balance_errors, parse_835_all, remit_balance_error
from medbill_tui.runtime.clock import Clock
from medbill_tui.services import remittances
from medbill_tui.services.imports import ImportResult, ImportService
from tests.conftest import DEMO_TODAY
from tests.services.era_practice import (
    CODES,
    ClaimPay,
    Era,
    LinePay,
    PracticeClaim,
    build_practice,
    snapshot,
    write_835,
)


def small_chunks(monkeypatch: pytest.MonkeyPatch) -> None:
    """Two claims a chunk; raw segments handed over after each claim and spilled to the
    database past 300 bytes."""
    monkeypatch.setattr(remit_posting, "CHUNK_CLAIMS", 2)
    monkeypatch.setattr(remit_posting, "RAW_BUFFER_BYTES", 300)
    monkeypatch.setattr(remittances, "RAW_EVERY", 1)


def paid(claim: PracticeClaim, share: str = "0.00") -> ClaimPay:
    """Every line paid its charge less CO-45 10.00 and the patient's `share` (first line)."""
    lines = tuple(
        LinePay(
            code,
            charge,
            charge - Decimal("10.00") - (Decimal(share) if n == 0 else 0),
            (("CO", "45", Decimal("10.00")),)
            + ((("PR", "2", Decimal(share)),) if n == 0 and Decimal(share) else ()),
        )
        for n, (code, charge) in enumerate(zip(CODES, claim.charges, strict=False))
    )
    return ClaimPay(claim.claim_no, "1", claim.charge, lines, (), f"PY{claim.claim_no}")


def files(claims: list[PracticeClaim], tmp_path: Path) -> tuple[Path, Path]:
    """An earlier payment of the first claim, then a file of two payments: the first holds a
    reversal and its correction of that claim, every other claim (one denied), an unknown
    claim and a PLB; the second pays nothing but an unknown claim."""
    first, *rest = claims
    earlier = tmp_path / "earlier.835"
    earlier.write_text(write_835([Era("EARLY1", [paid(first)])], control=1))
    big = [paid(c, f"{n}.00") for n, c in enumerate(rest[:-1], start=1)]
    big[1:1] = [paid(first).negated(), paid(first, "5.00")]  # across the first chunk's end
    big.append(
        ClaimPay(rest[-1].claim_no, "4", rest[-1].charge, (), (("CO", "50", rest[-1].charge),))
    )
    big.append(ClaimPay("NOSUCH1", "1", Decimal("40.00"), (), (("CO", "45", Decimal("5.00")),)))
    main = tmp_path / "main.835"
    eras = [
        Era("MAIN1", big, [("WO", "OVERPAY1", Decimal("3.00"))]),
        Era("MAIN2", [ClaimPay("NOSUCH2", "1", Decimal("20.00"))]),
    ]
    main.write_text(write_835(eras, control=2))
    return earlier, main


def import_both(engine: Engine, earlier: Path, main: Path) -> ImportResult:
    service = ImportService(engine, Clock(DEMO_TODAY), "chunks")
    assert service.import_file(earlier).status == "imported"
    preview = service.import_file(main, dry_run=True)
    result = service.import_file(main)
    assert [p.status for p in result.payments] == ["posted", "posted"]
    assert [p.status for p in preview.payments] == ["preview", "preview"]
    assert [p.matched for p in preview.payments] == [p.matched for p in result.payments]
    return result


def test_small_chunks_post_what_one_chunk_posts(
    engine: Engine, db_url: str, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    with engine.begin() as conn:
        claims = build_practice(conn, patients=5, claims_per_patient=2)
    earlier, main = files(claims, tmp_path)
    whole = import_both(engine, earlier, main)

    chunked_engine = make_engine(db_url, pool_size=2)
    with chunked_engine.begin() as conn:
        assert build_practice(conn, patients=5, claims_per_patient=2) == claims
    small_chunks(monkeypatch)
    chunked = import_both(chunked_engine, earlier, main)
    try:
        assert chunked.payments == whole.payments
        assert chunked.payments[0].matched == len(claims) + 1  # the reversal and correction
        assert snapshot(chunked_engine) == snapshot(engine)
        sets = read_interchange(main.read_bytes(), "835").sets
        raws = [
            "".join("*".join(seg.elements) + "~\n" for seg in tset.segments).encode()
            for tset in sets
        ]
        for db in (engine, chunked_engine):
            with db.connect() as conn:
                kept = conn.execute(
                    text("SELECT raw FROM remittance WHERE trace_no LIKE 'MAIN%' ORDER BY id")
                ).scalars()
                assert [bytes(r) for r in kept] == raws
                clps = conn.execute(
                    text(
                        "SELECT cp.patient_control_no, cp.status_code FROM claim_payment cp "
                        "JOIN remittance r ON r.id = cp.remittance_id WHERE r.trace_no = 'MAIN1' "
                        "ORDER BY cp.id"
                    )
                ).all()
                assert [tuple(c) for c in clps] == [
                    (c.pcn, c.status) for c in parse_835_all(main.read_bytes())[0].claims
                ]
                assert check_ledger(conn) == ()
    finally:
        chunked_engine.dispose()


def expected_problems(remit: Remit835) -> str:
    """What the payment's refusal says, computed from the whole payment."""
    problems = [p for claim in remit.claims for p in claim_balance_errors(claim)]
    total = remit_balance_error(remit)
    problems = ([total] if total else []) + problems
    return "not posted: it does not balance — " + "; ".join(problems[:3])


@pytest.mark.parametrize("tamper", ["total", "last claim"])
def test_a_payment_found_unbalanced_after_its_first_chunks_posts_nothing(
    engine: Engine, tmp_path: Path, monkeypatch: pytest.MonkeyPatch, tamper: str
) -> None:
    with engine.begin() as conn:
        claims = build_practice(conn, patients=5, claims_per_patient=2)
    earlier, main = files(claims, tmp_path)
    body = main.read_text()
    if tamper == "total":  # BPR02 one dollar more than the claims less the PLB
        start = body.index("BPR*")
        fields = body[start : body.index("~", start)].split("*")
        fields[2] = str(Decimal(fields[2]) + Decimal("1.00"))
        body = body[:start] + "*".join(fields) + body[body.index("~", start) :]
    else:  # the last claim of MAIN1 says it was paid a dollar more than its lines
        start = body.index("CLP*NOSUCH1*1*40*35")
        body = body[:start] + "CLP*NOSUCH1*1*40*36" + body[start + 19 :]
    main.write_text(body)
    small_chunks(monkeypatch)
    service = ImportService(engine, Clock(DEMO_TODAY), "chunks")
    service.import_file(earlier)
    before = snapshot(engine)
    result = service.import_file(main)
    unbalanced, other = result.payments
    assert unbalanced.status == "unbalanced" and other.status == "posted"
    remit = parse_835_all(main.read_bytes())[0]
    assert unbalanced.message == expected_problems(remit)
    assert "off by 1.00" in unbalanced.message
    after = snapshot(engine)
    with engine.connect() as conn:
        traces = conn.execute(text("SELECT trace_no FROM remittance ORDER BY id")).scalars().all()
        assert check_ledger(conn) == ()
    assert traces == ["EARLY1", "MAIN2"]
    assert after["claims"] == before["claims"] and after["balances"] == before["balances"]


def test_a_clp_with_a_mangled_claim_number_matches_by_payer_claim_number(
    engine: Engine, tmp_path: Path
) -> None:
    with engine.begin() as conn:
        first, second, *_ = build_practice(conn, patients=2, claims_per_patient=1)
    earlier = tmp_path / "earlier.835"
    earlier.write_text(write_835([Era("EARLY1", [paid(first)])], control=1))
    later = tmp_path / "later.835"
    mangled = ClaimPay("XX" + first.claim_no, "1", first.charge, (), (), f"PY{first.claim_no}")
    unknown = ClaimPay("XX" + second.claim_no, "1", second.charge, (), (), "PYNOSUCH")
    later.write_text(write_835([Era("LATE1", [mangled, unknown, paid(second)])], control=2))
    service = ImportService(engine, Clock(DEMO_TODAY), "chunks")
    service.import_file(earlier)
    result = service.import_file(later)
    assert [(p.matched, p.unmatched) for p in result.payments] == [(2, 1)]
    with engine.connect() as conn:
        matched = conn.execute(
            text(
                "SELECT cp.patient_control_no, cp.claim_id FROM claim_payment cp JOIN remittance "
                "r ON r.id = cp.remittance_id WHERE r.trace_no = 'LATE1' ORDER BY cp.id"
            )
        ).all()
    assert [tuple(m) for m in matched] == [
        ("XX" + first.claim_no, first.claim_id),
        ("XX" + second.claim_no, None),
        (second.claim_no, second.claim_id),
    ]
