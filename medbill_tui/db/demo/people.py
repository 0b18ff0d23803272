"""Synthetic patients, their coverages and prior authorizations.

Faker is slow, so a fixed-size pool of names and addresses is drawn once per seed and patients
pick from it with the seeded `random.Random`.
"""

from __future__ import annotations

import random
import string
from dataclasses import dataclass, field
from datetime import date, timedelta

from faker import Faker

from medbill_tui.db.demo.auths import Auth, AuthBook
from medbill_tui.db.demo.reference import PAYER_INDEX, PAYERS, Row

MBI_LETTERS = "ACDEFGHJKMNPQRTUVWXY"  # letters a Medicare Beneficiary Identifier may use
MBI_ALNUM = MBI_LETTERS + string.digits
POOL_NAMES = 300
POOL_STREETS = 400
POOL_TOWNS = 40
OTHER_STATES = ("FL", "AZ", "TX", "NC", "PA", "NY", "GA", "MI", "WA", "CO")


@dataclass(slots=True)
class Pools:
    """Names and addresses drawn from Faker once per seed."""

    male: list[str]
    female: list[str]
    last: list[str]
    streets: list[str]  # street names; house numbers come from the random stream
    towns: list[tuple[str, str, str]]  # (city, state, zip)
    far_towns: list[tuple[str, str, str]]


def make_pools(fake: Faker, local_state: str) -> Pools:
    """Draw the pools (a few thousand Faker calls, whatever the demo's size)."""
    male = [fake.first_name_male()[:35] for _ in range(POOL_NAMES)]
    female = [fake.first_name_female()[:35] for _ in range(POOL_NAMES)]
    last = [fake.last_name()[:60] for _ in range(POOL_NAMES * 3)]
    streets = [fake.street_name()[:40] for _ in range(POOL_STREETS)]
    towns = [
        (fake.city()[:30], local_state, fake.zipcode_in_state(local_state))
        for _ in range(POOL_TOWNS)
    ]
    far = [(fake.city()[:30], st, fake.zipcode_in_state(st)) for st in OTHER_STATES]
    return Pools(male, female, last, streets, towns, far)


@dataclass(slots=True)
class PatientInfo:
    """What the encounter generator needs to know about a patient."""

    id: int
    dob: date
    sex: str
    primary: int | None  # coverage id
    primary_payer: int  # payer index, -1 for self-pay
    secondary: int | None
    secondary_payer: int
    auths: list[Auth] = field(default_factory=list)


@dataclass(frozen=True, slots=True)
class Household:
    """An adult patient on a commercial plan whose children may be patients too."""

    patient_id: int
    first: str
    last: str
    dob: date
    address: tuple[str, str, str, str]
    phone: str
    payer: str
    member_id: str
    group: str | None
    sex: str


def age_on(dob: date, day: date) -> int:
    """Age in whole years on `day`."""
    return day.year - dob.year - ((day.month, day.day) < (dob.month, dob.day))


def _member_id(rng: random.Random, payer: str) -> str:
    if payer in ("medicare", "supplement"):
        c = rng.choice
        digits = string.digits
        return (
            c("123456789")
            + c(MBI_LETTERS)
            + c(MBI_ALNUM)
            + c(digits)
            + c(MBI_LETTERS)
            + c(MBI_ALNUM)
            + c(digits)
            + c(MBI_LETTERS)
            + c(MBI_LETTERS)
            + c(digits)
            + c(digits)
        )
    if payer == "medicaid":
        return f"{rng.randrange(10**10, 10**11)}"
    prefix = "".join(rng.choice(string.ascii_uppercase) for _ in range(3))
    return f"{prefix}{rng.randrange(10**8, 10**9)}"


def _primary_payer(rng: random.Random, age: int) -> str | None:
    r = rng.random()
    if r < 0.05:
        return None  # self-pay
    if age >= 65:
        return "medicare" if r < 0.85 else rng.choice(("bcbs", "acme", "united"))
    if age < 18:
        return "medicaid" if r < 0.42 else rng.choice(("bcbs", "acme", "united", "hmo"))
    weights = (
        ("bcbs", 30),
        ("acme", 25),
        ("united", 20),
        ("hmo", 12),
        ("medicaid", 10),
        ("tricare", 3),
    )
    return rng.choices([w[0] for w in weights], [w[1] for w in weights])[0]


def _secondary_payer(rng: random.Random, age: int, primary: str) -> str | None:
    if primary == "medicare":
        if rng.random() < 0.45:
            return "supplement" if rng.random() < 0.6 else "medicaid"
        return None
    if primary == "medicaid":
        return None
    if age >= 18 and rng.random() < 0.13:
        return rng.choice([p for p in ("bcbs", "acme", "united") if p != primary])
    return None


COMMERCIAL = ("bcbs", "acme", "united", "hmo")
AUTH_STARTERS = (("20610",), ("11102",), ("94010",), ("20610", "J3301"))


