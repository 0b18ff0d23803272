"""Escape followed quickly by a key is two keys.

A terminal sends Alt+key as ESC then the key, so Textual's parser reads ESC and whatever
follows within ESCDELAY (100 ms) as one Alt key, and maps ESC + a digit to the character
macOS's Option key gives (`\\x1b2` is "™", `\\x1b4` is "¢"). A biller typing Escape then 2
fast, or over a link that delivers both in one packet, lost both keys. The app binds no
Alt + character key, so here ESC + a printable character is Escape and then that key,
unless the keymap binds that Alt key (ESC + a control key, such as the fields'
alt+backspace, is left as it was). Sequences that start a terminal report or a special key (CSI
`[`, SS3 `O`, and the string introducers) are left to Textual.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable

from textual import events
from textual._xterm_parser import XTermParser
from textual.drivers import linux_driver
from textual.drivers.linux_driver import LinuxDriver

ESC = "\x1b"
STARTS_A_SEQUENCE = frozenset("[O]P_\\^X")
"""After ESC these begin a control sequence or a terminal's report, not a typed key."""


class EscapeThenKeyParser(XTermParser):
    """Textual's parser, reading ESC + a character as Escape then the character."""

    def __init__(self, debug: bool = False, alt_keys: frozenset[str] = frozenset()) -> None:
        super().__init__(debug)
        self.alt_keys = alt_keys
        """Alt keys something binds (these stay one key)."""

    def _sequence_to_key_events(self, sequence: str, alt: bool = False) -> Iterable[events.Key]:
        if (
            len(sequence) == 2
            and sequence[0] == ESC
            and sequence[1].isprintable()  # ESC + backspace stays as Textual reads it
            and sequence[1] not in STARTS_A_SEQUENCE
        ):
            keys = list(super()._sequence_to_key_events(sequence[1]))
            if keys and not any(f"alt+{key.key}" in self.alt_keys for key in keys):
                yield events.Key("escape", ESC)
                yield from keys
                return
        yield from super()._sequence_to_key_events(sequence, alt)


def parser_factory(alt_keys: frozenset[str]) -> Callable[[bool], XTermParser]:
    def make(debug: bool = False) -> XTermParser:
        return EscapeThenKeyParser(debug, alt_keys)

    return make


class EscapeThenKeyDriver(LinuxDriver):
    """The Linux terminal driver reading keys with `EscapeThenKeyParser`."""

    def run_input_thread(self) -> None:
        # LinuxDriver builds its parser from this module-level name when the input thread
        # starts; only this process's one app runs a driver.
        alt_keys: frozenset[str] = getattr(self._app, "alt_keys", frozenset())
        setattr(linux_driver, "XTermParser", parser_factory(alt_keys))  # noqa: B010
        super().run_input_thread()
