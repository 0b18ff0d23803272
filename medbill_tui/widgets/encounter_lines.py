"""The service lines of charge entry: code, four modifiers, units, charge and diagnosis
pointers, with the code's label (or the line's finding) beside them."""

from __future__ import annotations

from collections.abc import Sequence

from textual.app import ComposeResult
from textual.containers import Horizontal, Vertical
from textual.widgets import Static

from medbill_tui.records.forms import FormFinding, LineForm
from medbill_tui.widgets.code_input import CodeInput, EntryInput, FieldLabel
from medbill_tui.widgets.code_picks import CodePicks
from medbill_tui.widgets.encounter_dx import NoteLine
from medbill_tui.widgets.encounter_messages import CodeChoice

MAX_LINES = 50
PARTS = ("code", "mod-0", "mod-1", "mod-2", "mod-3", "units", "charge", "pointers")
"""The fields of a line in Tab order; a field's id is `line-<row>-<part>`."""

CODE_TEXT_LENGTH = 40
"""A code field takes words too (searched for codes), so it holds more than a code."""

HEADING = f"{'#':>3} {'Code':<7}{'Modifiers':<16}{'Unit':<6}{'Charge':<11}{'Dx':<7}Service"
"""Column titles, aligned with the fields below them."""


def default_pointers(diagnoses: int) -> str:
    """The pointers of a new line: every diagnosis entered, in order, up to four ("1234");
    "1" while there is none."""
    return "".join(str(n) for n in range(1, min(diagnoses, 4) + 1)) or "1"


def row_and_part(widget_id: str | None) -> tuple[int, str] | None:
    """(row, part) of a line field id like "line-3-mod-1"; None for anything else."""
    if not widget_id or not widget_id.startswith("line-"):
        return None
    _, row, part = widget_id.split("-", 2)
    return (int(row), part) if row.isdigit() and part in PARTS else None


class ServiceLineRow(Horizontal):
    """One service line (`index` counts rows on screen from 0)."""

    DEFAULT_CSS = """
    ServiceLineRow {
        height: 1;
    }
    """

    def __init__(self, index: int, line: LineForm | None = None) -> None:
        super().__init__(classes="entry-row")
        self.index = index
        self._line = line or LineForm()
        self.auto_charge: str | None = None
        """The charge this screen filled from the fee schedule (replaced again when the code
        changes, unless the biller typed over it)."""
        self.auto_pointers: str | None = None if line is not None else self._line.pointers
        """The diagnosis pointers this screen put in a new line (they follow the diagnoses
        until the biller types others); None for a saved line."""

    def compose(self) -> ComposeResult:
        n, line = self.index, self._line
        yield FieldLabel(f"{n + 1:>2}", id=f"line-label-{n}")
        yield CodeInput(
            line.code, id=f"line-{n}-code", width=6, max_length=CODE_TEXT_LENGTH, words=True
        )
        for box, modifier in enumerate(line.modifiers):
            yield CodeInput(modifier, id=f"line-{n}-mod-{box}", width=3, max_length=2)
        yield EntryInput(line.units, id=f"line-{n}-units", width=5, max_length=4)
        yield EntryInput(line.charge, id=f"line-{n}-charge", width=10, max_length=9)
        yield EntryInput(line.pointers, id=f"line-{n}-pointers", width=6, max_length=8)
        yield NoteLine(id=f"line-{n}-words")

    def field(self, part: str) -> EntryInput:
        return self.query_one(f"#line-{self.index}-{part}", EntryInput)

    @property
    def note(self) -> NoteLine:
        return self.query_one(NoteLine)

    @property
    def value(self) -> LineForm:
        mods = tuple(self.field(f"mod-{box}").value for box in range(4))
        return LineForm(
            code=self.field("code").value,
            modifiers=(mods[0], mods[1], mods[2], mods[3]),
            units=self.field("units").value,
            charge=self.field("charge").value,
            pointers=self.field("pointers").value,
        )

    def take_from(self, other: ServiceLineRow) -> None:
        """Hold what `other` holds (a line moving up when one above it is deleted)."""
        for part in PARTS:
            self.field(part).value = other.field(part).value
        self.auto_charge, self.auto_pointers = other.auto_charge, other.auto_pointers
        self.note.show_words(other.note.words)
        self.note.show_finding(None)

    def clear(self, pointers: str) -> None:
        """Empty the line, as a new one (`pointers`: the default pointers)."""
        for part in PARTS:
            self.field(part).value = {"units": "1", "pointers": pointers}.get(part, "")
        self.auto_charge, self.auto_pointers = None, pointers
        self.note.show_words("")
        self.note.show_finding(None)

    def follow_diagnoses(self, pointers: str) -> None:
        """Put the default `pointers` in while the biller has typed none of their own."""
        field = self.field("pointers")
        if self.auto_pointers is not None and field.value == self.auto_pointers:
            self.auto_pointers = pointers
            field.value = pointers

    @property
    def entered(self) -> bool:
        """True when something billable was typed (the same test the form check uses)."""
        line = self.value
        return any((line.code.strip(), line.charge.strip(), *(m.strip() for m in line.modifiers)))

    def show_findings(self, severities: dict[str, str], first: FormFinding | None) -> None:
        """Mark each field with its severity; the note shows the line's first finding."""
        worst = None
        for part in PARTS:
            severity = severities.get(f"line-{self.index}-{part}")
            self.field(part).show_severity(severity)
            if severity == "error" or (severity and worst is None):
                worst = severity
        self.query_one(FieldLabel).show_severity(worst)
        self.note.show_finding(first)


