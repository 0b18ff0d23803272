"""The visit fields of charge entry: coverage, authorization, provider, date and place of
service, and the defaults they take when a patient is picked."""

from __future__ import annotations

from collections.abc import Sequence
from datetime import date

from textual import on
from textual.app import ComposeResult
from textual.containers import Horizontal, Vertical
from textual.widgets import Select, Static

from medbill_tui.domain.encounter_form import REFERRING_FIRST_MAX, REFERRING_LAST_MAX
from medbill_tui.records.forms import (
    AuthorizationOption,
    CoverageOption,
    PatientContext,
    ProviderOption,
)
from medbill_tui.widgets.code_input import CodeInput, EntryInput, FieldLabel
from medbill_tui.widgets.text import fmt_date_short

DEFAULT_POS = "11"
"""Office: where most visits keyed in a practice happen."""

PRIORITY_WORDS = {1: "primary", 2: "secondary", 3: "tertiary"}


def _covers(start: date | None, end: date | None, day: date) -> bool:
    return (start is None or start <= day) and (end is None or day <= end)


def default_coverage(context: PatientContext, day: date) -> int | None:
    """The primary coverage active on `day` (the service lists active ones first by
    priority); None means self-pay."""
    active = [c for c in context.coverages if _covers(c.effective_from, c.effective_to, day)]
    return min(active, key=lambda c: c.priority).id if active else None


def default_authorization(
    context: PatientContext, coverage_id: int | None, day: date
) -> int | None:
    """An approved authorization on the coverage that covers `day` and has visits left."""
    for auth in context.authorizations:
        if (
            auth.coverage_id == coverage_id
            and auth.status == "approved"
            and _covers(auth.start_date, auth.end_date, day)
            and (auth.visits_allowed is None or auth.visits_used < auth.visits_allowed)
        ):
            return auth.id
    return None


def coverage_label(cov: CoverageOption, day: date) -> str:
    words = PRIORITY_WORDS.get(cov.priority, f"priority {cov.priority}")
    label = f"{cov.payer_name} {cov.member_id} ({words})"
    if not _covers(cov.effective_from, cov.effective_to, day):
        label += " (not active)"
    return label


def authorization_label(auth: AuthorizationOption) -> str:
    dates = ""
    if auth.start_date or auth.end_date:
        dates = f" {fmt_date_short(auth.start_date)}-{fmt_date_short(auth.end_date)}"
    visits = ""
    if auth.visits_allowed is not None:
        visits = f" {auth.visits_used}/{auth.visits_allowed} used"
    return f"{auth.number or 'no number'} {auth.status}{dates}{visits} {auth.codes}".strip()


def select_value(select: Select[int]) -> int | None:
    value = select.value
    return value if isinstance(value, int) else None


