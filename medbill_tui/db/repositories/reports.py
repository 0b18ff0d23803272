"""Report aggregates: aging, denials, payments and productivity, each a few SQL aggregates.

Timestamps (posted_at, closed_at, event times) are read in UTC days: a period [start, end]
is `start 00:00 UTC <= t < end+1 00:00 UTC`.
"""

from __future__ import annotations

from collections import defaultdict
from datetime import date, timedelta
from decimal import Decimal
from typing import Any

from sqlalchemy import Connection, text

from medbill_tui.domain.aging import BUCKETS, bucket_index
from medbill_tui.domain.money import ZERO
from medbill_tui.domain.report_period import day_start
from medbill_tui.edi.codelists import carc_words
from medbill_tui.records.reports import (
    AgingReport,
    AgingRow,
    BucketTotal,
    DenialGroup,
    DenialsReport,
    LedgerKindTotal,
    PayerPayments,
    PaymentsReport,
    ProductivityReport,
    UserProductivity,
)

RESPONSIBILITIES = ("primary", "secondary", "tertiary", "patient")
LEDGER_KINDS = ("charge", "payment", "adjustment", "writeoff", "transfer", "reversal", "opening")
PATIENT_PAYMENTS = "Patient payments"

_PRIORITY = "CASE o.responsibility WHEN 'primary' THEN 1 WHEN 'secondary' THEN 2 ELSE 3 END"

_AGING_SQL = """
    WITH open_item AS (
        SELECT le.encounter_id, le.patient_id, le.responsibility,
               min(le.service_date) AS dos, min(cl.created_on) AS billed,
               max(le.claim_id) AS claim_id, sum(le.amount) AS balance
        FROM {source} le LEFT JOIN claim cl ON cl.id = le.claim_id
        WHERE {posted}
        GROUP BY le.encounter_id, le.patient_id, le.responsibility
        HAVING sum(le.amount) <> 0
    )
    SELECT o.responsibility, {payer} AS payer,
           greatest(CAST(:as_of AS date) - {start}, 0) AS age,
           count(*) AS n, sum(o.balance) AS amount
    FROM open_item o {joins}
    GROUP BY 1, 2, 3"""

_PAYER_SQL = f"""CASE WHEN o.responsibility = 'patient' THEN NULL
    ELSE coalesce(CASE WHEN ccv.priority = {_PRIORITY} THEN cpy.name END, cov.name,
                  '(no coverage on file)') END"""

_PAYER_JOINS = f"""
    LEFT JOIN claim c ON c.id = o.claim_id
    LEFT JOIN coverage ccv ON ccv.id = c.coverage_id
    LEFT JOIN payer cpy ON cpy.id = c.payer_id
    LEFT JOIN LATERAL (
        SELECT py.name FROM coverage cv JOIN payer py ON py.id = cv.payer_id
        WHERE o.responsibility <> 'patient' AND ccv.priority IS DISTINCT FROM {_PRIORITY}
          AND cv.patient_id = o.patient_id AND cv.priority = {_PRIORITY}
          AND cv.effective_from <= o.dos
          AND (cv.effective_to IS NULL OR cv.effective_to >= o.dos)
        ORDER BY cv.effective_from DESC, cv.id DESC LIMIT 1
    ) cov ON TRUE"""
"""The claim's payer when its coverage has the balance's priority; else (secondary and
tertiary balances, mostly) the patient's coverage of that priority on the date of service."""

OUTCOMES = ("open", "written off", "moved to patient", "resubmitted", "worked", "voided")
"""How a denial ended up; the prefixes match the outcomes `denials.close` records."""

