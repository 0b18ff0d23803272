"""The CMS-1500 (02/12) paper claim: where each value of an 837P claim goes on the form.

The form is printed data only, on pre-printed red forms, in a 10-pitch font at 6 lines per
inch: 85 columns by 66 lines. `Spot(line, col)` is 1-based on that grid (the NUCC 1500
Reference Instruction Manual's boxes; the values come from the same `ClaimOut` the 837P is
written from, as the NUCC 1500-to-837P crosswalk maps them). Six service lines a form; more
continue on a new form, the totals (boxes 28, 29) only on the last. The PDF is `cms1500_pdf`.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date
from decimal import Decimal

from medbill_tui.edi.x837_records import LineOut, Person
from medbill_tui.edi.x837p import BillingProvider, ClaimOut

LINES_PER_FORM = 6
ZERO = Decimal("0.00")

INSURANCE_TYPE_COLUMN = {"MA": 1, "MB": 1, "MC": 8, "CH": 15, "VA": 24, "FI": 39}
"""Box 1 by claim filing indicator (SBR09); a group health plan is column 31, others 45."""
GROUP_HEALTH = frozenset({"CI", "BL", "HM", "12", "13", "14", "15", "16", "17", "DS", "EPO"})
RELATIONSHIP_COLUMN = {"18": 33, "01": 38, "19": 42}
"""Box 6: self, spouse, child; any other relationship is column 47."""


class BoxMissing(ValueError):
    """A box the manual requires has no value; the message names the box."""


@dataclass(frozen=True, slots=True)
class Spot:
    """One value printed on the form: its box, line and column (1-based), and the text."""

    box: str
    line: int
    col: int
    text: str


def _mdy(day: date | None, year_digits: int = 4) -> tuple[str, str, str]:
    if day is None:
        return ("", "", "")
    year = f"{day.year:04d}"[-year_digits:]
    return (f"{day.month:02d}", f"{day.day:02d}", year)


def _money(amount: Decimal, width: int = 8) -> str:
    """Dollars and cents right-aligned, the point a space (the form prints the divider)."""
    return f"{amount:{width}.2f}".replace(".", " ")


def _name(person: Person) -> str:
    return f"{person.last_name}, {person.first_name}".upper()


def missing_boxes(claim: ClaimOut, provider: BillingProvider) -> list[str]:
    """The required boxes with no value, each as "box 1a (insured's ID number)"."""
    patient = claim.patient or claim.subscriber
    needs = [
        ("1a", "insured's ID number", claim.subscriber.member_id),
        ("2", "patient's name", patient.last_name and patient.first_name),
        ("3", "patient's birth date", patient.dob),
        ("4", "insured's name", claim.subscriber.last_name),
        ("5", "patient's address", patient.address and patient.address.line1),
        ("7", "insured's address", claim.subscriber.address and claim.subscriber.address.line1),
        ("21", "diagnosis", claim.diagnoses),
        ("24", "a service line", claim.lines),
        ("24J", "rendering provider NPI", claim.rendering_npi),
        ("25", "federal tax ID", provider.tin),
        ("26", "patient's account number", claim.pcn),
        ("33", "billing provider name and address", provider.name and provider.address.line1),
        ("33a", "billing provider NPI", provider.npi),
    ]
    out = [f"box {box} ({words})" for box, words, value in needs if not value]
    out += [
        f"box 24E (diagnosis pointer of line {n})"
        for n, line in enumerate(claim.lines, start=1)
        if not line.pointers
    ]
    return out


def prior_payments(claim: ClaimOut) -> Decimal:
    """Box 29: what the payers before this one paid (their adjudications)."""
    return sum(
        (o.adjudication.paid for o in claim.other_payers if o.adjudication is not None), ZERO
    )


def form_pages(claim: ClaimOut, provider: BillingProvider) -> list[list[Spot]]:
    """Every form of the claim: six lines each, the totals on the last (`BoxMissing` first)."""
    missing = missing_boxes(claim, provider)
    if missing:
        raise BoxMissing(f"claim {claim.pcn} is not printed: no value for {', '.join(missing)}")
    chunks = [
        claim.lines[i : i + LINES_PER_FORM] for i in range(0, len(claim.lines), LINES_PER_FORM)
    ]
    pages = []
    for number, chunk in enumerate(chunks, start=1):
        spots = _head(claim, provider)
        if len(chunks) > 1:
            spots.append(Spot("19", 36, 1, f"PAGE {number} OF {len(chunks)}"))
        for row, line in enumerate(chunk, start=1):
            spots += _service_line(claim, line, 2 * row + 42)
        if number == len(chunks):
            spots.append(Spot("28", 56, 52, _money(claim.total)))
            spots.append(Spot("29", 56, 62, _money(prior_payments(claim))))
        pages.append(spots)
    return pages


def _head(claim: ClaimOut, provider: BillingProvider) -> list[Spot]:
    """Boxes 1-23 and 25-33: the same on every form of the claim."""
    insured = claim.subscriber
    patient = claim.patient or insured
    filing = claim.filing_indicator
    kind = INSURANCE_TYPE_COLUMN.get(filing, 31 if filing in GROUP_HEALTH else 45)
    spots: list[Spot | None] = [
        Spot("payer", 2, 41, claim.payer_name.upper()),
        Spot("1", 8, kind, "X"),
        Spot("1a", 8, 50, insured.member_id),
        Spot("2", 10, 1, _name(patient)),
        *_date_spots("3", 10, (31, 34, 37), patient.dob),
        Spot("3", 10, 42 if patient.sex == "M" else 47, "X") if patient.sex in "MF" else None,
        Spot("4", 10, 50, _name(insured)),
        Spot("6", 12, RELATIONSHIP_COLUMN.get(claim.relationship, 47), "X"),
        Spot("11", 18, 50, claim.group_no),
        *_date_spots("11a", 20, (53, 56, 59), insured.dob),
        Spot("11a", 20, 68 if insured.sex == "M" else 75, "X") if insured.sex in "MF" else None,
        Spot("11c", 24, 50, claim.payer_name.upper()),
        Spot("10a", 20, 41, "X"),
        Spot("10b", 22, 41, "X"),
        Spot("10c", 24, 41, "X"),
        Spot("11d", 26, 52 if claim.other_payers else 57, "X"),
        Spot("12", 29, 7, "SIGNATURE ON FILE"),
        Spot("13", 29, 55, "SIGNATURE ON FILE"),
        Spot("21", 37, 42, "0"),
        Spot("23", 40, 50, claim.prior_auth),
        Spot("25", 56, 1, provider.tin),
        Spot("25", 56, 19, "X"),
        Spot("26", 56, 23, claim.pcn),
        Spot("27", 56, 38, "X"),
        Spot("31", 60, 1, "SIGNATURE ON FILE"),
        Spot("33", 58, 50, provider.name.upper()),
        Spot("33", 59, 50, provider.address.line1.upper()),
        Spot(
            "33",
            60,
            50,
            _city_line(provider.address.city, provider.address.state, provider.address.zip),
        ),
        Spot("33a", 61, 50, provider.npi),
        *_phone(provider.phone),
        *_service_facility(claim, provider),
        *_referring(claim),
    ]
    spots += _addresses(patient, insured)
    spots += _other_insured(claim)
    if claim.frequency in ("7", "8"):
        spots += [Spot("22", 38, 50, claim.frequency), Spot("22", 38, 62, claim.original_claim_no)]
    for n, code in enumerate(claim.diagnoses[:12]):
        spots.append(Spot("21", 38 + n // 4, 3 + 13 * (n % 4), code.replace(".", "")))
    return [s for s in spots if s is not None and s.text]


def _phone(phone: str) -> list[Spot]:
    """Box 33's phone: the area code in its parentheses, then the number."""
    digits = "".join(c for c in phone if c.isdigit())
    if len(digits) != 10:
        return []
    return [Spot("33", 57, 66, digits[:3]), Spot("33", 57, 70, f"{digits[3:6]} {digits[6:]}")]


