"""The demo practice's reference data: practice, providers, payers, fee schedule.

Pure functions of a seeded `random.Random` and a seeded Faker; rows are tuples in the column
order of `generate.TABLES`.
"""

from __future__ import annotations

import random
from dataclasses import dataclass
from decimal import ROUND_HALF_UP, Decimal

from faker import Faker

from medbill_tui.db.demo.codes import PRICES, carc_codes, procedure_codes

CENT = Decimal("0.01")
Row = tuple[object, ...]


def luhn_check_digit(payload: str) -> str:
    """The Luhn check digit that makes `payload + digit` pass the Luhn test."""
    total = 0
    for index, char in enumerate(reversed(payload)):
        digit = int(char)
        if index % 2 == 0:  # these digits are doubled once the check digit is appended
            digit *= 2
            if digit > 9:
                digit -= 9
        total += digit
    return str((10 - total % 10) % 10)


def npi_is_valid(npi: str) -> bool:
    """True when `npi` is 10 digits whose last is the Luhn check digit of '80840' + the first 9."""
    return len(npi) == 10 and npi.isdigit() and luhn_check_digit("80840" + npi[:9]) == npi[9]


def make_npi(rng: random.Random) -> str:
    """A random NPI (first digit 1 or 2) with a correct check digit."""
    base = str(rng.choice((1, 2))) + f"{rng.randrange(10**8):08d}"
    return base + luhn_check_digit("80840" + base)


@dataclass(frozen=True, slots=True)
class PayerDef:
    """How a demo payer behaves: who it covers, what it allows, when and how it pays."""

    key: str
    name: str
    code: str
    filing_indicator: str
    timely_days: int
    method: str
    allowed_ratio: Decimal
    payday: int  # weekday its remittances are dated (0 = Monday)
    min_days: int  # days from acceptance to payment
    max_days: int
    denial_pct: float
    copay: Decimal
    coinsurance_pct: int
    auth_codes: str = ""  # codes it wants pre-approved, space separated


def _p(*args: object, auth: str = "") -> PayerDef:
    key, name, code, cfi, tf, method, ratio, payday, lo, hi, den, copay, coins = args
    return PayerDef(
        str(key),
        str(name),
        str(code),
        str(cfi),
        int(str(tf)),
        str(method),
        Decimal(str(ratio)),
        int(str(payday)),
        int(str(lo)),
        int(str(hi)),
        float(str(den)),
        Decimal(f"{copay}.00"),
        int(str(coins)),
        auth,
    )


DEFAULT_APPEAL_DAYS = 180
APPEAL_DAYS = {"medicare": 120, "medicaid": 90, "hmo": 60}
"""Days to appeal a denial where the demo payer differs from the default (Medicare: 120)."""
PAYMENT_TIMER_DAYS = {"medicaid": 45, "hmo": 45}
"""Days an accepted claim waits for payment where the demo payer is slower than the setting."""

PAYERS: tuple[PayerDef, ...] = (
    # key, name, payer code, filing indicator, timely days, method, allowed ratio, payday,
    # min/max days to pay, denial %, copay, coinsurance %
    _p("medicare", "Medicare Part B", "04412", "MB", 365, "ACH", "0.54", 2, 14, 24, 6, 0, 20),
    _p(
        "medicaid",
        "State Medicaid Program",
        "77031",
        "MC",
        180,
        "ACH",
        "0.42",
        4,
        10,
        30,
        10,
        0,
        0,
        auth="20610",
    ),
    _p("bcbs", "Blue Cross Blue Shield", "00590", "BL", 180, "ACH", "0.71", 1, 10, 28, 7, 25, 20),
    _p("acme", "Acme Health Insurance", "62318", "CI", 90, "ACH", "0.68", 3, 12, 30, 9, 30, 20),
    _p(
        "united", "Heartland United Health", "81736", "CI", 180, "ACH", "0.66", 0, 10, 25, 8, 20, 20
    ),
    _p(
        "hmo",
        "Valley Care HMO",
        "35162",
        "HM",
        90,
        "CHK",
        "0.61",
        4,
        15,
        35,
        11,
        15,
        10,
        auth="20610 11102 94010",
    ),
    _p("tricare", "TRICARE East Region", "99726", "CH", 365, "ACH", "0.55", 2, 12, 26, 6, 0, 20),
    _p(
        "supplement",
        "Liberty Senior Supplement",
        "65978",
        "CI",
        365,
        "CHK",
        "0.54",
        1,
        7,
        21,
        3,
        0,
        0,
    ),
)
"""The demo's payers; their ids are their position + 1."""

PAYER_INDEX = {p.key: i for i, p in enumerate(PAYERS)}

PAYER_SPECIFIC_FEES: tuple[tuple[str, tuple[str, ...], str], ...] = (
    ("medicaid", ("99212", "99213", "99214", "99215", "90471"), "0.85"),
    ("hmo", ("99213", "99214", "99395", "99396"), "0.95"),
)
"""(payer, codes, share of the default price) for payer-specific fee_schedule rows."""

