"""What a typed code means, in words for the field next to it, and fee-schedule prices for
lines keyed without a charge. Pure: the look-ups are passed in (the screen's worker passes
the services)."""

from __future__ import annotations

import re
from collections.abc import Callable, Sequence
from dataclasses import replace
from decimal import Decimal
from typing import Protocol

from medbill_tui.records.forms import EncounterForm
from medbill_tui.widgets.encounter_messages import CodeAnswer, CodeAsk, CodeChoice, FieldMap

Search = Callable[[str, str, int], Sequence["CodeHitLike"]]
"""(query, code set, limit) -> hits."""
Pick = Callable[[str, str, int], Sequence["CodeHitLike"]]
"""(query, code set, limit) -> the billable codes to offer, the practice's most used first."""
Price = Callable[[str, str, int | None], Decimal | None]
"""(code, modifier, coverage id) -> the fee-schedule price, or None."""


class CodeHitLike(Protocol):
    """The shape of a code search result (the service's `CodeHit`)."""

    @property
    def code(self) -> str: ...

    @property
    def description(self) -> str: ...

    @property
    def billable(self) -> bool: ...


PICK_LIMIT = 50
"""How many codes a pick list offers at most."""
_WORDS = re.compile(r"[A-Za-z]{3}|\s")
"""Three letters in a row (or a space): words, not a code (codes have at most two)."""


def holds_words(text: str) -> bool:
    """True when a code field holds words to search for rather than a code."""
    return bool(_WORDS.search(text.strip()))


def _bare(code: str) -> str:
    return code.replace(".", "").strip().upper()


def procedure_code_set(code: str) -> str:
    """CPT codes are five digits (or four and a letter); HCPCS Level II start with a letter."""
    cleaned = code.strip()
    return "hcpcs" if cleaned[:1].isalpha() else "cpt"


def describe_code(ask: CodeAsk, hits: Sequence[CodeHitLike]) -> tuple[str, str]:
    """(state, words) for the field: the code's own words when it exists, "not billable"
    said plainly, the best match while the code is still being typed, "unknown code" else."""
    query = _bare(ask.query)
    if not query:
        return "empty", ""
    exact = next((hit for hit in hits if _bare(hit.code) == query), None)
    if exact is not None:
        if ask.code_set == "icd10cm" and not exact.billable:
            return "not-billable", f"not billable (a category: add digits) · {exact.description}"
        if ask.code_set in ("cpt", "hcpcs") and not exact.billable:
            return "ok", f"{exact.description} (added by the practice)"
        return "ok", exact.description
    if hits and ask.code_set == "icd10cm":
        best = hits[0]
        return "partial", f"… {best.code} {best.description}"
    if ask.code_set in ("cpt", "hcpcs"):
        return "unknown", "not in the practice's code list"
    return "unknown", "unknown code"


def _choices(hits: Sequence[CodeHitLike]) -> tuple[CodeChoice, ...]:
    return tuple(CodeChoice(hit.code, hit.description) for hit in hits)


def _answer_words(ask: CodeAsk, pick: Pick) -> CodeAnswer:
    kind = "icd10cm" if ask.code_set == "icd10cm" else "procedure"
    query = " ".join(ask.query.split())
    choices = _choices(pick(query, kind, PICK_LIMIT))
    if not choices:
        return CodeAnswer(ask, "no-match", f"No code matches {query!r}: your text is kept")
    return CodeAnswer(ask, "words", f"{len(choices)} codes: ↑↓ then Enter picks", None, choices)


def answer_asks(
    asks: Sequence[CodeAsk], search: Search, price: Price, pick: Pick | None = None
) -> tuple[CodeAnswer, ...]:
    """Look every code up; a line's fee only when its code exists. With `pick`, a diagnosis
    or procedure field holding words, or an ICD-10-CM category, gets codes to choose from."""
    answers = []
    for ask in asks:
        if pick is not None and ask.code_set != "pos" and holds_words(ask.query):
            answers.append(_answer_words(ask, pick))
            continue
        state, words = describe_code(ask, search(ask.query.strip(), ask.code_set, 5))
        fee = None
        if ask.want_fee and state == "ok":
            fee = price(ask.query, ask.modifier, ask.coverage_id)
        choices: tuple[CodeChoice, ...] = ()
        if pick is not None and state == "not-billable":
            choices = _choices(pick(ask.query.strip(), "icd10cm", PICK_LIMIT))
        answers.append(CodeAnswer(ask, state, words, fee, choices))
    return tuple(answers)


def with_fees(
    form: EncounterForm, fields: FieldMap, price: Price
) -> tuple[EncounterForm, tuple[tuple[str, str], ...]]:
    """The form with fee-schedule prices in lines keyed with a code but no charge, and
    (charge field id, amount) for each price filled in."""
    lines = list(form.lines)
    filled = []
    for n, line in enumerate(lines):
        if line.code.strip() and not line.charge.strip():
            fee = price(line.code, line.modifiers[0], form.coverage_id)
            if fee is not None:
                lines[n] = replace(line, charge=f"{fee:.2f}")
                filled.append((f"line-{fields.line_rows[n]}-charge", f"{fee:.2f}"))
    return (replace(form, lines=tuple(lines)) if filled else form), tuple(filled)
