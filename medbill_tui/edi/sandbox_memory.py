"""What the sandbox payer remembers of the claims it paid, so that it answers a replacement
claim (frequency 7, REF*F8) as a real payer does: it takes back (CLP02 = 22) what it paid on
the original, then pays the replacement; a void (8) gets the take-back alone. Kept as JSON
next to the answers it writes."""

from __future__ import annotations

import json
from dataclasses import dataclass, field, replace
from datetime import date
from decimal import Decimal
from pathlib import Path
from typing import Any

from medbill_tui.edi.sandbox_835 import ClaimDecision, ClaimPayment, LinePay
from medbill_tui.edi.x837_read import Claim837, Line837

FILE_NAME = ".sandbox-payer-memory.json"


@dataclass
class SandboxMemory:
    """Payments by payer claim number (CLP07), as the payer sent them."""

    paid: dict[str, dict[str, Any]] = field(default_factory=dict)

    @classmethod
    def load(cls, folder: Path) -> SandboxMemory:
        """The memory kept in `folder` (empty when there is none yet)."""
        path = folder / FILE_NAME
        if not path.exists():
            return cls()
        kept = json.loads(path.read_text(encoding="utf-8"))
        if not isinstance(kept, dict) or not all(isinstance(v, dict) for v in kept.values()):
            raise ValueError(f"{FILE_NAME} is not the payer's memory (an object of payments)")
        return cls(kept)

    def save(self, folder: Path) -> None:
        (folder / FILE_NAME).write_text(json.dumps(self.paid, indent=1), encoding="utf-8")

    def remember(self, payment: ClaimPayment) -> None:
        """Keep a payment that moved money (paid, or left to the patient) to take back later."""
        if payment.status == "22" or not (payment.paid or payment.patient_resp):
            return
        claim = payment.decision.claim
        self.paid[payment.decision.payer_claim_no] = {
            "pcn": claim.pcn,
            "charge": str(claim.charge),
            "status": payment.status,
            "lines": [_line_json(lp) for lp in payment.lines],
        }

    def take_back(self, replacement: Claim837) -> ClaimPayment | None:
        """The reversal of the payment on the claim `replacement` replaces or voids (None when
        this payer paid nothing on it); it is forgotten, so it is taken back once."""
        if replacement.frequency not in ("7", "8") or not replacement.original_ref:
            return None
        kept = self.paid.pop(replacement.original_ref, None)
        if kept is None:
            return None
        lines = tuple(_negated_line(raw) for raw in kept["lines"])
        claim = replace(
            replacement,
            pcn=kept["pcn"],
            charge=-Decimal(kept["charge"]),
            frequency="1",
            lines=tuple(lp.line for lp in lines),
        )
        decision = ClaimDecision(claim, True, ("A2", "20", ""), None, replacement.original_ref)
        return ClaimPayment(decision, "22", lines)


def _line_json(lp: LinePay) -> dict[str, Any]:
    line = lp.line
    return {
        "code": line.code,
        "qualifier": line.qualifier,
        "modifiers": list(line.modifiers),
        "charge": str(line.charge),
        "unit_code": line.unit_code,
        "units": str(line.units),
        "service_date": line.service_date.isoformat() if line.service_date else None,
        "pos": line.pos,
        "paid": str(lp.paid),
        "allowed": str(lp.allowed),
        "adjustments": [[g, c, str(a)] for g, c, a in lp.adjustments],
    }


def _negated_line(raw: dict[str, Any]) -> LinePay:
    day = raw["service_date"]
    line = Line837(
        number=0,
        code=raw["code"],
        qualifier=raw["qualifier"],
        modifiers=tuple(raw["modifiers"]),
        charge=-Decimal(raw["charge"]),
        unit_code=raw["unit_code"],
        units=Decimal(raw["units"]),
        service_date=date.fromisoformat(day) if day else None,
        pos=raw["pos"],
    )
    adjustments = tuple((g, c, -Decimal(a)) for g, c, a in raw["adjustments"])
    return LinePay(line, -Decimal(raw["paid"]), -Decimal(raw["allowed"]), adjustments, "")
