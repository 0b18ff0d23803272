"""Paper EOBs: a check and its claims keyed by hand, posted through the 835 posting (the same
ledger entries, denial work items and secondary claims), exactly once per payer + check."""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import replace
from typing import TYPE_CHECKING

from medbill_tui.db.repositories import paper_eob as repo
from medbill_tui.db.uow import read_connection, run_in_transaction
from medbill_tui.edi.paper_eob import (
    EobUnreadable,
    KeyedCheck,
    check_date_problems,
    read_keyed_eob,
)
from medbill_tui.records.paper_eob import ClaimsToKey
from medbill_tui.runtime.clock import Clock
from medbill_tui.services.errors import ServiceError, translate_errors
from medbill_tui.services.remittances import RemitOutcome, RemittanceService

if TYPE_CHECKING:
    from sqlalchemy import Connection, Engine
    from sqlalchemy.orm import Session


class PaperEobRefused(ServiceError):
    """Nothing was posted; the message says why (every problem found, one a line)."""


SHOWN_PROBLEMS = 12
FOUND_LIMIT = 8
"""Claims a look-up offers at most (a name prefix may match many)."""
PAYERS_NAMED = 4
"""Payers a refusal names when the words typed match several."""


class PaperEobService:
    """Read, check and post keyed paper EOBs. Blocking: call from a worker."""

    def __init__(self, engine: Engine, clock: Clock, actor: str) -> None:
        self.engine = engine
        self.clock = clock
        self.actor = actor

    @staticmethod
    def read(text: str) -> list[KeyedCheck]:
        """The checks of a keyed CSV batch (`PaperEobRefused` names the bad row)."""
        try:
            return read_keyed_eob(text)
        except EobUnreadable as exc:
            raise PaperEobRefused(f"Not posted: {exc}") from None

    @translate_errors
    def claim(self, claim_no: str) -> repo.ClaimOnFile | None:
        """Our claim by number (for keying: its payer, patient and account)."""
        with read_connection(self.engine) as conn:
            return repo.claims_on_file(conn, [claim_no.strip().upper()]).get(
                claim_no.strip().upper()
            )

    @translate_errors
    def claims_to_key(self, payer: str, words: str) -> ClaimsToKey:
        """The payer's claims that `words` names (our or the payer's claim number, an account
        or a name prefix), each with its lines; `PaperEobRefused` when no payer has that name
        or code."""
        with read_connection(self.engine) as conn:
            found = self._payer(conn, payer)
            claims = repo.claims_to_key(conn, found.id, words.strip(), FOUND_LIMIT)
            return ClaimsToKey(found.name, tuple(claims))

    @staticmethod
    def _payer(conn: Connection, words: str) -> repo.KnownPayer:
        """The one payer whose code or name is `words`, or whose name holds it (any case);
        `PaperEobRefused` when none or several do."""
        words = words.strip()
        found = repo.find_payers(conn, words, PAYERS_NAMED + 1) if words else []
        if not found:
            raise PaperEobRefused(f"No payer is named {words!r}: type its name or code")
        if len(found) > 1:
            names = ", ".join(p.name for p in found[:PAYERS_NAMED])
            more = " …" if len(found) > PAYERS_NAMED else ""
            raise PaperEobRefused(
                f"{words!r} is in the names of several payers ({names}{more}): "
                f"type more of the name, or the payer code"
            )
        return found[0]

    @translate_errors
    def post(self, checks: Sequence[KeyedCheck], *, dry_run: bool = False) -> list[RemitOutcome]:
        """Post every check of the batch, or none: a check that does not balance, names a payer
        or claim we do not know, or was posted before refuses the whole batch. A payer may be
        named by code, name or part of its name; it posts under the payer found."""

        def work(session: Session) -> list[RemitOutcome]:
            conn = session.connection()
            payers = self._payers(conn, checks)
            poster = RemittanceService(self.engine, self.clock, self.actor)
            outcomes: list[RemitOutcome] = []
            for check in checks:
                payer = payers[check.key]
                remit = replace(check.to_remit(), payer_name=payer.name, payer_id=payer.code)
                outcome = poster.post_in(session, remit, None, None, dry_run=dry_run)
                if outcome.status not in ("posted", "preview"):
                    raise PaperEobRefused(
                        f"Not posted: check {check.check_no} from {check.payer}: {outcome.message}"
                    )
                if not dry_run:
                    repo.record_paper_posting(conn, payer.id, check.check_no, self.actor)
                outcomes.append(outcome)
            return outcomes

        return run_in_transaction(self.engine, work)

    def _payers(
        self, conn: Connection, checks: Sequence[KeyedCheck]
    ) -> dict[tuple[str, str], repo.KnownPayer]:
        """Each check's payer, after every check is found to balance, to be dated no later
        than today and no earlier than its claims' dates of service, and to name only our
        claims billed to its payer (else `PaperEobRefused` with every problem)."""
        problems: list[str] = []
        seen: set[tuple[str, str]] = set()
        payers: dict[tuple[str, str], repo.KnownPayer] = {}
        wanted = [n for c in checks for n in c.claims]
        on_file = repo.claims_on_file(conn, wanted)
        dos = {claim_no: claim.dos for claim_no, claim in on_file.items()}
        today = self.clock.today()
        for check in checks:
            if check.key in seen:
                problems.append(f"check {check.check_no} is keyed twice")
            seen.add(check.key)
            problems += check.problems()
            problems += check_date_problems(check, today, dos)
            try:
                payer = self._payer(conn, check.payer)
            except PaperEobRefused as exc:
                why = str(exc)
                problems.append(f"check {check.check_no}: {why[:1].lower()}{why[1:]}")
                continue
            payers[check.key] = payer
            for claim_no in check.claims:
                ours = on_file.get(claim_no)
                if ours is None:
                    problems.append(f"check {check.check_no}: there is no claim {claim_no}")
                elif ours.payer_id != payer.id:
                    problems.append(
                        f"check {check.check_no}: claim {claim_no} is billed to "
                        f"{ours.payer_name}, not {payer.name}"
                    )
        if problems:
            more = len(problems) - SHOWN_PROBLEMS
            tail = [f"and {more} more"] if more > 0 else []
            raise PaperEobRefused("Not posted:\n  " + "\n  ".join(problems[:SHOWN_PROBLEMS] + tail))
        return payers
