"""The sandbox clearinghouse runs our front-end edits and rejects a failing claim in its 277CA."""

from __future__ import annotations

from datetime import date

from medbill_tui.edi.sandbox import SandboxResponse, respond
from medbill_tui.edi.segments import iter_segments
from medbill_tui.edi.x277ca import parse_277ca
from medbill_tui.edi.x835 import parse_835_all
from tests.edi.test_sandbox import assert_clean
from tests.edi.x837_samples import DOWN_CODED, SECONDARY, SUBSCRIBER, x837

TODAY = date(2026, 11, 2)
UNBALANCED_2430 = (
    SECONDARY.replace("PCN1", "PCN2").replace("CO*45*20", "CO*45*25").replace("CO*45*10", "CO*45*5")
)
"""Line 1's 2430 adds up to 75 for a charge of 70 (line 2's to 25 for 30): the claim still
balances, the lines do not."""


def answer(text: str) -> SandboxResponse:
    response = respond(
        text, seed=3, reject_rate=0.0, deny_rate=0.0, today=TODAY, ack_reject_rate=0.0
    )
    assert_clean(response)
    return response


def stc12(ack_277ca: str, pcn: str) -> str:
    """The free text of the claim's STC (the segment after its TRN*2)."""
    segments = list(iter_segments(ack_277ca))
    at = next(i for i, s in enumerate(segments) if s.id == "TRN" and s.get(2) == pcn)
    return segments[at + 1].get(12)


def test_an_unbalanced_2430_is_rejected_and_not_paid_while_its_neighbour_is() -> None:
    response = answer(x837(SECONDARY + UNBALANCED_2430))
    assert response.ack_277ca is not None and response.era_835 is not None
    claims = {c.patient_control_no: c for c in parse_277ca(response.ack_277ca).claims}
    good, bad = claims["PCN1"], claims["PCN2"]
    assert good.accepted is True and good.payer_claim_no
    assert (bad.accepted, bad.status_category, bad.status_code) == (False, "A7", "400")
    assert "out of balance" in bad.words and bad.payer_claim_no == ""
    assert stc12(response.ack_277ca, "PCN2") == (
        "EDIT COB-LINE-BALANCE 2430 OF LINE 1 (PAYER P1) LINE 1 CHARGES 70.00 BUT THE OTHER "
        "PAYER'S PAYMENT AND ADJUSTMENTS ON IT ADD UP TO 75.00"
    )
    paid = [c.pcn for remit in parse_835_all(response.era_835) for c in remit.claims]
    assert paid == ["PCN1"]


def test_the_down_coded_secondary_claim_of_issue_15_gets_no_payment() -> None:
    response = answer(x837(DOWN_CODED))
    assert response.ack_277ca is not None and response.era_835 is None
    (claim,) = parse_277ca(response.ack_277ca).claims
    assert (claim.accepted, claim.status_category, claim.status_code) == (False, "A7", "400")
    assert stc12(response.ack_277ca, "PCN1").startswith("EDIT COB-CLAIM-BALANCE 2320 OF ACME")


def test_a_claim_failing_a_data_edit_is_rejected_as_invalid_information() -> None:
    text = x837(SECONDARY, SUBSCRIBER.replace("*19800101*F~", "*19800101*X~"))
    response = answer(text)
    assert response.ack_277ca is not None and response.era_835 is None
    (claim,) = parse_277ca(response.ack_277ca).claims
    assert (claim.status_category, claim.status_code, claim.entity) == ("A7", "21", "IL")
    assert stc12(response.ack_277ca, "PCN1").startswith("EDIT SEX-CODE 2010BA SUBSCRIBER")


def test_claims_that_pass_are_answered_as_before() -> None:
    """The edits take no draw of the answers' random generator: a file that passes them gets
    the answers it got before they ran (pinned here: accepted and paid under seed 3)."""
    response = answer(x837(SECONDARY))
    assert response.ack_277ca is not None and response.era_835 is not None
    (claim,) = parse_277ca(response.ack_277ca).claims
    assert claim.accepted and stc12(response.ack_277ca, "PCN1") == ""
