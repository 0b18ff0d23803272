"""The rendering providers (supervisors and admins): list, add, correct, deactivate."""

from __future__ import annotations

from typing import Any, ClassVar

from textual import work
from textual.app import ComposeResult
from textual.screen import Screen

from medbill_tui.domain.setup_forms import check_provider
from medbill_tui.records.forms import FieldError
from medbill_tui.records.setup import ProviderForm, SetupRow
from medbill_tui.screens.record_form import RecordFormScreen
from medbill_tui.screens.setup_list import (
    CheckedAsTyped,
    SetupFormLoaded,
    SetupListScreen,
    SetupTable,
)
from medbill_tui.widgets.form_field import FormField, FormRow, text_input

LW = 11
"""Width of the first column's labels."""


class ProviderTable(SetupTable):
    COLUMNS = (("Provider", 28), ("NPI", 10), ("Taxonomy", 10), ("Use", 11))


class ProvidersScreen(SetupListScreen):
    """The rendering providers, those in use first. Keys: as in SetupListScreen."""

    list_id = "providers"
    list_title = "Setup · providers"
    noun = "provider"
    table_class = ProviderTable

    def load_rows(self) -> tuple[SetupRow, ...]:
        return self.services.setup_lists.providers()

    def form_for(self, row_id: int | None) -> Screen[Any]:
        return ProviderFormScreen(row_id)

    def deactivate_row(self, row_id: int, confirmed: bool) -> None:
        self.services.setup_lists.deactivate_provider(row_id)


class ProviderFormScreen(CheckedAsTyped, RecordFormScreen[ProviderForm]):
    """A rendering provider: NPI (a person's, type 1, check digit), name and taxonomy, each
    checked as typed. Keys: as in RecordFormScreen."""

    form_id = "provider"
    record_type = ProviderForm
    what = "provider"
    draft_entity = "provider"
    FIELDS: ClassVar[tuple[str, ...]] = ("npi", "first_name", "last_name", "taxonomy")

    def __init__(self, provider_id: int | None) -> None:
        super().__init__()
        self.provider_id = provider_id

    def compose_fields(self) -> ComposeResult:
        with FormRow():
            yield FormField(
                "npi", "NPI", text_input(max_length=10), label_width=LW, editor_width=10, width=30
            )
            yield FormField(
                "taxonomy", "Taxonomy", text_input(max_length=10, placeholder="207Q00000X")
            )
        with FormRow():
            yield FormField(
                "first_name", "First name", text_input(max_length=35), label_width=LW, width=40
            )
            yield FormField("last_name", "Last name", text_input(max_length=60))

    def on_mount(self) -> None:
        self.sub_title = "Correct provider" if self.provider_id else "New provider"
        self.set_heading(self.sub_title)
        if self.provider_id is None:
            self.loaded()
            return
        self.begin_loading()
        self.load_provider(self.provider_id)

    @work(thread=True, exit_on_error=False, group="provider-load", exclusive=True)
    def load_provider(self, provider_id: int) -> None:
        self.post_message(SetupFormLoaded(self.services.setup_lists.load_provider(provider_id)))

    def on_setup_form_loaded(self, message: SetupFormLoaded) -> None:
        form = message.form
        assert isinstance(form, ProviderForm)
        self.record = form
        self.show_record(form)
        self.set_heading(f"Provider {form.last_name}, {form.first_name} · NPI {form.npi}")
        self.loaded()

    def problems(self) -> list[FieldError]:
        return check_provider(self.form_to_save())[1]

    def form_to_save(self) -> ProviderForm:
        return ProviderForm(
            **self.entries(), provider_id=self.provider_id, version=self.loaded_version
        )

    def store(self, form: ProviderForm, loaded: ProviderForm | None) -> int:
        return self.services.setup_lists.save_provider(form, loaded)

    def draft_id(self) -> int | None:
        return self.provider_id
