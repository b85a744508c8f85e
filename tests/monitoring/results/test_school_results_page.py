"""A school's results page and its Excel export: what each role sees, the table, the charts, the cost."""

import io
from decimal import Decimal

import openpyxl
import pytest
from django.urls import NoReverseMatch, reverse
from lxml import html

from monitoring.models import ExamResult, ReferenceResult

# Queries of the page (named so that a new one has to be justified):
#   session, user, the bell's unread count — 3 for every page;
#   the school (its municipality joined); the school's results; entered municipal averages,
#   entered regional averages, computed municipal means (results_selectors.reference_map);
#   the region's name for «среднее по области» — 6.
PAGE_QUERIES = 3 + 6


def _result(school, subject="Русский язык", year=2023, score="60.5", procedure="ege", grade=11, **extra):
    return ExamResult.objects.create(
        school=school, procedure=procedure, subject=subject, grade=grade, year=year,
        average_score=None if score is None else Decimal(score), **extra,
    )


def _nobody(school, subject="Русский язык", year=2022, procedure="ege", grade=11):
    return ExamResult.objects.create(school=school, procedure=procedure, subject=subject, grade=grade, year=year, participants=0)


def _region_average(cast, score, subject="Русский язык", year=2023, procedure="ege", grade=11):
    return ReferenceResult.objects.create(
        level="region", region=cast.muni.region, municipality=cast.muni, procedure=procedure, subject=subject, grade=grade, year=year, average_score=Decimal(score)
    )


def _page(client, school, **params):
    response = client.get(reverse("results:school_results", args=[school.pk]), params)
    assert response.status_code == 200
    return response, html.fromstring(response.content.decode())


def _table(doc, key):
    table = doc.xpath(f'//table[@data-series="{key}"]')
    assert table, f"нет таблицы {key}"
    rows = {}
    for tr in table[0].xpath("./tbody/tr"):
        rows[tr.get("data-year")] = {
            td.get("data-cell"): td for td in tr.xpath("./td")
        }
    return table[0], rows


def _value(td):
    return "".join(td.xpath('./span[@class="result-value"]//text()'))


@pytest.fixture
def results(cast):
    """School A: ЕГЭ Russian over three years (2022 «-»), physics below the threshold; school B for the mean."""
    a, b = cast.school_a, cast.school_b
    _result(a, year=2021, score="63.3", participants=12, failed_share=Decimal("0"))
    _nobody(a, year=2022)
    _result(a, year=2023, score="60.7")
    _result(b, year=2023, score="70.5")
    _result(a, subject="Физика", year=2023, score="32.5")
    _result(a, subject="Математика", procedure="oge", grade=9, year=2023, score="4")
    _region_average(cast, "66.17", year=2021)
    _region_average(cast, "64.89", year=2023)
    return cast


def test_it_shows_the_table_as_the_documents_print_it(results, client):
    client.force_login(results.coordinator)
    _, doc = _page(client, results.school_a)
    table, rows = _table(doc, "ege|Русский язык|11")
    headers = [th.text_content().strip() for th in table.xpath("./thead/tr/th")]
    assert headers == ["Год", "Балл ОО", "Среднее по ОО района (расчёт)", "Среднее по области", "Участников", "Доля не справившихся"]
    assert {year: _value(cells["score"]) for year, cells in rows.items()} == {"2021": "63,3", "2022": "-", "2023": "60,7"}
    assert _value(rows["2021"]["region"]) == "66,17" and _value(rows["2022"]["region"]) == ""
    # Without an entered municipal average: the mean of the district's schools, 60,7 and 70,5.
    assert _value(rows["2023"]["municipality"]) == "65,60"  # computed: two decimals
    assert rows["2021"]["participants"].text_content() == "12" and rows["2022"]["participants"].text_content() == "0"
    assert rows["2021"]["failed_share"].text_content() == "0 %"
    assert "ниже среднего по области" in rows["2023"]["score"].text_content()
    assert "ниже среднего по области" in rows["2021"]["score"].text_content()
    assert "ниже порога" not in table.text_content()
    assert doc.xpath('//table[@data-series="oge|Математика|9"]//td[@data-cell="score"]/span[@class="result-value"]')[0].text == "4,0"


def test_it_marks_a_value_below_the_threshold_in_words_and_red(results, client):
    client.force_login(results.coordinator)
    _, doc = _page(client, results.school_a)
    _, rows = _table(doc, "ege|Физика|11")
    cell = rows["2023"]["score"]
    assert _value(cell) == "32,5" and "result-below" in cell.get("class") and "ниже порога" in cell.text_content()
    assert "мин. балл 36" in doc.xpath('//article[@data-series="ege|Физика|11"]')[0].text_content()


