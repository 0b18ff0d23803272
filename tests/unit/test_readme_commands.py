"""The README's Commands table and `medbill --help` name the same commands and subcommands,
and the table is one table (a blank line inside it turns the rest into loose text)."""

from __future__ import annotations

import argparse
import re
from pathlib import Path

from medbill_tui.cli.dispatch import build_parser

README = Path(__file__).resolve().parents[2] / "README.md"


def _subcommands(parser: argparse.ArgumentParser) -> dict[str, argparse.ArgumentParser]:
    for action in parser._actions:
        if isinstance(action, argparse._SubParsersAction):
            return dict(action.choices)
    return {}


def help_commands() -> set[str]:
    """'claims', 'claims create', …: every command and subcommand the parser knows."""
    names: set[str] = set()
    for name, parser in _subcommands(build_parser()).items():
        names.add(name)
        names.update(f"{name} {sub}" for sub in _subcommands(parser))
    return names


def commands_table() -> list[str]:
    """The rows of the table under '## Commands', up to its first non-row line."""
    lines = README.read_text(encoding="utf-8").split("## Commands\n", 1)[1].splitlines()
    start = next(i for i, line in enumerate(lines) if line.startswith("|"))
    rows = []
    for line in lines[start:]:
        if not line.startswith("|"):
            break
        rows.append(line)
    return rows[2:]  # past the header and its rule


def table_commands(rows: list[str]) -> set[str]:
    """Every `medbill …` in the first column, alternatives (`a\\|b`, `[list]`) spelled out."""
    known = {name: set(_subcommands(p)) for name, p in _subcommands(build_parser()).items()}
    names: set[str] = set()
    for row in rows:
        first_column = re.split(r"(?<!\\)\|", row)[1]
        for span in re.findall(r"`medbill ([^`]*)`", first_column):
            words = span.split()
            command = words[0]
            names.add(command)
            if len(words) > 1 and known.get(command):
                for sub in words[1].strip("[]").split("\\|"):
                    names.add(f"{command} {sub}")
    return names


def test_the_commands_table_is_one_table() -> None:
    text = README.read_text(encoding="utf-8").split("## Commands\n", 1)[1]
    section = text.split("\n## ", 1)[0]
    rows = [line for line in section.splitlines() if line.startswith("| `medbill")]
    assert rows == commands_table()


def test_every_command_in_help_is_in_the_readme_and_back() -> None:
    in_table = table_commands(commands_table())
    in_help = help_commands()
    assert in_help - in_table == set(), "in --help but not in the README's Commands table"
    assert in_table - in_help == set(), "in the README's Commands table but not in --help"
