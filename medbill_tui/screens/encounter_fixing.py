"""Charge entry on a visit whose claim came back: why, and the patient and coverage one key
away (a base of the charge-entry screen).

While a claim of the visit has an open rejection or denial, a banner at the top says what
the payer said (the reason, the segment, element and code a 999 names, the STC codes of a
277CA, the group, CARC and RARC of a denial, in words). It is read from the work items each
time the screen opens or comes back to the front, so it stays until the item is closed.
ctrl+o opens the visit's patient and ctrl+y its coverage over charge entry; coming back
reloads the patient's coverages. Escape leaves charge entry to the screen it was opened
from (the rejections list, the denial).
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import ClassVar

from textual import work
from textual.binding import Binding, BindingType
from textual.message import Message
from textual.widgets import Static

from medbill_tui.errors import ServiceError
from medbill_tui.records.detail import VisitProblem
from medbill_tui.records.forms import PatientContext
from medbill_tui.screens.coverage_eligibility import EligibilityAsked
from medbill_tui.screens.encounter_drafts import ChargeEntryBase
from medbill_tui.widgets.encounter_header import VisitFields

KINDS = {"rejection": "rejected", "denial": "denied"}


@dataclass
class ProblemsLoaded(Message):
    """The open rejections and denials of the visit's claims (none: nothing to show)."""

    problems: tuple[VisitProblem, ...]


@dataclass
class ContextReloaded(Message):
    """The patient's coverages and authorizations, read again after the forms closed."""

    context: PatientContext


def banner_text(problems: tuple[VisitProblem, ...], keys: str) -> str:
    """The banner's lines: each problem's headline and codes, then the keys."""
    lines: list[str] = []
    for problem in problems:
        lines.append(f"✖ {problem.claim_no} {problem.headline}")
        if problem.codes:
            lines.append(f"  {problem.codes}")
    lines.append(f"  {keys}")
    return "\n".join(lines)


