"""Point-in-time restore: a shared server archiving its WAL, two changes, and a restore to the
moment between them that has the first and not the second; and every refusal."""

from __future__ import annotations

import grp
import os
import shutil
import tempfile
import time
from collections.abc import Iterator
from datetime import datetime, timedelta
from pathlib import Path

import pytest
from sqlalchemy import Engine, text

from medbill_tui.db.embedded import start_embedded, stop_embedded
from medbill_tui.db.engine import make_engine
from tests.cli.test_cli import medbill


@pytest.fixture
def folders() -> Iterator[Path]:
    folder = Path(tempfile.mkdtemp(prefix="mbp", dir="/tmp"))  # short: the socket path limit
    yield folder
    medbill("server", "stop", MEDBILL_SERVER_DIR=str(folder / "s"))
    stop_embedded(folder / "r")
    shutil.rmtree(folder, ignore_errors=True)


def _add_patient(engine: Engine, account_no: str) -> None:
    with engine.begin() as conn:
        conn.execute(
            text(
                "INSERT INTO patient (account_no, first_name, last_name, dob, sex, address1, "
                "city, state, zip) VALUES (:a, 'Ann', 'Example', '1970-01-01', 'F', "
                "'1 Main St', 'Springfield', 'IL', '62701')"
            ),
            {"a": account_no},
        )


def _archive_everything(engine: Engine) -> None:
    """Close the current WAL segment and wait until the archiver has copied it."""
    with engine.connect() as conn:
        segment = conn.execute(text("SELECT pg_walfile_name(pg_switch_wal())")).scalar_one()
        deadline = time.monotonic() + 60
        while time.monotonic() < deadline:
            done = conn.execute(text("SELECT last_archived_wal FROM pg_stat_archiver")).scalar()
            conn.rollback()  # a new snapshot of the statistics each time
            if done is not None and done >= segment:
                return
            time.sleep(0.1)
    raise AssertionError(f"WAL segment {segment} was not archived within 60 s")


def _patients(data_dir: Path) -> list[str]:
    engine = make_engine(start_embedded(data_dir), pool_size=1)
    try:
        with engine.connect() as conn:
            return list(conn.execute(text("SELECT account_no FROM patient")).scalars())
    finally:
        engine.dispose()
        stop_embedded(data_dir)


def test_restore_until_a_moment_keeps_what_came_before_it(folders: Path) -> None:
    archive, target = folders / "archive", folders / "r"
    env = {
        "MEDBILL_SERVER_DIR": str(folders / "s"),
        "MEDBILL_SERVER_GROUP": grp.getgrgid(os.getgid()).gr_name,
    }
    started = medbill("server", "start", "--archive", str(archive), **env)
    assert started.returncode == 0, started.stderr
    assert f"archive: {archive}" in started.stdout
    assert f"base backup written: {archive}/base/" in started.stdout
    conf = (folders / "s" / "pg" / "medbill_archive.conf").read_text()
    assert "archive_mode = on" in conf and "archive_timeout = 300" in conf
    assert "test -f" in conf and "mv " in conf  # never over another file; whole or absent
    admin_url = f"postgresql://postgres@/medbill?host={folders}/s/run"
    assert medbill("db", "upgrade", url=admin_url).returncode == 0
    engine = make_engine(admin_url, pool_size=1)
    try:
        _add_patient(engine, "BEFORE1")
        moment = datetime.now()
        _add_patient(engine, "AFTER2")
        _archive_everything(engine)
    finally:
        engine.dispose()
    until = moment.isoformat(sep=" ")

    refused = {
        "in the future": ("--until", "2999-01-01 00:00", "--archive", str(archive)),
        "not a moment": ("--until", "yesterday", "--archive", str(archive)),
        "no base backup that ended before": (
            "--until",
            (moment - timedelta(days=1)).isoformat(sep=" "),
            "--archive",
            str(archive),
        ),
        "is not an archive folder": ("--until", until, "--archive", str(folders / "none")),
    }
    for words, args in refused.items():
        result = medbill("restore", *args, "--data-dir", str(target))
        assert result.returncode == 2 and words in result.stderr, (words, result.stderr)
        assert not target.exists()
    (folders / "used").mkdir()
    (folders / "used" / "keep.txt").write_text("mine")
    result = medbill(
        "restore", "--until", until, "--archive", str(archive), "--data-dir", str(folders / "used")
    )
    assert result.returncode == 2 and "is not an empty folder" in result.stderr
    assert [p.name for p in (folders / "used").iterdir()] == ["keep.txt"]

    restored = medbill(
        "restore", "--until", until, "--archive", str(archive), "--data-dir", str(target)
    )
    assert restored.returncode == 0, restored.stderr
    assert f"into {target}" in restored.stdout and "ledger check: ok" in restored.stdout
    assert "the last transaction kept was at " in restored.stdout
    assert "archive_mode = off" in (target / "pg" / "medbill_archive.conf").read_text()
    assert _patients(target) == ["BEFORE1"]
