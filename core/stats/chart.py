"""The /stats chart: one PNG, per service the share resolved and the satisfaction, side by side.

Rendered with matplotlib's Agg backend through the object API (no pyplot, so no global figure
state shared between threads), imported only when a chart is drawn and run off the event
loop. A rendering failure gives no chart, never an error: the text figures go out anyway.
"""

from __future__ import annotations

import asyncio
import logging
from collections.abc import Sequence
from dataclasses import dataclass
from io import BytesIO

log = logging.getLogger(__name__)

RESOLVED_COLOUR = "#2a7ab0"
SATISFACTION_COLOUR = "#e08a1e"
HIDDEN_COLOUR = "#777777"


@dataclass(frozen=True)
class ChartRow:
    label: str  # the service's name
    resolved: float | None  # 0 to 1
    resolved_text: str
    satisfaction: float | None  # mean rating, 1 to 5; None: hidden or none
    satisfaction_text: str


@dataclass(frozen=True)
class ChartLabels:
    """Every word of the image, already in the reader's language."""

    title: str
    resolved: str
    satisfaction: str


def render_png(rows: Sequence[ChartRow], labels: ChartLabels) -> bytes:
    from matplotlib.backends.backend_agg import FigureCanvasAgg
    from matplotlib.figure import Figure

    fig = Figure(figsize=(8.0, 1.4 + 0.42 * len(rows)), dpi=110, layout="constrained")
    FigureCanvasAgg(fig)
    left, right = fig.subplots(1, 2, sharey=True)
    ys = list(range(len(rows)))
    left.barh(ys, [100 * (r.resolved or 0) for r in rows], color=RESOLVED_COLOUR)
    right.barh(ys, [r.satisfaction or 0 for r in rows], color=SATISFACTION_COLOUR)
    left.set_yticks(ys, [r.label for r in rows])
    left.invert_yaxis()
    left.set_xlim(0, 118)
    right.set_xlim(0, 5.9)
    right.set_xticks([0, 1, 2, 3, 4, 5])
    left.set_title(labels.resolved, fontsize=10)
    right.set_title(labels.satisfaction, fontsize=10)
    for y, r in zip(ys, rows, strict=True):
        left.text(
            100 * (r.resolved or 0) + 1.5,
            y,
            r.resolved_text,
            va="center",
            fontsize=8,
            color="black" if r.resolved is not None else HIDDEN_COLOUR,
        )
        right.text(
            (r.satisfaction or 0) + 0.08,
            y,
            r.satisfaction_text,
            va="center",
            fontsize=8,
            color="black" if r.satisfaction is not None else HIDDEN_COLOUR,
        )
    for ax in (left, right):
        ax.spines[["top", "right"]].set_visible(False)
    fig.suptitle(labels.title, fontsize=12)
    buf = BytesIO()
    fig.savefig(buf, format="png")
    return buf.getvalue()


def render_or_none(rows: Sequence[ChartRow], labels: ChartLabels) -> bytes | None:
    if not rows:
        return None
    try:
        return render_png(rows, labels)
    except Exception as exc:  # a missing font, a broken install: the figures go out as text
        log.warning("stats chart not rendered: %s: %s", type(exc).__name__, exc)
        return None


async def render(rows: Sequence[ChartRow], labels: ChartLabels) -> bytes | None:
    """The PNG, drawn in a worker thread; None when there is nothing to draw or it failed."""
    return await asyncio.to_thread(render_or_none, rows, labels)