def test_it_prefers_the_entered_municipal_average(results, client):
    ReferenceResult.objects.create(
        level="municipality", municipality=results.muni, procedure="ege", subject="Русский язык", grade=11, year=2023, average_score=Decimal("61.02")
    )
    client.force_login(results.coordinator)
    _, doc = _page(client, results.school_a)
    table, rows = _table(doc, "ege|Русский язык|11")
    assert _value(rows["2023"]["municipality"]) == "61,02"
    assert "(расчёт)" not in rows["2023"]["municipality"].text_content()
    # 2021 has only the computed mean: marked as such in its cell, the column is the entered one.
    assert table.xpath("./thead/tr/th")[2].text_content().strip() == "Среднее по району"
    assert "(расчёт)" in rows["2021"]["municipality"].text_content()


def test_each_subject_has_a_chart_with_the_school_the_district_and_the_region(results, client):
    client.force_login(results.coordinator)
    _, doc = _page(client, results.school_a)
    article = doc.xpath('//article[@data-series="ege|Русский язык|11"]')[0]
    svg = article.xpath(".//svg")[0]
    assert svg.get("role") == "img" and "Русский язык" in svg.get("aria-label")
    school = {g.get("data-x"): g.get("data-value") for g in svg.xpath('.//g[@class="chart-point"][@data-series="school"]')}
    assert school == {"2021": "63,3", "2023": "60,7"}
    assert svg.xpath('.//g[@class="chart-gap"][@data-x="2022"]')[0].get("data-gap") == "nobody"
    assert {g.get("data-x"): g.get("data-value") for g in svg.xpath('.//g[@data-series="region"][@class="chart-point"]')} == {"2021": "66,17", "2023": "64,89"}
    assert svg.xpath('.//g[@data-series="municipality"][@class="chart-point"]')
    assert svg.xpath('.//line[@class="chart-threshold"]')[0].get("data-value") == "24"
    # The overview repeats it as a small chart, linked to the details.
    small = doc.xpath('//div[@data-testid="result-small"][@data-series="ege|Русский язык|11"]')[0]
    assert small.xpath(".//a")[0].get("href") == f"#{article.get('id')}"
    assert {g.get("data-x") for g in small.xpath('.//g[@class="chart-point"][@data-series="school"]')} == {"2021", "2023"}


def test_the_tabs_filter_by_procedure(results, client):
    client.force_login(results.coordinator)
    _, doc = _page(client, results.school_a)
    tabs = [a.text_content() for a in doc.xpath('//ul[@data-testid="results-tabs"]//a')]
    assert tabs == ["Все процедуры", "ОГЭ", "ЕГЭ"]
    _, doc = _page(client, results.school_a, procedure="oge")
    assert [t.get("data-series") for t in doc.xpath("//table[@data-series]")] == ["oge|Математика|9"]
    assert doc.xpath('//ul[@data-testid="results-tabs"]//a[@aria-current="page"]')[0].text_content() == "ОГЭ"
    assert "procedure=oge" in doc.xpath('//a[@data-testid="results-export"]')[0].get("href")
    # A procedure the school has no results in shows everything rather than an empty page.
    _, doc = _page(client, results.school_a, procedure="vpr")
    assert len(doc.xpath("//table[@data-series]")) == 3


@pytest.mark.parametrize("role", ["coordinator", "chair", "curator", "director_a", "region_viewer"])
def test_every_role_that_sees_the_school_sees_its_results(results, client, role):
    client.force_login(getattr(results, role))
    _, doc = _page(client, results.school_a)
    assert doc.xpath('//table[@data-series="ege|Русский язык|11"]')


@pytest.mark.parametrize("url_name", ["results:school_results", "results:school_results_export"])
@pytest.mark.parametrize("role", ["director_b", "coordinator_other", "no_role"])
def test_others_get_404(results, client, role, url_name):
    client.force_login(getattr(results, role))
    assert client.get(reverse(url_name, args=[results.school_a.pk])).status_code == 404


def test_anonymous_visitors_go_to_login(results, client):
    response = client.get(reverse("results:school_results", args=[results.school_a.pk]))
    assert response.status_code == 302 and response.url.startswith(reverse("accounts:login"))


def _import_url():
    try:
        return reverse("results:result_import")
    except NoReverseMatch:
        return None


