"""pg_dump and pg_restore, from the embedded package's PostgreSQL, run on a database URL."""

from __future__ import annotations

import os
import re
import subprocess
from collections import deque
from collections.abc import Callable
from pathlib import Path

from sqlalchemy.engine import make_url

from medbill_tui.db.embedded import postgres_tool
from medbill_tui.db.engine import normalise_url

Progress = Callable[[int, int], None]
"""Called with (tables done, tables in all) as a dump goes."""


class PgToolFailed(Exception):
    """pg_dump or pg_restore stopped with an error; the message is its last words."""


_TABLE_DUMPED = re.compile(r'dumping contents of table "?([^"]+)"?')


def libpq_target(url: str) -> tuple[str, dict[str, str]]:
    """The `--dbname` connection string (no password: nobody else may read it in `ps`) and
    the environment carrying the password, for a SQLAlchemy or libpq URL."""
    parsed = make_url(normalise_url(url))
    env = {k: v for k, v in os.environ.items() if not k.startswith("PG")}
    if parsed.password:
        env["PGPASSWORD"] = str(parsed.password)
    plain = parsed.set(drivername="postgresql", password=None)
    return plain.render_as_string(hide_password=False), env


def dump(url: str, snapshot: str, out: Path, tables: int, progress: Progress) -> None:
    """`pg_dump -Fc` of the database at `url` as it was in `snapshot`, into `out`."""
    dbname, env = libpq_target(url)
    args = [
        str(postgres_tool("pg_dump")),
        "--format=custom",
        "--verbose",
        f"--snapshot={snapshot}",
        f"--file={out}",
        f"--dbname={dbname}",
    ]
    tail: deque[str] = deque(maxlen=5)
    done = 0
    with subprocess.Popen(
        args,
        stdin=subprocess.DEVNULL,
        stdout=subprocess.DEVNULL,
        stderr=subprocess.PIPE,
        text=True,
        env=env,
    ) as proc:
        assert proc.stderr is not None
        for line in proc.stderr:
            if _TABLE_DUMPED.search(line):
                done += 1
                progress(min(done, tables), tables)
            elif "error" in line.lower():
                tail.append(line.strip())
    if proc.returncode != 0:
        raise PgToolFailed(tail[-1] if tail else f"pg_dump stopped (status {proc.returncode})")
    progress(tables, tables)


def restore(url: str, dump_file: Path) -> None:
    """`pg_restore` the dump into the (empty) database at `url`, all or nothing."""
    dbname, env = libpq_target(url)
    args = [
        str(postgres_tool("pg_restore")),
        "--single-transaction",
        "--exit-on-error",
        f"--dbname={dbname}",
        str(dump_file),
    ]
    result = subprocess.run(
        args, stdin=subprocess.DEVNULL, capture_output=True, text=True, env=env, check=False
    )
    if result.returncode != 0:
        lines = [line for line in result.stderr.splitlines() if line.strip()]
        raise PgToolFailed(lines[-1] if lines else f"pg_restore stopped ({result.returncode})")
