"""The outstanding balances queue: by account or by claim, aged, filtered, totalled.

Balances are sums of ledger rows. Age runs from the date of service or, with the setting
`MEDBILL_AGING_FROM=billed`, from the day the claim was first billed (created).
"""

from __future__ import annotations

import re
from collections.abc import Sequence
from datetime import date, timedelta
from decimal import Decimal
from typing import Any

from sqlalchemy import Connection, Row, text

from medbill_tui.domain.aging import BUCKETS, age_in_days
from medbill_tui.domain.money import ZERO
from medbill_tui.records.queues import (
    ArPoint,
    BalanceRow,
    BalanceTotals,
    ClaimBalanceRow,
    Cursor,
    QueueFilter,
)

AGING_BASES = ("service", "billed")
"""Age from the date of service, or from the day the claim was first billed (created)."""

RESPONSIBILITY_RANK = (
    "CASE le.responsibility WHEN 'primary' THEN 1 WHEN 'secondary' THEN 2 "
    "WHEN 'tertiary' THEN 3 ELSE 4 END"
)
RANK_NAMES = {1: "primary", 2: "secondary", 3: "tertiary", 4: "patient"}
RANKS = {name: rank for rank, name in RANK_NAMES.items()}

PATIENT_NAME = "p.last_name || ', ' || p.first_name"


def _bucket_sql(age: str) -> str:
    """b0…b4: the money in each aging bucket, `age` being an SQL age in days."""
    parts = []
    for index, (_, low, high) in enumerate(BUCKETS):
        cond = f"{age} >= {low}" + (f" AND {age} <= {high}" if high is not None else "")
        parts.append(f"coalesce(sum(le.amount) FILTER (WHERE {cond}), 0) AS b{index}")
    return ",\n".join(parts)


def _uses(alias: str, where: str) -> bool:
    """Whether the condition `where` refers to the table alias `alias`."""
    return re.search(rf"\b{alias}\.", where) is not None


def _follow_up_sql(column: str, value: str) -> str:
    """The earliest open follow-up on a patient or claim and its owner (LATERAL `fu`)."""
    return f"""LEFT JOIN LATERAL (
                SELECT w.due_on, w.owner FROM work_item w
                WHERE w.{column} = {value} AND w.kind = 'followup' AND w.status = 'open'
                ORDER BY w.due_on NULLS LAST, w.id LIMIT 1
            ) fu ON TRUE"""


