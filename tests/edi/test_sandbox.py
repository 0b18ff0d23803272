"""The sandbox clearinghouse: deterministic, pyx12-clean, balanced, rates roughly kept.

Also reads back the shared 837P samples (x837_read), which is what the sandbox runs on.
"""

from __future__ import annotations

from collections import Counter
from datetime import date, datetime
from decimal import Decimal

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from medbill_tui.edi.detect import UnsupportedTransaction
from medbill_tui.edi.sandbox import SandboxResponse, respond
from medbill_tui.edi.segments import X12SyntaxError, clean_text
from medbill_tui.edi.validate import validate_x12
from medbill_tui.edi.x277ca import parse_277ca
from medbill_tui.edi.x835 import claim_balance_errors, parse_835_all, remit_balance_error
from medbill_tui.edi.x837_read import read_837p
from medbill_tui.edi.x999 import parse_999
from tests.conftest import X12_FIXTURES

TODAY = date(2026, 11, 2)
SAMPLES = (
    "837p-stupidedi-commercial-health-insurance.x12",
    "837p-stupidedi-cob-billing-provider-to-payer-a.x12",
    "837p-stupidedi-anesthesia.x12",
)


def read(name: str) -> str:
    return clean_text((X12_FIXTURES / name).read_bytes())


def make_big_837(n_claims: int, *, payers: int = 1) -> str:
    """Repeat the commercial sample's subscriber/patient/claim loops with distinct CLM01s."""
    segs = [s.strip() for s in read(SAMPLES[0]).split("~") if s.strip()]
    st_at = next(i for i, s in enumerate(segs) if s.startswith("ST*"))
    se_at = next(i for i, s in enumerate(segs) if s.startswith("SE*"))
    hl2 = next(i for i, s in enumerate(segs) if s.startswith("HL*2*"))
    head, body, tail = segs[:hl2], segs[hl2:se_at], segs[se_at:]
    out = list(head)
    hl = 1
    for k in range(n_claims):
        for s in body:
            parts = s.split("*")
            if parts[0] == "HL":
                hl += 1
                parts[1], parts[2] = str(hl), "1" if parts[3] == "22" else str(hl - 1)
            elif parts[0] == "CLM":
                parts[1] = f"PCN{k:06d}"
            elif parts[0] == "NM1" and parts[1] == "PR" and k % payers:
                parts[3], parts[9] = f"OTHER PAYER {k % payers}", f"6000{k % payers}"
            out.append("*".join(parts))
    out.append(f"SE*{len(out) - st_at + 1}*{tail[0].split('*')[2]}")
    out += tail[1:]
    return "~\n".join(out) + "~\n"


def assert_clean(response: SandboxResponse) -> None:
    for text in (response.ack_999, response.ack_277ca, response.era_835):
        if text is not None:
            assert text.index("~") == 105  # ISA exactly 106 characters
            result = validate_x12(text)
            assert result.ok, [str(i) for i in result.issues]


def check_consistent(text_837: str, response: SandboxResponse) -> None:
    """The three answers agree with each other and with the 837; every 835 balances."""
    batch = read_837p(text_837)
    ack = parse_999(response.ack_999)
    assert ack.group_control == batch.group_control
    assert [s.control for s in ack.sets] == list(batch.set_controls)
    accepted_sets = {s.control for s in ack.sets if s.accepted}
    sent = [c.pcn for c in batch.claims if c.set_control in accepted_sets]
    if not sent:
        assert response.ack_277ca is None and response.era_835 is None
        return
    assert response.ack_277ca is not None
    claims_277 = parse_277ca(response.ack_277ca).claims
    assert sorted(c.patient_control_no for c in claims_277) == sorted(sent)
    accepted = {c.patient_control_no: c.payer_claim_no for c in claims_277 if c.accepted}
    assert all(c.accepted is not None for c in claims_277)
    assert all(no for no in accepted.values())
    if not accepted:
        assert response.era_835 is None
        return
    assert response.era_835 is not None
    remits = parse_835_all(response.era_835)
    paid = {c.pcn: c.payer_claim_no for r in remits for c in r.claims}
    assert paid == accepted
    charges = {c.pcn: c.charge for c in batch.claims}
    for remit in remits:
        assert remit_balance_error(remit) is None
        assert remit.paid_on == TODAY
        for claim in remit.claims:
            assert claim_balance_errors(claim) == ()
            assert claim.charge == charges[claim.pcn]
            assert claim.patient_resp == sum(
                (a.amount for a in claim.all_adjustments() if a.group == "PR"), Decimal(0)
            )


