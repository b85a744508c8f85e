"""Line charts as inline SVG, drawn on the server. Pure Python: no Django import.

Results pages print and go into PDFs, which run no JavaScript, and municipal networks are often
closed to CDNs: a chart is therefore finished markup. Every text and attribute value is escaped
here, so the caller may mark the returned string safe. Only presentation attributes are used (no
<style>, no style=""), so the markup survives a strict Content-Security-Policy.
"""

import math
from dataclasses import dataclass, field
from html import escape

SOLID, DASHED, DOTTED = "solid", "dashed", "dotted"
DASH_ARRAYS = {SOLID: None, DASHED: "7 4", DOTTED: "1.5 4"}

# Why a year has no value; the note is written under the year so a gap is never mistaken for a drop.
NOBODY = "nobody"  # «-» in the source tables: the procedure was held, nobody from the school took it
NO_DATA = "no_data"  # an empty cell: nothing is known
GAP_NOTES = {NOBODY: "не сдавали", NO_DATA: "нет данных"}

BELOW_COLOR = "#c81e2b"
THRESHOLD_COLOR = "#c81e2b"
GRID_COLOR = "#e3e7ec"
AXIS_COLOR = "#9aa3ad"
MUTED_TEXT = "#5c6670"
HALO = "#ffffff"


@dataclass(frozen=True)
class Point:
    value: object = None  # Decimal, float or int; None is a gap
    text: str = ""  # the value as printed in the source («68,4»): written beside the point and in its tooltip
    gap: str = NO_DATA  # NOBODY or NO_DATA; read only when value is None
    below_threshold: bool = False


@dataclass(frozen=True)
class Series:
    key: str  # what the series is («school», «region»): its data-series attribute
    name: str  # the legend text
    points: tuple  # one Point per x label
    line: str = SOLID
    color: str = "#0b5ed7"
    marker: str = "circle"  # circle | square | diamond
    labelled: bool = False  # print each value beside its point
    gap_notes: bool = False  # write «не сдавали» / «нет данных» under a missing year


@dataclass(frozen=True)
class Threshold:
    value: object
    label: str  # «мин. балл 24»


@dataclass(frozen=True)
class Layout:
    width: int
    plot_height: int
    left: int
    right: int
    top: int
    bottom: int
    font_size: int
    tick_target: int
    point_radius: float
    legend: bool


FULL = Layout(width=560, plot_height=190, left=40, right=12, top=24, bottom=30, font_size=13, tick_target=6, point_radius=4.5, legend=True)
SMALL = Layout(width=300, plot_height=112, left=34, right=8, top=18, bottom=24, font_size=11, tick_target=3, point_radius=3.5, legend=False)


@dataclass(frozen=True)
class Chart:
    title: str
    x_labels: tuple
    series: tuple
    y_range: tuple | None = None  # fixed (lower, upper); None: tight bounds around the values
    threshold: Threshold | None = None
    chart_id: str = "chart"
    summary: str = ""  # a sentence put before the values in <desc>
    data: dict = field(default_factory=dict)  # extra data-* attributes of the <svg>


# --- scales ---------------------------------------------------------------------------------------


def nice_step(span, target):
    """A round tick step (1, 2, 2.5 or 5 × 10ⁿ) giving about `target` intervals over `span`."""
    if span <= 0:
        return 1.0
    raw = span / max(target, 1)
    magnitude = 10 ** math.floor(math.log10(raw))
    for multiple in (1, 2, 2.5, 5, 10):
        if multiple * magnitude >= raw - 1e-12:
            return multiple * magnitude
    return 10 * magnitude


def ticks(lower, upper, target):
    step = nice_step(upper - lower, target)
    first = math.ceil(lower / step - 1e-9) * step
    values = []
    value = first
    while value <= upper + 1e-9:
        values.append(round(value, 6))
        value += step
    return values


def tight_range(values, threshold=None, pad_share=0.15):
    """Bounds around the values (and the threshold), padded and rounded to a tick step.

    Used where a procedure has no fixed scale: a tight range shows the movement, the padding keeps
    the extreme points and their labels off the frame. Never below zero when nothing is negative.
    """
    numbers = [float(v) for v in values if v is not None]
    if threshold is not None:
        numbers.append(float(threshold))
    if not numbers:
        return (0.0, 1.0)
    low, high = min(numbers), max(numbers)
    span = high - low or (abs(high) * 0.1 or 1.0)
    pad = span * pad_share
    step = nice_step(span + 2 * pad, 5)
    lower = math.floor((low - pad) / step) * step
    upper = math.ceil((high + pad) / step) * step
    if low >= 0 and lower < 0:
        lower = 0.0
    return (round(lower, 6), round(upper, 6))


