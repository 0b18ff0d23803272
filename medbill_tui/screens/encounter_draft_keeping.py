"""Charge entry's drafts (the first base of the screen).

As the biller types, the form is kept in the `draft` table — after a pause in the typing
(`DRAFT_IDLE`), at least every `DRAFT_MAX` seconds of steady typing, and whenever the cursor
moves to another field — so a dropped SSH session loses a few seconds at most. Opening the
same encounter (or "new encounter") again offers the draft back; a save deletes it in the
save's own transaction; throwing the changes away deletes it too.
"""

from __future__ import annotations

import contextlib
import threading
import time
from dataclasses import asdict, dataclass
from functools import partial
from typing import TYPE_CHECKING, Any, cast

from textual.message import Message
from textual.screen import ModalScreen
from textual.timer import Timer
from textual.widgets import Static

from medbill_tui.records.conflicts import Draft
from medbill_tui.records.forms import (
    EncounterForm,
    LineForm,
    PatientContext,
    ProviderOption,
)
from medbill_tui.screens.conflict import ConfirmScreen
from medbill_tui.widgets.encounter_form import EncounterFormView
from medbill_tui.widgets.encounter_messages import (
    EntryOutcome,
)

if TYPE_CHECKING:
    from medbill_tui.screens.host import MedbillHost
    from medbill_tui.services import Services

DRAFT_IDLE = 2.0
"""Seconds of no typing before the form is kept as a draft."""
DRAFT_MAX = 5.0
"""Steady typing still keeps a draft at least this often (seconds)."""
ENTITY = "encounter"


def form_payload(form: EncounterForm, loaded: EncounterForm | None) -> dict[str, object]:
    """The draft's JSON: the form as typed and the form as it was opened (for conflicts)."""
    return {"form": asdict(form), "loaded": asdict(loaded) if loaded is not None else None}


def payload_form(data: object) -> EncounterForm:
    """An `EncounterForm` back from its JSON (tuples come back as lists)."""
    values = dict(cast("dict[str, Any]", data))
    lines = tuple(
        LineForm(**{**line, "modifiers": tuple(line.get("modifiers", ("", "", "", "")))})
        for line in values.pop("lines", ())
    )
    return EncounterForm(
        **{**values, "diagnoses": tuple(values.get("diagnoses", ())), "lines": lines}
    )


@dataclass
class DraftOffered(Message):
    """The look for a draft of this encounter finished (`draft` None: there is none)."""

    draft: Draft | None


@dataclass
class DraftRestored(Message):
    """A draft (or the entries kept at a conflict) is ready to go back on screen."""

    form: EncounterForm
    loaded: EncounterForm | None
    context: PatientContext
    providers: tuple[ProviderOption, ...]
    note: str


