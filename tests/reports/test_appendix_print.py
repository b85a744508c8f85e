"""The plan appendix prints as its source: its columns in their order with their headings, executors
per level under «Ответственные», no empty column, sections' tasks and indicators; every approval
stamp of an appendix, side by side."""

import datetime
import re

import pytest
from django.urls import reverse

from reports.models import AppendixApproval, Order, OrderAppendix, OrderPoint
from reports.pdf import order_html, render_order_pdf
from reports.selectors import column_widths, order_canonical_content, printed_appendices
from roadmaps.layout import plan_layout, printed_columns
from roadmaps.models import ActivityExecutor, Plan

from .. import factories as f
from .conftest import poppler, squash

THREE_LEVEL_COLUMNS = [
    {"key": "number", "heading": "№"},
    {"key": "content", "heading": "Мероприятие"},
    {"key": "deadline", "heading": "Срок исполнения"},
    {"key": "result", "heading": "Планируемый результат"},
    {"key": "executors_region", "heading": "Регион", "group": "Ответственные"},
    {"key": "executors_municipality", "heading": "Район", "group": "Ответственные"},
    {"key": "executors_school", "heading": "ОО", "group": "Ответственные"},
]
LEVEL_ROWS = [
    # number, content, deadline, {level: [names]}
    ("1.1", "Анализ результатов оценочных процедур ШНОР", "01.09.2025-30.09.2025",
     {"region": ["ЦНППМ"], "municipality": ["Муниципальный координатор"], "school": ["Руководители ОО"]}),
    ("1.2", "Разработка программ перехода школ в эффективный режим работы", "Октябрь 2025",
     {"region": [], "municipality": ["Управление образования", "ИМЦ"], "school": ["Руководители ШНОР"]}),
    ("2.1", "Адресные курсы повышения квалификации педагогов", "В течение года",
     {"region": ["ИРО"], "municipality": [], "school": ["Заместители директоров по УВР"]}),
]


def three_level_plan(municipality, *, sections=2) -> Plan:
    """A programme with executors at three levels and an empty «Планируемый результат» column."""
    plan = f.PlanFactory(
        municipality=municipality, title="Программа адресной поддержки ШНОР на 2025 год", status=Plan.Status.DRAFT,
        columns=THREE_LEVEL_COLUMNS,
    )
    first = f.PlanSectionFactory(
        plan=plan, position=1, number="1.", title="Диагностика и планирование",
        tasks="Выявить дефициты каждой школы\nСоставить программы перехода", indicators="Доля ШНОР с программами — 100 %",
    )
    second = f.PlanSectionFactory(plan=plan, position=2, number="2.", title="Кадровое обеспечение", tasks="", indicators="")
    for position, (number, content, deadline, levels) in enumerate(LEVEL_ROWS, start=1):
        section = first if number.startswith("1.") else second
        text = "; ".join(f"{label}: {', '.join(levels[key])}" for key, label in
                         (("region", "Регион"), ("municipality", "Район"), ("school", "ОО")) if levels[key])
        activity = f.ActivityFactory(
            section=section, position=position, number=number, content=content, deadline_text=deadline,
            executors_text=text, expected_result="",
        )
        index = 0
        for level, names in levels.items():
            for name in names:
                index += 1
                ActivityExecutor.objects.create(activity=activity, position=index, level=level, kind="role", name=name)
    return plan


def plan_order(cast, plan, *, stamps=()) -> Order:
    order = cast.order
    order.number, order.date = "12", datetime.date(2025, 3, 28)
    order.approval_kind, order.approval_position, order.approval_name = "approve", "Председатель Комитета", "Т.И. Буц"
    order.save()
    OrderPoint.objects.create(order=order, number=1, text="Утвердить программу (приложение).")
    appendix = OrderAppendix.objects.create(order=order, position=1, kind=OrderAppendix.Kind.PLAN, plan=plan)
    for position, values in enumerate(stamps, start=1):
        AppendixApproval.objects.create(appendix=appendix, position=position, **values)
    return order


def _plan_table(html: str) -> str:
    return html[html.index('<table class="grid plan">'):]


