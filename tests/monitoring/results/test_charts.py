"""monitoring/results/charts.py: scales, gaps, the threshold line, labels and escaping, on the SVG itself."""

import xml.etree.ElementTree as ET
from decimal import Decimal

import pytest

from monitoring.results import charts

NS = {"svg": "http://www.w3.org/2000/svg"}


def _parse(svg):
    return ET.fromstring(svg)  # a chart is well-formed XML, or the browser would be guessing


def _chart(school, region=(None, None, None), municipality=(None, None, None), **kwargs):
    years = kwargs.pop("years", ("2021", "2022", "2023"))
    school_points = tuple(
        p if isinstance(p, charts.Point) else charts.Point(value=p, text=charts.format_number(p) if p is not None else "")
        for p in school
    )
    defaults = dict(
        title="ЕГЭ, Русский язык — МБОУ СОШ № 1",
        x_labels=years,
        series=(
            charts.Series(key="school", name="балл ОО", points=school_points, labelled=True, gap_notes=True),
            charts.Series(key="municipality", name="среднее по округу", points=tuple(charts.Point(value=v) for v in municipality), line=charts.DASHED, color="#9a5b00", marker="square"),
            charts.Series(key="region", name="среднее по краю", points=tuple(charts.Point(value=v) for v in region), line=charts.DOTTED, color="#3d4650", marker="diamond"),
        ),
        y_range=(0, 100),
        threshold=charts.Threshold(Decimal(24), "мин. балл 24"),
        chart_id="c1",
    )
    defaults.update(kwargs)
    return charts.Chart(**defaults)


def _points(root, series):
    return {g.get("data-x"): g for g in root.iter(f"{{{NS['svg']}}}g") if g.get("class") == "chart-point" and g.get("data-series") == series}


def _gaps(root):
    return {g.get("data-x"): g.get("data-gap") for g in root.iter(f"{{{NS['svg']}}}g") if g.get("class") == "chart-gap"}


def _circle_y(group):
    return float([child for child in group if child.tag.endswith("circle")][0].get("cy"))


class TestScales:
    def test_it_picks_round_steps(self):
        assert charts.ticks(0, 100, 5) == [0, 20, 40, 60, 80, 100]
        assert charts.ticks(2, 5, 6) == [2, 2.5, 3, 3.5, 4, 4.5, 5]
        assert charts.ticks(2, 5, 3) == [2, 3, 4, 5]

    def test_it_pads_tight_bounds_to_a_tick_and_keeps_them_above_zero(self):
        lower, upper = charts.tight_range([Decimal("63.3"), Decimal("68.6"), None])
        assert lower < 63.3 and upper > 68.6
        assert upper - lower < 20  # tight: the movement is visible
        assert charts.tight_range([Decimal("2"), Decimal("3")])[0] >= 0

    def test_it_takes_the_threshold_into_the_tight_bounds(self):
        lower, _ = charts.tight_range([Decimal("60"), Decimal("70")], threshold=Decimal("36"))
        assert lower <= 36

    def test_it_survives_one_value_and_none(self):
        lower, upper = charts.tight_range([Decimal("4")])
        assert lower < 4 < upper
        assert charts.tight_range([]) == (0.0, 1.0)

    def test_it_writes_axis_numbers_the_russian_way(self):
        assert charts.format_number(2.5) == "2,5"
        assert charts.format_number(100.0) == "100"
        assert charts.format_number(Decimal("3.00")) == "3"


