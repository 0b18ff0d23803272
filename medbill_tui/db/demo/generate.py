"""Pure, deterministic generation of the demo practice's rows (no database).

`generate(encounters, seed, today)` yields `Batch`es of row tuples (columns as in
`state.TABLES`, explicit ids from 1). The same arguments always give the same rows: one
`random.Random(seed)` and one Faker seeded with `seed` are read in a fixed order, and every
date and timestamp is derived from `today`, never from the clock.
"""

from __future__ import annotations

import random
from collections.abc import Iterator
from datetime import date, timedelta
from decimal import Decimal

from faker import Faker

from medbill_tui.db.demo.auths import AuthBook
from medbill_tui.db.demo.claim_life import ClaimWriter
from medbill_tui.db.demo.claim_rows import EncounterBill
from medbill_tui.db.demo.codes import ENCOUNTER_HOLD_REASONS
from medbill_tui.db.demo.people import PatientInfo, PatientMaker, age_on, auth_codes, make_pools
from medbill_tui.db.demo.reference import PAYERS, build_reference
from medbill_tui.db.demo.remits import Remits
from medbill_tui.db.demo.state import (
    DAY_DELTAS,
    DEMO_ACTOR,
    Batch,
    Emitter,
    cumulative,
    pick,
    weighted,
)
from medbill_tui.db.demo.visits import make_visit

WINDOW_DAYS = 150
"""Dates of service fall in today - WINDOW_DAYS .. today."""
LOCAL_STATES = ("OH", "PA", "NC", "MI", "WI", "MN", "OR", "CO", "TN", "IA")
WEEKDAY_WEIGHTS = (100, 100, 100, 100, 95, 25, 3)  # Monday .. Sunday
BILL_LAGS = (0, 1, 1, 1, 2, 2, 3, 4, 5, 7)
PATIENT_BATCH = 20_000
MIN_BATCH = 100
MAX_BATCH = 10_000
ONE = Decimal("1")
HOLD_NOTE_AFTER = timedelta(minutes=5)


def patient_count(encounters: int) -> int:
    """About one patient per 3.5 encounters, at least 20."""
    return max(20, round(encounters / 3.5))


