"""835 remittances: the three shared samples with exact amounts, balancing, speed, bad input."""

from __future__ import annotations

from datetime import date
from decimal import Decimal

import pytest

from medbill_tui.edi.detect import MultipleTransactions, UnsupportedTransaction
from medbill_tui.edi.segments import X12SyntaxError, clean_text
from medbill_tui.edi.x835 import (
    Adjustment,
    claim_balance_errors,
    parse_835,
    parse_835_all,
    remit_balance_error,
)
from tests.conftest import X12_FIXTURES

D = Decimal


def read(name: str) -> str:
    return clean_text((X12_FIXTURES / name).read_bytes())


def test_secondary_payments() -> None:
    remit = parse_835(read("835-stupidedi-secondary-payments.x12"))
    assert (remit.payer_name, remit.payer_id, remit.originator_id) == (
        "YOUR TAX DOLLARS AT WORK",
        "1559123456",
        "1559123456",
    )
    assert (remit.payee_name, remit.payee_npi, remit.payee_tin) == (
        "ACME MEDICAL CENTER",
        "",
        "599944521",
    )
    assert (remit.trace_no, remit.method, remit.handling, remit.amount) == (
        "0012524965",
        "CHK",
        "I",
        D("1222.00"),
    )
    assert remit.paid_on == date(2005, 4, 12) and remit.produced_on == date(2005, 4, 12)
    assert remit.plb == () and remit_balance_error(remit) is None
    first, second = remit.claims
    assert (first.pcn, first.status, first.charge, first.paid, first.patient_resp) == (
        "L0004828311",
        "2",
        D("10323.64"),
        D("912.00"),
        D("0.00"),
    )
    assert (first.filing, first.payer_claim_no, first.facility, first.frequency) == (
        "12",
        "05090256390",
        "11",
        "1",
    )
    assert first.adjustments == (Adjustment("OA", "23", D("9411.64")),)
    assert first.status_words == "processed as secondary"
    assert (first.statement_from, first.statement_to) == (date(2005, 3, 3), date(2005, 3, 4))
    assert first.patient_name == "TOWNSEND, WILLIAM" and first.patient_id == "XXX123456789"
    assert (second.pcn, second.charge, second.paid, second.patient_resp) == (
        "0001000053",
        D("751.50"),
        D("310.00"),
        D("220.00"),
    )
    line1, line2 = second.services
    assert (line1.code, line1.qualifier, line1.modifiers, line1.charge, line1.paid) == (
        "12345",
        "HC",
        ("26",),
        D("166.50"),
        D("30.00"),
    )
    assert line1.adjustments == (Adjustment("OA", "23", D("136.50")),)
    assert line1.service_date == date(2005, 1, 6) and line1.allowed == D("150.00")
    assert line2.adjustments == (
        Adjustment("PR", "1", D("150.00")),
        Adjustment("PR", "2", D("70.00")),
        Adjustment("CO", "42", D("85.00")),
    )
    assert (line2.charge, line2.paid, line2.units) == (D("585.00"), D("280.00"), D("1"))
    assert claim_balance_errors(first) == claim_balance_errors(second) == ()
    assert line2.adjustments[0].words.startswith("PR-1: Deductible")


def test_multiple_claims_single_check() -> None:
    remit = parse_835(read("835-stupidedi-multiple-claims-single-check.x12"))
    assert (remit.payer_name, remit.trace_no, remit.amount, remit.paid_on) == (
        "DENTAL OF ABC",
        "12345",
        D("810.80"),
        date(2014, 3, 31),
    )
    assert remit.payee_tin == "999994703" and remit.control == "35681"
    assert [c.paid for c in remit.claims] == [
        D(x) for x in ("132", "74", "108", "14", "16.8", "132", "108", "82", "144")
    ]
    assert [c.patient_resp for c in remit.claims] == [
        D(x) for x in ("0", "0", "24", "902", "44.2", "0", "0", "0", "0")
    ]
    assert sum(len(c.services) for c in remit.claims) == 33
    fifth = remit.claims[4]
    assert fifth.patient_name == "JONES, SAM" and fifth.rendering_id == "1811901945"
    assert [(s.code, s.charge, s.paid) for s in fifth.services] == [
        ("D4342", D("125.00"), D("0.00")),
        ("D4381", D("43.00"), D("0.00")),
        ("D2950", D("180.00"), D("16.80")),
    ]
    assert fifth.services[2].adjustments == (
        Adjustment("PR", "3", D("11.20")),
        Adjustment("CO", "131", D("152.00")),
    )
    assert all(claim_balance_errors(c) == () for c in remit.claims)
    assert remit_balance_error(remit) is None


