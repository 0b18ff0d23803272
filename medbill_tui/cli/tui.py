"""Plain `medbill`: the app paints its dashboard first, then signs in from a worker.

Reaching the database means importing SQLAlchemy and psycopg and opening a connection
(~0.8 s together); the first frame does not wait for them. The sign-in (connect, denial
rules, schema check, the login's user row, the audit login) runs in the app's worker, and
nothing with data is shown until it succeeded (a screen asked for meanwhile opens then).
If it fails, the app closes and the reason is printed here with the same exit status a
subcommand would give. Quitting while it still runs ends the app at once, but the process
lasts until the connection attempt returns (it is not interruptible mid-way).
"""

from __future__ import annotations

from contextlib import suppress
from functools import partial
from typing import TYPE_CHECKING, Any

from medbill_tui.cli.common import EXIT_INTERRUPTED, EXIT_OK, EXIT_USAGE, fail
from medbill_tui.errors import ServiceError

if TYPE_CHECKING:
    from medbill_tui.runtime.config import Settings
    from medbill_tui.services import Services
    from medbill_tui.shell.app import MedbillApp


def open_app() -> int:
    """Read the settings, open the app and sign in behind its first frame."""
    from medbill_tui.runtime.config import ConfigError, load_settings
    from medbill_tui.runtime.file_modes import restrict_new_files
    from medbill_tui.runtime.logs import configure_logging

    try:
        settings = load_settings()
    except ConfigError as exc:
        return fail(str(exc), EXIT_USAGE)
    restrict_new_files(settings.team_group)
    configure_logging(settings, to_file=True)
    from medbill_tui.shell.app import MedbillApp

    app = MedbillApp(sign_in=partial(_sign_in, settings), **_app_options(settings))
    try:
        _run(app)
    except KeyboardInterrupt:  # SIGINT from outside (inside the app ctrl+c is a key)
        return fail("interrupted", EXIT_INTERRUPTED)
    error = app.sign_in_error
    if error is None:
        return EXIT_OK
    from medbill_tui.cli.signin import exit_status

    status = exit_status(error)
    if status is None:
        raise error
    return fail(str(error), status)


def run_app(services: Services, settings: Settings) -> int:
    """Open the app on services already signed in (after `medbill demo`)."""
    from medbill_tui.shell.app import MedbillApp

    _run(MedbillApp(services, **_app_options(settings)))
    return EXIT_OK


def _sign_in(settings: Settings) -> Services:
    from medbill_tui.cli.signin import sign_in

    return sign_in(settings)


def _app_options(settings: Settings) -> dict[str, Any]:
    return {
        "keymap_file": settings.keymap_file,
        "page_size": settings.page_size,
        "idle_minutes": settings.idle_minutes or None,
    }


def _run(app: MedbillApp) -> None:
    try:
        app.run()
    finally:
        end_of_run(app)


def end_of_run(app: MedbillApp) -> None:
    """After the app has ended: free the work items this session took, log the session out
    (unless a hang-up or termination already did) and close its connections; also when the
    app closed while still signing in."""
    services = app.services_if_signed_in
    if services is None:
        return
    if app.end_reason == "tui":  # a plain quit: free what this session took (end_session
        with suppress(ServiceError):  # did it for the other endings); CLI leases stay
            services.work.release_mine()
    if not app.logged_out:
        with suppress(ServiceError):  # the database went away: the login row stands alone
            services.audit.logout(app.end_reason)
    services.close()
