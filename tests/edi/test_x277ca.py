"""277CA claim acknowledgments: both shared samples, read exactly; broken inputs in words."""

from __future__ import annotations

from datetime import date
from decimal import Decimal

import pytest

from medbill_tui.edi.detect import UnsupportedTransaction
from medbill_tui.edi.segments import X12SyntaxError, clean_text
from medbill_tui.edi.x277ca import Status, parse_277ca, parse_277ca_all
from tests.conftest import X12_FIXTURES


def read(name: str) -> str:
    return clean_text((X12_FIXTURES / name).read_bytes())


def test_accepted_sample() -> None:
    ack = parse_277ca(read("277ca-imsweb-accepted.x12"))
    assert (ack.payer_name, ack.payer_id, ack.trace_no) == ("NYSDOH", "141797357", "000014420")
    assert ack.received_on == ack.processed_on == date(2011, 3, 11)
    assert (ack.receiver_name, ack.receiver_id, ack.batch_no) == (
        "A NY MD GROUP",
        "ETIN",
        "000000674",
    )
    assert ack.batch_statuses == (
        Status("A1", "20", "", "Acknowledged: received — accepted for processing"),
    )
    assert (ack.accepted_count, ack.rejected_count) == (1, None)
    assert (ack.accepted_amount, ack.rejected_amount) == (Decimal("125.00"), None)
    assert (ack.interchange_control, ack.group_control, ack.warnings) == ("000014420", "14420", ())
    (claim,) = ack.claims
    assert claim.patient_control_no == "5781"
    assert claim.payer_claim_no == "1107000000014420"
    assert (claim.status_category, claim.status_code, claim.entity) == ("A2", "20", "")
    assert claim.accepted is True
    assert claim.total_charge == Decimal("125.00")
    assert claim.effective_date == date(2011, 3, 11)
    assert claim.words == "Acknowledged: accepted into the payer's system — accepted for processing"
    assert (claim.patient_name, claim.member_id, claim.billing_provider_id) == (
        "TPATIENT, THEBE",
        "LL99999X",
        "1234567890",
    )
    assert claim.service_from == date(1001, 1, 1)  # the sample really says 10010101
    assert claim.lines == ()


def test_rejected_sample_with_pipe_separator() -> None:
    ack = parse_277ca(read("277ca-imsweb-rejected.x12"))
    (claim,) = ack.claims
    assert claim.patient_control_no == "3920394930203"
    assert claim.payer_claim_no == "1107000000001120"
    assert (claim.status_category, claim.status_code, claim.entity) == ("A7", "562", "85")
    assert claim.accepted is False
    assert claim.total_charge == Decimal("199.14")
    assert claim.service_from == date(2009, 3, 11)
    assert claim.words == (
        "Rejected: information is not valid — "
        "the billing provider's National Provider Identifier (NPI)"
    )
    assert ack.batch_statuses[0].category == "A1"
    assert ack.accepted_amount == Decimal("199.14")


def test_several_claims_lines_and_mixed_statuses() -> None:
    text = read("277ca-imsweb-accepted.x12")
    extra = (
        "TRN*2*PCN2~STC*A3:21*20110311*U*50~STC*A1:19*20110311*WQ*50~DTP*472*RD8*20110301-20110302~"
        "SVC*HC:99213:25*50****1~STC*A7:454*20110311*U~REF*FJ*L1~DTP*472*D8*20110301~"
        "TRN*2*PCN3~STC*P1:0*20110311*WQ*10~DTP*472*D8*20110303~"
    )
    text = text.replace("SE*23*", f"{extra}SE*36*")
    text = text.replace("DTP*472*D8*10010101~", "DTP*472*D8*10010101~" + "")
    claims = parse_277ca(text).claims
    assert [c.patient_control_no for c in claims] == ["5781", "PCN2", "PCN3"]
    second = claims[1]
    assert second.accepted is False and second.status_category == "A3"
    assert [s.category for s in second.statuses] == ["A3", "A1"]
    assert (second.service_from, second.service_to) == (date(2011, 3, 1), date(2011, 3, 2))
    (line,) = second.lines
    assert (line.code, line.modifiers, line.charge, line.line_control_no) == (
        "99213",
        ("25",),
        Decimal("50.00"),
        "L1",
    )
    assert line.statuses[0].code == "454" and line.service_date == date(2011, 3, 1)
    assert claims[2].accepted is None and claims[2].status_category == "P1"
    assert claims[2].payer_claim_no == ""


def test_two_sets_are_merged_or_listed() -> None:
    text = read("277ca-imsweb-accepted.x12")
    st = text[text.index("ST*") : text.index("GE*")]
    doubled = text.replace(st, st + st.replace("*5781~", "*5782~")).replace("GE*1*", "GE*2*")
    assert len(parse_277ca_all(doubled)) == 2
    assert [c.patient_control_no for c in parse_277ca(doubled).claims] == ["5781", "5782"]


def test_bad_inputs_raise_clear_errors() -> None:
    good = read("277ca-imsweb-accepted.x12")
    with pytest.raises(X12SyntaxError, match="empty"):
        parse_277ca("")
    with pytest.raises(X12SyntaxError, match="truncated"):
        parse_277ca(good[: good.index("SE*")])
    with pytest.raises(UnsupportedTransaction, match="004010 file"):
        parse_277ca(good.replace("*00501*", "*00401*"))
    with pytest.raises(UnsupportedTransaction, match="this is a 999 acknowledgment, not a 277CA"):
        parse_277ca(read("999-imsweb-rejected.x12"))
    status_response = "this is a 277 claim status response, not a 277CA"
    with pytest.raises(UnsupportedTransaction, match=status_response):
        parse_277ca(read("277-x212-stupidedi-claim-response.x12"))
    with pytest.raises(X12SyntaxError, match="STC02 '20111399' is not a date"):
        parse_277ca(good.replace("STC*A2:20*20110311", "STC*A2:20*20111399"))
    with pytest.raises(X12SyntaxError, match="STC04 'abc' is not an amount"):
        parse_277ca(good.replace("*WQ*125~", "*WQ*abc~"))
    with pytest.raises(X12SyntaxError, match="claim '5781' has no STC"):
        parse_277ca(good.replace("STC*A2:20*20110311*WQ*125~", "").replace("SE*23", "SE*22"))
