"""`n` in the work lists: take the next item nobody holds (with a lease) and open it. Coming
back to the list from anything opened over it gives back what this session still holds of the
list's kinds (a finished item is closed and holds nothing; done-and-next on a denial takes the
next one, which is given back too); items taken on the command line stay taken."""

from __future__ import annotations

from dataclasses import dataclass
from typing import ClassVar

from textual import work
from textual.binding import Binding, BindingType
from textual.message import Message
from textual.worker import Worker, WorkerState

from medbill_tui.records.work import Queue, WorkLease, until_words
from medbill_tui.screens.base import ServiceScreen

TAKE_GROUP = "work-next"
RELEASE_GROUP = "work-release"
REASSIGN_GROUP = "work-reassign"
HELD_MARK = "@"
"""Before a row's first cell in the follow-up and unmatched lists: someone holds it."""


@dataclass
class WorkTaken(Message):
    """`next` answered: the item now held by the biller, or None when nothing was free (and
    `why`, in words)."""

    queue: Queue
    lease: WorkLease | None
    why: str = ""


@dataclass
class WorkReassigned(Message):
    """A supervisor gave an item to someone: the item and its new holder's lease."""

    lease: WorkLease


@dataclass
class WorkReleased(Message):
    """The biller's leases were given back on coming back to the list (their ids);
    `took`: the biller had taken an item with `n` (it may be finished now)."""

    ids: list[int]
    took: bool


def taken_words(lease: WorkLease) -> str:
    """'Claim C100017 (Doe, Jane) is yours until 14:32'."""
    who = f" ({lease.patient_name})" if lease.patient_name else ""
    return f"{_first_up(lease.label)}{who} is yours until {until_words(lease.lease_until)}"


def _first_up(words: str) -> str:
    """'claim C100017' -> 'Claim C100017' (str.capitalize would lower the claim number)."""
    return words[:1].upper() + words[1:]


class WorkNextActions(ServiceScreen):
    """A work list's `n` (a base of the list screens; they say which queue and how to open).

    | Key(s) | Description |
    | :- | :- |
    | n | Take the next item nobody holds and open it. |
    | A | Give the item under the cursor to another biller (supervisors). |
    """

    BINDINGS: ClassVar[list[BindingType]] = [
        Binding(
            "n",
            "work_next",
            "Next",
            id="work.next",
            tooltip="Take the next item nobody holds and open it (yours for a while)",
        ),
        Binding(
            "A",
            "reassign",
            "Give to",
            id="work.reassign",
            show=False,  # footer is full
            tooltip="Give the item under the cursor to another biller (supervisors)",
        ),
    ]

    _taking = False
    _away = False
    _took = False
    _giving_back = False
    """Back from an item: its lease is being given back (keys typed now wait for it, so a
    key that leaves the list cannot cut the release short)."""

    RELEASES: ClassVar[dict[str, tuple[str, ...]]] = {
        "denials": ("denial",),
        "rejections": ("rejection",),
        "followups": ("followup", "denial"),  # the follow-up list opens denials too
        "unmatched": ("unmatched",),
        "credits": ("credit",),
    }

    def work_queue(self) -> Queue | None:
        """The queue `n` takes from on this screen (None: `n` does nothing here)."""
        raise NotImplementedError

    def open_taken(self, lease: WorkLease) -> None:
        """Open the item just taken (the denial screen, charge entry, the claim…)."""
        raise NotImplementedError

    def current_work_item(self) -> int | None:
        """The work item under the cursor (None: the row is not one, or no row)."""
        return None

    def work_released(self) -> None:
        """Hook: back from an item taken with `n`, or leases were given back: reload to show
        what is left and who holds what."""

    def keys_wait(self) -> bool:
        # `n` typed ahead: the keys after it are for the item it opens
        return self._taking or self._giving_back

    def action_work_next(self) -> None:
        queue = self.work_queue()
        if queue is None:
            return
        if self._taking:
            self.notify("Still taking the last one…", timeout=3)
            return
        self._taking = True
        self.take_next(queue)

    @work(thread=True, exit_on_error=False, group=TAKE_GROUP, exclusive=True)
    def take_next(self, queue: Queue) -> None:
        lease = self.services.work.next(queue)
        why = self.services.work.why_nothing(queue) if lease is None else ""
        self.post_message(WorkTaken(queue, lease, why))

    def on_work_taken(self, message: WorkTaken) -> None:
        self._taking = False
        if message.lease is None:
            self.notify(message.why, title="Next", timeout=8)
            return
        self._took = True
        self.notify(taken_words(message.lease), title="Next", timeout=6)
        self.open_taken(message.lease)

    def action_reassign(self) -> None:
        if self.work_queue() is None:
            return
        item = self.current_work_item()
        if item is None:
            self.notify(
                "This row is not a work item that can be given to someone.",
                title="Give to",
                severity="warning",
                timeout=5,
            )
            return
        from medbill_tui.screens.prompt import PromptScreen  # on use: keeps startup light

        def answered(login: str | None) -> None:
            if login:
                self.reassign(item, login)

        self.app.push_screen(
            PromptScreen("Give this item to another biller", "Their login:", "e.g. jsmith"),
            answered,
        )

    @work(thread=True, exit_on_error=False, group=REASSIGN_GROUP)
    def reassign(self, work_item_id: int, login: str) -> None:
        self.post_message(WorkReassigned(self.services.work.reassign(work_item_id, login)))

    def on_work_reassigned(self, message: WorkReassigned) -> None:
        lease = message.lease
        self.notify(
            f"{_first_up(lease.label)} is now {lease.owner}'s until "
            f"{until_words(lease.lease_until)}",
            title="Given",
            timeout=6,
        )
        self.work_released()

    def on_screen_suspend(self) -> None:
        self._away = True

    def on_screen_resume(self) -> None:
        queue = self.work_queue()
        if self._away and queue is not None:  # back from an item: give back what is held
            self._away = False
            self._giving_back = True
            self.release_held(self.RELEASES[queue], self._took)
            self._took = False

    @work(thread=True, exit_on_error=False, group=RELEASE_GROUP, exclusive=True)
    def release_held(self, kinds: tuple[str, ...], took: bool) -> None:
        released = self.services.work.release_mine(kinds, why="went back")
        self.post_message(WorkReleased(released, took))

    def on_work_released(self, message: WorkReleased) -> None:
        self._giving_back = False
        if message.ids or message.took:
            self.work_released()

    def on_worker_state_changed(self, event: Worker.StateChanged) -> None:
        # ServiceScreen's handler (also called) tells the biller what went wrong
        if event.state is WorkerState.ERROR and event.worker.group == TAKE_GROUP:
            self._taking = False
        if event.state is WorkerState.ERROR and event.worker.group == RELEASE_GROUP:
            self._giving_back = False
