"""Charge entry's look-ups while typing: the patient by name, account no. or date of birth
(then their coverages), and the codes of a diagnosis, procedure, modifier or place of service
field (words, and a line's fee) after the typing pause; Enter on words waits for their codes
and picks the first. The base of `EncounterEntryScreen`."""

from __future__ import annotations

from textual import on, work
from textual.widgets import Input, Select

from medbill_tui.screens.encounter_keys import ChargeEntryKeys
from medbill_tui.widgets.encounter_codes import answer_asks, holds_words
from medbill_tui.widgets.encounter_header import VisitFields
from medbill_tui.widgets.encounter_lines import row_and_part
from medbill_tui.widgets.encounter_lookups import AskBatch
from medbill_tui.widgets.encounter_messages import (
    CodeAnswer,
    CodeAsk,
    CodesLookedUp,
    ContextLoaded,
    PatientsFound,
)
from medbill_tui.widgets.encounter_patient import PatientLookup
from medbill_tui.widgets.text import fmt_date

LOOKUP_DELAY = 0.15
"""Seconds after the last key before a code is looked up."""


class ChargeEntryLookups(ChargeEntryKeys):
    """Look-ups of charge entry (see `EncounterEntryScreen` for the whole screen)."""

    def __init__(self, encounter_id: int | None = None) -> None:
        super().__init__(encounter_id)
        self._lookups = AskBatch(self, self._send_asks, LOOKUP_DELAY)

    @work(thread=True, exit_on_error=False, group="entry-patients", exclusive=True)
    def find_patients(self, query: str) -> None:
        self.post_message(PatientsFound(query, self.services.encounters.find_patients(query, 8)))

    @work(thread=True, exit_on_error=False, group="entry-context", exclusive=True)
    def load_context(self, patient_id: int) -> None:
        self.post_message(ContextLoaded(self.services.encounters.patient_context(patient_id)))

    @work(thread=True, exit_on_error=False, group="entry-codes", exclusive=True)
    def look_up_codes(self, asks: tuple[CodeAsk, ...]) -> None:
        encounters = self.services.encounters
        answers = answer_asks(asks, encounters.search_codes, encounters.fee, encounters.pick_codes)
        self.post_message(CodesLookedUp(answers))

    # patient ------------------------------------------------------------------------------

    def on_patient_lookup_search(self, message: PatientLookup.Search) -> None:
        self.find_patients(message.query)

    def on_patients_found(self, message: PatientsFound) -> None:
        self.query_one(PatientLookup).show_hits(message.query, message.hits)

    def on_patient_lookup_picked(self, message: PatientLookup.Picked) -> None:
        self.query_one(VisitFields).forget_coverages()  # a check must not send the last one's
        self.load_context(message.hit.patient_id)
        self._show_status("Diagnosis 1: type the ICD-10-CM code.")
        self.form_view.focus_field("dx-0")

    def on_context_loaded(self, message: ContextLoaded) -> None:
        visit = self.query_one(VisitFields)
        visit.set_context(message.context, self.services.clock.today())
        if not visit.dos.strip():
            visit.set_visit(fmt_date(self.services.clock.today()), visit.pos or "11")
        self._schedule_check()

    # codes --------------------------------------------------------------------------------

    @on(Input.Changed)
    def _field_changed(self, event: Input.Changed) -> None:
        widget_id = event.input.id or ""
        if widget_id.startswith("dx-"):
            self._lookups.add(CodeAsk(widget_id, "icd10cm", event.value))
            self.form_view.follow_diagnoses()
        elif widget_id == "pos":
            self._lookups.add(CodeAsk("pos", "pos", event.value))
        else:
            place = row_and_part(widget_id)
            if place is not None and place[1] in ("code", "mod-0"):
                self._lookups.add(self.form_view.line_ask(place[0]))
        self._schedule_check()
        self.draft_soon()

    @on(Select.Changed)
    def _choice_changed(self, event: Select.Changed) -> None:
        if event.select.id == "coverage":  # another payer: other fees
            for index in self.form_view.entered_line_rows():
                self._lookups.add(self.form_view.line_ask(index))
        self._schedule_check()
        self.draft_soon()

    def _send_asks(self, asks: tuple[CodeAsk, ...]) -> None:
        for ask in asks:
            if not ask.query.strip():  # a cleared field: nothing to look up
                self.form_view.show_answer(CodeAnswer(ask, "empty", ""))
        wanted = tuple(ask for ask in asks if ask.query.strip())
        if wanted:
            self.look_up_codes(wanted)

    def on_codes_looked_up(self, message: CodesLookedUp) -> None:
        for answer in message.answers:
            self.form_view.show_answer(answer)
            if answer.state == "no-match" and answer.ask.key == self._focused_id():
                self._show_status(answer.words)

    # Enter --------------------------------------------------------------------------------

    @on(Input.Submitted)
    async def _enter(self, event: Input.Submitted) -> None:
        event.stop()
        widget_id = event.input.id or ""
        if self.form_view.pick():
            return
        ask = self._code_ask(widget_id, event.value)
        if ask is not None and holds_words(event.value):  # the codes first, then on
            self.form_view.pick_when_found(widget_id)
            self._lookups.add(ask, now=True)
            return
        accepted = await self.form_view.enter_pressed(widget_id, event.value)
        if accepted is not None:  # the line's fee now, not after the typing pause
            self._lookups.add(self.form_view.line_ask(accepted), now=True)

    def _code_ask(self, widget_id: str, value: str) -> CodeAsk | None:
        """The look-up of a diagnosis or procedure field (None for other fields)."""
        if widget_id.startswith("dx-"):
            return CodeAsk(widget_id, "icd10cm", value)
        place = row_and_part(widget_id)
        if place is not None and place[1] == "code":
            return self.form_view.line_ask(place[0])
        return None