def test_pyx12_mult_loops_denial_with_remarks() -> None:
    remit = parse_835(read("835-pyx12-mult-loops.x12"))
    assert (remit.handling, remit.method, remit.amount, remit.trace_no) == (
        "H",
        "NON",
        D("0.00"),
        "000000000",
    )
    assert (remit.payer_name, remit.payer_id, remit.payee_name, remit.payee_tin) == (
        "PAYER",
        "1386000134",
        "UNKNOWN",
        "444313000",
    )
    (claim,) = remit.claims
    assert (claim.pcn, claim.status, claim.charge, claim.paid, claim.denied) == (
        "2005555A",
        "4",
        D("915.39"),
        D("0.00"),
        True,
    )
    assert [(s.units, s.service_date, s.service_end) for s in claim.services] == [
        (D("68"), date(2003, 11, 29), date(2003, 11, 29)),
        (D("16"), date(2003, 10, 30), date(2003, 10, 30)),
        (D("36"), date(2003, 10, 31), date(2003, 10, 31)),
    ]
    assert [s.adjustments[0] for s in claim.services] == [
        Adjustment("CO", "16", D("500.04")),
        Adjustment("OA", "A7", D("127.80")),
        Adjustment("OA", "A7", D("287.55")),
    ]
    assert all(s.remarks == ("N14",) for s in claim.services)
    assert claim.services[0].remark_words()[0].startswith("N14: Paid under a contract")
    assert claim_balance_errors(claim) == () and remit_balance_error(remit) is None


def test_plb_and_imbalances_are_reported_in_words() -> None:
    text = read("835-stupidedi-secondary-payments.x12")
    with_plb = text.replace("SE*39*", "PLB*1234567890*20051231*WO:0001000053*22*L6*-2.5~SE*40*")
    with_plb = with_plb.replace("BPR*I*1222*", "BPR*I*1202.5*")
    remit = parse_835(with_plb)
    assert [(p.reason, p.reference, p.amount) for p in remit.plb] == [
        ("WO", "0001000053", D("22.00")),
        ("L6", "", D("-2.50")),
    ]
    assert remit.plb[0].fiscal_date == date(2005, 12, 31)
    assert remit_balance_error(remit) is None
    off = parse_835(with_plb.replace("BPR*I*1202.5*", "BPR*I*1200*"))
    assert remit_balance_error(off) == (
        "payment 0012524965: claims paid 1222.00 - provider adjustments 19.50 = 1202.50, "
        "but BPR02 says 1200.00 (off by -2.50)"
    )
    bad_line = parse_835(text.replace("CAS*CO*42*85~", "CAS*CO*42*80~"))
    assert claim_balance_errors(bad_line.claims[1]) == (
        "claim 0001000053: charge 751.50 - adjustments 436.50 = 315.00, "
        "but the payer paid 310.00 (off by -5.00)",
        "claim 0001000053 line 2 (66543): charge 585.00 - adjustments 300.00 = 285.00, "
        "but paid 280.00 (off by -5.00)",
    )


def test_cas_with_six_triplets_and_quantities() -> None:
    text = read("835-stupidedi-secondary-payments.x12").replace(
        "CAS*OA*23*9411.64~", "CAS*OA*23*9000*1*45*100**1*100*2*2*100**3*100**4*11.64~"
    )
    claim = parse_835(text).claims[0]
    assert [(a.carc, a.amount, a.quantity) for a in claim.adjustments] == [
        ("23", D("9000.00"), D("1")),
        ("45", D("100.00"), None),
        ("1", D("100.00"), D("2")),
        ("2", D("100.00"), None),
        ("3", D("100.00"), None),
        ("4", D("11.64"), None),
    ]
    assert claim_balance_errors(claim) == ()