def format_number(value):
    """«2,5», «100»: the way the axis labels are read in Russian."""
    text = f"{round(float(value), 6):.6f}".rstrip("0").rstrip(".")
    return "0" if text in ("-0", "") else text.replace(".", ",")


# --- rendering ------------------------------------------------------------------------------------


def _attr(value):
    return escape(str(value), quote=True)


def _num(value):
    return f"{value:.1f}".rstrip("0").rstrip(".")


def _text_width(text, font_size):
    # No font metrics on the server: an average Cyrillic glyph is ~0.58 em wide at these sizes.
    return len(text) * font_size * 0.58


class _Frame:
    def __init__(self, chart, layout):
        self.layout = layout
        self.count = max(len(chart.x_labels), 1)
        self.plot_left = layout.left
        self.plot_right = layout.width - layout.right
        self.plot_top = layout.top
        self.plot_bottom = layout.top + layout.plot_height
        values = [p.value for s in chart.series for p in s.points]
        threshold = chart.threshold.value if chart.threshold else None
        self.lower, self.upper = chart.y_range if chart.y_range else tight_range(values, threshold)
        self.lower, self.upper = float(self.lower), float(self.upper)
        if self.upper <= self.lower:
            self.upper = self.lower + 1

    def x(self, index):
        slot = (self.plot_right - self.plot_left) / self.count
        return self.plot_left + slot * (index + 0.5)

    def y(self, value):
        share = (float(value) - self.lower) / (self.upper - self.lower)
        share = min(max(share, 0.0), 1.0)  # a value off the scale sits on its edge, never outside
        return self.plot_bottom - share * (self.plot_bottom - self.plot_top)


def _marker(kind, x, y, r, fill, stroke):
    if kind == "square":
        return f'<rect x="{_num(x - r)}" y="{_num(y - r)}" width="{_num(2 * r)}" height="{_num(2 * r)}" fill="{fill}" stroke="{stroke}" stroke-width="1.5"/>'
    if kind == "diamond":
        d = r * 1.25
        return f'<path d="M{_num(x)} {_num(y - d)}L{_num(x + d)} {_num(y)}L{_num(x)} {_num(y + d)}L{_num(x - d)} {_num(y)}Z" fill="{fill}" stroke="{stroke}" stroke-width="1.5"/>'
    return f'<circle cx="{_num(x)}" cy="{_num(y)}" r="{_num(r)}" fill="{fill}" stroke="{stroke}" stroke-width="1.5"/>'


def _line_attrs(series, width):
    dash = DASH_ARRAYS.get(series.line)
    attrs = f'fill="none" stroke="{_attr(series.color)}" stroke-width="{width}" stroke-linejoin="round"'
    if dash:
        attrs += f' stroke-dasharray="{dash}"'
    if series.line == DOTTED:
        attrs += ' stroke-linecap="round"'
    return attrs


def _path(series, frame):
    """One path, broken at every missing year: a gap is drawn as a gap, never bridged."""
    parts, pen_down = [], False
    for index, point in enumerate(series.points):
        if point.value is None:
            pen_down = False
            continue
        parts.append(f'{"L" if pen_down else "M"}{_num(frame.x(index))} {_num(frame.y(point.value))}')
        pen_down = True
    return "".join(parts)


def _text(x, y, text, *, size, fill, anchor="middle", weight=None, italic=False, halo=True):
    extra = f' font-weight="{weight}"' if weight else ""
    if italic:
        extra += ' font-style="italic"'
    if halo:
        # A white outline under the glyphs keeps a label readable where a line crosses it.
        extra += f' stroke="{HALO}" stroke-width="3" stroke-linejoin="round" paint-order="stroke"'
    return f'<text x="{_num(x)}" y="{_num(y)}" font-size="{size}" fill="{fill}" text-anchor="{anchor}"{extra}>{escape(text)}</text>'


