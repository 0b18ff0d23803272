"""Charge entry: key a new encounter (or edit an unbilled one) with its diagnoses and
service lines, checked live by the claim scrubber, and save it."""

from __future__ import annotations

from typing import Any, ClassVar

from textual import work
from textual.app import ComposeResult
from textual.binding import Binding, BindingType
from textual.widgets import Header, Input, Static
from textual.worker import Worker, WorkerState

from medbill_tui.records.forms import EncounterForm, FormFinding
from medbill_tui.screens.encounter_entry_lookups import ChargeEntryLookups
from medbill_tui.widgets.encounter_codes import with_fees
from medbill_tui.widgets.encounter_findings import (
    FindingsPanel,
    counts_text,
    status_text,
    widget_id_for,
)
from medbill_tui.widgets.encounter_form import EncounterFormView
from medbill_tui.widgets.encounter_header import VisitFields
from medbill_tui.widgets.encounter_messages import (
    ChargesFilled,
    EncounterLoaded,
    EncounterSaved,
    FieldMap,
    FormChecked,
    ProvidersLoaded,
)
from medbill_tui.widgets.encounter_patient import PatientLookup
from medbill_tui.widgets.focus import focus_now
from medbill_tui.widgets.keys_footer import KeysFooter
from medbill_tui.widgets.text import fmt_date

CHECK_DELAY = 0.3
"""Seconds after the last change before the whole form is checked again."""

DX_MOVES = Binding.Group("Move dx", compact=True)

QUIET_UNTIL_SAVE = frozenset({"DX-REQUIRED", "LINES-REQUIRED"})
"""'Nothing entered yet' findings: not shown on a form still being keyed until a save."""


