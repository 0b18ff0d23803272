"""The four work queues: keyset-paged reads and cheap aggregate counts.

Every page is one query with a stable order whose last key is the row's id, so rows that tie
on the leading key are neither skipped nor repeated. No OFFSET, no query per row.
"""

from __future__ import annotations

from collections.abc import Callable, Sequence
from datetime import date, datetime, timedelta
from decimal import Decimal
from typing import Any

from sqlalchemy import Connection, Row, text

from medbill_tui.db.claim_sql import pending_claim_sql, status_in, status_list
from medbill_tui.db.repositories.counters import queue_summaries
from medbill_tui.db.repositories.queue_balances import BalanceQueries
from medbill_tui.db.repositories.queue_match import (
    account_match_sql,
    claim_match_sql,
    patient_match_sql,
)
from medbill_tui.db.repositories.queue_rejections import rejections_page
from medbill_tui.db.repositories.reference import payer_options
from medbill_tui.db.repositories.scrubbing import scrub_encounters
from medbill_tui.db.repositories.work import HOLDER_SQL
from medbill_tui.domain.aging import age_in_days
from medbill_tui.domain.claim_state import LABELS, ClaimStatus
from medbill_tui.edi.codelists import carc_words
from medbill_tui.records.queues import (
    BalanceRow,
    BalanceTotals,
    Cursor,
    DenialRow,
    Page,
    PayerOption,
    PendingClaimRow,
    QueueFilter,
    QueueKind,
    QueueRow,
    QueueSummary,
    Timers,
    UnbilledRow,
)

PATIENT_NAME = "p.last_name || ', ' || p.first_name"


ANSWERS = {
    ClaimStatus.ACCEPTED_999: "999 ok",
    ClaimStatus.REJECTED_999: "999 rej",
    ClaimStatus.ACKNOWLEDGED_277CA: "277 ok",
    ClaimStatus.REJECTED_277CA: "277 rej",
}
"""The claim states only a 999 or 277CA moves a claim to, and how the queue shows them."""

ANSWER_STATES = f"({status_list(ANSWERS)})"


_WAITING_999 = (ClaimStatus.SUBMITTED,)
_WAITING_277CA = (ClaimStatus.SUBMITTED, ClaimStatus.ACCEPTED_999)
_WAITING_PAYMENT = (ClaimStatus.ACKNOWLEDGED_277CA,)
"""The states each timer of the pending queue watches (no 999, no 277CA, no payment yet)."""


def _only(ids: list[int] | None, column: str, params: dict[str, Any]) -> str:
    """' AND column = ANY(:ids)' with the ids bound, or '' (no narrowing) for None."""
    if ids is None:
        return ""
    params["ids"] = ids
    return f" AND {column} = ANY(CAST(:ids AS bigint[]))"


def last_ack_text(status: str | None, at: datetime | None) -> str:
    """'999 ok 11/03' or '277 rej 11/05': the latest clearinghouse answer, short."""
    if status is None or at is None:
        return ""
    return f"{ANSWERS[ClaimStatus(status)]} {at:%m/%d}"


