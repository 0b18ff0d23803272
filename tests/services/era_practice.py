"""A small practice with claims on the ledger, and 835 text written for chosen outcomes.

Shared by the ledger property test and the posting crash test. Every 835 written here
balances (per line, per claim, BPR02 = sum of CLP04 - sum of PLB), so what is tested is the
posting, not the balance check.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import date
from decimal import Decimal

from sqlalchemy import Connection, Engine, text

from medbill_tui.edi.sandbox_835 import amt
from medbill_tui.edi.sandbox_envelope import Envelope
from medbill_tui.edi.segments import SegmentWriter, composite
from tests.factories import Builder, insert

PAYER_NAME = "ACME HEALTH"
PAYER_CODE = "P1"
DOS = date(2026, 9, 1)
PAID_ON = date(2026, 10, 15)
CODES = ("99213", "36415", "81002")
CENT = Decimal("0.01")


@dataclass(frozen=True, slots=True)
class PracticeClaim:
    """A claim of the practice: its number, patient and line charges."""

    claim_id: int
    claim_no: str
    patient_id: int
    charges: tuple[Decimal, ...]

    @property
    def charge(self) -> Decimal:
        """The claim's total charge."""
        return sum(self.charges, Decimal("0.00"))


def build_practice(
    conn: Connection, patients: int = 4, claims_per_patient: int = 2, lines: int = 0
) -> list[PracticeClaim]:
    """Patients (every other one with secondary coverage), acknowledged claims of 1-3 lines
    (or exactly `lines`) and their charges on the ledger (primary responsibility)."""
    b = Builder(conn)
    out: list[PracticeClaim] = []
    for p in range(patients):
        patient = b.patient(f"Lee{p}", payer=b.payers[0])
        if p % 2:
            insert(conn, "coverage", patient_id=patient[0], payer_id=b.payers[1],
                   member_id=f"S{p}", priority=2, effective_from=date(2020, 1, 1))  # fmt: skip
        for c in range(claims_per_patient):
            count = lines or 1 + (p + c) % 3
            charges = tuple(Decimal(100 + 37 * i + 11 * c + p).quantize(CENT)
                            for i in range(count))  # fmt: skip
            out.append(_claim(conn, b, patient, charges))
    return out


def _claim(
    conn: Connection, b: Builder, patient: tuple[int, int], charges: tuple[Decimal, ...]
) -> PracticeClaim:
    eid = b.encounter(patient, DOS, status="billed", charges=tuple(str(c) for c in charges))
    total = sum(charges, Decimal("0.00"))
    number = conn.execute(text("SELECT 'C' || nextval('claim_no_seq')")).scalar_one()
    claim_id = insert(conn, "claim", claim_no=number, encounter_id=eid, patient_id=patient[0],
                      coverage_id=patient[1], payer_id=b.payers[0],
                      status="acknowledged_277ca", total_charge=total, created_on=DOS,
                      submitted_on=DOS)  # fmt: skip
    for line_no, amount in enumerate(charges, start=1):
        insert(conn, "claim_line", claim_id=claim_id, line_no=line_no, code=CODES[line_no - 1],
               units=Decimal(1), amount=amount, dx_pointers="1")  # fmt: skip
    insert(conn, "ledger_entry", patient_id=patient[0], encounter_id=eid, claim_id=claim_id,
           kind="charge", responsibility="primary", amount=total, service_date=DOS,
           posted_by="test", memo=f"claim {number}")  # fmt: skip
    return PracticeClaim(claim_id, str(number), patient[0], charges)


@dataclass(frozen=True, slots=True)
class LinePay:
    """One SVC: charge, paid and its CAS adjustments (group, CARC, amount)."""

    code: str
    charge: Decimal
    paid: Decimal
    adjustments: tuple[tuple[str, str, Decimal], ...]


@dataclass(frozen=True, slots=True)
class ClaimPay:
    """One CLP to write: status, lines, claim-level adjustments."""

    pcn: str
    status: str
    charge: Decimal
    lines: tuple[LinePay, ...] = ()
    adjustments: tuple[tuple[str, str, Decimal], ...] = ()
    payer_claim_no: str = ""

    @property
    def paid(self) -> Decimal:
        """CLP04: charge less every adjustment."""
        adjusted = sum((a[2] for a in self.all_adjustments()), Decimal("0.00"))
        return self.charge - adjusted

    @property
    def patient_resp(self) -> Decimal:
        """CLP05: every PR adjustment."""
        return sum((a[2] for a in self.all_adjustments() if a[0] == "PR"), Decimal("0.00"))

    def all_adjustments(self) -> tuple[tuple[str, str, Decimal], ...]:
        """Claim-level then line-level adjustments."""
        return self.adjustments + tuple(a for ln in self.lines for a in ln.adjustments)

    def negated(self) -> ClaimPay:
        """The CLP02 = 22 reversal of this payment: every amount negated."""
        lines = tuple(LinePay(ln.code, -ln.charge, -ln.paid,
                              tuple((g, c, -a) for g, c, a in ln.adjustments))
                      for ln in self.lines)  # fmt: skip
        claim_adj = tuple((g, c, -a) for g, c, a in self.adjustments)
        return ClaimPay(self.pcn, "22", -self.charge, lines, claim_adj, self.payer_claim_no)


