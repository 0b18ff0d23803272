"""Use cases: what screens and the CLI ask for. Each call is one unit of work.

`Services` builds each service (and imports its module, with the repositories and their SQL
behind it) the first time it is used, so the app paints its first screen without loading
the use cases it has not needed yet (see docs/performance.md, cold start).
"""

from __future__ import annotations

import uuid
from dataclasses import dataclass, field
from functools import cached_property
from pathlib import Path
from typing import TYPE_CHECKING

from medbill_tui.domain.roles import Action, can
from medbill_tui.records.work import LeaseTerms
from medbill_tui.runtime.clock import Clock
from medbill_tui.runtime.config import DEFAULT_PAGE_SIZE

if TYPE_CHECKING:
    from sqlalchemy import Engine

    from medbill_tui.records.queues import Timers
    from medbill_tui.records.statements import DunningPolicy
    from medbill_tui.services.audit import AuditService
    from medbill_tui.services.claims import ClaimService
    from medbill_tui.services.clearinghouse_setup import ClearinghouseSetupService
    from medbill_tui.services.credits import CreditService
    from medbill_tui.services.denials import DenialService
    from medbill_tui.services.drafts import DraftService
    from medbill_tui.services.eligibility import EligibilityService
    from medbill_tui.services.encounters import EncounterService
    from medbill_tui.services.exchange import ExchangeService
    from medbill_tui.services.followups import FollowupService
    from medbill_tui.services.hl7_interface import Hl7Service
    from medbill_tui.services.imports import ImportService
    from medbill_tui.services.live import LiveService
    from medbill_tui.services.paper_claims import PaperClaimService
    from medbill_tui.services.paper_eobs import PaperEobService
    from medbill_tui.services.patient_merge import PatientMergeService
    from medbill_tui.services.patient_payments import PatientPaymentService
    from medbill_tui.services.patients import PatientService
    from medbill_tui.services.practice_setup import PracticeSetupService
    from medbill_tui.services.queues import DetailService, QueueService
    from medbill_tui.services.remittances import RemittanceService
    from medbill_tui.services.reports import ReportService
    from medbill_tui.services.setup_lists import SetupListsService
    from medbill_tui.services.statements import StatementService
    from medbill_tui.services.status_checks import StatusCheckService
    from medbill_tui.services.submissions import SubmissionService
    from medbill_tui.services.unmatched import UnmatchedService
    from medbill_tui.services.work import WorkService


def new_session_id() -> str:
    """An app session's id for `work_item.lease_source` ('app:' and 12 hex digits)."""
    return f"app:{uuid.uuid4().hex[:12]}"


