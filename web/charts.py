"""Small bar charts as inline SVG for the dashboard's pages: no script, no CDN, readable by a
screen reader (a title, and each bar's value written beside it). Words are escaped as the
pages' templates escape them (markupsafe, Jinja's own)."""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass

from markupsafe import escape

BAR = "#2a7ab0"
ROW = 26  # pixels per bar
LABEL = 160  # pixels for the labels on the left
WIDTH = 560


@dataclass(frozen=True)
class Bar:
    label: str
    value: float | None  # None: no figure (drawn empty)
    text: str  # the value as written beside the bar


def bars(title: str, rows: Sequence[Bar], top: float | None = None) -> str:
    """Horizontal bars scaled to ``top`` (default: the largest value)."""
    values = [r.value for r in rows if r.value is not None]
    scale = top if top is not None else max(values, default=0.0)
    room = WIDTH - LABEL - 70
    height = ROW * len(rows) + 30
    parts = [
        f'<svg class="chart" role="img" viewBox="0 0 {WIDTH} {height}" '
        f'xmlns="http://www.w3.org/2000/svg"><title>{escape(title)}</title>',
        f'<text x="0" y="16" font-size="14" font-weight="bold">{escape(title)}</text>',
    ]
    for i, r in enumerate(rows):
        y = 26 + i * ROW
        length = 0.0 if not r.value or scale <= 0 else room * min(r.value / scale, 1.0)
        parts.append(
            f'<text x="{LABEL - 6}" y="{y + 15}" font-size="12" text-anchor="end">'
            f"{escape(r.label)}</text>"
            f'<rect x="{LABEL}" y="{y + 3}" width="{length:.1f}" height="{ROW - 8}" '
            f'fill="{BAR}"></rect>'
            f'<text x="{LABEL + length + 6:.1f}" y="{y + 15}" font-size="12">'
            f"{escape(r.text)}</text>"
        )
    parts.append("</svg>")
    return "".join(parts)
