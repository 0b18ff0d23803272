"""The demo generator on its own (no database): determinism, valid ids, balanced money."""

from __future__ import annotations

from collections import defaultdict
from datetime import date, datetime, timedelta
from decimal import Decimal
from functools import cache
from itertools import pairwise
from typing import Any

import pytest

from medbill_tui.db.demo.claim_life import REJECT_277
from medbill_tui.db.demo.codes import ALL_DIAGNOSES, PRICES, carc_codes, procedure_codes
from medbill_tui.db.demo.generate import WINDOW_DAYS, batch_size, day_counts, generate
from medbill_tui.db.demo.reference import luhn_check_digit, npi_is_valid
from medbill_tui.db.demo.state import TABLES
from medbill_tui.domain.aging import bucket_index
from medbill_tui.domain.claim_state import TRANSITIONS, ClaimStatus
from medbill_tui.edi.codelists import claim_status_words

TODAY = date(2026, 11, 2)
COLUMNS = dict(TABLES)
CLAIM_STATUSES = {
    "ready", "submitted", "accepted_999", "acknowledged_277ca", "rejected_999",
    "rejected_277ca", "hold", "paid", "partial", "denied", "closed",
}  # fmt: skip


def rows_of(encounters: int, seed: int, today: date = TODAY) -> dict[str, list[dict[str, Any]]]:
    """All generated rows, as dicts keyed by column name."""
    out: dict[str, list[dict[str, Any]]] = defaultdict(list)
    for batch in generate(encounters, seed, today):
        for table, rows in batch.rows.items():
            out[table].extend(dict(zip(COLUMNS[table], row, strict=True)) for row in rows)
    return out


@cache
def demo() -> dict[str, list[dict[str, Any]]]:
    return rows_of(3000, 11)


def raw(encounters: int, seed: int, today: date = TODAY) -> list[tuple[str, list[Any], int]]:
    return [(t, r, b.done) for b in generate(encounters, seed, today) for t, r in b.rows.items()]


def test_same_arguments_give_identical_rows() -> None:
    assert raw(400, 5) == raw(400, 5)


def test_another_seed_or_day_gives_other_rows() -> None:
    first = rows_of(400, 5)
    assert rows_of(400, 6)["patient"] != first["patient"]
    assert rows_of(400, 6)["encounter"] != first["encounter"]
    shifted = rows_of(400, 5, TODAY + timedelta(days=1))
    assert [r["dos"] for r in shifted["encounter"]] != [r["dos"] for r in first["encounter"]]


def test_npi_check_digit() -> None:
    assert luhn_check_digit("80840123456789") == "3"  # CMS's published example 1234567893
    assert npi_is_valid("1234567893")
    assert not npi_is_valid("1234567890")
    rows = demo()
    npis = [r["npi"] for r in rows["practice"]] + [r["npi"] for r in rows["provider"]]
    assert len(rows["provider"]) in range(6, 11)
    assert all(npi_is_valid(n) for n in npis)
    assert len(set(npis)) == len(npis)


def test_batches_report_progress_up_to_total() -> None:
    done = [b.done for b in generate(1000, 2, TODAY)]
    assert done[-1] == 1000
    assert done == sorted(done)
    assert len({d for d in done if d}) == 10  # every 100 encounters
    assert batch_size(100_000) == 2_000  # 2%
    assert batch_size(1_000_000) == 10_000
    assert batch_size(30) >= 30  # one batch


def test_day_counts_spread_over_the_window_exactly() -> None:
    counts = day_counts(1234, TODAY)
    assert sum(n for _, n in counts) == 1234
    assert counts[0][0] == TODAY - timedelta(days=WINDOW_DAYS)
    assert counts[-1][0] == TODAY


def test_reference_tables() -> None:
    rows = demo()
    assert [r["is_demo"] for r in rows["practice"]] == [True]
    assert rows["practice"][0]["taxonomy"] == "207Q00000X"
    assert len(rows["payer"]) in range(6, 9)
    assert len({r["payer_code"] for r in rows["payer"]}) == len(rows["payer"])
    assert all(90 <= r["timely_filing_days"] <= 365 for r in rows["payer"])
    codes = {r["code"] for r in rows["procedure_code"]}
    assert codes == set(PRICES) <= {p.code for p in procedure_codes()}
    defaults = {r["code"] for r in rows["fee_schedule"] if r["payer_id"] is None}
    assert defaults == codes
    assert any(r["payer_id"] is not None for r in rows["fee_schedule"])
    common = "1 2 3 4 5 11 16 18 22 23 24 26 27 29 31 45 50 96 97 109 119 125 140 151 167 181 182 "
    common += "197 204 242 252 253 B7 B15"
    assert len(carc_codes()) >= 40
    assert {r["code"] for r in rows["carc"]} >= set(common.split())
    assert all(text.strip() for _, text in carc_codes())
    assert all(p.code_set in ("CPT", "HCPCS") and 0 < len(p.label) <= 80 for p in procedure_codes())
    assert len({p.code for p in procedure_codes()}) == len(procedure_codes()) >= 40


