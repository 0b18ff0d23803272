"""Charge entry's saving, leaving and edit conflicts (the base of the screen, on top of its
drafts in `encounter_draft_keeping`).

Conflicts: a save after someone else's (`conflict_of`) keeps the entries as a draft and shows
what they changed (`ConflictScreen`): merge (mine on their version: the default), reload
theirs (ctrl+r puts mine back on top), or keep mine over theirs.
"""

from __future__ import annotations

from dataclasses import replace
from functools import partial
from typing import TYPE_CHECKING, Any

from textual.timer import Timer
from textual.widgets import Button
from textual.worker import Worker

from medbill_tui.domain.conflicts import reapply_form
from medbill_tui.records.conflicts import ConflictInfo
from medbill_tui.records.forms import (
    EncounterForm,
    FormFinding,
    SavedEncounter,
)
from medbill_tui.screens.conflict import Choice, ConflictScreen, conflict_of
from medbill_tui.screens.encounter_draft_keeping import DraftKeepingScreen
from medbill_tui.screens.reason import DiscardScreen
from medbill_tui.widgets.encounter_findings import counts_text
from medbill_tui.widgets.encounter_messages import (
    ChargesFilled,
    EncounterSaved,
    EntryOutcome,
    FieldMap,
)

if TYPE_CHECKING:
    pass


class ChargeEntryBase(DraftKeepingScreen):
    """What the charge-entry screen does around saving: the save itself, leaving and edit
    conflicts. The subclass lays out the form and checks it."""

    def __init__(self, encounter_id: int | None = None) -> None:
        super().__init__(encounter_id)
        self.kept: EncounterForm | None = None
        """The biller's entries when their save met someone else's (ctrl+r puts them back)."""
        self.kept_loaded: EncounterForm | None = None
        """The encounter as the biller had opened it, then (what their changes are)."""
        self._check_timer: Timer | None = None
        self._saving = False
        self._save_tried = False
        self._save_fields = FieldMap((), ())

    def load_encounter(self, encounter_id: int) -> Any:
        """Load the encounter into the form (the subclass's worker)."""
        raise NotImplementedError

    def _show_findings(self, findings: tuple[FormFinding, ...], fields: FieldMap) -> None:
        raise NotImplementedError

    # saving and leaving -------------------------------------------------------------------

    def action_save(self, create_claim: bool) -> None:
        if not self.ready or self._saving:
            return
        built = self.form_view.build(self.encounter_id, self.version)
        if built is None:
            self.notify("Pick the patient first.", title="Not saved", severity="warning")
            self.form_view.focus_field("patient")
            return
        form, fields = built
        self._saving = self._save_tried = True
        self._save_fields = fields
        if self._check_timer is not None:
            self._check_timer.stop()
            self._check_timer = None
        self._show_status("Saving…")
        self.save_form(form, fields, create_claim)

    def save_form(self, form: EncounterForm, fields: FieldMap, create_claim: bool) -> Any:
        """Start the save worker (the subclass's, group `entry-save`)."""
        raise NotImplementedError

    def save_locked(self, form: EncounterForm) -> SavedEncounter:
        """Save (in the save worker): no draft is written while the save runs, none after;
        the save deletes the draft in its own transaction."""
        with self._draft_lock:
            saved = self.services.encounters.save(form, self.loaded_form)
            self._draft_closed = True
        return saved

    def on_charges_filled(self, message: ChargesFilled) -> None:
        self.form_view.fill_charges(message.charges)

    def on_encounter_saved(self, message: EncounterSaved) -> None:
        saved = message.saved
        counts = counts_text(saved.findings)
        note = f" — {counts} still open" if counts else ""
        self.notify(f"Saved encounter {saved.encounter_id}{note}", title="Saved", timeout=6)
        self.dismiss(EntryOutcome(saved.encounter_id, message.create_claim))

    def on_button_pressed(self, event: Button.Pressed) -> None:
        event.stop()
        self.action_save(event.button.id == "save-claim-button")

    def action_leave(self) -> None:
        if self._saving:
            return
        if self.dirty:
            self.app.push_screen(
                DiscardScreen("Throw away your changes to this encounter?"), self._discarded
            )
        else:
            self.dismiss(None)

    def _discarded(self, yes: bool | None) -> None:
        if yes:
            self._run_draft_job(partial(self._drop_draft, self.encounter_id))
            self.dismiss(None)

    def save_failed(self, worker: Worker[Any]) -> bool:
        """A refused save: True when it was a conflict (now being asked about)."""
        self._saving = False
        info = conflict_of(worker.error)
        if info is None:
            return False
        built = self.form_view.build(self.encounter_id, self.version)
        if built is not None:
            self.kept, self.kept_loaded = built[0], self.loaded_form
            self.keep_draft_now(force=True)
            self.refresh_bindings()
        self._show_status(f"Not saved: {info.summary()}. Your entries are kept as a draft.")
        self.app.push_screen(ConflictScreen(info), partial(self._conflict_chosen, info))
        return True

    def _conflict_chosen(self, info: ConflictInfo, choice: Choice | None) -> None:
        theirs = info.theirs if isinstance(info.theirs, EncounterForm) else None
        if choice == "reload" and self.encounter_id is not None:
            self.ready = False
            self.load_encounter(self.encounter_id)
            self.notify(
                "Their saved encounter is shown; ctrl+r puts your entries back.",
                title="Reloaded",
                timeout=8,
            )
            return
        self.version = info.version
        self.loaded_form = theirs or self.loaded_form
        if choice != "keep" and theirs is not None:  # merge, the default
            self.action_restore_draft()
            return
        self._show_status(
            f"Not saved: {info.summary()}. Your entries stay on screen on their version: "
            "ctrl+s saves them over theirs."
        )

    def check_action(self, action: str, parameters: tuple[object, ...]) -> bool | None:
        if action == "restore_draft":
            return self.kept is not None
        return True

    def action_restore_draft(self) -> None:
        """Put the entries kept at a conflict back on screen, on the version now loaded."""
        if self.kept is None:
            return
        kept, base, theirs = self.kept, self.kept_loaded, self.loaded_form
        if base is not None and theirs is not None:  # only what you changed goes on theirs
            kept = reapply_form(base, kept, theirs)
        kept = replace(kept, version=self.version, encounter_id=self.encounter_id)
        self.restore(kept, theirs, "Your changes are back on theirs: ctrl+s saves them.")