def test_columns_print_in_the_sources_order_with_its_headings_and_levels_under_one_heading(cast):
    order = plan_order(cast, three_level_plan(cast.muni))
    table = _plan_table(order_html(order))
    head = table[: table.index("</thead>")]
    headings = re.findall(r"<th[^>]*>([^<]*)</th>", head)
    # Two rows: the group over its three levels; the others span both rows.
    assert headings == ["№", "Мероприятие", "Срок исполнения", "Ответственные", "Регион", "Район", "ОО"]
    assert '<th colspan="3">Ответственные</th>' in head
    assert '<th rowspan="2">№</th>' in head
    assert head.count("<tr>") == 2
    # The empty result column is not printed: not in the head, not among the widths.
    assert "Планируемый результат" not in table
    assert table.count("<col style=") == 6


def test_each_level_prints_its_own_executors_in_its_sub_column(cast):
    order = plan_order(cast, three_level_plan(cast.muni))
    table = _plan_table(order_html(order))
    row = re.search(r"<tr><td class=\"num\">1\.2</td>(.*?)</tr>", table, re.S).group(1)
    cells = re.findall(r"<td>(.*?)</td>", row, re.S)
    assert cells == [
        "Разработка программ перехода школ в эффективный режим работы", "Октябрь 2025", "",
        "Управление образования, ИМЦ", "Руководители ШНОР",
    ]
    # Never the text as written merged into one cell.
    assert "Район: Управление образования" not in table


def test_sections_print_their_tasks_and_indicators_and_numbers_as_stored(cast):
    order = plan_order(cast, three_level_plan(cast.muni))
    table = _plan_table(order_html(order))
    section = table.index("Диагностика и планирование")
    tasks = table.index("Задачи:")
    assert section < tasks < table.index("Выявить дефициты каждой школы") < table.index("Показатели:")
    assert tasks < table.index("Доля ШНОР с программами — 100 %") < table.index(">1.1<")
    assert '<td class="num">1.</td><td colspan="5">Диагностика и планирование</td>' in table
    # A section without tasks has no row for them.
    assert table.count('class="section-goals"') == 1


def test_a_plan_without_a_stored_layout_prints_the_portals_default(ready_order):
    appendix = printed_appendices(ready_order)[0]
    assert [c.heading for c in appendix.columns] == ["№ п/п", "Содержание мероприятия", "Сроки", "Ответственные", "Ожидаемый результат"]
    ready_order.edition.sections.get().activities.update(executors_text="")
    appendix = printed_appendices(ready_order)[0]
    assert "Ответственные" not in [c.heading for c in appendix.columns]


def test_widths_fit_any_column_set_and_follow_the_text(cast):
    plan = three_level_plan(cast.muni)
    activities = [a for s in plan.sections.all() for a in s.activities.all()]
    columns = printed_columns(plan, activities)
    widths = [float(w.rstrip("%")) for w in column_widths(columns, activities)]
    assert len(widths) == len(columns) and abs(sum(widths) - 100) < 0.1
    by_key = dict(zip([c.key for c in columns], widths))
    assert by_key["content"] > by_key["deadline"] > by_key["number"]
    # «Регион» holds «ЦНППМ»; it is still wide enough for its heading.
    assert by_key["executors_region"] * 2.52 >= 3.5 + 2.3 * len("Регион")
    # Every column of the whole layout, even with a single short row, still sums to the page.
    all_columns = plan_layout(plan)
    widths = [float(w.rstrip("%")) for w in column_widths(all_columns, activities[:1])]
    assert abs(sum(widths) - 100) < 0.1 and min(widths) > 3


STAMPS = [
    {"word": "agree", "position_text": "Директор ГАУ ДПО «Приморский краевой институт развития образования»",
     "name": "Н.В. Иванова", "date": datetime.date(2025, 3, 20)},
    {"word": "approve", "position_text": "Председатель Комитета\nпо образованию", "name": "Т.И. Буц"},
]


def test_every_stamp_prints_side_by_side_agreement_left_approval_right(cast):
    order = plan_order(cast, three_level_plan(cast.muni), stamps=STAMPS)
    html = order_html(order)
    stamps = html[html.index('<table class="stamps">'):]
    stamps = stamps[: stamps.index("</table>")]
    left, right = stamps.split('class="stamps-gap"')
    assert "СОГЛАСОВАНО" in left and "Н.В. Иванова" in left and "20 марта 2025 г." in left
    assert "УТВЕРЖДАЮ" in right and "Председатель Комитета" in right and "по образованию" in right
    assert "____________ Т.И. Буц" in right and "«___» ____________ 20___ г." in right
    # The appendix has stamps of its own: the order's single stamp is not printed besides them.
    assert html[html.index("<body>"):].count("УТВЕРЖДАЮ") == 1
    content = order_canonical_content(order)["appendices"][0]
    assert [s[0] for s in content["stamps"]] == ["СОГЛАСОВАНО", "УТВЕРЖДАЮ"]