@pytest.mark.parametrize("name", SAMPLES)
def test_outputs_validate_clean_with_pyx12(name: str) -> None:
    text = read(name)
    for seed, rates in [(1, (0.0, 0.0, 0.0)), (2, (0.0, 1.0, 0.0)), (3, (0.3, 0.5, 0.0))]:
        reject, deny, ack = rates
        response = respond(text, seed=seed, reject_rate=reject, deny_rate=deny, today=TODAY,
                           ack_reject_rate=ack)  # fmt: skip
        assert_clean(response)
        check_consistent(text, response)


def test_a_paid_claim_in_full_detail() -> None:
    text = read(SAMPLES[0])
    response = respond(text, seed=1, reject_rate=0, deny_rate=0, today=TODAY)
    assert response.era_835 is not None and response.ack_277ca is not None
    (remit,) = parse_835_all(response.era_835)
    assert (remit.payer_name, remit.payer_id, remit.payee_npi) == (
        "KEY INSURANCE COMPANY",
        "999996666",
        "9876543210",
    )
    (claim,) = remit.claims
    assert claim.pcn == "26463774" and claim.status == "1" and claim.filing == "12"
    assert [s.code for s in claim.services] == ["99213", "87070", "99214", "86663"]
    (ack,) = parse_277ca(response.ack_277ca).claims
    assert ack.accepted and ack.payer_claim_no == claim.payer_claim_no
    assert ack.status_category in ("A1", "A2") and ack.status_code == "20"


def test_rejections_denials_and_set_rejection_validate_clean() -> None:
    text = make_big_837(40, payers=3)
    response = respond(text, seed=5, reject_rate=0.5, deny_rate=0.6, today=TODAY, ack_reject_rate=0)
    assert_clean(response)
    check_consistent(text, response)
    assert response.ack_277ca is not None and response.era_835 is not None
    rejected = [c for c in parse_277ca(response.ack_277ca).claims if not c.accepted]
    assert rejected and all(c.status_category in ("A3", "A6", "A7") for c in rejected)
    remits = parse_835_all(response.era_835)
    assert len(remits) == 3  # one 835 per payer
    assert any(c.denied for r in remits for c in r.claims)
    set_rejected = respond(text, seed=5, today=TODAY, ack_reject_rate=1.0)
    assert_clean(set_rejected)
    ack = parse_999(set_rejected.ack_999)
    assert ack.group_status == "R" and ack.sets[0].status == "R" and ack.sets[0].errors
    assert (set_rejected.ack_277ca, set_rejected.era_835) == (None, None)


def test_every_payment_shape_validates_clean() -> None:
    """ACH, check and zero-pay notices; interest (L6) and overpayment recovery (WO) PLBs."""
    text = make_big_837(3)
    wanted = {"ACH", "CHK", "NON", "PLB WO", "PLB L6"}
    for seed in range(400):
        response = respond(text, seed=seed, reject_rate=0, deny_rate=0.3, today=TODAY)
        assert response.era_835 is not None
        remits = parse_835_all(response.era_835)
        shapes = {r.method for r in remits} | {f"PLB {p.reason}" for r in remits for p in r.plb}
        if shapes & wanted:
            assert_clean(response)
            check_consistent(text, response)
            wanted -= shapes
        if not wanted:
            break
    assert not wanted


def test_bad_se_count_is_rejected_by_the_999() -> None:
    text = read("837p-imsweb-segment-errors.x12")
    response = respond(text, seed=1, today=TODAY)
    assert_clean(response)
    (one,) = parse_999(response.ack_999).sets
    assert (one.control, one.status, one.set_codes) == ("987654", "R", ("4",))
    assert (response.ack_277ca, response.era_835) == (None, None)


def test_same_seed_same_bytes_other_seed_other_bytes() -> None:
    text = make_big_837(30)
    one = respond(text, seed=11, today=TODAY)
    assert respond(text, seed=11, today=TODAY) == one
    other = respond(text, seed=12, today=TODAY)
    assert other.ack_999 != one.ack_999 and other.era_835 != one.era_835
    assert one.era_835 is not None and other.era_835 is not None
    traces = {r.trace_no for r in parse_835_all(one.era_835)}
    assert traces.isdisjoint(r.trace_no for r in parse_835_all(other.era_835))
    later = respond(text, seed=11, today=date(2026, 11, 3))
    assert later.era_835 is not None
    assert {r.paid_on for r in parse_835_all(later.era_835)} == {date(2026, 11, 3)}