def test_patients_and_coverage() -> None:
    rows = demo()
    patients = rows["patient"]
    assert len(rows_of(10, 1)["patient"]) == 20
    assert len({p["account_no"] for p in patients}) == len(patients)
    assert all(p["account_no"] == f"A{p['id']:06d}" for p in patients)
    assert all(date(1935, 1, 1) <= p["dob"] <= date(2022, 12, 31) for p in patients)
    assert {p["sex"] for p in patients} == {"F", "M"}
    assert all(len(p["state"]) == 2 and len(p["zip"]) == 5 for p in patients)
    by_priority: dict[int, set[int]] = defaultdict(set)
    for c in rows["coverage"]:
        by_priority[c["priority"]].add(c["patient_id"])
    assert by_priority[2] <= by_priority[1]
    assert 0.1 < len(by_priority[2]) / len(patients) < 0.3
    self_pay = len(patients) - len(by_priority[1])
    assert 0.02 < self_pay / len(patients) < 0.1
    assert {c["relationship"] for c in rows["coverage"]} >= {"18", "19"}
    assert {a["status"] for a in rows["authorization"]} == {"approved", "pending"}


def test_encounters_diagnoses_and_charges() -> None:
    rows = demo()
    encounters = rows["encounter"]
    assert all(TODAY - timedelta(days=150) <= e["dos"] <= TODAY for e in encounters)
    assert {e["status"] for e in encounters} == {"unbilled", "billed", "hold"}
    assert {e["pos"] for e in encounters} == {"11", "02", "22"}
    dx: dict[int, list[str]] = defaultdict(list)
    for d in rows["encounter_diagnosis"]:
        dx[d["encounter_id"]].append(d["code"])
        assert d["seq"] == len(dx[d["encounter_id"]])
    assert all(1 <= len(codes) <= 4 for codes in dx.values()) and len(dx) == len(encounters)
    assert {c for codes in dx.values() for c in codes} <= set(ALL_DIAGNOSES)
    assert all("." in c or len(c) == 3 for codes in dx.values() for c in codes)
    lines: dict[int, list[dict[str, Any]]] = defaultdict(list)
    for c in rows["charge"]:
        lines[c["encounter_id"]].append(c)
        assert c["line_no"] == len(lines[c["encounter_id"]])
        assert all(int(p) <= len(dx[c["encounter_id"]]) for p in c["dx_pointers"])
    assert all(1 <= len(v) <= 4 for v in lines.values()) and len(lines) == len(encounters)
    # unbilled encounters at every age, mostly recent
    ages = [bucket_index((TODAY - e["dos"]).days) for e in encounters if e["status"] == "unbilled"]
    assert set(ages) == {0, 1, 2, 3, 4}
    assert ages.count(0) > len(ages) / 2


def test_claims_follow_their_state_machine() -> None:
    rows = demo()
    claims = {c["id"]: c for c in rows["claim"]}
    assert {c["status"] for c in claims.values()} == CLAIM_STATUSES
    assert len({c["claim_no"] for c in claims.values()}) == len(claims)
    billed = {e["id"] for e in rows["encounter"] if e["status"] == "billed"}
    insured = {e["id"] for e in rows["encounter"] if e["coverage_id"] is not None}
    assert {c["encounter_id"] for c in claims.values()} == billed & insured
    totals: dict[int, Decimal] = defaultdict(Decimal)
    for line in rows["claim_line"]:
        totals[line["claim_id"]] += line["amount"]
    assert all(totals[i] == c["total_charge"] for i, c in claims.items())
    events: dict[int, list[dict[str, Any]]] = defaultdict(list)
    for ev in rows["claim_event"]:
        events[ev["claim_id"]].append(ev)
    for cid, claim in claims.items():
        history = events[cid]
        assert history[0]["from_status"] is None and history[0]["to_status"] == "ready"
        for before, after in pairwise(history):
            assert after["from_status"] == before["to_status"]
            assert after["at"] > before["at"]
            old, new = ClaimStatus(after["from_status"]), ClaimStatus(after["to_status"])
            assert new in TRANSITIONS[old], (old, new)
        assert history[-1]["to_status"] == claim["status"]
        assert (claim["submitted_on"] is None) == (claim["status"] in ("ready", "hold"))
        assert (claim["hold_reason"] is not None) == (claim["status"] == "hold")
        adjudicated = claim["status"] in ("paid", "partial", "denied", "closed")
        assert (claim["payer_claim_no"] is not None) == adjudicated


