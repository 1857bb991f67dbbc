"""Server-side SVG: valid markup, escaped text, readable axes."""

import xml.etree.ElementTree as ET
from datetime import UTC, datetime, timedelta

from app.boost.charts import metrics_chart, sparkline

T = datetime(2026, 11, 17, 16, 0, tzinfo=UTC)
SVG = "{http://www.w3.org/2000/svg}"


def _parse(markup):
    xmlns = '<svg xmlns="http://www.w3.org/2000/svg" '
    return ET.fromstring(str(markup).replace("<svg ", xmlns, 1))


def test_sparkline_scales_points_and_escapes_label():
    svg = _parse(sparkline([(T, 0), (T + timedelta(hours=1), 10)], label='Recs <"x">',
                           css_class="spark-rec"))
    assert svg.get("aria-label") == 'Recs <"x">: 0 to 10'
    points = [tuple(map(float, p.split(","))) for p in
              svg.find(f"{SVG}polyline").get("points").split()]
    assert points[0][1] > points[-1][1]  # rising count draws upwards
    assert "style" not in str(sparkline([], label="x"))  # CSP: no inline styles


def test_sparkline_thins_long_series_but_keeps_the_last_point():
    series = [(T + timedelta(minutes=10 * i), i) for i in range(300)]
    svg = _parse(sparkline(series, label="Recs"))
    assert len(svg.find(f"{SVG}polyline").get("points").split()) == 48
    assert svg.get("aria-label").endswith("0 to 299")


def test_metrics_chart_has_lines_whole_number_ticks_and_time_labels():
    times = [T, T + timedelta(minutes=30), T + timedelta(hours=1)]
    svg = _parse(metrics_chart(times, [0, 3, 5], [0, 1, 2], fmt_time=lambda t: t.strftime("%H:%M")))
    labels = [t.text for t in svg.iter(f"{SVG}text")]
    assert {"0", "2", "4", "6", "8"} <= set(labels)
    assert "16:00" in labels and "17:00" in labels
    assert len(list(svg.iter(f"{SVG}polyline"))) == 2


def test_metrics_chart_without_data_says_so():
    assert "No counts observed yet" in metrics_chart([], [], [], fmt_time=str)
