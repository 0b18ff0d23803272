"""Command palette (ctrl+p) entries: go to the dashboard or one of the four queues."""

from __future__ import annotations

from collections.abc import Callable
from functools import partial
from typing import TYPE_CHECKING, cast

from textual.command import DiscoveryHit, Hit, Hits, Provider

from medbill_tui.records import QUEUE_TITLES, QueueKind

if TYPE_CHECKING:
    from medbill_tui.app import MedbillApp


class ScreensProvider(Provider):
    """Lists the screens a biller can go to; typing narrows them by name."""

    def _entries(self) -> list[tuple[str, str, Callable[[], object]]]:
        app = cast("MedbillApp", self.app)
        entries: list[tuple[str, str, Callable[[], object]]] = [
            ("Dashboard", "The four queues with counts and amounts", app.show_dashboard)
        ]
        for number, kind in enumerate(QueueKind, start=1):
            entries.append(
                (
                    f"Queue: {QUEUE_TITLES[kind]}",
                    f"Open the {QUEUE_TITLES[kind].lower()} queue (key {number})",
                    partial(app.open_queue, kind),
                )
            )
        return entries

    async def discover(self) -> Hits:
        for name, help_text, command in self._entries():
            yield DiscoveryHit(name, command, help=help_text)

    async def search(self, query: str) -> Hits:
        matcher = self.matcher(query)
        for name, help_text, command in self._entries():
            score = matcher.match(name)
            if score > 0:
                yield Hit(score, matcher.highlight(name), command, text=name, help=help_text)
