"""What the patient, coverage and authorization forms share: save with ctrl+s in a worker,
errors under their fields, entries kept on any refusal, and a y/n question before unsaved
changes are thrown away."""

from __future__ import annotations

import contextlib
from collections.abc import Callable
from typing import Any, ClassVar

from textual import on, work
from textual.binding import Binding, BindingType
from textual.widget import Widget
from textual.widgets import Input, Static
from textual.worker import Worker

from medbill_tui.domain.conflicts import reapply
from medbill_tui.errors import ServiceError
from medbill_tui.records.conflicts import ConflictInfo
from medbill_tui.records.forms import FieldError
from medbill_tui.screens.base import ServiceScreen
from medbill_tui.screens.conflict import (
    Choice,
    ConflictScreen,
    DraftFound,
    conflict_of,
)
from medbill_tui.screens.conflict import (
    ConfirmScreen as ConfirmScreen,
)
from medbill_tui.widgets.form_field import FormField, form_fields, form_values, set_form_values

KEPT = "your entries are kept"


def field_errors(error: BaseException | None) -> tuple[FieldError, ...]:
    """The per-field errors of a refused save (a service's `FormInvalid`), else ()."""
    errors = getattr(error, "errors", ())
    if not isinstance(errors, tuple):
        return ()
    return tuple(item for item in errors if isinstance(item, FieldError))


def is_service_error(error: BaseException | None) -> bool:
    """True for the services' own errors, whose messages are written for a biller."""
    return isinstance(error, ServiceError)


def shown(widget: Widget) -> bool:
    """True unless the widget or a container of it is hidden (display: none)."""
    return all(node.display for node in widget.ancestors_with_self if isinstance(node, Widget))


