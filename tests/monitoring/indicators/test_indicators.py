"""The plan's indicators: targets, definitions, the values grid, who sees and who writes, the demo."""

import datetime
import json
import re
from decimal import Decimal
from pathlib import Path

import pytest
from django import forms
from django.urls import reverse

from monitoring.indicators.forms import IndicatorForm, parse_decimal
from monitoring.indicators.selectors import Period, indicator_proposals, plan_periods
from monitoring.indicators.services import CONFLICT, VALUE_CONFLICT, indicator_update
from monitoring.models import IndicatorValue, PlanIndicator
from roadmaps.models import Activity, Plan
from roadmaps.targets import parse_target
from tests import factories as f

HX = {"HTTP_HX_REQUEST": "true"}
YEAR = {"start": "2025-01-01", "end": "2025-12-31"}


def _indicator(plan, position=1, **fields):
    values = {"name": "доля педагогов, прошедших КПК", "unit": "%", "comparator": "gte", "target_value": Decimal("100")}
    values.update(fields)
    return PlanIndicator.objects.create(plan=plan, position=position, **values)


def _value(indicator, school, value, start=datetime.date(2025, 1, 1), end=datetime.date(2025, 12, 31), **fields):
    return IndicatorValue.objects.create(
        indicator=indicator, school=school, period_start=start, period_end=end, value=Decimal(value), **fields
    )


@pytest.fixture
def plan(cast):
    cast.plan.schools.set([cast.school_a, cast.school_b])
    return cast.plan


# --- Targets: one row's own rule ----------------------------------------------------------------


@pytest.mark.parametrize(
    ("comparator", "target", "value", "expected"),
    [
        ("gte", "20", "20", True),
        ("gte", "20", "19.99", False),
        ("gte", "20", "87.5", True),
        ("lte", "5", "5", True),
        ("lte", "5", "5.01", False),
        ("eq", "100", "100", True),
        ("eq", "100", "99.5", False),
        ("gte", None, "87.5", None),  # no target: nothing to compare
        ("gte", "20", None, None),  # no value yet
    ],
)
def test_it_decides_achieved_for_each_comparator(comparator, target, value, expected):
    indicator = PlanIndicator(comparator=comparator, target_value=Decimal(target) if target else None)
    assert indicator.is_achieved(Decimal(value) if value else None) is expected


# --- Numbers as people type them ----------------------------------------------------------------


@pytest.mark.parametrize(
    ("text", "expected"),
    [("87,5", Decimal("87.5")), ("87.5", Decimal("87.5")), (" 1 250 ", Decimal("1250")), ("87,5 %", Decimal("87.5")), ("-3,25", Decimal("-3.25")), ("", None)],
)
def test_it_reads_decimal_commas(text, expected):
    assert parse_decimal(text) == expected


@pytest.mark.parametrize(
    ("text", "message"),
    [("двадцать", "Введите число"), ("87,555", "двух знаков"), ("100000000", "Слишком большое"), ("1,2,3", "Введите число")],
)
def test_it_refuses_what_is_not_a_number(text, message):
    with pytest.raises(forms.ValidationError) as error:
        parse_decimal(text)
    assert message in error.value.messages[0]


# --- The indicator form -------------------------------------------------------------------------


def _form(**data):
    values = {"name": "доля педагогов, прошедших КПК", "kind": "quantitative", "comparator": "", "target_value": "", "unit": "%", "per_school": "on"}
    values.update(data)
    return IndicatorForm(values, instance=PlanIndicator())


def test_it_asks_for_a_target_when_a_comparator_is_chosen():
    form = _form(comparator="gte")
    assert not form.is_valid()
    assert form.errors["target_value"] == ["Укажите целевое значение для условия «не менее» или выберите «цель не задана»."]


def test_it_keeps_percent_targets_between_0_and_100():
    form = _form(comparator="gte", target_value="150")
    assert not form.is_valid()
    assert form.errors["target_value"] == ["Для единицы «%» целевое значение — от 0 до 100."]
    assert _form(comparator="gte", target_value="150", unit="мероприятий").is_valid()


