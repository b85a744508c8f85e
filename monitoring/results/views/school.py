"""A school's results: per procedure and subject, its years against the municipality and the region.

The page and its Excel export read the same rows (`_procedure_blocks`), so what is downloaded is
exactly what is shown. Charts are inline SVG from monitoring/results/charts.py: they print, and they need
neither JavaScript nor a CDN.
"""

from dataclasses import dataclass

from django.contrib.auth.decorators import login_required
from django.shortcuts import render
from django.urls import NoReverseMatch, reverse
from django.utils.safestring import mark_safe

from monitoring.results import charts
from monitoring.results.selectors import school_results as school_results_series
from monitoring.results.subjects import DEFAULT_GRADE, format_average, format_score
from schnor_portal.xlsx import Sheet, xlsx_response
from schools.access import can_manage, get_school_for_user

SCHOOL_COLOR = "#0b5ed7"
MUNICIPALITY_COLOR = "#9a5b00"
REGION_COLOR = "#3d4650"

# Genitive and dative of the kind of territory named in a municipality's or region's name:
# «среднее по ОО округа», «среднее по краю». The documents come from districts, okrugs and
# oblasts alike; an unknown kind falls back to the generic word.
_TERRITORY_FORMS = (
    ("край", "края", "краю"),
    ("область", "области", "области"),
    ("республика", "республики", "республике"),
    ("округ", "округа", "округу"),
    ("район", "района", "району"),
)


def _territory_forms(name, fallback):
    words = (name or "").lower().replace("—", " ").split()
    for word, genitive, dative in _TERRITORY_FORMS:
        if word in words:
            return genitive, dative
    return fallback


@dataclass(frozen=True)
class Places:
    municipality_genitive: str
    municipality_dative: str
    region_dative: str

    @property
    def municipality(self):
        return f"среднее по {self.municipality_dative}"

    @property
    def municipality_computed(self):
        return f"среднее по ОО {self.municipality_genitive} (расчёт)"

    @property
    def region(self):
        return f"среднее по {self.region_dative}"

    @property
    def below_region(self):
        return f"ниже среднего по {self.region_dative}"

    @property
    def both(self):
        return f"средними по {self.municipality_dative} и по {self.region_dative}"


def places_for(municipality):
    muni_gen, muni_dat = _territory_forms(municipality.name, ("муниципалитета", "муниципалитету"))
    region_name = municipality.region.name if municipality.region_id else ""
    _, region_dat = _territory_forms(region_name, ("региона", "региону"))
    return Places(muni_gen, muni_dat, region_dat)


@dataclass
class ResultRow:
    year: int
    score: str  # as printed: «68,4»; «-» when nobody took it; «» when nothing is known
    municipality: str
    municipality_computed: bool
    region: str
    participants: str
    failed_share: str
    below_threshold: bool
    below_region: bool
    below_municipality: bool


@dataclass
class SubjectBlock:
    procedure: str
    procedure_label: str
    subject: str
    grade: int
    title: str
    anchor: str
    rows: list
    municipality_label: str
    threshold_label: str
    chart: str
    small_chart: str

    @property
    def latest(self):
        """The last year with a score, for the overview's caption."""
        return next((row for row in reversed(self.rows) if row.score not in ("", "-")), None)

    @property
    def nobody_took_it(self):
        """No score in any year, and at least one «-»: the school had no takers, rather than no data."""
        return any(row.score == "-" for row in self.rows)


@dataclass
class ProcedureBlock:
    procedure: str
    label: str
    subjects: list


def _score_text(point, procedure):
    if point.score is not None:
        return format_score(point.score, procedure)
    return "-" if point.nobody else ""


def _share_text(value):
    return "" if value is None else f"{format_score(value)} %"


def _rows(series):
    rows = []
    for point in series.points:
        ref = point.reference
        rows.append(
            ResultRow(
                year=point.year,
                score=_score_text(point, series.procedure),
                municipality=format_average(ref.municipality) if ref.municipality_computed else format_score(ref.municipality, series.procedure),
                municipality_computed=ref.municipality is not None and ref.municipality_computed,
                region=format_score(ref.region, series.procedure),
                participants="" if point.participants is None else str(point.participants),
                failed_share=_share_text(point.failed_share),
                below_threshold=point.below_threshold,
                below_region=point.below_region,
                below_municipality=point.below_municipality,
            )
        )
    return rows


