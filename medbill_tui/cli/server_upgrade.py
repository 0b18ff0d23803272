"""`medbill server upgrade [--old-bin DIR] [--data-dir DIR | --shared]`: a data folder made by
an older PostgreSQL major version, upgraded with pg_upgrade, the old cluster kept beside it."""

from __future__ import annotations

import argparse
import os
from pathlib import Path

from medbill_tui.cli.common import EXIT_FAILED, EXIT_OK, fail
from medbill_tui.db.cluster_upgrade import UpgradeFailed, plan_upgrade
from medbill_tui.db.shared_server import start_server
from medbill_tui.runtime.config import Settings
from medbill_tui.services.cluster_upgrade import upgrade


def add_parser(actions: argparse._SubParsersAction[argparse.ArgumentParser]) -> None:
    """The `upgrade` action of `medbill server`."""
    parser = actions.add_parser(
        "upgrade",
        help="move a data folder made by an older PostgreSQL to this version (pg_upgrade)",
    )
    parser.add_argument(
        "--old-bin",
        type=Path,
        metavar="DIR",
        help="the old version's bin folder (default: the embedded package's, then Debian's)",
    )
    where = parser.add_mutually_exclusive_group()
    where.add_argument(
        "--data-dir", type=Path, metavar="DIR", help="the data folder (default: MEDBILL_DATA_DIR)"
    )
    where.add_argument(
        "--shared", action="store_true", help="the shared server's folder (MEDBILL_SERVER_DIR)"
    )


def run(settings: Settings, args: argparse.Namespace, server_folder: Path) -> int:
    """Refusals raise ConfigError before anything changes (exit 2)."""
    folder = server_folder if args.shared else (args.data_dir or settings.data_dir)
    plan = plan_upgrade(folder.expanduser(), args.old_bin)
    print(
        f"upgrading {plan.pgdata} from PostgreSQL {plan.old_version} to {plan.new_version} "
        f"(old programs: {plan.old_bin})"
    )
    shared = (plan.pgdata.parent / "run").is_dir()  # the shared server's layout
    group = os.environ.get("MEDBILL_SERVER_GROUP", "").strip() or "medbill"

    def start_shared() -> str:
        return start_server(plan.pgdata.parent, group)[0].admin_url

    start = start_shared if shared else None
    try:
        after = upgrade(plan, start, lambda line: print(line, flush=True))
    except UpgradeFailed as exc:
        return fail(f"the upgrade failed: {exc}", EXIT_FAILED)
    print(f"upgraded: {plan.pgdata} runs PostgreSQL {plan.new_version}")
    print(f"the old cluster is kept, untouched, in {plan.kept}; once the practice has worked")
    print(f"on the new one (and a `medbill backup` of it verified), `rm -r {plan.kept}`")
    if start is not None:
        print("WAL archiving is off on the upgraded server (the old archive is the old")
        print("version's): turn it on with `medbill server start --archive NEW_DIR`")
    if after.schema is None:
        print("there is no medbill schema in it: ledger not checked")
        return EXIT_OK
    if after.ledger_problems is None:
        print(f"schema {after.schema}, behind {after.schema_head}: run `medbill db upgrade`,")
        print("then `medbill ledger check`")
        return EXIT_OK
    for problem in after.ledger_problems:
        print(problem)
    if after.ledger_problems:
        print(f"ledger check: {len(after.ledger_problems)} problem(s)")
        return EXIT_FAILED
    print("ledger check: ok")
    return EXIT_OK
