"""The charge-entry form itself: its fields in Tab order, what Enter does in each, reading
it as an `EncounterForm`, and showing findings and code words at their fields.

The screen around it runs the workers; this widget never calls a service.
"""

from __future__ import annotations

from datetime import date

from textual.app import ComposeResult
from textual.containers import Horizontal
from textual.css.query import NoMatches
from textual.widgets import Input

from medbill_tui.domain.encounter_form import encode_pointers, parse_pointers
from medbill_tui.records.forms import EncounterForm, FormFinding, PatientContext, ProviderOption
from medbill_tui.widgets.code_input import EntryInput, FieldLabel
from medbill_tui.widgets.encounter_codes import procedure_code_set
from medbill_tui.widgets.encounter_dx import DiagnosisList, NoteLine
from medbill_tui.widgets.encounter_fields import CodeFieldsView, TypeThroughButton
from medbill_tui.widgets.encounter_findings import REFERRING_FIELDS, severities, widget_id_for
from medbill_tui.widgets.encounter_header import VisitFields
from medbill_tui.widgets.encounter_lines import ServiceLines, row_and_part
from medbill_tui.widgets.encounter_messages import CodeAnswer, CodeAsk, FieldMap
from medbill_tui.widgets.encounter_patient import PatientLookup
from medbill_tui.widgets.focus import focus_now

HEADER_FIELDS = ("patient", "coverage", "auth", "provider", "dos", "pos", *REFERRING_FIELDS)


