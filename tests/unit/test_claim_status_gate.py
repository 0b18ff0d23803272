"""Every change of a claim's status goes through `db/repositories/claim_status.move`: no other
statement in the package sets `claim.status`."""

from __future__ import annotations

import re
from pathlib import Path

import medbill_tui

PACKAGE = Path(medbill_tui.__file__).parent
GATE = PACKAGE / "db" / "repositories" / "claim_status.py"

_UPDATE_CLAIM = re.compile(
    r"\bUPDATE\s+\"?claim\"?(?:\s+(?:AS\s+)?(?!SET\b)\w+)?\s+SET\b",  # UPDATE claim [c] SET
    re.IGNORECASE,
)
_PARENTHESES = re.compile(r"\([^()]*\)")
_END_OF_SET = re.compile(r"\b(?:WHERE|FROM|RETURNING)\b|;", re.IGNORECASE)
_SETS_STATUS = re.compile(r"(?<![\w.])status\s*=", re.IGNORECASE)
_ORM_UPDATE = re.compile(r"\bupdate\(\s*(?:\w+\.)*Claim\s*\)|\.status\s*=\s*ClaimStatus\.")


def _set_clause(source: str, start: int) -> str:
    """The assignments after an UPDATE's SET, subqueries left out."""
    text = source[start : start + 800]
    while (shorter := _PARENTHESES.sub("", text)) != text:
        text = shorter
    end = _END_OF_SET.search(text)
    return text[: end.start()] if end else text


def sets_claim_status(source: str) -> list[str]:
    """The statements in `source` that set a claim's status (SQL text or ORM)."""
    found = [
        m.group(0)
        for m in _UPDATE_CLAIM.finditer(source)
        if _SETS_STATUS.search(_set_clause(source, m.end()))
    ]
    return found + [m.group(0) for m in _ORM_UPDATE.finditer(source)]


def test_the_finder_finds_the_ways_status_was_set() -> None:
    for bad in (
        "UPDATE claim SET status = 'void' WHERE id = :id",
        'text("UPDATE claim c SET version = c.version + 1, "\n    "status = :to WHERE c.id = 1")',
        "WITH moved AS (UPDATE claim SET total_charge = 1,\n status = 'ready' WHERE id = :c)",
        "update claim set hold_reason = :r, status = :s where id = :id",
        "UPDATE claim SET total = (SELECT sum(a) FROM l WHERE l.c = :c),\n status = 'ready'",
        "session.execute(update(models.Claim).values(status='paid'))",
        "claim.status = ClaimStatus.PAID",
    ):
        assert sets_claim_status(bad), bad
    for fine in (
        "UPDATE claim SET payer_claim_no = :p WHERE id = :id AND status = 'paid'",
        "UPDATE claim_line SET status = 'x'",
        "UPDATE work_item SET status = 'done' WHERE claim_id = :c",
        "UPDATE claim c SET total_charge = 1 FROM x WHERE c.status = 'ready'",
    ):
        assert not sets_claim_status(fine), fine


def test_only_the_gate_sets_a_claims_status() -> None:
    offenders = {
        str(path.relative_to(PACKAGE)): hits
        for path in sorted(PACKAGE.rglob("*.py"))
        if path != GATE and (hits := sets_claim_status(path.read_text(encoding="utf-8")))
    }
    assert offenders == {}, "set a claim's status with claim_status.move, nowhere else"
    assert sets_claim_status(GATE.read_text(encoding="utf-8"))
