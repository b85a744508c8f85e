import datetime

from django.core.cache import cache
from django.urls import reverse

from roadmaps import services
from roadmaps.models import Plan
from tests import factories as f


def test_it_prints_the_plan_as_its_table(cast, client):
    part = f.PlanSectionFactory(plan=cast.plan, number="II", title="Раздел II. Циклограмма управленческих мер", position=10)
    child = f.PlanSectionFactory(plan=cast.plan, parent=part, number="1.", title="Организационная деятельность", position=11)
    f.ActivityFactory(section=child, number="1.1", content="Актуализация муниципальных документов", deadline_text="Не позднее 01 апреля 2025")
    client.force_login(cast.chair)
    page = client.get(reverse("roadmaps:plan_detail", args=[cast.plan.pk])).content.decode()
    assert page.index("Раздел II. Циклограмма") < page.index("Организационная деятельность") < page.index("Актуализация муниципальных документов")
    assert "Не позднее 01 апреля 2025" in page
    assert cast.activity.content in page and cast.activity.executors_text in page


def _table(page):
    table = page[page.index('<table class="table table-bordered table-plan"') :]
    return table[: table.index("</table>")]


# session, user (municipality, person and school joined), unread notifications (the bell), the plan with its municipality, order and editions joined,
# sections with clusters, their activities and their executors (one query: a 3-level plan prints a
# column per level; clusters only matter in a cluster's view), parts of a project,
# clusters with their memberships and schools (3), outcomes, risks, team, working groups
# (their members are fetched only when a group exists), the plan's schools (their names).
# A plan in force's table is kept once rendered (roadmaps.table_cache): the next visit reads no
# sections, activities or executors.
def test_it_shows_the_plan_in_a_fixed_number_of_queries(cast, client, django_assert_num_queries):
    client.force_login(cast.coordinator)
    for rows in (3, 30):
        while cast.plan.sections.filter(activities__isnull=False).count() < rows:
            f.ActivityFactory(section=f.PlanSectionFactory(plan=cast.plan))
        cache.clear()  # the rows were added behind the guard's back, as only a test can
        with django_assert_num_queries(16):
            first = client.get(reverse("roadmaps:plan_detail", args=[cast.plan.pk])).content.decode()
        with django_assert_num_queries(13):
            kept = client.get(reverse("roadmaps:plan_detail", args=[cast.plan.pk])).content.decode()
        assert first.count('id="activity-') == rows
        assert _table(kept) == _table(first)


def test_a_draft_is_read_afresh_on_every_visit(cast, client, django_assert_num_queries):
    draft = f.PlanFactory(municipality=cast.muni, status=Plan.Status.DRAFT)
    section = f.PlanSectionFactory(plan=draft)
    f.ActivityFactory(section=section, content="Первое мероприятие черновика")
    client.force_login(cast.coordinator)
    url = reverse("roadmaps:plan_detail", args=[draft.pk])
    assert "Первое мероприятие черновика" in client.get(url).content.decode()
    services.activity_create(section=section, data={"content": "Второе мероприятие черновика"})
    page = client.get(url).content.decode()
    assert "Первое мероприятие черновика" in page and "Второе мероприятие черновика" in page
    # The editor's controls are the editor's: a chair reading the same draft has none.
    assert "Изменить мероприятие" in page
    client.force_login(cast.chair)
    assert "Изменить мероприятие" not in client.get(url).content.decode()


def test_a_kept_table_of_a_plan_in_force_is_the_same_for_every_reader(cast, client):
    url = reverse("roadmaps:plan_detail", args=[cast.plan.pk])
    client.force_login(cast.coordinator)
    coordinator_page = client.get(url).content.decode()
    client.force_login(cast.chair)
    chair_page = client.get(url).content.decode()
    table = _table(coordinator_page)
    assert table and table in chair_page
    assert cast.activity.content in table and "Изменить мероприятие" not in table


def test_the_table_of_each_cluster_is_kept_apart(cast, client):
    other = f.ActivityFactory(section=f.PlanSectionFactory(plan=cast.plan, cluster=cast.cluster), content="Только для первого кластера")
    client.force_login(cast.chair)
    url = reverse("roadmaps:plan_detail", args=[cast.plan.pk])
    whole = client.get(url).content.decode()
    one = client.get(url + f"?cluster={cast.cluster.number}").content.decode()
    assert other.content in whole and cast.activity.content in whole
    assert other.content in one and f'id="activity-{cast.activity.pk}"' not in one
    assert f'id="activity-{cast.activity.pk}"' in client.get(url).content.decode()


