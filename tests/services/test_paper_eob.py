"""Paper EOBs keyed as CSV: the same ledger as the equivalent 835, and every refusal changes
nothing (unbalanced, unknown claim, unreadable cell, a check posted before)."""

from __future__ import annotations

import os
from collections.abc import Iterator
from decimal import Decimal
from pathlib import Path

import pytest
from sqlalchemy import Engine, text

from medbill_tui.db.engine import make_engine
from medbill_tui.runtime.clock import Clock
from medbill_tui.services.imports import ImportService
from medbill_tui.services.paper_eobs import PaperEobRefused, PaperEobService
from tests.cli.test_cli import medbill
from tests.conftest import DEMO_TODAY, PgCluster
from tests.services.era_practice import (
    PAID_ON,
    PAYER_NAME,
    ClaimPay,
    Era,
    LinePay,
    PracticeClaim,
    build_practice,
    snapshot,
    write_835,
)

D = Decimal
HEADER = "payer,check_no,check_date,check_amount,claim,code,charge,allowed,paid,adjustments,"
HEADER += "patient_resp,remarks,payer_claim_no\n"


def _adj(adjustments: tuple[tuple[str, str, Decimal], ...]) -> str:
    return " ".join(f"{g}-{c}:{a}" for g, c, a in adjustments)


def keyed_csv(era: Era, payer: str = PAYER_NAME) -> str:
    """The payment as a biller keys it from the paper: a row per line (or claim-level row)."""
    head = f"{payer},{era.trace},{PAID_ON:%m/%d/%Y},{era.amount}"
    rows = []
    for c in era.claims:
        for ln in c.lines:
            pr = sum((a[2] for a in ln.adjustments if a[0] == "PR"), D("0.00"))
            allowed = ln.paid + pr
            rows.append(f"{head},{c.pcn},{ln.code},{ln.charge},{allowed},{ln.paid},"
                        f"{_adj(ln.adjustments)},{pr},,{c.payer_claim_no}")  # fmt: skip
        if not c.lines:
            rows.append(f"{head},{c.pcn},,{c.charge},,{c.paid},{_adj(c.adjustments)},,,"
                        f"{c.payer_claim_no}")  # fmt: skip
    return HEADER + "\n".join(rows) + "\n"


def paid(claim: PracticeClaim, share: int) -> ClaimPay:
    """Each line allowed at `share` %, a fifth of that left to the patient (coinsurance)."""
    lines = []
    for code, charge in zip(("99213", "36415", "81002"), claim.charges, strict=False):
        allowed = (charge * share / 100).quantize(D("0.01"))
        patient = (allowed / 5).quantize(D("0.01"))
        lines.append(LinePay(code, charge, allowed - patient,
                             (("CO", "45", charge - allowed), ("PR", "2", patient))))  # fmt: skip
    return ClaimPay(claim.claim_no, "1", claim.charge, tuple(lines), (), f"PY{claim.claim_no}")


def check_of(claims: list[PracticeClaim], trace: str = "100234") -> Era:
    """Paid, denied at claim level (a work item), and paid for a patient with a secondary."""
    denied = ClaimPay(claims[1].claim_no, "4", claims[1].charge, (),
                      (("CO", "50", claims[1].charge),), f"PY{claims[1].claim_no}")  # fmt: skip
    return Era(trace, [paid(claims[0], 60), denied, paid(claims[2], 75)])


@pytest.fixture
def twins(pg: PgCluster) -> Iterator[tuple[Engine, Engine, list[PracticeClaim]]]:
    """Two databases holding the same small practice."""
    engines, names = [], []
    for n in range(2):
        name = f"pe_{os.getpid()}_{n}_{id(engines)}"
        names.append(name)
        engine = make_engine(pg.create_database(name, template="medbill_template"), pool_size=2)
        with engine.begin() as conn:
            claims = build_practice(conn, patients=2, claims_per_patient=2)
        engines.append(engine)
    yield engines[0], engines[1], claims
    for engine, name in zip(engines, names, strict=True):
        engine.dispose()
        pg.drop_database(name)


def _ledger(engine: Engine) -> list[tuple[object, ...]]:
    with engine.connect() as conn:
        entries = conn.execute(text(
            "SELECT claim_id, kind, responsibility, amount FROM ledger_entry ORDER BY 1, 2, 3, 4"
        )).all()  # fmt: skip
        items = conn.execute(text("SELECT kind, claim_id, status FROM work_item ORDER BY 1, 2"))
        claims = conn.execute(text("SELECT claim_no, status, payer_claim_no, coverage_id "
                                   "FROM claim ORDER BY 1")).all()  # fmt: skip
        return [*map(tuple, entries), "items", *map(tuple, items), "claims", *map(tuple, claims)]


def test_a_paper_eob_leaves_the_ledger_its_835_leaves(
    twins: tuple[Engine, Engine, list[PracticeClaim]],
) -> None:
    by_835, by_paper, claims = twins
    era = check_of(claims)
    clock = Clock(DEMO_TODAY)
    result = ImportService(by_835, clock, "ann").import_bytes("era.835", write_835([era]).encode())
    assert result.status == "imported", result.message
    service = PaperEobService(by_paper, clock, "ann")
    outcomes = service.post(service.read(keyed_csv(era)))
    assert [(o.status, o.matched, o.denials) for o in outcomes] == [("posted", 3, 1)]
    assert _ledger(by_paper) == _ledger(by_835)
    with by_paper.connect() as conn:
        audit = conn.execute(text("SELECT detail FROM audit_event WHERE action = 'post-paper-eob'"))
        assert audit.scalars().all() == ["check 100234"]


