"""The dashboard's chart: money owed per aging bucket, and what was owed at each month end."""

from __future__ import annotations

import plotext._utility as plotext_utility
from textual.app import ComposeResult
from textual.containers import Horizontal
from textual_plotext import PlotextPlot
from textual_plotext.plot import Plot

from medbill_tui.domain.aging import BUCKETS
from medbill_tui.records.queues import AgingOverview

# plotext drops duplicate points through a set, so where a tick label lands changed with
# Python's hash seed from one start to the next; keep the first of each, in order, instead.
plotext_utility.no_duplicates = lambda data: list(dict.fromkeys(data))


class AgingChart(Horizontal):
    """Two small plots side by side: aging buckets (bars) and the receivables trend (line).

    Plotting needs floats; the amounts shown in words elsewhere stay Decimal.
    """

    DEFAULT_CSS = """
    AgingChart { height: 1fr; min-height: 8; }
    AgingChart PlotextPlot { width: 1fr; height: 100%; }
    """

    def compose(self) -> ComposeResult:
        yield PlotextPlot(id="aging-buckets")
        yield PlotextPlot(id="aging-trend")

    def show(self, overview: AgingOverview) -> None:
        """Draw `overview` (replacing what was drawn)."""
        bars = self.query_one("#aging-buckets", PlotextPlot)
        plt = bars.plt
        plt.clear_figure()
        amounts = [float(v) for v in overview.totals.buckets]
        places = [float(n) for n in range(1, len(BUCKETS) + 1)]
        plt.bar(places, amounts, width=0.6)
        plt.xticks(places, [label for label, _, _ in BUCKETS])
        plt.title("Owed by age, days")
        _y_ticks(plt, amounts)
        bars.refresh()
        trend = self.query_one("#aging-trend", PlotextPlot)
        plt = trend.plt
        plt.clear_figure()
        xs = [float(x) for x in range(len(overview.trend))]
        owed = [float(point.owed) for point in overview.trend]
        plt.plot(xs, owed, marker="dot")
        plt.xticks(xs, [f"{point.day:%b}" for point in overview.trend])
        plt.title("Owed at month end")
        _y_ticks(plt, owed)
        trend.refresh()


def _y_ticks(plt: Plot, values: list[float]) -> None:
    """Three y labels, short: 0, half and the top ('62.8k')."""
    top = max([*values, 1.0])
    ticks = [0.0, top / 2, top]
    plt.yticks(ticks, [compact_number(tick) for tick in ticks])


def compact_number(value: float) -> str:
    """'62.8k', '1.2M', '950'."""
    if abs(value) >= 1_000_000:
        return f"{value / 1_000_000:.1f}M"
    if abs(value) >= 1_000:
        return f"{value / 1_000:.1f}k"
    return f"{value:.0f}"