def test_the_same_claims_sent_at_another_minute_get_the_same_answers() -> None:
    """The answers follow the claims and the seed, not the envelope's date and time (ISA09-10,
    GS04-05, BHT04-05): a test or demo run does not depend on the time of day."""
    text = make_big_837(20)
    isa = text[:106].split("*")
    isa[9], isa[10] = "991231", "2359"
    later = "*".join(isa) + text[106:]
    gs = next(s for s in later.split("~") if s.strip().startswith("GS*"))
    parts = gs.split("*")
    parts[4], parts[5] = "29991231", "2359"
    later = later.replace(gs, "*".join(parts), 1)
    assert later != text
    one, other = respond(text, seed=3, today=TODAY), respond(later, seed=3, today=TODAY)
    assert one.era_835 is not None and other.era_835 is not None
    assert parse_835_all(other.era_835) == parse_835_all(one.era_835)
    assert parse_277ca(other.ack_277ca or "") == parse_277ca(one.ack_277ca or "")


def test_rates_are_roughly_respected() -> None:
    text = make_big_837(2000)
    response = respond(text, seed=3, reject_rate=0.2, deny_rate=0.3, today=TODAY,
                       ack_reject_rate=0)  # fmt: skip
    assert response.ack_277ca is not None and response.era_835 is not None
    claims = parse_277ca(response.ack_277ca).claims
    rejected = sum(1 for c in claims if not c.accepted) / len(claims)
    assert 0.16 < rejected < 0.24
    paid = [c for r in parse_835_all(response.era_835) for c in r.claims]
    denied = sum(1 for c in paid if c.denied) / len(paid)
    assert 0.25 < denied < 0.35
    groups = Counter((a.group, a.carc) for c in paid for a in c.all_adjustments())
    assert groups[("CO", "45")] > 500 and groups[("PR", "1")] + groups[("PR", "2")] > 100
    assert sum(n for (g, carc), n in groups.items() if g == "CO" and carc != "45") > 100


