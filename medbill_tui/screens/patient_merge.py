"""Merging a duplicate account into the one on screen (supervisors and admins): pick the
duplicate (or type its account number), see what will move, confirm with y."""

from __future__ import annotations

from dataclasses import dataclass
from typing import ClassVar

from rich.text import Text
from textual import on, work
from textual.app import ComposeResult
from textual.binding import Binding, BindingType
from textual.message import Message
from textual.widgets import Input, Label, OptionList, Static
from textual.widgets.option_list import Option

from medbill_tui.records.patient_merge import DuplicateMatch, MergePlan
from medbill_tui.screens.base import ServiceScreen
from medbill_tui.screens.dialog import DialogScreen
from medbill_tui.widgets.patient_match import match_text
from medbill_tui.widgets.text import fmt_date


@dataclass
class MergeCandidates(Message):
    matches: tuple[DuplicateMatch, ...]


@dataclass
class MergePreviewed(Message):
    plan: MergePlan


@dataclass
class MergeDone(Message):
    plan: MergePlan


class MergePickScreen(DialogScreen[str | None]):
    """Choose the duplicate to merge into this account; dismisses with its account number.

    | Key(s) | Description |
    | :- | :- |
    | up / down | Highlight a possible duplicate. |
    | enter | Choose it (or the account number typed in the box). |
    | escape | Cancel. |
    """

    dialog_id = "merge-pick-dialog"

    DEFAULT_CSS = """
    #merge-candidates { height: auto; max-height: 12; }
    """

    BINDINGS: ClassVar[list[BindingType]] = [
        Binding("escape", "cancel", "Cancel", id="merge.cancel", tooltip="Merge nothing"),
    ]

    def __init__(self, target: str, matches: tuple[DuplicateMatch, ...]) -> None:
        super().__init__()
        self.target = target
        self.matches = matches

    def compose_dialog(self) -> ComposeResult:
        yield Label(f"Merge a duplicate into {self.target}", classes="dialog-title")
        if self.matches:
            yield OptionList(*(Option(match_text(m)) for m in self.matches), id="merge-candidates")
        else:
            yield Static("No account looks like this one (name and DOB, member id).")
        yield Input(placeholder="or type the duplicate's account number", id="merge-account")
        yield Static(
            "Enter chooses; the next step shows what will move · Esc cancels",
            classes="dialog-hint",
            markup=False,
        )

    def on_mount(self) -> None:
        if self.matches:
            options = self.query_one(OptionList)
            options.highlighted = 0
            options.focus()
        else:
            self.query_one(Input).focus()

    def on_option_list_option_selected(self, event: OptionList.OptionSelected) -> None:
        event.stop()
        self.dismiss(self.matches[event.option_index].account_no)

    @on(Input.Submitted, "#merge-account")
    def typed(self, event: Input.Submitted) -> None:
        event.stop()
        if event.value.strip():
            self.dismiss(event.value.strip().upper())

    def action_cancel(self) -> None:
        self.dismiss(None)


def plan_words(plan: MergePlan) -> str:
    """What the confirmation shows: both accounts, the rows that move, notes, blockers."""
    source, target = plan.source, plan.target
    lines = [
        f"{source.account_no}  {source.name}  born {fmt_date(source.dob)}",
        f"  into {target.account_no}  {target.name}  born {fmt_date(target.dob)}",
        "",
        "Moves: " + plan.counts_text(),
    ]
    lines += [f"Note: {note}" for note in plan.notes]
    if plan.blockers:
        lines += ["", "Cannot merge now:"] + [f"  {why}" for why in plan.blockers]
    return "\n".join(lines)


class MergeConfirmScreen(DialogScreen[bool]):
    """What the merge will move; y merges (when nothing stops it), n or Esc does not.

    | Key(s) | Description |
    | :- | :- |
    | y | Merge. |
    | n / escape | Merge nothing. |
    """

    dialog_id = "merge-confirm-dialog"

    BINDINGS: ClassVar[list[BindingType]] = [
        Binding("y", "answer(True)", "Merge", id="merge.yes"),
        Binding("n,escape", "answer(False)", "Cancel", id="merge.no"),
    ]

    def __init__(self, plan: MergePlan) -> None:
        super().__init__()
        self.plan = plan

    def compose_dialog(self) -> ComposeResult:
        title = "Merge these accounts?" if not self.plan.blockers else "These accounts must wait"
        yield Label(title, classes="dialog-title")
        yield Static(Text(plan_words(self.plan)))
        keys = "n  cancel (or Esc)"
        if not self.plan.blockers:
            keys = "y  merge (the history keeps both account numbers)\n" + keys
        yield Static(keys, classes="dialog-keys", markup=False)

    def check_action(self, action: str, parameters: tuple[object, ...]) -> bool | None:
        if action == "answer" and parameters == (True,):
            return not self.plan.blockers
        return True

    def action_answer(self, yes: bool) -> None:
        self.dismiss(yes and not self.plan.blockers)


class MergeActions(ServiceScreen):
    """Adds `M` (merge a duplicate into this account) to the account screen, shown only to
    those whose role may merge."""

    BINDINGS: ClassVar[list[BindingType]] = [
        Binding(
            "M",
            "merge",
            "Merge",
            id="account.merge",
            tooltip="Merge a duplicate account into this one (supervisors)",
        ),
    ]

    patient_id: int

    def merge_target(self) -> str | None:
        """This account's number, None until it has loaded."""
        raise NotImplementedError

    def check_action(self, action: str, parameters: tuple[object, ...]) -> bool | None:
        if action == "merge":
            return self.services.can("merge-patients")
        return True

    def action_merge(self) -> None:
        if self.merge_target() is None:
            self.notify("Wait until it has loaded", severity="warning")
            return
        self.find_candidates()

    @work(thread=True, exit_on_error=False, group="merge", exclusive=True)
    def find_candidates(self) -> None:
        self.post_message(MergeCandidates(self.services.patient_merge.candidates(self.patient_id)))

    def on_merge_candidates(self, message: MergeCandidates) -> None:
        target = self.merge_target()
        assert target is not None

        def chosen(account: str | None) -> None:
            if account:
                self.preview_merge(account, target)

        self.app.push_screen(MergePickScreen(target, message.matches), chosen)

    @work(thread=True, exit_on_error=False, group="merge", exclusive=True)
    def preview_merge(self, source: str, target: str) -> None:
        self.post_message(MergePreviewed(self.services.patient_merge.preview(source, target)))

    def on_merge_previewed(self, message: MergePreviewed) -> None:
        plan = message.plan

        def answered(yes: bool | None) -> None:
            if yes:
                self.run_merge(plan.source.account_no, plan.target.account_no)

        self.app.push_screen(MergeConfirmScreen(plan), answered)

    @work(thread=True, exit_on_error=False, group="merge", exclusive=True)
    def run_merge(self, source: str, target: str) -> None:
        self.post_message(MergeDone(self.services.patient_merge.merge(source, target)))

    def on_merge_done(self, message: MergeDone) -> None:
        plan = message.plan
        self.notify(
            f"{plan.source.account_no} merged into {plan.target.account_no}: {plan.counts_text()}",
            title="Merged",
            timeout=10,
        )
        self.merge_done()

    def merge_done(self) -> None:
        """Hook: reload what the screen shows."""
