"""A practice of one's own, no demo: `practice init` / `practice show`, `patients import` and
`balances import` as real processes, each refusal listing its line or field and changing
nothing; then a claim made, sent (pyx12 and x12sdk read it) and paid by the sandbox's 835."""

from __future__ import annotations

import json
import tomllib
from datetime import date, timedelta
from pathlib import Path

import pytest
from sqlalchemy import Engine, text

from medbill_tui.db.engine import make_engine
from medbill_tui.domain.practice_setup import parse_setup
from medbill_tui.errors import DatabaseRefused
from medbill_tui.records.forms import EncounterForm, LineForm
from medbill_tui.runtime.clock import Clock
from medbill_tui.services.encounters import EncounterService
from medbill_tui.services.practice_setup import PracticeSetupService
from medbill_tui.services.users import UserService
from tests.cli.test_claim_chain_cli import set_role
from tests.cli.test_cli import medbill
from tests.cli.test_work_cli import url_of
from tests.conftest import TEST_LOGIN
from tests.db.test_roles import as_login
from tests.edi.x12sdk_837 import assert_both_parsers_read_837p

SAMPLES = Path(__file__).resolve().parents[2] / "docs" / "samples"
PRACTICE = SAMPLES / "practice.toml"


def count(engine: Engine, table: str) -> int:
    with engine.connect() as conn:
        return int(conn.execute(text(f"SELECT count(*) FROM {table}")).scalar_one())


def write(tmp_path: Path, name: str, content: str) -> str:
    path = tmp_path / name
    path.write_text(content, encoding="utf-8")
    return str(path)


def set_up(engine: Engine) -> str:
    """The sample practice, patients and opening balances, each by its command."""
    url = url_of(engine)
    for args in (
        ("practice", "init", str(PRACTICE)),
        ("patients", "import", str(SAMPLES / "patients.csv")),
        ("balances", "import", str(SAMPLES / "balances.csv")),
    ):
        done = medbill(*args, url=url)
        assert done.returncode == 0, done.stderr
    return url


def test_practice_init_refuses_bad_fields_and_shows_what_it_keeps(
    engine: Engine, tmp_path: Path
) -> None:
    url = url_of(engine)
    sample = PRACTICE.read_text(encoding="utf-8")
    assert (
        medbill("practice", "init", write(tmp_path, "x.toml", "[practice"), url=url).returncode == 2
    )
    bad = (
        sample.replace('npi = "2123456784"', 'npi = "2123456785"')  # check digit
        .replace('"45-1234567"', '"07-1234567"')  # no EIN starts with 07
        .replace('"62701-1234"', '"62701"')  # not ZIP+4
        .replace('npi = "1987654328"', 'npi = "2123456784"')  # a type 2 for a person
        .replace('taxonomy = "363LF0000X"', 'taxonomy = "363LF0000"')
        .replace('payer_id = "62318"', 'payer_id = "04412"')  # used twice
        .replace('zip = "62708-3000"', 'zip = "6270"')  # a payer's address
        .replace("paper = false", 'paper = "no"')
    )
    refused = medbill("practice", "init", write(tmp_path, "bad.toml", bad), url=url)
    assert refused.returncode == 1, refused.stderr
    for field in (
        "practice.npi: 2123456785 fails the NPI check digit",
        "practice.tin: no EIN starts with 07",
        "practice.zip: the ZIP+4 is 9 digits",
        "providers[2].npi: a rendering provider's NPI is a person's",
        "providers[2].taxonomy:",
        "payers[2].payer_id: 04412 is already payers[1]'s",
        "payers[1].zip: a ZIP code is 5 or 9 digits",
        "payers[1].paper: must be true or false",
    ):
        assert field in refused.stderr
    assert count(engine, "practice") == count(engine, "payer") == 0
    set_role(engine, "supervisor")
    assert medbill("practice", "init", str(PRACTICE), url=url).returncode == 3
    set_role(engine, "admin")
    assert medbill("practice", "show", url=url).returncode == 1
    done = medbill("practice", "init", str(PRACTICE), url=url)
    assert done.returncode == 0, done.stderr
    shown = medbill("practice", "show", url=url)
    kept, errors = parse_setup(tomllib.loads(shown.stdout))
    assert not errors and kept == parse_setup(tomllib.loads(sample))[0]
    as_json = json.loads(medbill("practice", "show", "--format", "json", url=url).stdout)
    assert as_json["payers"][0]["payer_id"] == "04412"
    assert (as_json["payers"][0]["zip"], as_json["payers"][1]["paper"]) == ("62708-3000", False)
    again = medbill("practice", "init", str(PRACTICE), url=url)
    assert again.returncode == 1 and "set up already for Riverside" in again.stderr
    with engine.connect() as conn:
        audited = conn.execute(
            text("SELECT count(*) FROM audit_event WHERE entity = 'practice' AND actor = :a"),
            {"a": TEST_LOGIN},
        ).scalar_one()
    assert audited == 1


