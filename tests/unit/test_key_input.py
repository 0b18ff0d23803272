"""ESC followed at once by a key is Escape and then that key (not one Alt key, not a macOS
Option character), unless something binds that Alt key; terminal sequences still parse."""

from __future__ import annotations

import importlib
import inspect
import pkgutil

import pytest
from textual.binding import Binding

from medbill_tui.shell.key_input import EscapeThenKeyParser


def keys(data: str, alt_keys: frozenset[str] = frozenset()) -> list[str]:
    parser = EscapeThenKeyParser(alt_keys=alt_keys)
    return [getattr(event, "key", type(event).__name__) for event in parser.feed(data)]


@pytest.mark.parametrize(
    ("data", "expected"),
    [
        ("\x1b2", ["escape", "2"]),  # Textual alone: "™" (WezTerm's Option+2)
        ("\x1b4", ["escape", "4"]),  # Textual alone: "¢"
        ("?\x1b4", ["question_mark", "escape", "4"]),
        ("3n\x1b2", ["3", "n", "escape", "2"]),
        ("\x1bn", ["escape", "n"]),  # Textual alone: alt+n after ESCDELAY
        ("\x1b\x7f", ["ctrl+w"]),  # as Textual reads it: a field deletes a word
        ("\x1b[A", ["up"]),  # CSI: a special key, as before
        ("\x1b[1;3A", ["alt+up"]),  # charge entry's alt+up still arrives
        ("\x1b[200~x\x1b[201~", ["Paste"]),
    ],
)
def test_escape_then_a_key_is_two_keys(data: str, expected: list[str]) -> None:
    assert keys(data) == expected


def test_an_alt_key_the_keymap_binds_stays_one_key() -> None:
    assert "escape" not in keys("\x1bn", frozenset({"alt+n"}))


NOT_CHARACTERS = {"up", "down", "left", "right", "home", "end", "pageup", "pagedown",
                  "backspace", "delete", "enter", "tab", "escape"}  # fmt: skip


def test_the_app_binds_no_alt_character_key() -> None:
    """Were one bound (here or in a Textual widget the screens use), ESC + that character
    would have to stay one key (alt_keys)."""
    names = ["medbill_tui.shell.app"]
    for package in ("medbill_tui.screens", "medbill_tui.widgets"):
        path = importlib.import_module(package).__path__
        names += [f"{package}.{module.name}" for module in pkgutil.iter_modules(path)]
    alt: set[str] = set()
    for name in names:
        for _, cls in inspect.getmembers(importlib.import_module(name), inspect.isclass):
            for base in cls.__mro__:
                for binding in base.__dict__.get("BINDINGS", []):
                    if isinstance(binding, Binding):
                        alt |= {k for k in binding.key.split(",") if k.startswith("alt+")}
    assert {key for key in alt if key[4:] not in NOT_CHARACTERS} == set()