OFFICE_POS = frozenset({"11", "02", "10"})
"""Places of service that are the practice itself (office, telehealth): box 32 is its address."""


def _service_facility(claim: ClaimOut, provider: BillingProvider) -> list[Spot]:
    """Box 32 (where the services were rendered) and 32a (its NPI): the practice's office, the
    only service location our data knows; other places of service leave it blank."""
    if claim.pos not in OFFICE_POS:
        return []
    a = provider.address
    return [
        Spot("32", 58, 23, provider.name.upper()[:26]),
        Spot("32", 59, 23, a.line1.upper()[:26]),
        Spot("32", 60, 23, _city_line(a.city, a.state, a.zip)[:26]),
        Spot("32a", 61, 24, provider.npi),
    ]


def _referring(claim: ClaimOut) -> list[Spot]:
    """Box 17: the qualifier (DN, DK, DQ), then the name; 17b: the NPI."""
    ref = claim.referring
    if ref is None:
        return []
    return [
        Spot("17", 32, 1, ref.qualifier),
        Spot("17", 32, 4, f"{ref.first_name} {ref.last_name}".upper().strip()[:24]),
        Spot("17b", 32, 31, ref.npi),
    ]


def _date_spots(box: str, line: int, cols: tuple[int, int, int], day: date | None) -> list[Spot]:
    return [Spot(box, line, c, t) for c, t in zip(cols, _mdy(day), strict=True)]


