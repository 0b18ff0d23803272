"""A patient that may be the same person as another, as a pick list shows it."""

from __future__ import annotations

from rich.text import Text

from medbill_tui.records.patient_merge import DuplicateMatch
from medbill_tui.widgets.text import fmt_date


def match_text(match: DuplicateMatch) -> Text:
    """Account, name, DOB and phone; address, payer and member id; why it matched."""
    phone = f"  phone {match.phone}" if match.phone else ""
    cover = f" · {match.payer} {match.member_id}" if match.payer else " · no coverage"
    first = Text.assemble((match.account_no, "bold"), f"  {match.name}  born {fmt_date(match.dob)}")
    first.append(phone)
    return first + Text(f"\n  {match.address}{cover}\n  ({match.why})", style="")
