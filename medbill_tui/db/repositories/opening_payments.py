"""A payer's payment on an opening balance (`medbill balances pay`): the balance has no claim
of ours, so the check is kept as a remittance with no 835 behind it (raw NULL) and posts its
payment, and any contractual adjustment, straight to the opening balance's visit."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date
from decimal import Decimal

from sqlalchemy import Connection, text

from medbill_tui.db.repositories.audit import record_audit


class OpeningPaymentRefused(Exception):
    """The payment does not fit the balance (none such, more than owed, check posted)."""


@dataclass(frozen=True, slots=True)
class OpeningOwed:
    encounter_id: int
    patient_id: int
    responsibility: str
    owed: Decimal
    service_date: date
    payer_id: int
    payer_name: str


def opening_owed(
    conn: Connection,
    account_no: str,
    original_claim_no: str,
    payer_code: str,
    service_date: date | None = None,
) -> OpeningOwed:
    """The payer's opening balance on the account for that original claim (and date of
    service), locked; refused when it names balances on more than one date."""
    rows = conn.execute(
        text("""SELECT e.id, e.patient_id, e.dos, op.responsibility, py.id AS payer_id,
                       py.name AS payer_name
                FROM encounter e
                JOIN patient p ON p.id = e.patient_id
                JOIN coverage cv ON cv.id = e.coverage_id
                JOIN payer py ON py.id = cv.payer_id
                JOIN ledger_entry op ON op.encounter_id = e.id AND op.kind = 'opening'
                WHERE p.account_no = upper(:acct) AND e.status = 'opening'
                  AND upper(py.payer_code) = upper(:payer) AND op.memo = :memo
                  AND (CAST(:dos AS date) IS NULL OR e.dos = :dos)
                ORDER BY e.dos, e.id
                FOR UPDATE OF e"""),
        {
            "dos": service_date,
            "acct": account_no.strip(),
            "payer": payer_code.strip(),
            "memo": f"opening balance (original claim {original_claim_no.strip()})",
        },
    ).all()
    if not rows:
        raise OpeningPaymentRefused(
            f"account {account_no.strip().upper()} has no opening balance from payer "
            f"{payer_code.strip()} for original claim {original_claim_no.strip()}"
            + ("" if service_date is None else f" on {service_date.isoformat()}")
        )
    if len(rows) > 1:  # one original claim brought in on several dates: say which
        dates = ", ".join(sorted({row.dos.isoformat() for row in rows}))
        raise OpeningPaymentRefused(
            f"original claim {original_claim_no.strip()} has opening balances on {dates}: "
            "give the date of service the check pays"
        )
    r = rows[0]
    owed = conn.execute(
        text("""SELECT coalesce(sum(amount), 0) FROM ledger_entry
                WHERE encounter_id = :e AND responsibility = :r"""),
        {"e": r.id, "r": r.responsibility},
    ).scalar_one()
    return OpeningOwed(
        int(r.id),
        int(r.patient_id),
        str(r.responsibility),
        Decimal(owed),
        r.dos,
        int(r.payer_id),
        str(r.payer_name),
    )


def post_payer_payment(
    conn: Connection,
    owed: OpeningOwed,
    paid: Decimal,
    adjusted: Decimal,
    check_no: str,
    paid_on: date,
    actor: str,
) -> int:
    """The check as a remittance and its entries on the visit (caller's transaction); its id."""
    taken = conn.execute(
        text("SELECT imported_at FROM remittance WHERE payer_id = :p AND trace_no = :t"),
        {"p": owed.payer_id, "t": check_no},
    ).scalar()
    if taken is not None:
        raise OpeningPaymentRefused(
            f"check {check_no} from {owed.payer_name} is posted already ({taken:%m/%d/%Y})"
        )
    if paid + adjusted > owed.owed:
        raise OpeningPaymentRefused(
            f"{paid + adjusted} is more than the {owed.owed} {owed.payer_name} owes on it"
        )
    remit_id = int(
        conn.execute(
            text("""INSERT INTO remittance (payer_id, trace_no, method, amount, paid_on,
                        imported_by)
                    VALUES (:p, :t, 'CHK', :amt, :on, :a) RETURNING id"""),
            {"p": owed.payer_id, "t": check_no, "amt": paid, "on": paid_on, "a": actor},
        ).scalar_one()
    )
    memo = f"{owed.payer_name} check {check_no} on an opening balance"
    for kind, amount in (("payment", paid), ("adjustment", adjusted)):
        if amount:
            conn.execute(
                text("""INSERT INTO ledger_entry (patient_id, encounter_id, remittance_id, kind,
                            responsibility, amount, service_date, posted_by, memo)
                        VALUES (:pt, :e, :rid, :k, :r, :amt, :d, :a, :m)"""),
                {
                    "pt": owed.patient_id,
                    "e": owed.encounter_id,
                    "rid": remit_id,
                    "k": kind,
                    "r": owed.responsibility,
                    "amt": -amount,
                    "d": owed.service_date,
                    "a": actor,
                    "m": memo[:200],
                },
            )
    record_audit(
        conn,
        actor,
        "opening-payment",
        "remittance",
        remit_id,
        f"paid {paid}, adjusted {adjusted} on opening visit {owed.encounter_id}",
    )
    return remit_id