def _city_line(city: str, state: str, zip_code: str) -> str:
    return f"{city} {state} {zip_code}".upper().strip()


def _addresses(patient: Person, insured: Person) -> list[Spot]:
    """Boxes 5 (patient) and 7 (insured): street, city, state, ZIP."""
    out = []
    for box, col, state_col, person in (("5", 1, 26, patient), ("7", 50, 74, insured)):
        if person.address is None:
            continue
        a = person.address
        out += [
            Spot(box, 12, col, a.line1.upper()),
            Spot(box, 14, col, a.city.upper()),
            Spot(box, 14, state_col, a.state.upper()),
            Spot(box, 16, col, a.zip),
        ]
    return out


def _other_insured(claim: ClaimOut) -> list[Spot]:
    """Boxes 9, 9a, 9d: the first other payer (the primary, on a secondary claim)."""
    if not claim.other_payers:
        return []
    other = claim.other_payers[0]
    return [
        Spot("9", 18, 1, _name(other.subscriber)),
        Spot("9a", 20, 1, other.member_id),
        Spot("9d", 26, 1, other.payer_name.upper()),
    ]


def _service_line(claim: ClaimOut, line: LineOut, row: int) -> list[Spot]:
    """Box 24 A-J of one line on form line `row` (the shaded line above it stays empty)."""
    month, day, year = _mdy(line.service_date, 2)
    letters = "".join("ABCDEFGHIJKL"[p - 1] for p in line.pointers[:4] if 1 <= p <= 12)
    units = f"{line.units.normalize():f}"
    spots = [
        Spot("24A", row, 1, month),
        Spot("24A", row, 4, day),
        Spot("24A", row, 7, year),
        Spot("24A", row, 10, month),
        Spot("24A", row, 13, day),
        Spot("24A", row, 16, year),
        Spot("24B", row, 19, claim.pos),
        Spot("24D", row, 25, line.code),
        *(Spot("24D", row, 33 + 3 * i, m) for i, m in enumerate(line.modifiers[:4])),
        Spot("24E", row, 45, letters),
        Spot("24F", row, 50, _money(line.charge)),
        Spot("24G", row, 59, units),
        Spot("24J", row, 68, claim.rendering_npi),
    ]
    return [s for s in spots if s.text]