class FixingEntryBase(ChargeEntryBase):
    """Charge entry's banner for a rejected or denied claim, and its patient / coverage
    keys.

    | Key(s) | Description |
    | :- | :- |
    | ctrl+o / F6 | The visit's patient (the patient form, over charge entry). |
    | ctrl+y / F7 | The visit's coverage (the coverage form, over charge entry). |
    """

    DEFAULT_CSS = """
    #entry-problem {
        height: auto;
        max-height: 5;
        background: $error 25%;
        padding: 0 1;
        display: none;
    }
    #entry-problem.-shown {
        display: block;
    }
    """

    BINDINGS: ClassVar[list[BindingType]] = [
        Binding(
            "ctrl+o,f6",
            "open_patient",
            "Patient",
            id="entry.patient",
            show=False,  # the footer is full: the banner names the key
            tooltip="Open this visit's patient (name, DOB, address) over charge entry",
        ),
        Binding(
            "ctrl+y,f7",
            "open_coverage",
            "Coverage",
            id="entry.coverage",
            show=False,
            tooltip="Open this visit's coverage (payer, member id) over charge entry",
        ),
        Binding(
            "ctrl+l,f5",
            "check_eligibility",
            "Eligibility",
            id="entry.eligibility",
            show=False,
            tooltip="Ask the payer about this visit's coverage (a 270 in the outbox)",
        ),
    ]

    problems: tuple[VisitProblem, ...] = ()
    correcting_claim: str | None = None
    """The denied claim whose visit this corrects (its title says so already), or None."""
    _away = False

    def problem_title(self, what: str) -> str:
        """The screen's title while a claim of the visit is rejected or denied."""
        if not self.problems or self.correcting_claim:
            return what
        first = self.problems[0]
        kind = KINDS.get(first.kind, first.kind)
        return f"Fixing {what.lower()} · {kind} claim {first.claim_no}"

    # loading ------------------------------------------------------------------------------

    def look_for_problems(self) -> None:
        if self.encounter_id is not None:
            self.load_problems(self.encounter_id)

    @work(thread=True, exit_on_error=False, group="entry-problems", exclusive=True)
    def load_problems(self, encounter_id: int) -> None:
        self.post_message(ProblemsLoaded(self.services.details.visit_problems(encounter_id)))

    def on_problems_loaded(self, message: ProblemsLoaded) -> None:
        self.problems = message.problems
        banner = self.query_one("#entry-problem", Static)
        banner.set_class(bool(self.problems), "-shown")
        if self.problems:
            banner.update(banner_text(self.problems, self._keys_words()))
        self._set_title()

    def _keys_words(self) -> str:
        patient = self._key_for("open_patient", "ctrl+o")
        coverage = self._key_for("open_coverage", "ctrl+y")
        return f"{patient} patient · {coverage} coverage · esc back (asks before discarding)"

    def _key_for(self, action: str, default: str) -> str:
        """The first key that runs `action` now (a keymap may have moved it)."""
        for active in self.active_bindings.values():
            if active.binding.action == action:
                return self.app.get_key_display(active.binding)
        return default

    def _set_title(self) -> None:
        raise NotImplementedError

    # the patient and the coverage ---------------------------------------------------------

    def action_open_patient(self) -> None:
        from medbill_tui.screens.patient import PatientScreen  # on use: keeps startup light

        patient_id = self.form_view.patient_id
        if patient_id is None:
            self.notify("Pick the patient first.", title="No patient yet", timeout=4)
            return
        self._away = True
        self.app.push_screen(PatientScreen(patient_id))

    def action_open_coverage(self) -> None:
        from medbill_tui.screens.coverage import CoverageScreen  # on use: keeps startup light

        patient_id = self.form_view.patient_id
        coverage_id = self.query_one(VisitFields).coverage_id
        if patient_id is None or coverage_id is None:
            self.notify(
                "This visit has no coverage chosen (self-pay): pick one, or open the patient "
                "to add one.",
                title="No coverage",
                timeout=6,
            )
            return
        self._away = True
        self.app.push_screen(CoverageScreen(patient_id, coverage_id))

    def action_check_eligibility(self) -> None:
        coverage_id = self.query_one(VisitFields).coverage_id
        if coverage_id is None:
            self.notify("This visit has no coverage chosen (self-pay).", title="No coverage")
            return
        self.ask_eligibility(coverage_id)

    @work(thread=True, exit_on_error=False, group="entry-eligibility", exclusive=True)
    def ask_eligibility(self, coverage_id: int) -> None:
        try:
            run = self.services.eligibility.request([coverage_id])
        except ServiceError as exc:
            self.post_message(EligibilityAsked(str(exc), False))
            return
        words = f"Eligibility request written: {run.path} (F7: the coverage and its answer)"
        self.post_message(EligibilityAsked(words, True))

    def on_eligibility_asked(self, message: EligibilityAsked) -> None:
        if message.ok:
            self.notify(message.words, title="Eligibility")
        else:
            self.notify(message.words, title="Eligibility", severity="error")

    def on_screen_resume(self) -> None:
        if not self._away:
            return
        self._away = False  # back from the patient or coverage form: they may have changed
        patient_id = self.form_view.patient_id
        if patient_id is not None:
            self.reload_context(patient_id)
        self.look_for_problems()

    @work(thread=True, exit_on_error=False, group="entry-context", exclusive=True)
    def reload_context(self, patient_id: int) -> None:
        self.post_message(ContextReloaded(self.services.encounters.patient_context(patient_id)))

    def on_context_reloaded(self, message: ContextReloaded) -> None:
        visit = self.query_one(VisitFields)
        visit.set_context(
            message.context,
            self.services.clock.today(),
            coverage_id=visit.coverage_id,
            authorization_id=visit.authorization_id,
            defaults=False,
        )
        self._schedule_check()