class _Obstacles:
    """What a value label must not hide: the lines, the markers, the threshold, the labels placed so far.

    Each kind has a weight: covering another label is worst, a reference marker next, a line
    least (the label's white halo keeps both readable). A label takes the candidate position
    that covers the least.
    """

    LABEL, MARKER, LINE, THRESHOLD, OUTSIDE = 20, 4, 2, 1, 100

    def __init__(self, chart, frame):
        self.frame = frame
        self.segments = []  # (x1, y1, x2, y2, weight)
        self.boxes = []  # (x1, y1, x2, y2, weight)
        for series in chart.series:
            previous = None
            for index, point in enumerate(series.points):
                if point.value is None:
                    previous = None
                    continue
                x, y = frame.x(index), frame.y(point.value)
                if previous:
                    self.segments.append((*previous, x, y, self.LINE))
                previous = (x, y)
                if not series.labelled:
                    r = frame.layout.point_radius + 1
                    self.boxes.append((x - r, y - r, x + r, y + r, self.MARKER))
        if chart.threshold is not None:
            ty = frame.y(chart.threshold.value)
            self.segments.append((frame.plot_left, ty, frame.plot_right, ty, self.THRESHOLD))

    def add_label(self, box):
        self.boxes.append((*box, self.LABEL))

    def cost(self, box):
        x1, y1, x2, y2 = box
        frame = self.frame
        cost = 0
        if x1 < 1 or y1 < 1 or x2 > frame.layout.width - 1 or y2 > frame.plot_bottom - 1:
            cost += self.OUTSIDE
        for a1, b1, a2, b2, weight in self.boxes:
            if not (x2 <= a1 or x1 >= a2 or y2 <= b1 or y1 >= b2):
                cost += weight
        for sx1, sy1, sx2, sy2, weight in self.segments:
            if _segment_hits_box(sx1, sy1, sx2, sy2, box):
                cost += weight
        return cost


def _segment_hits_box(x1, y1, x2, y2, box):
    # Sampled every ~2 px: exact enough for label boxes of a dozen pixels.
    steps = max(int(max(abs(x2 - x1), abs(y2 - y1)) / 2), 1)
    bx1, by1, bx2, by2 = box
    for step in range(steps + 1):
        t = step / steps
        x, y = x1 + (x2 - x1) * t, y1 + (y2 - y1) * t
        if bx1 <= x <= bx2 and by1 <= y <= by2:
            return True
    return False


def _label_box(x, baseline, text, size, anchor="middle"):
    width = _text_width(text, size)
    left = {"middle": x - width / 2, "start": x, "end": x - width}[anchor]
    return (left, baseline - size * 0.8, left + width, baseline + size * 0.2)


def _label_position(frame, obstacles, x, y, text, size):
    """(x, baseline, anchor) of a value label: above the point unless something is there.

    Ties keep the order of the candidates; a label beside the point costs a little extra, since
    the eye looks for a value above or below its point first.
    """
    r = frame.layout.point_radius
    candidates = [
        (x, y - r - 4, "middle", 0),
        (x, y + r + size * 0.8 + 3, "middle", 0),
        (x + r + 4, y + size * 0.35, "start", 0.5),
        (x - r - 4, y + size * 0.35, "end", 0.5),
        (x, y - r - 6 - size, "middle", 0.75),
        (x, y + r + size * 1.8 + 5, "middle", 0.75),
    ]
    best, best_cost = None, None
    for cx, baseline, anchor, penalty in candidates:
        cost = obstacles.cost(_label_box(cx, baseline, text, size, anchor)) + penalty
        if best_cost is None or cost < best_cost:
            best, best_cost = (cx, baseline, anchor), cost
    return best


def render_line_chart(chart, layout=FULL):
    """The chart as one <svg> element; its points carry data-x and data-value for tests and tools."""
    frame = _Frame(chart, layout)
    size = layout.font_size
    legend_rows = _legend_rows(chart, layout) if layout.legend else []
    legend_height = len(legend_rows) * (size + 8) + (6 if legend_rows else 0)
    height = frame.plot_bottom + layout.bottom + legend_height
    chart_id = _attr(chart.chart_id)
    data_attrs = "".join(f' data-{_attr(k)}="{_attr(v)}"' for k, v in chart.data.items())
    out = [
        f'<svg xmlns="http://www.w3.org/2000/svg" class="result-chart" viewBox="0 0 {layout.width} {_num(height)}" '
        f'width="{layout.width}" height="{_num(height)}" role="img" aria-label="{_attr(chart.title)}" '
        f'aria-describedby="{chart_id}-desc" id="{chart_id}" font-size="{size}"{data_attrs}>',
        f'<title id="{chart_id}-title">{escape(chart.title)}</title>',
        f'<desc id="{chart_id}-desc">{escape(describe(chart))}</desc>',
    ]
    out.append(_axes(chart, frame))
    threshold_y = frame.y(chart.threshold.value) if chart.threshold else None
    if threshold_y is not None:
        out.append(
            f'<line class="chart-threshold" x1="{_num(frame.plot_left)}" x2="{_num(frame.plot_right)}" y1="{_num(threshold_y)}" '
            f'y2="{_num(threshold_y)}" stroke="{THRESHOLD_COLOR}" stroke-width="1.5" data-value="{_attr(format_number(chart.threshold.value))}"/>'
        )
    obstacles = _Obstacles(chart, frame)
    # Reference series first, so the school's line and labels are drawn on top of them.
    ordered = sorted(chart.series, key=lambda s: s.labelled)
    for series in ordered:
        out.append(_series(series, chart, frame, obstacles))
    if threshold_y is not None:
        out.append(_threshold_label(chart.threshold, frame, obstacles, threshold_y))
    out.append(_gap_notes(chart, frame))
    if legend_rows:
        out.append(_legend(legend_rows, frame.plot_bottom + layout.bottom + 4, size))
    out.append("</svg>")
    return "".join(out)