_DENIALS_SQL = """
    WITH last_work AS (
        SELECT DISTINCT ON (entity_id) entity_id, detail
        FROM audit_event WHERE entity = 'work_item' AND action = 'work'
        ORDER BY entity_id, at DESC, id DESC
    )
    SELECT coalesce(w.carc, '') AS carc, py.name AS payer,
           CASE WHEN w.status = 'open' THEN 'open'
                WHEN w.status = 'void' THEN 'voided'
                WHEN lw.detail LIKE 'written off%' THEN 'written off'
                WHEN lw.detail LIKE 'transferred%' THEN 'moved to patient'
                WHEN lw.detail LIKE 'resubmitted%' THEN 'resubmitted'
                ELSE 'worked' END AS outcome,
           count(*) AS n, sum(w.amount) AS amount
    FROM work_item w
    JOIN claim c ON c.id = w.claim_id
    JOIN payer py ON py.id = c.payer_id
    LEFT JOIN last_work lw ON lw.entity_id = w.id
    WHERE w.kind = 'denial' AND w.opened_on BETWEEN :start AND :end
    GROUP BY 1, 2, 3"""

_CLOSED_ITEMS_SQL = """
    WITH closing AS (
        SELECT DISTINCT ON (entity_id) entity_id, actor
        FROM audit_event
        WHERE entity = 'work_item' AND action = 'work' AND at >= :s AND at < :e
        ORDER BY entity_id, at DESC, id DESC
    )
    SELECT w.id, w.kind, w.opened_on, w.closed_at,
           coalesce(cl.actor, ce.actor, w.owner) AS u
    FROM work_item w
    LEFT JOIN closing cl ON cl.entity_id = w.id
    LEFT JOIN LATERAL (
        SELECT actor FROM claim_event
        WHERE claim_id = w.claim_id AND at = w.closed_at ORDER BY id LIMIT 1
    ) ce ON TRUE
    WHERE w.status = 'done' AND w.closed_at >= :s AND w.closed_at < :e"""
"""Who closed each work item in the period: the audit row written with the close, else the
claim event of the same transaction (a corrected rejection), else the item's owner."""


def _period(start: date, end: date) -> dict[str, Any]:
    return {"s": day_start(start), "e": day_start(end + timedelta(days=1))}


def aging(conn: Connection, as_of: date, aged_from: str, by_payer: bool) -> AgingReport:
    """Open balances as of `as_of` (rows posted that day or before), in aging buckets."""
    start = "o.dos" if aged_from == "service" else "coalesce(o.billed, o.dos)"
    params = {"as_of": as_of, "cutoff": day_start(as_of + timedelta(days=1))}
    sql = _AGING_SQL.format(
        payer=_PAYER_SQL if by_payer else "NULL",
        start=start,
        joins=_PAYER_JOINS if by_payer else "",
        **_aging_source(conn, params),
    )
    width = len(BUCKETS)
    counts: dict[tuple[str, str | None], list[int]] = defaultdict(lambda: [0] * width)
    amounts: dict[tuple[str, str | None], list[Decimal]] = defaultdict(lambda: [ZERO] * width)
    for r in conn.execute(text(sql), params):
        index = bucket_index(int(r.age))
        counts[(r.responsibility, r.payer)][index] += int(r.n)
        amounts[(r.responsibility, r.payer)][index] += Decimal(r.amount)
    rows = tuple(
        _aging_row(key, counts[key], amounts[key])
        for key in sorted(counts, key=lambda k: (RESPONSIBILITIES.index(k[0]), k[1] or ""))
    )
    labels = [label for label, _, _ in BUCKETS]
    totals = tuple(
        BucketTotal(
            label,
            sum(r.buckets[i].count for r in rows),
            sum((r.buckets[i].amount for r in rows), ZERO),
        )
        for i, label in enumerate(labels)
    )
    return AgingReport(
        as_of=as_of,
        aged_from=aged_from,
        by_payer=by_payer,
        rows=rows,
        buckets=totals,
        count=sum(b.count for b in totals),
        amount=sum((b.amount for b in totals), ZERO),
    )


OPEN_VISIT_SUMS = """(SELECT b.* FROM ledger_balance b
    WHERE (b.patient_id, b.responsibility, b.encounter_id) IN (
        SELECT patient_id, responsibility, encounter_id FROM ledger_balance WHERE amount <> 0))"""