def test_an_approved_by_order_stamp_carries_its_date_once(cast):
    order = plan_order(cast, three_level_plan(cast.muni), stamps=[
        {"word": "approved", "position_text": "приказом Комитета по образованию от 28.03.2025 № 12", "date": datetime.date(2025, 3, 28)},
        {"word": "approved_f", "position_text": "решением коллегии", "date": datetime.date(2025, 3, 1)},
    ])
    stamps = printed_appendices(order)[0].stamps_right
    assert [(s.word, s.date_line, s.signed) for s in stamps] == [
        ("УТВЕРЖДЕН", "", False), ("УТВЕРЖДЕНА", "от 1 марта 2025 г.", False),
    ]


def test_an_appendix_without_stamps_keeps_the_orders_single_stamp(ready_order, tmp_path):
    appendix = printed_appendices(ready_order)[0]
    assert appendix.approval and not appendix.stamps


@pytest.mark.parametrize("with_stamps", [False, True])
def test_the_pdf_prints_levels_goals_and_stamps(cast, tmp_path, with_stamps):
    order = plan_order(cast, three_level_plan(cast.muni), stamps=STAMPS if with_stamps else ())
    out = tmp_path / "o.pdf"
    out.write_bytes(render_order_pdf(order))
    text = squash(poppler("pdftotext", "-raw", str(out), "-"))
    for expected in ["Ответственные", "Регион", "Район", "ОО", "Задачи:", "Выявить дефициты каждой школы",
                     "Доля ШНОР с программами — 100 %", "Управление образования, ИМЦ", "Приложение к приказу от 28.03.2025 № 12"]:
        assert squash(expected) in text, expected
    assert squash("Планируемый результат") not in text
    if with_stamps:
        assert squash("СОГЛАСОВАНО") in text and squash("20 марта 2025 г.") in text
    else:
        assert squash("УТВЕРЖДАЮ Председатель Комитета ____________ Т.И. Буц 28.03.2025") in text


# --- The coordinator keeps an appendix's stamps ------------------------------------------------


def _formset_data(rows, extra=1):
    data = {"form-TOTAL_FORMS": str(len(rows) + extra), "form-INITIAL_FORMS": str(sum(1 for r in rows if r.get("id"))),
            "form-MIN_NUM_FORMS": "0", "form-MAX_NUM_FORMS": "1000"}
    for i, row in enumerate(rows):
        for key, value in row.items():
            data[f"form-{i}-{key}"] = value
    return data


def test_the_coordinator_adds_changes_and_removes_stamps(cast, client):
    order = plan_order(cast, three_level_plan(cast.muni))
    appendix = order.appendices.get()
    url = reverse("reports:appendix_stamps", args=[appendix.pk])
    client.force_login(cast.coordinator)
    page = client.get(url)
    assert page.status_code == 200 and "Грифы приложения" in page.content.decode()
    response = client.post(url, _formset_data([
        {"position": "1", "word": "agree", "position_text": "Директор ИРО", "name": "Н.В. Иванова", "date": "20.03.2025"},
        {"position": "2", "word": "approve", "position_text": "Председатель Комитета", "name": "Т.И. Буц", "date_text": "«__» марта 2025 г."},
    ], extra=0))
    assert response.status_code == 302, response.content.decode()
    stamps = list(appendix.approvals.order_by("position"))
    assert [(s.word, s.name, s.date, s.date_text) for s in stamps] == [
        ("agree", "Н.В. Иванова", datetime.date(2025, 3, 20), ""), ("approve", "Т.И. Буц", None, "«__» марта 2025 г."),
    ]
    response = client.post(url, _formset_data([
        {"id": str(stamps[0].pk), "position": "1", "word": "agree", "position_text": "Ректор ИРО", "name": "Н.В. Иванова", "date": "20.03.2025"},
        {"id": str(stamps[1].pk), "position": "2", "word": "approve", "position_text": "Председатель Комитета", "name": "Т.И. Буц", "DELETE": "on"},
    ], extra=0))
    assert response.status_code == 302
    assert [(s.position_text, s.name) for s in appendix.approvals.all()] == [("Ректор ИРО", "Н.В. Иванова")]
    assert "Ректор ИРО" in order_html(order)


