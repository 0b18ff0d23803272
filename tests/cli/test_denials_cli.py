"""`medbill codes load --set carc|rarc`, `medbill denials replay`, and a bad rules file."""

from __future__ import annotations

import json
from datetime import date
from pathlib import Path

import pytest
from sqlalchemy import text

from medbill_tui.db.engine import make_engine
from tests.cli.test_cli import medbill
from tests.factories import Builder

BAD_RULES = """[[rule]]
name = "typo"
carc = ["16"]
category = "billing"
action = "resubmit"
"""


@pytest.fixture
def denials_url(db_url: str) -> str:
    """Two denials: one routed as coding when posted, one from before routing existed."""
    engine = make_engine(db_url)
    with engine.begin() as conn:
        b = Builder(conn)
        p = b.patient("Ortiz")
        first = b.claim(p, date(2026, 8, 1), "denied", created=date(2026, 8, 1), amount="45.00")
        routed = b.denial(first, p[0], opened=date(2026, 9, 20), carc="16", amount="45.00")
        conn.execute(text("UPDATE work_item SET category = 'coding', action = 'resubmit' "
                          "WHERE id = :id"), {"id": routed})  # fmt: skip
        second = b.claim(p, date(2026, 8, 2), "denied", created=date(2026, 8, 2), amount="30.10")
        b.denial(second, p[0], opened=date(2026, 10, 1), carc="29", amount="30.10")
    engine.dispose()
    return db_url


def carc_rows(url: str) -> int:
    engine = make_engine(url)
    with engine.connect() as conn:
        count = conn.execute(text("SELECT count(*) FROM carc")).scalar_one()
    engine.dispose()
    return int(count)


def test_replay_json_counts_changes_and_writes_nothing(denials_url: str) -> None:
    result = medbill("denials", "replay", "--format", "json", url=denials_url)
    assert result.returncode == 0, result.stderr
    data = json.loads(result.stdout)
    lines = {(x["category"], x["action"]): x for x in data["lines"]}
    assert lines[("missing information", "resubmit")]["changed_category"] == 1  # was coding
    assert lines[("missing information", "resubmit")]["amount"] == "45.00"
    assert lines[("timely filing", "appeal")]["previously_unrouted"] == 1
    assert data["total"] == {"items": 2, "amount": "75.10", "changed_category": 1,
                             "previously_unrouted": 1}  # fmt: skip
    since = medbill("denials", "replay", "--since", "2026-09-30", "--format", "csv",
                    url=denials_url)  # fmt: skip
    assert since.stdout.splitlines() == [
        "category,action,items,amount,changed_category,previously_unrouted",
        "timely filing,appeal,1,30.10,0,1",
        "total,,1,30.10,0,1",
    ]
    again = medbill("denials", "replay", url=denials_url)
    assert "Change category" in again.stdout and "nothing was changed" in again.stdout
    engine = make_engine(denials_url)
    with engine.connect() as conn:
        stored = conn.execute(text("SELECT category FROM work_item ORDER BY id")).scalars().all()
    engine.dispose()
    assert stored == ["coding", None]


def test_replay_of_a_candidate_file(denials_url: str, tmp_path: Path) -> None:
    candidate = tmp_path / "mine.toml"
    candidate.write_text('[[rule]]\nname = "all"\ncategory = "coding"\naction = "appeal"\n')
    result = medbill("denials", "replay", "--rules", str(candidate), "--format", "json",
                     url=denials_url)  # fmt: skip
    data = json.loads(result.stdout)
    assert data["rules"] == str(candidate)
    assert data["lines"] == [{"category": "coding", "action": "appeal", "items": 2,
                              "amount": "75.10", "changed_category": 0,
                              "previously_unrouted": 1}]  # fmt: skip


@pytest.mark.parametrize("command", [["denials", "replay"], ["import", "nothing.835"], []])
def test_a_bad_rules_file_stops_with_status_2_and_the_rule_and_line(
    denials_url: str, tmp_path: Path, command: list[str]
) -> None:
    bad = tmp_path / "rules.toml"
    bad.write_text(BAD_RULES)
    result = medbill(*command, url=denials_url, MEDBILL_DENIAL_RULES=str(bad))
    assert result.returncode == 2
    assert str(bad) in result.stderr
    assert "rule 1 (line 4) \"typo\": category 'billing' is not one of" in result.stderr
    assert "last rule but has conditions" in result.stderr
    assert "Traceback" not in result.stderr
    missing = medbill(*command, url=denials_url, MEDBILL_DENIAL_RULES=str(tmp_path / "no.toml"))
    assert missing.returncode == 2 and "cannot read the denial routing rules" in missing.stderr


def test_codes_load_carc_and_rarc(db_url: str, tmp_path: Path) -> None:
    carcs = tmp_path / "carc.csv"
    carcs.write_text(
        'Code,Description\n16,"Claim/service lacks information, or has billing errors."\n'
        "A1,Claim/Service denied.\nP24,PPO adjustment.\n"
    )
    result = medbill("codes", "load", str(carcs), "--set", "carc", url=db_url)
    assert result.returncode == 0, result.stderr
    assert "loaded 3 carc codes from carc.csv" in result.stdout
    rarcs = tmp_path / "rarc.csv"
    rarcs.write_text("M15,Separately billed services have been bundled.\nMA04,Secondary.\n")
    assert medbill("codes", "load", str(rarcs), "--set", "rarc", url=db_url).returncode == 0
    engine = make_engine(db_url)
    with engine.connect() as conn:
        words = conn.execute(text("SELECT description FROM carc WHERE code = '16'")).scalar()
        rarc = conn.execute(text("SELECT count(*) FROM rarc")).scalar()
        release = conn.execute(
            text("SELECT code_set, row_count, loaded_by FROM code_set_release "
                 "WHERE code_set IN ('carc', 'rarc') ORDER BY code_set")
        ).all()  # fmt: skip
    engine.dispose()
    assert words == "Claim/service lacks information, or has billing errors."
    assert rarc == 2
    assert [(r.code_set, r.row_count) for r in release] == [("carc", 3), ("rarc", 2)]
    assert all(r.loaded_by for r in release)


def test_codes_load_bad_carc_rows_load_nothing(db_url: str, tmp_path: Path) -> None:
    bad = tmp_path / "carc.csv"
    bad.write_text("code,description\n16,Fine\n1234,Too long\n18,\n16,Twice\nN130,A RARC\n")
    result = medbill("codes", "load", str(bad), "--set", "carc", url=db_url)
    assert result.returncode == 1
    for words in ("4 bad row(s); nothing was loaded", "line 3: '1234' is not a CARC",
                  "line 4: 18 has no description", "line 5: 16 appears twice",
                  "line 6: 'N130' is not a CARC"):  # fmt: skip
        assert words in result.stderr
    assert carc_rows(db_url) == 0
