"""`medbill remittance unmatched` as a real process: what a real 835 left unmatched."""

from __future__ import annotations

import json
from decimal import Decimal

from tests.cli.test_cli import medbill
from tests.conftest import X12_FIXTURES


def test_remittance_unmatched_lists_a_real_835s_claims(db_url: str) -> None:
    empty = medbill("remittance", "unmatched", url=db_url)
    assert empty.returncode == 0, empty.stderr
    assert empty.stdout.strip() == "no unmatched remittances"
    fixture = X12_FIXTURES / "835-stupidedi-multiple-claims-single-check.x12"
    imported = medbill("import", str(fixture), url=db_url)
    assert imported.returncode == 0, imported.stderr
    listed = medbill("remittance", "unmatched", "--format", "json", url=db_url)
    assert listed.returncode == 0, listed.stderr
    rows = json.loads(listed.stdout)
    assert len(rows) == 9 and {r["source"] for r in rows} == {"835"}
    assert {r["trace_no"] for r in rows} == {"12345"}
    assert sum(Decimal(r["paid"]) for r in rows) == Decimal("810.80")
    assert len({r["claim_payment_id"] for r in rows}) == 9
    plain = medbill("remittance", "unmatched", url=db_url)
    assert plain.returncode == 0, plain.stderr
    assert "9 unmatched, 810.80 paid" in plain.stdout and "DOE" not in plain.stdout
    assert max(len(line) for line in plain.stdout.splitlines()) <= 100