class ServiceLines(Vertical):
    """The service-line rows under their column titles."""

    DEFAULT_CSS = """
    ServiceLines {
        height: auto;
    }
    """

    def compose(self) -> ComposeResult:
        yield Static(
            "Service lines · Enter: next line · Enter on a blank code: save · ^d deletes",
            classes="entry-heading",
        )
        yield Static(HEADING, classes="entry-columns")
        yield ServiceLineRow(0)
        yield CodePicks(id="line-picks")

    @property
    def rows(self) -> list[ServiceLineRow]:
        return list(self.query(ServiceLineRow))

    @property
    def picks(self) -> CodePicks:
        return self.query_one(CodePicks)

    def show_picks(self, row: ServiceLineRow, choices: tuple[CodeChoice, ...]) -> None:
        """Open the pick list under `row`'s code."""
        self.move_child(self.picks, after=row)
        self.picks.open(f"line-{row.index}-code", choices)

    async def add_row(self, pointers: str = "1") -> ServiceLineRow | None:
        count = len(self.rows)
        if count >= MAX_LINES:
            return None
        row = ServiceLineRow(count)
        await self.mount(row, before=self.picks)
        row.follow_diagnoses(pointers)
        return row

    def follow_diagnoses(self, pointers: str) -> None:
        for row in self.rows:
            row.follow_diagnoses(pointers)

    async def delete_row(self, index: int, pointers: str) -> None:
        """Delete line `index`: the lines below move up a row (each with its own pointers);
        a spare blank row at the end goes."""
        rows = self.rows
        for upper, lower in zip(rows[index:], rows[index + 1 :], strict=False):
            upper.take_from(lower)
        rows[-1].clear(pointers)
        if len(rows) > 1 and not rows[-2].entered:
            await rows[-1].remove()

    async def set_lines(self, lines: Sequence[LineForm]) -> None:
        """Show `lines` plus one blank line."""
        self.picks.close()
        await self.query(ServiceLineRow).remove()
        wanted = min(len(lines) + 1, MAX_LINES)
        await self.mount_all(
            (
                ServiceLineRow(index, lines[index] if index < len(lines) else None)
                for index in range(max(wanted, 1))
            ),
            before=self.picks,
        )
