"""277 claim status response (005010X212) read through x12sdk into plain records.

Each claim answer (2200D, or 2200E for a dependent) carries our TRN02 (`MBS<id>`) and one or
more STC: the first STC's category (A acknowledged, P pending, F finalized, R more information
requested, E error) and status code decide what happens; all are kept in words.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from medbill_tui.edi.codelists import claim_status_category_words, claim_status_words
from medbill_tui.edi.x12sdk_adapter import read_models


@dataclass(frozen=True, slots=True)
class StatusAnswer:
    """What the payer said about one claim asked about."""

    trace: str
    member_id: str
    category: str
    status_code: str
    words: str
    payer_claim_no: str

    @property
    def kind(self) -> str:
        """A, P, F, R or E (the first letter of the category)."""
        return self.category[:1]


def read_277(text: str) -> list[StatusAnswer]:
    """Every claim answer of a 277 (X212); raises `X12SdkRefused` for what x12sdk cannot read."""
    answers: list[StatusAnswer] = []
    for model in read_models(text):
        for source in model.get("loop_2000a", []):
            for receiver in source.get("loop_2000b", []):
                for provider in receiver.get("loop_2000c", []):
                    for subscriber in provider.get("loop_2000d", []):
                        member = _member(subscriber.get("loop_2100d", {}))
                        answers += [_answer(c, member) for c in subscriber.get("loop_2200d", [])]
                        for dependent in subscriber.get("loop_2000e", []):
                            answers += [_answer(c, member) for c in dependent.get("loop_2200e", [])]
    return answers


def _member(person: dict[str, Any]) -> str:
    return str(person.get("nm1_segment", {}).get("identification_code", ""))


def _answer(claim: dict[str, Any], member: str) -> StatusAnswer:
    trace = claim.get("trn_segment", {}).get("reference_identification_1", "")
    statuses = claim.get("stc_segment", [])
    said: list[str] = []
    category = code = ""
    for stc in statuses:
        parts = str(stc.get("health_care_claim_status_1", "")).split(":")
        cat, status = parts[0], parts[1] if len(parts) > 1 else ""
        if not category:
            category, code = cat, status
        said.append(f"{cat}:{status} {_words(cat, status)}")
    refs = {r.get("reference_identification_qualifier"): r for r in claim.get("ref_segment", [])}
    payer_claim_no = str(refs.get("1K", {}).get("reference_identification", ""))
    return StatusAnswer(trace, member, category, code, "; ".join(said), payer_claim_no)


def _words(category: str, status: str) -> str:
    cat = claim_status_category_words(category)
    detail = claim_status_words(status)
    return f"{cat}: {detail}" if status else cat
