"""Errors every layer may raise or catch; imports nothing (screens and the first frame may
import it before SQLAlchemy is loaded)."""

from __future__ import annotations


class ConfigError(Exception):
    """A setting has a value the app cannot use, or a folder is not usable (the CLI exits 2)."""


class ServiceError(Exception):
    """Base of the errors screens show to the user."""


class NotFound(ServiceError):
    """The record asked for does not exist (any more)."""


class LeaseHeld(ServiceError):
    """Someone else holds the work item's lease: the action was refused and nothing changed
    (the message names who, and until when)."""


class ServiceUnavailable(ServiceError):
    """The database cannot be reached right now."""


class DatabaseRefused(ServiceError):
    """The database refused the change for this login's role (exit status 3): its privileges
    say no, whatever the app's own user table says."""