def test_it_refuses_a_target_on_a_qualitative_indicator():
    form = _form(kind="qualitative", target_value="5")
    assert not form.is_valid()
    assert "качественного" in form.errors["target_value"][0]


def test_it_reads_a_plain_figure_as_exactly_and_keeps_no_target_empty():
    form = _form(target_value="100")
    assert form.is_valid(), form.errors
    assert form.service_data()["comparator"] == "eq" and form.service_data()["target_value"] == Decimal("100")
    form = _form()
    assert form.is_valid(), form.errors
    assert form.service_data()["target_value"] is None


def test_it_names_the_indicator_in_russian():
    form = _form(name="")
    assert not form.is_valid()
    assert form.errors["name"] == ["Назовите показатель так, как он записан в документе."]


def test_it_shows_no_comparator_for_an_indicator_without_target(plan):
    indicator = _indicator(plan, target_value=None)
    assert IndicatorForm(instance=indicator)["comparator"].value() == ""


# --- Defining indicators (views) ----------------------------------------------------------------


def test_it_adds_indicators_one_after_another(cast, plan, client):
    client.force_login(cast.coordinator)
    url = reverse("indicators:indicator_add", args=[plan.pk])
    for name in ("доля педагогов, прошедших КПК", "доля родителей на собраниях"):
        response = client.post(url, {"name": name, "kind": "quantitative", "comparator": "gte", "target_value": "87,5", "unit": "%", "per_school": "on"})
        assert response.status_code == 302
    rows = list(plan.indicators.order_by("position").values_list("position", "name", "target_value"))
    assert rows == [(1, "доля педагогов, прошедших КПК", Decimal("87.5")), (2, "доля родителей на собраниях", Decimal("87.5"))]


def test_it_shows_the_error_next_to_the_field_and_saves_nothing(cast, plan, client):
    client.force_login(cast.coordinator)
    response = client.post(
        reverse("indicators:indicator_add", args=[plan.pk]),
        {"name": "доля педагогов", "kind": "quantitative", "comparator": "gte", "target_value": "", "unit": "%"},
    )
    assert response.status_code == 200
    assert 'class="invalid-feedback' in response.content.decode() and "Укажите целевое значение" in response.content.decode()
    assert not plan.indicators.exists()


def test_it_refuses_a_stale_save_and_keeps_the_other_change(cast, plan, client):
    indicator = _indicator(plan)
    client.force_login(cast.coordinator)
    url = reverse("indicators:indicator_change", args=[indicator.pk])
    loaded_version = client.get(url).context["form"]["version"].value()
    # Someone else saves first.
    indicator_update(indicator=indicator, data={**_data(indicator), "target_value": Decimal("90")}, version=indicator.version)
    response = client.post(url, {**_post(indicator), "target_value": "75", "version": loaded_version})
    assert response.status_code == 200
    assert CONFLICT in response.context["form"].non_field_errors()
    indicator.refresh_from_db()
    assert indicator.target_value == Decimal("90") and indicator.version == 2


def _data(indicator):
    return {name: getattr(indicator, name) for name in ("name", "kind", "comparator", "target_value", "unit", "per_school")}


def _post(indicator):
    return {
        "name": indicator.name, "kind": indicator.kind, "comparator": indicator.comparator,
        "target_value": str(indicator.target_value or ""), "unit": indicator.unit,
        "per_school": "on" if indicator.per_school else "", "version": indicator.version,
    }


def test_it_edits_in_place_and_refreshes_the_grid_out_of_band(cast, plan, client):
    indicator = _indicator(plan)
    _value(indicator, cast.school_a, "95")
    client.force_login(cast.coordinator)
    url = reverse("indicators:indicator_change", args=[indicator.pk])
    assert 'hx-post="%s"' % url in client.get(url, **HX).content.decode()
    response = client.post(url, {**_post(indicator), "target_value": "90"}, **HX)
    html = response.content.decode()
    assert html.lstrip().startswith(f'<tr id="indicator-{indicator.pk}">')
    assert f'id="grid-{indicator.pk}" hx-swap-oob="true"' in html
    assert "не менее 90 %" in html and "✓" in html  # 95 now meets the new target


