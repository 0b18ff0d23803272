"""The other payers of claims about to be sent (their 837P 2320/2330/2430 loops).

Every other coverage of the patient on the date of service (one per priority other than the
claim's own) is an other payer. A payer of lower priority that has paid a claim of the same
visit (its latest posted payment that is not a reversal) carries its adjudication: paid,
claim-level CAS, and for each of our lines the SVC that paid it: matched by the line posting
linked it to (same line number: a secondary claim copies the primary's lines), else by code,
else by charge.
"""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from decimal import Decimal
from typing import Any

from sqlalchemy import Connection, text

from medbill_tui.edi.line_match import ServiceKey, match_services
from medbill_tui.edi.x837_records import (
    Address,
    ClaimAdjudication,
    LineAdjudication,
    LineOut,
    OtherPayer,
    Person,
)

RESPONSIBILITY = {1: "P", 2: "S", 3: "T"}

_COVERAGES = """
    SELECT DISTINCT ON (s.id, oc.priority) s.id AS claim_id, oc.priority, oc.member_id,
           oc.group_no, oc.relationship, oc.subscriber_first_name, oc.subscriber_last_name,
           oc.subscriber_dob, oc.subscriber_sex, py.name AS payer_name, py.payer_code,
           py.claim_filing_indicator, pt.first_name, pt.last_name, pt.dob, pt.sex, pt.address1,
           pt.city, pt.state, pt.zip, pay.cp_id, pay.paid, pay.payer_claim_no, pay.paid_on
    FROM claim s JOIN coverage sc ON sc.id = s.coverage_id
    JOIN encounter e ON e.id = s.encounter_id JOIN patient pt ON pt.id = s.patient_id
    JOIN coverage oc ON oc.patient_id = s.patient_id AND oc.priority <> sc.priority
    JOIN payer py ON py.id = oc.payer_id
    LEFT JOIN LATERAL (
        SELECT cp.id AS cp_id, cp.paid, cp.payer_claim_no, r.paid_on
        FROM claim p JOIN claim_payment cp ON cp.claim_id = p.id AND cp.status_code <> '22'
        JOIN remittance r ON r.id = cp.remittance_id AND r.status = 'posted'
        WHERE p.encounter_id = s.encounter_id AND p.coverage_id = oc.id
          AND oc.priority < sc.priority
        ORDER BY cp.id DESC LIMIT 1) pay ON TRUE
    WHERE s.id = ANY(:ids)
      AND (pay.cp_id IS NOT NULL OR (oc.effective_from <= e.dos
           AND (oc.effective_to IS NULL OR oc.effective_to >= e.dos)))
    ORDER BY s.id, oc.priority, pay.cp_id IS NULL, oc.effective_from DESC, oc.id DESC"""


@dataclass(frozen=True, slots=True)
class _Service:
    line_no: int | None
    code: str
    charge: Decimal
    paid: Decimal
    units: Decimal
    adjustments: tuple[tuple[str, str, Decimal], ...]


def other_payers(
    conn: Connection, lines: Mapping[int, Sequence[tuple[int, LineOut]]]
) -> dict[int, tuple[OtherPayer, ...]]:
    """For each claim of `lines` (claim id -> its (line number, line) in order), its other
    payers in priority order (three queries whatever the number of claims)."""
    heads = conn.execute(text(_COVERAGES), {"ids": list(lines)}).all()
    cps = [h.cp_id for h in heads if h.cp_id is not None]
    claim_cas, services = _payments(conn, cps) if cps else ({}, {})
    out: dict[int, list[OtherPayer]] = defaultdict(list)
    for h in heads:
        adjudication = None
        if h.cp_id is not None:
            adjudication = ClaimAdjudication(
                Decimal(h.paid),
                tuple(claim_cas.get(h.cp_id, ())),
                h.paid_on,
                _line_adjudications(lines[h.claim_id], services.get(h.cp_id, [])),
                h.payer_claim_no or "",
            )
        out[h.claim_id].append(
            OtherPayer(
                h.payer_name,
                h.payer_code,
                h.member_id,
                _subscriber(h),
                RESPONSIBILITY[h.priority],
                h.claim_filing_indicator,
                h.relationship,
                h.group_no or "",
                adjudication,
            )
        )
    return {claim_id: tuple(payers) for claim_id, payers in out.items()}


def _subscriber(h: Any) -> Person:
    """The other coverage's subscriber: the patient (self), else as the coverage names them
    (their address is not known)."""
    if h.relationship == "18":
        address = Address(h.address1, h.city, h.state, h.zip)
        return Person(h.last_name, h.first_name, h.dob, h.sex, address, h.member_id)
    return Person(
        h.subscriber_last_name or h.last_name,
        h.subscriber_first_name or "",
        h.subscriber_dob,
        h.subscriber_sex or "U",
        None,
        h.member_id,
    )


def _payments(
    conn: Connection, cps: list[int]
) -> tuple[dict[int, list[tuple[str, str, Decimal]]], dict[int, list[_Service]]]:
    """Claim-level CAS and SVC lines (835 order) of the claim payments `cps`."""
    claim_cas: dict[int, list[tuple[str, str, Decimal]]] = defaultdict(list)
    line_cas: dict[int, list[tuple[str, str, Decimal]]] = defaultdict(list)
    for a in conn.execute(
        text(
            "SELECT claim_payment_id, service_payment_id, group_code, carc, amount "
            "FROM adjustment WHERE claim_payment_id = ANY(:cps) ORDER BY id"
        ),
        {"cps": cps},
    ):
        triplet = (a.group_code, a.carc, Decimal(a.amount))
        if a.service_payment_id is None:
            claim_cas[a.claim_payment_id].append(triplet)
        else:
            line_cas[a.service_payment_id].append(triplet)
    services: dict[int, list[_Service]] = defaultdict(list)
    for sp in conn.execute(  # posting hands service ids out last-first
        text(
            "SELECT sp.id, sp.claim_payment_id, sp.code, sp.charge, sp.paid, sp.units, "
            "cl.line_no FROM service_payment sp LEFT JOIN claim_line cl ON cl.id = "
            "sp.claim_line_id WHERE sp.claim_payment_id = ANY(:cps) "
            "ORDER BY sp.claim_payment_id, sp.id DESC"
        ),
        {"cps": cps},
    ):
        services[sp.claim_payment_id].append(
            _Service(
                sp.line_no,
                sp.code,
                Decimal(sp.charge),
                Decimal(sp.paid),
                Decimal(sp.units),
                tuple(line_cas[sp.id]),
            )
        )
    return claim_cas, services


def _line_adjudications(
    ours: Sequence[tuple[int, LineOut]], services: list[_Service]
) -> tuple[LineAdjudication | None, ...]:
    """Each of our lines' SVC (None: the payer sent none for it)."""
    index = {line_no: i for i, (line_no, _) in enumerate(ours)}
    keys = [
        ServiceKey(s.code, "", s.charge, index.get(s.line_no) if s.line_no else None)
        for s in services
    ]
    matched = match_services([(line.code, line.charge) for _, line in ours], keys)
    out: list[LineAdjudication | None] = [None] * len(ours)
    for service, i in zip(services, matched, strict=True):
        if i is None:
            continue
        line = ours[i][1]
        modifiers = line.modifiers if service.code == line.code else ()
        out[i] = LineAdjudication(
            service.code, modifiers, service.paid, service.units, service.adjustments
        )
    return tuple(out)
