"""`medbill balances import`: a practice's open A/R from its old system, checked row by row,
then posted as opening balances (supervisors and admins) all together or not at all."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date
from decimal import Decimal
from typing import TYPE_CHECKING

from medbill_tui.db.repositories import opening_balances as repo
from medbill_tui.db.repositories.audit import record_event
from medbill_tui.db.uow import read_connection, run_in_transaction
from medbill_tui.domain.opening_balances import OpeningBalanceRow, parse_balances
from medbill_tui.domain.patient_import import RowError
from medbill_tui.services.errors import ServiceError, translate_errors
from medbill_tui.services.users import require

if TYPE_CHECKING:
    from sqlalchemy import Connection, Engine
    from sqlalchemy.orm import Session

Posting = tuple[OpeningBalanceRow, repo.BalanceTarget]


class BalanceImportRefused(ServiceError):
    """The file has errors, or a balance was posted meanwhile; nothing was posted."""


@dataclass(frozen=True, slots=True)
class BalanceImportPlan:
    postings: tuple[Posting, ...]
    errors: tuple[RowError, ...]

    @property
    def total(self) -> Decimal:
        return sum((row.amount for row, _ in self.postings), Decimal("0.00"))


def _targets(conn: Connection, rows: list[OpeningBalanceRow]) -> BalanceImportPlan:
    patients = repo.patients_by_account(conn, [r.account for r in rows])
    coverages = repo.coverages_by_payer(conn, list(patients.values()))
    payers = repo.payer_codes(conn)
    posted = repo.posted_already(conn, list(patients.values()))
    postings: list[Posting] = []
    errors: list[RowError] = []
    for row in rows:
        patient_id = patients.get(row.account)
        if patient_id is None:
            errors.append(RowError(row.line, "account", f"no patient has account {row.account}"))
            continue
        if (patient_id, row.service_date.isoformat(), row.memo) in posted:
            errors.append(RowError(row.line, "row", "this opening balance is posted already"))
            continue
        if row.payer_code is None:
            postings.append((row, repo.BalanceTarget(patient_id, None, "patient")))
            continue
        coverage = coverages.get((patient_id, row.payer_code))
        if coverage is None:
            why = (
                f"{row.payer_code} is not a known payer"
                if row.payer_code not in payers
                else f"{row.account} has no coverage with payer {row.payer_code}"
            )
            errors.append(RowError(row.line, "responsibility", why))
            continue
        side = repo.PRIORITY_RESPONSIBILITY[coverage[1]]
        postings.append((row, repo.BalanceTarget(patient_id, coverage[0], side)))
    return BalanceImportPlan(tuple(postings), tuple(errors))


class OpeningBalanceService:
    """Blocking: call from a worker or the CLI."""

    def __init__(self, engine: Engine, actor: str, role: str | None) -> None:
        self.engine = engine
        self.actor = actor
        self.role = role

    @translate_errors
    def check(self, content: str, today: date) -> BalanceImportPlan:
        """What the file would post, and every row it refuses (by line, then field)."""
        rows, errors = parse_balances(content, today)
        if not rows:
            return BalanceImportPlan((), tuple(errors))
        with read_connection(self.engine) as conn:
            plan = _targets(conn, rows)
        every = sorted([*errors, *plan.errors], key=lambda e: e.line)
        return BalanceImportPlan(plan.postings, tuple(every))

    @translate_errors
    def post(self, plan: BalanceImportPlan, source: str) -> Decimal:
        """Post a plan with no errors in one transaction, audited; the total posted."""
        require(self.role, "import-balances")
        if plan.errors or not plan.postings:
            raise BalanceImportRefused("the file has errors; nothing was posted")

        def work(session: Session) -> Decimal:
            conn = session.connection()
            conn.exec_driver_sql("SELECT pg_advisory_xact_lock(hashtext('opening_balance'))")
            again = _targets(conn, [row for row, _ in plan.postings])
            if again.errors:
                listed = "; ".join(str(e) for e in again.errors[:5])
                raise BalanceImportRefused(f"changed since the check: {listed}; nothing posted")
            provider_id = repo.first_provider(conn)
            if provider_id is None:
                raise BalanceImportRefused(
                    "no provider is set up (`medbill practice init`); nothing was posted"
                )
            total = repo.post_balances(conn, again.postings, provider_id, self.actor)
            record_event(
                conn,
                self.actor,
                "import",
                "ledger_entry",
                f"{source}: {len(again.postings)} opening balance(s), {total}",
            )
            return total

        return run_in_transaction(self.engine, work)
