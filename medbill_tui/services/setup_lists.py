"""The setup screens' use cases (supervisors and admins): list, add, correct and deactivate
providers, payers and fee schedule prices; every change audited, a save after someone else's
refused with what they changed (as the patient forms are)."""

from __future__ import annotations

from collections.abc import Callable
from typing import TYPE_CHECKING, NoReturn, TypeVar

from medbill_tui.db.repositories import setup_lists as repo
from medbill_tui.db.repositories import setup_payers as payers_repo
from medbill_tui.db.uow import read_connection, run_in_transaction
from medbill_tui.domain.setup_forms import check_fee, check_payer, check_provider
from medbill_tui.records.forms import FieldError
from medbill_tui.records.setup import Choice, FeeForm, PayerForm, ProviderForm, SetupRow
from medbill_tui.services.conflicts import Conflict, conflict_words, form_conflict
from medbill_tui.services.errors import ServiceError, translate_errors
from medbill_tui.services.patients import FormInvalid
from medbill_tui.services.users import require

if TYPE_CHECKING:
    from sqlalchemy import Connection, Engine
    from sqlalchemy.orm import Session

FormT = TypeVar("FormT")
CheckedT = TypeVar("CheckedT")


class SetupRefused(ServiceError):
    """The change contradicts other rows (an id already used, deactivated already);
    nothing was changed."""


class SetupChanged(SetupRefused, Conflict):
    """Someone else saved the row first; `conflict` says who, when and what changed."""


class OpenClaimsLeft(ServiceError):
    """The payer still has open claims: the biller is asked before it is deactivated."""

    def __init__(self, count: int) -> None:
        super().__init__(
            f"this payer has {count} open claim(s); deactivating it hides it from new work "
            "only, those claims stay with it"
        )
        self.count = count


class SetupListsService:
    """Blocking: call from a worker or the CLI."""

    def __init__(self, engine: Engine, actor: str, role: str | None) -> None:
        self.engine = engine
        self.actor = actor
        self.role = role

    def _read(self, read: Callable[[Connection], FormT]) -> FormT:
        require(self.role, "manage-setup")
        with read_connection(self.engine) as conn:
            return read(conn)

    def _save(
        self,
        form: FormT,
        loaded: FormT | None,
        check: Callable[[FormT], tuple[CheckedT | None, list[FieldError]]],
        save: Callable[[Connection, FormT, CheckedT, str], int],
        reread: Callable[[Connection, int], FormT],
        entity: str,
        row_id: int | None,
    ) -> int:
        require(self.role, "manage-setup")
        checked, errors = check(form)
        if checked is None:
            raise FormInvalid(errors)

        def work(session: Session) -> int:
            conn = session.connection()
            try:
                return save(conn, form, checked, self.actor)
            except repo.StaleSetupRow:
                assert row_id is not None
                theirs = reread(conn, row_id)
                self._changed(conn, entity, row_id, loaded, theirs, form)
            except repo.SetupRefusal as exc:
                raise SetupRefused(f"{exc}; nothing was saved") from None

        return run_in_transaction(self.engine, work)

    @staticmethod
    def _changed(
        conn: Connection, entity: str, row_id: int, loaded: object, theirs: object, yours: object
    ) -> NoReturn:
        noun = entity.replace("_", " ")
        info = form_conflict(conn, entity, row_id, f"{noun} {row_id}", loaded, theirs, yours)
        raise SetupChanged(conflict_words(info, noun), info)

    def _deactivate(self, work: Callable[[Connection], None]) -> None:
        require(self.role, "manage-setup")

        def run(session: Session) -> None:
            try:
                work(session.connection())
            except repo.SetupRefusal as exc:
                raise SetupRefused(str(exc)) from None

        run_in_transaction(self.engine, run)

    @translate_errors
    def reactivate(self, noun: str, row_id: int) -> None:
        """Put a deactivated provider, payer or price ("provider", "payer", "price") back in
        use for new work."""
        self._deactivate(lambda conn: repo.reactivate_row(conn, noun, row_id, self.actor))

    # providers ----------------------------------------------------------------------

    @translate_errors
    def providers(self) -> tuple[SetupRow, ...]:
        """Every rendering provider, those in use first."""
        return self._read(repo.provider_rows)

    @translate_errors
    def load_provider(self, provider_id: int) -> ProviderForm:
        return self._read(lambda conn: repo.provider_form(conn, provider_id))

    @translate_errors
    def save_provider(self, form: ProviderForm, loaded: ProviderForm | None = None) -> int:
        """Add (no id) or correct a provider; refused with `SetupChanged` when someone else
        saved it since `form.version`."""
        return self._save(
            form,
            loaded,
            check_provider,
            repo.save_provider,
            repo.provider_form,
            "provider",
            form.provider_id,
        )

    @translate_errors
    def deactivate_provider(self, provider_id: int) -> None:
        """Hide the provider from new visits; their old visits and claims keep them."""
        self._deactivate(lambda conn: repo.deactivate_provider(conn, provider_id, self.actor))

    # payers -------------------------------------------------------------------------

    @translate_errors
    def payers(self) -> tuple[SetupRow, ...]:
        return self._read(payers_repo.payer_rows)

    @translate_errors
    def load_payer(self, payer_id: int) -> PayerForm:
        return self._read(lambda conn: payers_repo.payer_form(conn, payer_id))

    @translate_errors
    def clearinghouses(self) -> tuple[Choice, ...]:
        return self._read(payers_repo.clearinghouse_choices)

    @translate_errors
    def save_payer(self, form: PayerForm, loaded: PayerForm | None = None) -> int:
        return self._save(
            form,
            loaded,
            check_payer,
            payers_repo.save_payer,
            payers_repo.payer_form,
            "payer",
            form.payer_id,
        )

    @translate_errors
    def deactivate_payer(self, payer_id: int, *, despite_open_claims: bool = False) -> None:
        """Hide the payer from new coverages and prices. With open claims it is refused
        (`OpenClaimsLeft`, saying how many) unless `despite_open_claims`."""

        def work(conn: Connection) -> None:
            count = payers_repo.open_claims(conn, payer_id)
            if count and not despite_open_claims:
                raise OpenClaimsLeft(count)
            payers_repo.deactivate_payer(conn, payer_id, self.actor, count)

        self._deactivate(work)

    # fee schedule -------------------------------------------------------------------

    @translate_errors
    def fees(self) -> tuple[SetupRow, ...]:
        return self._read(repo.fee_rows)

    @translate_errors
    def load_fee(self, fee_id: int) -> FeeForm:
        return self._read(lambda conn: repo.fee_form(conn, fee_id))

    @translate_errors
    def schedules(self, keep: int | None = None) -> tuple[Choice, ...]:
        """The default schedule and the payers in use (and `keep`, deactivated or not)."""
        return self._read(lambda conn: repo.schedule_choices(conn, keep))

    @translate_errors
    def save_fee(self, form: FeeForm, loaded: FeeForm | None = None) -> int:
        return self._save(
            form, loaded, check_fee, repo.save_fee, repo.fee_form, "fee_schedule", form.fee_id
        )

    @translate_errors
    def deactivate_fee(self, fee_id: int) -> None:
        """Stop using a price for new charges (the code then takes the default price)."""
        self._deactivate(lambda conn: repo.deactivate_fee(conn, fee_id, self.actor))