class DraftKeepingScreen(ModalScreen[EntryOutcome | None]):
    """Charge entry's drafts: kept as the biller types, offered back when the visit is
    opened again, put back on screen. The subclass saves and lays out the form."""

    def __init__(self, encounter_id: int | None = None) -> None:
        super().__init__()
        self.encounter_id = encounter_id
        self.version: int | None = None
        self.loaded_form: EncounterForm | None = None
        """The encounter as opened (what a conflict's changes are measured against)."""
        self.ready = encounter_id is None
        """False while an encounter to edit is still loading."""
        self._baseline: tuple[object, ...] | None = None
        self._draft_lock = threading.Lock()
        self._draft_closed = False
        """Saved or thrown away: no more drafts of this visit."""
        self._offer_pending = True
        """Until the question about an old draft is answered, no new draft replaces it."""
        self._offered = False
        self._draft_timer: Timer | None = None
        self._last_draft: dict[str, object] | None = None
        self._last_draft_at = time.monotonic()

    # app and services (as ServiceScreen has them; this screen is modal) -----------------

    @property
    def medbill(self) -> MedbillHost:
        return cast("MedbillHost", self.app)

    @property
    def services(self) -> Services:
        return self.medbill.services

    @property
    def form_view(self) -> EncounterFormView:
        return self.query_one(EncounterFormView)

    def _show_status(self, text: str) -> None:
        self.query_one("#entry-status", Static).update(text)

    def _take_baseline(self) -> None:
        self._baseline = self.form_view.snapshot()

    @property
    def dirty(self) -> bool:
        """True when something differs from what was loaded (or from the blank form)."""
        return self._baseline is not None and self.form_view.snapshot() != self._baseline

    def _schedule_check(self) -> None:
        """Check the form again after the typing pause (the subclass does)."""
        raise NotImplementedError

    # drafts -------------------------------------------------------------------------------

    def draft_soon(self) -> None:
        """A field changed: keep a draft after the typing pause (or now, if typing went on
        for a while)."""
        if self._draft_closed or self._offer_pending:
            return
        if time.monotonic() - self._last_draft_at >= DRAFT_MAX:
            self.keep_draft_now()
            return
        if self._draft_timer is not None:
            self._draft_timer.stop()
        self._draft_timer = self.set_timer(DRAFT_IDLE, self.keep_draft_now)

    def keep_draft_now(self, force: bool = False) -> None:
        """Keep the form as a draft unless nothing changed (one upsert, in a worker)."""
        if self._draft_timer is not None:
            self._draft_timer.stop()
            self._draft_timer = None
        if self._draft_closed or (self._offer_pending and not force) or not self.is_mounted:
            return
        if not force and (not self.ready or not self.dirty):
            return
        built = self.form_view.build(self.encounter_id, self.version)
        if built is None:
            return
        payload = form_payload(built[0], self.loaded_form)
        if payload == self._last_draft and not force:
            return
        self._last_draft, self._last_draft_at = payload, time.monotonic()
        self._run_draft_job(partial(self._write_draft, self.encounter_id, payload))

    def keep_draft_for_exit(self) -> None:
        """The session is ending (hang-up, logoff): keep unsaved entries now (blocking)."""
        if self._draft_closed or self._offer_pending or not self.ready or not self.dirty:
            return
        built = self.form_view.build(self.encounter_id, self.version)
        if built is None:
            return
        payload = form_payload(built[0], self.loaded_form)
        with self._draft_lock:
            if not self._draft_closed:
                self.services.drafts.save(ENTITY, self.encounter_id, payload)

    @property
    def draft_waiting(self) -> bool:
        """True while a draft waits for the typing pause (tests wait for this)."""
        return self._draft_timer is not None

    def _run_draft_job(self, job: Any) -> None:
        # An app worker, so a draft being written outlives the screen closing.
        self.app.run_worker(job, thread=True, group="entry-draft", exit_on_error=False)

    def _write_draft(self, entity_id: int | None, payload: dict[str, object]) -> None:
        with self._draft_lock:
            if not self._draft_closed:
                # A lost database must not interrupt typing: the next pause tries again.
                with contextlib.suppress(Exception):
                    self.services.drafts.save(ENTITY, entity_id, payload)

    def _drop_draft(self, entity_id: int | None) -> None:
        with self._draft_lock:
            self._draft_closed = True
            with contextlib.suppress(Exception):
                self.services.drafts.discard(ENTITY, entity_id)

    def offer_draft(self) -> None:
        """Once, when the form is ready: look for a draft of this visit left unsaved."""
        if self._offered:
            return
        self._offered = True
        self._offer_pending = True
        self.run_worker(
            self._find_draft,
            thread=True,
            group="entry-draft-find",
            exclusive=True,
            exit_on_error=False,
        )

    def _find_draft(self) -> None:
        try:
            draft = self.services.drafts.find(ENTITY, self.encounter_id)
        finally:
            self._offer_pending = False
        self.post_message(DraftOffered(draft))

    def on_draft_offered(self, message: DraftOffered) -> None:
        draft = message.draft
        if draft is None:
            return
        self._offer_pending = True
        what = "a new encounter" if self.encounter_id is None else "this encounter"

        def answered(restore: bool | None) -> None:
            self._offer_pending = False
            if restore:
                loaded = draft.payload.get("loaded")
                self.restore(
                    payload_form(draft.payload["form"]),
                    payload_form(loaded) if loaded else self.loaded_form,
                    f"Your unsaved entries of {draft.saved_at:%m/%d %H:%M} are back: "
                    "ctrl+s saves them.",
                )
            else:
                self._run_draft_job(partial(self._forget_draft, draft.entity_id))

        self.app.push_screen(
            ConfirmScreen(
                f"You left {what} unsaved on {draft.saved_at:%m/%d/%Y at %H:%M}. "
                "Put your entries back?",
                yes="Yes, put them back",
                no="No, throw them away",
            ),
            answered,
        )

    def _forget_draft(self, entity_id: int | None) -> None:
        with contextlib.suppress(Exception):
            self.services.drafts.discard(ENTITY, entity_id)

    def restore(self, form: EncounterForm, loaded: EncounterForm | None, note: str) -> None:
        """Put a form back on screen (its patient's context is loaded first)."""
        self.run_worker(
            partial(self._load_restore, form, loaded, note),
            thread=True,
            group="entry-restore",
            exclusive=True,
            exit_on_error=False,
        )

    def _load_restore(self, form: EncounterForm, loaded: EncounterForm | None, note: str) -> None:
        encounters = self.services.encounters
        context = encounters.patient_context(form.patient_id)
        providers = encounters.providers(keep=form.provider_id)
        self.post_message(DraftRestored(form, loaded, context, providers, note))

    async def on_draft_restored(self, message: DraftRestored) -> None:
        form = message.form
        await self.form_view.show_encounter(
            form, message.context, message.providers, self.services.clock.today()
        )
        self.version, self.loaded_form, self.ready = form.version, message.loaded, True
        self._show_status(message.note)
        self._schedule_check()
        self.keep_draft_now()