class VisitFields(Vertical):
    """Coverage and authorization, then provider, DOS and POS, then the referring provider
    (three lines at 80 columns).

    The authorization list follows the chosen coverage.
    """

    DEFAULT_CSS = """
    VisitFields {
        height: auto;
    }
    VisitFields Select {
        width: 1fr;
        margin-right: 1;
    }
    #coverage {
        width: 2fr;
    }
    #provider {
        width: 28;
    }
    #pos-words {
        width: 1fr;
        height: 1;
    }
    #ref-last, #ref-first {
        width: 1fr;
    }
    """

    def __init__(self, *, id: str | None = None) -> None:
        super().__init__(id=id)
        self.context: PatientContext | None = None

    def compose(self) -> ComposeResult:
        with Horizontal(classes="entry-row"):
            yield FieldLabel("Coverage", id="coverage-label")
            yield Select[int]([], prompt="Self-pay", id="coverage", compact=True)
            yield FieldLabel("Auth", id="auth-label")
            yield Select[int]([], prompt="None", id="auth", compact=True)
        with Horizontal(classes="entry-row"):
            yield FieldLabel("Provider", id="provider-label")
            yield Select[int]([], prompt="Choose", id="provider", compact=True, allow_blank=True)
            yield FieldLabel("DOS", id="dos-label")
            yield EntryInput(id="dos", width=11, max_length=10, placeholder="MM/DD/YYYY")
            yield FieldLabel("POS", id="pos-label")
            yield CodeInput(DEFAULT_POS, id="pos", width=3, max_length=2)
            yield Static("", id="pos-words")
        with Horizontal(classes="entry-row"):
            yield FieldLabel("Referring NPI", id="ref-npi-label")
            yield EntryInput(id="ref-npi", width=11, max_length=10, placeholder="optional")
            yield FieldLabel("Last", id="ref-last-label")
            yield EntryInput(id="ref-last", max_length=REFERRING_LAST_MAX)
            yield FieldLabel("First", id="ref-first-label")
            yield EntryInput(id="ref-first", max_length=REFERRING_FIRST_MAX)

    # values -------------------------------------------------------------------------------

    @property
    def coverage_id(self) -> int | None:
        return select_value(self.query_one("#coverage", Select))

    @property
    def authorization_id(self) -> int | None:
        return select_value(self.query_one("#auth", Select))

    @property
    def provider_id(self) -> int | None:
        return select_value(self.query_one("#provider", Select))

    @property
    def dos(self) -> str:
        return self.query_one("#dos", EntryInput).value

    @property
    def pos(self) -> str:
        return self.query_one("#pos", CodeInput).value

    @property
    def referring(self) -> tuple[str, str, str]:
        """The referring provider as typed: NPI, last name, first name."""
        return (
            self.query_one("#ref-npi", EntryInput).value,
            self.query_one("#ref-last", EntryInput).value,
            self.query_one("#ref-first", EntryInput).value,
        )

    # filling ------------------------------------------------------------------------------

    def set_referring(self, npi: str, last: str, first: str) -> None:
        self.query_one("#ref-npi", EntryInput).value = npi
        self.query_one("#ref-last", EntryInput).value = last
        self.query_one("#ref-first", EntryInput).value = first

    def set_providers(self, providers: Sequence[ProviderOption], chosen: int | None) -> None:
        select: Select[int] = self.query_one("#provider", Select)
        select.set_options((p.name, p.id) for p in providers)
        ids = [p.id for p in providers]
        if chosen in ids:
            select.value = chosen
        elif ids:
            select.value = ids[0]

    def set_context(
        self,
        context: PatientContext,
        day: date,
        *,
        coverage_id: int | None = None,
        authorization_id: int | None = None,
        defaults: bool = True,
    ) -> None:
        """Offer the patient's coverages; choose the given ones, or the defaults for `day`."""
        self.context = context
        select: Select[int] = self.query_one("#coverage", Select)
        select.set_options((coverage_label(c, day), c.id) for c in context.coverages)
        if defaults:
            coverage_id = default_coverage(context, day)
        if coverage_id is not None:
            select.value = coverage_id
        self._offer_authorizations(coverage_id)
        if defaults:
            authorization_id = default_authorization(context, coverage_id, day)
        if authorization_id is not None:
            self.query_one("#auth", Select).value = authorization_id

    def forget_coverages(self) -> None:
        """Another patient was picked: their coverages are not known yet."""
        self.context = None
        self.query_one("#coverage", Select).set_options([])
        self.query_one("#auth", Select).set_options([])

    def set_visit(self, dos: str, pos: str) -> None:
        self.query_one("#dos", EntryInput).value = dos
        self.query_one("#pos", CodeInput).value = pos

    def _offer_authorizations(self, coverage_id: int | None) -> None:
        select: Select[int] = self.query_one("#auth", Select)
        keep = self.authorization_id
        auths = [
            a
            for a in (self.context.authorizations if self.context else ())
            if a.coverage_id == coverage_id
        ]
        select.set_options((authorization_label(a), a.id) for a in auths)
        if keep in [a.id for a in auths]:
            select.value = keep

    @on(Select.Changed, "#coverage")
    def _coverage_changed(self, event: Select.Changed) -> None:
        self._offer_authorizations(self.coverage_id)

    def show_pos_words(self, words: str) -> None:
        self.query_one("#pos-words", Static).update(words)
