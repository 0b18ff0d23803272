"""What a biller does to queue rows besides opening them: key or edit encounters, create
claims (always previewed first), and put encounters or claims on hold."""

from __future__ import annotations

from typing import Any

from textual import work
from textual.widgets import Static

from medbill_tui.records.claims import ClaimRun
from medbill_tui.records.conflicts import Seen
from medbill_tui.records.queues import (
    DenialRow,
    PendingClaimRow,
    QueueKind,
    QueueRow,
    RejectionRow,
    UnbilledRow,
)
from medbill_tui.screens.claim_detail import ClaimDetailScreen
from medbill_tui.screens.claim_run import ClaimRunReady, ClaimRunScreen, HoldChanged, run_summary
from medbill_tui.screens.conflict import ConfirmScreen
from medbill_tui.screens.encounter_detail import EncounterDetailScreen
from medbill_tui.screens.encounter_entry import EncounterEntryScreen
from medbill_tui.screens.queue_submit import SubmitActions
from medbill_tui.screens.reason import ReasonScreen
from medbill_tui.widgets.encounter_messages import EntryOutcome
from medbill_tui.widgets.queue_table import QueueTable, row_key
from medbill_tui.widgets.text import fmt_date, money, plural


def seen_claim(row: PendingClaimRow | RejectionRow) -> Seen | None:
    """The claim's version and status as the row shows them (None when not listed)."""
    return Seen(row.version, row.status) if row.version else None


