"""Working the denials list: each action is one transaction and closes or updates the item.

Each action first holds the item for the acting user in its own transaction (`hold_to_act`:
theirs, or free and taken now); a denial someone else holds is refused (`LeaseHeld`)."""

from __future__ import annotations

import pwd
from collections.abc import Callable
from datetime import date, timedelta
from decimal import Decimal
from importlib import resources
from pathlib import Path
from string import Template
from typing import TYPE_CHECKING, TypeVar

from medbill_tui.db.repositories import denials as repo
from medbill_tui.db.repositories.audit import record_audit
from medbill_tui.db.repositories.details import DetailRepository
from medbill_tui.db.repositories.outbox import store_appeal_letter
from medbill_tui.db.repositories.reference import carc_description, practice_address
from medbill_tui.db.repositories.users import find_user
from medbill_tui.db.repositories.work import hold_claim_items, hold_to_act
from medbill_tui.db.uow import read_connection, run_in_transaction
from medbill_tui.domain.us_format import phone_text, us_date, zip_text
from medbill_tui.edi.codelists import carc_words
from medbill_tui.records.detail import ClaimDetail, DenialDetail
from medbill_tui.records.outbox import UnwrittenFile
from medbill_tui.records.work import LeaseTerms
from medbill_tui.runtime.clock import Clock
from medbill_tui.services.audit import record_view
from medbill_tui.services.errors import ServiceError, sentence, translate_errors
from medbill_tui.services.outbox import record_written
from medbill_tui.services.outbox_files import AttemptFiles, run_writing_files

if TYPE_CHECKING:
    from sqlalchemy import Connection, Engine
    from sqlalchemy.orm import Session

APPEAL_FOLLOW_UP_DAYS = 30
T = TypeVar("T")


class DenialActionRefused(ServiceError):
    """The action cannot be done on this denial now; the message says why."""