class PatientMaker:
    """Makes patient and coverage rows (ids allocated here); children may join a household."""

    def __init__(self, rng: random.Random, pools: Pools, today: date, auths: AuthBook) -> None:
        self.rng = rng
        self.pools = pools
        self.today = today
        self.auths = auths
        self.coverage_id = 0
        self.households: list[Household] = []
        self.dob_low = date(1935, 1, 1)
        self.dob_high = min(date(2022, 12, 31), today - timedelta(days=151 + 366))

    def _dob(self) -> date:
        rng = self.rng
        r = rng.random()
        today = self.today
        if r < 0.20:
            years = (1, 18)
        elif r < 0.75:
            years = (18, 65)
        else:
            years = (65, 92)
        low = max(self.dob_low, today - timedelta(days=int(years[1] * 365.25)))
        high = min(self.dob_high, today - timedelta(days=int(years[0] * 365.25) + 151))
        if low > high:
            low, high = self.dob_low, self.dob_high
        return low + timedelta(days=rng.randrange((high - low).days + 1))

    def make(self, pid: int, rows: dict[str, list[Row]]) -> PatientInfo:
        """One patient with coverage; appends rows and returns what encounters need."""
        rng, pools = self.rng, self.pools
        sex = "F" if rng.random() < 0.54 else "M"
        first = rng.choice(pools.female if sex == "F" else pools.male)
        dob = self._dob()
        age = age_on(dob, self.today)
        home: Household | None = None
        if age < 18 and self.households and rng.random() < 0.6:
            home = rng.choice(self.households)
            if (dob - home.dob).days < 16 * 365:
                home = None
        if home is not None:
            last, address, phone = home.last, home.address, home.phone
        else:
            last = rng.choice(pools.last)
            town = rng.choice(pools.towns if rng.random() < 0.93 else pools.far_towns)
            street = f"{rng.randint(1, 9999)} {rng.choice(pools.streets)}"
            if rng.random() < 0.12:
                street += f" Apt {rng.randint(1, 40)}{rng.choice('ABCD')}"
            address = (street, *town)
            phone = f"({rng.randint(201, 989)}) 555-01{rng.randrange(100):02d}"
        rows["patient"].append(
            (
                pid,
                f"A{pid:06d}",
                first,
                last,
                dob,
                sex,
                *address,
                phone,
                home.patient_id if home else None,
            )
        )
        info = PatientInfo(pid, dob, sex, None, -1, None, -1)
        if home is not None and rng.random() < 0.85:
            self.coverage_id += 1
            rows["coverage"].append(
                (
                    self.coverage_id,
                    pid,
                    PAYER_INDEX[home.payer] + 1,
                    home.member_id,
                    home.group,
                    "19",
                    home.first,
                    home.last,
                    home.dob,
                    home.sex,
                    1,
                    max(dob, date(self.today.year - 2, 1, 1)),
                    None,
                )
            )
            info.primary, info.primary_payer = self.coverage_id, PAYER_INDEX[home.payer]
            return info
        primary = _primary_payer(rng, age)
        if primary is None:
            return info
        info.primary, info.primary_payer, member, group = self._coverage(
            rows, pid, primary, 1, age, (first, last, dob, sex)
        )
        if 25 <= age < 60 and primary in COMMERCIAL:
            self.households.append(
                Household(pid, first, last, dob, address, phone, primary, member, group, sex)
            )
        secondary = _secondary_payer(rng, age, primary)
        if secondary is not None:
            info.secondary, info.secondary_payer, _, _ = self._coverage(
                rows, pid, secondary, 2, age, (first, last, dob, sex)
            )
        if rng.random() < 0.05:
            codes = rng.choice(AUTH_STARTERS)
            asked = self.today - timedelta(days=rng.randint(0, 170))
            if rng.random() < 0.75:
                info.auths.append(self.auths.approved(info.primary, codes, asked))
            else:
                info.auths.append(self.auths.pending(info.primary, codes, asked))
        return info

    def _coverage(
        self,
        rows: dict[str, list[Row]],
        pid: int,
        payer: str,
        priority: int,
        age: int,
        patient: tuple[str, str, date, str],
    ) -> tuple[int, int, str, str | None]:
        """A coverage of the patient (first, last, dob, sex): theirs, a parent's or a spouse's."""
        rng = self.rng
        self.coverage_id += 1
        first, last, dob, _ = patient
        relationship, sub_first, sub_last, sub_dob, sub_sex = "18", first, last, dob, patient[3]
        if age < 18 and payer != "medicaid":
            relationship = "19"
            sub_sex = "F" if rng.random() < 0.5 else "M"
            sub_first = rng.choice(self.pools.female if sub_sex == "F" else self.pools.male)
            sub_dob = dob - timedelta(days=rng.randint(20 * 365, 42 * 365))
        elif priority == 2 and payer not in ("medicaid", "supplement"):
            relationship = "01"  # on the spouse's plan
            sub_sex = "M" if rng.random() < 0.5 else "F"
            sub_first = rng.choice(self.pools.male if sub_sex == "M" else self.pools.female)
            sub_dob = dob + timedelta(days=rng.randint(-3000, 3000))
        group = None
        if payer not in ("medicare", "medicaid", "supplement"):
            group = f"{rng.randrange(10000, 999999)}"
        start_year = self.today.year - rng.randint(0, 6)
        effective = date(start_year, rng.choice((1, 1, 1, 4, 7, 10)), 1)
        if effective > self.today - timedelta(days=151):
            effective = date(self.today.year - 1, 1, 1)
        member = _member_id(rng, payer)
        rows["coverage"].append(
            (
                self.coverage_id,
                pid,
                PAYER_INDEX[payer] + 1,
                member,
                group,
                relationship,
                sub_first,
                sub_last,
                sub_dob,
                sub_sex,
                priority,
                effective,
                None,
            )
        )
        return self.coverage_id, PAYER_INDEX[payer], member, group


def auth_codes(payer: int) -> frozenset[str]:
    """Codes the payer at index `payer` wants pre-approved (none for self-pay)."""
    return AUTH_CODES[payer] if payer >= 0 else frozenset()


AUTH_CODES = tuple(frozenset(p.auth_codes.split()) for p in PAYERS)