def _municipality_label(series, places):
    """«среднее по ОО округа (расчёт)» when every municipal value of the series was computed."""
    known = [p.reference for p in series.points if p.reference.municipality is not None]
    if known and all(ref.municipality_computed for ref in known):
        return places.municipality_computed
    return places.municipality


def _threshold_label(series):
    threshold = series.scale.threshold
    if threshold is None:
        return ""
    if series.scale.is_mark:
        return f"отметка «{charts.format_number(threshold)}»"
    return f"мин. балл {charts.format_number(threshold)}"


def _subject_title(series):
    if DEFAULT_GRADE.get(series.procedure) == series.grade:
        return series.subject
    return f"{series.subject}, {series.grade} класс"


def _y_range(scale):
    # Marks are read on the 2–5 scale and 100-point scores on 0–100 in every chart, so that
    # two subjects or two schools side by side are compared on the same ruler.
    if scale.is_mark:
        return (2, 5)
    if scale.maximum is not None:
        return (0, float(scale.maximum))
    return None


def _chart(series, rows, places, municipality_label, threshold_label, anchor, layout, title):
    years = tuple(str(row.year) for row in rows)
    school = charts.Series(
        key="school",
        name="балл ОО",
        points=tuple(
            charts.Point(
                value=point.score,
                text=row.score if point.score is not None else "",
                gap=charts.NOBODY if point.nobody else charts.NO_DATA,
                below_threshold=point.below_threshold,
            )
            for point, row in zip(series.points, rows)
        ),
        color=SCHOOL_COLOR,
        labelled=True,
        gap_notes=True,
    )
    municipality = charts.Series(
        key="municipality",
        name=municipality_label,
        points=tuple(charts.Point(value=p.reference.municipality, text=row.municipality) for p, row in zip(series.points, rows)),
        line=charts.DASHED,
        color=MUNICIPALITY_COLOR,
        marker="square",
    )
    region = charts.Series(
        key="region",
        name=places.region,
        points=tuple(charts.Point(value=p.reference.region, text=row.region) for p, row in zip(series.points, rows)),
        line=charts.DOTTED,
        color=REGION_COLOR,
        marker="diamond",
    )
    threshold = charts.Threshold(series.scale.threshold, threshold_label) if series.scale.threshold is not None else None
    chart = charts.Chart(
        title=title,
        x_labels=years,
        series=(school, municipality, region),
        y_range=_y_range(series.scale),
        threshold=threshold,
        chart_id=f"{anchor}-{'full' if layout.legend else 'small'}",
        summary=f"{series.procedure_label}, {_subject_title(series)}: средний балл ОО по годам проведения рядом со {places.both}.",
        data={"chart": f"{series.procedure}|{series.subject}|{series.grade}"},
    )
    # charts.py escapes every text it writes: the markup is safe to insert as is.
    return mark_safe(charts.render_line_chart(chart, layout))


def _procedure_blocks(school, series_list, places):
    blocks = {}
    for index, series in enumerate(series_list):
        rows = _rows(series)
        anchor = f"r{index + 1}-{series.procedure}-{series.grade}"
        municipality_label = _municipality_label(series, places)
        threshold_label = _threshold_label(series)
        title = f"{series.procedure_label}, {_subject_title(series)} — {school.short_name}"
        subject = SubjectBlock(
            procedure=series.procedure,
            procedure_label=series.procedure_label,
            subject=series.subject,
            grade=series.grade,
            title=_subject_title(series),
            anchor=anchor,
            rows=rows,
            municipality_label=municipality_label,
            threshold_label=threshold_label,
            chart=_chart(series, rows, places, municipality_label, threshold_label, anchor, charts.FULL, title),
            small_chart=_chart(series, rows, places, municipality_label, threshold_label, anchor, charts.SMALL, title),
        )
        block = blocks.setdefault(series.procedure, ProcedureBlock(series.procedure, series.procedure_label, []))
        block.subjects.append(subject)
    return list(blocks.values())


