"""The payers (supervisors and admins): list, add, correct, deactivate. A payer carries its
payer id, name, address, claim filing code, paper or 837P, whether it takes secondary claims
electronically, its clearinghouse and its timely-filing, appeal and payment-timer days."""

from __future__ import annotations

from typing import Any, ClassVar

from textual import work
from textual.app import ComposeResult
from textual.screen import Screen
from textual.widgets import Select

from medbill_tui.domain.setup_forms import check_payer
from medbill_tui.records.forms import FieldError
from medbill_tui.records.setup import PayerForm, SetupRow
from medbill_tui.screens.record_form import RecordFormScreen
from medbill_tui.screens.setup_list import (
    CheckedAsTyped,
    SetupFormLoaded,
    SetupListScreen,
    SetupTable,
    blank_label,
    set_choices,
)
from medbill_tui.widgets.form_field import (
    FormField,
    FormRow,
    choice_input,
    set_form_values,
    text_input,
)

LW = 13
"""Width of the first column's labels."""
NEW_PAYER = {
    "paper": "no",
    "secondary_electronic": "yes",
    "timely_filing_days": "365",
    "appeal_days": "180",
}
YES_NO = (("yes", "yes"), ("no", "no"))
DAYS = r"[0-9]{0,4}"


class PayerTable(SetupTable):
    COLUMNS = (("Payer", 26), ("Payer id", 12), ("SBR09", 5), ("Sent", 5), ("Use", 11))


class PayersScreen(SetupListScreen):
    """The payers, those in use first. Deactivating one with open claims says how many and
    asks again. Keys: as in SetupListScreen."""

    list_id = "payers"
    list_title = "Setup · payers"
    noun = "payer"
    table_class = PayerTable

    def load_rows(self) -> tuple[SetupRow, ...]:
        return self.services.setup_lists.payers()

    def form_for(self, row_id: int | None) -> Screen[Any]:
        return PayerFormScreen(row_id)

    def deactivate_row(self, row_id: int, confirmed: bool) -> None:
        self.services.setup_lists.deactivate_payer(row_id, despite_open_claims=confirmed)

    def ask_again(self, error: BaseException | None) -> str | None:
        count = getattr(error, "count", None)
        if not isinstance(count, int):
            return None
        return (
            f"This payer has {count} open claim(s). Deactivate it anyway? Those claims stay "
            "with it; it is hidden from new coverages and prices only."
        )


class PayerFormScreen(CheckedAsTyped, RecordFormScreen[PayerForm]):
    """A payer, each field checked as typed. Keys: as in RecordFormScreen."""

    form_id = "payer"
    record_type = PayerForm
    what = "payer"
    draft_entity = "payer"
    FIELDS: ClassVar[tuple[str, ...]] = (
        "payer_code",
        "name",
        "claim_filing_indicator",
        "address_line1",
        "address_line2",
        "city",
        "state",
        "zip",
        "paper",
        "secondary_electronic",
        "clearinghouse",
        "timely_filing_days",
        "appeal_days",
        "payment_timer_days",
    )

    def __init__(self, payer_id: int | None) -> None:
        super().__init__()
        self.payer_id = payer_id

    def compose_fields(self) -> ComposeResult:
        with FormRow():
            yield FormField("name", "Name", text_input(max_length=60), label_width=LW, width=46)
            yield FormField("payer_code", "Payer id", text_input(max_length=80))
        with FormRow():
            yield FormField("address_line1", "Address", text_input(max_length=55), label_width=LW)
        with FormRow():
            yield FormField("address_line2", "", text_input(max_length=55), label_width=LW)
        with FormRow():
            yield FormField("city", "City", text_input(max_length=30), label_width=LW, width=40)
            yield FormField("state", "St", text_input(max_length=2), editor_width=2, width=8)
            yield FormField("zip", "ZIP", text_input(max_length=10), editor_width=10)
        with FormRow():
            yield FormField(
                "claim_filing_indicator",
                "Filing code",
                text_input(max_length=2),
                label_width=LW,
                editor_width=2,
                width=30,
                hint="CI MB MC BL …",
            )
            yield FormField(
                "paper",
                "Paper",
                choice_input(YES_NO, allow_blank=False),
                editor_width=7,
                width=18,
            )
            yield FormField(
                "secondary_electronic",
                "2nd by 837",
                choice_input(YES_NO, allow_blank=False),
                editor_width=7,
            )
        with FormRow():
            yield FormField(
                "clearinghouse",
                "Clearinghouse",
                choice_input((), prompt="The default one"),
                label_width=LW,
                editor_width=36,
            )
        with FormRow():
            yield FormField(
                "timely_filing_days",
                "Timely days",
                text_input(max_length=4, restrict=DAYS),
                label_width=LW,
                editor_width=4,
                width=22,
            )
            yield FormField(
                "appeal_days",
                "Appeal",
                text_input(max_length=4, restrict=DAYS),
                editor_width=4,
                width=14,
            )
            yield FormField(
                "payment_timer_days",
                "Pay timer",
                text_input(max_length=4, restrict=DAYS),
                editor_width=4,
                hint="blank: default",
            )

    def on_mount(self) -> None:
        self.sub_title = "Correct payer" if self.payer_id else "New payer"
        self.set_heading(self.sub_title)
        self.begin_loading()
        self.load_payer(self.payer_id)

    @work(thread=True, exit_on_error=False, group="payer-load", exclusive=True)
    def load_payer(self, payer_id: int | None) -> None:
        setup = self.services.setup_lists
        houses = setup.clearinghouses()
        form = None if payer_id is None else setup.load_payer(payer_id)
        self.post_message(SetupFormLoaded(form, houses))

    def on_setup_form_loaded(self, message: SetupFormLoaded) -> None:
        house = self.fields()["clearinghouse"].editor
        assert isinstance(house, Select)
        set_choices(house, message.choices)
        house.prompt = blank_label(message.choices)
        form = message.form
        if isinstance(form, PayerForm):
            self.record = form
            self.show_record(form)
            self.set_heading(f"Payer {form.name} · payer id {form.payer_code}")
        else:
            set_form_values(self.form_root, NEW_PAYER)
        self.loaded()

    def problems(self) -> list[FieldError]:
        return check_payer(self.form_to_save())[1]

    def form_to_save(self) -> PayerForm:
        return PayerForm(**self.entries(), payer_id=self.payer_id, version=self.loaded_version)

    def store(self, form: PayerForm, loaded: PayerForm | None) -> int:
        return self.services.setup_lists.save_payer(form, loaded)

    def draft_id(self) -> int | None:
        return self.payer_id
