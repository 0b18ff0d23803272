"""Posting 835 remittances to the append-only ledger: the rows of a chunk of claims in a fixed
number of statements (`remit_posting.RemitPosting` posts a payment chunk by chunk), and one
claim payment of an already posted remittance (unmatched, repost).

`LIVE` says which ledger entries count; undoing a payment is `remit_undo`, the ledger's
self-check `ledger_check`, reading an 835's payer and claims `remit_lookup`."""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import date
from decimal import Decimal
from typing import Any

from sqlalchemy import Connection, text

from medbill_tui.db.repositories import claim_status
from medbill_tui.db.repositories.bulk import execute_rows
from medbill_tui.db.repositories.secondary import sync_secondary_claims
from medbill_tui.domain.claim_state import ClaimStatus
from medbill_tui.domain.posting import ZERO, plan_claim_posting
from medbill_tui.domain.routing import DenialFacts, RuleSet
from medbill_tui.edi.line_match import match_services, service_keys
from medbill_tui.edi.x835 import ClaimPay


class PostingRefused(Exception):
    """The remittance cannot be posted (unknown payer, already posted); nothing changed."""


class AlreadyPosted(PostingRefused):
    """The same payment (payer, TRN02, amount and date) was posted before: a repeat."""


class PaymentConflict(PostingRefused):
    """A payment with the same payer and TRN02 but another amount or date was posted before."""


def live(alias: str) -> str:
    """SQL: ledger row `alias` counts (it is not reversed, or its reversal was itself
    reversed)."""
    return (
        f"NOT EXISTS (SELECT 1 FROM ledger_entry x WHERE x.reverses_id = {alias}.id AND NOT "
        f"EXISTS (SELECT 1 FROM ledger_entry z WHERE z.reverses_id = x.id))"
    )


LIVE = live("le")
"""SQL: entry `le` counts."""


@dataclass
class PostingSummary:
    trace_no: str
    payer_name: str
    amount: Decimal
    matched: int = 0
    unmatched: int = 0
    paid: Decimal = ZERO
    denials: int = 0
    reversals: int = 0
    remittance_id: int | None = None
    notes: list[str] = field(default_factory=list)
    warnings: list[str] = field(default_factory=list)
    """What a payer reported that was not posted (more than a responsibility owed), in words."""


def _new_ids(conn: Connection, table: str, count: int) -> list[int]:
    if not count:
        return []
    return list(
        conn.execute(
            text("SELECT nextval(pg_get_serial_sequence(:t, 'id')) FROM generate_series(1, :n)"),
            {"t": table, "n": count},
        ).scalars()
    )


@dataclass
class _Batch:
    """Rows of one remittance, written with one executemany per table."""

    payments: list[dict[str, Any]] = field(default_factory=list)
    services: list[dict[str, Any]] = field(default_factory=list)
    adjustments: list[dict[str, Any]] = field(default_factory=list)
    remarks: list[dict[str, Any]] = field(default_factory=list)
    ledger: list[dict[str, Any]] = field(default_factory=list)
    items: list[dict[str, Any]] = field(default_factory=list)
    unmatched: list[dict[str, Any]] = field(default_factory=list)
    statuses: list[dict[str, Any]] = field(default_factory=list)
    payer_numbers: list[dict[str, Any]] = field(default_factory=list)
    moved: dict[tuple[int, str], Decimal] = field(default_factory=dict)
    """(encounter, responsibility) -> what this batch changed since the contexts were read."""

    def note_moved(self, encounter_id: int, responsibility: str, amount: Decimal) -> None:
        key = (encounter_id, responsibility)
        self.moved[key] = self.moved.get(key, ZERO) + amount