class EncounterEntryScreen(ChargeEntryLookups):
    """The charge-entry form. Modal, so the queue keys (1-4) cannot drop unsaved entries.

    Tab / shift+Tab go through every field in a fixed order. Enter moves on: in the patient
    field it picks the match, in a diagnosis the next one (a blank one: the first service
    line), in a service line the next line's code (a blank code: Save).

    Words (or an ICD-10-CM category) in a diagnosis or procedure field open a pick list under
    it: up/down choose, Enter puts the code in the field, Escape closes it and keeps the text.
    Text typed while a button has the cursor goes to the field before it.

    | Key(s) | Description |
    | :- | :- |
    | ctrl+s | Save. |
    | ctrl+b / F9 | Save, then preview and create the claim (correcting a denial: save, then
      make the corrected claim at once). |
    | ctrl+n / F8 | Go to the field of the next finding. |
    | ctrl+r | Put your entries back after a conflict (their version reloaded). |
    | ctrl+o / ctrl+y (F6 / F7) | The visit's patient / coverage form. |
    | F5 | Ask the payer about the visit's coverage (a 270; F7 shows the answer). |
    | ctrl+up / ctrl+down (alt+up / alt+down) | Move a diagnosis up / down. |
    | up / down | The same field one line (or diagnosis) up / down; in a pick list, the
      previous / next code. |
    | ctrl+d | Delete the service line under the cursor (the lines below move up). |
    | escape | Back (asks before throwing entries away). |
    | F1 | Keys. |
    """

    DEFAULT_CSS = """
    EncounterEntryScreen {
        background: $background;
    }
    #entry-status {
        height: 1;
        background: $panel;
        padding: 0 1;
    }
    """

    BINDINGS: ClassVar[list[BindingType]] = [
        Binding("ctrl+s", "save(False)", "Save", id="entry.save", tooltip="Save the encounter"),
        Binding(
            "ctrl+b,f9",
            "save(True)",
            "Save+claim",
            id="entry.save-claim",
            tooltip="Save, then preview and create its claim",
        ),
        Binding(
            "ctrl+b,f9",
            "save_and_resubmit",
            "Save+resubmit",
            id="entry.save-resubmit",
            tooltip="Correcting a denied claim: save, then make the corrected claim",
        ),
        Binding(
            "ctrl+n,f8",
            "next_finding",
            "Next issue",
            id="entry.next-finding",
            tooltip="Go to the field of the next error or warning",
        ),
        Binding(
            "ctrl+up,alt+up",
            "move_dx(-1)",
            "Dx up",
            id="entry.move-dx-up",
            group=DX_MOVES,
            tooltip="Move this diagnosis up",
        ),
        Binding(
            "ctrl+down,alt+down",
            "move_dx(1)",
            "Dx down",
            id="entry.move-dx-down",
            group=DX_MOVES,
            tooltip="Move this diagnosis down",
        ),
        Binding(
            "ctrl+r",
            "restore_draft",
            "Put mine back",
            id="entry.restore-draft",
            tooltip="After a conflict: your entries back on top of theirs",
        ),
        Binding(
            "escape",
            "leave",
            "Back",
            id="entry.back",
            tooltip="Back to the queue (asks before discarding changes)",
        ),
        Binding("f1,question_mark", "help", "Keys", id="entry.help", tooltip="Every key"),
    ]

    def __init__(
        self, encounter_id: int | None = None, *, correcting_claim: str | None = None
    ) -> None:
        super().__init__(encounter_id)
        self.correcting_claim = correcting_claim
        """The denied claim whose visit this corrects (ctrl+b then resubmits it), or None."""
        self.findings: tuple[FormFinding, ...] = ()
        """The findings of the latest check (or of a refused save)."""
        self.fields = FieldMap((), ())
        """How those findings' numbers map to rows on screen."""
        self._check_generation = 0
        self._load_failed = False

    def check_action(self, action: str, parameters: tuple[object, ...]) -> bool | None:
        # ctrl+b is "Save+claim", or "Save+resubmit" while correcting a denied claim
        if action == "save" and parameters == (True,):
            return self.correcting_claim is None
        if action == "save_and_resubmit":
            return self.correcting_claim is not None
        return super().check_action(action, parameters)

    def keys_wait(self) -> bool:
        # reading the encounter (ctrl+s typed ahead saves it once shown), or saving
        return (not self.ready and not self._load_failed) or self._saving

    def action_save_and_resubmit(self) -> None:
        self.action_save(True)

    def on_worker_state_changed(self, event: Worker.StateChanged) -> None:
        if event.state is WorkerState.ERROR:
            self.medbill.report_worker_error(event.worker)
            self._worker_failed(event.worker)

    # layout -------------------------------------------------------------------------------

    def compose(self) -> ComposeResult:
        yield Header()
        yield Static("", id="entry-problem", markup=False)
        yield Static("", id="entry-status")
        yield EncounterFormView(
            id="entry-form",
            bill_label="Save + resubmit" if self.correcting_claim else "Save + create claim",
        )
        yield FindingsPanel(id="findings", classes="-empty")
        yield KeysFooter()

    def on_mount(self) -> None:
        self._set_title()
        if self.encounter_id is None:
            self.query_one(VisitFields).set_visit(fmt_date(self.services.clock.today()), "11")
            self.form_view.focus_field("patient")
            self._show_status("Pick the patient: type a name, account no. or date of birth.")
            self.load_providers()
            self.call_after_refresh(self._take_baseline)
            self.offer_draft()
        else:
            self._show_status("Loading the encounter…")
            self.load_encounter(self.encounter_id)
            self.look_for_problems()

    def _set_title(self) -> None:
        what = "New encounter" if self.encounter_id is None else f"Encounter {self.encounter_id}"
        if self.correcting_claim:
            what = f"Correcting {what.lower()} · denied claim {self.correcting_claim}"
        what = self.problem_title(what)
        counts = counts_text(self.findings)
        self.sub_title = f"{what} · {counts}" if counts else what

    # workers ------------------------------------------------------------------------------

    @work(thread=True, exit_on_error=False, group="entry-load", exclusive=True)
    def load_encounter(self, encounter_id: int) -> None:
        encounters = self.services.encounters
        form = encounters.load(encounter_id)
        context = encounters.patient_context(form.patient_id)
        providers = encounters.providers(keep=form.provider_id)
        self.post_message(EncounterLoaded(form, context, providers))

    @work(thread=True, exit_on_error=False, group="entry-providers", exclusive=True)
    def load_providers(self) -> None:
        self.post_message(ProvidersLoaded(self.services.encounters.providers()))

    @work(thread=True, exit_on_error=False, group="entry-check", exclusive=True)
    def check_form(self, generation: int, form: EncounterForm, fields: FieldMap) -> None:
        findings = self.services.encounters.check(form)
        self.post_message(FormChecked(generation, findings, fields))

    @work(thread=True, exit_on_error=False, group="entry-save", exclusive=True)
    def save_form(self, form: EncounterForm, fields: FieldMap, create_claim: bool) -> None:
        encounters = self.services.encounters
        form, filled = with_fees(form, fields, encounters.fee)
        if filled:
            self.post_message(ChargesFilled(filled))
        self.post_message(EncounterSaved(self.save_locked(form), create_claim))

    def _worker_failed(self, worker: Worker[Any]) -> None:
        if worker.group == "entry-save":
            if self.save_failed(worker):
                return
            # A refused save (`EntryInvalid`) carries its findings; the screen does not
            # import the service layer, so it reads the attribute.
            findings = getattr(worker.error, "findings", None)
            if isinstance(findings, tuple):
                self._show_findings(findings, self._save_fields)
            self._show_status("Not saved. Your entries are kept. " + status_text(self.findings))
        elif worker.group == "entry-load":
            self._load_failed = True
            self._show_status("The encounter could not be opened. Esc goes back.")

    # loading ------------------------------------------------------------------------------

    async def on_encounter_loaded(self, message: EncounterLoaded) -> None:
        form, context = message.form, message.context
        self.version, self.loaded_form = form.version, form
        await self.form_view.show_encounter(
            form, context, message.providers, self.services.clock.today()
        )
        self.ready = True
        self._take_baseline()
        self._show_status("Checking…")
        self.form_view.focus_field("dx-0")
        self._schedule_check()
        self.offer_draft()

    def on_providers_loaded(self, message: ProvidersLoaded) -> None:
        self.query_one(VisitFields).set_providers(message.providers, None)
        self.call_after_refresh(self._take_baseline)

    # checking -----------------------------------------------------------------------------

    @property
    def settled(self) -> bool:
        """True when no look-up or check waits for its timer (tests wait for this)."""
        return (
            not self._lookups.waiting
            and self._check_timer is None
            and not self.query_one(PatientLookup).searching
        )

    def _schedule_check(self) -> None:
        if not self.ready or self._saving:
            return
        if self.form_view.patient_id is None:
            return
        if self._check_timer is not None:
            self._check_timer.stop()
        self._check_timer = self.set_timer(CHECK_DELAY, self._run_check)

    def _run_check(self) -> None:
        self._check_timer = None
        built = self.form_view.build(self.encounter_id, self.version)
        if built is None:
            return
        self._check_generation += 1
        self.check_form(self._check_generation, *built)

    def on_form_checked(self, message: FormChecked) -> None:
        if message.generation != self._check_generation or self._saving:
            return
        findings = message.findings
        if not self._save_tried:
            findings = tuple(f for f in findings if f.rule_id not in QUIET_UNTIL_SAVE)
        self._show_findings(findings, message.fields)
        self._show_status(status_text(self.findings))

    def _show_findings(self, findings: tuple[FormFinding, ...], fields: FieldMap) -> None:
        self.findings, self.fields = findings, fields
        self.form_view.show_findings(findings, fields)
        self._show_panel()
        self._set_title()

    def _show_panel(self) -> None:
        focused = self.focused.id if self.focused is not None else None
        here = [f for f in self.findings if widget_id_for(f.field, self.fields) == focused]
        self.query_one(FindingsPanel).show(self.findings, here)

    def on_descendant_focus(self) -> None:
        if self.findings:
            self._show_panel()
        self.keep_draft_now()  # the cursor moved on: keep what the last field got

    # moving about -------------------------------------------------------------------------

    def action_next_finding(self) -> None:
        wanted = {widget_id_for(f.field, self.fields) for f in self.findings}
        chain = self.focus_chain
        targets = [widget for widget in chain if widget.id in wanted]
        if not targets:
            self.notify("No findings on this form.", title="Nothing to fix", timeout=4)
            return
        here = chain.index(self.focused) if self.focused in chain else -1
        focus_now(next((w for w in targets if chain.index(w) > here), targets[0]))

    def action_move_dx(self, step: int) -> None:
        focused = self.focused
        widget_id = focused.id if focused is not None else None
        if not isinstance(focused, Input) or not (widget_id or "").startswith("dx-"):
            self.notify("Put the cursor on a diagnosis to move it.", timeout=4)
            return
        if self.form_view.move_diagnosis(int((widget_id or "")[3:]), step):
            self._schedule_check()

    # saving and leaving -------------------------------------------------------------------

    def action_help(self) -> None:
        self.medbill.action_help()

    def focus_field(self, widget_id: str) -> None:
        """Put the cursor in a field by its id ("dx-0", "line-1-charge", "dos", …)."""
        self.form_view.focus_field(widget_id)
