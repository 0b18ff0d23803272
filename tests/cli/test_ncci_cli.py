"""`medbill codes load --set ncci-ptp|mue`: a quarter's files in CMS's layouts replace the
edits in one transaction, a malformed file loads nothing, and the scrubber uses what loaded."""

from __future__ import annotations

from collections.abc import Iterator
from datetime import date
from pathlib import Path

import pytest
from sqlalchemy import Engine, text

from medbill_tui.db.engine import make_engine
from medbill_tui.db.repositories.scrub_input import DbCodeBook
from medbill_tui.db.shipped_data import mue_limits, ncci_pairs
from tests.cli.test_cli import medbill

NOTICE = "CPT codes and descriptions only are copyright of their owner. (notice line)\n"
PTP_HEADER = (
    "Column 1\tColumn 2\t*=in existence prior to 1996\tEffective Date\t"
    "Deletion Date *=no data\tModifier 0=not allowed 1=allowed 9=not applicable\t"
    "PTP Edit Rationale\n"
)
MUE_HEADER = (
    "HCPCS/CPT Code,Practitioner Services MUE Values,MUE Adjudication Indicator,MUE Rationale\n"
)


@pytest.fixture
def url_engine(db_url: str) -> Iterator[Engine]:
    """An engine on the database the `medbill` commands of the test use."""
    engine = make_engine(db_url)
    yield engine
    engine.dispose()


def _counts(engine: Engine) -> tuple[int, int]:
    with engine.connect() as conn:
        row = conn.execute(
            text("SELECT (SELECT count(*) FROM ncci_ptp), (SELECT count(*) FROM mue)")
        )
        return tuple(row.one())  # type: ignore[return-value]


def test_a_quarter_loads_and_the_scrubber_uses_it(
    db_url: str, url_engine: Engine, tmp_path: Path
) -> None:
    engine = url_engine
    assert _counts(engine) == (len(ncci_pairs()), len(mue_limits()))
    f1, f2 = tmp_path / "ccipra-v330r0-f1.txt", tmp_path / "ccipra-v330r0-f2.txt"
    f1.write_text(
        NOTICE + PTP_HEADER + "20610\t99214\t\t20260101\t*\t1\tStandard of care\n"
        "93000\t93010\t*\t19960101\t20251231\t0\tEnded\n"
    )
    f2.write_text(PTP_HEADER + "J1100\t96372\t\t20260101\t*\t1\tDrug administration\n")
    result = medbill("codes", "load", str(f1), str(f2), "--set", "ncci-ptp", url=db_url)
    assert result.returncode == 0, result.stderr
    assert "loaded 3 PTP edits" in result.stdout
    mue = tmp_path / "MCR_MUE_PractitionerServices_Eff_01-01-2027.csv"
    mue.write_text(NOTICE + MUE_HEADER + '20610,1,"1 Line Edit",Anatomic\n')
    assert medbill("codes", "load", str(mue), "--set", "mue", url=db_url).returncode == 0
    assert _counts(engine) == (3, 1)
    with engine.connect() as conn:
        book = DbCodeBook(conn, ())
        (pair,) = book.bundled_pairs("99214")
        ended = book.bundled_pairs("93010")[0]
        limit = book.unit_limit("20610")
        release = conn.execute(
            text("SELECT source FROM code_set_release WHERE code_set = 'ncci-ptp'")
        ).scalar_one()
    assert (pair.column1, pair.modifier_allowed) == ("20610", True)
    assert not ended.applies_on(date(2026, 1, 2)) and ended.applies_on(date(2025, 12, 31))
    assert limit is not None and (limit.max_units, limit.per_day) == (1, False)
    assert release == f"{f1.name}, {f2.name}"


def test_malformed_files_load_nothing(db_url: str, url_engine: Engine, tmp_path: Path) -> None:
    engine = url_engine
    before = _counts(engine)
    bad = tmp_path / "ptp.txt"
    bad.write_text(
        NOTICE + PTP_HEADER + "20610\t99214\t\t20260101\t*\t1\tok\n"
        "20610\t99214\t\t2026-13-01\t*\t1\tbad date\n"
        "2061\t99213\t\t20260101\t*\t1\tbad code\n"
        "20610\t99215\t\t20260101\t*\t4\tbad indicator\n"
        "20610\t99214\t\t20260101\t*\t1\trepeat\n"
    )
    result = medbill("codes", "load", str(bad), "--set", "ncci-ptp", url=db_url)
    assert result.returncode == 1
    assert "4 bad row(s); nothing was loaded" in result.stderr
    for words in ("line 4:", "line 5: column 1 '2061'", "line 6: modifier indicator", "line 7:"):
        assert words in result.stderr
    mue = tmp_path / "mue.csv"
    mue.write_text(MUE_HEADER + "20610,two,1 Line Edit,x\n")
    failed = medbill("codes", "load", str(mue), "--set", "mue", url=db_url)
    assert failed.returncode == 1 and "line 2: MUE value 'two'" in failed.stderr
    twice = medbill("codes", "load", str(mue), str(mue), "--set", "mue", url=db_url)
    assert twice.returncode == 2 and "only ncci-ptp takes several" in twice.stderr
    assert _counts(engine) == before