def test_it_refuses_a_stale_delete_and_renumbers_after_a_delete(cast, plan, client):
    _, second, _ = (_indicator(plan, position=n, name=f"Показатель {n}") for n in (1, 2, 3))
    _value(second, cast.school_a, "50")
    client.force_login(cast.coordinator)
    client.post(reverse("indicators:indicator_delete", args=[second.pk]), {"version": second.version + 1})
    assert PlanIndicator.objects.filter(pk=second.pk).exists()
    client.post(reverse("indicators:indicator_delete", args=[second.pk]), {"version": second.version})
    assert list(plan.indicators.order_by("position").values_list("name", "position")) == [("Показатель 1", 1), ("Показатель 3", 2)]
    assert not IndicatorValue.objects.exists()
    assert IndicatorValue.history.filter(history_type="-").count() == 1  # the value's removal is on record


def test_it_moves_an_indicator_up(cast, plan, client):
    _indicator(plan, 1, name="Первый")
    second = _indicator(plan, 2, name="Второй")
    client.force_login(cast.coordinator)
    client.post(reverse("indicators:indicator_move", args=[second.pk]), {"direction": "up"})
    assert list(plan.indicators.order_by("position").values_list("name", flat=True)) == ["Второй", "Первый"]


# --- Entering values ----------------------------------------------------------------------------


def _values_url(indicator, period=YEAR):
    return reverse("indicators:values_edit", args=[indicator.pk]) + "?" + "&".join(f"{k}={v}" for k, v in period.items())


def _cells(response):
    """The form's posted data as loaded: every field with its initial value."""
    form = response.context["form"]
    return {name: ("" if form[name].value() is None else form[name].value()) for name in form.fields}


def test_it_saves_a_column_with_decimal_commas_and_keeps_history(cast, plan, client):
    indicator = _indicator(plan)
    client.force_login(cast.coordinator)
    url = _values_url(indicator)
    data = _cells(client.get(url))
    data.update({f"value_{cast.school_a.pk}": "87,5", f"value_{cast.school_b.pk}": "100", f"note_{cast.school_b.pk}": "по итогам года"})
    response = client.post(url, data)
    assert response.status_code == 302 and response.url.endswith(f"#grid-{indicator.pk}")
    stored = {v.school_id: (v.value, v.period_end, v.note) for v in IndicatorValue.objects.all()}
    assert stored == {
        cast.school_a.pk: (Decimal("87.5"), datetime.date(2025, 12, 31), ""),
        cast.school_b.pk: (Decimal("100"), datetime.date(2025, 12, 31), "по итогам года"),
    }
    assert IndicatorValue.history.filter(history_user=cast.coordinator).count() == 2


def test_it_saves_nothing_when_one_cell_is_bad_and_names_the_school(cast, plan, client):
    indicator = _indicator(plan)
    _value(indicator, cast.school_a, "50")
    client.force_login(cast.coordinator)
    url = _values_url(indicator)
    data = _cells(client.get(url))
    data.update({f"value_{cast.school_a.pk}": "60", f"value_{cast.school_b.pk}": "сто"})
    response = client.post(url, data)
    assert response.status_code == 200
    form = response.context["form"]
    assert form.errors[f"value_{cast.school_b.pk}"] == ["Введите число, например 87,5."]
    assert form.cell_errors() == [f"{cast.school_b.short_name}: Введите число, например 87,5."]
    assert "Значения не сохранены" in response.content.decode()
    assert IndicatorValue.objects.get().value == Decimal("50")


