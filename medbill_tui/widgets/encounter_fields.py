"""The code fields of the charge-entry form as the keyboard sees them: the pick lists of
diagnosis and procedure fields, moving between rows, deleting a service line, the default
diagnosis pointers of new lines, and buttons that pass typing on to a field."""

from __future__ import annotations

from textual import events
from textual.containers import VerticalScroll
from textual.css.query import NoMatches
from textual.widgets import Button, Input

from medbill_tui.widgets.code_picks import CodePicks
from medbill_tui.widgets.encounter_dx import DiagnosisList
from medbill_tui.widgets.encounter_lines import ServiceLines, default_pointers, row_and_part
from medbill_tui.widgets.encounter_messages import CodeAnswer
from medbill_tui.widgets.focus import focus_now


class TypeThroughButton(Button):
    """A button that passes typed characters on to the field before it: text typed while a
    button has the cursor is never dropped (Enter still presses it)."""

    def on_key(self, event: events.Key) -> None:
        if not event.is_printable or event.character is None:
            return
        event.stop()
        event.prevent_default()
        for view in self.ancestors:
            if isinstance(view, CodeFieldsView):
                view.type_before(self, event.character)
                return


class CodeFieldsView(VerticalScroll, can_focus=False):
    """The keyboard side of the charge-entry form (the base of `EncounterFormView`)."""

    def __init__(self, *, id: str | None = None) -> None:
        super().__init__(id=id)
        self._last_field: Input | None = None
        """The field the cursor was in last (typing on a button goes there)."""
        self._pick_on_arrival: str | None = None
        """A field where Enter was pressed on words before their codes arrived."""

    # picking codes ------------------------------------------------------------------------

    def _picks(self, field_id: str) -> CodePicks:
        if field_id.startswith("dx-"):
            return self.query_one(DiagnosisList).picks
        return self.query_one(ServiceLines).picks

    def open_picks(self) -> CodePicks | None:
        """The pick list that is open, if any."""
        for picks in self.query(CodePicks):
            if picks.is_open:
                return picks
        return None

    def offer_choices(self, field: Input, answer: CodeAnswer) -> None:
        key = answer.ask.key
        picks = self._picks(key)
        if self._pick_on_arrival == key:
            self._pick_on_arrival = None
            if answer.choices:
                self._put_code(field, answer.choices[0].code)
                return
        if not answer.choices or self.screen.focused is not field:
            if picks.field_id == key:
                picks.close()
            return
        if key.startswith("dx-"):
            dx = self.query_one(DiagnosisList)
            dx.show_picks(dx.rows[int(key[3:])], answer.choices)
        else:
            lines = self.query_one(ServiceLines)
            lines.show_picks(lines.rows[int(key.split("-")[1])], answer.choices)
        picks.scroll_visible()

    def pick_when_found(self, field_id: str) -> None:
        """Enter on words before their codes came: pick the first code when they come."""
        self._pick_on_arrival = field_id

    def pick(self) -> bool:
        """Put the highlighted code of the open list in its field; False when none is open."""
        picks = self.open_picks()
        choice = picks.current if picks is not None else None
        if picks is None or choice is None or picks.field_id is None:
            return False
        self._put_code(self.query_one(f"#{picks.field_id}", Input), choice.code)
        return True

    def _put_code(self, field: Input, code: str) -> None:
        self._picks(field.id or "").close()
        field.value = code
        field.cursor_position = len(code)

    def close_picks(self) -> bool:
        """Close the open pick list (the text typed stays); False when none was open."""
        self._pick_on_arrival = None
        picks = self.open_picks()
        return picks is not None and picks.close()

    def on_descendant_blur(self, event: events.DescendantBlur) -> None:
        picks = self.open_picks()
        if picks is not None and event.widget.id == picks.field_id:
            picks.close()

    def on_descendant_focus(self, event: events.DescendantFocus) -> None:
        if isinstance(event.widget, Input):
            self._last_field = event.widget

    # keys of the service lines ------------------------------------------------------------

    def type_before(self, button: Button, text: str) -> None:
        """Typing on `button`: the text goes to the end of the field the cursor came from
        (else the field before the button), and the cursor goes there."""
        target = self._last_field
        if target is None or not target.is_attached:
            chain = self.screen.focus_chain
            before = chain[: chain.index(button)] if button in chain else chain
            target = next((w for w in reversed(before) if isinstance(w, Input)), None)
        if target is None:
            return
        self.screen.set_focus(target)

        def put() -> None:
            target.cursor_position = len(target.value)
            target.insert_text_at_cursor(text)

        target.call_later(put)

    def follow_diagnoses(self) -> None:
        """New lines point at every diagnosis entered (up to four) until the biller types
        pointers of their own."""
        self.query_one(ServiceLines).follow_diagnoses(self._default_pointers())

    def _default_pointers(self) -> str:
        filled = sum(1 for value in self.query_one(DiagnosisList).values() if value.strip())
        return default_pointers(filled)

    def move_row(self, widget_id: str, step: int) -> bool:
        """The same field one row up or down (diagnoses, service lines); False at the end."""
        if widget_id.startswith("dx-"):
            target = f"dx-{int(widget_id[3:]) + step}"
        elif (place := row_and_part(widget_id)) is not None:
            target = f"line-{place[0] + step}-{place[1]}"
        else:
            return False
        try:
            focus_now(self.query_one(f"#{target}", Input))
        except NoMatches:
            return False
        return True

    async def delete_line(self, index: int, part: str) -> None:
        """Delete service line `index`; the cursor stays in the same column."""
        lines = self.query_one(ServiceLines)
        lines.picks.close()
        await lines.delete_row(index, self._default_pointers())
        row = lines.rows[min(index, len(lines.rows) - 1)]
        focus_now(row.field(part))
