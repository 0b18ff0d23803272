"""The diagnoses of charge entry: up to 12 ICD-10-CM codes, each with its words beside it.

Rows appear as they are needed: the filled ones and one blank row to type the next code.
"""

from __future__ import annotations

from collections.abc import Sequence

from rich.text import Text
from textual.app import ComposeResult
from textual.containers import Horizontal, Vertical
from textual.widgets import Static

from medbill_tui.records.forms import FormFinding
from medbill_tui.widgets.code_input import CodeInput, FieldLabel
from medbill_tui.widgets.code_picks import CodePicks
from medbill_tui.widgets.encounter_findings import mark
from medbill_tui.widgets.encounter_messages import CodeChoice

MAX_DIAGNOSES = 12
DX_TEXT_LENGTH = 40
"""A diagnosis field takes words too (searched for codes), so it holds more than a code."""


class NoteLine(Static):
    """One line of words next to a field: a code's description or the field's finding."""

    DEFAULT_CSS = """
    NoteLine {
        width: 1fr;
        height: 1;
        text-wrap: nowrap;
        text-overflow: ellipsis;
    }
    """

    def __init__(self, *, id: str | None = None) -> None:
        super().__init__("", id=id)
        self.words = ""
        self.finding: FormFinding | None = None
        self.searching = False
        """The field holds words being searched: their result reads before its finding."""

    def show_words(self, words: str, *, searching: bool = False) -> None:
        self.words, self.searching = words, searching
        self._render_note()

    def show_finding(self, finding: FormFinding | None) -> None:
        self.finding = finding
        self._render_note()

    def _render_note(self) -> None:
        if self.finding is not None and self.searching:
            self.update(Text(f"{mark(self.finding)} {self.words}"))
        elif self.finding is not None:
            self.update(Text(f"{mark(self.finding)} {self.finding.message}"))
        else:
            self.update(Text(self.words))


class DiagnosisRow(Horizontal):
    """Diagnosis number, code field (`dx-<row>`) and the code's words."""

    DEFAULT_CSS = """
    DiagnosisRow {
        height: 1;
    }
    """

    def __init__(self, index: int, code: str = "") -> None:
        super().__init__(classes="entry-row")
        self.index = index
        self._code = code

    def compose(self) -> ComposeResult:
        yield FieldLabel(f"{self.index + 1:>2}", id=f"dx-label-{self.index}")
        yield CodeInput(
            self._code, id=f"dx-{self.index}", width=9, max_length=DX_TEXT_LENGTH, words=True
        )
        yield NoteLine(id=f"dx-words-{self.index}")

    @property
    def input(self) -> CodeInput:
        return self.query_one(CodeInput)

    @property
    def note(self) -> NoteLine:
        return self.query_one(NoteLine)

    def show_finding(self, finding: FormFinding | None) -> None:
        severity = finding.severity if finding is not None else None
        self.query_one(FieldLabel).show_severity(severity)
        self.input.show_severity(severity)
        self.note.show_finding(finding)


class DiagnosisList(Vertical):
    """The diagnosis rows under a heading."""

    DEFAULT_CSS = """
    DiagnosisList {
        height: auto;
    }
    """

    def compose(self) -> ComposeResult:
        yield Static(
            "Diagnoses (ICD-10-CM) · Enter on a blank one: service lines · ctrl+↑/↓ reorder",
            classes="entry-heading",
        )
        yield DiagnosisRow(0)
        yield CodePicks(id="dx-picks")

    @property
    def rows(self) -> list[DiagnosisRow]:
        return list(self.query(DiagnosisRow))

    @property
    def picks(self) -> CodePicks:
        return self.query_one(CodePicks)

    def show_picks(self, row: DiagnosisRow, choices: tuple[CodeChoice, ...]) -> None:
        """Open the pick list under `row`."""
        self.move_child(self.picks, after=row)
        self.picks.open(f"dx-{row.index}", choices)

    def values(self) -> list[str]:
        return [row.input.value for row in self.rows]

    async def add_row(self) -> DiagnosisRow | None:
        """Mount the next blank row (None when all 12 are there)."""
        count = len(self.rows)
        if count >= MAX_DIAGNOSES:
            return None
        row = DiagnosisRow(count)
        await self.mount(row, before=self.picks)
        return row

    async def set_codes(self, codes: Sequence[str]) -> None:
        """Show `codes` plus one blank row (when there is room)."""
        self.picks.close()
        await self.query(DiagnosisRow).remove()
        wanted = min(len(codes) + 1, MAX_DIAGNOSES)
        await self.mount_all(
            (
                DiagnosisRow(index, codes[index] if index < len(codes) else "")
                for index in range(max(wanted, 1))
            ),
            before=self.picks,
        )
