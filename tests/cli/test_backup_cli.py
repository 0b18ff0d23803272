"""`medbill backup`, `backup --verify` and `restore`: back up the demo practice, change it,
restore the backup elsewhere and find the practice as it was backed up; and every refusal."""

from __future__ import annotations

import io
import json
import os
import shutil
import stat
import tarfile
from collections.abc import Iterator
from pathlib import Path

import pytest
from sqlalchemy import Engine, text

from medbill_tui.db.backup_sql import DatabaseFacts, read_facts
from medbill_tui.db.engine import make_engine
from tests.cli.test_cli import medbill
from tests.conftest import TEST_LOGIN, PgCluster


def _url(engine: Engine) -> str:
    return engine.url.render_as_string(hide_password=False)


def _facts(url: str) -> DatabaseFacts:
    engine = make_engine(url, pool_size=1)
    try:
        with engine.connect() as conn:
            return read_facts(conn)
    finally:
        engine.dispose()


def _change_practice(engine: Engine) -> None:
    """A new patient and a new ledger entry after the backup."""
    with engine.begin() as conn:
        conn.execute(
            text(
                "INSERT INTO patient (account_no, first_name, last_name, dob, sex, address1, "
                "city, state, zip) SELECT 'ZZ0001', first_name, 'Later', dob, sex, address1, "
                "city, state, zip FROM patient ORDER BY id LIMIT 1"
            )
        )
        conn.execute(
            text(
                "INSERT INTO ledger_entry (patient_id, encounter_id, kind, responsibility, "
                "amount, service_date, posted_by) SELECT patient_id, encounter_id, "
                "'adjustment', responsibility, -1.00, service_date, 'test' FROM ledger_entry "
                "WHERE kind = 'charge' ORDER BY id LIMIT 1"
            )
        )


@pytest.fixture
def empty_url(pg: PgCluster) -> Iterator[str]:
    """A new database with nothing in it (not from the migrated template)."""
    name = f"r_{os.getpid()}_{id(pg) % 10000}"
    yield pg.create_database(name)
    pg.drop_database(name)


@pytest.fixture
def archive(demo_engine: Engine, tmp_path: Path) -> Path:
    """A backup of the demo practice with one outbox file; the practice's facts beside it."""
    (tmp_path / "outbox").mkdir()
    (tmp_path / "outbox" / "837P_1.x12").write_text("ISA*00~")
    result = medbill(
        "backup",
        "--out",
        str(tmp_path / "backups"),
        url=_url(demo_engine),
        MEDBILL_DATA_DIR=str(tmp_path / "data"),
        MEDBILL_OUTBOX=str(tmp_path / "outbox"),
    )
    assert result.returncode == 0, result.stderr
    (made,) = (tmp_path / "backups").glob("medbill-backup-*-rev*.tar")
    assert f"backup written: {made}" in result.stdout
    return made


def test_restore_brings_back_the_practice_as_backed_up(
    archive: Path, demo_engine: Engine, empty_url: str, tmp_path: Path
) -> None:
    assert stat.S_IMODE(archive.stat().st_mode) == 0o600
    backed_up = _facts(_url(demo_engine))
    _change_practice(demo_engine)
    assert _facts(_url(demo_engine)) != backed_up
    restored_files = tmp_path / "restored"
    result = medbill(
        "restore", str(archive), "--database-url", empty_url, "--data-dir", str(restored_files)
    )
    assert result.returncode == 0, result.stderr
    assert "row counts and ledger totals match the manifest" in result.stdout
    assert "ledger check: ok" in result.stdout
    assert _facts(empty_url) == backed_up
    assert (restored_files / "outbox" / "837P_1.x12").read_text() == "ISA*00~"
    engine = make_engine(empty_url, pool_size=1)
    with engine.connect() as conn:
        owners = set(
            conn.execute(
                text("SELECT tableowner FROM pg_tables WHERE schemaname = 'public'")
            ).scalars()
        )
    engine.dispose()
    assert owners == {"medbill_owner"}
    # the restored database serves the app: its admin works in it as before
    assert medbill("ledger", "check", url=empty_url).returncode == 0
    # and a restore never goes over it again
    again = medbill("restore", str(archive), "--database-url", empty_url)
    assert again.returncode == 2 and "is not empty" in again.stderr