def _payment_rows(
    batch: _Batch,
    remit_id: int,
    cp_id: int,
    claim_id: int | None,
    claim: ClaimPay,
    sp_ids: list[int],
    lines: dict[int, list[tuple[int, str, Decimal]]],
) -> None:
    batch.payments.append(
        {
            "id": cp_id,
            "r": remit_id,
            "c": claim_id,
            "pcn": claim.pcn[:38],
            "st": claim.status[:2],
            "charge": claim.charge,
            "paid": claim.paid,
            "pr": claim.patient_resp,
            "pcc": claim.payer_claim_no[:50] or None,
        }
    )
    batch.adjustments += [
        {"cp": cp_id, "sp": None, "g": a.group, "carc": a.carc[:5], "amt": a.amount}
        for a in claim.adjustments
    ]
    ours = lines.get(claim_id or 0, [])
    keys = service_keys(claim.services)
    matched = match_services([(code, charge) for _, code, charge in ours], keys)
    for service, index in zip(claim.services, matched, strict=True):
        sp = sp_ids.pop()
        line_id = ours[index][0] if index is not None else None
        batch.services.append(
            {
                "id": sp,
                "cp": cp_id,
                "l": line_id,
                "code": service.code[:5],
                "charge": service.charge,
                "paid": service.paid,
                "units": service.units,
            }
        )
        batch.adjustments += [
            {"cp": cp_id, "sp": sp, "g": a.group, "carc": a.carc[:5], "amt": a.amount}
            for a in service.adjustments
        ]
    remarks = set(claim.remarks) | {r for s in claim.services for r in s.remarks}
    batch.remarks += [{"cp": cp_id, "code": r[:6]} for r in sorted(remarks)]


_INSERTS = {
    "payments": """INSERT INTO claim_payment (id, remittance_id, claim_id, patient_control_no,
                       status_code, charge, paid, patient_responsibility, payer_claim_no)
                   VALUES (:id, :r, :c, :pcn, :st, :charge, :paid, :pr, :pcc)""",
    "services": """INSERT INTO service_payment (id, claim_payment_id, claim_line_id, code,
                       charge, paid, units)
                   VALUES (:id, :cp, :l, :code, :charge, :paid, :units)""",
    "adjustments": """INSERT INTO adjustment (claim_payment_id, service_payment_id, group_code,
                          carc, amount) VALUES (:cp, :sp, :g, :carc, :amt)""",
    "remarks": "INSERT INTO remark (claim_payment_id, code) VALUES (:cp, :code)",
    "ledger": """INSERT INTO ledger_entry (patient_id, encounter_id, claim_id, remittance_id,
                     kind, responsibility, amount, service_date, posted_by, memo)
                 VALUES (:p, :e, :c, :r, :k, :resp, :amt, :d, :a, :m)""",
    "items": """INSERT INTO work_item (kind, claim_id, patient_id, group_code, carc, rarc,
                    amount, opened_on, due_on, detail, category, action)
                VALUES (:kind, :c, :p, :g, :carc, :rarc, :amt, :d, :due, :detail, :cat, :act)""",
    "unmatched": """INSERT INTO work_item (kind, amount, opened_on, detail, source,
                        claim_payment_id, patient_control_no, payer_claim_no, patient_name)
                    VALUES ('unmatched', :amt, :d, :detail, '835', :cp, :pcn, :pcc, :name)""",
}

_PAYER_NUMBERS = """UPDATE claim SET payer_claim_no = v.pcc
                    FROM unnest(CAST(:ids AS bigint[]), CAST(:pccs AS text[])) AS v(id, pcc)
                    WHERE claim.id = v.id"""
"""The payer's claim numbers (CLP07) of a chunk in one statement instead of one per claim."""


def _write(conn: Connection, batch: _Batch) -> None:
    for name, sql in _INSERTS.items():
        rows = getattr(batch, name)
        if rows:
            execute_rows(conn, sql, rows)  # one COPY per table
    if batch.payer_numbers:
        numbers = {row["id"]: row["pcc"] for row in batch.payer_numbers}  # a claim's last wins
        conn.execute(text(_PAYER_NUMBERS), {"ids": list(numbers), "pccs": list(numbers.values())})
    _move_claims(conn, batch.statuses)


