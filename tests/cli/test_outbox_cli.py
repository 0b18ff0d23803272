"""`medbill claims outbox`: a committed 837P missing from the outbox is reported (exit 1) and,
with --repair, written again byte for byte (exit 0)."""

from __future__ import annotations

import hashlib
import json
from pathlib import Path

from sqlalchemy import text

from medbill_tui.db.engine import make_engine
from tests.cli.test_cli import medbill

CONTENT = b"ISA*00*          *00*          *ZZ*SUBMITTER~IEA*0*000000042~"


def test_a_missing_file_is_reported_then_written_again(db_url: str, tmp_path: Path) -> None:
    engine = make_engine(db_url)
    with engine.begin() as conn:
        conn.execute(
            text("""INSERT INTO edi_file (direction, kind, file_name, sha256, content, isa13,
                        gs06, sender_id, receiver_id, created_by)
                    VALUES ('out', '837P', '837P_000000042_20261207.x12', :sha, :content,
                            '000000042', '42', 'S', 'R', 'b1')"""),
            {"sha": hashlib.sha256(CONTENT).hexdigest(), "content": CONTENT},
        )
    engine.dispose()
    out = tmp_path / "outbox"
    env = {"MEDBILL_OUTBOX": str(out), "MEDBILL_DATA_DIR": str(tmp_path / "data")}
    report = medbill("claims", "outbox", "--format", "json", url=db_url, **env)
    assert report.returncode == 1, report.stderr
    assert json.loads(report.stdout)["missing"] == [str(out / "837P_000000042_20261207.x12")]
    dry = medbill("claims", "outbox", "--repair", "--dry-run", url=db_url, **env)
    assert dry.returncode == 1 and "missing: " in dry.stdout and not out.exists()
    repaired = medbill("claims", "outbox", "--repair", url=db_url, **env)
    assert repaired.returncode == 0, repaired.stdout + repaired.stderr
    assert "written again: " in repaired.stdout
    assert (out / "837P_000000042_20261207.x12").read_bytes() == CONTENT
    after = medbill("claims", "outbox", url=db_url, **env)
    assert after.returncode == 0 and "every file sent is in its folder" in after.stdout


def test_an_unwritable_outbox_exits_1(db_url: str, tmp_path: Path) -> None:
    engine = make_engine(db_url)
    with engine.begin() as conn:
        conn.execute(
            text("""INSERT INTO edi_file (direction, kind, file_name, sha256, content, isa13,
                        gs06, sender_id, receiver_id, created_by)
                    VALUES ('out', '837P', 'x.x12', 'h', 'x', '1', '1', 'S', 'R', 'b1')""")
        )
    engine.dispose()
    blocker = tmp_path / "a-file"
    blocker.write_text("not a folder")
    result = medbill("claims", "outbox", "--repair", "--out", str(blocker / "in"), url=db_url)
    assert result.returncode == 1 and "could not write" in result.stdout
