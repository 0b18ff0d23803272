"""`medbill server start|status|stop`: a shared embedded PostgreSQL in a folder of its own."""

from __future__ import annotations

import grp
import os
import shutil
import stat
import subprocess
import tempfile
from collections.abc import Iterator
from pathlib import Path

import pytest

from tests.cli.test_cli import medbill
from tests.conftest import TEST_LOGIN


@pytest.fixture
def server_dir() -> Iterator[Path]:
    folder = Path(tempfile.mkdtemp(prefix="mbs", dir="/tmp"))  # short: the socket path limit
    yield folder
    medbill("server", "stop", MEDBILL_SERVER_DIR=str(folder))
    shutil.rmtree(folder, ignore_errors=True)


def test_start_status_stop(server_dir: Path) -> None:
    group = grp.getgrgid(os.getgid()).gr_name
    env = {"MEDBILL_SERVER_DIR": str(server_dir), "MEDBILL_SERVER_GROUP": group}
    stopped = medbill("server", "status", **env)
    assert stopped.returncode == 1 and "server:  not running" in stopped.stdout
    assert "version: none (not created yet)" in stopped.stdout
    started = medbill("server", "start", **env)
    assert started.returncode == 0, started.stderr
    url = f"postgresql:///medbill?host={server_dir}/run"  # no user: peer decides
    admin_url = f"postgresql://postgres@/medbill?host={server_dir}/run"
    assert started.stdout.startswith("started\nserver:  running (pid ")
    assert f"export DATABASE_URL='{url}'" in started.stdout
    assert f"DATABASE_URL='{admin_url}' medbill db upgrade" in started.stdout
    run = server_dir / "run"
    mode = run.stat()
    assert stat.S_IMODE(mode.st_mode) == 0o750 and mode.st_gid == os.getgid()
    assert (run / ".s.PGSQL.5432").is_socket()
    assert stat.S_IMODE((server_dir / "pg").stat().st_mode) == 0o700
    if os.geteuid() == 0:  # the socket folder lets the group in and nobody else
        enter = ["/bin/sh", "-c", f"cd {run} && test -S .s.PGSQL.5432"]
        outsider = subprocess.run(enter, user="nobody", group="nogroup", capture_output=True)
        member = subprocess.run(enter, user="nobody", group=os.getgid(), capture_output=True)
        assert outsider.returncode != 0 and member.returncode == 0
    again = medbill("server", "start", **env)
    assert again.returncode == 0 and again.stdout.startswith("already running")
    status = medbill("server", "status", **env)
    assert status.returncode == 0
    pid = int(status.stdout.split("(pid ")[1].split(")")[0])
    assert os.path.exists(f"/proc/{pid}")
    assert f"socket:  {run}" in status.stdout and "version: 18." in status.stdout
    # the server's admin creates the schema as postgres and becomes the first medbill admin,
    # then works as the login role of their own name
    upgraded = medbill("db", "upgrade", url=admin_url)
    assert upgraded.returncode == 0, upgraded.stderr
    assert f"{TEST_LOGIN} is the first admin" in upgraded.stdout
    assert medbill("report", "queues", url=url).returncode == 0
    stop = medbill("server", "stop", **env)
    assert stop.returncode == 0 and stop.stdout.strip() == f"stopped (pid {pid})"
    after = medbill("server", "status", **env)
    assert after.returncode == 1 and "not running" in after.stdout and "version: 18" in after.stdout
    assert medbill("server", "stop", **env).stdout.startswith("not running")
    assert medbill("report", "queues", url=url).returncode == 2  # nothing to reach any more


def test_a_missing_group_is_a_clear_error(server_dir: Path) -> None:
    env = {"MEDBILL_SERVER_DIR": str(server_dir), "MEDBILL_SERVER_GROUP": "no-such-group-xyz"}
    result = medbill("server", "start", **env)
    assert result.returncode == 2
    assert result.stderr.startswith("medbill: there is no group 'no-such-group-xyz' on this host")
    assert not (server_dir / "pg").exists()
