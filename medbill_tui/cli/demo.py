"""`medbill demo`: load the synthetic practice with a progress line; Ctrl+C cancels cleanly."""

from __future__ import annotations

import argparse
import threading

from medbill_tui.cli.common import CommandCancelled, CommandError
from medbill_tui.cli.progress import ProgressLine
from medbill_tui.runtime.bootstrap import Runtime


def run_demo(runtime: Runtime, args: argparse.Namespace) -> None:
    """Load the demo in a worker thread so Ctrl+C can cancel it (nothing is left behind)."""
    from medbill_tui.db.demo import DemoCancelled, DemoRefused, DemoResult, load_demo

    progress = ProgressLine("Loading demo practice")
    cancel = threading.Event()
    results: list[DemoResult] = []
    errors: list[BaseException] = []
    finished = threading.Event()

    def work() -> None:  # in the loading thread
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
        finally:
            finished.set()

    # Wait on an Event, not Thread.join: a join that Ctrl+C interrupts may later return
    # while the thread still runs (CPython 3.11), and the load would look like it vanished.
    threading.Thread(target=work, name="demo-load", daemon=True).start()
    interrupted = _wait(finished, cancel)
    progress.finish()
    error = errors[0] if errors else None
    if isinstance(error, DemoCancelled):
        raise CommandCancelled("demo load cancelled; the database is as it was")
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
    if interrupted:  # Ctrl+C came as the load committed: it is in, but open no app
        raise CommandCancelled("cancelled after the demo was loaded; the app was not opened")


def _wait(finished: threading.Event, cancel: threading.Event) -> bool:
    """Wait for the load to end; Ctrl+C asks it to stop (and rolls it back) and waits on.
    True when Ctrl+C was pressed."""
    interrupted = False
    while True:
        try:
            while not finished.wait(0.2):
                pass
            return interrupted
        except KeyboardInterrupt:  # again and again: the rollback still has to finish
            interrupted = True
            cancel.set()