def _aging_source(conn: Connection, params: dict[str, Any]) -> dict[str, str]:
    """Where the aging report's sums come from: `ledger_balance` (migration 0011: the ledger's
    sums per visit, responsibility, claim and date of service, a third of its rows) when
    nothing was posted after the cutoff, else the ledger rows posted before it."""
    later = conn.execute(
        text("SELECT EXISTS (SELECT 1 FROM ledger_entry WHERE posted_at >= :cutoff)"), params
    ).scalar_one()
    if later:
        return {"source": "ledger_entry", "posted": "le.posted_at < :cutoff"}
    # Only visits with an open sum can owe money: their sums, every one (for the dates and
    # claims), through the open-sums index; the rest of the table is never read.
    return {"source": OPEN_VISIT_SUMS, "posted": "TRUE"}


def _aging_row(key: tuple[str, str | None], counts: list[int], amounts: list[Decimal]) -> AgingRow:
    buckets = tuple(
        BucketTotal(label, counts[i], amounts[i]) for i, (label, _, _) in enumerate(BUCKETS)
    )
    return AgingRow(key[0], key[1], buckets, sum(counts), sum(amounts, ZERO))


def _official_carc_words(conn: Connection, codes: list[str]) -> dict[str, str]:
    """The loaded official list's words for `codes` (the queue shows the same words)."""
    if not codes:
        return {}
    rows = conn.execute(
        text("SELECT code, description FROM carc WHERE code = ANY(:codes)"), {"codes": codes}
    )
    return {r.code: r.description for r in rows}


def denials(conn: Connection, start: date, end: date) -> DenialsReport:
    """Denial work items opened in [start, end] by CARC, by payer and by outcome."""
    by_carc: dict[str, list[Any]] = {}
    by_payer: dict[str, list[Any]] = {}
    by_outcome: dict[str, list[Any]] = {}
    for r in conn.execute(text(_DENIALS_SQL), {"start": start, "end": end}):
        is_open = r.outcome == "open"
        for groups, key in ((by_carc, r.carc), (by_payer, r.payer), (by_outcome, r.outcome)):
            group = groups.setdefault(key, [0, ZERO, 0, 0])
            group[0] += int(r.n)
            group[1] += Decimal(r.amount)
            group[2 if is_open else 3] += int(r.n)

    def build(groups: dict[str, list[Any]], words: Any) -> tuple[DenialGroup, ...]:
        ordered = sorted(groups.items(), key=lambda kv: (-kv[1][1], kv[0]))
        return tuple(DenialGroup(k, words(k), g[0], g[1], g[2], g[3]) for k, g in ordered)

    outcomes = tuple(DenialGroup(o, "", *by_outcome[o]) for o in OUTCOMES if o in by_outcome)
    official = _official_carc_words(conn, [code for code in by_carc if code])
    carcs = build(
        by_carc,
        lambda code: carc_words(code, official.get(code)) if code else "(no reason code)",
    )
    return DenialsReport(
        start=start,
        end=end,
        by_carc=carcs,
        by_payer=build(by_payer, lambda _: ""),
        outcomes=outcomes,
        count=sum(g.count for g in outcomes),
        amount=sum((g.amount for g in outcomes), ZERO),
        open=sum(g.open for g in outcomes),
        closed=sum(g.closed for g in outcomes),
    )