def test_it_lists_plans_in_a_fixed_number_of_queries(cast, client, django_assert_num_queries):
    client.force_login(cast.coordinator)
    for rows in (3, 30):
        while cast.muni.plans.count() < rows:
            f.PlanFactory(municipality=cast.muni)
        # session, user (municipality, person and school joined), unread notifications (the bell), the plans with their counts.
        with django_assert_num_queries(4):
            page = client.get(reverse("roadmaps:plan_list")).content.decode()
        assert cast.plan_other.title not in page


def test_it_keeps_the_documents_column_order(cast, client):
    """000_b4835e37d9334ce8.txt prints «Ожидаемые результаты» before «Ответственный исполнитель»."""
    client.force_login(cast.chair)
    default = client.get(reverse("roadmaps:plan_detail", args=[cast.plan.pk])).content.decode()
    assert default.index("<th>Ответственные</th>") < default.index("<th>Ожидаемый результат</th>")
    cast.plan.result_before_executors = True
    cast.plan.save()
    page = client.get(reverse("roadmaps:plan_detail", args=[cast.plan.pk])).content.decode()
    assert page.index("<th>Ожидаемый результат</th>") < page.index("<th>Ответственные</th>")
    row = page[page.index(f'id="activity-{cast.activity.pk}"'):]
    assert row.index(cast.activity.expected_result) < row.index(cast.activity.executors_text)


def test_a_three_level_plan_shows_its_levels_under_their_group(cast, client):
    cast.plan.columns = [
        {"key": "number", "heading": "№", "group": ""},
        {"key": "content", "heading": "Мероприятие", "group": ""},
        {"key": "deadline", "heading": "Срок", "group": ""},
        {"key": "executors_region", "heading": "Регион", "group": "Ответственные"},
        {"key": "executors_municipality", "heading": "Район", "group": "Ответственные"},
        {"key": "executors_school", "heading": "ОО", "group": "Ответственные"},
        {"key": "result", "heading": "Результат", "group": ""},
    ]
    cast.plan.save()
    cast.activity.executor_set.create(position=1, level="region", kind="organisation", name="ГАУ ДПО ИРО")
    cast.activity.executor_set.create(position=2, level="school", kind="role", name="Руководители ШНОР")
    client.force_login(cast.chair)
    page = client.get(reverse("roadmaps:plan_detail", args=[cast.plan.pk])).content.decode()
    head = page[page.index("<thead>"):page.index("</thead>")]
    assert '<th scope="colgroup" colspan="3">Ответственные</th>' in head
    assert head.index("<th>Регион</th>") < head.index("<th>Район</th>") < head.index("<th>ОО</th>")
    assert '<th rowspan="2">Результат</th>' in head
    row = page[page.index(f'id="activity-{cast.activity.pk}"'):]
    row = row[: row.index("</tr>")]
    cells = [cell.split(">", 1)[1].split("<", 1)[0].strip() for cell in row.split("<td")[1:]]
    assert cells[3:6] == ["ГАУ ДПО ИРО", "", "Руководители ШНОР"]


def test_a_rows_cells_are_escaped_and_a_drafts_dates_flagged(cast, client):
    """The cells are written in Python (roadmaps/templatetags/plan_table.activity_cells): the texts
    escaped as the template escaped them, a note and a target under their cells, a draft's date
    outside the period flagged where the date is."""
    draft = f.PlanFactory(municipality=cast.muni, status="draft", period_start=datetime.date(2026, 1, 1), period_end=datetime.date(2026, 12, 31))
    f.ActivityFactory(
        section=f.PlanSectionFactory(plan=draft),
        number="1.<1>",
        content='Семинар «<b>Школа</b>» & практикум',
        note="по согласованию <с ИРО>",
        deadline_text="до 01.03.2025",
        expected_result="Протокол <итоги>",
        target_value=20,
        target_comparator="gte",
        target_unit="%",
    )
    client.force_login(cast.coordinator)
    page = client.get(reverse("roadmaps:plan_detail", args=[draft.pk])).content.decode()
    assert '<td class="col-num">1.&lt;1&gt;</td>' in page
    assert "<td>Семинар «&lt;b&gt;Школа&lt;/b&gt;» &amp; практикум" in page
    assert '<div class="small text-muted">по согласованию &lt;с ИРО&gt;</div>' in page
    assert "<td>до 01.03.2025<div><span class=\"badge text-bg-warning text-wrap text-start fw-normal\" role=\"note\">" in page
    assert "Срок вне периода плана (01.01.2026 – 31.12.2026): 01.03.2025" in page
    assert "<td>Протокол &lt;итоги&gt;<div class=\"small text-muted\">Цель: не менее 20 %</div></td>" in page