def _axes(chart, frame):
    layout = frame.layout
    size = layout.font_size - 1
    threshold_y = frame.y(chart.threshold.value) if chart.threshold else None
    parts = ['<g class="chart-axes">']
    for value in ticks(frame.lower, frame.upper, layout.tick_target):
        y = frame.y(value)
        parts.append(f'<line x1="{_num(frame.plot_left)}" x2="{_num(frame.plot_right)}" y1="{_num(y)}" y2="{_num(y)}" stroke="{GRID_COLOR}" stroke-width="1"/>')
        if not layout.legend and threshold_y is not None and abs(y - threshold_y) < size:
            continue  # the small chart writes the threshold's own value here, in red
        parts.append(_text(frame.plot_left - 6, y + size * 0.35, format_number(value), size=size, fill=MUTED_TEXT, anchor="end", halo=False))
    parts.append(f'<line x1="{_num(frame.plot_left)}" x2="{_num(frame.plot_right)}" y1="{_num(frame.plot_bottom)}" y2="{_num(frame.plot_bottom)}" stroke="{AXIS_COLOR}" stroke-width="1"/>')
    for index, label in enumerate(chart.x_labels):
        parts.append(_text(frame.x(index), frame.plot_bottom + layout.font_size + 6, str(label), size=layout.font_size, fill="#212529", halo=False))
    parts.append("</g>")
    return "".join(parts)


def _series(series, chart, frame, obstacles):
    layout = frame.layout
    size = layout.font_size
    width = 2.5 if series.labelled else 2
    parts = [f'<g class="chart-series" data-series="{_attr(series.key)}">']
    path = _path(series, frame)
    if path:
        parts.append(f'<path d="{path}" {_line_attrs(series, width)}/>')
    radius = layout.point_radius if series.labelled else layout.point_radius - 1
    for index, point in enumerate(series.points):
        if point.value is None:
            continue
        x, y = frame.x(index), frame.y(point.value)
        text = point.text or format_number(point.value)
        below = series.labelled and point.below_threshold
        tooltip = f"{chart.x_labels[index]}: {series.name} — {text}" + (" (ниже порога)" if below else "")
        attrs = f'class="chart-point" data-series="{_attr(series.key)}" data-x="{_attr(chart.x_labels[index])}" data-value="{_attr(text)}"'
        if below:
            attrs += ' data-below-threshold="true"'
        parts.append(f"<g {attrs}><title>{escape(tooltip)}</title>")
        fill = BELOW_COLOR if below else (series.color if series.labelled else "#ffffff")
        stroke = "#ffffff" if series.labelled else series.color
        parts.append(_marker(series.marker, x, y, radius, _attr(fill), _attr(stroke)))
        if series.labelled:
            lx, baseline, anchor = _label_position(frame, obstacles, x, y, text, size)
            obstacles.add_label(_label_box(lx, baseline, text, size, anchor))
            parts.append(_text(lx, baseline, text, size=size, fill=BELOW_COLOR if below else "#1d2a3a", anchor=anchor, weight="600"))
        parts.append("</g>")
    parts.append("</g>")
    return "".join(parts)


def _threshold_label(threshold, frame, obstacles, threshold_y):
    layout = frame.layout
    size = layout.font_size - 1
    if not layout.legend:
        # Too narrow for a worded label: the threshold's value stands on the axis, in red.
        return _text(frame.plot_left - 6, threshold_y + size * 0.35, format_number(threshold.value), size=size, fill=THRESHOLD_COLOR, anchor="end", weight="600", halo=False)
    # At the right end above the line unless a value sits there; then below it, or at the left end.
    candidates = [
        (frame.plot_right - 2, threshold_y - 4, "end"),
        (frame.plot_right - 2, threshold_y + size + 2, "end"),
        (frame.plot_left + 2, threshold_y - 4, "start"),
        (frame.plot_left + 2, threshold_y + size + 2, "start"),
    ]
    x, baseline, anchor = min(candidates, key=lambda c: obstacles.cost(_label_box(c[0], c[1], threshold.label, size, c[2])))
    obstacles.add_label(_label_box(x, baseline, threshold.label, size, anchor))
    return f'<g class="chart-threshold-label">{_text(x, baseline, threshold.label, size=size, fill=THRESHOLD_COLOR, anchor=anchor, weight="600")}</g>'


