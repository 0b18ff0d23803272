"""`medbill exchange [--send] [--fetch] [--import] [--dry-run]`: the clearinghouse over SFTP."""

from __future__ import annotations

import argparse
import sys

from medbill_tui.records.exchange import ExchangeReport
from medbill_tui.runtime.bootstrap import Runtime
from medbill_tui.runtime.exchange_settings import environment, settings_file
from medbill_tui.services.exchange import ExchangeService
from medbill_tui.services.exchange_connection import exchange_connection


def add_parser(sub: argparse._SubParsersAction[argparse.ArgumentParser]) -> None:
    exchange = sub.add_parser(
        "exchange",
        help="send claims to the clearinghouse, fetch and import its answers (SFTP)",
        description="With none of --send, --fetch, --import: all three. Settings: the "
        "[clearinghouse] section of MEDBILL_EXCHANGE "
        "(default MEDBILL_DATA_DIR/clearinghouse.toml) when that file exists, else the "
        "default clearinghouse's connection from the Clearinghouses screen.",
    )
    exchange.add_argument(
        "--send", action="store_true", help="upload 837P, 270 and 276 files not sent yet"
    )
    exchange.add_argument("--fetch", action="store_true", help="download new answer files")
    exchange.add_argument(
        "--import", dest="import_answers", action="store_true", help="import fetched answers"
    )
    exchange.add_argument(
        "--dry-run", action="store_true", help="say what it would do; change nothing"
    )


def run(runtime: Runtime, args: argparse.Namespace) -> int:
    """Exit 0: done (or another exchange is running); 1: the clearinghouse refused, the
    connection failed, or an answer did not import; 2: a setting is missing or wrong."""
    env = environment()
    path = settings_file(env, runtime.settings.data_dir)
    connection = exchange_connection(runtime.engine, path, env)
    every = not (args.send or args.fetch or args.import_answers)
    service = ExchangeService(
        runtime.engine, runtime.clock, runtime.actor, runtime.settings.inbox, connection
    )
    try:
        report = service.run(
            send=every or args.send,
            fetch=every or args.fetch,
            import_answers=every or args.import_answers,
            dry_run=args.dry_run,
            progress=_progress_line,
        )
    finally:
        _end_progress_line()
    if report.locked_out:
        print("another exchange is running; this one did nothing")
        return 0
    print("\n".join(_lines(report)))
    return 1 if report.import_failed else 0


def _lines(report: ExchangeReport) -> list[str]:
    would = "would " if report.dry_run else ""
    lines = [f"{would}send {name}" if would else f"sent {name}" for name in report.sent]
    lines += [f"{would}fetch {name}" if would else f"fetched {name}" for name in report.fetched]
    lines += [f"skipped {name}: the same bytes were fetched before" for name in report.skipped]
    for outcome in report.imported:
        if outcome.error:
            lines.append(f"not imported {outcome.file_name} (left in the inbox): {outcome.error}")
        else:
            lines.append(f"imported {outcome.file_name}: {outcome.summary}")
    if not lines:
        lines.append("nothing to send or fetch")
    return lines


def _progress_line(done: int, total: int, label: str) -> None:
    if sys.stderr.isatty() and total:
        print(f"\r\x1b[Kexchange {done}/{total}: {label}", end="", file=sys.stderr, flush=True)


def _end_progress_line() -> None:
    if sys.stderr.isatty():
        print("\r\x1b[K", end="", file=sys.stderr, flush=True)
