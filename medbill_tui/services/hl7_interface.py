"""The HL7 interface: take one message (file or MLLP), exactly once per sending facility and
control id, in one transaction, and answer with its ACK; the log, reprocessing, the mapping.

A message is answered only after its transaction commits. AA: applied. AE: held in the error
list with the reason (nothing it would change was written; a resend or `reprocess` tries it
again). AR: never taken (type, version, framing). A resend of an AA or AR gets the stored
answer and changes nothing."""

from __future__ import annotations

import logging
from datetime import datetime
from typing import TYPE_CHECKING, Any

from medbill_tui.db.repositories import hl7 as repo
from medbill_tui.db.uow import read_connection, run_in_transaction
from medbill_tui.edi.hl7_fields import Hl7Refused
from medbill_tui.edi.hl7_read import (
    ChargePosting,
    Header,
    Merge,
    ack,
    bare_ack,
    header,
    parse,
    read_message,
)
from medbill_tui.records.hl7 import Hl7LogRow, Hl7Mapping, Hl7Outcome
from medbill_tui.runtime.clock import Clock
from medbill_tui.services.errors import ServiceError, translate_errors
from medbill_tui.services.hl7_apply import Applied, MessageApplier

if TYPE_CHECKING:
    from sqlalchemy import Engine
    from sqlalchemy.orm import Session

log = logging.getLogger(__name__)
KINDS = ("provider", "payer", "location")


class MappingInvalid(ServiceError):
    """A mapping that names nothing of ours (no such provider, payer, place of service)."""


class NoSuchMessage(ServiceError):
    """No message with that id, or one that is not waiting on a fix."""