def test_a_stamp_needs_a_position_or_a_name_and_a_signed_order_keeps_its_stamps(cast, client):
    order = plan_order(cast, three_level_plan(cast.muni))
    appendix = order.appendices.get()
    url = reverse("reports:appendix_stamps", args=[appendix.pk])
    client.force_login(cast.coordinator)
    response = client.post(url, _formset_data([{"position": "1", "word": "agree", "date_text": "«__» марта 2025 г."}], extra=0))
    assert response.status_code == 200 and "Укажите должность или имя" in response.content.decode()
    assert not appendix.approvals.exists()
    Order.objects.filter(pk=order.pk).update(status=Order.Status.SIGNED)
    assert client.get(url).status_code == 403
    client.force_login(cast.chair)
    Order.objects.filter(pk=order.pk).update(status=Order.Status.DRAFT)
    assert client.get(url).status_code == 403


def test_the_order_page_links_each_appendixs_stamps(cast, client):
    order = plan_order(cast, three_level_plan(cast.muni), stamps=STAMPS)
    client.force_login(cast.coordinator)
    page = client.get(reverse("reports:order_detail", args=[order.pk])).content.decode()
    assert reverse("reports:appendix_stamps", args=[order.appendices.get().pk]) in page
    assert reverse("reports:order_docx", args=[order.pk]) in page


# --- Imported stamps --------------------------------------------------------------------------


def test_the_order_import_keeps_every_stamp_of_every_appendix_and_prints_them(cast):
    from reports.order_import import order_file_parse, order_import

    from ..roadmaps.docx_builders import build_docx
    from .test_import_order import STAMPED

    result = order_import(municipality=cast.muni, parsed=order_file_parse(data=build_docx(STAMPED)))
    group, schools, other = result.order.appendices.order_by("position")
    assert [(s.word, s.position_text, s.name, s.date, s.date_text) for s in group.approvals.all()] == [
        ("agree", "Директор ИРО", "П.П. Петров", None, ""),
        ("approve", "Начальник управления образования", "И.И. Иванов", datetime.date(2025, 3, 28), ""),
    ]
    assert [(s.word, s.date) for s in schools.approvals.all()] == [("approved", datetime.date(2023, 4, 4))]
    assert not other.approvals.exists()
    html = order_html(result.order)
    first = html[html.index('<table class="stamps">'):]
    left, right = first[: first.index("</table>")].split('class="stamps-gap"')
    assert "СОГЛАСОВАНО" in left and "П.П. Петров" in left and "«___» ____________ 20___ г." in left
    assert "УТВЕРЖДАЮ" in right and "28 марта 2025 г." in right
    assert "УТВЕРЖДЕН" in html[html.index("Приложение № 2"):]


def test_the_orders_single_stamp_is_not_printed_twice_when_an_appendix_carries_it(cast):
    order = plan_order(cast, three_level_plan(cast.muni))
    text = OrderAppendix.objects.create(order=order, position=2, kind=OrderAppendix.Kind.TEXT, text="Порядок работы.")
    assert printed_appendices(order)[0].approval
    # What the import does: the stamp is on an appendix, and in the order's single stamp as well.
    AppendixApproval.objects.create(appendix=text, word="approve", position_text="Председатель Комитета", name="Т.И. Буц")
    plan_appendix, text_appendix = printed_appendices(order)
    assert not plan_appendix.approval and [s.word for s in text_appendix.stamps] == ["УТВЕРЖДАЮ"]


def test_a_new_edition_of_a_signed_order_starts_from_its_appendices_stamps(cast):
    from reports.services import order_new_version

    order = plan_order(cast, three_level_plan(cast.muni), stamps=STAMPS)
    Order.objects.filter(pk=order.pk).update(status=Order.Status.SIGNED)
    copy = order_new_version(order=Order.objects.get(pk=order.pk))
    copied = list(copy.appendices.get().approvals.values_list("word", "position_text", "name", "date", "date_text"))
    original = list(order.appendices.get().approvals.values_list("word", "position_text", "name", "date", "date_text"))
    assert copied == original and len(copied) == len(STAMPS)