def test_verify_restores_into_a_throwaway_server(archive: Path, tmp_path: Path) -> None:
    before = set(Path("/tmp").glob("mbv*"))
    result = medbill("backup", "--verify", str(archive), MEDBILL_DATA_DIR=str(tmp_path / "d"))
    assert result.returncode == 0, result.stderr
    assert result.stdout.startswith("backup good:") and "ledger check: ok" in result.stdout
    assert set(Path("/tmp").glob("mbv*")) == before  # the throwaway server is gone


def test_keep_removes_only_older_archives_made_by_backup(
    archive: Path, demo_engine: Engine, tmp_path: Path
) -> None:
    folder = archive.parent
    (folder / "notes.txt").write_text("mine")
    result = medbill(
        "backup",
        "--out",
        str(folder),
        "--keep",
        "1",
        url=_url(demo_engine),
        MEDBILL_DATA_DIR=str(tmp_path / "data"),
    )
    assert result.returncode == 0, result.stderr
    assert f"removed older backup {archive.name}" in result.stdout
    left = sorted(p.name for p in folder.iterdir())
    assert len(left) == 2 and "notes.txt" in left and archive.name not in left


def _rewrite(archive: Path, out: Path, change: dict[str, object]) -> Path:
    """A copy of `archive` whose manifest has `change` applied and a matching manifest sum."""
    import hashlib

    with tarfile.open(archive) as tar:
        members = {m.name: tar.extractfile(m).read() for m in tar.getmembers()}  # type: ignore[union-attr]
    manifest = json.loads(members["manifest.json"]) | change
    members["manifest.json"] = json.dumps(manifest).encode()
    members["manifest.sha256"] = hashlib.sha256(members["manifest.json"]).hexdigest().encode()
    with tarfile.open(out, "w") as tar:
        for name, body in members.items():
            info = tarfile.TarInfo(name)
            info.size = len(body)
            tar.addfile(info, io.BytesIO(body))
    return out


def test_bad_archives_and_targets_are_refused_and_change_nothing(
    archive: Path, demo_engine: Engine, empty_url: str, tmp_path: Path
) -> None:
    corrupt = tmp_path / "corrupt.tar"
    shutil.copy(archive, corrupt)
    with corrupt.open("r+b") as handle:  # one byte in the middle of the dump
        handle.seek(corrupt.stat().st_size // 2)
        byte = handle.read(1)
        handle.seek(-1, os.SEEK_CUR)
        handle.write(bytes([byte[0] ^ 0xFF]))
    newer = _rewrite(archive, tmp_path / "newer.tar", {"schema_revision": "9999"})
    not_tar = tmp_path / "not.tar"
    not_tar.write_text("hello")
    live = tmp_path / "live"
    (live / "pg").mkdir(parents=True)
    target = tmp_path / "new"
    cases = [
        ([str(corrupt), "--data-dir", str(target)], "does not match its sha256"),
        ([str(corrupt), "--database-url", empty_url], "does not match its sha256"),
        ([str(newer), "--data-dir", str(target)], "newer than this medbill knows"),
        ([str(tmp_path / "gone.tar"), "--data-dir", str(target)], "there is no backup archive"),
        ([str(not_tar), "--data-dir", str(target)], "is not a readable backup archive"),
        ([str(archive), "--data-dir", str(live)], "is not an empty folder"),
        ([str(archive), "--database-url", _url(demo_engine)], "is not empty"),
        ([str(archive)], "say where to restore"),
    ]
    for args, words in cases:
        result = medbill("restore", *args)
        assert result.returncode == 2, (args, result.stdout)
        assert result.stderr.startswith("medbill: ") and words in result.stderr, result.stderr
        assert len(result.stderr.strip().splitlines()) == 1
        assert not target.exists()
    assert _facts(empty_url).row_counts == {}
    assert [p.name for p in live.iterdir()] == ["pg"]
    verify = medbill("backup", "--verify", str(corrupt), MEDBILL_DATA_DIR=str(tmp_path / "d"))
    assert verify.returncode == 2 and "does not match its sha256" in verify.stderr


def test_only_an_admin_backs_up(demo_engine: Engine, tmp_path: Path) -> None:
    with demo_engine.begin() as conn:
        conn.execute(
            text("UPDATE app_user SET role = 'biller' WHERE login = :l"), {"l": TEST_LOGIN}
        )
    result = medbill(
        "backup", "--out", str(tmp_path), url=_url(demo_engine), MEDBILL_DATA_DIR=str(tmp_path)
    )
    assert result.returncode == 3 and "admin" in result.stderr
    assert list(tmp_path.iterdir()) == []
