"""`medbill demo`: load the synthetic practice with a progress line; Ctrl+C cancels cleanly."""

from __future__ import annotations

import argparse
import threading

from medbill_tui.cli.common import CommandError
from medbill_tui.cli.progress import ProgressLine
from medbill_tui.runtime.bootstrap import Runtime


def run_demo(runtime: Runtime, args: argparse.Namespace) -> None:
    """Load the demo in a worker thread so Ctrl+C can cancel it (nothing is left behind)."""
    from medbill_tui.db.demo import DemoCancelled, DemoRefused, DemoResult, load_demo

    progress = ProgressLine("Loading demo practice")
    cancel = threading.Event()
    results: list[DemoResult] = []
    errors: list[BaseException] = []

    def work() -> None:
        try:
            result = load_demo(
                runtime.engine,
                encounters=args.encounters,
                seed=args.seed,
                today=args.today or runtime.clock.today(),
                force=args.force,
                progress=progress.update,
                cancel=cancel,
                actor=runtime.actor,
            )
            results.append(result)
        except BaseException as exc:  # handed to the main thread
            errors.append(exc)

    worker = threading.Thread(target=work, name="demo-load", daemon=True)
    worker.start()
    try:
        while worker.is_alive():
            worker.join(0.2)
    except KeyboardInterrupt:
        cancel.set()
        worker.join()
    progress.finish()
    error = errors[0] if errors else None
    if isinstance(error, DemoCancelled):
        raise CommandError("demo load cancelled; the database is as it was")
    if isinstance(error, DemoRefused):
        raise CommandError(str(error))
    if error is not None:
        raise error
    result = results[0]
    print(
        f"demo practice loaded: {result.encounters:,} encounters, {result.patients:,} patients, "
        f"{result.claims:,} claims, {result.remittances:,} remittances, "
        f"{result.work_items:,} work items in {result.seconds:.1f}s"
    )