def test_it_refuses_a_value_changed_meanwhile_and_saves_no_other_cell(cast, plan, client):
    indicator = _indicator(plan)
    value_a = _value(indicator, cast.school_a, "50")
    client.force_login(cast.coordinator)
    url = _values_url(indicator)
    data = _cells(client.get(url))
    # Another coordinator saves school A first.
    IndicatorValue.objects.filter(pk=value_a.pk).update(value=Decimal("70"), version=2)
    data.update({f"value_{cast.school_a.pk}": "55", f"value_{cast.school_b.pk}": "80"})
    response = client.post(url, data)
    assert response.context["form"].errors[f"value_{cast.school_a.pk}"] == [VALUE_CONFLICT]
    assert list(IndicatorValue.objects.values_list("school_id", "value")) == [(cast.school_a.pk, Decimal("70"))]


def test_it_refuses_a_value_entered_meanwhile_in_an_empty_cell(cast, plan, client):
    indicator = _indicator(plan)
    client.force_login(cast.coordinator)
    url = _values_url(indicator)
    data = _cells(client.get(url))
    _value(indicator, cast.school_b, "40")  # entered by someone else while the form was open
    data.update({f"value_{cast.school_b.pk}": "45"})
    response = client.post(url, data)
    assert VALUE_CONFLICT in response.context["form"].errors[f"value_{cast.school_b.pk}"]
    assert IndicatorValue.objects.get().value == Decimal("40")


def test_it_removes_a_cleared_value_and_enters_the_total(cast, plan, client):
    indicator = _indicator(plan)
    _value(indicator, cast.school_a, "50")
    total = _indicator(plan, 2, name="Не менее 4 мероприятий в год", unit="мероприятий", target_value=Decimal("4"), per_school=False)
    client.force_login(cast.coordinator)
    data = _cells(client.get(_values_url(indicator)))
    data[f"value_{cast.school_a.pk}"] = ""
    client.post(_values_url(indicator), data)
    assert not IndicatorValue.objects.filter(indicator=indicator).exists()
    data = _cells(client.get(_values_url(total)))
    assert set(data) == {"value_total", "note_total", "version_total"}
    client.post(_values_url(total), {**data, "value_total": "5"})
    assert IndicatorValue.objects.get(indicator=total).school is None


def test_it_asks_for_a_valid_period(cast, plan, client):
    indicator = _indicator(plan)
    client.force_login(cast.coordinator)
    response = client.get(_values_url(indicator, {"start": "31.12.2025", "end": "01.01.2025"}))
    assert response.context["period_form"].errors["end"] == ["Окончание периода раньше его начала."]
    assert response.context.get("form") is None


def test_it_opens_the_plan_year_under_way_and_shows_dates_as_written(cast, plan, client):
    indicator = _indicator(plan)
    client.force_login(cast.coordinator)
    response = client.get(reverse("indicators:values_edit", args=[indicator.pk]))
    assert response.context["period"] == Period(datetime.date(2025, 1, 1), datetime.date(2025, 12, 31))
    response = client.get(_values_url(indicator))
    assert 'value="01.01.2025"' in response.content.decode()


def test_it_keeps_a_superseded_plan_read_only(cast, plan, client):
    indicator = _indicator(plan)
    Plan.objects.filter(pk=plan.pk).update(status=Plan.Status.SUPERSEDED)
    client.force_login(cast.coordinator)
    assert client.get(reverse("indicators:values_edit", args=[indicator.pk])).status_code == 403
    assert client.get(reverse("indicators:indicator_add", args=[plan.pk])).status_code == 403
    assert client.post(reverse("indicators:indicator_delete", args=[indicator.pk])).status_code == 403
    page = client.get(reverse("indicators:plan_indicators", args=[plan.pk]))
    assert page.context["can_edit"] is False and "только просматривать" in page.content.decode()


def test_it_edits_indicators_of_a_draft_plan(cast, plan, client):
    Plan.objects.filter(pk=plan.pk).update(status=Plan.Status.DRAFT)
    client.force_login(cast.coordinator)
    assert client.get(reverse("indicators:indicator_add", args=[plan.pk])).status_code == 200


# --- Who sees what ------------------------------------------------------------------------------


def test_it_hides_another_municipality(cast, plan, client):
    indicator = _indicator(cast.plan_other)
    client.force_login(cast.coordinator)
    assert client.get(reverse("indicators:plan_indicators", args=[cast.plan_other.pk])).status_code == 404
    assert client.get(reverse("indicators:values_edit", args=[indicator.pk])).status_code == 404
    assert client.post(reverse("indicators:indicator_delete", args=[indicator.pk])).status_code == 404


