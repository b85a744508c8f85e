"""«Cell for cell»: every school's results page shows 002's ЕГЭ and ОГЭ tables exactly as printed.

The seed is parsed here on its own, not through the demo JSON, so a cell lost or changed on the
way (in the JSON, the loader, the selector, the formatting or the chart) fails the test: every
score, «-» and empty cell of the school's columns in the table, every regional average (from the
ЕГЭ subject names and the ОГЭ «Край» column) in the region column, and every score as a point of
the subject's charts, with «-» and empty years as gaps of their kind.
"""

import re
from collections import defaultdict
from pathlib import Path

import pytest
from django.urls import reverse
from lxml import html

from accounts.models import User
from schnor_portal.demo.loader import load_demo
from schools.models import School

SEED = Path(__file__).resolve().parents[2] / "shared" / "seeds" / "002_7e34cbe585bf4463.txt"

# The column headings of 002 and the schools the demo keeps them as (the document abbreviates).
SCHOOL_OF_HEADING = {
    "ЯСОШ": "СОШ с. Яковлевка (ЯСОШ)",
    "НСОШ 1": "МБОУ СОШ № 1 с. Новосысоевка",
    "НСОШ 2": "СОШ № 2 с. Новосысоевка (НСОШ 2)",
    "ВСОШ 1": "МБОУ СОШ № 1 с. Варфоломеевка",
    "ВСОШ 2": "СОШ № 2 с. Варфоломеевка (ВСОШ 2)",
    "Яблон. филиал": "Яблоновский филиал",
    "Яблоновский филиал": "Яблоновский филиал",
    "Бельц. филиал": "Бельцовский филиал",
    "Бельцовский филиал": "Бельцовский филиал",
    "Покровский филиал": "Покровский филиал",
}
REGION_COLUMN = "Край"
PROCEDURE_OF_HEADING = {"## Результаты ЕГЭ": ("ege", 11), "## Результаты ОГЭ": ("oge", 9)}
# «Русский язык 66,17/65,15/64,89»: the ЕГЭ tables print the regional averages after the subject.
SUBJECT_WITH_AVERAGES = re.compile(r"^(?P<subject>.*?)\s+(?P<averages>\d+,\d+(?:/\d+,\d+)+)$")


def _clean(cell):
    return re.sub(r"<[^>]+>", "", cell).strip()


def parse_seed(text):
    """(cells, regional): {(school, procedure, grade, subject): {year: text}}, {(procedure, grade, subject): {year: text}}."""
    cells = defaultdict(dict)
    regional = defaultdict(dict)
    lines = text.splitlines()
    for start, line in enumerate(lines):
        if line.strip() not in PROCEDURE_OF_HEADING:
            continue
        procedure, grade = PROCEDURE_OF_HEADING[line.strip()]
        header = next(i for i in range(start, len(lines)) if lines[i].startswith("Учебный предмет"))
        groups = [_clean(c) for c in lines[header + 1].split("\t")]
        years = [_clean(c).replace(" ", "") for c in lines[header + 2].split("\t")]
        owner, column_owner = "", []
        for label in groups:
            owner = label or owner
            column_owner.append(owner)
        row_index = header + 3
        while row_index < len(lines) and lines[row_index].strip():
            row = [_clean(c) for c in lines[row_index].split("\t")]
            row += [""] * (len(years) - len(row))
            subject = row[0]
            match = SUBJECT_WITH_AVERAGES.match(subject)
            if match:
                subject = match["subject"]
                table_years = list(dict.fromkeys(y for y in years[1:] if y))
                for year, value in zip(table_years, match["averages"].split("/")):
                    regional[(procedure, grade, subject)][int(year)] = value
            for column in range(1, len(years)):
                label, year = column_owner[column], int(years[column])
                if label == REGION_COLUMN:
                    if row[column]:
                        regional[(procedure, grade, subject)][year] = row[column]
                else:
                    cells[(SCHOOL_OF_HEADING[label], procedure, grade, subject)][year] = row[column]
            row_index += 1
    return dict(cells), dict(regional)


@pytest.fixture(scope="module")
def seed():
    if not SEED.exists():
        pytest.skip(f"Нет исходного документа {SEED} (../shared/seeds): сверка «ячейка в ячейку» пропущена")
    return parse_seed(SEED.read_text(encoding="utf-8"))


