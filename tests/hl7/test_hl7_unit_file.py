"""The systemd unit shipped for `medbill hl7 listen` (docs/samples) is one systemd accepts and
runs a command line this version parses."""

from __future__ import annotations

import configparser
import shlex
import shutil
import subprocess
import sys
from pathlib import Path

import pytest

from medbill_tui.cli.dispatch import build_parser

UNIT = Path(__file__).parents[2] / "docs" / "samples" / "medbill-hl7.service"


def test_the_units_command_line_is_the_listener_of_this_version() -> None:
    unit = configparser.ConfigParser(interpolation=None, strict=False)
    unit.read(UNIT)
    argv = shlex.split(unit["Service"]["ExecStart"])
    assert Path(argv[0]).name == "medbill"
    args = build_parser().parse_args(argv[1:])
    assert (args.command, args.hl7_command, args.host) == ("hl7", "listen", "127.0.0.1")
    assert unit["Service"]["KillSignal"] == "SIGTERM" and unit["Service"]["UMask"] == "0077"
    assert unit["Service"]["User"] != "root"


@pytest.mark.skipif(shutil.which("systemd-analyze") is None, reason="no systemd-analyze here")
def test_systemd_verifies_the_unit_without_a_warning(tmp_path: Path) -> None:
    medbill = Path(sys.executable).with_name("medbill")
    text = UNIT.read_text().replace("/opt/medbill/.venv/bin/medbill", str(medbill))
    # the unit's account and group are made at install time; verify as one that exists
    text = text.replace("User=hl7feed", "User=root").replace("Group=medbill", "Group=root")
    unit = tmp_path / "medbill-hl7.service"
    unit.write_text(text)
    done = subprocess.run(
        ["systemd-analyze", "verify", str(unit)], capture_output=True, text=True, timeout=60
    )
    assert (done.returncode, done.stderr.strip()) == (0, "")