def test_it_lets_the_chair_read_but_not_write(cast, plan, client):
    indicator = _indicator(plan)
    client.force_login(cast.chair)
    page = client.get(reverse("indicators:plan_indicators", args=[plan.pk]))
    assert page.status_code == 200 and page.context["can_edit"] is False
    assert reverse("indicators:values_edit", args=[indicator.pk]) not in page.content.decode()
    assert client.get(_values_url(indicator)).status_code == 403
    assert client.post(reverse("indicators:indicator_change", args=[indicator.pk]), _post(indicator)).status_code == 403
    assert client.post(reverse("indicators:indicator_add", args=[plan.pk]), {"name": "x", "kind": "quantitative"}).status_code == 403
    assert client.post(reverse("indicators:indicator_delete", args=[indicator.pk])).status_code == 403
    assert PlanIndicator.objects.filter(pk=indicator.pk).exists() and plan.indicators.count() == 1


def test_it_shows_a_director_only_the_own_school_and_the_total(cast, plan, client):
    indicator = _indicator(plan)
    total = _indicator(plan, 2, name="Сетевые мероприятия", unit="мероприятий", target_value=Decimal("4"), per_school=False)
    _value(indicator, cast.school_a, "91.5")
    _value(indicator, cast.school_b, "42.25")
    _value(total, None, "6")
    client.force_login(cast.director_a)
    response = client.get(reverse("indicators:plan_indicators", args=[plan.pk]))
    grids = response.context["grids"]
    assert [row.school for row in grids[0].rows] == [cast.school_a]
    assert [row.school for row in grids[1].rows] == [None]
    html = response.content.decode()
    assert "91,5" in html and "42,25" not in html and cast.school_b.short_name not in html
    assert "достигнуто у 0 из 1 школы" in html


def test_it_marks_cells_and_counts_achieving_schools(cast, plan, client):
    indicator = _indicator(plan, comparator="gte", target_value=Decimal("90"))
    _value(indicator, cast.school_a, "95")
    _value(indicator, cast.school_b, "80")
    no_target = _indicator(plan, 2, name="сокращение доли учащихся с низкими результатами", target_value=None, unit="")
    _value(no_target, cast.school_a, "12")
    client.force_login(cast.coordinator)
    response = client.get(reverse("indicators:plan_indicators", args=[plan.pk]))
    grid, plain = response.context["grids"]
    marks = {row.school: [cell.achieved for cell in row.cells] for row in grid.rows}
    assert marks == {cast.school_a: [True], cast.school_b: [False]}
    assert grid.summaries[0].text == "достигнуто у 1 из 2 школ"
    assert plain.rows[0].cells[0].achieved is None and plain.summaries[0].text == "внесено у 1 из 2 школ"
    html = response.content.decode()
    assert "✓" in html and "✗" in html and 'title="целевое значение не задано">—' in html


def test_it_says_when_no_values_were_entered(cast, plan, client):
    _indicator(plan)
    client.force_login(cast.chair)
    assert "Значения ещё не внесены." in client.get(reverse("indicators:plan_indicators", args=[plan.pk])).content.decode()


# --- Periods ------------------------------------------------------------------------------------


def test_it_cuts_calendar_years_to_the_plan_and_gives_other_periods_their_own_column(cast, plan, client):
    plan.period_start, plan.period_end = datetime.date(2023, 3, 28), datetime.date(2024, 12, 31)
    assert [p.label for p in plan_periods(plan)] == ["28.03.2023 – 31.12.2023", "2024 год"]
    Plan.objects.filter(pk=plan.pk).update(period_start=plan.period_start, period_end=plan.period_end)
    indicator = _indicator(plan, per_school=False)
    _value(indicator, None, "0", start=datetime.date(2022, 1, 1), end=datetime.date(2022, 12, 31))  # a baseline
    _value(indicator, None, "40", start=datetime.date(2024, 9, 1), end=datetime.date(2025, 5, 31))  # a school year
    client.force_login(cast.coordinator)
    grid = client.get(reverse("indicators:plan_indicators", args=[plan.pk])).context["grids"][0]
    assert [p.label for p in grid.periods] == ["2022 год", "28.03.2023 – 31.12.2023", "2024 год", "01.09.2024 – 31.05.2025"]
    assert [cell.text for cell in grid.rows[0].cells] == ["0", "", "", "40"]