class DenialService:
    """Write off, transfer, note, appeal, resubmit. Blocking: call from a worker."""

    def __init__(
        self,
        engine: Engine,
        clock: Clock,
        actor: str,
        letters: Path,
        write_off_limit: Decimal = Decimal("100.00"),
        supervisor: bool = False,
        may_override_contractual: bool = False,
        lease: LeaseTerms | None = None,
    ) -> None:
        self.engine = engine
        self.clock = clock
        self.actor = actor
        self.letters = letters
        self.write_off_limit = write_off_limit
        self.supervisor = supervisor
        self.may_override_contractual = may_override_contractual
        self.lease = lease or LeaseTerms()

    def _do(self, work_item_id: int, action: Callable[[Connection, repo.DenialContext], T]) -> T:
        def work(session: Session) -> T:
            conn = session.connection()
            try:
                return action(conn, self._held(conn, work_item_id))
            except repo.DenialRefused as exc:
                raise DenialActionRefused(sentence(exc)) from None

        return run_in_transaction(self.engine, work)

    def _held(self, conn: Connection, work_item_id: int) -> repo.DenialContext:
        """The denial, locked, and held by the acting user (LeaseHeld when someone else's)."""
        ctx = repo.load_denial(conn, work_item_id)
        hold_to_act(conn, work_item_id, self.actor, self.lease)
        return ctx

    @translate_errors
    def detail(self, work_item_id: int) -> DenialDetail:
        """The denial as the denial screen shows it (read-only)."""
        with self.engine.begin() as conn:
            try:
                found = repo.denial_detail(conn, work_item_id, self.clock.today())
            except repo.DenialRefused as exc:
                raise DenialActionRefused(sentence(exc)) from None
            record_view(conn, self.actor, "claim", found.claim_id, f"denial {work_item_id}")
            return found

    @translate_errors
    def detail_with_claim(
        self, work_item_id: int, *, record: bool = True
    ) -> tuple[DenialDetail, ClaimDetail]:
        """The denial and its claim as the denial screen shows them, in one transaction (one
        round of the link to the database before anything is readable). `record`: a `view`
        audit row with it; False for a prefetch, which shows nothing until the screen opens
        (and then reads again with `record`)."""
        with self.engine.begin() if record else read_connection(self.engine) as conn:
            try:
                found = repo.denial_detail(conn, work_item_id, self.clock.today())
            except repo.DenialRefused as exc:
                raise DenialActionRefused(sentence(exc)) from None
            claim = DetailRepository(conn, self.clock.today()).claim(found.claim_id)
            if record:
                record_view(conn, self.actor, "claim", found.claim_id, f"denial {work_item_id}")
            return found, claim

    @translate_errors
    def done(self, work_item_id: int, outcome: str, note: str = "") -> int | None:
        """Close the denial (if still open) saying how it was resolved, with an optional note,
        and return the next open one in queue order (opened_on, id), or None when it was the
        last. A denial already closed (resubmitted, written off …) needs no outcome."""

        def action(conn: Connection, ctx: repo.DenialContext) -> int | None:
            if ctx.status == "open":
                if not outcome.strip():
                    raise repo.DenialRefused("say how the denial was resolved before closing it")
                if note.strip():
                    repo.note(conn, ctx, self.actor, note.strip(), None)
                repo.close(conn, ctx, self.actor, outcome.strip())
            return repo.next_open_denial(conn, ctx.work_item_id)

        return self._do(work_item_id, action)

    @translate_errors
    def write_off(self, work_item_id: int, reason: str) -> Decimal:
        if not reason.strip():
            raise DenialActionRefused("Give a reason for the write-off")
        why = reason.strip()
        return self._do(
            work_item_id,
            lambda conn, ctx: repo.write_off(
                conn, ctx, self.actor, why, self.write_off_limit, self.supervisor
            ),
        )

    @translate_errors
    def transfer_to_patient(self, work_item_id: int, override: str | None = None) -> Decimal:
        """Move the denied amount to the patient; a contractual (CO) amount only with a
        supervisor's `override` note."""
        if override is not None and not self.may_override_contractual:
            raise DenialActionRefused(
                "Moving a contractual (CO) amount to the patient needs a supervisor"
            )
        return self._do(
            work_item_id,
            lambda conn, ctx: repo.transfer_to_patient(conn, ctx, self.actor, override),
        )

    @translate_errors
    def add_note(self, work_item_id: int, body: str, follow_up_on: date | None) -> None:
        if not body.strip():
            raise DenialActionRefused("The note is empty")
        if follow_up_on is not None and follow_up_on < self.clock.today():
            raise DenialActionRefused("The follow-up date is in the past")
        self._do(
            work_item_id,
            lambda conn, ctx: repo.note(conn, ctx, self.actor, body.strip(), follow_up_on),
        )

    @translate_errors
    def resubmit(self, work_item_id: int) -> str:
        """A corrected claim (replacement when the payer knows the original) ready to send."""
        today = self.clock.today()

        def action(conn: Connection, ctx: repo.DenialContext) -> str:
            # the corrected claim closes every open item of the claim: all must be ours or free
            hold_claim_items(conn, ctx.claim_id, self.actor, self.lease)
            return repo.resubmit(conn, ctx, self.actor, today)

        return self._do(work_item_id, action)

    @translate_errors
    def appeal(self, work_item_id: int, argument: str = "") -> Path:
        """Write an appeal letter from the template and set a follow-up date; returns its path.

        The letter's text is stored with the note; the file is renamed into the letters folder
        only after the commit (a rollback leaves nothing there; a letter whose rename never
        happened is written again by `medbill claims outbox --repair`)."""
        today = self.clock.today()
        stored: list[UnwrittenFile] = []

        def action(conn: Connection, ctx: repo.DenialContext, files: AttemptFiles) -> Path:
            if ctx.status != "open":
                raise repo.DenialRefused(f"this denial is already {ctx.status}")
            practice = practice_address(conn)
            official = carc_description(conn, ctx.carc)
            denied_on = ctx.denied_on or today
            letter = Template(
                resources.files("medbill_tui.data")
                .joinpath("appeal_letter.txt")
                .read_text(encoding="utf-8")
            ).safe_substitute(
                practice_name=practice.name,
                practice_address=f"{practice.address1}, {practice.city}, {practice.state} "
                f"{zip_text(practice.zip)}",
                practice_phone=f"Phone: {phone_text(practice.phone)}" if practice.phone else "",
                today=today.strftime("%B %d, %Y"),
                payer_name=ctx.payer_name,
                patient_name=ctx.patient_name,
                patient_dob=us_date(ctx.patient_dob) if ctx.patient_dob else "(not on file)",
                member_id=ctx.member_id or "(not on file)",
                claim_no=ctx.claim_no,
                payer_claim_no=ctx.payer_claim_no or "(not given)",
                dos=us_date(ctx.dos),
                amount=f"{ctx.amount:,.2f}",
                reason=f"{ctx.group_code}-{ctx.carc} {carc_words(ctx.carc, official)}",
                denied_on=us_date(denied_on),
                appeal_by=us_date(denied_on + timedelta(days=ctx.appeal_days)),
                argument=argument.strip() or "[State why the denial is wrong.]",
                biller=signer_name(conn, self.actor),
            )
            path = self.letters / f"appeal_{ctx.claim_no}_{today:%Y%m%d}.txt"
            try:
                files.write(path, letter.encode("utf-8"))
            except OSError as exc:
                raise repo.DenialRefused(f"cannot write the letter: {exc.strerror}") from None
            stored.clear()
            stored.append(
                store_appeal_letter(conn, ctx.claim_id, work_item_id, path.name, letter, self.actor)
            )
            record_audit(
                conn, self.actor, "export", "claim", ctx.claim_id, f"appeal letter {path.name}"
            )
            repo.note(
                conn,
                ctx,
                self.actor,
                f"appeal letter written: {path.name}",
                today + timedelta(days=APPEAL_FOLLOW_UP_DAYS),
            )
            return path

        def work(session: Session, files: AttemptFiles) -> Path:
            conn = session.connection()
            try:
                return action(conn, self._held(conn, work_item_id), files)
            except repo.DenialRefused as exc:
                raise DenialActionRefused(sentence(exc)) from None

        path, placed = run_writing_files(self.engine, work)
        record_written(self.engine, stored if placed else [], self.actor)
        return path


def signer_name(conn: Connection, login: str) -> str:
    """Who signs a letter: the user's full name, else their host account's name (GECOS), else
    the login."""
    user = find_user(conn, login)
    if user is not None and user.full_name:
        return user.full_name
    try:
        gecos = pwd.getpwnam(login).pw_gecos.split(",")[0].strip()
    except KeyError:
        gecos = ""
    return gecos if gecos and gecos != login else login