class BalanceQueries:
    """Reads of the balances queue on one connection (`today` anchors every age)."""

    def __init__(self, conn: Connection, today: date, aging_from: str = "service") -> None:
        if aging_from not in AGING_BASES:
            raise ValueError(f"aging_from must be one of {AGING_BASES}, not {aging_from!r}")
        self.conn = conn
        self.today = today
        self.aging_from = aging_from

    # by account ------------------------------------------------------------------------

    def _account_from(self) -> str:
        if self.aging_from == "billed":
            since = "coalesce(cl.created_on, le.service_date)"
            join = "LEFT JOIN claim cl ON cl.id = le.claim_id"
        else:
            since, join = "le.service_date", ""
        return f"""
            FROM patient p
            CROSS JOIN LATERAL (
                SELECT {RESPONSIBILITY_RANK} AS rank,
                  {_bucket_sql(f"(:today - {since})")},
                  sum(le.amount) AS total, max(le.posted_at) AS last_activity
                FROM ledger_entry le {join}
                WHERE le.patient_id = p.id
                GROUP BY 1
                HAVING sum(le.amount) <> 0
            ) b
            {_follow_up_sql("patient_id", "p.id")}"""

    def _narrow(self, filt: QueueFilter, params: dict[str, Any], total: str) -> str:
        where = ""
        if filt.responsibility:
            where += " AND b.rank = :rank"
            params["rank"] = RANKS[filt.responsibility]
        if filt.min_amount is not None:
            where += f" AND {total} >= :min_amount"
            params["min_amount"] = filt.min_amount
        if filt.max_amount is not None:
            where += f" AND {total} <= :max_amount"
            params["max_amount"] = filt.max_amount
        if filt.owner:
            where += " AND fu.owner = :owner"
            params["owner"] = filt.owner
        return where

    def account_where(self, filt: QueueFilter, params: dict[str, Any], patients: str) -> str:
        """Conditions of the by-account rows; `patients` is the patient-text condition."""
        where = "TRUE" + patients + self._narrow(filt, params, "b.total")
        if filt.payer_id is not None:
            where += " AND p.id IN (SELECT patient_id FROM coverage WHERE payer_id = :payer_id)"
            params["payer_id"] = filt.payer_id
        if filt.bucket is not None:
            where += f" AND b.b{int(filt.bucket)} <> 0"
        return where

    def accounts(
        self, where: str, params: dict[str, Any], after: Cursor | None
    ) -> tuple[list[BalanceRow], list[Cursor]]:
        """Accounts owing money, one row per responsibility, by account number."""
        params["today"] = self.today
        if after is not None:
            where += " AND (p.account_no, b.rank) > (:after_acct, :after_rank)"
            where += " AND p.account_no >= :after_acct"
            params["after_acct"] = str(after[0])
            params["after_rank"] = int(after[1])
        result = self._fetch(
            f"""SELECT p.id, p.account_no, {PATIENT_NAME} AS patient, b.*,
                       fu.due_on AS follow_up, fu.owner
                {self._account_from()}
                WHERE {where}
                ORDER BY p.account_no, b.rank
                LIMIT :limit""",
            params,
        )
        return [self._account_row(r) for r in result], [(r.account_no, r.rank) for r in result]

    def _account_totals_from(self, where: str) -> str:
        """The by-account rows from the open sums of `ledger_balance` (migration 0011), not
        the ledger: a sum of zero adds nothing to any bucket, so the totals are the same.
        Grouped in the open-sums index's order (no sort); joins only what `where` needs."""
        if self.aging_from == "billed":
            since = "coalesce(cl.created_on, le.service_date)"
            join = "LEFT JOIN claim cl ON cl.id = le.claim_id"
        else:
            since, join = "le.service_date", ""
        buckets = ", ".join(f"g.b{index}" for index in range(len(BUCKETS)))
        patient = "JOIN patient p ON p.id = b.patient_id" if _uses("p", where) else ""
        follow_up = _follow_up_sql("patient_id", "p.id") if _uses("fu", where) else ""
        if follow_up and not patient:
            patient = "JOIN patient p ON p.id = b.patient_id"
        return f"""
            FROM (
                SELECT g.patient_id, {RESPONSIBILITY_RANK.replace("le.", "g.")} AS rank,
                       {buckets}, g.total
                FROM (
                    SELECT le.patient_id, le.responsibility,
                      {_bucket_sql(f"(:today - {since})")},
                      sum(le.amount) AS total
                    FROM ledger_balance le {join}
                    WHERE le.amount <> 0
                    GROUP BY le.patient_id, le.responsibility
                    HAVING sum(le.amount) <> 0
                ) g
            ) b
            {patient}
            {follow_up}"""

    def _serial(self) -> None:
        """Plan the totals without parallel workers (this transaction only): with them each
        worker repeated the whole grouping of the open sums (3x the work on 2 cores)."""
        self.conn.exec_driver_sql("SET LOCAL max_parallel_workers_per_gather = 0")

    def account_totals(self, where: str, params: dict[str, Any]) -> BalanceTotals:
        params["today"] = self.today
        self._serial()
        row = self.conn.execute(
            text(f"""SELECT count(*) AS n, coalesce(sum(b.b0), 0) AS b0,
                            coalesce(sum(b.b1), 0) AS b1, coalesce(sum(b.b2), 0) AS b2,
                            coalesce(sum(b.b3), 0) AS b3, coalesce(sum(b.b4), 0) AS b4,
                            coalesce(sum(b.total), 0) AS total
                     {self._account_totals_from(where)} WHERE {where}"""),
            params,
        ).one()
        return _totals(row)

    @staticmethod
    def _account_row(r: Row[Any]) -> BalanceRow:
        return BalanceRow(
            patient_id=r.id,
            account_no=r.account_no,
            patient_name=r.patient,
            responsibility=RANK_NAMES[r.rank],
            buckets=(Decimal(r.b0), Decimal(r.b1), Decimal(r.b2), Decimal(r.b3), Decimal(r.b4)),
            total=Decimal(r.total),
            last_activity=r.last_activity.date() if r.last_activity else None,
            follow_up=r.follow_up,
            owner=r.owner,
        )

    # by claim --------------------------------------------------------------------------

    def _claim_from(self) -> str:
        since = "c.created_on" if self.aging_from == "billed" else "e.dos"
        return f"""
            FROM claim c
            JOIN patient p ON p.id = c.patient_id
            JOIN payer py ON py.id = c.payer_id
            JOIN encounter e ON e.id = c.encounter_id
            CROSS JOIN LATERAL (
                SELECT {RESPONSIBILITY_RANK} AS rank, sum(le.amount) AS total,
                       max(le.posted_at) AS last_activity, {since} AS since
                FROM ledger_entry le
                WHERE le.claim_id = c.id
                GROUP BY 1
                HAVING sum(le.amount) <> 0
            ) b
            {_follow_up_sql("claim_id", "c.id")}"""

    def _claim_totals_from(self, where: str) -> str:
        """The by-claim rows from the open sums of `ledger_balance` (see _account_totals_from)."""
        since, dos = ("c.created_on", "") if self.aging_from == "billed" else ("e.dos", "e")
        patient = "JOIN patient p ON p.id = c.patient_id" if _uses("p", where) else ""
        follow_up = _follow_up_sql("claim_id", "c.id") if _uses("fu", where) else ""
        encounter = "JOIN encounter e ON e.id = c.encounter_id" if dos else ""
        return f"""
            FROM (
                SELECT le.claim_id, le.responsibility, sum(le.amount) AS total
                FROM ledger_balance le
                WHERE le.amount <> 0 AND le.claim_id IS NOT NULL
                GROUP BY le.claim_id, le.responsibility
                HAVING sum(le.amount) <> 0
            ) s
            JOIN claim c ON c.id = s.claim_id
            {patient}
            {encounter}
            CROSS JOIN LATERAL (
                SELECT {RESPONSIBILITY_RANK.replace("le.", "s.")} AS rank, s.total,
                       {since} AS since
            ) b
            {follow_up}"""

    def claim_where(self, filt: QueueFilter, params: dict[str, Any], patients: str) -> str:
        """Conditions of the by-claim rows; `patients` is the patient-text condition."""
        where = "TRUE" + patients + self._narrow(filt, params, "b.total")
        if filt.payer_id is not None:
            where += " AND c.payer_id = :payer_id"
            params["payer_id"] = filt.payer_id
        if filt.bucket is not None:
            _, low, high = BUCKETS[int(filt.bucket)]
            where += f" AND :today - b.since >= {low}"
            if high is not None:
                where += f" AND :today - b.since <= {high}"
        return where

    def claims(
        self, where: str, params: dict[str, Any], after: Cursor | None
    ) -> tuple[list[ClaimBalanceRow], list[Cursor]]:
        """Claims with money owed, one row per responsibility, oldest claim first."""
        params["today"] = self.today
        if after is not None:
            where += " AND (c.id, b.rank) > (:after_id, :after_rank) AND c.id >= :after_id"
            params["after_id"] = int(after[0])
            params["after_rank"] = int(after[1])
        result = self._fetch(
            f"""SELECT c.id, c.claim_no, p.id AS patient_id, p.account_no,
                       {PATIENT_NAME} AS patient, py.name AS payer, e.dos, b.*,
                       fu.due_on AS follow_up, fu.owner
                {self._claim_from()}
                WHERE {where}
                ORDER BY c.id, b.rank
                LIMIT :limit""",
            params,
        )
        rows = [
            ClaimBalanceRow(
                claim_id=r.id,
                claim_no=r.claim_no,
                patient_id=r.patient_id,
                account_no=r.account_no,
                patient_name=r.patient,
                payer_name=r.payer,
                responsibility=RANK_NAMES[r.rank],
                dos=r.dos,
                age_days=age_in_days(r.since, self.today),
                total=Decimal(r.total),
                last_activity=r.last_activity.date() if r.last_activity else None,
                follow_up=r.follow_up,
                owner=r.owner,
            )
            for r in result
        ]
        return rows, [(r.id, r.rank) for r in result]

    def claim_totals(self, where: str, params: dict[str, Any]) -> BalanceTotals:
        params["today"] = self.today
        self._serial()
        sums = ", ".join(
            f"coalesce(sum(b.total) FILTER (WHERE :today - b.since >= {low}"
            + (f" AND :today - b.since <= {high}" if high is not None else "")
            + f"), 0) AS b{index}"
            for index, (_, low, high) in enumerate(BUCKETS)
        )
        row = self.conn.execute(
            text(f"""SELECT count(*) AS n, {sums}, coalesce(sum(b.total), 0) AS total
                     {self._claim_totals_from(where)} WHERE {where}"""),
            params,
        ).one()
        return _totals(row)

    def _fetch(self, sql: str, params: dict[str, Any]) -> Sequence[Row[Any]]:
        return self.conn.execute(text(sql), params).all()