def test_remittances_balance() -> None:
    rows = demo()
    adjustments: dict[int, Decimal] = defaultdict(Decimal)
    by_service: dict[int, Decimal] = defaultdict(Decimal)
    for a in rows["adjustment"]:
        adjustments[a["claim_payment_id"]] += a["amount"]
        by_service[a["service_payment_id"]] += a["amount"]
        assert a["group_code"] in ("CO", "PR", "OI") and a["amount"] > 0
    services: dict[int, Decimal] = defaultdict(Decimal)
    for s in rows["service_payment"]:
        assert s["charge"] - by_service[s["id"]] == s["paid"]
        services[s["claim_payment_id"]] += s["paid"]
    remitted: dict[int, Decimal] = defaultdict(Decimal)
    for cp in rows["claim_payment"]:
        assert cp["charge"] - adjustments[cp["id"]] == cp["paid"]
        assert services[cp["id"]] == cp["paid"]
        remitted[cp["remittance_id"]] += cp["paid"]
    assert {cp["status_code"] for cp in rows["claim_payment"]} == {"1", "2", "4"}
    remits = rows["remittance"]
    assert all(r["amount"] == remitted[r["id"]] for r in remits)
    assert len({(r["payer_id"], r["trace_no"]) for r in remits}) == len(remits)
    assert {r["method"] for r in remits} == {"ACH", "CHK"}
    assert rows["remark"]


def test_ledger_closes_to_zero_and_ages_in_every_bucket() -> None:
    rows = demo()
    per_claim: dict[int, Decimal] = defaultdict(Decimal)
    owed: dict[tuple[str, int], Decimal] = defaultdict(Decimal)
    for le in rows["ledger_entry"]:
        if le["claim_id"] is not None:
            per_claim[le["claim_id"]] += le["amount"]
        side = "patient" if le["responsibility"] == "patient" else "insurance"
        owed[(side, bucket_index((TODAY - le["service_date"]).days))] += le["amount"]
    for claim in rows["claim"]:
        if claim["status"] == "closed":
            assert per_claim[claim["id"]] == Decimal("0.00")
        elif claim["status"] in ("denied", "ready", "submitted", "hold"):
            assert per_claim[claim["id"]] > 0
    assert all(owed[(side, b)] > 0 for side in ("patient", "insurance") for b in range(5))
    assert {le["kind"] for le in rows["ledger_entry"]} == {
        "charge", "payment", "adjustment", "transfer", "writeoff"
    }  # fmt: skip
    assert {le["responsibility"] for le in rows["ledger_entry"]} == {
        "primary", "secondary", "patient"
    }  # fmt: skip
    unbilled = {e["id"] for e in rows["encounter"] if e["status"] != "billed"}
    assert not any(le["encounter_id"] in unbilled for le in rows["ledger_entry"])


def test_denials_are_open_work_items() -> None:
    rows = demo()
    carcs = {code for code, _ in carc_codes()}
    denials = [w for w in rows["work_item"] if w["kind"] == "denial"]
    assert {w["status"] for w in denials} == {"open", "done"}
    assert sum(w["status"] == "open" for w in denials) > len(denials) / 2
    for w in denials:
        assert w["carc"] in carcs and w["group_code"] in ("CO", "PR", "OI")
        assert w["category"] and w["action"]  # routed by the shipped rules, as posting does
        assert timedelta(days=1) <= w["due_on"] - w["opened_on"] <= timedelta(days=365)
        assert (w["closed_at"] is not None) == (w["status"] == "done")
    assert any(w["rarc"] for w in denials)
    assert any(w["kind"] == "followup" for w in rows["work_item"])


@pytest.mark.parametrize("table", [t for t, _ in TABLES])
def test_nothing_is_dated_after_today(table: str) -> None:
    future_ok = {"due_on", "end_date"}  # deadlines and authorization ends may lie ahead
    for row in demo()[table]:
        for column, value in row.items():
            if isinstance(value, datetime):
                assert value.tzinfo is not None and value.date() <= TODAY
            elif isinstance(value, date) and column not in future_ok:
                assert value <= TODAY, (column, value)