def test_refusals_change_nothing(engine: Engine) -> None:
    with engine.begin() as conn:
        claims = build_practice(conn, patients=2, claims_per_patient=2)
    service = PaperEobService(engine, Clock(DEMO_TODAY), "ann")
    era = check_of(claims)
    good = keyed_csv(era)
    before = snapshot(engine)
    short = good.replace(f",{era.amount},", f",{era.amount - D('10.00')},")
    with pytest.raises(PaperEobRefused, match=r"check 100234: the claims paid .*off by -10\.00"):
        service.post(service.read(short))
    unknown = good.replace(claims[1].claim_no, "C999999")
    with pytest.raises(PaperEobRefused, match="there is no claim C999999"):
        service.post(service.read(unknown))
    with pytest.raises(PaperEobRefused, match=r"row 2: adjustment 'CO45:.*' is not GROUP-CARC"):
        service.read(good.replace("CO-45:", "CO45:", 1))
    line = good.splitlines()[1].split(",")
    line[8] = str(D(line[8]) + 1)  # paid one dollar more than charge less adjustments
    off = "\n".join([*good.splitlines()[:1], ",".join(line), *good.splitlines()[2:]])
    with pytest.raises(PaperEobRefused, match=r"line 1 \(99213\).*off by 1"):
        service.post(service.read(off))
    assert snapshot(engine) == before
    service.post(service.read(good))
    posted = snapshot(engine)
    with pytest.raises(PaperEobRefused, match=r"100234 was already posted by ann on \d\d/"):
        PaperEobService(engine, Clock(DEMO_TODAY), "raj").post(service.read(good))
    assert snapshot(engine) == posted


def test_a_check_dated_after_today_or_before_the_visit_is_refused(engine: Engine) -> None:
    with engine.begin() as conn:
        claims = build_practice(conn, patients=2, claims_per_patient=2)
    service = PaperEobService(engine, Clock(DEMO_TODAY), "ann")
    good = keyed_csv(check_of(claims))
    before = snapshot(engine)
    paid_on = f"{PAID_ON:%m/%d/%Y}"
    future = r"check 100234: the check date 12/07/2099 is after today \(11/02/2026\)"
    with pytest.raises(PaperEobRefused, match=future):
        service.post(service.read(good.replace(paid_on, "12/07/2099")))
    first = claims[0].claim_no
    early = rf"check 100234: the check date 08/31/2026 is before claim {first}'s date of service"
    with pytest.raises(PaperEobRefused, match=early + r" \(09/01/2026\)"):
        service.post(service.read(good.replace(paid_on, "08/31/2026")))
    assert snapshot(engine) == before


def test_a_payer_is_found_by_part_of_its_name_once_only_one_has_it(engine: Engine) -> None:
    with engine.begin() as conn:
        claims = build_practice(conn, patients=2, claims_per_patient=2)
        conn.execute(text("INSERT INTO payer (name, payer_code, claim_filing_indicator) "
                          "VALUES ('Acme Dental', 'ACMED', 'CI')"))  # fmt: skip
    service = PaperEobService(engine, Clock(DEMO_TODAY), "ann")
    era = check_of(claims)
    before = snapshot(engine)
    several = r"check 100234: 'acme' is in the names of several payers \(Acme Dental, Acme Health\)"
    with pytest.raises(PaperEobRefused, match=several):
        service.post(service.read(keyed_csv(era, payer="acme")))
    assert snapshot(engine) == before
    on_file = "Acme Health"  # the payer as set up (the CSV's PAYER_NAME is in capitals)
    assert service.claims_to_key("health", claims[0].claim_no).payer_name == on_file
    [outcome] = service.post(service.read(keyed_csv(era, payer="health")))
    assert (outcome.status, outcome.payer_name) == ("posted", on_file)
    with engine.connect() as conn:
        payers = conn.execute(text("SELECT py.name FROM remittance r JOIN payer py "
                                   "ON py.id = r.payer_id")).scalars().all()  # fmt: skip
        assert payers == [on_file]


def test_post_eob_command(db_url: str, tmp_path: Path) -> None:
    engine = make_engine(db_url)
    with engine.begin() as conn:
        claims = build_practice(conn, patients=2, claims_per_patient=2)
    engine.dispose()
    batch = tmp_path / "eob.csv"
    batch.write_text(keyed_csv(check_of(claims)))
    env = {"MEDBILL_DATA_DIR": str(tmp_path), "MEDBILL_TODAY": str(DEMO_TODAY)}
    done = medbill("payments", "post-eob", str(batch), url=db_url, **env)
    assert done.returncode == 0, done.stderr
    assert "posted check 100234 from Acme Health" in done.stdout and "1 denials" in done.stdout
    again = medbill("payments", "post-eob", str(batch), url=db_url, **env)
    assert again.returncode == 1 and "already posted by" in again.stderr
    missing = medbill("payments", "post-eob", str(tmp_path / "none.csv"), url=db_url, **env)
    assert missing.returncode == 2 and "cannot read" in missing.stderr