class EncounterFormView(CodeFieldsView, can_focus=False):
    """Patient, visit fields, diagnoses, service lines and the save buttons, scrolling
    when they do not fit (80x24 shows a typical visit whole)."""

    DEFAULT_CSS = """
    EncounterFormView {
        height: 1fr;
        scrollbar-size-vertical: 1;
    }
    EncounterFormView .entry-row, #entry-buttons {
        height: 1;
    }
    EncounterFormView .entry-heading {
        margin-top: 1;
        text-style: bold;
    }
    #entry-buttons {
        margin-top: 1;
    }
    #entry-buttons Button {
        margin: 0 2 0 4;
    }
    #patient {
        width: 1fr;
    }
    """

    def __init__(self, *, id: str | None = None, bill_label: str = "Save + create claim") -> None:
        super().__init__(id=id)
        self.bill_label = bill_label
        """The second button's words: what ctrl+b does after saving."""

    def compose(self) -> ComposeResult:
        yield PatientLookup(id="patient-lookup")
        yield VisitFields(id="visit")
        yield DiagnosisList(id="dx-list")
        yield ServiceLines(id="line-list")
        with Horizontal(id="entry-buttons"):
            yield TypeThroughButton("Save (ctrl+s)", id="save-button", compact=True)
            yield TypeThroughButton(
                f"{self.bill_label} (ctrl+b)", id="save-claim-button", compact=True
            )

    @property
    def patient_id(self) -> int | None:
        return self.query_one(PatientLookup).patient_id

    def focus_field(self, widget_id: str) -> None:
        focus_now(self.query_one(f"#{widget_id}"))

    # filling ------------------------------------------------------------------------------

    async def show_encounter(
        self,
        form: EncounterForm,
        context: PatientContext,
        providers: tuple[ProviderOption, ...],
        today: date,
    ) -> None:
        """Fill every field from a saved encounter."""
        self.query_one(PatientLookup).show_patient(context.patient)
        visit = self.query_one(VisitFields)
        visit.set_providers(providers, form.provider_id)
        visit.set_context(
            context,
            today,
            coverage_id=form.coverage_id,
            authorization_id=form.authorization_id,
            defaults=False,
        )
        visit.set_visit(form.dos, form.pos)
        visit.set_referring(form.referring_npi, form.referring_last, form.referring_first)
        await self.query_one(DiagnosisList).set_codes(form.diagnoses)
        await self.query_one(ServiceLines).set_lines(form.lines)
        self.follow_diagnoses()

    def fill_charges(self, charges: tuple[tuple[str, str], ...]) -> None:
        """Put fee-schedule prices into lines whose charge is still empty."""
        rows = self.query_one(ServiceLines).rows
        for widget_id, amount in charges:
            place = row_and_part(widget_id)
            if place is None or place[0] >= len(rows):
                continue
            row = rows[place[0]]
            if not row.field("charge").value.strip():
                row.auto_charge = amount
                row.field("charge").value = amount

    # reading ------------------------------------------------------------------------------

    def build(
        self, encounter_id: int | None, version: int | None
    ) -> tuple[EncounterForm, FieldMap] | None:
        """The form as keyed (blank rows left out) and where its rows are; None until a
        patient is picked."""
        patient_id = self.patient_id
        if patient_id is None:
            return None
        visit = self.query_one(VisitFields)
        ref_npi, ref_last, ref_first = visit.referring
        dx_rows = [row for row in self.query_one(DiagnosisList).rows if row.input.value.strip()]
        line_rows = [row for row in self.query_one(ServiceLines).rows if row.entered]
        form = EncounterForm(
            patient_id=patient_id,
            provider_id=visit.provider_id,
            coverage_id=visit.coverage_id,
            authorization_id=visit.authorization_id,
            dos=visit.dos,
            pos=visit.pos,
            diagnoses=tuple(row.input.value.strip() for row in dx_rows),
            lines=tuple(row.value for row in line_rows),
            encounter_id=encounter_id,
            version=version,
            referring_npi=ref_npi,
            referring_last=ref_last,
            referring_first=ref_first,
        )
        return form, FieldMap(
            tuple(row.index for row in dx_rows), tuple(row.index for row in line_rows)
        )

    def snapshot(self) -> tuple[object, ...]:
        """Everything keyed, to tell whether anything changed."""
        visit = self.query_one(VisitFields)
        return (
            self.patient_id,
            visit.coverage_id,
            visit.authorization_id,
            visit.provider_id,
            visit.dos,
            visit.pos,
            visit.referring,
            tuple(v.strip() for v in self.query_one(DiagnosisList).values() if v.strip()),
            tuple(row.value for row in self.query_one(ServiceLines).rows if row.entered),
        )

    def line_ask(self, row_index: int) -> CodeAsk:
        """Look up a line's code: its label and its fee for the chosen coverage."""
        row = self.query_one(ServiceLines).rows[row_index]
        code = row.field("code").value.strip()
        return CodeAsk(
            f"line-{row_index}-code",
            procedure_code_set(code),
            code,
            want_fee=True,
            modifier=row.field("mod-0").value.strip(),
            coverage_id=self.query_one(VisitFields).coverage_id,
        )

    def entered_line_rows(self) -> list[int]:
        return [row.index for row in self.query_one(ServiceLines).rows if row.entered]

    # showing ------------------------------------------------------------------------------

    def show_answer(self, answer: CodeAnswer) -> None:
        """A code's words next to its field; a line's fee into an empty (or self-filled)
        charge. Ignored when the field has changed since it was asked."""
        key = answer.ask.key
        try:
            field = self.query_one(f"#{key}", Input)
        except NoMatches:  # the row was removed meanwhile
            return
        if field.value.strip().upper() != answer.ask.query.strip().upper():
            return  # typed on since: a newer look-up is on its way
        if key == "pos":
            self.query_one(VisitFields).show_pos_words(answer.words)
            return
        note_id = f"dx-words-{key[3:]}" if key.startswith("dx-") else key[:-5] + "-words"
        searching = answer.state in ("words", "no-match")
        self.query_one(f"#{note_id}", NoteLine).show_words(answer.words, searching=searching)
        self.offer_choices(field, answer)
        place = row_and_part(key)
        if place is not None and answer.fee is not None:
            row = self.query_one(ServiceLines).rows[place[0]]
            charge = row.field("charge")
            if charge.value.strip() in ("", row.auto_charge):
                row.auto_charge = f"{answer.fee:.2f}"
                charge.value = row.auto_charge

    def show_findings(self, findings: tuple[FormFinding, ...], fields: FieldMap) -> None:
        """Mark every field that has a finding (✖/⚠ on its label, the words in its row)."""
        marks = severities(findings, fields)
        targets = [(finding, widget_id_for(finding.field, fields)) for finding in findings]
        for name in HEADER_FIELDS:
            self.query_one(f"#{name}-label", FieldLabel).show_severity(marks.get(name))
        for name in ("patient", "dos", "pos", *REFERRING_FIELDS):
            self.query_one(f"#{name}", EntryInput).show_severity(marks.get(name))
        for dx_row in self.query_one(DiagnosisList).rows:
            own = f"dx-{dx_row.index}"
            dx_row.show_finding(next((f for f, t in targets if t == own), None))
        for line_row in self.query_one(ServiceLines).rows:
            prefix = f"line-{line_row.index}-"
            first = next((f for f, t in targets if t and t.startswith(prefix)), None)
            line_row.show_findings(marks, first)

    # Enter --------------------------------------------------------------------------------

    async def enter_pressed(self, widget_id: str, value: str) -> int | None:
        """Move on from the field where Enter was pressed; returns the row of a service line
        that was accepted (its code should be looked up now), else None."""
        if widget_id in ("dos", "pos", *REFERRING_FIELDS):
            self.screen.focus_next()
        elif widget_id.startswith("dx-"):
            await self._enter_diagnosis(int(widget_id[3:]), value)
        elif (place := row_and_part(widget_id)) is not None:
            return await self._enter_line(place[0], place[1], value)
        return None

    async def _enter_diagnosis(self, index: int, value: str) -> None:
        if not value.strip():
            self.focus_field("line-0-code")
            return
        dx = self.query_one(DiagnosisList)
        if index + 1 < len(dx.rows):
            self.focus_field(f"dx-{index + 1}")
        elif (row := await dx.add_row()) is not None:
            focus_now(row.input)
        else:
            self.focus_field("line-0-code")

    async def _enter_line(self, index: int, part: str, value: str) -> int | None:
        if part == "code" and not value.strip():
            self.focus_field("save-button")
            return None
        lines = self.query_one(ServiceLines)
        accepted = index if lines.rows[index].field("code").value.strip() else None
        if index + 1 < len(lines.rows):
            self.focus_field(f"line-{index + 1}-code")
        elif (row := await lines.add_row(self._default_pointers())) is not None:
            focus_now(row.field("code"))
        else:
            self.focus_field("save-button")
        return accepted

    # moving diagnoses ---------------------------------------------------------------------

    def move_diagnosis(self, index: int, step: int) -> bool:
        """Swap diagnosis `index` with its neighbour (both filled); lines keep pointing at
        the same codes. False when there is nothing to swap with."""
        rows = self.query_one(DiagnosisList).rows
        other = index + step
        if not (0 <= other < len(rows)):
            return False
        mine, theirs = rows[index].input, rows[other].input
        if not mine.value.strip() or not theirs.value.strip():
            return False
        filled = [row.index for row in rows if row.input.value.strip()]
        first, second = filled.index(index) + 1, filled.index(other) + 1
        mine.value, theirs.value = theirs.value, mine.value
        self._swap_pointers(first, second)
        focus_now(theirs)
        return True

    def _swap_pointers(self, first: int, second: int) -> None:
        swap = {first: second, second: first}
        for row in self.query_one(ServiceLines).rows:
            if not row.entered:
                continue
            field = row.field("pointers")
            pointers = parse_pointers(field.value)
            if pointers:
                moved = tuple(swap.get(p, p) for p in pointers)
                if moved != pointers:
                    field.value = encode_pointers(moved)
