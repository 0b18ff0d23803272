"""A payer's check for an opening balance (`medbill balances pay`): no claim of ours was
sent for it, so no 835 can match it; the check is keyed in against the original claim
number the balance was brought in with."""

from __future__ import annotations

from datetime import date
from decimal import Decimal
from typing import TYPE_CHECKING

from medbill_tui.db.repositories import opening_payments as repo
from medbill_tui.db.uow import run_in_transaction
from medbill_tui.services.errors import ServiceError, sentence, translate_errors

if TYPE_CHECKING:
    from sqlalchemy import Engine
    from sqlalchemy.orm import Session


class OpeningPaymentNotPosted(ServiceError):
    """The payment does not fit an opening balance; nothing was posted."""


class OpeningPaymentService:
    """Blocking: call from a worker or the CLI."""

    def __init__(self, engine: Engine, actor: str) -> None:
        self.engine = engine
        self.actor = actor

    @translate_errors
    def pay(
        self,
        account_no: str,
        original_claim_no: str,
        payer_code: str,
        paid: Decimal,
        adjusted: Decimal,
        check_no: str,
        paid_on: date,
        service_date: date | None = None,
    ) -> Decimal:
        """Post the payer's payment (and contractual adjustment); what it still owes after.
        `service_date` picks the balance when the original claim was brought in on several
        dates (refused without it then)."""
        check = check_no.strip()
        if not check or len(check) > 50:
            raise OpeningPaymentNotPosted("the check number is 1 to 50 characters")
        if not (paid.is_finite() and adjusted.is_finite()) or paid <= 0 or adjusted < 0:
            raise OpeningPaymentNotPosted(
                "the payment must be more than 0.00 and the adjustment not below 0.00; "
                "nothing was posted"
            )

        def work(session: Session) -> Decimal:
            conn = session.connection()
            try:
                owed = repo.opening_owed(
                    conn, account_no, original_claim_no, payer_code, service_date
                )
                repo.post_payer_payment(conn, owed, paid, adjusted, check, paid_on, self.actor)
            except repo.OpeningPaymentRefused as exc:
                raise OpeningPaymentNotPosted(f"{sentence(exc)}; nothing was posted") from None
            return owed.owed - paid - adjusted

        return run_in_transaction(self.engine, work)