def test_an_empty_school_says_so_and_shows_the_coordinator_the_import(cast, client):
    client.force_login(cast.coordinator)
    response, doc = _page(client, cast.school_b)
    empty = doc.xpath('//div[@data-testid="results-empty"]')[0]
    assert "По школе ещё нет результатов оценочных процедур." in empty.text_content()
    assert not doc.xpath('//svg[@class="result-chart"]') and not doc.xpath('//a[@data-testid="results-export"]')
    link = empty.xpath('.//a[@data-testid="results-import"]')
    if _import_url():
        assert link[0].get("href") == _import_url()
    else:
        assert not link


@pytest.mark.parametrize("role", ["chair", "director_b"])
def test_an_empty_school_offers_no_import_to_readers(cast, client, role):
    client.force_login(getattr(cast, role))
    _, doc = _page(client, cast.school_b)
    empty = doc.xpath('//div[@data-testid="results-empty"]')[0]
    assert not empty.xpath(".//a") and "Результаты загружает муниципальный координатор." in empty.text_content()


def _subjects(cast, n):
    """n series for school A over three years: ЕГЭ, ОГЭ and ВПР subjects, a «-» year, references."""
    procedures = [("ege", 11), ("oge", 9), ("vpr", 7)]
    for i in range(n):
        procedure, grade = procedures[i % 3]
        subject = f"Предмет {i}"
        for year, score in ((2021, "3.5"), (2022, None), (2023, "4.1")):
            if score is None:
                _nobody(cast.school_a, subject=subject, year=year, procedure=procedure, grade=grade)
            else:
                _result(cast.school_a, subject=subject, year=year, score=score, procedure=procedure, grade=grade)
                _result(cast.school_b, subject=subject, year=year, score="3.9", procedure=procedure, grade=grade)
        _region_average(cast, "3.8", subject=subject, year=2023, procedure=procedure, grade=grade)


@pytest.mark.parametrize("n", [3, 30])
def test_the_page_costs_a_fixed_number_of_queries(cast, client, django_assert_num_queries, n):
    _subjects(cast, n)
    client.force_login(cast.coordinator)
    url = reverse("results:school_results", args=[cast.school_a.pk])
    with django_assert_num_queries(PAGE_QUERIES):
        response = client.get(url)
    assert response.status_code == 200
    assert len(html.fromstring(response.content.decode()).xpath("//table[@data-series]")) == n


def test_the_export_holds_the_same_table(results, client):
    client.force_login(results.coordinator)
    response = client.get(reverse("results:school_results_export", args=[results.school_a.pk]))
    assert response.status_code == 200
    assert response["Content-Type"].startswith("application/vnd.openxmlformats")
    sheet = openpyxl.load_workbook(io.BytesIO(response.content)).active
    rows = list(sheet.iter_rows(values_only=True))
    assert rows[0][:8] == ("Процедура", "Предмет", "Класс", "Год", "Балл ОО", "Среднее по району", "Среднее по району — расчёт по ОО", "Среднее по области")
    russian = [r for r in rows[1:] if r[1] == "Русский язык"]
    assert [(r[3], r[4]) for r in russian] == [(2021, 63.3), (2022, "-"), (2023, 60.7)]
    assert russian[0][7] == 66.17 and russian[2][5] == 65.6 and russian[2][6] == "да"
    assert russian[2][11] == "да"  # below the regional average
    physics = {r[3]: r for r in rows[1:] if r[1] == "Физика"}
    assert physics[2021][4] is None  # no data stays empty, unlike «-»
    assert physics[2023][4] == 32.5 and physics[2023][10] == "да"
    oge_only = client.get(reverse("results:school_results_export", args=[results.school_a.pk]), {"procedure": "oge"})
    oge_rows = list(openpyxl.load_workbook(io.BytesIO(oge_only.content)).active.iter_rows(values_only=True))[1:]
    assert {r[0] for r in oge_rows} == {"ОГЭ"}


def test_the_school_card_and_my_school_link_to_the_results(results, client):
    url = reverse("results:school_results", args=[results.school_a.pk])
    client.force_login(results.coordinator)
    card = html.fromstring(client.get(reverse("schools:school_detail", args=[results.school_a.pk])).content.decode())
    assert card.xpath(f'//div[@data-testid="results-link"]//a[@href="{url}"]')
    client.force_login(results.director_a)
    mine = html.fromstring(client.get(reverse("monitoring:my_school")).content.decode())
    assert mine.xpath(f'//a[@data-testid="results-link"][@href="{url}"]')