def big_835(n_claims: int) -> str:
    """A synthetic 835 with n claims, built by repeating the clean sample's claims."""
    text = read("835-stupidedi-multiple-claims-single-check.x12").replace("\r\n", "")
    segs = [s for s in text.split("~") if s]
    first_lx = next(i for i, s in enumerate(segs) if s.startswith("LX*"))
    se = next(i for i, s in enumerate(segs) if s.startswith("SE*"))
    head, body, tail = segs[:first_lx], segs[first_lx:se], segs[se:]
    claims = []
    current: list[str] = []
    for s in body:
        if s.startswith("LX*") and current:
            claims.append(current)
            current = []
        current.append(s)
    claims.append(current)
    out = list(head)
    total = D(0)
    for k in range(n_claims):
        claim = claims[k % len(claims)]
        for s in claim:
            if s.startswith("CLP*"):
                parts = s.split("*")
                parts[1] = f"PCN{k:07d}"
                total += D(parts[4])
                s = "*".join(parts)
            elif s.startswith("LX*"):
                s = f"LX*{k + 1}"
            out.append(s)
    out[next(i for i, s in enumerate(out) if s.startswith("BPR*"))] = (
        f"BPR*I*{total}*C*CHK************20140331"
    )
    st = next(i for i, s in enumerate(out) if s.startswith("ST*"))
    out.append(f"SE*{len(out) - st + 1}*35681")
    out += tail[1:]
    return "~\n".join(out) + "~\n"


def test_ten_thousand_claims_parse_whole() -> None:
    # Speed is measured in benchmarks/era_835.py, never asserted in a test.
    remit = parse_835(big_835(10_000))
    assert len(remit.claims) == 10_000 and remit.warnings == ()
    assert remit.claims[-1].pcn == "PCN0009999"
    assert remit_balance_error(remit) is None


def test_two_sets_need_parse_835_all() -> None:
    text = read("835-stupidedi-secondary-payments.x12")
    st = text[text.index("ST*") : text.index("GE*")]
    doubled = text.replace(st, st + st.replace("ST*835*0001", "ST*835*0002").replace(
        "SE*39*0001", "SE*39*0002")).replace("GE*1*", "GE*2*")  # fmt: skip
    assert [r.control for r in parse_835_all(doubled)] == ["0001", "0002"]
    with pytest.raises(MultipleTransactions, match="2 remittances"):
        parse_835(doubled)


def test_bad_inputs_raise_clear_errors() -> None:
    good = read("835-stupidedi-secondary-payments.x12")
    cases: list[tuple[str, type[Exception], str]] = [
        ("", X12SyntaxError, "empty"),
        ("no delimiters here", X12SyntaxError, "not an X12 file"),
        (good[: good.index("CLP*0001000053")], X12SyntaxError, "truncated"),
        (good.replace("*00501*", "*00401*"), UnsupportedTransaction, "004010 file"),
        (read("999-imsweb-rejected.x12"), UnsupportedTransaction, "not an 835 remittance"),
        (good.replace("CLP*L0004828311*2*10323.64", "CLP*L0004828311*2*ten"),
         X12SyntaxError, "CLP03 'ten' is not an amount"),
        (good.replace("BPR*I*1222*", "BPR*I**"), X12SyntaxError, r"BPR02 \(an amount\) is empty"),
        (good.replace("DTM*472*20050106", "DTM*472*2005010"), X12SyntaxError, "not a date"),
        (good.replace("CAS*CO*42*85", "CAS*CO**85"), X12SyntaxError,
         "CAS03 has an amount but no reason"),
        (good.replace("TRN*1*0012524965*1559123456~", ""), X12SyntaxError, "no TRN"),
        (good.replace("LX*1~CLP", "LX*1~SVC*HC:1*1*1~CLP"), X12SyntaxError, "SVC before any CLP"),
    ]  # fmt: skip
    for text, error, words in cases:
        with pytest.raises(error, match=words):
            parse_835(text)
