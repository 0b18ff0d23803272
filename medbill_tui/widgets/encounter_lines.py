"""The service lines of charge entry: code, four modifiers, units, charge and diagnosis
pointers, with the code's label (or the line's finding) beside them."""

from __future__ import annotations

from collections.abc import Sequence

from textual.app import ComposeResult
from textual.containers import Horizontal, Vertical
from textual.widgets import Static

from medbill_tui.records.forms import FormFinding, LineForm
from medbill_tui.widgets.code_input import CodeInput, EntryInput, FieldLabel
from medbill_tui.widgets.encounter_dx import NoteLine

MAX_LINES = 50
PARTS = ("code", "mod-0", "mod-1", "mod-2", "mod-3", "units", "charge", "pointers")
"""The fields of a line in Tab order; a field's id is `line-<row>-<part>`."""

HEADING = f"{'#':>3} {'Code':<7}{'Modifiers':<16}{'Unit':<6}{'Charge':<11}{'Dx':<7}Service"
"""Column titles, aligned with the fields below them."""


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

    def compose(self) -> ComposeResult:
        n, line = self.index, self._line
        yield FieldLabel(f"{n + 1:>2}", id=f"line-label-{n}")
        yield CodeInput(line.code, id=f"line-{n}-code", width=6, max_length=5)
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
            "Service lines · Enter: next line · Enter on a blank code: save",
            classes="entry-heading",
        )
        yield Static(HEADING, classes="entry-columns")
        yield ServiceLineRow(0)

    @property
    def rows(self) -> list[ServiceLineRow]:
        return list(self.query(ServiceLineRow))

    async def add_row(self) -> ServiceLineRow | None:
        count = len(self.rows)
        if count >= MAX_LINES:
            return None
        row = ServiceLineRow(count)
        await self.mount(row)
        return row

    async def set_lines(self, lines: Sequence[LineForm]) -> None:
        """Show `lines` plus one blank line."""
        await self.query(ServiceLineRow).remove()
        wanted = min(len(lines) + 1, MAX_LINES)
        await self.mount_all(
            ServiceLineRow(index, lines[index] if index < len(lines) else None)
            for index in range(max(wanted, 1))
        )
