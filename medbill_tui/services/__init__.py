"""Use cases: what screens and the CLI ask for. Each call is one unit of work."""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path

from sqlalchemy import Engine

from medbill_tui.clock import Clock
from medbill_tui.domain.roles import Action, can
from medbill_tui.records import Timers
from medbill_tui.records_statements import DunningPolicy
from medbill_tui.services.audit import AuditService
from medbill_tui.services.claims import ClaimService
from medbill_tui.services.denials import DenialService
from medbill_tui.services.drafts import DraftService
from medbill_tui.services.encounters import EncounterService
from medbill_tui.services.followups import FollowupService
from medbill_tui.services.imports import ImportService
from medbill_tui.services.patient_payments import PatientPaymentService
from medbill_tui.services.patients import PatientService
from medbill_tui.services.queues import DetailService, QueueService
from medbill_tui.services.remittances import RemittanceService
from medbill_tui.services.reports import ReportService
from medbill_tui.services.statements import StatementService
from medbill_tui.services.submissions import SubmissionService
from medbill_tui.services.unmatched import UnmatchedService
from medbill_tui.services.work import WorkService


@dataclass
class Services:
    """The service objects of one app session, sharing one engine and one clock."""

    engine: Engine
    queues: QueueService
    details: DetailService
    encounters: EncounterService
    claims: ClaimService
    patients: PatientService
    submissions: SubmissionService
    imports: ImportService
    remittances: RemittanceService
    denials: DenialService
    unmatched: UnmatchedService
    reports: ReportService
    statements: StatementService
    followups: FollowupService
    payments: PatientPaymentService
    audit: AuditService
    work: WorkService
    drafts: DraftService
    clock: Clock
    actor: str
    page_size: int = 200
    inbox: Path = Path("inbox")
    """The folder inbound X12 files are dropped in (the inbox screen lists it)."""
    role: str = "admin"
    """The actor's role (biller, supervisor, admin): what `can` allows."""

    def can(self, action: Action) -> bool:
        """True when the actor's role may do `action` (see domain/roles.py)."""
        return can(self.role, action)

    def close(self) -> None:
        self.engine.dispose()


def build_services(
    engine: Engine,
    clock: Clock,
    actor: str = "tester",
    page_size: int = 200,
    outbox: Path | None = None,
    letters: Path | None = None,
    inbox: Path | None = None,
    timers: Timers | None = None,
    statements_dir: Path | None = None,
    dunning: DunningPolicy | None = None,
    receipts: Path | None = None,
    role: str | None = "admin",
    lease_minutes: int = 30,
) -> Services:
    """Wire the services of one session onto `engine`.

    `role` is the actor's: the app and the CLI pass the one `identify` found for the login;
    the default suits tests and scripts on a database of their own.
    """
    role = role or "biller"
    return Services(
        engine=engine,
        queues=QueueService(engine, clock, timers),
        details=DetailService(engine, clock, actor),
        encounters=EncounterService(engine, clock, actor),
        claims=ClaimService(engine, clock, actor),
        patients=PatientService(engine, clock, actor),
        submissions=SubmissionService(engine, clock, actor, outbox or Path("outbox")),
        imports=ImportService(engine, clock, actor),
        remittances=RemittanceService(engine, clock, actor),
        unmatched=UnmatchedService(engine, clock, actor),
        denials=DenialService(
            engine,
            clock,
            actor,
            letters or Path("letters"),
            supervisor=can(role, "write-off-over-limit"),
        ),
        reports=ReportService(engine, clock, (timers or Timers()).aging_from),
        statements=StatementService(
            engine,
            clock,
            actor,
            statements_dir or Path("statements"),
            dunning or DunningPolicy(),
            role=role,
        ),
        followups=FollowupService(engine, clock, actor, timers),
        payments=PatientPaymentService(engine, clock, actor, receipts or Path("receipts")),
        audit=AuditService(engine, actor),
        work=WorkService(engine, clock, actor, lease_minutes, role=role),
        drafts=DraftService(engine, actor),
        clock=clock,
        actor=actor,
        page_size=page_size,
        inbox=inbox or Path("inbox"),
        role=role,
    )
