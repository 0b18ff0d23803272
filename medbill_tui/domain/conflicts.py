"""Field-by-field differences between versions of a form (pure: no I/O)."""

from __future__ import annotations

from dataclasses import fields, is_dataclass, replace
from typing import Any

from medbill_tui.records.conflicts import FieldChange

SKIP = frozenset(
    {"version", "encounter_id", "patient_id", "coverage_id", "authorization_id", "account_no"}
)
"""Keys and bookkeeping, not entries a biller typed."""

WORDS = {
    "diagnoses": "diagnosis",
    "lines": "line",
    "modifiers": "modifier",
    "dos": "date of service",
    "pos": "place of service",
    "provider_id": "provider",
    "payer_id": "payer",
    "dob": "date of birth",
    "address1": "address",
    "zip": "ZIP",
    "group_no": "group",
    "member_id": "member ID",
    "pointers": "dx pointers",
}
"""Field names in words, where the name is not already a word."""


def flatten(form: object, skip: frozenset[str] = SKIP) -> dict[str, str]:
    """The form's entries by path: "phone", "diagnoses.2", "lines.1.modifiers.3"."""
    out: dict[str, str] = {}
    if not is_dataclass(form):
        raise TypeError(f"not a form: {form!r}")
    for field in fields(form):
        if field.name not in skip:
            _flat(field.name, getattr(form, field.name), out)
    return out


def _flat(path: str, value: Any, out: dict[str, str]) -> None:
    if is_dataclass(value) and not isinstance(value, type):
        for field in fields(value):
            _flat(f"{path}.{field.name}", getattr(value, field.name), out)
    elif isinstance(value, tuple):
        for index, item in enumerate(value, start=1):
            _flat(f"{path}.{index}", item, out)
    else:
        out[path] = "" if value is None else str(value)


def label(path: str) -> str:
    """A field path in words: "lines.1.charge" -> "line 1 charge"."""
    return " ".join(WORDS.get(part, part.replace("_", " ")) for part in path.split("."))


def _order(*maps: dict[str, str]) -> list[str]:
    seen: dict[str, None] = {}
    for mapping in maps:
        seen.update(dict.fromkeys(mapping))
    return list(seen)


def changed_fields(loaded: object | None, theirs: object, yours: object) -> tuple[FieldChange, ...]:
    """The fields whose saved value differs from what you opened (`loaded`); with no
    `loaded` (unknown), the fields where theirs differs from yours."""
    mine, saved = flatten(yours), flatten(theirs)
    base = flatten(loaded) if loaded is not None else None
    changes = []
    for path in _order(base or {}, saved, mine):
        before = (base if base is not None else mine).get(path, "")
        now = saved.get(path, "")
        if before != now:
            changes.append(
                FieldChange(
                    path, label(path), None if base is None else before, now, mine.get(path, "")
                )
            )
    return tuple(changes)


def reapply(loaded: dict[str, str], mine: dict[str, str], theirs: dict[str, str]) -> dict[str, str]:
    """Your changes on top of theirs: each field you changed (mine ≠ as opened) takes your
    value, every other field keeps theirs — so re-applying never undoes their edits."""
    return {
        key: mine[key] if key in mine and mine[key] != loaded.get(key) else value
        for key, value in theirs.items()
    }


def reapply_form(loaded: Any, mine: Any, theirs: Any) -> Any:
    """`reapply` for a form dataclass, field by field at the top level (a changed diagnosis
    list or service-line list is yours as a whole); ids and version stay theirs."""
    changed = {
        field.name: getattr(mine, field.name)
        for field in fields(mine)
        if field.name not in SKIP and getattr(mine, field.name) != getattr(loaded, field.name)
    }
    return replace(theirs, **changed)