@dataclass(slots=True)
class Era:
    """One 835 payment to write."""

    trace: str
    claims: list[ClaimPay] = field(default_factory=list)
    plb: list[tuple[str, str, Decimal]] = field(default_factory=list)

    @property
    def amount(self) -> Decimal:
        """BPR02 (signed): claims paid less provider-level adjustments."""
        paid = sum((c.paid for c in self.claims), Decimal("0.00"))
        return paid - sum((p[2] for p in self.plb), Decimal("0.00"))


def write_835(eras: list[Era], control: int = 1) -> str:
    """An interchange with one 835 set per `Era`, every one balanced."""
    env = Envelope("ZZ", "ACME", "ZZ", "MEDBILL", "ACME", "MEDBILL", "T", PAID_ON, 600)
    w = env.open("HP", control, "005010X221A1")
    day = f"{PAID_ON:%Y%m%d}"
    for number, era in enumerate(eras, start=1):
        start = w.count
        st02 = f"{number:04d}"
        w.add("ST", "835", st02)
        total = era.amount
        w.add("BPR", "I" if total else "H", amt(abs(total)), "D" if total < 0 else "C",
              "CHK" if total else "NON", *[""] * 11, day)  # fmt: skip
        w.add("TRN", "1", era.trace, "1123456789")
        w.add("N1", "PR", PAYER_NAME)
        w.add("N3", "PO BOX 1")
        w.add("N4", "NASHVILLE", "TN", "37203")
        w.add("REF", "2U", PAYER_CODE)
        w.add("N1", "PE", "ANN LEE", "XX", "1234567893")
        w.add("LX", "1")
        for claim in era.claims:
            w.add("CLP", claim.pcn, claim.status, amt(claim.charge), amt(claim.paid),
                  amt(claim.patient_resp), "12", claim.payer_claim_no, "11", "1")  # fmt: skip
            w.add("NM1", "QC", "1", "LEE", "PAT", "", "", "", "MI", "M1")
            _cas(w, claim.adjustments)
            for line in claim.lines:
                w.add("SVC", composite("HC", line.code), amt(line.charge), amt(line.paid),
                      "", "1")  # fmt: skip
                _cas(w, line.adjustments)
        for reason, ref, amount in era.plb:
            w.add("PLB", "1234567893", f"{PAID_ON.year}1231", composite(reason, ref), amt(amount))
        w.add("SE", w.count - start + 1, st02)
    return env.close(w, control, len(eras))


def _cas(w: SegmentWriter, adjustments: tuple[tuple[str, str, Decimal], ...]) -> None:
    by_group: dict[str, list[str]] = {}
    for group, reason, amount in adjustments:
        by_group.setdefault(group, []).extend((reason, amt(amount), ""))
    for group, triplets in by_group.items():
        w.add("CAS", group, *triplets[:18])


def ledger_sums(engine: Engine) -> dict[tuple[int, str], Decimal]:
    """Every claim's balance by responsibility, summed from the ledger."""
    with engine.connect() as conn:
        rows = conn.execute(text("SELECT claim_id, responsibility, sum(amount) FROM ledger_entry "
                                 "WHERE claim_id IS NOT NULL GROUP BY 1, 2")).all()  # fmt: skip
    return {(int(r[0]), str(r[1])): Decimal(r[2]) for r in rows if r[2] != 0}


TABLES = ("remittance", "claim_payment", "service_payment", "adjustment", "remark",
          "remittance_plb", "ledger_entry", "work_item", "claim_event", "edi_file")  # fmt: skip


def snapshot(engine: Engine) -> dict[str, object]:
    """Row counts of every posting table, claim states and balances: equal means untouched."""
    with engine.connect() as conn:
        counts = {t: conn.execute(text(f"SELECT count(*) FROM {t}")).scalar_one() for t in TABLES}
        sql = (
            "SELECT id, status || '/' || version || '/' || coalesce(payer_claim_no, '') FROM claim"
        )
        states = dict(conn.execute(text(sql)).all())
        items = dict(conn.execute(text("SELECT id, status FROM work_item")).all())
        remits = dict(conn.execute(text("SELECT id, status FROM remittance")).all())
    return {"counts": counts, "claims": states, "items": items, "remits": remits,
            "balances": ledger_sums(engine)}  # fmt: skip