class QueueRepository:
    """Reads the work queues on one connection; `today` anchors every age."""

    def __init__(
        self,
        conn: Connection,
        today: date,
        timers: Timers | None = None,
        aging_from: str = "service",
    ) -> None:
        self.conn = conn
        self.today = today
        self.timers = timers or Timers()
        self.aging_from = aging_from

    def page(
        self, kind: QueueKind, filt: QueueFilter, after: Cursor | None, limit: int
    ) -> Page[QueueRow]:
        """One page of `kind` after `after` (None: from the start)."""
        if limit < 1:
            raise ValueError("a page needs at least one row")
        reader: dict[QueueKind, Callable[[QueueFilter, Cursor | None, int], Page[Any]]] = {
            QueueKind.UNBILLED: self.unbilled_page,
            QueueKind.PENDING_CLAIMS: self.pending_page,
            QueueKind.REJECTIONS: self.rejections_page,
            QueueKind.DENIALS: self.denials_page,
            QueueKind.BALANCES: self.balances_page,
        }
        page: Page[QueueRow] = reader[kind](filt, after, limit)
        return page

    def rows_by_id(self, kind: QueueKind, ids: Sequence[int]) -> tuple[QueueRow, ...]:
        """The rows of `kind` with these ids (work items; pending claims: claims) that are
        still in the list, read as a page would show them: one query, at most len(ids) rows.
        An id missing from the answer has left the list (closed, sent, adjudicated)."""
        readers: dict[QueueKind, Callable[..., Page[Any]]] = {
            QueueKind.PENDING_CLAIMS: self.pending_page,
            QueueKind.REJECTIONS: self.rejections_page,
            QueueKind.DENIALS: self.denials_page,
        }
        wanted = sorted(set(ids))
        if kind not in readers or not wanted:
            return ()
        page = readers[kind](QueueFilter(), None, len(wanted), ids=wanted)
        return tuple(page.rows)

    def _fetch(self, sql: str, params: dict[str, Any]) -> Sequence[Row[Any]]:
        return self.conn.execute(text(sql), params).all()

    @staticmethod
    def _page(rows: list[Any], keys: list[Cursor], limit: int) -> Page[Any]:
        has_more = len(rows) > limit
        rows = rows[:limit]
        cursor = keys[len(rows) - 1] if has_more else None
        return Page(rows=tuple(rows), next_cursor=cursor)

    def unbilled_page(self, filt: QueueFilter, after: Cursor | None, limit: int) -> Page[Any]:
        """Encounters not yet billed, oldest date of service first."""
        params: dict[str, Any] = {"limit": limit + 1}
        where = "e.status = 'unbilled'"
        if after is not None:
            where += " AND (e.dos, e.id) > (:after_dos, :after_id)"
            params["after_dos"] = date.fromisoformat(str(after[0]))
            params["after_id"] = int(after[1])
        where += patient_match_sql(filt, params, "e.patient_id")
        if filt.payer_id is not None:
            where += " AND cv.payer_id = :payer_id"
            params["payer_id"] = filt.payer_id
        sql = f"""
            SELECT e.id, e.dos, {PATIENT_NAME} AS patient, p.account_no,
                   pr.last_name || ', ' || pr.first_name AS provider,
                   coalesce(py.name, 'Self-pay') AS payer, e.coverage_id IS NULL AS self_pay,
                   coalesce((SELECT sum(c.amount) FROM charge c WHERE c.encounter_id = e.id), 0)
                     AS charges
            FROM encounter e
            JOIN patient p ON p.id = e.patient_id
            JOIN provider pr ON pr.id = e.provider_id
            LEFT JOIN coverage cv ON cv.id = e.coverage_id
            LEFT JOIN payer py ON py.id = cv.payer_id
            WHERE {where}
            ORDER BY e.dos, e.id
            LIMIT :limit"""
        result = self._fetch(sql, params)
        counts = self._finding_counts([r.id for r in result[:limit]])
        rows = [
            UnbilledRow(
                encounter_id=r.id,
                dos=r.dos,
                patient_name=r.patient,
                account_no=r.account_no,
                provider_name=r.provider,
                payer_name=r.payer,
                charges=Decimal(r.charges),
                age_days=age_in_days(r.dos, self.today),
                errors=counts.get(r.id, (0, 0))[0],
                warnings=counts.get(r.id, (0, 0))[1],
                self_pay=r.self_pay,
            )
            for r in result
        ]
        keys: list[Cursor] = [(r.dos.isoformat(), r.id) for r in result]
        return self._page(rows, keys, limit)

    def _finding_counts(self, encounter_ids: list[int]) -> dict[int, tuple[int, int]]:
        """(errors, warnings) the scrubber finds on each encounter of a page."""
        out: dict[int, tuple[int, int]] = {}
        for eid, findings in scrub_encounters(self.conn, encounter_ids, self.today).items():
            errors = sum(1 for f in findings if f.severity.value == "error")
            out[eid] = (errors, len(findings) - errors)
        return out

    def pending_page(
        self, filt: QueueFilter, after: Cursor | None, limit: int, *, ids: list[int] | None = None
    ) -> Page[Any]:
        """Claims out with payers and not yet adjudicated, longest waiting first (`ids`: only
        these claims)."""
        params: dict[str, Any] = {"limit": limit + 1}
        where = pending_claim_sql("c.status") + _only(ids, "c.id", params)
        if after is not None:
            where += " AND (coalesce(c.submitted_on, c.created_on), c.id) > (:after_d, :after_id)"
            params["after_d"] = date.fromisoformat(str(after[0]))
            params["after_id"] = int(after[1])
        where += claim_match_sql(filt, params, "c.id")
        if filt.payer_id is not None:
            where += " AND c.payer_id = :payer_id"
            params["payer_id"] = filt.payer_id
        where += self._timer_sql(filt.timer, params)
        sql = f"""
            SELECT c.id, c.claim_no, {PATIENT_NAME} AS patient, p.account_no, py.name AS payer,
                   c.submitted_on, c.status, c.total_charge, c.encounter_id, c.version,
                   coalesce(c.submitted_on, c.created_on) AS since,
                   ack.to_status AS ack_status, ack.at AS ack_at,
                   asked.category AS status_category, asked.answered_on AS status_on
            FROM claim c
            JOIN patient p ON p.id = c.patient_id
            JOIN payer py ON py.id = c.payer_id
            LEFT JOIN LATERAL (
                SELECT ev.to_status, ev.at FROM claim_event ev
                WHERE ev.claim_id = c.id AND ev.to_status IN {ANSWER_STATES}
                ORDER BY ev.at DESC, ev.id DESC LIMIT 1
            ) ack ON TRUE
            LEFT JOIN LATERAL (  -- the payer's last answer to a 276
                SELECT s.category, s.answered_on FROM claim_status_check s
                WHERE s.claim_id = c.id AND s.answered_on IS NOT NULL
                ORDER BY s.id DESC LIMIT 1
            ) asked ON TRUE
            WHERE {where}
            ORDER BY coalesce(c.submitted_on, c.created_on), c.id
            LIMIT :limit"""
        result = self._fetch(sql, params)
        rows = [
            PendingClaimRow(
                claim_id=r.id,
                claim_no=r.claim_no,
                patient_name=r.patient,
                account_no=r.account_no,
                payer_name=r.payer,
                submitted_on=r.submitted_on,
                status=r.status,
                status_label=LABELS[ClaimStatus(r.status)],
                days_waiting=age_in_days(r.since, self.today),
                amount=Decimal(r.total_charge),
                encounter_id=r.encounter_id,
                last_ack=(
                    f"277 {r.status_category} {r.status_on:%m/%d}"
                    if r.status_on is not None
                    else last_ack_text(r.ack_status, r.ack_at)
                ),
                version=r.version,
            )
            for r in result
        ]
        keys: list[Cursor] = [(r.since.isoformat(), r.id) for r in result]
        return self._page(rows, keys, limit)

    def _timer_sql(self, timer: str, params: dict[str, Any]) -> str:
        """Claims that have waited longer than the setting for their next answer (the no-payment
        timer: the payer's `payment_timer_days` when set)."""
        if not timer:
            return ""
        states, days = {
            "no-999": (_WAITING_999, self.timers.no_999),
            "no-277ca": (_WAITING_277CA, self.timers.no_277ca),
            "no-payment": (_WAITING_PAYMENT, self.timers.no_payment),
        }.get(timer, ((), 0))
        if not states:
            raise ValueError(f"unknown timer {timer!r}")
        params["timer_since"] = self.today - timedelta(days=days)
        if timer == "no-payment":  # the payer's own timer when it has one (alias py)
            params["today"] = self.today
            return (
                f" AND {status_in(states, 'c.status')} AND c.submitted_on <= "
                "CASE WHEN py.payment_timer_days IS NULL THEN CAST(:timer_since AS date) "
                "ELSE CAST(:today AS date) - py.payment_timer_days END"
            )
        return f" AND {status_in(states, 'c.status')} AND c.submitted_on <= :timer_since"

    def rejections_page(
        self, filt: QueueFilter, after: Cursor | None, limit: int, *, ids: list[int] | None = None
    ) -> Page[Any]:
        """Claims turned back by a 999 or 277CA and not yet sent again, oldest first (`ids`:
        only these work items)."""
        params: dict[str, Any] = {"limit": limit + 1}
        narrow = claim_match_sql(filt, params, "w.claim_id") + _only(ids, "w.id", params)
        if filt.payer_id is not None:
            narrow += " AND c.payer_id = :payer_id"
            params["payer_id"] = filt.payer_id
        rows, keys = rejections_page(self.conn, self.today, narrow, params, after)
        return self._page(rows, keys, limit)

    def denials_page(
        self, filt: QueueFilter, after: Cursor | None, limit: int, *, ids: list[int] | None = None
    ) -> Page[Any]:
        """Open denial work items, oldest denial first (`ids`: only these items)."""
        params: dict[str, Any] = {"limit": limit + 1}
        where = "w.kind = 'denial' AND w.status = 'open'" + _only(ids, "w.id", params)
        if after is not None:
            where += " AND (w.opened_on, w.id) > (:after_d, :after_id)"
            params["after_d"] = date.fromisoformat(str(after[0]))
            params["after_id"] = int(after[1])
        where += claim_match_sql(filt, params, "w.claim_id")
        if filt.payer_id is not None:
            where += " AND c.payer_id = :payer_id"
            params["payer_id"] = filt.payer_id
        sql = f"""
            SELECT w.id, w.claim_id, c.claim_no, {PATIENT_NAME} AS patient, p.account_no,
                   py.name AS payer, coalesce(w.group_code, '') AS group_code,
                   coalesce(w.carc, '') AS carc, ca.description AS carc_text, w.amount,
                   w.opened_on, {HOLDER_SQL} AS owner, w.category, w.action
            FROM work_item w
            JOIN claim c ON c.id = w.claim_id
            JOIN patient p ON p.id = c.patient_id
            JOIN payer py ON py.id = c.payer_id
            LEFT JOIN carc ca ON ca.code = w.carc
            WHERE {where}
            ORDER BY w.opened_on, w.id
            LIMIT :limit"""
        result = self._fetch(sql, params)
        rows = [
            DenialRow(
                work_item_id=r.id,
                claim_id=r.claim_id,
                claim_no=r.claim_no,
                patient_name=r.patient,
                account_no=r.account_no,
                payer_name=r.payer,
                group_code=r.group_code,
                carc=r.carc,
                carc_text=carc_words(r.carc, r.carc_text),
                amount=Decimal(r.amount),
                denied_on=r.opened_on,
                days_since=age_in_days(r.opened_on, self.today),
                owner=r.owner,
                category=r.category,
                action=r.action,
            )
            for r in result
        ]
        keys: list[Cursor] = [(r.opened_on.isoformat(), r.id) for r in result]
        return self._page(rows, keys, limit)

    def balances_page(self, filt: QueueFilter, after: Cursor | None, limit: int) -> Page[Any]:
        """Accounts (or, with `filt.by_claim`, claims) owing money, per responsibility."""
        params: dict[str, Any] = {"limit": limit + 1}
        balances = BalanceQueries(self.conn, self.today, self.aging_from)
        rows: list[Any]
        if filt.by_claim:
            claims = claim_match_sql(filt, params, "c.id")
            where = balances.claim_where(filt, params, claims)
            rows, keys = balances.claims(where, params, after)
        else:
            accounts = account_match_sql(filt, params, "p.id")
            where = balances.account_where(filt, params, accounts)
            rows, keys = balances.accounts(where, params, after)
        return self._page(rows, keys, limit)

    def balance_totals(self, filt: QueueFilter) -> BalanceTotals:
        """Money per aging bucket over every row the filter keeps (the queue's top line)."""
        params: dict[str, Any] = {}
        balances = BalanceQueries(self.conn, self.today, self.aging_from)
        if filt.by_claim:
            claims = claim_match_sql(filt, params, "c.id")
            return balances.claim_totals(balances.claim_where(filt, params, claims), params)
        accounts = account_match_sql(filt, params, "p.id")
        return balances.account_totals(balances.account_where(filt, params, accounts), params)

    def account_balances(self, patient_id: int) -> tuple[BalanceRow, ...]:
        """One account's balances by responsibility (the account detail's header)."""
        params: dict[str, Any] = {"limit": 10, "pid": patient_id}
        balances = BalanceQueries(self.conn, self.today, self.aging_from)
        return tuple(balances.accounts("p.id = :pid", params, None)[0])

    def summaries(self) -> tuple[QueueSummary, ...]:
        """Count and amount of every queue, from the counters the database keeps (0032)."""
        values = queue_summaries(self.conn)
        return tuple(values.summary(kind) for kind in QueueKind)

    def payers(self) -> tuple[PayerOption, ...]:
        return payer_options(self.conn)
