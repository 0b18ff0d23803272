"""Front-desk payments and refunds on an account, each one transaction, with a receipt file."""

from __future__ import annotations

from collections.abc import Callable, Sequence
from decimal import Decimal
from pathlib import Path
from typing import TYPE_CHECKING, TypeVar

from medbill_tui.db.repositories import patient_payments as repo
from medbill_tui.db.repositories.reference import practice_name
from medbill_tui.db.uow import read_connection, run_in_transaction
from medbill_tui.domain.patient_payments import PaymentRefused, parse_amount, receipt_text
from medbill_tui.records.payments import PaymentPreview, Receipt
from medbill_tui.runtime.clock import Clock
from medbill_tui.runtime.file_modes import make_folder
from medbill_tui.services.errors import ServiceError, sentence, translate_errors

if TYPE_CHECKING:
    from sqlalchemy import Connection, Engine
    from sqlalchemy.orm import Session

T = TypeVar("T")


class PaymentNotPosted(ServiceError):
    """The payment or refund was not posted; the message says why. Nothing changed."""


class PatientPaymentService:
    """Post a patient's payment (oldest visits first, or chosen ones) or refund a credit.
    Blocking: call from a worker."""

    def __init__(self, engine: Engine, clock: Clock, actor: str, receipts: Path) -> None:
        self.engine = engine
        self.clock = clock
        self.actor = actor
        self.receipts = receipts

    @translate_errors
    def account(self, account_no: str) -> int:
        """The patient id behind an account number (PaymentNotPosted if there is none)."""
        with read_connection(self.engine) as conn:
            try:
                return repo.patient_for_account(conn, account_no)
            except PaymentRefused as exc:
                raise PaymentNotPosted(sentence(exc)) from None

    @translate_errors
    def preview(self, patient_id: int, amount: str, visits: Sequence[int] = ()) -> PaymentPreview:
        """Where the payment would go and any credit it would leave (nothing written)."""
        value = self._amount(amount)
        with read_connection(self.engine) as conn:
            try:
                plan = repo.plan_payment(conn, patient_id, value, visits)
            except PaymentRefused as exc:
                raise PaymentNotPosted(sentence(exc)) from None
        return PaymentPreview(
            plan.account_no,
            plan.patient_name,
            plan.balance,
            value,
            tuple((e, plan.dos[e], share) for e, share in plan.allocation.applied),
            plan.allocation.credit,
        )

    @translate_errors
    def pay(
        self,
        patient_id: int,
        amount: str,
        method: str,
        reference: str = "",
        visits: Sequence[int] = (),
    ) -> tuple[Receipt, Path]:
        """Post the payment and write its receipt; returns both."""
        value = self._amount(amount)
        today = self.clock.today()
        return self._posted(
            lambda conn: repo.post_payment(
                conn, patient_id, value, method, reference, visits, self.actor, today
            )
        )

    @translate_errors
    def refund(
        self, patient_id: int, amount: str, method: str, reference: str = ""
    ) -> tuple[Receipt, Path]:
        """Give back (part of) the account's credit and write the refund slip."""
        value = self._amount(amount)
        today = self.clock.today()
        return self._posted(
            lambda conn: repo.post_refund(
                conn, patient_id, value, method, reference, self.actor, today
            )
        )

    @staticmethod
    def _amount(amount: str) -> Decimal:
        try:
            return parse_amount(amount)
        except PaymentRefused as exc:
            raise PaymentNotPosted(sentence(exc)) from None

    def _posted(self, post: Callable[[Connection], Receipt]) -> tuple[Receipt, Path]:
        def work(session: Session) -> tuple[Receipt, str]:
            conn = session.connection()
            try:
                receipt = post(conn)
            except PaymentRefused as exc:
                raise PaymentNotPosted(sentence(exc)) from None
            practice = practice_name(conn)
            return receipt, str(practice or "")

        receipt, practice = run_in_transaction(self.engine, work)
        # Written after the commit: the money is posted either way, and a receipt can be
        # printed again from the ledger; a receipt for money never posted would be worse.
        make_folder(self.receipts)
        path = self.receipts / f"{receipt.kind}_{receipt.account_no}_{receipt.receipt_no}.txt"
        path.write_text(receipt_text(receipt, practice), encoding="utf-8")
        return receipt, path
