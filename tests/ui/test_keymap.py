"""Keymap files: both spellings, and clear errors for everything else."""

from __future__ import annotations

import importlib
import inspect
import pkgutil
import subprocess
import sys
from pathlib import Path

import pytest
from textual.binding import Binding

from medbill_tui.shell.binding_ids import BINDING_IDS
from medbill_tui.shell.keymap import KeymapError, load_keymap, parse_keymap, unknown_ids


def test_simple_lines_with_comments() -> None:
    text = "# my keys\napp.help = f1   # F1 like elsewhere\n\nqueue.filter = ctrl+f, slash\n"
    assert parse_keymap(text) == {"app.help": "f1", "queue.filter": "ctrl+f,slash"}


def test_toml_quoted_values_and_tables() -> None:
    text = '"app.help" = "f1"\n[queue]\nfilter = ["ctrl+f", "slash"]\nopen = "o"\n'
    assert parse_keymap(text) == {
        "app.help": "f1",
        "queue.filter": "ctrl+f,slash",
        "queue.open": "o",
    }


def test_toml_dotted_keys_are_binding_ids() -> None:
    assert parse_keymap('app.queue-unbilled = "u"\n') == {"app.queue-unbilled": "u"}


def test_single_characters_are_keys() -> None:
    assert parse_keymap("app.help = ?\napp.quit = Q\n") == {"app.help": "?", "app.quit": "Q"}
    assert parse_keymap("app.queue-denials = 3\n") == {"app.queue-denials": "3"}


@pytest.mark.parametrize(
    ("text", "words"),
    [
        ("this is not a keymap\n", "line 1"),
        ("app.help =\n", "no key given"),
        ("app.help = ctrl+\n", "not a key name"),
        ("app.help = f1,,f2\n", "no key given"),
        ("app help = f1\n", "line 1"),
        ("[app]\nhelp = true\n", "keys must be text"),
        ("app.help = 1.5\n", "keys must be text"),
    ],
)
def test_bad_keymaps_say_why(text: str, words: str) -> None:
    with pytest.raises(KeymapError, match=words):
        parse_keymap(text)


def test_load_reports_the_file(tmp_path: Path) -> None:
    with pytest.raises(KeymapError, match="does not exist"):
        load_keymap(tmp_path / "missing.toml")
    bad = tmp_path / "bad.toml"
    bad.write_bytes(b"\xff\xfe app.help = f1")
    with pytest.raises(KeymapError, match="cannot read"):
        load_keymap(bad)
    good = tmp_path / "good.toml"
    good.write_text("app.help = f1\n", encoding="utf-8")
    assert load_keymap(good) == {"app.help": "f1"}


def test_unknown_ids() -> None:
    assert unknown_ids({"app.help": "f1", "app.hlep": "f2"}, {"app.help"}) == ["app.hlep"]


def _ids_of_the_real_classes() -> set[str]:
    """Binding ids of every class in the app module and every module of screens/ and widgets/."""
    names = ["medbill_tui.shell.app"]
    for package in ("medbill_tui.screens", "medbill_tui.widgets"):
        path = importlib.import_module(package).__path__
        names += [f"{package}.{module.name}" for module in pkgutil.iter_modules(path)]
    ids: set[str] = set()
    for name in names:
        for _, cls in inspect.getmembers(importlib.import_module(name), inspect.isclass):
            for base in cls.__mro__:
                for binding in base.__dict__.get("BINDINGS", []):
                    if isinstance(binding, Binding) and binding.id:
                        ids.add(binding.id)
    return ids


def test_the_written_out_binding_ids_are_the_real_ones() -> None:
    """binding_ids.py (what a keymap is checked against at start, without importing every
    screen) lists exactly the ids the classes have: add, rename or remove them there too."""
    real = _ids_of_the_real_classes()
    assert sorted(real - BINDING_IDS) == [], "missing from medbill_tui/binding_ids.py"
    assert sorted(BINDING_IDS - real) == [], "no binding has these ids any more"


def test_starting_the_app_imports_only_the_first_screen() -> None:
    """Screens are imported on first use: the app module and its dashboard load no others."""
    code = (
        "import sys, medbill_tui.shell.app; "
        "from medbill_tui.screens import dashboard; "
        "print(' '.join(m for m in sys.modules if m.startswith('medbill_tui.screens.')))"
    )
    loaded = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True,
                            check=True).stdout.split()  # fmt: skip
    assert sorted(loaded) == [
        "medbill_tui.screens.base",
        "medbill_tui.screens.dashboard",
        "medbill_tui.screens.too_small",
    ]


def test_the_first_frame_needs_no_database_library() -> None:
    """Plain `medbill` paints before it connects: what it imports up to the first frame
    loads neither SQLAlchemy nor psycopg (~0.5 s of the start; see docs/performance.md)."""
    code = (
        "import sys, medbill_tui.cli, medbill_tui.cli.tui, medbill_tui.runtime.config, "
        "medbill_tui.runtime.logs, medbill_tui.shell.app; "
        "from medbill_tui.screens import dashboard; "
        "print(' '.join(m for m in sys.modules if m.split('.')[0] in ('sqlalchemy', 'psycopg')))"
    )
    loaded = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True,
                            check=True).stdout.split()  # fmt: skip
    assert loaded == []