def _selected(request, series_list):
    """The procedure tab asked for, when the school has results in it; otherwise all of them."""
    wanted = request.GET.get("procedure", "")
    present = {s.procedure for s in series_list}
    return wanted if wanted in present else ""


def _import_url(user, school):
    """The coordinator's way out of an empty page: the results import, once it exists."""
    if not can_manage(user, school.municipality_id):
        return ""
    try:
        return reverse("results:result_import")
    except NoReverseMatch:
        return ""


def _tabs(series_list, selected, base_url):
    seen = []
    for series in series_list:
        if series.procedure not in [code for code, _ in seen]:
            seen.append((series.procedure, series.procedure_label))
    tabs = [{"code": "", "label": "Все процедуры", "url": base_url, "active": not selected}]
    tabs += [{"code": code, "label": label, "url": f"{base_url}?procedure={code}", "active": code == selected} for code, label in seen]
    return tabs


@login_required
def school_results(request, pk):
    school = get_school_for_user(request.user, pk)
    # One read of every procedure: the tabs need them all, and a filter in Python keeps the
    # number of queries the same on every tab.
    series_list = school_results_series(school)
    selected = _selected(request, series_list)
    shown = [s for s in series_list if not selected or s.procedure == selected]
    places = places_for(school.municipality)
    base_url = reverse("results:school_results", args=[school.pk])
    export_url = reverse("results:school_results_export", args=[school.pk])
    procedures = _procedure_blocks(school, shown, places)
    labels = {s.municipality_label for block in procedures for s in block.subjects}
    context = {
        "school": school,
        "procedures": procedures,
        # The overview's legend names the municipal line as the charts do when they all agree.
        "municipality_label": next(iter(labels)) if len(labels) == 1 else places.municipality,
        "any_computed": any(row.municipality_computed for block in procedures for s in block.subjects for row in s.rows),
        "tabs": _tabs(series_list, selected, base_url) if series_list else [],
        "selected": selected,
        "places": places,
        "export_url": f"{export_url}?procedure={selected}" if selected else export_url,
        "import_url": "" if series_list else _import_url(request.user, school),
        "has_results": bool(series_list),
    }
    return render(request, "monitoring/results/school_results.html", context)


def _export_headers(places):
    return [
        "Процедура",
        "Предмет",
        "Класс",
        "Год",
        "Балл ОО",
        f"Среднее по {places.municipality_dative}",
        f"Среднее по {places.municipality_dative} — расчёт по ОО",
        f"Среднее по {places.region_dative}",
        "Участников",
        "Доля не справившихся, %",
        "Ниже порога",
        f"Ниже среднего по {places.region_dative}",
    ]


def _export_rows(series_list):
    """One row per year of the page's tables; scores stay numbers, «-» stays «-», no data stays empty."""
    for series in series_list:
        for point in series.points:
            ref = point.reference
            yield [
                series.procedure_label,
                series.subject,
                series.grade,
                point.year,
                point.score if point.score is not None else ("-" if point.nobody else None),
                ref.municipality,
                "да" if ref.municipality is not None and ref.municipality_computed else "",
                ref.region,
                point.participants,
                point.failed_share,
                "да" if point.below_threshold else "",
                "да" if point.below_region else "",
            ]


@login_required
def school_results_export(request, pk):
    school = get_school_for_user(request.user, pk)
    series_list = school_results_series(school)
    selected = _selected(request, series_list)
    shown = [s for s in series_list if not selected or s.procedure == selected]
    sheet = Sheet(
        title="Результаты",
        headers=_export_headers(places_for(school.municipality)),
        rows=list(_export_rows(shown)),
        widths=[14, 26, 7, 7, 10, 14, 16, 14, 12, 14, 10, 16],
    )
    label = next((s.procedure_label for s in shown if s.procedure == selected), "")
    return xlsx_response(f"Результаты {label + ' ' if label else ''}{school.short_name}.xlsx", sheet)