class Hl7Service:
    """Blocking: call from a worker thread (the listener runs it off its event loop)."""

    def __init__(self, engine: Engine, clock: Clock, actor: str, role: str | None) -> None:
        self.engine = engine
        self.clock = clock
        self.actor = actor
        self.role = role

    @translate_errors
    def receive(self, raw: str) -> Hl7Outcome:
        """Take one message and return the answer to send (after the commit)."""
        try:
            msg = parse(raw)
        except Hl7Refused as exc:
            return self._unreadable(raw, exc)
        try:
            head = header(msg)
        except Hl7Refused as exc:
            return self._refused_header(msg, raw, exc)
        return run_in_transaction(self.engine, lambda s: self._take(s, msg, raw, head, None))

    @translate_errors
    def reprocess(self, message_id: int) -> Hl7Outcome:
        """Try a message of the error list again (after the mapping or the data was fixed)."""

        def work(session: Session) -> Hl7Outcome:
            row = repo.message(session.connection(), message_id)
            if row is None or row.outcome != "AE":
                raise NoSuchMessage(f"message {message_id} is not waiting on a fix")
            msg = parse(row.raw)
            return self._take(session, msg, row.raw, header(msg), row)

        return run_in_transaction(self.engine, work)

    def _take(
        self, session: Session, msg: Any, raw: str, head: Header, row: Any | None
    ) -> Hl7Outcome:
        conn = session.connection()
        if row is None:
            repo.lock_control_id(conn, head.facility, head.control_id)
            row = repo.message_by_control_id(conn, head.facility, head.control_id)
            if row is not None and row.outcome != "AE":
                log.info("HL7 resend of message %s: answered %s again", row.id, row.outcome)
                return Hl7Outcome(row.outcome, row.reason, ack(msg, row.outcome, row.reason),
                                  row.id, resent=True)  # fmt: skip
        code, reason, applied = "AA", None, Applied(None)
        try:
            with session.begin_nested():  # a refusal undoes everything the message wrote
                applied = self._apply(session, msg, head)
        except Hl7Refused as exc:
            code, reason = exc.code, str(exc)
        values = {
            "facility": head.facility,
            "control_id": head.control_id,
            "message_type": head.message_type,
            "outcome": code,
            "reason": reason,
            "raw": raw,
            "patient_id": applied.patient_id,
            "encounter_id": applied.encounter_id,
        }
        message_id = repo.record_message(conn, None if row is None else row.id, values)
        log.info("HL7 message %s (%s) answered %s", message_id, head.message_type, code)
        return Hl7Outcome(code, reason, ack(msg, code, reason), message_id)

    def _apply(self, session: Session, msg: Any, head: Header) -> Applied:
        content = read_message(msg, head)
        applier = MessageApplier(
            self.engine, session.connection(), self.clock, self.actor, self.role
        )
        if isinstance(content, ChargePosting):
            return applier.charges(content)
        if isinstance(content, Merge):
            return applier.merge(content)
        return applier.registration(content)

    def _unreadable(self, raw: str, exc: Hl7Refused) -> Hl7Outcome:
        """No header to answer from: kept in the log (no control id), answered AR."""
        values = _values("", None, "", exc, raw)
        message_id = run_in_transaction(
            self.engine, lambda s: repo.record_message(s.connection(), None, values)
        )
        return Hl7Outcome("AR", str(exc), bare_ack("AR", str(exc)), message_id)

    def _refused_header(self, msg: Any, raw: str, exc: Hl7Refused) -> Hl7Outcome:
        """A header naming a type or version never taken: AR, once per control id."""
        msh = msg.segment("MSH")
        facility = str(msh.extract_field(1, 4, 1, 1) or msh.extract_field(1, 3, 1, 1))[:60]
        control_id = str(msh.extract_field(1, 10, 1, 1))[:60] or None
        kind = f"{msh.extract_field(1, 9, 1, 1)}^{msh.extract_field(1, 9, 1, 2)}"[:12]

        def work(session: Session) -> int | None:
            conn = session.connection()
            if control_id is not None:
                repo.lock_control_id(conn, facility, control_id)
                if repo.message_by_control_id(conn, facility, control_id) is not None:
                    return None
            return repo.record_message(conn, None, _values(facility, control_id, kind, exc, raw))

        message_id = run_in_transaction(self.engine, work)
        answer = ack(msg, "AR", str(exc)) if control_id else bare_ack("AR", str(exc))
        return Hl7Outcome("AR", str(exc), answer, message_id, resent=message_id is None)

    @translate_errors
    def log(self, limit: int = 200, errors_only: bool = False) -> tuple[Hl7LogRow, ...]:
        with read_connection(self.engine) as conn:
            return repo.log(conn, limit, errors_only)

    @translate_errors
    def last_received(self) -> datetime | None:
        with read_connection(self.engine) as conn:
            return repo.last_received(conn)

    @translate_errors
    def mappings(self) -> tuple[Hl7Mapping, ...]:
        with read_connection(self.engine) as conn:
            return repo.mappings(conn)

    @translate_errors
    def set_mapping(self, mapping: Hl7Mapping) -> None:
        """Map a facility's code to our provider (NPI), payer (payer code) or POS code."""
        if mapping.kind not in KINDS:
            raise MappingInvalid(f"kind must be one of {', '.join(KINDS)}")
        if not (mapping.facility.strip() and mapping.code.strip() and mapping.target.strip()):
            raise MappingInvalid("facility, code and target must not be empty")

        def work(session: Session) -> None:
            conn = session.connection()
            found = {
                "provider": lambda t: repo.provider_by_npi(conn, t) is not None,
                "payer": lambda t: repo.payer_by_code(conn, t) is not None,
                "location": lambda t: repo.pos_exists(conn, t),
            }[mapping.kind](mapping.target)
            if not found:
                raise MappingInvalid(f"there is no {mapping.kind} {mapping.target!r} here")
            repo.set_mapping(conn, mapping)

        run_in_transaction(self.engine, work)


def _values(
    facility: str, control_id: str | None, kind: str, exc: Hl7Refused, raw: str
) -> dict[str, Any]:
    return {
        "facility": facility,
        "control_id": control_id,
        "message_type": kind,
        "outcome": exc.code,
        "reason": str(exc),
        "raw": raw,
        "patient_id": None,
        "encounter_id": None,
    }
