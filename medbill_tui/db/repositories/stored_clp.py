"""An 835 claim payment as the payer sent it: re-read from the stored remittance when its bytes
are kept, else rebuilt from the rows posting wrote (claim_payment, service_payment, adjustment,
remark). Posting an unmatched payment and re-posting an undone one both need it."""

from __future__ import annotations

import logging
from decimal import Decimal
from typing import Any

from sqlalchemy import Connection, Row, text

from medbill_tui.edi.x835 import Adjustment, ClaimPay, Remit835, ServicePay, parse_835_all

log = logging.getLogger(__name__)


def from_rows(conn: Connection, r: Row[Any]) -> ClaimPay:
    """The CLP rebuilt from the stored rows (when the file's bytes are not kept)."""
    params = {"cp": r.cp_id}
    adjustments = conn.execute(
        text(
            "SELECT service_payment_id AS sp, group_code, carc, amount FROM adjustment "
            "WHERE claim_payment_id = :cp ORDER BY id"
        ),
        params,
    ).all()
    services = conn.execute(  # posting hands service ids out last-first
        text(
            "SELECT id, code, charge, paid, units FROM service_payment "
            "WHERE claim_payment_id = :cp ORDER BY id DESC"
        ),
        params,
    ).all()
    remarks = (
        conn.execute(
            text("SELECT code FROM remark WHERE claim_payment_id = :cp ORDER BY id"), params
        )
        .scalars()
        .all()
    )
    pr = conn.execute(
        text("SELECT patient_responsibility, payer_claim_no FROM claim_payment WHERE id = :cp"),
        params,
    ).one()

    def adj(sp: int | None) -> tuple[Adjustment, ...]:
        return tuple(
            Adjustment(a.group_code, a.carc, Decimal(a.amount)) for a in adjustments if a.sp == sp
        )

    lines = tuple(
        ServicePay(
            code=s.code,
            qualifier="HC",
            modifiers=(),
            charge=Decimal(s.charge),
            paid=Decimal(s.paid),
            units=Decimal(s.units),
            service_date=None,
            service_end=None,
            adjustments=adj(s.id),
            remarks=(),
            allowed=None,
            line_control_no="",
        )
        for s in services
    )
    return ClaimPay(
        r.patient_control_no,
        r.status_code,
        Decimal(r.charge),
        Decimal(r.paid),
        Decimal(pr.patient_responsibility),
        "",
        pr.payer_claim_no or "",
        "",
        "",
        adj(None),
        lines,
        tuple(remarks),
        "",
        "",
        "",
        "",
        None,
        None,
        None,
    )


def as_interchange(raw: bytes) -> str:
    """A stored payment as a file the 835 reader takes: kept as it is when it is a whole file,
    wrapped in an ISA/GS envelope when only its ST..SE segments were kept."""
    text_ = raw.decode("utf-8", "replace")
    if text_.startswith("ISA") or len(text_) < 4:
        return text_
    element = text_[2]
    term = text_.split("\n", 1)[0].rstrip()[-1]
    component = ":"
    svc = text_.find(f"SVC{element}")
    if svc >= 0 and not text_[svc + 6 : svc + 7].isalnum():
        component = text_[svc + 6]  # SVC01 is a qualifier (HC, AD, ...) then the separator
    repetition = next(c for c in "^{!" if c not in (element, component, term))
    isa = [
        "ISA",
        "00",
        " " * 10,
        "00",
        " " * 10,
        "ZZ",
        "MEDBILL".ljust(15),
        "ZZ",
        "MEDBILL".ljust(15),
        "000101",
        "0000",
        repetition,
        "00501",
        "000000001",
        "0",
        "P",
        component,
    ]
    gs = ["GS", "HP", "MEDBILL", "MEDBILL", "20000101", "0000", "1", "X", "005010X221A1"]
    tail = element.join(["GE", "1", "1"]) + term + element.join(["IEA", "1", "000000001"])
    return element.join(isa) + term + element.join(gs) + term + text_ + tail + term


def claim_pay(conn: Connection, r: Row[Any]) -> ClaimPay:
    """The CLP exactly as the payer sent it: re-read from the stored payment when it is kept
    (claim_payment ids follow the CLP order of their remittance), else rebuilt from rows."""
    raw = conn.execute(
        text("SELECT raw FROM remittance WHERE id = :id"), {"id": r.remittance_id}
    ).scalar()
    if raw is not None:
        index = int(
            conn.execute(
                text("SELECT count(*) FROM claim_payment WHERE remittance_id = :r AND id < :id"),
                {"r": r.remittance_id, "id": r.cp_id},
            ).scalar_one()
        )
        sets: tuple[Remit835, ...]
        try:
            sets = parse_835_all(as_interchange(bytes(raw)))
        except ValueError:
            log.warning("remittance %s: its stored payment does not parse", r.remittance_id)
            sets = ()
        for remit in sets:
            if remit.trace_no[:50] != r.trace_no or index >= len(remit.claims):
                continue
            found = remit.claims[index]
            if (found.pcn[:38], found.paid, found.charge) == (
                r.patient_control_no,
                r.paid,
                r.charge,
            ):
                return found
    return from_rows(conn, r)