class TestRendering:
    def test_it_is_an_accessible_image_in_russian(self):
        root = _parse(charts.render_line_chart(_chart([Decimal("63.3"), Decimal("68.6"), Decimal("60.7")], region=(66.17, 65.15, 64.89))))
        assert root.get("role") == "img"
        assert root.get("aria-label") == "ЕГЭ, Русский язык — МБОУ СОШ № 1"
        assert root.find("svg:title", NS).text == "ЕГЭ, Русский язык — МБОУ СОШ № 1"
        desc = root.find("svg:desc", NS)
        assert root.get("aria-describedby") == desc.get("id")
        assert "балл ОО: 2021 — 63,3; 2022 — 68,6; 2023 — 60,7." in desc.text
        assert "среднее по краю: 2021 — 66,17" in desc.text
        assert "Порог: мин. балл 24." in desc.text

    def test_it_labels_every_school_point_with_the_printed_value(self):
        root = _parse(charts.render_line_chart(_chart([charts.Point(Decimal("68.4"), "68,4"), charts.Point(Decimal("71"), "71"), charts.Point(Decimal("64"), "64")])))
        points = _points(root, "school")
        assert {year: g.get("data-value") for year, g in points.items()} == {"2021": "68,4", "2022": "71", "2023": "64"}
        for year, group in points.items():
            assert group.find("svg:title", NS).text.startswith(f"{year}: балл ОО — ")
            assert group.find("svg:text", NS).text == group.get("data-value")

    def test_it_puts_higher_values_higher(self):
        root = _parse(charts.render_line_chart(_chart([Decimal("0"), Decimal("50"), Decimal("100")])))
        ys = [_circle_y(g) for g in _points(root, "school").values()]
        frame_bottom = charts.FULL.top + charts.FULL.plot_height
        assert ys[0] == pytest.approx(frame_bottom)
        assert ys[2] == pytest.approx(charts.FULL.top)
        assert ys[1] == pytest.approx((ys[0] + ys[2]) / 2)

    def test_it_keeps_a_value_off_the_scale_on_its_edge(self):
        root = _parse(charts.render_line_chart(_chart([Decimal("1.5"), Decimal("4"), Decimal("6")], y_range=(2, 5), threshold=None)))
        ys = [_circle_y(g) for g in _points(root, "school").values()]
        assert ys[0] == pytest.approx(charts.FULL.top + charts.FULL.plot_height)
        assert ys[2] == pytest.approx(charts.FULL.top)

    def test_it_shows_a_gap_with_its_reason_and_never_bridges_it(self):
        school = [charts.Point(Decimal("46.4"), "46,4"), charts.Point(None, gap=charts.NOBODY), charts.Point(Decimal("63.5"), "63,5"), charts.Point(None, gap=charts.NO_DATA)]
        root = _parse(charts.render_line_chart(_chart(school, region=(None,) * 4, municipality=(None,) * 4, years=("2021", "2022", "2023", "2024"))))
        assert _gaps(root) == {"2022": "nobody", "2024": "no_data"}
        notes = [g.find("svg:text", NS).text for g in root.iter(f"{{{NS['svg']}}}g") if g.get("class") == "chart-gap"]
        assert notes == ["не сдавали", "нет данных"]
        assert set(_points(root, "school")) == {"2021", "2023"}
        school_path = [g for g in root.iter(f"{{{NS['svg']}}}g") if g.get("class") == "chart-series" and g.get("data-series") == "school"][0].find("svg:path", NS)
        # Two separate moves, no line drawn across 2022.
        assert school_path.get("d").count("M") == 2 and "L" not in school_path.get("d")

    def test_it_draws_the_threshold_as_a_red_line_with_its_label(self):
        root = _parse(charts.render_line_chart(_chart([Decimal("60"), Decimal("62"), Decimal("64")])))
        line = [el for el in root.iter(f"{{{NS['svg']}}}line") if el.get("class") == "chart-threshold"][0]
        expected_y = charts.FULL.top + charts.FULL.plot_height * (1 - 24 / 100)
        assert float(line.get("y1")) == pytest.approx(expected_y, abs=0.1) and line.get("y1") == line.get("y2")
        assert line.get("stroke") == charts.THRESHOLD_COLOR
        label = [g for g in root.iter(f"{{{NS['svg']}}}g") if g.get("class") == "chart-threshold-label"][0]
        assert label.find("svg:text", NS).text == "мин. балл 24"

    def test_the_small_chart_writes_the_threshold_value_on_the_axis(self):
        root = _parse(charts.render_line_chart(_chart([Decimal("60"), Decimal("62"), Decimal("64")]), charts.SMALL))
        red = [t.text for t in root.iter(f"{{{NS['svg']}}}text") if t.get("fill") == charts.THRESHOLD_COLOR]
        assert red == ["24"]
        assert root.find(".//svg:g[@class='chart-legend']", NS) is None

    def test_it_fills_points_below_the_threshold_red(self):
        school = [charts.Point(Decimal("32.3"), "32,3", below_threshold=True), charts.Point(Decimal("60.3"), "60,3"), charts.Point(Decimal("32.5"), "32,5", below_threshold=True)]
        root = _parse(charts.render_line_chart(_chart(school, threshold=charts.Threshold(Decimal(36), "мин. балл 36"))))
        points = _points(root, "school")
        fills = {year: [c for c in g if c.tag.endswith("circle")][0].get("fill") for year, g in points.items()}
        assert fills == {"2021": charts.BELOW_COLOR, "2022": "#0b5ed7", "2023": charts.BELOW_COLOR}
        assert points["2021"].get("data-below-threshold") == "true" and points["2022"].get("data-below-threshold") is None
        assert "(ниже порога)" in points["2021"].find("svg:title", NS).text
        legend = " ".join(t.text for t in root.find(".//svg:g[@class='chart-legend']", NS).iter(f"{{{NS['svg']}}}text"))
        assert "ниже порога" in legend

    def test_the_legend_names_only_series_with_values(self):
        root = _parse(charts.render_line_chart(_chart([Decimal("60"), None, None], region=(66, 65, 64))))
        legend = [t.text for t in root.find(".//svg:g[@class='chart-legend']", NS).iter(f"{{{NS['svg']}}}text")]
        assert legend == ["балл ОО", "среднее по краю", "порог (мин. балл 24)"]

    def test_a_value_label_does_not_cover_a_reference_marker_when_it_can_move(self):
        # ОГЭ of Бельцовский филиал, 2021: the school 3,3 just under the region 3,68, the threshold 3 just under it.
        chart = _chart([charts.Point(Decimal("3.3"), "3,3"), charts.Point(Decimal("4.0"), "4,0"), charts.Point(Decimal("3.7"), "3,7")],
                       region=(Decimal("3.68"), Decimal("3.93"), None), municipality=(Decimal("3.74"), Decimal("3.85"), Decimal("3.91")),
                       y_range=(2, 5), threshold=charts.Threshold(Decimal(3), "отметка «3»"))
        for layout in (charts.FULL, charts.SMALL):
            root = _parse(charts.render_line_chart(chart, layout))
            label = _points(root, "school")["2021"].find("svg:text", NS)
            x1, y1, x2, y2 = charts._label_box(float(label.get("x")), float(label.get("y")), label.text, layout.font_size, label.get("text-anchor"))
            frame = charts._Frame(chart, layout)
            for value in (Decimal("3.68"), Decimal("3.74")):
                mx, my = frame.x(0), frame.y(value)
                r = layout.point_radius
                assert x2 <= mx - r or x1 >= mx + r or y2 <= my - r or y1 >= my + r, (layout, value, (x1, y1, x2, y2), (mx, my))


class TestEscaping:
    def test_it_escapes_every_text_it_writes(self):
        chart = _chart(
            [charts.Point(Decimal("50"), '<b>50</b>"'), charts.Point(None, gap=charts.NOBODY), charts.Point(Decimal("40"), "40")],
            title='Школа «<script>alert(1)</script>» & "Ко"',
            threshold=charts.Threshold(Decimal(24), "<i>порог</i>"),
            chart_id='x" onload="alert(1)',
            data={"chart": 'ege|<Русский>|11'},
        )
        svg = charts.render_line_chart(chart)
        assert "<script>" not in svg and "<b>" not in svg and "<i>" not in svg
        assert 'onload="alert' not in svg
        root = _parse(svg)  # still well-formed
        assert root.get("aria-label") == 'Школа «<script>alert(1)</script>» & "Ко"'
        assert root.get("data-chart") == "ege|<Русский>|11"
        assert _points(root, "school")["2021"].get("data-value") == '<b>50</b>"'
        assert root.get("id") == 'x" onload="alert(1)'
