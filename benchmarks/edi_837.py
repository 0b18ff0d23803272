"""837P writing speed against pyx12's validation of the same file, in one run.

Builds N synthetic claims (varied shapes: dependents, modifiers, secondary payers), writes one
interchange, and times writing (claims/s) and pyx12 validation of the result; prints both and
their ratio. No database.

    .venv/bin/python benchmarks/edi_837.py            # 10,000 claims
    .venv/bin/python benchmarks/edi_837.py --claims 2000
"""

from __future__ import annotations

import argparse
import random
import time
from datetime import date, datetime
from decimal import Decimal

from medbill_tui.edi.validate import validate_x12
from medbill_tui.edi.x837_records import ClaimAdjudication, LineAdjudication
from medbill_tui.edi.x837p import (
    Address,
    BillingProvider,
    ClaimOut,
    Envelope,
    LineOut,
    OtherPayer,
    Person,
    write_837p,
)

CODES = ["99213", "99214", "36415", "85025", "80053", "93000", "G0439", "J1885"]
ICD = ["E11.9", "I10", "J06.9", "Z00.00", "M54.50", "E78.5", "F41.1", "K21.9"]


def make_claims(n: int, seed: int = 1) -> list[ClaimOut]:
    rng = random.Random(seed)
    addr = Address("12 ELM ST", "SALEM", "OR", "97301")
    out = []
    for k in range(n):
        sub = Person(f"LAST{k % 997}", f"FIRST{k % 89}", date(1950 + k % 60, 1 + k % 12, 1),
                     rng.choice("MF"), addr, f"M{k:09d}")  # fmt: skip
        lines = tuple(
            LineOut(rng.choice(CODES), ("25",) if rng.random() < 0.2 else (),
                    Decimal(rng.randint(2000, 30000)) / 100, Decimal(1), (1,), date(2026, 10, 1))
            for _ in range(rng.randint(1, 4))
        )  # fmt: skip
        others: tuple[OtherPayer, ...] = ()
        if rng.random() < 0.1:
            paid = tuple(
                LineAdjudication(
                    ln.code, ln.modifiers, ln.charge / 2, ln.units, (("CO", "45", ln.charge / 2),)
                )
                for ln in lines
            )
            done = ClaimAdjudication(
                sum((p.paid for p in paid), Decimal("0.00")), (), date(2026, 10, 20), paid
            )
            others = (OtherPayer("MEDICARE", "04412", "1EG4TE5MK73", sub, adjudication=done),)
        elif rng.random() < 0.1:
            others = (OtherPayer("BLUE PLAN", "62319", "XB77", sub, "S"),)
        out.append(ClaimOut(
            pcn=f"C{k:07d}", total=sum((line.charge for line in lines), Decimal("0.00")),
            pos="11", frequency="1", payer_name="ACME HEALTH", payer_id="62318",
            filing_indicator="CI", subscriber=sub,
            diagnoses=tuple(rng.sample(ICD, rng.randint(1, 4))), lines=lines,
            rendering_npi="1234567893", rendering_last="LEE", rendering_first="ANN",
            patient=Person("KID", "A", date(2015, 1, 1), "F", addr) if k % 7 == 0 else None,
            relationship="19" if k % 7 == 0 else "18", other_payers=others,
            payer_responsibility="S" if others and others[0].adjudication else "P",
        ))  # fmt: skip
    return out


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--claims", type=int, default=10_000)
    args = parser.parse_args()
    claims = make_claims(args.claims)
    env = Envelope("ACME BILLING", "ACMEBILL01", "JANE", "5035550100", "SANDBOX", "SANDBOXCH",
                   1, 1, 1, datetime(2026, 11, 2, 10, 30))  # fmt: skip
    billing = BillingProvider("FAMILY MEDICINE", "1234567893", "123456789", "207Q00000X",
                              Address("1 MAIN ST", "SALEM", "OR", "973011234"))  # fmt: skip
    write_837p(env, billing, claims[:50])  # warm up
    start = time.perf_counter()
    written = write_837p(env, billing, claims)
    write_s = time.perf_counter() - start
    start = time.perf_counter()
    result = validate_x12(written.text)
    validate_s = time.perf_counter() - start
    segments = written.text.count("~")
    print(f"claims: {len(claims):,}   segments: {segments:,}   bytes: {len(written.text):,}")
    print(
        f"write:    {write_s:7.2f} s   {len(claims) / write_s:9,.0f} claims/s   (target >= 5,000)"
    )
    print(f"validate: {validate_s:7.2f} s   {len(claims) / validate_s:9,.0f} claims/s   "
          f"(pyx12 4.0; clean: {result.ok})")  # fmt: skip
    print(f"ratio validate/write: {validate_s / write_s:.1f}x")


if __name__ == "__main__":
    main()