# --- Queries ------------------------------------------------------------------------------------

# session, user, the bell's unread count (every page) + the plan, its indicators, its schools the user
# sees, the values with their schools, the activities with targets (for the sources).
PAGE_QUERIES = 3 + 5


@pytest.mark.parametrize("n", [3, 30])
def test_the_page_costs_the_same_at_3_and_30(cast, client, django_assert_num_queries, n):
    plan = cast.plan
    schools = [f.SchoolFactory(municipality=cast.muni, short_name=f"Школа {i:02}") for i in range(n)]
    plan.schools.set(schools)
    for position in range(1, n + 1):
        indicator = _indicator(plan, position, name=f"Показатель {position}", per_school=position % 5 != 0)
        for school in schools if indicator.per_school else [None]:
            _value(indicator, school, str(position))
    f.ActivityFactory(section=cast.section, expected_result="Показатель 1", target_value=Decimal("1"), target_comparator="gte")
    client.force_login(cast.coordinator)
    with django_assert_num_queries(PAGE_QUERIES):
        response = client.get(reverse("indicators:plan_indicators", args=[plan.pk]))
    assert len(response.context["grids"]) == n
    assert response.context["grids"][0].source.startswith("Ожидаемый результат, п.")


# --- «Взять из ожидаемых результатов плана» ----------------------------------------------------


@pytest.fixture
def targets(cast, plan):
    section = cast.section
    rows = [
        ("2.6", "Не менее 90 % педагогов-предметников приняли участие в мероприятиях", "all_schools"),
        ("2.7", "Не менее 90 % педагогов- предметников приняли участие в мероприятиях", "municipality"),
        ("2.4", "100 % руководителей и педагогов обучены на курсах повышения квалификации", "municipality"),
        ("2.11", "Не менее 4 мероприятий в год в рамках сетевого взаимодействия", "all_schools"),
        ("2.12", "Отсутствие признаков необъективности", "all_schools"),  # no figure: no proposal
    ]
    for number, result, scope in rows:
        activity = f.ActivityFactory(section=section, number=number, expected_result=result, scope=scope)
        target = parse_target(result)
        if target:
            Activity.objects.filter(pk=activity.pk).update(target_comparator=target.comparator, target_value=target.value, target_unit=target.unit)
    return plan


def test_it_proposes_one_indicator_per_distinct_expected_result(targets):
    proposals = indicator_proposals(plan=targets)
    assert [(p.name, p.target_label, p.numbers, p.per_school) for p in proposals] == [
        ("Не менее 90 % педагогов-предметников приняли участие в мероприятиях", "не менее 90 %", ("2.6", "2.7"), True),
        ("100 % руководителей и педагогов обучены на курсах повышения квалификации", "100 %", ("2.4",), False),
        ("Не менее 4 мероприятий в год в рамках сетевого взаимодействия", "не менее 4 мероприятий", ("2.11",), True),
    ]


def test_it_creates_the_ticked_proposals_at_once(cast, targets, client):
    _indicator(targets, name="Уже заведённый показатель")
    client.force_login(cast.coordinator)
    url = reverse("indicators:indicator_propose", args=[targets.pk])
    form = client.get(url).context["form"]
    keys = [p.key for p in form.proposals]
    response = client.post(url, {f"take_{keys[0]}": "on", f"per_school_{keys[0]}": "on", f"take_{keys[1]}": "on", f"per_school_{keys[1]}": "on"})
    assert response.status_code == 302
    created = list(targets.indicators.order_by("position").values_list("position", "name", "comparator", "target_value", "unit", "per_school"))
    assert created == [
        (1, "Уже заведённый показатель", "gte", Decimal("100"), "%", True),
        (2, "Не менее 90 % педагогов-предметников приняли участие в мероприятиях", "gte", Decimal("90"), "%", True),
        (3, "100 % руководителей и педагогов обучены на курсах повышения квалификации", "eq", Decimal("100"), "%", True),
    ]
    # What exists is not proposed again.
    assert [p.numbers for p in client.get(url).context["form"].proposals] == [("2.11",)]


