"""Where x12sdk 2.2.0 is stricter than the 005010X279A1 guide, corrected once on import.

Its 271 loops 2100C (subscriber) and 2100D (dependent) take their AAA03 codes from the 2100B
(information receiver) list, so the most common rejection of all, "75 Subscriber/Insured Not
Found", fails validation. The guide's 2100C/2100D lists allow the person-level codes
(42, 52, 56-58, 60-78, ...); this widens those two loops to them and nothing else. Checked by
`tests/services/test_eligibility.py`; revisit when the pin moves.
"""

from __future__ import annotations

from typing import Literal

from x12sdk.v5010.segments import AaaSegment
from x12sdk.v5010.x12_271_005010X279A1 import loops, transaction_set

PersonReason = Literal[
    "15", "35", "41", "42", "43", "45", "47", "48", "49", "51", "52", "56", "57", "58", "60",
    "61", "62", "63", "64", "65", "66", "67", "68", "69", "70", "71", "72", "73", "74", "75",
    "76", "77", "78", "79", "80", "97", "T4",
]  # fmt: skip


class PersonAaa(AaaSegment):
    """AAA in 2100C/2100D with the guide's code list."""

    reject_reason_code: PersonReason


def widen_person_aaa() -> None:
    """Swap the AAA type of 2100C/2100D and rebuild the models that contain them."""
    for person in (loops.Loop2100C, loops.Loop2100D):
        person.model_fields["aaa_segment"].annotation = list[PersonAaa] | None
        person.model_rebuild(force=True)
    for name in ("Loop2000D", "Loop2000C", "Loop2000B", "Loop2000A"):
        getattr(loops, name).model_rebuild(force=True)
    transaction_set.EligibilityBenefit.model_rebuild(force=True)


widen_person_aaa()