def _move_claims(conn: Connection, moves: list[dict[str, Any]]) -> None:
    """The payer's decisions, one `claim_status.move` per new state. A claim the decision
    does not fit (void, replaced, not sent) or that changed since it was read keeps its state;
    its money is posted all the same. For one claim twice, the first decision counts, but a
    reversal (CLP02 = 22) never outweighs the payer's new decision in the same file (the
    correction), whichever comes first: the claim ends as the correction says."""
    chosen: dict[int, dict[str, Any]] = {}
    for m in moves:
        held = chosen.get(m["id"])
        if held is None or (held.get("reversal") and not m.get("reversal")):
            chosen[m["id"]] = m
    by_target: dict[str, list[dict[str, Any]]] = {}
    for m in chosen.values():
        if m["new"] != m["old"]:
            by_target.setdefault(m["new"], []).append(m)
    for to, group in by_target.items():
        claim_status.move(
            conn,
            [m["id"] for m in group],
            ClaimStatus(to),
            group[0]["a"],
            [m["detail"] for m in group],
            as_read=[ClaimStatus(m["old"]) for m in group],
            skip_illegal=True,
        )


def _claim_entry_counts(alias: str) -> str:
    """SQL: ledger row `alias` is one of a CLP's own entries that still counts (not a reversal,
    not a PLB take-back, which is a positive payment row the same check made)."""
    return (
        f"{alias}.kind <> 'reversal' AND NOT ({alias}.kind = 'payment' AND {alias}.amount > 0) "
        f"AND {live(alias)}"
    )


_REVERSIBLE = f"""le.claim_id = :c AND {_claim_entry_counts("le")}
    AND le.remittance_id = (
        SELECT min(cp.remittance_id) FROM claim_payment cp
        JOIN remittance r ON r.id = cp.remittance_id
        WHERE cp.claim_id = :c AND cp.status_code <> '22' AND r.status = 'posted'
          AND cp.remittance_id <> :r AND (cp.payer_claim_no = :pcc OR :pcc = '')
          AND EXISTS (SELECT 1 FROM ledger_entry le2 WHERE le2.remittance_id = cp.remittance_id
                      AND le2.claim_id = :c AND {_claim_entry_counts("le2")}))"""
"""SQL: the live entries of the one earlier payment of this payer claim number (CLP07) on
claim :c that a reversal in payment :r takes back: the oldest whose entries still count."""


def reversal_problem(conn: Connection, claim_id: int, claim: ClaimPay, remit_id: int) -> str | None:
    """Why a CLP02 = 22 cannot reverse what was posted on our claim (None: it can). It must
    name an earlier payment of the same payer claim number that still counts, and take back
    exactly what that payment paid."""
    params = {"c": claim_id, "r": remit_id, "pcc": claim.payer_claim_no}
    count, paid = conn.execute(
        text(
            "SELECT count(*), coalesce(sum(amount) FILTER (WHERE le.kind = 'payment'), 0) "
            f"FROM ledger_entry le WHERE {_REVERSIBLE}"
        ),
        params,
    ).one()
    which = f"payer claim {claim.payer_claim_no}" if claim.payer_claim_no else "no payer claim no"
    if not count:
        return (
            f"reversal of claim {claim.pcn} ({which}): nothing this payer posted on it is left "
            f"to take back"
        )
    if paid != claim.paid:
        return (
            f"reversal of claim {claim.pcn} ({which}) takes back {-claim.paid}, but the payment "
            f"it reverses paid {-paid}"
        )
    return None


def _reverse_claim(
    conn: Connection, batch: _Batch, claim_id: int, remit_id: int, actor: str, payer_claim_no: str
) -> int:
    """CLP02 = 22: reverse the entries of the earlier payment it names (`reversal_problem`
    checked that they are there and that the amounts agree)."""
    done = conn.execute(
        text(f"""INSERT INTO ledger_entry (patient_id, encounter_id, claim_id, remittance_id, kind,
                    responsibility, amount, service_date, posted_by, reverses_id, memo)
                SELECT le.patient_id, le.encounter_id, le.claim_id, :r, 'reversal',
                       le.responsibility, -le.amount, le.service_date, :a, le.id,
                       'payer reversed ' || le.kind
                FROM ledger_entry le
                WHERE {_REVERSIBLE}
                RETURNING encounter_id, responsibility, amount"""),
        {"r": remit_id, "a": actor, "c": claim_id, "pcc": payer_claim_no},
    ).all()
    for row in done:
        batch.note_moved(row.encounter_id, row.responsibility, row.amount)
    return len(done)


