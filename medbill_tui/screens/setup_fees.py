"""The fee schedules (supervisors and admins): every price, the practice's default schedule
first, then each payer's; add, correct, deactivate (a deactivated price is no longer used
for new charges: the code takes the default price)."""

from __future__ import annotations

from typing import Any, ClassVar

from textual import work
from textual.app import ComposeResult
from textual.screen import Screen
from textual.widgets import Select

from medbill_tui.domain.setup_forms import check_fee
from medbill_tui.records.forms import FieldError
from medbill_tui.records.setup import FeeForm, SetupRow
from medbill_tui.screens.record_form import RecordFormScreen
from medbill_tui.screens.setup_list import (
    CheckedAsTyped,
    SetupFormLoaded,
    SetupListScreen,
    SetupTable,
    blank_label,
    set_choices,
)
from medbill_tui.widgets.form_field import FormField, FormRow, choice_input, text_input

LW = 9
"""Width of the first column's labels."""


class FeeTable(SetupTable):
    COLUMNS = (("Schedule", 26), ("Code", 5), ("Mod", 3), ("Price", 10), ("Use", 11))


class FeesScreen(SetupListScreen):
    """Every price of the fee schedules. Keys: as in SetupListScreen."""

    list_id = "fees"
    list_title = "Setup · fee schedules"
    noun = "price"
    table_class = FeeTable

    def load_rows(self) -> tuple[SetupRow, ...]:
        return self.services.setup_lists.fees()

    def form_for(self, row_id: int | None) -> Screen[Any]:
        return FeeFormScreen(row_id)

    def deactivate_row(self, row_id: int, confirmed: bool) -> None:
        self.services.setup_lists.deactivate_fee(row_id)


class FeeFormScreen(CheckedAsTyped, RecordFormScreen[FeeForm]):
    """One price: the schedule (default or a payer's), code, modifier, price. Keys: as in
    RecordFormScreen."""

    form_id = "fee"
    record_type = FeeForm
    what = "price"
    draft_entity = "fee_schedule"
    FIELDS: ClassVar[tuple[str, ...]] = ("payer", "code", "modifier", "price")

    def __init__(self, fee_id: int | None) -> None:
        super().__init__()
        self.fee_id = fee_id

    def compose_fields(self) -> ComposeResult:
        with FormRow():
            yield FormField(
                "payer",
                "Schedule",
                choice_input((), prompt="Default"),
                label_width=LW,
                editor_width=34,
            )
        with FormRow():
            yield FormField(
                "code",
                "Code",
                text_input(max_length=5, placeholder="99213"),
                label_width=LW,
                editor_width=5,
                width=18,
            )
            yield FormField(
                "modifier", "Modifier", text_input(max_length=2), editor_width=2, width=16
            )
            yield FormField("price", "Price", text_input(max_length=12), editor_width=12)

    def on_mount(self) -> None:
        self.sub_title = "Correct price" if self.fee_id else "New price"
        self.set_heading(self.sub_title)
        self.begin_loading()
        self.load_fee(self.fee_id)

    @work(thread=True, exit_on_error=False, group="fee-load", exclusive=True)
    def load_fee(self, fee_id: int | None) -> None:
        setup = self.services.setup_lists
        form = None if fee_id is None else setup.load_fee(fee_id)
        keep = int(form.payer) if form is not None and form.payer else None
        self.post_message(SetupFormLoaded(form, setup.schedules(keep)))

    def on_setup_form_loaded(self, message: SetupFormLoaded) -> None:
        schedule = self.fields()["payer"].editor
        assert isinstance(schedule, Select)
        set_choices(schedule, message.choices)
        schedule.prompt = blank_label(message.choices)
        if isinstance(message.form, FeeForm):
            self.record = message.form
            self.show_record(message.form)
        self.loaded()

    def problems(self) -> list[FieldError]:
        return check_fee(self.form_to_save())[1]

    def form_to_save(self) -> FeeForm:
        return FeeForm(**self.entries(), fee_id=self.fee_id, version=self.loaded_version)

    def store(self, form: FeeForm, loaded: FeeForm | None) -> int:
        return self.services.setup_lists.save_fee(form, loaded)

    def draft_id(self) -> int | None:
        return self.fee_id