def test_it_asks_to_tick_at_least_one(cast, targets, client):
    client.force_login(cast.coordinator)
    response = client.post(reverse("indicators:indicator_propose", args=[targets.pk]), {})
    assert response.context["form"].non_field_errors() == ["Отметьте хотя бы один показатель."]
    assert not targets.indicators.exists()


# --- The demo -----------------------------------------------------------------------------------

DATA = Path(__file__).resolve().parents[3] / "schnor_portal" / "demo" / "data"
SEEDS = Path(__file__).resolve().parents[4] / "shared" / "seeds"
SEED_OF = {"omsk.json": "000_b4835e37d9334ce8.txt", "uglegorsk.json": "001_65f4778714f3eea3.txt", "yakovlevsky.json": "002_7e34cbe585bf4463.txt"}


def _in_seed(text, seed):
    """As written, allowing one seam where a page break cut the cell (001, п. 2.14)."""
    words = text.split()
    return any(" ".join(words[:k]) in seed and " ".join(words[k:]) in seed for k in range(1, len(words) + 1))


def _demo_indicators(file_name):
    data = json.loads((DATA / file_name).read_text(encoding="utf-8"))
    return [i for plan in data["plans"] for i in plan.get("indicators", [])]


@pytest.mark.skipif(not SEEDS.is_dir(), reason="../shared/seeds не найден рядом с проектом: сверка с исходными документами пропущена")
@pytest.mark.parametrize("file_name", sorted(SEED_OF))
def test_the_demo_words_indicators_as_the_documents_do(file_name):
    seed = " ".join((SEEDS / SEED_OF[file_name]).read_text(encoding="utf-8").split())
    for indicator in _demo_indicators(file_name):
        assert _in_seed(indicator["name"], seed), indicator["name"]
        assert indicator["source"]
        for value in indicator.get("values", []):
            assert re.sub(r"\.0+$", "", value["value"]) + "%" in seed  # a figure the document states


def test_the_demo_holds_the_criteria_and_targets_and_no_invented_values(db):
    from schnor_portal.demo.loader import load_demo

    load_demo()
    # The documents' plans: the demo's current editions carry copies of the same indicators.
    yak = PlanIndicator.objects.filter(plan__municipality__name__startswith="Яковлевский", plan__replaces__isnull=True).order_by("position")
    assert [(i.kind, i.target_value) for i in yak] == [("quantitative", None)] * 5 + [("qualitative", None)] * 3
    assert yak[0].name == "сокращение доли учащихся, имеющих низкие образовательные результаты"
    ugl = PlanIndicator.objects.filter(plan__municipality__name__startswith="Углегорский", plan__replaces__isnull=True).order_by("position")
    assert [i.target_label for i in ugl] == [
        "не менее 20 %", "не менее 20 %", "не менее 20 %", "не менее 20 %", "100 %",
        "не менее 20 %", "не менее 90 %", "не менее 4 мероприятий", "100 %", "не менее 90 %",
    ]
    # The only figure a document states for an indicator: Omsk's 0 % of staff on targeted courses (2022).
    assert list(
        IndicatorValue.objects.filter(indicator__plan__replaces__isnull=True).values_list("indicator__plan__municipality__name", "school", "value")
    ) == [
        ("Русско-Полянский муниципальный район", None, Decimal("0")),
    ]
    # The helper finds nothing new in Uglegorsk: its indicators are the plan's expected results.
    assert not [p for p in indicator_proposals(plan=ugl[0].plan) if not p.exists]