@settings(max_examples=40, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(
    seed=st.integers(0, 2**32),
    reject=st.floats(0, 1),
    deny=st.floats(0, 1),
    ack=st.floats(0, 0.5),
    sample=st.sampled_from([*SAMPLES, "837p-stupidedi-ambulance.x12", "BIG"]),
)
def test_any_seed_and_rates_parse_and_balance(
    seed: int, reject: float, deny: float, ack: float, sample: str
) -> None:
    text = make_big_837(12, payers=2) if sample == "BIG" else read(sample)
    response = respond(text, seed=seed, reject_rate=reject, deny_rate=deny, today=TODAY,
                       ack_reject_rate=ack)  # fmt: skip
    check_consistent(text, response)


def test_the_apps_own_837p_validates_through_the_sandbox() -> None:
    from medbill_tui.edi import x837p

    env = x837p.Envelope("ACME BILLING", "ACMEBILL01", "JANE DOE", "5035550100", "SANDBOX CH",
                         "SANDBOXCH", 7, 8, 9, datetime(2026, 11, 2, 10, 30))  # fmt: skip
    address = x837p.Address("1 MAIN ST", "SALEM", "OR", "973011234")
    billing = x837p.BillingProvider("FAMILY MEDICINE", "1234567893", "123456789", "207Q00000X",
                                    address)  # fmt: skip
    person = x837p.Person("DOE", "JANE", date(1980, 1, 1), "F", address, "M123")
    claims = [
        x837p.ClaimOut(f"C{k:05d}", Decimal("185.00"), "11", "1", f"PAYER {k % 2}", f"6231{k % 2}",
                       "CI", person, ("E11.9", "I10"),
                       (x837p.LineOut("99214", ("25",), Decimal("150.00"), Decimal(1), (1, 2),
                                      date(2026, 10, 1)),
                        x837p.LineOut("36415", (), Decimal("35.00"), Decimal(1), (1,),
                                      date(2026, 10, 1))),
                       "1234567893", "SMITH", "ANN")
        for k in range(6)
    ]  # fmt: skip
    text = x837p.write_837p(env, billing, claims).text
    for seed in range(3):
        response = respond(text, seed=seed, reject_rate=0.3, deny_rate=0.3, today=TODAY)
        assert_clean(response)
        check_consistent(text, response)


def test_sandbox_refuses_what_is_not_an_837p() -> None:
    with pytest.raises(UnsupportedTransaction, match="not an 837P"):
        respond(read("835-stupidedi-secondary-payments.x12"), seed=1, today=TODAY)
    with pytest.raises(X12SyntaxError, match="truncated"):
        text = read(SAMPLES[0])
        respond(text[: text.index("SE*")], seed=1, today=TODAY)


# --- reading back 837Ps ------------------------------------------------------------------------


def test_read_837p_commercial_sample() -> None:
    batch = read_837p(read(SAMPLES[0]))
    assert (batch.sender_id, batch.receiver_id, batch.interchange_control) == (
        "123456789012345",
        "123456789012346",
        "000010216",
    )
    assert (batch.group_control, batch.set_controls, batch.usage) == ("20213", ("0021",), "T")
    assert (batch.submitter_name, batch.submitter_id, batch.receiver_name) == (
        "PREMIER BILLING SERVICE",
        "TGJ23",
        "KEY INSURANCE COMPANY",
    )
    (claim,) = batch.claims
    assert (claim.pcn, claim.charge, claim.pos, claim.frequency) == (
        "26463774",
        Decimal("100.00"),
        "11",
        "1",
    )
    assert (claim.payer_name, claim.payer_id, claim.filing_indicator) == (
        "KEY INSURANCE COMPANY",
        "999996666",
        "CI",
    )
    assert (claim.subscriber_member_id, claim.subscriber_name, claim.patient_name) == (
        "JS00111223333",
        "SMITH, JANE",
        "SMITH, TED",
    )
    assert (claim.billing_npi, claim.billing_tax_id, claim.diagnoses) == (
        "9876543210",
        "587654321",
        ("0340", "V7389"),
    )
    assert [(ln.code, ln.charge, ln.units, ln.service_date) for ln in claim.lines] == [
        ("99213", Decimal("40.00"), Decimal(1), date(2006, 10, 3)),
        ("87070", Decimal("15.00"), Decimal(1), date(2006, 10, 3)),
        ("99214", Decimal("35.00"), Decimal(1), date(2006, 10, 10)),
        ("86663", Decimal("10.00"), Decimal(1), date(2006, 10, 10)),
    ]
    assert (claim.service_from, claim.service_to) == (date(2006, 10, 3), date(2006, 10, 10))


def test_read_837p_other_samples() -> None:
    cob = read_837p(read(SAMPLES[1])).claims[0]
    assert (cob.pcn, cob.charge, cob.payer_id, cob.payer_address) == (
        "26407789",
        Decimal("79.04"),
        "999996666",  # 2010BB, not the other payer of loop 2330B
        ("3333 OCEAN ST", "SOUTH MIAMI", "FL", "33000"),
    )
    assert cob.subscriber_member_id == "111223333" and cob.rendering_npi == "1999996666"
    assert [ln.code for ln in cob.lines] == ["99213", "90782", "J3301"]
    anesthesia = read_837p(read(SAMPLES[2])).claims[0]
    (line,) = anesthesia.lines
    assert (line.code, line.modifiers, line.unit_code, line.units) == (
        "00142",
        ("QK", "QS", "P1"),
        "MJ",
        Decimal(61),
    )
    assert anesthesia.patient_name == "JONES, MARGARET" and anesthesia.pos == "22"
    ambulance = read_837p(read("837p-stupidedi-ambulance.x12")).claims[0]
    assert ambulance.charge == Decimal("766.50")
    assert sum(ln.charge for ln in ambulance.lines) == Decimal("766.50")
    wheelchair = read_837p(read("837p-stupidedi-wheelchair-pwk-error.x12")).claims[0]
    assert wheelchair.lines[0].service_date == date(2005, 3, 21)  # RD8 range
    large = read_837p(read("837p-imsweb-many-claims-large.x12"))
    assert len(large.claims) == 820 and large.warnings  # its SE count is wrong
    assert large.claims[1].payer_name == "HEALTH INSURANCE COMPANY TWO"
