"""Findings of the charge-entry form: which field each belongs to, the counts, and the panel
that lists them with ✖ / ⚠ in front (the marks carry the meaning, not the colour)."""

from __future__ import annotations

from collections.abc import Iterable, Sequence

from rich.console import Group
from rich.text import Text
from textual.containers import VerticalScroll
from textual.widgets import Static

from medbill_tui.records.forms import FormFinding
from medbill_tui.widgets.code_input import ERROR_MARK, WARNING_MARK
from medbill_tui.widgets.encounter_messages import FieldMap

_HEADER_FIELDS = {
    "dos": "dos",
    "pos": "pos",
    "coverage": "coverage",
    "auth": "auth",
    "billing": None,
}
REFERRING_FIELDS = ("ref-npi", "ref-last", "ref-first")
"""The referring provider's fields (findings "referring.npi", "referring.last", …)."""
_LINE_PARTS = {"code": "code", "units": "units", "charge": "charge", "pointers": "pointers"}


def mark(finding: FormFinding) -> str:
    return ERROR_MARK if finding.severity == "error" else WARNING_MARK


def finding_line(finding: FormFinding) -> str:
    """'✖ message (fix before saving)': what it blocks, in words."""
    if finding.blocks_save:
        blocks = " (fix before saving)"
    elif finding.severity == "error":
        blocks = " (fix before billing)"
    else:
        blocks = ""
    return f"{mark(finding)} {finding.message}{blocks}"


def _row(rows: Sequence[int], number: str) -> int | None:
    if not number.isdigit() or not rows:
        return None
    index = int(number) - 1
    return rows[index] if 0 <= index < len(rows) else rows[-1]


def widget_id_for(field: str, fields: FieldMap) -> str | None:
    """The id of the field a finding's path points at ("line.2.modifier.1" -> the first
    modifier of the screen row that became line 2); None for what has no field here."""
    parts = field.split(".")
    head = parts[0]
    if head in _HEADER_FIELDS:
        return _HEADER_FIELDS[head]
    if head == "provider":
        return "provider"
    if head == "patient":
        return "patient"
    if head == "referring" and len(parts) > 1 and f"ref-{parts[1]}" in REFERRING_FIELDS:
        return f"ref-{parts[1]}"
    if head == "dx":
        row = _row(fields.dx_rows, parts[1]) if len(parts) > 1 else None
        return f"dx-{row if row is not None else 0}"
    if head == "line":
        row = _row(fields.line_rows, parts[1]) if len(parts) > 1 else None
        if row is None:
            return "line-0-code"
        part = parts[2] if len(parts) > 2 else "code"
        if part == "modifier" and len(parts) > 3 and parts[3].isdigit():
            return f"line-{row}-mod-{min(max(int(parts[3]), 1), 4) - 1}"
        return f"line-{row}-{_LINE_PARTS.get(part, 'code')}"
    return None


def severities(findings: Iterable[FormFinding], fields: FieldMap) -> dict[str, str]:
    """Widget id -> "error" or "warning" (an error outranks a warning on the same field)."""
    out: dict[str, str] = {}
    for finding in findings:
        target = widget_id_for(finding.field, fields)
        if target is not None and out.get(target) != "error":
            out[target] = finding.severity
    return out


def counts_text(findings: Sequence[FormFinding]) -> str:
    """'2✖ 1⚠' for a title; '' when there is nothing."""
    errors = sum(1 for f in findings if f.severity == "error")
    warnings = len(findings) - errors
    parts = []
    if errors:
        parts.append(f"{errors}{ERROR_MARK}")
    if warnings:
        parts.append(f"{warnings}{WARNING_MARK}")
    return " ".join(parts)


def status_text(findings: Sequence[FormFinding]) -> str:
    """The line above the form: the counts in words, and what blocks saving."""
    if not findings:
        return "No problems found."
    errors = [f for f in findings if f.severity == "error"]
    blocking = sum(1 for f in errors if f.blocks_save)
    warnings = len(findings) - len(errors)
    words = []
    if errors:
        words.append(f"{ERROR_MARK} {len(errors)} error{'s' if len(errors) != 1 else ''}")
    if warnings:
        words.append(f"{WARNING_MARK} {warnings} warning{'s' if warnings != 1 else ''}")
    text = " · ".join(words)
    if blocking:
        text += f" ({blocking} to fix before saving)"
    elif errors:
        text += " (saving is fine; the claim waits for these)"
    return text + " · ctrl+n: next"


class FindingsPanel(VerticalScroll, can_focus=False):
    """Every finding of the form, one per line, in screen order."""

    DEFAULT_CSS = """
    FindingsPanel {
        height: auto;
        max-height: 4;
        border-top: solid $border;
        padding: 0 1;
        scrollbar-size-vertical: 1;
    }
    FindingsPanel.-empty {
        display: none;
    }
    FindingsPanel > Static {
        height: auto;
    }
    """

    def compose(self) -> Iterable[Static]:
        yield Static("", id="findings-text")

    def show(self, findings: Sequence[FormFinding], current: Sequence[FormFinding] = ()) -> None:
        """List `findings` one line each; those of the field with the cursor (`current`)
        come first and in full."""
        parts: list[Text] = [Text(finding_line(f)) for f in current]
        parts += [
            Text(finding_line(f), no_wrap=True, overflow="ellipsis")
            for f in findings
            if f not in current
        ]
        self.query_one("#findings-text", Static).update(Group(*parts))
        self.set_class(not findings, "-empty")
