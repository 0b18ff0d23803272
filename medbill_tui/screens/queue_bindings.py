"""The keys of the queue screens (`QueueScreen.BINDINGS`): one list, each with its binding id."""

from __future__ import annotations

from textual.binding import Binding, BindingType

QUEUE_BINDINGS: list[BindingType] = [
    # most used first: the footer shows what fits at 80 columns (a queue's own keys only:
    # check_action hides the rest), and `?` lists every key
    Binding(
        "s",
        "submit",
        "Send",
        id="queue.submit",
        tooltip="Pending claims: preview, then send every ready claim (837P)",
    ),
    Binding(
        "t",
        "next_timer",
        "Timers",
        id="queue.timer",
        tooltip="Pending claims: no 999 / no 277CA / no payment in time, then all",
    ),
    Binding(
        "S",
        "request_status",
        "Ask status",
        id="queue.status-request",
        show=False,  # the footer is full at 80 columns; `?` lists it
        tooltip="Pending claims: ask the payer about this claim (a 276 in the outbox)",
    ),
    Binding("a", "new_encounter", "New", id="queue.new-encounter", tooltip="Key a new encounter"),
    Binding(
        "c",
        "create_claim",
        "Claim",
        id="queue.create-claim",
        tooltip="Create this encounter's claim (preview first)",
    ),
    Binding(
        "C",
        "create_all_claims",
        "All claims",
        id="queue.create-all-claims",
        tooltip="Create claims for every clean encounter (preview first)",
    ),
    Binding(
        "P",
        "bill_patient",
        "Bill patient",
        id="queue.bill-patient",
        show=False,
        tooltip="Unbilled: bill the patient instead of a payer (self-pay, or with a reason)",
    ),
    Binding("h", "hold", "Hold", id="queue.hold", tooltip="Put on hold, with a reason"),
    Binding("u", "release", "Release", id="queue.release", tooltip="Release from hold"),
    Binding(
        "v",
        "view",
        "View",
        id="queue.view",
        show=False,
        tooltip="The encounter or denied claim, read-only",
    ),
    Binding("slash", "filter", "Filter", id="queue.filter", tooltip="Narrow the rows"),
    Binding("x", "clear_filter", "Clear", id="queue.clear-filter", tooltip="Clear the filter"),
    Binding(
        "f",
        "fix_rejected",
        "Fix",
        id="queue.fix-rejected",
        tooltip="Correct a rejected claim's visit in charge entry",
    ),
    Binding(
        "R",
        "resend_rejected",
        "Resend",
        id="queue.resend-rejected",
        tooltip="Make a rejected claim ready to send again as it stands now",
    ),
    Binding(
        "b",
        "toggle_by_claim",
        "By claim",
        id="queue.balances-by-claim",
        tooltip="Balances: one row per account or one per claim",
    ),
    Binding(
        "r", "refresh", "Reload", id="queue.refresh", show=False, tooltip="Reload from the top"
    ),
    Binding("escape", "back", "Back", id="queue.back", tooltip="Back to the dashboard"),
]
