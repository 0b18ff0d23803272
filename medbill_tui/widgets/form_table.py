"""A pick list: rows keyed by a record id, j/k to move, columns that follow its width."""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from typing import ClassVar

from rich.text import Text
from textual import events
from textual.binding import Binding, BindingType
from textual.coordinate import Coordinate
from textual.widgets import DataTable
from textual.widgets.data_table import CellDoesNotExist

from medbill_tui.widgets.columns import Col, layout
from medbill_tui.widgets.text import clip

Cell = str | Text

GONE_STYLE = "dim strike"
"""A row that has left the list (closed or moved by someone) until the next reload."""
CELL_GAP = 2
"""A DataTable pads each cell with a space either side."""


class PickTable(DataTable[Cell]):
    """A row-cursor table whose row keys are record ids (as text).

    Subclasses add the keys that act on the highlighted row; Enter posts `RowSelected`.

    | Key(s) | Description |
    | :- | :- |
    | j / down, k / up | Move the cursor. |
    | home / end | First / last row. |
    | enter | Pick the highlighted row. |
    """

    DEFAULT_CSS = """
    PickTable {
        height: auto;
        max-height: 8;
        scrollbar-size-vertical: 1;
    }
    """

    BINDINGS: ClassVar[list[BindingType]] = [
        Binding("j", "cursor_down", "Down", show=False, id="pick.down"),
        Binding("k", "cursor_up", "Up", show=False, id="pick.up"),
        Binding("home", "scroll_top", "First row", show=False, id="pick.first"),
        Binding("end", "scroll_bottom", "Last row", show=False, id="pick.last"),
    ]

    COLUMNS: ClassVar[Sequence[tuple[str, int] | Col]] = ()
    """Each column: (label, width), or a `Col` that may be right-aligned or flexible (it
    takes a share of the width the table has beyond 80 columns, on every resize, both ways).
    Text longer than its column is cut with '…'."""

    def __init__(self, *, id: str | None = None) -> None:
        super().__init__(cursor_type="row", zebra_stripes=False, id=id)
        self._cols = [col if isinstance(col, Col) else Col(*col) for col in self.COLUMNS]
        self._widths = [col.width for col in self._cols]
        self._rows: list[tuple[str, Sequence[Cell]]] = []
        # Columns exist from the start, so rows may arrive before the screen's on_mount.
        self._add_columns()

    def _add_columns(self) -> None:
        for col, width in zip(self._cols, self._widths, strict=True):
            self.add_column(col.label.rjust(width) if col.right else col.label, width=width)

    def on_resize(self, event: events.Resize) -> None:
        self.relayout(event.size.width)

    def relayout(self, total_width: int) -> None:
        """Share `total_width` among the flexible columns again (rows and cursor kept)."""
        widths = layout(self._cols, total_width, gap=CELL_GAP)
        if widths == self._widths:
            return
        keep = self.selected_key()
        self._widths = widths
        self.clear(columns=True)
        self._add_columns()
        self._fill(self._rows, keep)

    def set_rows(self, rows: Iterable[tuple[str, Sequence[Cell]]]) -> None:
        """Replace the rows: (key, cells). Keeps the cursor on the same key when it is still
        there."""
        keep = self.selected_key()
        self._rows = list(rows)
        self.clear()
        self._fill(self._rows, keep)

    def _fill(self, rows: Sequence[tuple[str, Sequence[Cell]]], keep: str | None) -> None:
        for key, cells in rows:
            self.add_row(*self._fit(cells), key=key)
        if keep is not None:
            for index in range(self.row_count):
                if self.key_at(index) == keep:
                    self.move_cursor(row=index)
                    break

    def _fit(self, cells: Sequence[Cell]) -> list[Cell]:
        fitted: list[Cell] = []
        for cell, width, col in zip(cells, self._widths, self._cols, strict=False):
            if isinstance(cell, str):
                cell = clip(cell, width)
                cell = cell.rjust(width) if col.right else cell
            fitted.append(cell)
        return fitted

    def update_row(self, key: str, cells: Sequence[Cell], *, gone: bool = False) -> None:
        """Show the row `key` again in place (the cursor stays where it is); `gone`: it has
        left the list, strike it through."""
        fitted = self._fit(cells)
        if gone:
            fitted = [Text(str(cell), style=GONE_STYLE) for cell in fitted]
        for column, cell in zip(self.ordered_columns, fitted, strict=False):
            self.update_cell(key, column.key, cell)
        self._rows = [(k, cells if k == key else c) for k, c in self._rows]

    def key_at(self, index: int) -> str | None:
        try:
            key = self.coordinate_to_cell_key(Coordinate(index, 0)).row_key.value
        except CellDoesNotExist:
            return None
        return key

    def selected_key(self) -> str | None:
        """The key of the highlighted row (None when the table is empty)."""
        if self.row_count == 0:
            return None
        return self.key_at(self.cursor_row)


class ListTable(PickTable):
    """A pick table that fills its screen down to the status line under it."""

    DEFAULT_CSS = """
    ListTable {
        height: 1fr;
        max-height: 100%;
    }
    """
