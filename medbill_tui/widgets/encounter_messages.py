"""Plain records and messages of the charge-entry screen (workers post these back to it).

Every message carries frozen records or plain values, never ORM rows.
"""

from __future__ import annotations

from dataclasses import dataclass
from decimal import Decimal

from textual.message import Message

from medbill_tui.records.forms import (
    EncounterForm,
    FormFinding,
    PatientContext,
    PatientHit,
    ProviderOption,
    SavedEncounter,
)


@dataclass(frozen=True, slots=True)
class CodeAsk:
    """A code to look up for one field: `key` is the field's widget id ("dx-3", "line-2-code");
    `fee_for` asks for the fee-schedule price too (coverage id, modifier)."""

    key: str
    code_set: str
    query: str
    want_fee: bool = False
    modifier: str = ""
    coverage_id: int | None = None


@dataclass(frozen=True, slots=True)
class CodeChoice:
    """A code offered in a field's pick list, with its words."""

    code: str
    words: str


@dataclass(frozen=True, slots=True)
class CodeAnswer:
    """What a code means: `state` is "ok", "not-billable", "partial" (a prefix of codes),
    "unknown", "words" (the field holds words: `choices` match them) or "no-match" (words
    nothing matches); `words` is what to show next to the field. `choices` are the billable
    codes to pick from for words or an ICD-10-CM category, the practice's most used first."""

    ask: CodeAsk
    state: str
    words: str
    fee: Decimal | None = None
    choices: tuple[CodeChoice, ...] = ()


@dataclass(frozen=True, slots=True)
class EntryOutcome:
    """How the charge-entry screen closed after a save: the encounter, and whether the
    biller asked to create its claim next."""

    encounter_id: int
    create_claim: bool


@dataclass(frozen=True, slots=True)
class FieldMap:
    """Which screen row each numbered entry of a form came from: `dx_rows[n - 1]` is the row
    of "dx.n", `line_rows[n - 1]` the row of "line.n.…" (blank rows are left out of a form)."""

    dx_rows: tuple[int, ...]
    line_rows: tuple[int, ...]


@dataclass
class EncounterLoaded(Message):
    """An encounter to edit arrived, with its patient's coverages and the providers."""

    form: EncounterForm
    context: PatientContext
    providers: tuple[ProviderOption, ...]


@dataclass
class ProvidersLoaded(Message):
    providers: tuple[ProviderOption, ...]


@dataclass
class PatientsFound(Message):
    """Patients matching what was typed in the patient field."""

    query: str
    hits: tuple[PatientHit, ...]


@dataclass
class ContextLoaded(Message):
    """The picked patient's coverages and authorizations arrived."""

    context: PatientContext


@dataclass
class CodesLookedUp(Message):
    answers: tuple[CodeAnswer, ...]


@dataclass
class FormChecked(Message):
    """Findings of one live check; `generation` tells a stale check from the latest."""

    generation: int
    findings: tuple[FormFinding, ...]
    fields: FieldMap


@dataclass
class ChargesFilled(Message):
    """Fee-schedule prices put into lines saved with an empty charge: (widget id, amount)."""

    charges: tuple[tuple[str, str], ...]


@dataclass
class EncounterSaved(Message):
    saved: SavedEncounter
    create_claim: bool
