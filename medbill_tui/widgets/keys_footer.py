"""The footer of every screen: its keys most important first, only those that fit whole, and
the help key pinned at the right edge so it is always visible."""

from __future__ import annotations

from collections.abc import Iterable, Iterator
from itertools import groupby
from typing import Any

from rich.cells import cell_len
from textual import events
from textual.app import ComposeResult
from textual.binding import ActiveBinding, Binding
from textual.widget import Widget
from textual.widgets import Footer
from textual.widgets._footer import FooterKey, FooterLabel, KeyGroup

HELP_ACTIONS = frozenset({"help", "app.help"})
"""The actions that open the screen's keys (`?`, and f1 where a field takes `?`)."""

BACK_ACTIONS = frozenset({"back", "app.pop_screen"})


def footer_order(
    active: Iterable[ActiveBinding], app: Any, first: tuple[str, ...]
) -> list[Binding]:
    """The bindings to show, most important first: those whose id the screen names in `first`
    (in that order), then the rest of the screen's and its widgets' keys as Textual lists
    them, then its Back key, then the app's keys (the queues, quit). One binding per action;
    hidden bindings and the help key are left out (the footer pins help on its own)."""
    ranked: list[tuple[tuple[int, int], Binding]] = []
    seen: set[str] = set()
    for index, (node, binding, _enabled, _tooltip) in enumerate(active):
        if not binding.show or binding.action in HELP_ACTIONS or binding.action in seen:
            continue
        seen.add(binding.action)
        if binding.id is not None and binding.id in first:
            rank = (0, first.index(binding.id))
        elif node is app:
            rank = (3, index)
        elif binding.key == "escape" or binding.action in BACK_ACTIONS:
            rank = (2, index)
        else:
            rank = (1, index)
        ranked.append((rank, binding))
    return [binding for _, binding in sorted(ranked, key=lambda item: item[0])]


class KeysFooter(Footer):
    """A Footer that shows a screen's keys in the order it gives (`footer_first` on the
    screen: binding ids, most important first), only the keys that fit whole, and the help
    key docked at its right edge. `?` lists every key, the command palette (ctrl+p) among
    them, so the palette has no key of its own here.

    Widths are counted from Textual's footer rules (a key is its key and words plus its
    padding, margin in the compact style; a group is its keys and label)."""

    DEFAULT_CSS = """
    KeysFooter FooterKey.-help {
        dock: right;
        border-left: vkey $foreground 20%;
    }
    KeysFooter.-compact FooterKey.-help {
        padding: 0 1;
        margin: 0;
    }
    """

    def __init__(self, *, compact: bool = False) -> None:
        super().__init__(compact=compact, show_command_palette=False)
        self._composed_for = 0
        """The width the keys were chosen for."""

    def compose(self) -> ComposeResult:
        if not self._bindings_ready:
            return
        screen = self.screen
        active = screen.active_bindings
        first: tuple[str, ...] = getattr(screen, "footer_first", ())
        help_key = next((b for _, b, _, _ in active.values() if b.action in HELP_ACTIONS), None)
        self._composed_for = self.size.width
        room = self.size.width or 1000  # not laid out yet: all (a resize chooses again)
        if help_key is not None:
            room -= 1 + cell_len(self._display(help_key)) + cell_len(help_key.description) + 3
            yield self._key(help_key, active[help_key.key], classes="-help")
        for part, width in self._parts(footer_order(active.values(), self.app, first), active):
            room -= width
            if room < 0:  # the most important first: the rest stays in `?`
                break
            yield from part

    def _parts(
        self, shown: list[Binding], active: dict[str, ActiveBinding]
    ) -> Iterator[tuple[list[Widget], int]]:
        """Each key, or group of keys with its label, as widgets and the cells they take."""
        for group, members_of in groupby(shown, lambda binding: binding.group):
            members = list(members_of)
            if group is not None and len(members) > 1:
                keys = [self._key(b, active[b.key], classes="-grouped") for b in members]
                box = KeyGroup(*keys, classes="-compact" if group.compact else "")
                label = FooterLabel(group.description)
                width = sum(cell_len(self._display(b)) for b in members)
                width += 2 if group.compact else 2 * len(members)
                width += cell_len(group.description) + (0 if self.compact else 1)
                yield [box, label], width
                continue
            for binding in members:
                width = cell_len(self._display(binding))
                if binding.description:
                    width += cell_len(binding.description) + (1 if self.compact else 3)
                yield [self._key(binding, active[binding.key])], width + (1 if self.compact else 0)

    def _display(self, binding: Binding) -> str:
        return self.app.get_key_display(binding)

    def _key(self, binding: Binding, state: ActiveBinding, classes: str = "") -> FooterKey:
        grouped = classes == "-grouped"
        return FooterKey(
            binding.key,
            self._display(binding),
            "" if grouped else binding.description,
            binding.action,
            disabled=not state.enabled,
            tooltip=state.tooltip or binding.description,
            classes=classes,
        ).data_bind(compact=Footer.compact)

    def on_resize(self, event: events.Resize) -> None:
        if self._bindings_ready and event.size.width != self._composed_for:
            self.refresh(recompose=True)
