"""Bar charts as inline SVG: no library, no network. Horizontal bars for categories with
long names (provinces, product families, statuses), columns for time (months).

Every chart has a title, both axis labels, grid lines with tick values, and the value of
each bar written next to it; labels and values are escaped. Each bar carries
``data-label``/``data-value`` and a ``<title>`` tooltip.
"""

from __future__ import annotations

import math
from collections.abc import Callable, Sequence
from dataclasses import dataclass
from typing import Literal

from xiangmu_extract.report_page import esc

Orientation = Literal["horizontal", "vertical"]

_WIDTH = 540
_BAR = 22  # bar thickness
_GAP = 8
_LABEL_CELLS = 22  # longer category labels are shortened (full text in the tooltip)


@dataclass(frozen=True, slots=True)
class Bar:
    label: str
    value: float
    text: str  # the value as written on the bar
    note: str = ""  # more for the tooltip


def format_number(value: float, decimals: int = 2) -> str:
    """12345.6 -> "12,345.6"; 3.0 -> "3"; at most ``decimals`` decimals."""
    text = f"{value:,.{decimals}f}"
    return text.rstrip("0").rstrip(".") if "." in text else text


def nice_ticks(top: float, count: int = 5, *, integer: bool = False) -> list[float]:
    """Round tick values from 0 to at least ``top`` (at most ``count`` + 1 of them);
    whole numbers only for counts (``integer``)."""
    if top <= 0 or not math.isfinite(top):
        return [0.0, 1.0]
    raw = top / count
    power = 10 ** math.floor(math.log10(raw))
    steps = (1, 2, 5, 10) if integer else (1, 2, 2.5, 5, 10)
    step = next(m * power for m in steps if m * power >= raw)
    if integer:
        step = max(step, 1)
    n = math.ceil(top / step - 1e-9)
    return [i * step for i in range(n + 1)]


def _width(text: str) -> int:
    """Display width in half-width cells: CJK and other wide characters count 2."""
    return sum(1 if ord(ch) < 0x1100 else 2 for ch in text)


def _short(label: str) -> str:
    """``label`` shortened to :data:`_LABEL_CELLS` cells (the full text is in the tooltip)."""
    if _width(label) <= _LABEL_CELLS:
        return label
    kept = ""
    for ch in label:
        if _width(kept + ch) > _LABEL_CELLS - 1:
            break
        kept += ch
    return kept + "…"


def _rect(bar: Bar, x: float, y: float, w: float, h: float) -> str:
    tip = f"{bar.label}: {bar.text}" + (f" ({bar.note})" if bar.note else "")
    return (
        f'<rect class="bar" x="{x:.1f}" y="{y:.1f}" width="{w:.1f}" height="{h:.1f}" '
        f'data-label="{esc(bar.label)}" data-value="{bar.value!r}"><title>{esc(tip)}</title>'
        "</rect>"
    )


def _text(x: float, y: float, text: str, cls: str, anchor: str = "start", extra: str = "") -> str:
    return (
        f'<text class="{cls}" x="{x:.1f}" y="{y:.1f}" text-anchor="{anchor}"{extra}>'
        f"{esc(text)}</text>"
    )


def bar_chart(
    bars: Sequence[Bar],
    *,
    chart_id: str,
    title: str,
    value_axis: str,
    category_axis: str,
    orientation: Orientation = "horizontal",
    counts: bool = False,
    tick_format: Callable[[float], str] = format_number,
) -> str:
    """An ``<svg>`` bar chart of ``bars`` (in the order given); an empty chart says so.
    ``counts``: the values are counts (whole-number ticks)."""
    if not bars:
        return (
            f'<svg class="chart empty" id="{esc(chart_id)}" role="img" viewBox="0 0 {_WIDTH} 40" '
            f'width="{_WIDTH}" height="40"><title>{esc(title)}</title>'
            f"{_text(10, 24, 'no data', 'empty-note')}</svg>"
        )
    ticks = nice_ticks(max(b.value for b in bars), integer=counts)
    if orientation == "horizontal":
        inner = _horizontal(bars, ticks, value_axis, category_axis, tick_format)
    else:
        inner = _vertical(bars, ticks, value_axis, category_axis, tick_format)
    width, height, body = inner
    return (
        f'<svg class="chart" id="{esc(chart_id)}" role="img" aria-label="{esc(title)}" '
        f'viewBox="0 0 {width} {height}" width="{width}" height="{height}">'
        f"<title>{esc(title)}</title>{body}</svg>"
    )


