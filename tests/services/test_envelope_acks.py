"""Whole-group 999 rejections and TA1 interchange rejections: every claim of it is rejected."""

from __future__ import annotations

from pathlib import Path

import pytest
from sqlalchemy import Engine, text

from medbill_tui.db.repositories.queue_rejections import reason_words
from medbill_tui.runtime.clock import Clock
from medbill_tui.services.claims import ClaimService
from medbill_tui.services.imports import ImportFailed, ImportService
from medbill_tui.services.submissions import SubmissionService
from tests.cli.test_cli import medbill
from tests.conftest import DEMO_TODAY
from tests.services.test_imports import snapshot


def isa(control: int) -> str:
    return (
        f"ISA*00*{'':10}*00*{'':10}*ZZ*{'CLEARINGHOUSE':15}*ZZ*{'MEDBILL':15}*261207*1200*^*00501*"
        f"{control:09d}*0*P*:~"
    )


def group_999(gs06: str, body: str, control: int = 901) -> str:
    """A 999 answering our group `gs06` with `body` (AK2..IK5 loops and AK9)."""
    segments = ["ST*999*0001*005010X231A1", f"AK1*HC*{gs06}*005010X222A1"]
    segments += [s for s in body.split("~") if s]
    segments.append(f"SE*{len(segments) + 1}*0001")
    return (
        isa(control)
        + f"GS*FA*CLEARINGHOUSE*MEDBILL*20261207*1200*{control}*X*005010X231A1~"
        + "".join(s + "~" for s in segments)
        + f"GE*1*{control}~IEA*1*{control:09d}~"
    )


def ta1(isa13: str, code: str, note: str, control: int = 902) -> str:
    return isa(control) + f"TA1*{isa13}*261207*1159*{code}*{note}~IEA*0*{control:09d}~"


def sent(engine: Engine, tmp_path: Path) -> tuple[str, str, list[int]]:
    """Bill and send the demo's ready claims: the batch's ISA13, GS06 and claim ids."""
    ClaimService(engine, Clock(DEMO_TODAY), "b1").create()
    SubmissionService(engine, Clock(DEMO_TODAY), "b1", tmp_path / "out").submit()
    with engine.connect() as conn:
        isa13, gs06, file_id = conn.execute(
            text("SELECT isa13, gs06, id FROM edi_file WHERE direction = 'out'")
        ).one()
        claims = conn.execute(
            text("SELECT claim_id FROM submission WHERE edi_file_id = :f ORDER BY claim_id"),
            {"f": file_id},
        )
        return isa13, gs06, list(claims.scalars())


def imported(engine: Engine, tmp_path: Path, name: str, content: str) -> object:
    path = tmp_path / name
    path.write_text(content, encoding="ascii")
    return ImportService(engine, Clock(DEMO_TODAY), "b2").import_file(path)


def rejections(engine: Engine, claim_ids: list[int]) -> list[tuple[str, str, str]]:
    with engine.connect() as conn:
        rows = conn.execute(
            text(
                "SELECT w.claim_id, c.status, w.source, w.reason FROM work_item w "
                "JOIN claim c ON c.id = w.claim_id WHERE w.kind = 'rejection' "
                "AND w.status = 'open' AND w.claim_id = ANY(:ids) ORDER BY w.claim_id"
            ),
            {"ids": claim_ids},
        ).all()
    assert [r.claim_id for r in rows] == claim_ids
    return [(r.status, r.source, reason_words(r.source, r.reason)) for r in rows]


def test_a_999_rejecting_the_whole_group_rejects_every_claim_of_it(
    demo_engine: Engine, tmp_path: Path
) -> None:
    _, gs06, claims = sent(demo_engine, tmp_path)
    content = group_999(gs06, "AK9*R*1*1*0*5")
    result = imported(demo_engine, tmp_path, "group.999", content)
    assert (result.status, result.rejected, result.accepted) == ("imported", len(claims), 0)
    words = f"999: the whole group {gs06} was rejected (the set count in GE is wrong)"
    assert set(rejections(demo_engine, claims)) == {("rejected_999", "999", words)}
    before = snapshot(demo_engine)
    again = imported(demo_engine, tmp_path, "group-again.999", content)
    assert again.status == "already-imported" and snapshot(demo_engine) == before
    other = imported(demo_engine, tmp_path, "group-later.999", group_999(gs06, "AK9*R*1*1*0", 903))
    assert other.rejected == other.unchanged == len(claims)
    assert snapshot(demo_engine) == {
        **before,
        "acks": before["acks"] + len(claims),
        "files": before["files"] + 1,
    }