class FormScreen(ServiceScreen):
    """Base of the forms: subclasses compose fields (`FormField`) and a `#form-status` line,
    call `begin_loading()`, load in a worker and call `loaded()` with the values in place,
    and start their save worker in `start_save()`.

    A save worker must be in the group `save_group`; when it raises, the service's field
    errors go under their fields and any other refusal goes to the status line (the app has
    already shown it as a notification). Entries are never cleared by a refusal.

    | Key(s) | Description |
    | :- | :- |
    | ctrl+s | Save. |
    | ctrl+r | Put your entries back after reloading theirs (a conflict). |
    | enter | Next field (in a text box). |
    | escape | Back (asks first when there are unsaved changes). |
    | f1 / ctrl+g | Keys of this screen. |
    | 0-9, w, ctrl+t | Keys opening another screen ask first when changes are unsaved. |

    Edit conflicts: a save refused because someone else saved first (`conflict_of`) keeps
    the entries as a draft and asks (`ConflictScreen`): merge (mine on their version, the
    default), reload theirs, or keep mine over theirs. A draft left from an earlier session
    is offered when the record opens.
    Subclasses name `draft_entity`, return the record id from `draft_id()` and take the
    other person's record in `adopt()`.
    """

    BINDINGS: ClassVar[list[BindingType]] = [
        Binding("ctrl+s", "save", "Save", id="form.save", tooltip="Save the form"),
        Binding(
            "ctrl+r",
            "restore_draft",
            "Put mine back",
            id="form.restore-draft",
            tooltip="Put your entries back on top of their saved values",
        ),
        Binding("escape", "back", "Back", id="form.back", tooltip="Leave (asks if unsaved)"),
        Binding("f1,ctrl+g", "app.help", "Keys", id="form.help", tooltip="Show every key"),
    ]

    save_group: ClassVar[str] = "form-save"
    what: ClassVar[str] = "form"
    """What is being edited, in words ('patient'), for questions and messages."""
    draft_entity: ClassVar[str] = ""
    """The entity drafts of this form are kept under ('' keeps none)."""

    def __init__(self) -> None:
        super().__init__()
        self.loading_form = True
        """True until the form's data arrived (saving is off meanwhile)."""
        self.saving = False
        self.baseline: dict[str, str] = {}
        """The entries as last loaded or saved: anything else is an unsaved change."""
        self.kept: dict[str, str] | None = None
        """The biller's entries kept when their save met someone else's (ctrl+r)."""
        self.kept_base: dict[str, str] = {}
        """The entries as opened, then: what the biller had changed is what ctrl+r re-applies."""
        self._draft_checked = False

    # the form ------------------------------------------------------------------------

    @property
    def form_root(self) -> Widget:
        """Where the fields are (the screen itself unless a subclass narrows it)."""
        return self

    def fields(self) -> dict[str, FormField]:
        return form_fields(self.form_root)

    def values(self) -> dict[str, str]:
        return form_values(self.form_root)

    @property
    def dirty(self) -> bool:
        """True when an entry differs from what was loaded or last saved."""
        return not self.loading_form and self.values() != self.baseline

    def mark_clean(self) -> None:
        self.baseline = self.values()

    def begin_loading(self) -> None:
        """Call before starting the load: the fields wait (disabled) for the data."""
        self.loading_form = True
        self.form_root.disabled = True
        self.set_status("Loading…")

    def loaded(self) -> None:
        """Call once the fields hold the loaded values: enables saving, focuses the first."""
        self.loading_form = False
        self.form_root.disabled = False
        self.set_status("")
        self.mark_clean()
        self.refresh_bindings()
        self.focus_first_field()
        if self.draft_entity and not self._draft_checked and self.draft_id() is not None:
            self._draft_checked = True
            self.find_draft(self.draft_entity, self.draft_id())

    def focus_first_field(self) -> None:
        for field in self.fields().values():
            if shown(field) and not field.editor.disabled:
                field.editor.focus()
                return

    def set_status(self, text: str) -> None:
        for status in self.query("#form-status").results(Static):
            status.update(text)
            status.set_class(not text, "-empty")

    def clear_errors(self) -> None:
        for field in self.fields().values():
            field.show_error(None)

    def show_errors(self, errors: tuple[FieldError, ...]) -> list[FieldError]:
        """Put each error under its field and focus the first; returns those with no field."""
        fields = self.fields()
        placed: list[FormField] = []
        unplaced: list[FieldError] = []
        for error in errors:
            field = fields.get(error.field)
            if field is None or not shown(field):
                unplaced.append(error)
                continue
            field.show_error(error.message if field.error is None else field.error)
            placed.append(field)
        if placed:
            first = min(placed, key=lambda f: list(fields).index(f.field_name))
            first.editor.focus()
        return unplaced

    # keys ----------------------------------------------------------------------------

    @on(Input.Submitted)
    def next_field(self, event: Input.Submitted) -> None:
        event.stop()
        self.focus_next()

    def check_action(self, action: str, parameters: tuple[object, ...]) -> bool | None:
        if action == "save":
            return not (self.loading_form or self.saving)
        if action == "restore_draft":
            return self.kept is not None
        return True

    def action_save(self) -> None:
        if self.loading_form or self.saving:
            return
        self.clear_errors()
        self.saving = True
        self.refresh_bindings()
        self.set_status("Saving…")
        self.start_save()

    def start_save(self) -> None:
        """Start the save worker (group `save_group`) with the form's entries."""
        raise NotImplementedError

    def save_done(self, status: str) -> None:
        """Call when the save worker's result arrived."""
        self.saving = False
        self.clear_errors()
        self.mark_clean()
        self.refresh_bindings()
        self.set_status(status)

    def action_back(self) -> None:
        if self.dirty:
            self.confirm_discard(self.app.pop_screen)
        else:
            self.app.pop_screen()

    def unsaved(self) -> bool:
        """True while the form holds changes not saved yet (the app asks before leaving)."""
        return self.dirty

    def confirm_leave(self, proceed: Callable[[], None]) -> None:
        """The app is about to leave this form (a queue or screen key, wherever the focus
        is): ask as Escape does; `proceed` runs on yes."""

        def leave() -> None:
            self.mark_clean()
            proceed()

        self.confirm_discard(leave)

    def confirm_discard(self, leave: Callable[[], object]) -> None:
        """Ask whether to throw the unsaved changes away; `leave` runs on yes."""

        def answered(discard: bool | None) -> None:
            if discard:
                leave()

        self.app.push_screen(
            ConfirmScreen(
                f"Leave without saving your changes to this {self.what}?",
                yes="Yes, discard the changes",
                no="No, keep editing",
            ),
            answered,
        )

    # failures ------------------------------------------------------------------------

    def worker_failed(self, worker: Worker[Any]) -> None:
        if worker.group == "form-draft":
            return  # a draft is a safety net: the app has said why it could not be kept
        if worker.group != self.save_group:
            self.load_failed(worker)
            return
        self.saving = False
        self.refresh_bindings()
        error = worker.error
        errors = field_errors(error)
        conflict = conflict_of(error)
        if conflict is not None:
            self.save_conflict(conflict, str(error))
        elif errors:
            unplaced = self.show_errors(errors)
            extra = "; ".join(e.message for e in unplaced)
            self.set_status(
                f"Not saved: fix the fields marked ✗ ({KEPT})." + (f" {extra}" if extra else "")
            )
        elif is_service_error(error):
            self.save_refused(str(error))
        else:
            self.set_status(f"Not saved: something went wrong; {KEPT}. Try ctrl+s again.")

    def save_refused(self, message: str) -> None:
        """A refusal that is not about one field (someone else saved first, an overlap)."""
        self.set_status(f"Not saved: {message}")

    def load_failed(self, worker: Worker[Any]) -> None:
        """A worker other than the save failed (loading): say so on the status line."""
        reason = str(worker.error) if is_service_error(worker.error) else "something went wrong"
        self.set_status(f"Could not load: {reason}. Esc goes back.")

    # conflicts and drafts ------------------------------------------------------------

    def draft_id(self) -> int | None:
        """The id of the record being edited (None: new, no draft is kept)."""
        return None

    def adopt(self, theirs: object, show: bool) -> None:
        """Take the other person's saved record (and its version) as the one loaded; with
        `show`, put its values in the fields."""

    def keep_draft_for_exit(self) -> None:
        """The session is ending (hang-up, logoff): keep unsaved entries now (blocking)."""
        entity_id = self.draft_id()
        if self.draft_entity and entity_id is not None and self.dirty:
            self.services.drafts.save(self.draft_entity, entity_id, dict(self.values()))

    def save_conflict(self, info: ConflictInfo, message: str) -> None:
        """Someone else saved first: keep the entries (on screen and as a draft), ask."""
        self.kept, self.kept_base = self.values(), dict(self.baseline)
        self.set_status(f"Not saved: {message}.")
        self.refresh_bindings()
        if self.draft_entity:
            self.keep_draft(self.draft_entity, self.draft_id(), dict(self.kept))

        def chosen(choice: Choice | None) -> None:
            self.conflict_chosen(info, choice or "merge")

        self.app.push_screen(ConflictScreen(info), chosen)

    def conflict_chosen(self, info: ConflictInfo, choice: Choice) -> None:
        if info.theirs is None:  # nothing to reload from: keep mine on screen
            choice = "keep"
        if choice == "merge":
            self.adopt(info.theirs, show=True)
            self.clear_errors()
            self.mark_clean()
            set_form_values(self.form_root, reapply(self.kept_base, self.kept or {}, self.values()))
            self.set_status(
                f"Merged: your changes on their version ({info.summary()}); the fields you "
                "did not touch keep theirs. ctrl+s saves."
            )
        elif choice == "reload":
            self.adopt(info.theirs, show=True)
            self.clear_errors()
            self.mark_clean()
            self.set_status(
                f"Their saved values are shown ({info.summary()}). ctrl+r puts yours back."
            )
        else:
            if info.theirs is not None:
                self.adopt(info.theirs, show=False)
            self.set_status(
                f"Not saved: someone else changed this {self.what} ({info.summary()}). Your "
                "entries stay on screen as you typed them: ctrl+s saves them over theirs."
            )
        self.refresh_bindings()
        self.focus_first_field()

    def action_restore_draft(self) -> None:
        """Put the kept entries back on top of what is on screen (save with ctrl+s)."""
        if self.kept is None:
            return
        set_form_values(self.form_root, reapply(self.kept_base, self.kept, self.values()))
        self.set_status("Your changes are back, on top of their version: ctrl+s saves them.")
        self.refresh_bindings()

    @work(thread=True, exit_on_error=False, group="form-draft", exclusive=True)
    def keep_draft(self, entity: str, entity_id: int | None, values: dict[str, object]) -> None:
        self.services.drafts.save(entity, entity_id, values)

    @work(thread=True, exit_on_error=False, group="form-draft", exclusive=True)
    def find_draft(self, entity: str, entity_id: int | None) -> None:
        draft = self.services.drafts.find(entity, entity_id)
        if draft is not None:
            self.post_message(DraftFound(draft))

    @work(thread=True, exit_on_error=False, group="form-draft", exclusive=True)
    def discard_draft(self, entity: str, entity_id: int | None) -> None:
        self.services.drafts.discard(entity, entity_id)

    def drop_draft_after_save(self) -> None:
        """Call in the save worker once saved: the draft is no longer needed (a failure
        here does not undo the save, so it is ignored)."""
        if self.draft_entity and self.draft_id() is not None:
            with contextlib.suppress(Exception):
                self.services.drafts.discard(self.draft_entity, self.draft_id())

    def on_draft_found(self, message: DraftFound) -> None:
        draft = message.draft
        values = {k: str(v) for k, v in draft.payload.items()}

        def answered(restore: bool | None) -> None:
            if restore:
                self.kept, self.kept_base = values, {}
                self.action_restore_draft()
            else:
                self.discard_draft(draft.entity, draft.entity_id)

        self.app.push_screen(
            ConfirmScreen(
                f"You left unsaved changes to this {self.what} on "
                f"{draft.saved_at:%m/%d/%Y %H:%M}. Put them back?",
                yes="Yes, put my changes back",
                no="No, throw them away",
            ),
            answered,
        )
