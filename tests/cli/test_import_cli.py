"""`medbill import` as a real process: the exit status says whether everything was posted."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from tests.cli.test_cli import medbill
from tests.conftest import X12_FIXTURES

REAL_835 = X12_FIXTURES / "835-stupidedi-multiple-claims-single-check.x12"


def _unbalanced(tmp_path: Path) -> Path:
    """The real 835 with its BPR total off by a cent: it no longer balances."""
    text = REAL_835.read_text(encoding="ascii")
    assert "BPR*I*810.8*" in text
    path = tmp_path / "unbalanced.835.x12"
    path.write_text(text.replace("BPR*I*810.8*", "BPR*I*810.81*"), encoding="ascii")
    return path


@pytest.mark.parametrize("dry_run", [True, False])
def test_an_unbalanced_payment_exits_1_and_says_why(
    db_url: str, tmp_path: Path, dry_run: bool
) -> None:
    extra = ["--dry-run"] if dry_run else []
    result = medbill("import", str(_unbalanced(tmp_path)), *extra, url=db_url)
    assert result.returncode == 1, result.stdout + result.stderr
    assert "payment 12345" in result.stdout and "does not balance" in result.stdout
    listed = medbill("remittance", "unmatched", "--format", "json", url=db_url)
    assert listed.returncode == 0 and json.loads(listed.stdout) == []


def test_a_refused_file_among_good_ones_exits_1_and_the_good_one_posts(
    db_url: str, tmp_path: Path
) -> None:
    result = medbill(
        "import", str(_unbalanced(tmp_path)), str(REAL_835), "--format", "json", url=db_url
    )
    assert result.returncode == 1, result.stderr
    bad, good = json.loads(result.stdout)
    assert [p["status"] for p in bad["payments"]] == ["unbalanced"]
    assert [p["status"] for p in good["payments"]] == ["posted"]
    again = medbill("import", str(REAL_835), url=db_url)
    assert again.returncode == 0 and "already imported" in again.stdout


@pytest.mark.parametrize(
    ("find", "replace", "words"),
    [
        ("BPR*I*810.8*", "BPR*I*-810.8*", "BPR02 is -810.80; a payment amount is never negative"),
        (
            "CLP*7722337*1*119*74**",
            "CLP*7722337*1*119*-74**",
            "CLP04 (paid) is -74.00 on an original claim (CLP02 = 1)",
        ),
        (
            "SVC*AD:D0120*46*25~DTM*472*20140324~CAS*CO*131*21~AMT*B6*25~SVC*AD:D0220*25*14",
            "SVC*AD:D0120*46*25~DTM*472*20140324~CAS*CO*131*21~AMT*B6*25~SVC*AD:D0220*25*39",
            "SVC03 paid 39.00, more than the charge 25.00, with no adjustment explaining it",
        ),
    ],
    ids=["negative-bpr", "negative-clp04", "line-overpaid"],
)
def test_negative_or_unexplained_money_is_refused(
    db_url: str, tmp_path: Path, find: str, replace: str, words: str
) -> None:
    text = REAL_835.read_text(encoding="ascii")
    assert find in text
    path = tmp_path / "signs.835.x12"
    path.write_text(text.replace(find, replace, 1), encoding="ascii")
    result = medbill("import", str(path), "--format", "json", url=db_url)
    assert result.returncode == 1, result.stderr
    (payment,) = json.loads(result.stdout)[0]["payments"]
    assert payment["status"] == "refused" and words in payment["message"]
    listed = medbill("remittance", "list", url=db_url)
    assert listed.returncode == 0 and "12345" not in listed.stdout
    check = medbill("ledger", "check", url=db_url)
    assert check.returncode == 0, check.stdout


def test_the_same_trace_with_another_amount_is_a_conflict(db_url: str, tmp_path: Path) -> None:
    first = medbill("import", str(REAL_835), url=db_url)
    assert first.returncode == 0, first.stdout + first.stderr
    text = REAL_835.read_text(encoding="ascii")
    other = tmp_path / "other.835.x12"
    # Same payer and TRN02, one claim paid a dollar less (still balanced): another payment.
    changed = text.replace("BPR*I*810.8*", "BPR*I*809.8*").replace(
        "CLP*7722337*1*179*108**", "CLP*7722337*1*179*107**"
    )
    changed = changed.replace(
        "SVC*AD:D1110*73*49~DTM*472*20140324~CAS*CO*131*24~AMT*B6*49~LX*8",
        "SVC*AD:D1110*73*48~DTM*472*20140324~CAS*CO*131*25~AMT*B6*48~LX*8",
    )
    other.write_text(changed, encoding="ascii")
    result = medbill("import", str(other), "--format", "json", url=db_url)
    assert result.returncode == 1, result.stdout + result.stderr
    (payment,) = json.loads(result.stdout)[0]["payments"]
    assert payment["status"] == "conflict", payment
    assert "810.80" in payment["message"] and "809.80" in payment["message"]
    listed = medbill("remittance", "list", url=db_url)
    assert listed.stdout.count("12345") == 1
    check = medbill("ledger", "check", url=db_url)
    assert check.returncode == 0, check.stdout


def test_a_reused_interchange_number_with_other_content_is_a_warning(
    db_url: str, tmp_path: Path
) -> None:
    first = medbill("import", str(REAL_835), url=db_url)
    assert first.returncode == 0, first.stdout + first.stderr
    text = REAL_835.read_text(encoding="ascii")
    # Same sender and ISA13, another payment (its own trace number): posts, with a warning.
    other = tmp_path / "reused.835.x12"
    other.write_text(text.replace("TRN*1*12345*", "TRN*1*12346*"), encoding="ascii")
    result = medbill("import", str(other), "--format", "json", url=db_url)
    assert result.returncode == 0, result.stdout + result.stderr
    (imported,) = json.loads(result.stdout)
    assert imported["warnings"][0].startswith("interchange 000000195 from sender 123456789")
    assert (
        "already used by 835-stupidedi-multiple-claims-single-check.x12" in imported["warnings"][0]
    )


def test_a_payment_already_posted_from_another_file_exits_0(db_url: str, tmp_path: Path) -> None:
    first = medbill("import", str(REAL_835), url=db_url)
    assert first.returncode == 0, first.stdout + first.stderr
    copy = tmp_path / "copy.835.x12"  # the same payment in another interchange
    text = REAL_835.read_text(encoding="ascii")
    copy.write_text(text.replace("*000000195*", "*000000196*"), encoding="ascii")
    again = medbill("import", str(copy), "--format", "json", url=db_url)
    assert again.returncode == 0, again.stdout + again.stderr
    (payment,) = json.loads(again.stdout)[0]["payments"]
    assert payment["status"] == "already-posted"


@pytest.mark.parametrize("memory", ["{not json", "[1, 2]"])
def test_sandbox_refuses_a_memory_it_cannot_read(db_url: str, tmp_path: Path, memory: str) -> None:
    inbox = tmp_path / "inbox"
    inbox.mkdir()
    (inbox / ".sandbox-payer-memory.json").write_text(memory)
    sent = X12_FIXTURES / "837p-stupidedi-commercial-health-insurance.x12"
    result = medbill("sandbox", "respond", str(sent), "--out", str(inbox), url=db_url)
    assert result.returncode == 1, result.stdout + result.stderr
    assert "cannot read the sandbox payer's memory" in result.stderr
    assert [p.name for p in inbox.iterdir()] == [".sandbox-payer-memory.json"]
    assert (inbox / ".sandbox-payer-memory.json").read_text() == memory