def test_money_is_decimal_cents() -> None:
    money = {"amount", "price", "total_charge", "charge", "paid", "patient_responsibility"}
    for table, rows in demo().items():
        for row in rows:
            for column in money & row.keys():
                value = row[column]
                assert isinstance(value, Decimal) and value.as_tuple().exponent == -2, (
                    table,
                    column,
                    value,
                )


def test_authorizations_match_the_visits_that_use_them() -> None:
    rows = demo()
    required = {r["id"]: set(r["auth_required_codes"].split()) for r in rows["payer"]}
    payer_of = {c["id"]: c["payer_id"] for c in rows["coverage"]}
    auths = {a["id"]: a for a in rows["authorization"]}
    codes: dict[int, set[str]] = defaultdict(set)
    for c in rows["charge"]:
        codes[c["encounter_id"]].add(c["code"])
    billed_uses: dict[int, int] = defaultdict(int)
    needing = 0
    for e in rows["encounter"]:
        need = codes[e["id"]] & required[payer_of[e["coverage_id"]]] if e["coverage_id"] else set()
        if not need:
            continue
        needing += 1
        auth = auths[e["authorization_id"]]
        assert auth["coverage_id"] == e["coverage_id"]
        if auth["status"] == "pending":
            assert e["status"] != "billed" and auth["number"] is None
            continue
        assert auth["start_date"] <= e["dos"] <= auth["end_date"]
        assert need <= set(auth["codes"].split(","))
        if e["status"] == "billed":
            billed_uses[auth["id"]] += 1
    assert needing > 10
    assert {a["status"] for a in auths.values()} == {"approved", "pending"}
    for auth in auths.values():
        if auth["status"] == "approved":
            assert billed_uses[auth["id"]] <= auth["visits_used"] <= auth["visits_allowed"]
            assert auth["visits_used"] - billed_uses[auth["id"]] <= 1


def test_children_join_a_household() -> None:
    rows = demo()
    patients = {p["id"]: p for p in rows["patient"]}
    children = [p for p in patients.values() if p["guarantor_id"] is not None]
    assert len(children) > 20
    coverage = {c["patient_id"]: c for c in rows["coverage"] if c["priority"] == 1}
    for child in children:
        parent = patients[child["guarantor_id"]]
        assert parent["guarantor_id"] is None and parent["dob"] < child["dob"]
        assert (child["last_name"], child["zip"]) == (parent["last_name"], parent["zip"])
        plan = coverage.get(child["id"])
        if plan is not None and plan["member_id"] == coverage[parent["id"]]["member_id"]:
            assert plan["relationship"] == "19"
            assert plan["subscriber_first_name"] == parent["first_name"]


def test_timestamps_tell_the_story_in_order() -> None:
    rows = demo()
    entered = {e["id"]: e["created_at"] for e in rows["encounter"]}
    imported = {r["id"]: r["imported_at"] for r in rows["remittance"]}
    first_event: dict[int, datetime] = {}
    for ev in rows["claim_event"]:
        first_event.setdefault(ev["claim_id"], ev["at"])
    for le in rows["ledger_entry"]:
        assert le["posted_at"] > entered[le["encounter_id"]]
        if le["remittance_id"] is not None:
            assert le["posted_at"] > imported[le["remittance_id"]]
        if le["kind"] == "charge" and le["claim_id"] is not None:
            assert le["posted_at"] > first_event[le["claim_id"]]
    claims = {c["id"]: c for c in rows["claim"]}
    assert all(first_event[c] > entered[claims[c]["encounter_id"]] for c in first_event)


def test_held_encounters_say_why() -> None:
    rows = demo()
    held = {e["id"]: e for e in rows["encounter"] if e["status"] == "hold"}
    notes = {n["entity_id"]: n for n in rows["note"] if n["entity"] == "encounter"}
    assert held and set(notes) == set(held)
    assert all(n["body"].startswith("hold: ") for n in notes.values())
    assert all(notes[i]["at"] > e["created_at"] for i, e in held.items())


def test_the_demo_rejections_say_what_their_codes_mean() -> None:
    """The Rejections queue shows the demo's words for STC A7:453 over the app's own words
    for status code 453 (procedure code modifiers): they must tell the same story."""
    [label] = [why for why in REJECT_277 if why.startswith("A7:453 ")]
    assert "modifier" in claim_status_words("453").lower()
    assert "modifier" in label and "diagnosis" not in label
    [label] = [why for why in REJECT_277 if why.startswith("A6:496 ")]  # the submitter, too
    assert "submitter" in claim_status_words("496").lower() and "submitter" in label