def day_counts(encounters: int, today: date) -> list[tuple[date, int]]:
    """Encounters per date of service (oldest first), weighted by weekday, summing exactly."""
    days = [today - timedelta(days=back) for back in range(WINDOW_DAYS, -1, -1)]
    weights = [WEEKDAY_WEIGHTS[d.weekday()] for d in days]
    total_weight = sum(weights)
    exact = [encounters * w for w in weights]
    counts = [x // total_weight for x in exact]
    short = encounters - sum(counts)
    by_remainder = sorted(range(len(days)), key=lambda i: (-(exact[i] % total_weight), -i))
    for i in by_remainder[:short]:
        counts[i] += 1
    return list(zip(days, counts, strict=True))


def batch_size(encounters: int) -> int:
    """Encounters per batch (and progress step): about 2% of the total, but at least
    MIN_BATCH (each batch costs a round of COPY statements) and at most MAX_BATCH."""
    return max(1, min(MAX_BATCH, max(MIN_BATCH, -(-encounters // 50))))


def generate(encounters: int, seed: int, today: date) -> Iterator[Batch]:
    """Yield the demo practice as batches; the last batch has `done == total`."""
    if encounters < 1:
        raise ValueError("the demo needs at least one encounter")
    rng = random.Random(seed)
    fake = Faker("en_US")
    fake.seed_instance(seed)
    local_state = rng.choice(LOCAL_STATES)
    ref = build_reference(rng, fake, local_state=local_state)
    pools = make_pools(fake, local_state)
    e = Emitter(rng, today)
    for table, rows in ref.rows.items():
        e.rows[table].extend(rows)
    yield Batch(e.take(), 0, encounters)

    auths = AuthBook(e.rand, today)
    maker = PatientMaker(rng, pools, today, auths)
    patients: list[PatientInfo] = []
    for pid in range(1, patient_count(encounters) + 1):
        patients.append(maker.make(pid, e.rows))
        if pid % PATIENT_BATCH == 0:
            yield Batch(e.take(), 0, encounters)
    yield Batch(e.take(), 0, encounters)

    remits = Remits(ref)
    claims = ClaimWriter(e, ref, remits)
    step = batch_size(encounters)
    done = 0
    rand = e.rand
    provider_ids, provider_cum = ref.provider_ids, cumulative(ref.provider_weights)
    for dos, count in day_counts(encounters, today):
        for _ in range(count):
            _encounter(
                e,
                ref_fees=(ref.fees, ref.default_fees),
                claims=claims,
                auths=auths,
                dos=dos,
                patient=pick(rand, patients),
                provider=weighted(rand, provider_ids, provider_cum),
            )
            done += 1
            if done % step == 0 and done < encounters:
                yield Batch(e.take(), done, encounters)
    e.rows["authorization"].extend(auths.rows())
    e.rows["remittance"].extend(remits.rows(e))
    yield Batch(e.take(), done, encounters)


def _encounter(
    e: Emitter,
    *,
    ref_fees: tuple[list[dict[str, Decimal]], dict[str, Decimal]],
    claims: ClaimWriter,
    auths: AuthBook,
    dos: date,
    patient: PatientInfo,
    provider: int,
) -> None:
    """One encounter with its diagnoses and charges; bills it when its time has come."""
    rand, today = e.rand, e.today
    payer_i = patient.primary_payer
    payer_key = PAYERS[payer_i].key if payer_i >= 0 else "self"
    dx, lines, pos = make_visit(rand, age_on(patient.dob, dos), patient.sex, payer_key, dos)
    eid = e.new_id("encounter")
    lag = pick(rand, BILL_LAGS)
    r = rand()
    if r < 0.01:
        status = "hold"
    elif r < 0.025 or dos + DAY_DELTAS[lag] > today:  # 1.5% are forgotten
        status = "unbilled"
    else:
        status = "billed"
    auth_id = None
    required = auth_codes(payer_i)
    if required and patient.primary is not None:
        needed = [code for code, _, _ in lines if code in required]
        if needed:
            auth = auths.for_visit(patient.auths, patient.primary, dos, needed)
            auth_id = auth.id
            if auth.status != "approved":
                status = "unbilled" if status == "billed" else status  # waits for approval
            elif status == "billed":
                auth.used += 1
    entered_at = e.at(dos)
    e.rows["encounter"].append(
        (eid, patient.id, provider, patient.primary, auth_id, dos, pos, status, entered_at)
    )
    if status == "hold":
        note_day = min(today, dos + DAY_DELTAS[lag])
        at = max(e.at(note_day), entered_at + HOLD_NOTE_AFTER)
        reason = f"hold: {pick(rand, ENCOUNTER_HOLD_REASONS)}"
        e.rows["note"].append((e.new_id("note"), "encounter", eid, DEMO_ACTOR, at, reason))
    dx_rows, dx_id = e.rows["encounter_diagnosis"], e.id_of["encounter_diagnosis"]
    for seq, code in enumerate(dx, start=1):
        dx_rows.append((dx_id(), eid, seq, code))
    fees, default_fees = ref_fees
    prices = fees[payer_i] if payer_i >= 0 else default_fees
    charge_rows, charge_id = e.rows["charge"], e.id_of["charge"]
    billed: list[tuple[int, int, str, str, Decimal, str]] = []
    total = Decimal("0.00")
    for line_no, (code, mods, pointers) in enumerate(lines, start=1):
        cid = charge_id()
        amount = prices[code]
        padded = (*mods, None, None, None, None)
        charge_rows.append(
            (
                cid,
                eid,
                line_no,
                code,
                padded[0],
                padded[1],
                padded[2],
                padded[3],
                ONE,
                amount,
                pointers,
                None,
            )
        )
        billed.append((cid, line_no, code, ":".join(mods), amount, pointers))
        total += amount
    if status != "billed":
        return
    bill = EncounterBill(eid, patient, dos, dos + DAY_DELTAS[lag], entered_at, total, billed)
    if patient.primary is None:
        claims.self_pay(bill)
    else:
        claims.bill(bill)
