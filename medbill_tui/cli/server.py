"""`medbill server start|stop|status`: one shared embedded PostgreSQL for every session on a host.

MEDBILL_SERVER_DIR is its folder (default /var/lib/medbill when that can be written, else
`server` in the data folder); MEDBILL_SERVER_GROUP (default `medbill`) is the group whose
members reach its socket. Sessions connect with the DATABASE_URL that `start` prints.
"""

from __future__ import annotations

import argparse
import os
from datetime import datetime
from pathlib import Path

from medbill_tui.cli import server_upgrade
from medbill_tui.cli.common import EXIT_FAILED, EXIT_OK, fail
from medbill_tui.db.shared_server import ServerState, server_status, start_server, stop_server
from medbill_tui.db.wal_archive import ArchiveFailed, archiving_to, base_backups, take_base_backup
from medbill_tui.errors import ConfigError
from medbill_tui.runtime.config import Settings
from medbill_tui.runtime.file_modes import others_can_read

SYSTEM_DIR = Path("/var/lib/medbill")


def add_parser(sub: argparse._SubParsersAction[argparse.ArgumentParser]) -> None:
    """The `server` command and its actions."""
    parser = sub.add_parser("server", help="a shared PostgreSQL for every session on this host")
    actions = parser.add_subparsers(dest="server_command", metavar="ACTION", required=True)
    start = actions.add_parser(
        "start", help="start it (creating it the first time); print DATABASE_URL"
    )
    start.add_argument(
        "--archive",
        type=Path,
        metavar="DIR",
        help="archive its WAL into DIR (remembered) and take a base backup there if none",
    )
    actions.add_parser(
        "base-backup", help="take a base backup into the archive folder (weekly, from cron)"
    )
    actions.add_parser("stop", help="stop it (sessions are disconnected)")
    actions.add_parser(
        "status",
        help="running or not, pid, socket, version, files others can read (exit 1: stopped)",
    )
    server_upgrade.add_parser(actions)


def server_dir(settings: Settings) -> Path:
    """MEDBILL_SERVER_DIR, else /var/lib/medbill when writable, else the user's data folder."""
    chosen = os.environ.get("MEDBILL_SERVER_DIR", "").strip()
    if chosen:
        return Path(chosen).expanduser()
    existing = SYSTEM_DIR if SYSTEM_DIR.exists() else SYSTEM_DIR.parent
    if os.access(existing, os.W_OK | os.X_OK):
        return SYSTEM_DIR
    return settings.data_dir / "server"


def _base_backup(state: ServerState, archive: Path) -> int:
    """Take a base backup into the archive folder and say where it went."""
    try:
        made = take_base_backup(state.socket_dir, archive, datetime.now())
    except ArchiveFailed as exc:
        return fail(f"the base backup failed: {exc}; nothing was kept", EXIT_FAILED)
    size = sum(path.stat().st_size for path in made.path.iterdir())
    print(f"base backup written: {made.path} ({size:,} bytes)")
    print(f"WAL is archived into {archive / 'wal'} at least every 5 minutes; restore a moment with")
    print(f"  medbill restore --until 'YYYY-MM-DD HH:MM' --archive {archive} --data-dir NEW")
    return EXIT_OK


def _describe(state: ServerState) -> list[str]:
    lines = [
        f"server:  {'running' if state.running else 'not running'}"
        + (f" (pid {state.pid})" if state.pid else ""),
        f"folder:  {state.server_dir}",
        f"socket:  {state.socket_dir}",
        f"version: {state.version or 'none (not created yet)'}",
    ]
    archive = archiving_to(state.server_dir / "pg")
    lines.append(f"archive: {archive or 'off (start with --archive DIR to turn it on)'}")
    if state.running:
        lines.append(f"DATABASE_URL={state.url}")
    return lines


def run(settings: Settings, args: argparse.Namespace) -> int:
    """Dispatch `medbill server ACTION` (ConfigError: exit 2)."""
    folder = server_dir(settings)
    if args.server_command == "upgrade":
        return server_upgrade.run(settings, args, folder)
    if args.server_command == "start":
        group = os.environ.get("MEDBILL_SERVER_GROUP", "").strip() or "medbill"
        archive = args.archive.expanduser().absolute() if args.archive else None
        state, started = start_server(folder, group, archive)
        print("started" if started else "already running")
        print("\n".join(_describe(state)))
        if archive is not None and not base_backups(archive):
            return _base_backup(state, archive)
        print(f"members of the group {group!r} reach its socket and connect as their own login")
        print("(peer authentication); every session on this host sets")
        print(f"  export DATABASE_URL='{state.url}'")
        print("root (or the server's account) creates the schema once, and becomes the first")
        print(
            "medbill admin, who then adds each person with `medbill users add LOGIN --role ROLE`:"
        )
        print(f"  DATABASE_URL='{state.admin_url}' medbill db upgrade")
        return 0
    if args.server_command == "stop":
        before = server_status(folder)
        if stop_server(folder):
            print(f"stopped (pid {before.pid})")
        else:
            print(f"not running ({folder})")
        return 0
    state = server_status(folder)
    if args.server_command == "base-backup":
        archive = archiving_to(folder.expanduser().resolve() / "pg")
        if not state.running or archive is None:
            raise ConfigError(
                f"the server in {state.server_dir} is not running with an archive folder: "
                "start it with `medbill server start --archive DIR`"
            )
        return _base_backup(state, archive)
    print("\n".join(_describe(state)))
    print("\n".join(_readable_by_others(settings)))
    return 0 if state.running else 1


def _readable_by_others(settings: Settings, *, shown: int = 10) -> list[str]:
    """Warnings for the files and folders under the data, outbox and statements folders that
    accounts outside the owner and the group may read (PHI must not be)."""
    roots = [settings.data_dir, settings.outbox]
    if settings.statements_dir is not None:
        roots.append(settings.statements_dir)
    found = others_can_read(roots)
    if not found:
        return ["files:   only their owner and group can read the data, outbox and statements"]
    lines = [f"warning: others can read {path}" for path in found[:shown]]
    if len(found) > shown:
        lines.append(f"warning: and {len(found) - shown} more; fix with chmod -R o-rwx")
    else:
        lines.append("warning: fix with chmod o-rwx")
    return lines
