"""The app's own keys (`MedbillApp.BINDINGS`): one list, each with its binding id.

The queue keys (1-4, 8) come from the queue kinds; every key here works from any screen
that does not bind it itself. Binding ids are listed in binding_ids.py too.
"""

from __future__ import annotations

from textual.binding import Binding, BindingType

from medbill_tui.records.queues import QUEUE_KEYS, QUEUE_TITLES, QueueKind
from medbill_tui.shell.binding_ids import QUEUE_BINDING_IDS

QUEUES = Binding.Group("Queues", compact=True)


def queue_binding(kind: QueueKind) -> Binding:
    """The key that opens one work queue (its key and title come with the kind)."""
    return Binding(
        QUEUE_KEYS[kind],
        f"open_queue('{kind.value}')",
        QUEUE_TITLES[kind],
        id=QUEUE_BINDING_IDS[kind],
        group=QUEUES,
        tooltip=f"Open {QUEUE_TITLES[kind].lower()}",
    )


APP_BINDINGS: list[BindingType] = [
    queue_binding(QueueKind.UNBILLED),
    queue_binding(QueueKind.PENDING_CLAIMS),
    queue_binding(QueueKind.DENIALS),
    queue_binding(QueueKind.BALANCES),
    Binding(
        "5",
        "patients",
        "Patients",
        id="app.patients",
        group=QUEUES,
        tooltip="Find, add or correct a patient",
    ),
    Binding(
        "6",
        "inbox",
        "Inbox",
        id="app.inbox",
        group=QUEUES,
        tooltip="Import acknowledgments and remittances",
    ),
    Binding(
        "7",
        "pending_auths",
        "Auths",
        id="app.pending-auths",
        group=QUEUES,
        tooltip="Authorizations waiting for the payer",
    ),
    Binding(
        "0",
        "reports",
        "Reports",
        id="app.reports",
        group=QUEUES,
        tooltip="Aging, denials, payments and productivity reports",
    ),
    Binding(
        "9",
        "unmatched",
        "Unmatched",
        id="app.unmatched",
        group=QUEUES,
        tooltip="Payments the import could not tie to a claim",
    ),
    queue_binding(QueueKind.REJECTIONS),
    Binding(
        "w",
        "followups",
        "Follow-up",
        id="app.followups",
        group=QUEUES,
        tooltip="Follow-ups due today: claims and accounts to chase",
    ),
    Binding("question_mark", "help", "Help", id="app.help", tooltip="Show every key"),
    Binding("q", "quit_top", "Quit", id="app.quit", tooltip="Leave medbill"),
    Binding(
        "ctrl+p",
        "command_palette",
        "Commands",
        show=False,  # footers are full: ? lists it
        priority=True,
        id="app.command-palette",
    ),
    Binding(
        "ctrl+t",
        "statements",
        "Statements",
        show=False,
        id="app.statements",
        tooltip="Patient statements: preview, send, refer to collections",
    ),
    Binding(
        "ctrl+f",
        "find",
        "Find",
        show=False,  # every footer is full; ? and the palette list it
        priority=True,  # typing in a box too (an Input's ctrl+f deletes a word)
        id="app.find",
        tooltip="Find a claim (ours or the payer's number) or a patient, from anywhere",
    ),
    Binding("ctrl+q", "quit", "Quit now", show=False, priority=True, id="app.force-quit"),
]