def payments(conn: Connection, start: date, end: date) -> PaymentsReport:
    """Ledger rows posted in [start, end]: payments per payer, and totals by kind."""
    params = _period(start, end)
    kinds = {
        r.kind: LedgerKindTotal(r.kind, int(r.n), Decimal(r.amount))
        for r in conn.execute(
            text(
                "SELECT kind, count(*) AS n, sum(amount) AS amount FROM ledger_entry "
                "WHERE posted_at >= :s AND posted_at < :e GROUP BY kind"
            ),
            params,
        )
    }
    to_patient = conn.execute(
        text(
            "SELECT coalesce(sum(amount), 0) FROM ledger_entry WHERE kind = 'transfer' "
            "AND responsibility = 'patient' AND posted_at >= :s AND posted_at < :e"
        ),
        params,
    ).scalar_one()
    payers = tuple(
        PayerPayments(r.payer or PATIENT_PAYMENTS, int(r.remits), int(r.claims), Decimal(r.paid))
        for r in conn.execute(
            text("""SELECT py.name AS payer, count(DISTINCT le.remittance_id) AS remits,
                           count(DISTINCT le.claim_id) FILTER (WHERE le.amount <> 0) AS claims,
                           -sum(le.amount) AS paid
                    FROM ledger_entry le
                    LEFT JOIN remittance r ON r.id = le.remittance_id
                    LEFT JOIN payer py ON py.id = r.payer_id
                    WHERE le.kind = 'payment' AND le.posted_at >= :s AND le.posted_at < :e
                    GROUP BY py.id, py.name
                    ORDER BY py.id IS NULL, py.name"""),
            params,
        )
    )
    every = tuple(kinds.get(k, LedgerKindTotal(k, 0, ZERO)) for k in LEDGER_KINDS)

    def minus(kind: str) -> Decimal:
        return -kinds[kind].amount + ZERO if kind in kinds else ZERO

    return PaymentsReport(
        start=start,
        end=end,
        payers=payers,
        kinds=every,
        payments=minus("payment"),
        contractual=minus("adjustment"),
        write_offs=minus("writeoff"),
        to_patient=Decimal(to_patient) + ZERO,
        reversals=kinds["reversal"].amount if "reversal" in kinds else ZERO,
    )


def productivity(conn: Connection, start: date, end: date) -> ProductivityReport:
    """Per user, from claim events, audit events, notes and closed work items."""
    params = _period(start, end)
    created: dict[str, tuple[int, int]] = {
        r.actor: (int(r.created), int(r.submitted))
        for r in conn.execute(
            text("""SELECT actor, count(*) FILTER (WHERE from_status IS NULL) AS created,
                           count(*) FILTER (WHERE to_status = 'submitted') AS submitted
                    FROM claim_event
                    WHERE at >= :s AND at < :e
                      AND (from_status IS NULL OR to_status = 'submitted')
                    GROUP BY actor"""),
            params,
        )
    }
    worked: dict[str, int] = {
        r.u: int(r.n)
        for r in conn.execute(
            text(f"""WITH closed AS ({_CLOSED_ITEMS_SQL}),
                     touched AS (
                        SELECT id AS item, u FROM closed WHERE u IS NOT NULL
                        UNION SELECT entity_id, actor FROM audit_event
                        WHERE entity = 'work_item' AND at >= :s AND at < :e
                        UNION SELECT entity_id, author FROM note
                        WHERE entity = 'work_item' AND at >= :s AND at < :e
                        UNION SELECT w.id, n.author FROM note n
                        JOIN work_item w ON w.claim_id = n.entity_id
                         AND w.opened_on <= (n.at AT TIME ZONE 'UTC')::date
                         AND (w.closed_at IS NULL OR w.closed_at >= n.at)
                        WHERE n.entity = 'claim' AND n.at >= :s AND n.at < :e)
                     SELECT u, count(DISTINCT item) AS n FROM touched GROUP BY u"""),
            params,
        )
    }
    resolved: dict[str, tuple[int, Decimal | None]] = {
        r.u: (int(r.n), None if r.median is None else Decimal(str(r.median)))
        for r in conn.execute(
            text(f"""WITH closed AS ({_CLOSED_ITEMS_SQL})
                     SELECT u, count(*) AS n,
                            round(CAST(percentile_cont(0.5) WITHIN GROUP (
                                ORDER BY (closed_at AT TIME ZONE 'UTC')::date - opened_on)
                                AS numeric), 1) AS median
                     FROM closed WHERE kind = 'denial' AND u IS NOT NULL GROUP BY u"""),
            params,
        )
    }
    users = sorted(set(created) | set(worked) | set(resolved))
    return ProductivityReport(
        start=start,
        end=end,
        users=tuple(
            UserProductivity(
                user=u,
                items_worked=worked.get(u, 0),
                claims_created=created.get(u, (0, 0))[0],
                claims_submitted=created.get(u, (0, 0))[1],
                denials_resolved=resolved.get(u, (0, None))[0],
                median_days_to_resolve=resolved.get(u, (0, None))[1],
            )
            for u in users
        ),
    )
