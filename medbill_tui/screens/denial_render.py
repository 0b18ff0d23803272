"""The denial screen's body: what was denied and why, the claim's lines and payments."""

from __future__ import annotations

from rich.console import RenderableType
from rich.text import Text

from medbill_tui.edi.codelists import carc_words, rarc_words
from medbill_tui.records.detail import ClaimDetail, DenialDetail
from medbill_tui.screens.claim_detail import payments
from medbill_tui.widgets import detail_render as r
from medbill_tui.widgets.text import fmt_date, money


def render_denial(denial: DenialDetail, claim: ClaimDetail) -> RenderableType:
    reason = f"{denial.group_code}-{denial.carc} {denial.carc_text or carc_words(denial.carc)}"
    pairs = [
        ("Claim", denial.claim_no),
        ("Patient", denial.patient_name),
        ("Payer", denial.payer_name),
        ("DOS", fmt_date(denial.dos)),
        ("Denied", money(denial.amount)),
        ("Denied on", fmt_date(denial.denied_on)),
        ("Days since", str(denial.days_since)),
        ("Appeal due", fmt_date(denial.appeal_due)),
        ("Status", denial.status),
        ("Follow up", fmt_date(denial.follow_up_on)),
        ("Claim status", claim.status_label),
        ("Balance", money(claim.balance)),
        ("Category", denial.category or "not routed"),
        ("Action", denial.action or "-"),
    ]
    why = [Text(f"Reason: {reason}")]
    if denial.rarc:
        why.append(Text(f"Remark: {denial.rarc} {denial.rarc_text or rarc_words(denial.rarc)}"))
    if denial.detail:
        why.append(Text(f"Worked: {denial.detail}"))
    return r.stack(
        r.fields(pairs),
        *why,
        r.heading("Service lines"),
        r.service_lines(claim.lines),
        r.heading("Payments"),
        payments(claim.payments),
    )
