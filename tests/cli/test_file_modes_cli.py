"""PHI files for the team only: what `medbill` writes is 0640 of MEDBILL_SERVER_GROUP on a
shared host (0600 for one user), in folders 0750 (0700); an account outside the group reads
none of it; `medbill server status` names what others can read."""

from __future__ import annotations

import grp
import hashlib
import json
import os
import shutil
import stat
import tempfile
from collections.abc import Callable, Iterator
from pathlib import Path

import pytest
from sqlalchemy import text

from medbill_tui.db.engine import make_engine
from tests.cli.test_cli import medbill
from tests.conftest import DEMO_TODAY, PgCluster
from tests.os_accounts import os_accounts, os_group, run_as

__all__ = ["os_accounts", "os_group"]  # fixtures used here

CONTENT = b"ISA*00*          *00*          *ZZ*SUBMITTER~IEA*0*000000042~"
FILE_NAME = "837P_000000042_20261207.x12"


@pytest.fixture
def open_folder() -> Iterator[Path]:
    """A folder every account may enter: only what medbill makes in it decides who reads."""
    folder = Path(tempfile.mkdtemp(prefix="mbf", dir="/tmp"))
    folder.chmod(0o755)
    yield folder
    shutil.rmtree(folder, ignore_errors=True)


@pytest.fixture
def demo_with_837(pg: PgCluster, demo_template: str) -> Iterator[str]:
    """The demo practice with one sent 837P whose file is not in the outbox yet."""
    name = f"fm_{os.getpid()}"
    url = pg.create_database(name, template=demo_template)
    engine = make_engine(url, pool_size=1)
    with engine.begin() as conn:
        conn.execute(
            text("""INSERT INTO edi_file (direction, kind, file_name, sha256, content, isa13,
                        gs06, sender_id, receiver_id, created_by)
                    VALUES ('out', '837P', :name, :sha, :content, '000000042', '42', 'S', 'R',
                            'b1')"""),
            {"name": FILE_NAME, "sha": hashlib.sha256(CONTENT).hexdigest(), "content": CONTENT},
        )
    engine.dispose()
    yield url
    pg.drop_database(name)


def write_outbox_and_statements(url: str, root: Path, **env: str) -> tuple[Path, Path]:
    """An 837P and a statement run written by `medbill`; their paths."""
    env = {"MEDBILL_DATA_DIR": str(root / "data"), "MEDBILL_TODAY": str(DEMO_TODAY), **env}
    outbox = root / "outbox"
    repaired = medbill("claims", "outbox", "--repair", "--out", str(outbox), url=url, **env)
    assert repaired.returncode == 0, repaired.stdout + repaired.stderr
    run = medbill("statements", "run", "--format", "json", "--out", str(root / "st"), url=url,
                  **env)  # fmt: skip
    assert run.returncode == 0, run.stderr
    sent = [e["file"] for e in json.loads(run.stdout)["entries"] if e["action"] == "send"]
    return outbox / FILE_NAME, Path(sent[0])


def mode(path: Path) -> int:
    return stat.S_IMODE(path.stat().st_mode)


def test_one_user_gets_files_0600_in_folders_0700(demo_with_837: str, open_folder: Path) -> None:
    claim_file, statement = write_outbox_and_statements(demo_with_837, open_folder)
    for written in (claim_file, statement):
        assert mode(written) == 0o600, written
        assert mode(written.parent) == 0o700, written.parent
    assert mode(statement.parent.parent) == 0o700


def test_the_team_reads_outbox_and_statements_and_an_outsider_does_not(
    demo_with_837: str,
    open_folder: Path,
    os_group: str,
    os_accounts: Callable[..., str],
) -> None:
    member = os_accounts("member", groups=(os_group,))
    outsider = os_accounts("outsider")
    gid = grp.getgrnam(os_group).gr_gid
    claim_file, statement = write_outbox_and_statements(
        demo_with_837, open_folder, MEDBILL_SERVER_GROUP=os_group
    )
    for written in (claim_file, statement):
        assert mode(written) == 0o640 and written.stat().st_gid == gid, written
        folder = written.parent
        assert mode(folder) == 0o2750 and folder.stat().st_gid == gid, folder
    for written in (claim_file, statement):
        assert run_as(member, "cat", str(written), cwd=open_folder).returncode == 0
        refused = run_as(outsider, "cat", str(written), cwd=open_folder)
        assert refused.returncode != 0 and "Permission denied" in refused.stderr
    listing = run_as(outsider, "ls", str(claim_file.parent), cwd=open_folder)
    assert listing.returncode != 0  # not even the names (patients' account numbers)


def test_status_warns_about_what_others_can_read(tmp_path: Path) -> None:
    data = tmp_path / "data"
    (data / "outbox").mkdir(parents=True, mode=0o700)
    data.chmod(0o700)
    leaked = data / "outbox" / FILE_NAME
    leaked.write_bytes(CONTENT)
    leaked.chmod(0o600)
    env = {"MEDBILL_DATA_DIR": str(data), "MEDBILL_SERVER_DIR": str(tmp_path / "srv")}
    quiet = medbill("server", "status", **env)
    assert "files:   only their owner and group can read" in quiet.stdout
    assert "warning" not in quiet.stdout
    leaked.chmod(0o644)
    warned = medbill("server", "status", **env)
    assert warned.returncode == 1  # not running: the warning does not change the status
    assert f"warning: others can read {leaked}\n" in warned.stdout
    assert "warning: fix with chmod o-rwx" in warned.stdout