class QueueActions(SubmitActions):
    """The base of `QueueScreen` holding its row actions; the bindings are the queue's.

    After every change the queue reloads (rows and counts); the dashboard counts again
    when it comes back.
    """

    kind: QueueKind
    rows: list[QueueRow]

    def __init__(self) -> None:
        super().__init__()
        self._cursor_to: str | None = None
        """Row key to put the cursor on once it is loaded (the encounter just saved)."""
        self._busy = False
        """A claim run is under way (another waits until it is done)."""

    def action_refresh(self) -> None:
        raise NotImplementedError

    def _show_status(self) -> None:
        raise NotImplementedError

    def _keep_place(self, leaving: str) -> None:
        """When the row under the cursor (key `leaving`) leaves the queue, stay on its
        neighbour after the reload."""
        index = self.query_one(QueueTable).cursor_row
        if not (0 <= index < len(self.rows)) or row_key(self.rows[index]) != leaving:
            return
        for near in (index + 1, index - 1):
            if 0 <= near < len(self.rows):
                self._cursor_to = row_key(self.rows[near])
                return

    @property
    def current_row(self) -> QueueRow | None:
        """The row under the cursor (None in an empty queue)."""
        index = self.query_one(QueueTable).cursor_row
        return self.rows[index] if 0 <= index < len(self.rows) else None

    def open_entry(self, encounter_id: int | None) -> None:
        """Charge entry on an encounter (None: a new one); a save reloads the queue."""
        self.app.push_screen(EncounterEntryScreen(encounter_id), self._entry_closed)

    def _entry_closed(self, outcome: EntryOutcome | None) -> None:
        if outcome is None:
            return
        if self.kind is QueueKind.UNBILLED:
            self._cursor_to = f"e{outcome.encounter_id}"  # row_key of the saved encounter
        self.action_refresh()
        if outcome.create_claim:
            self._start_run((outcome.encounter_id,), dry_run=True)

    def action_new_encounter(self) -> None:
        self.open_entry(None)

    def action_view(self) -> None:
        """The read-only detail behind any row (Enter edits or works it instead)."""
        row = self.current_row
        if isinstance(row, UnbilledRow):
            self.app.push_screen(EncounterDetailScreen(row.encounter_id))
        elif isinstance(row, DenialRow | RejectionRow):
            self.app.push_screen(ClaimDetailScreen(row.claim_id))

    def action_create_claim(self) -> None:
        row = self.current_row
        if isinstance(row, UnbilledRow):
            self._start_run((row.encounter_id,), dry_run=True)

    def action_create_all_claims(self) -> None:
        self._start_run(None, dry_run=True)

    def _start_run(self, ids: tuple[int, ...] | None, *, dry_run: bool) -> None:
        if self._busy:
            self.notify("Still working on the last request…", timeout=3)
            return
        self._busy = True
        self._previewing = dry_run
        scope = "every unbilled encounter" if ids is None else plural(len(ids), "encounter")
        verb = "Checking" if dry_run else "Creating claims for"
        self.query_one("#queue-rows", Static).update(f"{verb} {scope}…")
        self.run_claims(ids, dry_run)

    @work(thread=True, exit_on_error=False, group="queue-claims", exclusive=True)
    def run_claims(self, ids: tuple[int, ...] | None, dry_run: bool) -> None:
        run = self.services.claims.create(ids, dry_run=dry_run)
        self.post_message(ClaimRunReady(run, ids))

    def on_claim_run_ready(self, message: ClaimRunReady) -> None:
        self._busy = self._previewing = False
        run, ids = message.run, message.encounter_ids
        if run.not_billable and not run.created and not run.skipped:
            first = run.not_billable[0]  # billed, held or voided since the list was read
            self.notify(
                f"Encounter {first.encounter_id} not billed: {first.reason}",
                title="Nothing billed",
                severity="warning",
            )
            self.action_refresh()
            return
        if not run.dry_run:
            if ids is not None and len(ids) == 1:
                self._keep_place(f"e{ids[0]}")
            self._claims_created(run)
            return
        self._show_status()
        if ids is not None and len(ids) == 1:
            scope = f"encounter {ids[0]}"
        else:
            scope = "every clean unbilled encounter"

        def answer(create: bool | None) -> None:
            if create:
                self._start_run(ids, dry_run=False)

        self.app.push_screen(ClaimRunScreen(run, scope), answer)

    def _claims_created(self, run: ClaimRun) -> None:
        if run.created:
            first = f" (claim #{run.claim_ids[0]})" if len(run.claim_ids) == 1 else ""
            self.notify(f"Created {run_summary(run)}{first}", title="Claims created", timeout=8)
        else:
            reasons = "; ".join(r for s in run.skipped[:1] for r in s.reasons[:2])
            self.notify(f"No claim created. {reasons}", title="Nothing billed", severity="warning")
        self.action_refresh()

    def action_hold(self) -> None:
        row = self.current_row
        if isinstance(row, UnbilledRow):
            title = f"Hold encounter {row.encounter_id} ({row.patient_name}, {fmt_date(row.dos)})"
            target: tuple[str, int] = ("encounter", row.encounter_id)
            seen = None
        elif isinstance(row, PendingClaimRow):
            title = f"Hold claim {row.claim_no} ({row.patient_name})"
            target = ("claim", row.claim_id)
            seen = seen_claim(row)
        else:
            return

        def held(reason: str | None) -> None:
            if reason:
                self.change_hold(target[0], target[1], reason, seen)

        self.app.push_screen(ReasonScreen(title, "Why is it on hold?"), held)

    def action_bill_patient(self) -> None:
        """Bill the visit to the patient instead of a payer: a self-pay visit after y/n, an
        insured one with the reason."""
        row = self.current_row
        if not isinstance(row, UnbilledRow):
            return
        encounter_id = row.encounter_id
        what = f"encounter {encounter_id} ({row.patient_name}, {fmt_date(row.dos)})"

        def answered(reason: str | bool | None) -> None:
            if reason:
                self.bill_patient(encounter_id, reason if isinstance(reason, str) else "")

        if row.self_pay:
            question = f"Bill the patient {money(row.charges)} for self-pay {what}?"
            self.app.push_screen(
                ConfirmScreen(question, yes="Yes, bill the patient", no="No, leave it"), answered
            )
        else:
            self.app.push_screen(
                ReasonScreen(
                    f"Bill the patient {money(row.charges)} for {what}",
                    f"It has insurance ({row.payer_name}): why the patient instead?",
                    "e.g. not a covered service; the patient agreed in writing",
                ),
                answered,
            )

    @work(thread=True, exit_on_error=False, group="queue-hold", exclusive=True)
    def bill_patient(self, encounter_id: int, reason: str) -> None:
        amount = self.services.claims.bill_patient(encounter_id, reason)
        self.post_message(
            HoldChanged(
                f"Encounter {encounter_id}: {money(amount)} billed to the patient",
                f"e{encounter_id}",
                "Billed to patient",
            )
        )

    def action_release(self) -> None:
        row = self.current_row
        if isinstance(row, PendingClaimRow):
            if row.status != "hold":
                self.notify(f"Claim {row.claim_no} is not on hold.", timeout=4)
                return
            self.change_hold("claim", row.claim_id, None, seen_claim(row))
        elif isinstance(row, UnbilledRow) and row.status == "hold":
            self.change_hold("encounter", row.encounter_id, None)

    @work(thread=True, exit_on_error=False, group="queue-hold", exclusive=True)
    def change_hold(
        self, kind: str, record_id: int, reason: str | None, seen: Seen | None = None
    ) -> None:
        claims = self.services.claims
        if kind == "claim":
            if reason is None:
                claims.release_claim(record_id, seen)
            else:
                claims.hold_claim(record_id, reason, seen)
        elif reason is None:
            claims.release_encounter(record_id)
        else:
            claims.hold_encounter(record_id, reason)
        done = "released" if reason is None else f"on hold: {reason}"
        leaving = f"e{record_id}" if kind == "encounter" and reason is not None else ""
        self.post_message(HoldChanged(f"{kind.capitalize()} {record_id} {done}", leaving))

    def _rejected_row(self) -> PendingClaimRow | RejectionRow | None:
        """The rejected claim under the cursor (says so when the claim was not rejected)."""
        row = self.current_row
        if not isinstance(row, PendingClaimRow | RejectionRow):
            return None
        if not row.status.startswith("rejected"):
            self.notify(
                f"Claim {row.claim_no} was not rejected: open it (Enter) to void, correct or "
                "rebill it.",
                timeout=6,
            )
            return None
        return row

    def action_fix_rejected(self) -> None:
        """Correct a rejected claim's visit in charge entry; saving makes it ready again."""
        row = self._rejected_row()
        if row is not None:
            self._keep_place(row_key(row))
            self.open_entry(row.encounter_id)

    def action_resend_rejected(self) -> None:
        """Send a rejected claim again as it stands (after fixing the patient or coverage)."""
        row = self._rejected_row()
        if row is not None:
            self._keep_place(row_key(row))
            self.resend(row.claim_id, row.claim_no, seen_claim(row))

    @work(thread=True, exit_on_error=False, group="queue-hold", exclusive=True)
    def resend(self, claim_id: int, claim_no: str, seen: Seen | None = None) -> None:
        self.services.claims.resend_rejected(claim_id, seen)
        self.post_message(HoldChanged(f"Claim {claim_no} is ready to send again", "", "Resend"))

    def claims_failed(self, worker: Any) -> None:
        if worker.group in ("queue-claims", "queue-submit"):
            self._previewing = False  # the keys held for its question go to the list
        if worker.group == "queue-claims":
            self._busy = False
            self._show_status()

    def on_hold_changed(self, message: HoldChanged) -> None:
        if message.leaving:
            self._keep_place(message.leaving)
        self.notify(message.what, title=message.title, timeout=6)
        self.action_refresh()
