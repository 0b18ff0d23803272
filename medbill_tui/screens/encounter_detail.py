"""Read-only view of one encounter (a visit): who, when, what was done, what was posted."""

from __future__ import annotations

from rich.console import RenderableType

from medbill_tui.records.detail import Detail, EncounterDetail
from medbill_tui.screens.detail import DetailScreen
from medbill_tui.widgets import detail_render as r
from medbill_tui.widgets.text import NONE_SHOWN, fmt_date, money

ENCOUNTER_STATUS_WORDS = {"hold": "on hold", "patient": "billed to the patient (no claim)"}
"""A visit's status in words where the stored word is not enough."""


class EncounterDetailScreen(DetailScreen):
    """Patient, visit, diagnoses, service lines, ledger and balance of one encounter."""

    what = "encounter"

    def __init__(self, encounter_id: int) -> None:
        super().__init__()
        self.encounter_id = encounter_id

    def fetch(self) -> Detail:
        return self.services.details.encounter(self.encounter_id)

    def title_text(self) -> str:
        if isinstance(self.detail, EncounterDetail):
            return f"Encounter · {self.detail.patient.name} · {fmt_date(self.detail.dos)}"
        return "Encounter"

    def render_detail(self, detail: Detail) -> RenderableType:
        assert isinstance(detail, EncounterDetail)
        visit = [
            ("DOS", fmt_date(detail.dos)),
            ("Status", ENCOUNTER_STATUS_WORDS.get(detail.status, detail.status)),
            ("Place", detail.pos),
            ("Claims", ", ".join(f"#{claim_id}" for claim_id in detail.claim_ids) or "none"),
            ("Provider", f"{detail.provider_name} (NPI {detail.provider_npi})"),
            ("Balance", money(detail.balance)),
            ("Payer", detail.payer_name or "Self-pay"),
            ("Member ID", detail.member_id or NONE_SHOWN),
        ]
        return r.stack(
            r.fields(r.patient_fields(detail.patient)),
            r.heading("Visit"),
            r.fields(visit),
            r.heading("Diagnoses"),
            r.diagnoses(detail.diagnoses),
            r.heading("Service lines"),
            r.service_lines(detail.lines),
            r.heading("Ledger"),
            r.ledger(detail.ledger),
        )
