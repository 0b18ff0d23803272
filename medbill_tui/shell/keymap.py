"""User keymaps: a small file that moves bindings to other keys by binding id.

Two spellings are accepted, one binding per line::

    # comments start with '#'
    app.help = f1
    queue.filter = "ctrl+f,slash"

The same file is valid TOML when values are quoted; TOML tables (`[app]` then
`help = "f1"`) name the ids `app.help` too. Several keys for one binding are separated
by commas.
"""

from __future__ import annotations

import re
import tomllib
from collections.abc import Iterable, Mapping, Sequence
from pathlib import Path
from typing import Any

from textual.binding import BindingsMap
from textual.keys import format_key

_ID = re.compile(r"^[A-Za-z0-9_][A-Za-z0-9_.\-]*$")
_KEY = re.compile(r"^(?:[a-z0-9_]+\+)*(?:[a-z0-9_\-]+|[^\s,+])$")
_LINE = re.compile(r"^\s*(?P<id>[^=\s]+)\s*=\s*(?P<keys>.*?)\s*$")


class KeymapError(Exception):
    """The keymap file cannot be used; the message says where and why."""


def load_keymap(path: Path) -> dict[str, str]:
    """Read and check a keymap file; raises KeymapError with a readable reason."""
    try:
        source = path.read_text(encoding="utf-8")
    except FileNotFoundError:
        raise KeymapError(f"keymap file {path} does not exist") from None
    except (OSError, UnicodeDecodeError) as exc:
        raise KeymapError(f"cannot read keymap file {path}: {exc}") from None
    try:
        return parse_keymap(source)
    except KeymapError as exc:
        raise KeymapError(f"keymap file {path}: {exc}") from None


def parse_keymap(source: str) -> dict[str, str]:
    """Turn keymap text into {binding id: "key,key"}."""
    try:
        table = tomllib.loads(source)
    except tomllib.TOMLDecodeError:
        keymap = _parse_lines(source)
    else:
        keymap = dict(_flatten(table))
    return {binding_id: _check(binding_id, keys) for binding_id, keys in keymap.items()}


def unknown_ids(keymap: Mapping[str, str], known: Iterable[str]) -> list[str]:
    """Binding ids in `keymap` that no binding of the app has (likely typos)."""
    known_set = set(known)
    return sorted(binding_id for binding_id in keymap if binding_id not in known_set)


def keys_in_effect(bindings: BindingsMap, keymap: Mapping[str, str], binding_id: str) -> list[str]:
    """The keys that run the binding `binding_id` of `bindings` once `keymap` is applied (by
    Textual's own rules, on a copy), in the order they are bound."""
    mapped = bindings.copy()
    mapped.apply_keymap(keymap)
    return [key for key, binding in mapped if binding.id == binding_id]


def key_words(keys: Sequence[str]) -> str:
    """Keys as a sentence names them: 'key 5', 'ctrl+t', 'key 5 or f5' ('no key' for none)."""
    if not keys:
        return "no key"
    shown = " or ".join(_key_name(key) for key in keys)
    return shown if "+" in keys[0] else f"key {shown}"


def _key_name(key: str) -> str:
    modifiers, _, last = key.rpartition("+")
    return f"{modifiers}+{format_key(last)}" if modifiers else format_key(last)


def _flatten(table: Mapping[str, Any], prefix: str = "") -> Iterable[tuple[str, str]]:
    for name, value in table.items():
        binding_id = f"{prefix}{name}"
        if isinstance(value, Mapping):
            yield from _flatten(value, prefix=f"{binding_id}.")
        elif isinstance(value, str):
            yield binding_id, value
        elif isinstance(value, int) and not isinstance(value, bool):  # `app.x = 3`: the key 3
            yield binding_id, str(value)
        elif isinstance(value, list) and all(isinstance(item, str) for item in value):
            yield binding_id, ",".join(value)
        else:
            raise KeymapError(f'{binding_id}: keys must be text such as "f1" or "ctrl+f"')


def _parse_lines(source: str) -> dict[str, str]:
    keymap: dict[str, str] = {}
    for number, raw in enumerate(source.splitlines(), start=1):
        line = raw.split("#", 1)[0].strip() if not raw.strip().startswith("#") else ""
        if not line:
            continue
        match = _LINE.match(line)
        if match is None:
            raise KeymapError(f"line {number}: expected 'binding-id = keys', got {raw.strip()!r}")
        keys = match["keys"].strip().strip("\"'")
        keymap[match["id"].strip("\"'")] = keys
    return keymap


def _check(binding_id: str, keys: str) -> str:
    if not _ID.match(binding_id):
        raise KeymapError(f"{binding_id!r} is not a binding id (see ? for the ids)")
    parts = [part.strip() for part in keys.split(",")]
    if not keys.strip() or any(not part for part in parts):
        raise KeymapError(f"{binding_id}: no key given")
    for part in parts:
        if not _KEY.match(part):
            raise KeymapError(f"{binding_id}: {part!r} is not a key name (e.g. f1, ctrl+f, j)")
    return ",".join(parts)