def _horizontal(
    bars: Sequence[Bar],
    ticks: list[float],
    value_axis: str,
    category_axis: str,
    fmt: Callable[[float], str],
) -> tuple[int, int, str]:
    left, right, top = 150, 70, 24
    plot_w = _WIDTH - left - right
    plot_h = len(bars) * (_BAR + _GAP) + _GAP
    height = top + plot_h + 48
    scale = plot_w / ticks[-1]
    parts: list[str] = []
    for t in ticks:
        x = left + t * scale
        parts.append(
            f'<line class="grid" x1="{x:.1f}" y1="{top}" x2="{x:.1f}" y2="{top + plot_h}"/>'
        )
        parts.append(_text(x, top + plot_h + 16, fmt(t), "tick", "middle"))
    for i, bar in enumerate(bars):
        y = top + _GAP + i * (_BAR + _GAP)
        w = max(bar.value * scale, 1.0)
        parts.append(_text(left - 6, y + _BAR * 0.7, _short(bar.label), "cat", "end"))
        parts.append(_rect(bar, left, y, w, _BAR))
        parts.append(_text(left + w + 4, y + _BAR * 0.7, bar.text, "value"))
    parts.append(f'<line class="axis" x1="{left}" y1="{top}" x2="{left}" y2="{top + plot_h}"/>')
    parts.append(_text(left + plot_w / 2, top + plot_h + 38, value_axis, "axis-label", "middle"))
    parts.append(_text(left - 6, top - 8, category_axis, "axis-label", "end"))
    return _WIDTH, int(height), "".join(parts)


def _vertical(
    bars: Sequence[Bar],
    ticks: list[float],
    value_axis: str,
    category_axis: str,
    fmt: Callable[[float], str],
) -> tuple[int, int, str]:
    left, top, plot_h, bottom = 64, 20, 220, 84
    width = max(_WIDTH, left + 20 + len(bars) * (_BAR + _GAP) + _GAP)
    plot_w = width - left - 20
    step = plot_w / len(bars)
    thickness = min(_BAR * 1.6, step - _GAP)
    scale = plot_h / ticks[-1]
    base = top + plot_h
    parts: list[str] = []
    for t in ticks:
        y = base - t * scale
        parts.append(
            f'<line class="grid" x1="{left}" y1="{y:.1f}" x2="{width - 20}" y2="{y:.1f}"/>'
        )
        parts.append(_text(left - 6, y + 4, fmt(t), "tick", "end"))
    for i, bar in enumerate(bars):
        x = left + i * step + (step - thickness) / 2
        h = max(bar.value * scale, 1.0)
        cx = x + thickness / 2
        parts.append(_rect(bar, x, base - h, thickness, h))
        parts.append(_text(cx, base - h - 4, bar.text, "value", "middle"))
        rotate = f' transform="rotate(-45 {cx:.1f} {base + 14:.1f})"'
        parts.append(_text(cx, base + 14, _short(bar.label), "cat", "end", rotate))
    parts.append(f'<line class="axis" x1="{left}" y1="{base}" x2="{width - 20}" y2="{base}"/>')
    parts.append(_text(left + plot_w / 2, base + bottom - 6, category_axis, "axis-label", "middle"))
    rotate = f' transform="rotate(-90 14 {top + plot_h / 2:.1f})"'
    parts.append(_text(14, top + plot_h / 2, value_axis, "axis-label", "middle", rotate))
    return int(width), base + bottom, "".join(parts)