def _gap_notes(chart, frame):
    size = frame.layout.font_size - 2
    parts = []
    for series in chart.series:
        if not series.gap_notes:
            continue
        for index, point in enumerate(series.points):
            if point.value is not None:
                continue
            note = GAP_NOTES.get(point.gap, GAP_NOTES[NO_DATA])
            year = chart.x_labels[index]
            fill = MUTED_TEXT if point.gap == NOBODY else "#8a949e"
            parts.append(
                f'<g class="chart-gap" data-series="{_attr(series.key)}" data-x="{_attr(year)}" data-gap="{_attr(point.gap)}">'
                f"<title>{escape(f'{year}: {series.name} — {note}')}</title>"
                f'{_text(frame.x(index), frame.plot_bottom - 6, note, size=size, fill=fill, italic=True)}</g>'
            )
    return "".join(parts)


# --- legend and description -----------------------------------------------------------------------

_SAMPLE = 26  # width of a legend line sample


def _legend_items(chart):
    items = [("series", s) for s in chart.series if any(p.value is not None for p in s.points)]
    if chart.threshold:
        items.append(("threshold", chart.threshold))
    if any(p.below_threshold and p.value is not None for s in chart.series if s.labelled for p in s.points):
        items.append(("below", None))
    return items


def _legend_label(kind, item):
    if kind == "series":
        return item.name
    if kind == "threshold":
        return f"порог ({item.label})"
    return "ниже порога"


def _legend_rows(chart, layout):
    rows, row, used = [], [], 0
    available = layout.width - 16
    for kind, item in _legend_items(chart):
        width = _SAMPLE + 6 + _text_width(_legend_label(kind, item), layout.font_size - 1) + 16
        if row and used + width > available:
            rows.append(row)
            row, used = [], 0
        row.append((kind, item, width))
        used += width
    if row:
        rows.append(row)
    return rows


def _legend(rows, top, font_size):
    size = font_size - 1
    parts = ['<g class="chart-legend">']
    for row_index, row in enumerate(rows):
        y = top + row_index * (font_size + 8) + size / 2
        x = 8
        for kind, item, width in row:
            mid = x + _SAMPLE / 2
            if kind == "series":
                parts.append(f'<path d="M{_num(x)} {_num(y)}H{_num(x + _SAMPLE)}" {_line_attrs(item, 2.5 if item.labelled else 2)}/>')
                fill = item.color if item.labelled else "#ffffff"
                stroke = "#ffffff" if item.labelled else item.color
                parts.append(_marker(item.marker, mid, y, 3.5 if item.labelled else 3, _attr(fill), _attr(stroke)))
            elif kind == "threshold":
                parts.append(f'<path d="M{_num(x)} {_num(y)}H{_num(x + _SAMPLE)}" stroke="{THRESHOLD_COLOR}" stroke-width="1.5"/>')
            else:
                parts.append(_marker("circle", mid, y, 4, BELOW_COLOR, "#ffffff"))
            parts.append(_text(x + _SAMPLE + 6, y + size * 0.35, _legend_label(kind, item), size=size, fill="#212529", anchor="start", halo=False))
            x += width
    parts.append("</g>")
    return "".join(parts)


def describe(chart):
    """The chart in words, for <desc>: screen readers read the values, not the picture."""
    sentences = [chart.summary] if chart.summary else []
    for series in chart.series:
        values = []
        for label, point in zip(chart.x_labels, series.points):
            if point.value is not None:
                text = point.text or format_number(point.value)
                values.append(f"{label} — {text}" + (" (ниже порога)" if series.labelled and point.below_threshold else ""))
            elif series.gap_notes:
                values.append(f"{label} — {GAP_NOTES.get(point.gap, GAP_NOTES[NO_DATA])}")
        if values:
            sentences.append(f"{series.name}: " + "; ".join(values) + ".")
    if chart.threshold:
        sentences.append(f"Порог: {chart.threshold.label}.")
    return " ".join(sentences)