@dataclass(eq=False)
class Services:
    """The service objects of one app session, sharing one engine and one clock.

    Each service is made on first use and kept (one object per session, as before)."""

    engine: Engine
    clock: Clock
    actor: str
    role: str
    """The actor's role (biller, supervisor, admin): what `can` allows. No default: a
    forgotten role must not grant anything."""
    page_size: int = DEFAULT_PAGE_SIZE
    inbox: Path = Path("inbox")
    """The folder inbound X12 files are dropped in (the inbox screen lists it)."""
    outbox: Path = Path("outbox")
    letters: Path = Path("letters")
    receipts: Path = Path("receipts")
    statements_dir: Path = Path("statements")
    timers: Timers | None = None
    dunning: DunningPolicy | None = None
    lease_minutes: int = 30
    first_admin: bool = False
    """This session's sign-in created the database and made the actor its first admin."""
    lease_source: str = field(default_factory=new_session_id)
    """Where this session's leases are taken: its own id, so that ending it frees only them."""
    exchange_settings: Path | None = None
    """The clearinghouse settings file (`medbill exchange`); None: no exchange here."""

    @property
    def lease_terms(self) -> LeaseTerms:
        """Where and for how long an action on a free work item takes it."""
        return LeaseTerms(self.lease_source, self.lease_minutes)

    def can(self, action: Action) -> bool:
        """True when the actor's role may do `action` (see domain/roles.py)."""
        return can(self.role, action)

    def close(self) -> None:
        self.engine.dispose()

    @cached_property
    def practice_setup(self) -> PracticeSetupService:
        from medbill_tui.services.practice_setup import PracticeSetupService

        return PracticeSetupService(self.engine, self.actor, self.role)

    @cached_property
    def paper_claims(self) -> PaperClaimService:
        from medbill_tui.services.paper_claims import PaperClaimService

        return PaperClaimService(self.engine, self.actor)

    @cached_property
    def paper_eobs(self) -> PaperEobService:
        from medbill_tui.services.paper_eobs import PaperEobService

        return PaperEobService(self.engine, self.clock, self.actor)

    @cached_property
    def setup_lists(self) -> SetupListsService:
        from medbill_tui.services.setup_lists import SetupListsService

        return SetupListsService(self.engine, self.actor, self.role)

    @cached_property
    def queues(self) -> QueueService:
        from medbill_tui.services.queues import QueueService

        return QueueService(self.engine, self.clock, self.timers)

    @cached_property
    def details(self) -> DetailService:
        from medbill_tui.services.queues import DetailService

        return DetailService(self.engine, self.clock, self.actor)

    @cached_property
    def encounters(self) -> EncounterService:
        from medbill_tui.services.encounters import EncounterService

        return EncounterService(self.engine, self.clock, self.actor, lease=self.lease_terms)

    @cached_property
    def claims(self) -> ClaimService:
        from medbill_tui.services.claims import ClaimService

        return ClaimService(
            self.engine, self.clock, self.actor, role=self.role, lease=self.lease_terms
        )

    @cached_property
    def patients(self) -> PatientService:
        from medbill_tui.services.patients import PatientService

        return PatientService(self.engine, self.clock, self.actor)

    @cached_property
    def patient_merge(self) -> PatientMergeService:
        from medbill_tui.services.patient_merge import PatientMergeService

        return PatientMergeService(self.engine, self.clock, self.actor, role=self.role)

    @cached_property
    def submissions(self) -> SubmissionService:
        from medbill_tui.services.submissions import SubmissionService

        return SubmissionService(self.engine, self.clock, self.actor, self.outbox)

    def exchange(self) -> ExchangeService:
        """A new exchange with the clearinghouse settings read now (ConfigError naming a
        missing or wrong one). Blocking: call from a worker."""
        from medbill_tui.runtime.exchange_settings import environment
        from medbill_tui.services.exchange import ExchangeService
        from medbill_tui.services.exchange_connection import exchange_connection

        connection = exchange_connection(self.engine, self.exchange_settings, environment())
        return ExchangeService(self.engine, self.clock, self.actor, self.inbox, connection)

    @cached_property
    def clearinghouse_setup(self) -> ClearinghouseSetupService:
        from medbill_tui.services.clearinghouse_setup import ClearinghouseSetupService

        return ClearinghouseSetupService(self.engine, self.actor, self.role)

    @cached_property
    def eligibility(self) -> EligibilityService:
        from medbill_tui.services.eligibility import EligibilityService

        return EligibilityService(self.engine, self.clock, self.actor, self.outbox)

    @cached_property
    def status_checks(self) -> StatusCheckService:
        from medbill_tui.services.status_checks import StatusCheckService

        return StatusCheckService(self.engine, self.clock, self.actor, self.outbox)

    @cached_property
    def imports(self) -> ImportService:
        from medbill_tui.services.imports import ImportService

        return ImportService(self.engine, self.clock, self.actor)

    @cached_property
    def remittances(self) -> RemittanceService:
        from medbill_tui.services.remittances import RemittanceService

        return RemittanceService(self.engine, self.clock, self.actor)

    @cached_property
    def hl7(self) -> Hl7Service:
        from medbill_tui.services.hl7_interface import Hl7Service

        return Hl7Service(self.engine, self.clock, self.actor, self.role)

    @cached_property
    def unmatched(self) -> UnmatchedService:
        from medbill_tui.services.unmatched import UnmatchedService

        return UnmatchedService(self.engine, self.clock, self.actor, lease=self.lease_terms)

    @cached_property
    def denials(self) -> DenialService:
        from medbill_tui.services.denials import DenialService

        return DenialService(
            self.engine,
            self.clock,
            self.actor,
            self.letters,
            supervisor=can(self.role, "write-off-over-limit"),
            may_override_contractual=can(self.role, "bill-patient-contractual"),
            lease=self.lease_terms,
        )

    @cached_property
    def reports(self) -> ReportService:
        from medbill_tui.records.queues import Timers
        from medbill_tui.services.reports import ReportService

        return ReportService(self.engine, self.clock, (self.timers or Timers()).aging_from)

    @cached_property
    def statements(self) -> StatementService:
        from medbill_tui.records.statements import DunningPolicy
        from medbill_tui.services.statements import StatementService

        return StatementService(
            self.engine,
            self.clock,
            self.actor,
            self.statements_dir,
            self.dunning or DunningPolicy(),
            role=self.role,
        )

    @cached_property
    def followups(self) -> FollowupService:
        from medbill_tui.services.followups import FollowupService

        return FollowupService(
            self.engine, self.clock, self.actor, self.timers, lease=self.lease_terms
        )

    @cached_property
    def payments(self) -> PatientPaymentService:
        from medbill_tui.services.patient_payments import PatientPaymentService

        return PatientPaymentService(self.engine, self.clock, self.actor, self.receipts)

    @cached_property
    def audit(self) -> AuditService:
        from medbill_tui.services.audit import AuditService

        return AuditService(self.engine, self.actor)

    @cached_property
    def work(self) -> WorkService:
        from medbill_tui.services.work import WorkService

        return WorkService(
            self.engine,
            self.clock,
            self.actor,
            self.lease_minutes,
            role=self.role,
            source=self.lease_source,
        )

    @cached_property
    def credits(self) -> CreditService:
        from medbill_tui.services.credits import CreditService

        return CreditService(
            self.engine, self.clock, self.actor, role=self.role, lease=self.lease_terms
        )

    @cached_property
    def live(self) -> LiveService:
        from medbill_tui.services.live import LiveService

        return LiveService(self.engine)

    @cached_property
    def drafts(self) -> DraftService:
        from medbill_tui.services.drafts import DraftService

        return DraftService(self.engine, self.actor)


def build_services(
    engine: Engine,
    clock: Clock,
    *,
    role: str,
    actor: str = "tester",
    page_size: int = 200,
    outbox: Path | None = None,
    letters: Path | None = None,
    inbox: Path | None = None,
    timers: Timers | None = None,
    statements_dir: Path | None = None,
    dunning: DunningPolicy | None = None,
    receipts: Path | None = None,
    lease_minutes: int = 30,
) -> Services:
    """Wire the services of one session onto `engine` (each is made when first used).

    `role` is the actor's, and required: the app and the CLI pass the one `identify` found
    for the login; tests and scripts say which role they act as.
    """
    return Services(
        engine=engine,
        clock=clock,
        actor=actor,
        page_size=page_size,
        inbox=inbox or Path("inbox"),
        role=role,
        outbox=outbox or Path("outbox"),
        letters=letters or Path("letters"),
        receipts=receipts or Path("receipts"),
        statements_dir=statements_dir or Path("statements"),
        timers=timers,
        dunning=dunning,
        lease_minutes=lease_minutes,
    )