def _add_matched(
    conn: Connection,
    batch: _Batch,
    summary: PostingSummary,
    ctx: Any,
    claim: ClaimPay,
    remit_id: int,
    paid_on: date,
    actor: str,
    rules: RuleSet,
    payer_code: str = "",
) -> None:
    """What one CLP matched to our claim `ctx` posts: ledger entries, denials (routed by
    `rules`), status. What it may move off the claim's responsibility is what `ctx.owed` says
    and what this batch moved since."""
    trace_no = summary.trace_no
    summary.matched += 1
    summary.paid += claim.paid
    if claim.status == "22":
        summary.reversals += _reverse_claim(
            conn, batch, ctx.id, remit_id, actor, claim.payer_claim_no
        )
        batch.statuses.append(
            {
                "id": ctx.id,
                "old": ctx.status,
                "new": "acknowledged_277ca",
                "a": actor,
                "detail": f"835 {trace_no}: payer reversed its earlier payment",
                "reversal": True,
            }
        )
        return
    responsibility = {1: "primary", 2: "secondary"}.get(ctx.priority, "tertiary")
    next_up = "secondary" if ctx.has_next and ctx.priority == 1 else "patient"
    owed = Decimal(ctx.owed) + batch.moved.get((ctx.encounter_id, responsibility), ZERO)
    plan = plan_claim_posting(claim, responsibility, next_up, owed=owed)
    for e in plan.entries:
        batch.note_moved(ctx.encounter_id, e.responsibility, e.amount)
    summary.warnings += plan.notes
    batch.ledger += [
        {
            "p": ctx.patient_id,
            "e": ctx.encounter_id,
            "c": ctx.id,
            "r": remit_id,
            "k": e.kind,
            "resp": e.responsibility,
            "amt": e.amount,
            "d": ctx.dos,
            "a": actor,
            "m": e.memo,
        }
        for e in plan.entries
    ]
    for denial in plan.denials:
        facts = DenialFacts(denial.group, denial.carc, denial.rarc, denial.amount, payer_code)
        route = rules.route(facts)
        batch.items.append(
            {
                "kind": "denial",
                "c": ctx.id,
                "p": ctx.patient_id,
                "g": denial.group,
                "carc": denial.carc[:5],
                "rarc": denial.rarc[:6] or None,
                "amt": denial.amount,
                "d": paid_on,
                "due": route.due_on(paid_on),
                "cat": route.category,
                "act": route.action,
                "detail": f"835 {trace_no}"
                + (f", line {denial.line_code}" if denial.line_code else ""),
            }
        )
    summary.denials += len(plan.denials)
    if claim.payer_claim_no:
        batch.payer_numbers.append({"pcc": claim.payer_claim_no[:50], "id": ctx.id})
    words = f"835 {trace_no}: {claim.status_words}, paid {claim.paid}"
    batch.statuses.append(  # kept even when unchanged: it outweighs a reversal in the file
        {"id": ctx.id, "old": ctx.status, "new": plan.status, "a": actor, "detail": words}
    )


def post_matched_claim(
    conn: Connection,
    ctx: Any,
    claim: ClaimPay,
    remit_id: int,
    trace_no: str,
    paid_on: date,
    actor: str,
    rules: RuleSet,
) -> PostingSummary:
    """Post one CLP of an already posted remittance to our claim `ctx` (from
    `claim_context`), exactly as `RemitPosting` posts a matched claim."""
    summary = PostingSummary(trace_no, "", claim.paid, remittance_id=remit_id)
    batch = _Batch()
    payer_code = conn.execute(
        text(
            "SELECT py.payer_code FROM remittance r JOIN payer py ON py.id = r.payer_id "
            "WHERE r.id = :r"
        ),
        {"r": remit_id},
    ).scalar()
    _add_matched(
        conn, batch, summary, ctx, claim, remit_id, paid_on, actor, rules, payer_code or ""
    )
    _write(conn, batch)
    summary.notes += summary.warnings
    summary.notes += sync_secondary_claims(
        conn, remit_id, trace_no, actor, paid_on, undo=False, only=[ctx.id]
    )
    return summary
