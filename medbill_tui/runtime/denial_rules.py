"""The denial routing rules in use: the shipped default, or the file MEDBILL_DENIAL_RULES names.

Read and validated once at start (the app, and the commands that post remittances), then made
the process's active rules with `activate`; a file that cannot be used stops the command with
exit status 2 and the rule and line at fault. Posting routes denials by `active_rules()`.
"""

from __future__ import annotations

from pathlib import Path

from medbill_tui.db.shipped_data import shipped_denial_rules
from medbill_tui.domain.routing import RuleSet, RulesInvalid, parse_rules
from medbill_tui.runtime.config import ConfigError

_active: list[RuleSet] = []


class DenialRulesInvalid(ConfigError):
    """The rules file cannot be read or is not valid; the message lists every problem."""


def default_rules() -> RuleSet:
    """The shipped rules (parsed once)."""
    return shipped_denial_rules()


def load_denial_rules(path: Path | None) -> RuleSet:
    """The rules of `path`, or the shipped default when `path` is None.

    Raises DenialRulesInvalid (a ConfigError: the CLI exits 2) naming the file, the rule and
    the line of every problem.
    """
    if path is None:
        return default_rules()
    try:
        raw = path.read_bytes()
    except OSError as exc:
        raise DenialRulesInvalid(
            f"cannot read the denial routing rules {path}: {exc.strerror or exc}"
        ) from None
    try:
        text = raw.decode("utf-8-sig")
    except UnicodeDecodeError:
        raise DenialRulesInvalid(f"denial routing rules {path} are not UTF-8 text") from None
    try:
        return parse_rules(text, str(path))
    except RulesInvalid as exc:
        raise DenialRulesInvalid(str(exc)) from None


def activate(rules: RuleSet | None) -> None:
    """Make `rules` the ones posting uses from now on (None: back to the shipped default)."""
    _active[:] = [rules] if rules is not None else []


def active_rules() -> RuleSet:
    """The rules `activate` set, else the shipped default."""
    return _active[0] if _active else default_rules()
