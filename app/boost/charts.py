"""Server-side SVG: row sparklines and the diary page's metrics chart.

Drawn on the server so the pages need no chart library and no script. The CSP forbids
inline style attributes, so colours come from classes in style.css or from SVG
presentation attributes; every piece of text is escaped.
"""

from __future__ import annotations

from collections.abc import Callable, Sequence
from datetime import datetime

from markupsafe import Markup, escape

Point = tuple[datetime, int]

SPARK_MAX_POINTS = 48


def thin(points: Sequence, limit: int) -> list:
    """At most ``limit`` items, evenly sampled, always keeping the first and the last
    (a sparkline must end at today's count)."""
    if len(points) <= limit:
        return list(points)
    step = (len(points) - 1) / (limit - 1)
    return [points[round(i * step)] for i in range(limit)]


def _scale(points: Sequence[Point], width: float, height: float, pad: float,
           y_max: float | None = None, t0: datetime | None = None,
           t1: datetime | None = None) -> list[tuple[float, float]]:
    t0 = t0 or points[0][0]
    t1 = t1 or points[-1][0]
    span = max((t1 - t0).total_seconds(), 1.0)
    top = y_max if y_max is not None else max(max(v for _, v in points), 1)
    inner_w, inner_h = width - 2 * pad, height - 2 * pad
    return [(pad + inner_w * (t - t0).total_seconds() / span,
             pad + inner_h * (1 - v / top)) for t, v in points]


def _polyline(coords: Sequence[tuple[float, float]]) -> str:
    return " ".join(f"{x:.1f},{y:.1f}" for x, y in coords)


def sparkline(points: Sequence[Point], *, label: str, css_class: str = "",
              width: int = 72, height: int = 20) -> Markup:
    """A tiny line of ``points`` (time, count), oldest first; empty series draw a flat line."""
    points = thin(points, SPARK_MAX_POINTS)
    if len(points) < 2:
        value = points[0][1] if points else 0
        coords = [(1.0, height / 2), (width - 1.0, height / 2)]
        label = f"{label}: {value}"
    else:
        coords = _scale(points, width, height, 2)
        label = f"{label}: {points[0][1]} to {points[-1][1]}"
    return Markup(  # noqa: S704 - only numbers and escape()d text go in
        f'<svg class="spark {escape(css_class)}" viewBox="0 0 {width} {height}" '
        f'width="{width}" height="{height}" role="img" aria-label="{escape(label)}">'
        f'<polyline fill="none" stroke="currentColor" stroke-width="1.5" '
        f'stroke-linejoin="round" points="{_polyline(coords)}"/></svg>'
    )


def _nice_max(value: int, ticks: int = 4) -> int:
    # A 1, 2 or 5 × 10^n step per tick, so every tick label is a whole, easy number.
    need = max(value, 1) / ticks
    magnitude = 1
    while magnitude * 10 < need:
        magnitude *= 10
    step = next(m * magnitude for m in (1, 2, 5, 10) if m * magnitude >= need)
    return step * ticks


def metrics_chart(times: Sequence[datetime], recommends: Sequence[int | None],
                  comments: Sequence[int | None], *, fmt_time: Callable[[datetime], str],
                  width: int = 640, height: int = 260) -> Markup:
    """Recommends and comments over time, with axes, tick labels and a legend."""
    left, right, top, bottom = 44, 16, 28, 36
    inner_w, inner_h = width - left - right, height - top - bottom
    parts = [f'<svg class="chart" viewBox="0 0 {width} {height}" role="img" '
             f'aria-label="Recommends and comments over time" '
             f'preserveAspectRatio="xMidYMid meet">']
    if not times:
        parts.append(f'<text x="{width / 2}" y="{height / 2}" text-anchor="middle" '
                     f'class="chart-empty">No counts observed yet</text></svg>')
        return Markup("".join(parts))  # noqa: S704 - static text
    known = [v for v in (*recommends, *comments) if v is not None]
    y_max = _nice_max(max(known, default=0))
    t0, t1 = times[0], times[-1]
    span = max((t1 - t0).total_seconds(), 1.0)

    def x_of(t: datetime) -> float:
        return left + inner_w * (t - t0).total_seconds() / span

    def y_of(v: float) -> float:
        return top + inner_h * (1 - v / y_max)

    for i in range(5):  # horizontal grid and y labels
        v = y_max * i / 4
        y = y_of(v)
        parts.append(f'<line class="chart-grid" x1="{left}" x2="{width - right}" '
                     f'y1="{y:.1f}" y2="{y:.1f}" stroke="currentColor"/>')
        parts.append(f'<text class="chart-label" x="{left - 6}" y="{y + 4:.1f}" '
                     f'text-anchor="end">{v:g}</text>')
    ticks = [t0] if t0 == t1 else [t0 + (t1 - t0) * i / 3 for i in range(4)]
    for t in ticks:
        x = x_of(t)
        anchor = "start" if t == t0 else "end" if t == t1 else "middle"
        parts.append(f'<text class="chart-label" x="{x:.1f}" y="{height - bottom + 18}" '
                     f'text-anchor="{anchor}">{escape(fmt_time(t))}</text>')
    parts.append(f'<line class="chart-axis" x1="{left}" x2="{left}" y1="{top}" '
                 f'y2="{height - bottom}" stroke="currentColor"/>')
    parts.append(f'<line class="chart-axis" x1="{left}" x2="{width - right}" '
                 f'y1="{height - bottom}" y2="{height - bottom}" stroke="currentColor"/>')
    for name, values, css in (("Recommends", recommends, "line-rec"),
                              ("Comments", comments, "line-com")):
        # Unknown counts (None) are gaps, not zeros.
        coords = [(x_of(t), y_of(v)) for t, v in zip(times, values, strict=True)
                  if v is not None]
        if not coords:
            continue
        if len(coords) == 1:
            x, y = coords[0]
            parts.append(f'<circle class="{css}" cx="{x:.1f}" cy="{y:.1f}" r="3" '
                         f'fill="currentColor"><title>{name}</title></circle>')
        else:
            parts.append(f'<polyline class="{css}" fill="none" stroke="currentColor" '
                         f'stroke-width="2" stroke-linejoin="round" '
                         f'points="{_polyline(coords)}"><title>{name}</title></polyline>')
    parts.append(f'<g class="chart-legend"><rect class="line-rec" x="{left}" y="8" width="12" '
                 f'height="4" fill="currentColor"/><text x="{left + 16}" y="14">Recommends'
                 f'</text><rect class="line-com" x="{left + 110}" y="8" width="12" height="4" '
                 f'fill="currentColor"/><text x="{left + 126}" y="14">Comments</text></g>')
    parts.append("</svg>")
    return Markup("".join(parts))  # noqa: S704 - only numbers and escape()d text