def month_ends(today: date, months: int) -> list[date]:
    """The last day of each of the `months - 1` months before today's, then today."""
    ends: list[date] = []
    first = today.replace(day=1)
    for _ in range(months - 1):
        first_of_previous = (first - timedelta(days=1)).replace(day=1)
        ends.append(first - timedelta(days=1))
        first = first_of_previous
    return [*reversed(ends), today]


def receivables_trend(conn: Connection, today: date, months: int = 6) -> tuple[ArPoint, ...]:
    """What was owed (the ledger's sum) at each month end and today.

    The ledger's whole sum is kept in `account_balance` (open accounts, an index-only scan);
    each point is that less what was posted after its day, so only the entries of the
    last `months` are read (`ix_ledger_entry_posted_at`), however long the history is.
    """
    days = month_ends(today, months)
    later = ", ".join(
        f"coalesce(sum(amount) FILTER (WHERE posted_at >= CAST(:d{i} AS date) + 1), 0)"
        for i in range(len(days))
    )
    row = conn.execute(
        text(f"""SELECT (SELECT coalesce(sum(amount), 0) FROM account_balance
                         WHERE amount <> 0), {later}
                 FROM ledger_entry WHERE posted_at >= CAST(:d0 AS date) + 1"""),
        {f"d{i}": day for i, day in enumerate(days)},
    ).one()
    owed_now = Decimal(row[0])
    return tuple(ArPoint(day, owed_now - Decimal(row[i + 1]) + ZERO) for i, day in enumerate(days))


def _totals(row: Row[Any]) -> BalanceTotals:
    buckets = (Decimal(row.b0), Decimal(row.b1), Decimal(row.b2), Decimal(row.b3), Decimal(row.b4))
    return BalanceTotals(
        buckets=tuple(b + ZERO for b in buckets),  # type: ignore[arg-type]
        total=Decimal(row.total) + ZERO,
        rows=int(row.n),
    )