def test_the_parser_reads_the_three_tables(seed):
    cells, regional = seed
    schools = {key[0] for key in cells}
    assert schools == set(SCHOOL_OF_HEADING.values())
    assert cells[("МБОУ СОШ № 1 с. Новосысоевка", "ege", 11, "Русский язык")] == {2021: "63,3", 2022: "68,6", 2023: "60,7"}
    assert cells[("Бельцовский филиал", "ege", 11, "Математика (база)")] == {2021: "-", 2022: "4", 2023: "4"}
    assert cells[("Покровский филиал", "oge", 9, "Химия")] == {2021: "", 2022: "4,0", 2023: "-"}
    assert regional[("ege", 11, "Математика (профиль)")] == {2021: "45,37", 2022: "46,58", 2023: "49,11"}
    assert regional[("oge", 9, "Русский язык")] == {2021: "3,68", 2022: "3,93"}
    # 7 schools × 12 ЕГЭ subjects + 8 schools × 11 ОГЭ subjects, three years each.
    assert sum(len(v) for v in cells.values()) == (7 * 12 + 8 * 11) * 3


def _tables(doc):
    tables = {}
    for table in doc.xpath("//table[@data-series]"):
        tables[table.get("data-series")] = {
            int(tr.get("data-year")): {td.get("data-cell"): "".join(td.xpath('./span[@class="result-value"]//text()')) for td in tr.xpath("./td")}
            for tr in table.xpath("./tbody/tr")
        }
    return tables


def _chart_points(svg, series):
    return {int(g.get("data-x")): g.get("data-value") for g in svg.xpath(f'.//g[@class="chart-point"][@data-series="{series}"]')}


def _chart_gaps(svg):
    return {int(g.get("data-x")): g.get("data-gap") for g in svg.xpath('.//g[@class="chart-gap"][@data-series="school"]')}


@pytest.mark.parametrize("school_name", sorted(set(SCHOOL_OF_HEADING.values())))
def test_the_results_page_shows_every_cell_of_002(db, client, seed, school_name):
    cells, regional = seed
    load_demo(files=("yakovlevsky.json",))
    school = School.objects.get(short_name=school_name, municipality__name="Яковлевский муниципальный округ")
    client.force_login(User.objects.get(username="coordinator_yak"))
    response = client.get(reverse("results:school_results", args=[school.pk]))
    assert response.status_code == 200
    doc = html.fromstring(response.content.decode())
    tables = _tables(doc)
    failures = []
    checked = 0
    for (name, procedure, grade, subject), by_year in cells.items():
        if name != school_name:
            continue
        key = f"{procedure}|{subject}|{grade}"
        if all(value == "" for value in by_year.values()):
            assert key not in tables, f"{key}: в документе пусто, а на странице есть таблица"
            continue
        rows = tables.get(key)
        if rows is None:
            failures.append(f"{key}: нет таблицы")
            continue
        printed_region = regional.get((procedure, grade, subject), {})
        for year, printed in by_year.items():
            checked += 1
            shown = rows.get(year, {}).get("score")
            if shown != printed:
                failures.append(f"{key} {year}: на странице «{shown}», в документе «{printed}»")
            region = rows.get(year, {}).get("region")
            if region != printed_region.get(year, ""):
                failures.append(f"{key} {year}: среднее по краю «{region}», в документе «{printed_region.get(year, '')}»")
        for svg in (
            doc.xpath(f'//article[@data-series="{key}"]//svg[@class="result-chart"]')
            + doc.xpath(f'//div[@data-testid="result-small"][@data-series="{key}"]//svg[@class="result-chart"]')
        ):
            points = _chart_points(svg, "school")
            expected_points = {year: value for year, value in by_year.items() if value not in ("", "-")}
            if points != expected_points:
                failures.append(f"{key} {svg.get('id')}: точки ОО {points}, в документе {expected_points}")
            expected_gaps = {year: ("nobody" if value == "-" else "no_data") for year, value in by_year.items() if value in ("", "-")}
            if _chart_gaps(svg) != expected_gaps:
                failures.append(f"{key} {svg.get('id')}: пропуски {_chart_gaps(svg)}, в документе {expected_gaps}")
            if _chart_points(svg, "region") != printed_region:
                failures.append(f"{key} {svg.get('id')}: точки края {_chart_points(svg, 'region')}, в документе {printed_region}")
    assert not failures, failures
    assert checked >= 11 * 3  # the school's columns of at least one whole table
    # Nothing on the page that the document does not have: every table is one of its subjects.
    document_keys = {f"{p}|{s}|{g}" for (n, p, g, s) in cells if n == school_name}
    assert set(tables) <= document_keys
