"""The patient field of charge entry: look-up as you type, a short list of matches, Enter picks."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date
from typing import ClassVar

from rich.text import Text
from textual import on
from textual.app import ComposeResult
from textual.binding import Binding, BindingType
from textual.containers import Horizontal, Vertical
from textual.message import Message
from textual.timer import Timer
from textual.widgets import Input, OptionList, Static
from textual.widgets.option_list import Option

from medbill_tui.records.detail import PatientHeader
from medbill_tui.records.forms import PatientHit
from medbill_tui.widgets.code_input import EntryInput, FieldLabel
from medbill_tui.widgets.text import fmt_date

DEBOUNCE_SECONDS = 0.15
"""Wait this long after the last key before searching (a typist's pause, not every key)."""

HINT = "Type a last name ('last, first'), an account no. or a date of birth MM/DD/YYYY"


def describe(name: str, account_no: str, dob: date) -> str:
    return f"{name} · account {account_no} · DOB {fmt_date(dob)}"


class PatientInput(EntryInput):
    """The patient search box; up/down move through the matches shown under it.

    | Key(s) | Description |
    | :- | :- |
    | down / up | Next / previous match. |
    | enter | Pick the highlighted match. |
    """

    BINDINGS: ClassVar[list[BindingType]] = [
        Binding("down", "move_hit(1)", "Next match", show=False, id="entry.patient-next"),
        Binding("up", "move_hit(-1)", "Previous match", show=False, id="entry.patient-previous"),
    ]

    def action_move_hit(self, step: int) -> None:
        for lookup in self.ancestors:
            if isinstance(lookup, PatientLookup):
                lookup.move_highlight(step)
                return


class PatientLookup(Vertical):
    """Patient search and the picked patient. Posts `Search` after a short pause in typing
    and `Picked` when Enter chooses a match; Enter before the matches arrive picks the first
    match once they do."""

    DEFAULT_CSS = """
    PatientLookup {
        height: auto;
    }
    #patient-hits {
        height: auto;
        max-height: 6;
        border: none;
        padding: 0;
        margin-left: 9;
    }
    #patient-summary {
        height: 1;
        padding-left: 9;
    }
    """

    @dataclass
    class Search(Message):
        """Find patients matching `query`."""

        query: str

    @dataclass
    class Picked(Message):
        """The biller chose this patient."""

        hit: PatientHit

    def __init__(self, *, id: str | None = None) -> None:
        super().__init__(id=id)
        self.hits: tuple[PatientHit, ...] = ()
        """The matches on show."""
        self.patient_id: int | None = None
        self._picked_text: str | None = None
        self._waiting_for: str | None = None
        self._pick_when_found = False
        self._timer: Timer | None = None

    def compose(self) -> ComposeResult:
        with Horizontal(classes="entry-row"):
            yield FieldLabel("Patient", id="patient-label")
            yield PatientInput(id="patient", placeholder="last, first · account · DOB")
        hits = OptionList(id="patient-hits")
        hits.can_focus = False
        hits.display = False
        yield hits
        yield Static(HINT, id="patient-summary")

    @property
    def searching(self) -> bool:
        """True while typed text waits for its search to start."""
        return self._timer is not None

    @property
    def input(self) -> PatientInput:
        return self.query_one(PatientInput)

    # typing -------------------------------------------------------------------------------

    @on(Input.Changed, "#patient")
    def _typed(self, event: Input.Changed) -> None:
        event.stop()
        if self._timer is not None:
            self._timer.stop()
            self._timer = None
        query = event.value.strip()
        if event.value == self._picked_text:
            return
        self._pick_when_found = False
        if not query:
            self._waiting_for = None
            self._show([])
            return
        self._waiting_for = query
        self._timer = self.set_timer(DEBOUNCE_SECONDS, lambda: self._search(query))

    def _search(self, query: str) -> None:
        self._timer = None
        self.post_message(self.Search(query))

    def show_hits(self, query: str, hits: tuple[PatientHit, ...]) -> None:
        """Show the matches for `query` (ignored when the field has changed since)."""
        if query != self.input.value.strip() or self.input.value == self._picked_text:
            return
        self._waiting_for = None
        self.hits = hits
        self._show(hits)
        summary = self.query_one("#patient-summary", Static)
        if not hits:
            summary.update(Text(f"No patient matches {query!r}. {HINT}"))
        elif self._pick_when_found:
            self.pick(hits[0])

    def _show(self, hits: tuple[PatientHit, ...] | list[PatientHit]) -> None:
        options = self.query_one("#patient-hits", OptionList)
        options.clear_options()
        options.add_options(
            Option(Text(f"{hit.name:<28.28} {hit.account_no:<9} {fmt_date(hit.dob)}"))
            for hit in hits
        )
        options.display = bool(hits)
        if hits:
            options.highlighted = 0

    def move_highlight(self, step: int) -> None:
        options = self.query_one("#patient-hits", OptionList)
        if not self.hits:
            return
        current = options.highlighted or 0
        options.highlighted = max(0, min(len(self.hits) - 1, current + step))

    @on(Input.Submitted, "#patient")
    def _enter(self, event: Input.Submitted) -> None:
        event.stop()
        options = self.query_one("#patient-hits", OptionList)
        if self.hits and options.display and options.highlighted is not None:
            self.pick(self.hits[options.highlighted])
        elif self._waiting_for is not None:
            self._pick_when_found = True
        elif self.patient_id is not None and self.input.value == self._picked_text:
            self.screen.focus_next()

    def on_descendant_blur(self) -> None:
        self.query_one("#patient-hits", OptionList).display = False

    def on_descendant_focus(self) -> None:
        if self.hits and self.input.value != self._picked_text:
            self.query_one("#patient-hits", OptionList).display = True

    # choosing -----------------------------------------------------------------------------

    def pick(self, hit: PatientHit) -> None:
        """Choose `hit`: the field shows the name and the line under it who was chosen."""
        self._pick_when_found = False
        self._waiting_for = None
        self.hits = (hit,)
        self.patient_id = hit.patient_id
        self._picked_text = hit.name
        self.input.value = hit.name
        self.query_one("#patient-hits", OptionList).display = False
        self.query_one("#patient-summary", Static).update(
            Text(describe(hit.name, hit.account_no, hit.dob))
        )
        self.post_message(self.Picked(hit))

    def show_patient(self, patient: PatientHeader) -> None:
        """Show the patient of an encounter being edited (no search, no message)."""
        self.patient_id = patient.patient_id
        self.hits = (PatientHit(patient.patient_id, patient.account_no, patient.name, patient.dob),)
        self._picked_text = patient.name
        self.input.value = patient.name
        self.query_one("#patient-summary", Static).update(
            Text(describe(patient.name, patient.account_no, patient.dob))
        )