def test_imports_list_every_bad_row_and_add_nothing(engine: Engine, tmp_path: Path) -> None:
    url = url_of(engine)
    assert medbill("practice", "init", str(PRACTICE), url=url).returncode == 0
    header = (SAMPLES / "patients.csv").read_text(encoding="utf-8").splitlines()[0]
    columns = medbill("patients", "import", write(tmp_path, "c.csv", "name,dob\nA,B\n"), url=url)
    assert columns.returncode == 1
    assert "line 1: name: is not a column" in columns.stderr
    assert "line 1: last_name: column is missing" in columns.stderr
    rows = [
        header,
        "R1,Lee,Ana,1990-13-01,F,1 A St,Springfield,IL,62701,,04412,M1,,18,2020-01-01",
        "R2,Kim,Bo,1980-01-01,M,1 A St,Springfield,IL,62701,,99999,M2,,18,2020-01-01",
        "R3,Kim,Cy,1980-01-01,M,1 A St,Springfield,IL,62701,,04412,M3,,07,2020-01-01",
        "R4,Kim,Bo,1980-01-01,M,2 B St,Springfield,IL,62701,,,,,,",
        "R5,Park,Di,1970-02-02,X,2 B St,Springfield,IL,6270,,,,,,",
    ]
    bad = medbill("patients", "import", write(tmp_path, "p.csv", "\n".join(rows)), url=url)
    assert bad.returncode == 1
    for expected in (
        "line 2: dob:",
        "line 3: cov1_payer_id: 99999 is not a known payer",
        "line 4: cov1_relationship:",
        "line 5: name: same name and date of birth as line 3",
        "line 6: sex:",
        "line 6: zip:",
    ):
        assert expected in bad.stderr
    assert count(engine, "patient") == 0
    dry = medbill("patients", "import", str(SAMPLES / "patients.csv"), "--dry-run", url=url)
    assert dry.returncode == 0 and "would add 3 patient(s) with 3 coverage(s)" in dry.stdout
    assert count(engine, "patient") == 0
    assert medbill("patients", "import", str(SAMPLES / "patients.csv"), url=url).returncode == 0
    twice = medbill("patients", "import", str(SAMPLES / "patients.csv"), url=url)
    assert twice.returncode == 1 and "existing account R1001" in twice.stderr
    assert count(engine, "patient") == 3

    balances = [
        "account,date_of_service,responsibility,amount,original_claim_no",
        "R9999,2026-09-01,patient,10.00,",
        "R1001,2026-02-30,patient,10.00,",
        "R1002,2026-09-01,04412,10.00,",
        "R1002,2026-09-01,patient,-5,",
        f"R1002,{date.today() + timedelta(days=3)},patient,5.00,",
    ]
    path = write(tmp_path, "b.csv", "\n".join(balances))
    set_role(engine, "biller")
    assert medbill("balances", "import", path, url=url).returncode == 3
    set_role(engine, "admin")
    refused = medbill("balances", "import", path, url=url)
    assert refused.returncode == 1
    for expected in (
        "line 2: account: no patient has account R9999",
        "line 3: date_of_service: is not a date",
        "line 4: responsibility: R1002 has no coverage with payer 04412",
        "line 5: amount:",
        "line 6: date_of_service: is in the future",
    ):
        assert expected in refused.stderr
    assert count(engine, "ledger_entry") == 0


def test_a_practice_from_its_own_files_bills_and_is_paid(engine: Engine, tmp_path: Path) -> None:
    url = set_up(engine)
    again = medbill("balances", "import", str(SAMPLES / "balances.csv"), url=url)
    assert again.returncode == 1 and "posted already" in again.stderr
    aging = json.loads(medbill("report", "aging", "--format", "json", url=url).stdout)
    assert aging["total"] == {"amount": "460.50", "count": 3}
    with engine.connect() as conn:
        patient_id, coverage_id = conn.execute(
            text("""SELECT p.id, cv.id FROM patient p JOIN coverage cv ON cv.patient_id = p.id
                    WHERE p.account_no = 'R1002'""")
        ).one()
        provider_id = conn.execute(text("SELECT min(id) FROM provider")).scalar_one()
    visit = date.today() - timedelta(days=5)
    entry = EncounterService(engine, Clock(date.today()), TEST_LOGIN)
    saved = entry.save(
        EncounterForm(
            patient_id,
            provider_id,
            coverage_id,
            None,
            visit.strftime("%m/%d/%Y"),
            "11",
            ("J06.9",),
            (LineForm("99213", charge="125.00"),),
        )
    )
    created = medbill("claims", "create", "--encounter", str(saved.encounter_id), url=url)
    assert created.returncode == 0, created.stdout + created.stderr
    outbox, inbox = tmp_path / "outbox", tmp_path / "inbox"
    sent = medbill("claims", "submit", "--out", str(outbox), url=url)
    assert sent.returncode == 0, sent.stdout + sent.stderr
    (claim_file,) = outbox.glob("837P_*")
    assert_both_parsers_read_837p(claim_file.read_text(encoding="ascii"))
    answered = medbill(
        "sandbox",
        "respond",
        str(claim_file),
        "--out",
        str(inbox),
        "--deny-rate",
        "0",
        "--reject-rate",
        "0",
    )
    assert answered.returncode == 0, answered.stderr
    files = sorted(str(f) for f in inbox.glob("*.x12"))
    imported = medbill("import", *files, url=url)
    assert imported.returncode == 0, imported.stdout + imported.stderr
    with engine.connect() as conn:
        status = conn.execute(
            text("SELECT status FROM claim WHERE encounter_id = :e"), {"e": saved.encounter_id}
        ).scalar_one()
    assert status == "paid"
    check = medbill("ledger", "check", url=url)
    assert check.returncode == 0, check.stdout