TAXONOMY_FAMILY = "207Q00000X"
PROVIDER_TAXONOMIES = (TAXONOMY_FAMILY,) * 6 + ("363LF0000X", "363A00000X")
TIN_PREFIXES = ("20", "26", "27", "45", "46", "47", "81", "82", "83", "84", "85", "86", "87")


def money(value: Decimal) -> Decimal:
    """Round to cents, half up."""
    return value.quantize(CENT, rounding=ROUND_HALF_UP)


@dataclass(slots=True)
class Reference:
    """Reference rows plus the lookups the encounter generator needs."""

    rows: dict[str, list[Row]]
    state: str
    provider_ids: list[int]
    provider_weights: list[int]
    fees: list[dict[str, Decimal]]  # per payer index: code -> charge
    default_fees: dict[str, Decimal]
    allowed: list[dict[str, Decimal]]  # per payer index: code -> allowed amount
    trace_base: list[int]


def build_reference(rng: random.Random, fake: Faker, *, local_state: str) -> Reference:
    """Practice, providers, payers, fee schedule, procedure codes and CARCs."""
    city = fake.city()[:24]
    names = (
        f"{city} Family Medicine",
        f"{fake.last_name()} Family Practice",
        f"{city} Primary Care Associates",
        f"{fake.last_name()} & {fake.last_name()} Family Health",
    )
    practice_name = rng.choice(names)[:60]
    street = f"{rng.randint(100, 9899)} {fake.street_name()}"[:55]
    zip9 = fake.zipcode_in_state(local_state) + f"{rng.randrange(1, 10000):04d}"
    tin = rng.choice(TIN_PREFIXES) + f"{rng.randrange(10**7):07d}"
    practice: list[Row] = [
        (
            1,
            practice_name,
            make_npi(rng),
            tin,
            TAXONOMY_FAMILY,
            street,
            city,
            local_state,
            zip9,
            True,
            "55555501" + tin[-2:],  # a fictional number (555-01xx), drawn from nothing new
        )
    ]

    providers: list[Row] = []
    weights: list[int] = []
    npis: list[str] = [str(practice[0][2])]
    for pid in range(1, rng.randint(6, 10) + 1):
        npi = make_npi(rng)
        while npi in npis:
            npi = make_npi(rng)
        npis.append(npi)
        female = rng.random() < 0.5
        first = fake.first_name_female() if female else fake.first_name_male()
        taxonomy = rng.choice(PROVIDER_TAXONOMIES)
        active = pid == 1 or rng.random() > 0.1
        providers.append((pid, npi, first[:35], fake.last_name()[:60], taxonomy, active))
        weights.append(rng.randint(3, 10) if active else 1)

    payers: list[Row] = [
        (
            i + 1,
            p.name,
            p.code,
            p.filing_indicator,
            p.timely_days,
            p.auth_codes,
            APPEAL_DAYS.get(p.key, DEFAULT_APPEAL_DAYS),
            PAYMENT_TIMER_DAYS.get(p.key),
        )
        for i, p in enumerate(PAYERS)
    ]

    default_fees = {code: Decimal(price) for code, price in PRICES.items()}
    fees = [dict(default_fees) for _ in PAYERS]
    fee_rows: list[Row] = []
    for code, price in default_fees.items():
        fee_rows.append((len(fee_rows) + 1, None, code, "", price))
    for key, codes, share in PAYER_SPECIFIC_FEES:
        index = PAYER_INDEX[key]
        for code in codes:
            price = money(default_fees[code] * Decimal(share))
            fees[index][code] = price
            fee_rows.append((len(fee_rows) + 1, index + 1, code, "", price))

    allowed: list[dict[str, Decimal]] = []
    for index, payer in enumerate(PAYERS):
        table: dict[str, Decimal] = {}
        for code, price in default_fees.items():
            spread = Decimal(rng.randint(90, 110)) / 100
            table[code] = min(money(price * payer.allowed_ratio * spread), fees[index][code])
        allowed.append(table)

    known = set(PRICES)
    procedures: list[Row] = [
        (p.code, p.code_set, p.label) for p in procedure_codes() if p.code in known
    ]
    trace_base = [
        rng.randrange(10**8, 9 * 10**8) if p.method == "ACH" else rng.randrange(100_000, 700_000)
        for p in PAYERS
    ]
    rows: dict[str, list[Row]] = {
        "practice": practice,
        "provider": providers,
        "payer": payers,
        "fee_schedule": fee_rows,
        "procedure_code": procedures,
        "carc": [(code, text) for code, text in carc_codes()],
    }
    return Reference(
        rows=rows,
        state=local_state,
        provider_ids=[int(str(r[0])) for r in providers],
        provider_weights=weights,
        fees=fees,
        default_fees=default_fees,
        allowed=allowed,
        trace_base=trace_base,
    )