def test_ik5_r_for_every_set_without_ak2_rejects_the_group(
    demo_engine: Engine, tmp_path: Path
) -> None:
    _, gs06, claims = sent(demo_engine, tmp_path)
    result = imported(demo_engine, tmp_path, "p.999", group_999(gs06, "IK5*R*5~AK9*P*1*1*0"))
    assert result.rejected == len(claims)
    assert {status for status, _, _ in rejections(demo_engine, claims)} == {"rejected_999"}


@pytest.mark.parametrize("status", ["A", "E"])
def test_a_group_accepted_without_ak2_rejects_nothing(
    demo_engine: Engine, tmp_path: Path, status: str
) -> None:
    _, gs06, claims = sent(demo_engine, tmp_path)
    before = snapshot(demo_engine)
    result = imported(demo_engine, tmp_path, "a.999", group_999(gs06, f"AK9*{status}*1*1*1"))
    assert result.rejected == 0
    after = snapshot(demo_engine)
    assert after["submitted"] == before["submitted"] and after["items"] == before["items"]
    with demo_engine.connect() as conn:
        statuses = conn.execute(
            text("SELECT DISTINCT status FROM claim WHERE id = ANY(:ids)"), {"ids": claims}
        )
        assert list(statuses.scalars()) == ["submitted"]


def test_a_ta1_rejecting_the_interchange_rejects_every_claim_of_it(
    demo_engine: Engine, tmp_path: Path
) -> None:
    isa13, _, claims = sent(demo_engine, tmp_path)
    result = imported(demo_engine, tmp_path, "r.ta1", ta1(isa13, "R", "006"))
    assert (result.kind, result.rejected, result.warnings) == ("TA1", len(claims), ())
    words = f"TA1 006: the sender ID is not valid (interchange {isa13} rejected)"
    assert set(rejections(demo_engine, claims)) == {("rejected_999", "TA1", words)}
    with demo_engine.connect() as conn:
        acks = conn.execute(text("SELECT DISTINCT kind, status, code FROM acknowledgment")).all()
    assert [tuple(a) for a in acks] == [("TA1", "rejected", "TA1 R")]
    before = snapshot(demo_engine)
    again = imported(demo_engine, tmp_path, "r-again.ta1", ta1(isa13, "R", "006"))
    assert again.status == "already-imported" and snapshot(demo_engine) == before


def test_a_ta1_accepting_the_interchange_moves_nothing(demo_engine: Engine, tmp_path: Path) -> None:
    isa13, _, claims = sent(demo_engine, tmp_path)
    before = snapshot(demo_engine)
    result = imported(demo_engine, tmp_path, "a.ta1", ta1(isa13, "A", "000"))
    assert (result.rejected, result.unchanged) == (0, len(claims))
    assert "wait for the 999" in result.message
    after = snapshot(demo_engine)
    assert after["submitted"] == before["submitted"] and after["items"] == before["items"]


@pytest.mark.parametrize("kind", ["TA1", "999"])
def test_an_answer_for_an_envelope_we_never_sent_moves_nothing(
    demo_engine: Engine, tmp_path: Path, kind: str
) -> None:
    sent(demo_engine, tmp_path)
    before = snapshot(demo_engine)
    content = ta1("000000777", "R", "006") if kind == "TA1" else group_999("777", "AK9*R*1*1*0")
    with pytest.raises(ImportFailed, match="777, which medbill never sent; nothing was imported"):
        imported(demo_engine, tmp_path, "unknown.x12", content)
    assert snapshot(demo_engine) == before


def test_medbill_import_exits_1_for_a_ta1_we_never_sent(db_url: str, tmp_path: Path) -> None:
    path = tmp_path / "unknown.ta1"
    path.write_text(ta1("000000777", "R", "024"), encoding="ascii")
    result = medbill("import", str(path), url=db_url)
    assert result.returncode == 1, result.stdout + result.stderr
    assert "interchange 000000777, which medbill never sent" in result.stdout