def test_the_database_lets_only_an_admin_login_set_the_practice_up(db_url: str) -> None:
    setup, _ = parse_setup(tomllib.loads(PRACTICE.read_text(encoding="utf-8")))
    assert setup is not None
    owner = make_engine(db_url, pool_size=1)
    UserService(owner, TEST_LOGIN).add("mbt_setup_admin", "admin")
    UserService(owner, TEST_LOGIN).add("mbt_setup_super", "supervisor")
    owner.dispose()
    supervisor = make_engine(as_login(db_url, "mbt_setup_super"), pool_size=1)
    forged = PracticeSetupService(supervisor, "mbt_setup_super", "admin")  # the app fooled
    with pytest.raises(DatabaseRefused):
        forged.init(setup, "practice.toml")
    supervisor.dispose()
    admin = make_engine(as_login(db_url, "mbt_setup_admin"), pool_size=1)
    PracticeSetupService(admin, "mbt_setup_admin", "admin").init(setup, "practice.toml")
    assert PracticeSetupService(admin, "mbt_setup_admin", "admin").practice_name() == (
        "Riverside Family Medicine"
    )
    admin.dispose()


def test_opening_balances_are_paid_by_the_patient_and_the_payer(
    engine: Engine, tmp_path: Path
) -> None:
    url = set_up(engine)
    before = json.loads(medbill("report", "aging", "--format", "json", url=url).stdout)
    assert before["total"]["amount"] == "460.50"
    paid = medbill("payments", "post", "R1001", "20.00", "--method", "cash", url=url)
    assert paid.returncode == 0, paid.stdout + paid.stderr
    after = json.loads(medbill("report", "aging", "--format", "json", url=url).stdout)
    assert after["total"]["amount"] == "440.50"
    assert owed(engine, "R1001") == [("patient", "15.00"), ("primary", "185.00")]

    pay = ("balances", "pay", "R1002", "OLD-55731")
    for args, status, words in (
        (("300.00", "--payer", "62318", "--check", "CHK1"), 1, "more than the 240.50"),
        (("200.00", "--payer", "04412", "--check", "CHK1"), 1, "no opening balance from"),
        (("-5", "--payer", "62318", "--check", "CHK1"), 2, "above zero"),
        (("9", "--payer", "62318", "--check", "C", "--date-of-service", "x"), 2, "not a date"),
    ):
        refused = medbill(*pay, *args, url=url)
        assert refused.returncode == status and words in refused.stderr, refused.stderr
    assert owed(engine, "R1002") == [("primary", "240.50")]
    check = ("200.00", "--payer", "62318", "--check", "CHK1", "--adjust", "40.50")
    done = medbill(*pay, *check, url=url)
    assert done.returncode == 0, done.stderr
    assert "0.00 left" in done.stdout
    again = medbill(*pay, "1.00", "--payer", "62318", "--check", "CHK1", url=url)
    assert again.returncode == 1 and "posted already" in again.stderr
    assert owed(engine, "R1002") == [("primary", "0.00")]
    final = json.loads(medbill("report", "aging", "--format", "json", url=url).stdout)
    assert final["total"]["amount"] == "200.00"
    ledger = medbill("ledger", "check", url=url)
    assert ledger.returncode == 0, ledger.stdout
    with engine.connect() as conn:
        remit = conn.execute(text("SELECT id FROM remittance WHERE trace_no = 'CHK1'")).scalar()
    undone = medbill("remittance", "undo", str(remit), "--reason", "keyed twice", url=url)
    assert undone.returncode == 0, undone.stderr
    assert owed(engine, "R1002") == [("primary", "240.50")]
    repost = medbill("remittance", "repost", str(remit), url=url)
    assert repost.returncode == 1 and "keyed against opening balances" in repost.stderr
    assert medbill("ledger", "check", url=url).returncode == 0


def owed(engine: Engine, account: str) -> list[tuple[str, str]]:
    """The account's maintained balance by responsibility (what the balances queue reads)."""
    with engine.connect() as conn:
        rows = conn.execute(
            text("""SELECT ab.responsibility, ab.amount FROM account_balance ab
                    JOIN patient p ON p.id = ab.patient_id WHERE p.account_no = :a
                    ORDER BY 1"""),
            {"a": account},
        ).all()
    return [(r.responsibility, str(r.amount)) for r in rows]
