"""Executors as data in the plan editor: rows per level, the text derived from them, no level lost.

The forms are posted as the page sends them: every field read back from the rendered form.
"""

from html.parser import HTMLParser

import pytest
from django.urls import reverse

from roadmaps.executors import split_executors
from roadmaps.models import Activity, ActivityExecutor, Plan
from tests import factories as f

HTMX = {"HTTP_HX_REQUEST": "true"}
R, M, S = "region", "municipality", "school"
THREE_LEVELS = [
    {"key": "number", "heading": "№ п/п", "group": ""},
    {"key": "content", "heading": "Мероприятие", "group": ""},
    {"key": "deadline", "heading": "Сроки", "group": ""},
    {"key": "executors_region", "heading": "Регион", "group": "Ответственные"},
    {"key": "executors_municipality", "heading": "Район", "group": "Ответственные"},
    {"key": "executors_school", "heading": "ОО", "group": "Ответственные"},
    {"key": "result", "heading": "Результат", "group": ""},
]


class _FormReader(HTMLParser):
    """The values a browser would post from the page's <form action="…"> (no button pressed)."""

    def __init__(self, action):
        super().__init__()
        self.action = action
        self.data, self.select, self.textarea, self.in_form, self.done = [], None, None, False, False

    def handle_starttag(self, tag, attrs):
        attrs = dict(attrs)
        if tag == "form" and not self.done and self.action in (attrs.get("action"), attrs.get("hx-post")):
            self.in_form = True
        if not self.in_form:
            return
        name = attrs.get("name")
        if tag == "input" and name and attrs.get("type") not in ("submit", "button"):
            if attrs.get("type") in ("checkbox", "radio"):
                if "checked" in attrs:
                    self.data.append((name, attrs.get("value", "on")))
            else:
                self.data.append((name, attrs.get("value", "")))
        elif tag == "select" and name:
            self.select = [name, None, None]  # name, selected value, first value
        elif tag == "option" and self.select is not None:
            value = attrs.get("value", "")
            if self.select[2] is None:
                self.select[2] = value
            if "selected" in attrs:
                self.select[1] = value
        elif tag == "textarea" and name:
            self.textarea = [name, ""]

    def handle_data(self, data):
        if self.textarea is not None:
            self.textarea[1] += data

    def handle_endtag(self, tag):
        if tag == "select" and self.select is not None:
            name, selected, first = self.select
            self.data.append((name, selected if selected is not None else first or ""))
            self.select = None
        elif tag == "textarea" and self.textarea is not None:
            self.data.append((self.textarea[0], self.textarea[1].lstrip("\n")))
            self.textarea = None
        elif tag == "form" and self.in_form:
            self.in_form, self.done = False, True


def form_data(html, action) -> dict:
    reader = _FormReader(action)
    reader.feed(html)
    data = {}
    for name, value in reader.data:
        data.setdefault(name, []).append(value)
    return {name: values if len(values) > 1 else values[0] for name, values in data.items()}


@pytest.fixture
def draft(cast):
    plan = f.PlanFactory(municipality=cast.muni, status=Plan.Status.DRAFT, columns=THREE_LEVELS)
    section = f.PlanSectionFactory(plan=plan, number="1.", title="Методическое сопровождение")
    activity = f.ActivityFactory(
        section=section,
        number="1.1",
        deadline_text="Сентябрь 2025",
        executors_text="Регион: ГАУ ДПО ИРО; Район: Муниципальный координатор, кураторы; ОО: Руководители ШНОР",
    )
    for position, (level, kind, name) in enumerate(
        [(R, "organisation", "ГАУ ДПО ИРО"), (M, "role", "Муниципальный координатор"), (M, "role", "кураторы"), (S, "role", "Руководители ШНОР")],
        start=1,
    ):
        activity.executor_set.create(position=position, level=level, kind=kind, name=name)
    return activity


def rows(activity):
    return [(e.level, e.kind, e.name, e.person_id) for e in activity.executor_set.order_by("position")]


def edit_form(client, activity):
    url = reverse("roadmaps:activity_change", args=[activity.pk])
    response = client.get(url)
    assert response.status_code == 200
    return form_data(response.content.decode(), url)


def test_the_form_shows_one_labelled_row_per_executor_with_its_level(cast, draft, client):
    client.force_login(cast.coordinator)
    url = reverse("roadmaps:activity_change", args=[draft.pk])
    page = client.get(url).content.decode()
    data = form_data(page, url)
    assert data["executors-TOTAL_FORMS"] == "5" and data["executors-INITIAL_FORMS"] == "4"  # four and a blank one
    assert [data[f"executors-{i}-level"] for i in range(4)] == [R, M, M, S]
    assert data["executors-0-kind"] == "organisation" and data["executors-3-name"] == "Руководители ШНОР"
    # Screen readers hear which row a field belongs to.
    assert "Уровень, ответственный 1" in page and "Наименование (как в плане), ответственный 4" in page
    assert "убрать<span class=\"visually-hidden\"> ответственного 2</span>" in page


def test_editing_only_the_note_keeps_every_level_and_the_text(cast, draft, client):
    client.force_login(cast.coordinator)
    before, text = rows(draft), draft.executors_text
    data = edit_form(client, draft)
    data["note"] = "Уточнить состав кураторов"
    response = client.post(reverse("roadmaps:activity_change", args=[draft.pk]), data)
    assert response.status_code == 302, response.content.decode()[:2000]
    draft.refresh_from_db()
    assert draft.note == "Уточнить состав кураторов"
    assert rows(draft) == before
    assert draft.executors_text == text


def test_editing_one_executor_leaves_the_others_and_derives_the_text(cast, draft, client):
    client.force_login(cast.coordinator)
    person = f.PersonFactory(municipality=cast.muni, last_name="Тамонова", first_name="Елена", middle_name="Алексеевна")
    data = edit_form(client, draft)
    data["executors-2-kind"] = "person"
    data["executors-2-name"] = "Куратор Тамонова Е.А."
    data["executors-2-person"] = str(person.pk)
    response = client.post(reverse("roadmaps:activity_change", args=[draft.pk]), data)
    assert response.status_code == 302, response.content.decode()[:2000]
    draft.refresh_from_db()
    assert rows(draft) == [
        (R, "organisation", "ГАУ ДПО ИРО", None),
        (M, "role", "Муниципальный координатор", None),
        (M, "person", "Куратор Тамонова Е.А.", person.pk),
        (S, "role", "Руководители ШНОР", None),
    ]
    # The text is made from the rows, in the plan's own convention, and reads back to the same levels.
    assert draft.executors_text == "Регион: ГАУ ДПО ИРО; Район: Муниципальный координатор, Куратор Тамонова Е.А.; ОО: Руководители ШНОР"
    assert [(e.level, e.name) for e in split_executors(draft.executors_text)] == [(r[0], r[2]) for r in rows(draft)]


def test_a_row_is_added_and_removed_without_scripts(cast, draft, client):
    client.force_login(cast.coordinator)
    data = edit_form(client, draft)
    data["add_executor_row"] = "1"
    shown = client.post(reverse("roadmaps:activity_change", args=[draft.pk]), data)
    assert shown.status_code == 200  # the form again, one more row, nothing saved
    again = form_data(shown.content.decode(), reverse("roadmaps:activity_change", args=[draft.pk]))
    assert again["executors-TOTAL_FORMS"] == "6"
    assert ActivityExecutor.objects.filter(activity=draft).count() == 4
    again.update({"executors-4-level": R, "executors-4-kind": "organisation", "executors-4-name": "ГБУ ДПО «РЦОКО»"})
    again["executors-1-DELETE"] = "on"
    response = client.post(reverse("roadmaps:activity_change", args=[draft.pk]), again)
    assert response.status_code == 302, (response.context["form"].executors.errors, sorted((k, v) for k, v in again.items() if k.startswith("executors")))
    assert [(level, name) for level, _, name, _ in rows(draft)] == [
        (R, "ГАУ ДПО ИРО"), (M, "кураторы"), (S, "Руководители ШНОР"), (R, "ГБУ ДПО «РЦОКО»"),
    ]
    draft.refresh_from_db()
    assert draft.executors_text == "Регион: ГАУ ДПО ИРО, ГБУ ДПО «РЦОКО»; Район: кураторы; ОО: Руководители ШНОР"


def test_a_person_of_another_municipality_is_refused(cast, draft, client):
    client.force_login(cast.coordinator)
    stranger = f.PersonFactory(municipality=cast.other)
    data = edit_form(client, draft)
    data["executors-0-person"] = str(stranger.pk)
    response = client.post(reverse("roadmaps:activity_change", args=[draft.pk]), data)
    assert response.status_code == 200
    assert "Выберите человека из списка людей своего муниципалитета." in response.content.decode()
    assert rows(draft)[0] == (R, "organisation", "ГАУ ДПО ИРО", None)


def test_a_person_picked_without_a_name_is_named_as_in_the_card(cast, draft, client):
    client.force_login(cast.coordinator)
    person = f.PersonFactory(municipality=cast.muni, last_name="Касьян", first_name="Виктор", middle_name="Викторович")
    data = edit_form(client, draft)
    data.update({"executors-4-level": M, "executors-4-kind": "role", "executors-4-name": "", "executors-4-person": str(person.pk)})
    assert client.post(reverse("roadmaps:activity_change", args=[draft.pk]), data).status_code == 302
    assert rows(draft)[-1] == (M, "person", person.full_name, person.pk)


def test_a_single_column_plan_keeps_a_level_the_words_do_not_tell(cast, client):
    plan = f.PlanFactory(municipality=cast.muni, status=Plan.Status.DRAFT)
    section = f.PlanSectionFactory(plan=plan, number="2.", title="Кадры")
    client.force_login(cast.coordinator)
    url = reverse("roadmaps:activity_add", args=[section.pk])
    data = form_data(client.get(url).content.decode(), url)
    data.update({
        "number": "2.1", "content": "Курсы повышения квалификации", "deadline_text": "Октябрь 2025",
        "scope": "municipality",
        "executors-0-level": R, "executors-0-kind": "role", "executors-0-name": "Кураторы",
    })
    response = client.post(reverse("roadmaps:activity_add", args=[section.pk]), data)
    assert response.status_code == 302, response.content.decode()[:2000]
    activity = Activity.objects.get(section=section)
    assert rows(activity) == [(R, "role", "Кураторы", None)]
    # «Кураторы» alone would read as the municipality's: the text names the level.
    assert activity.executors_text == "Регион: Кураторы"
    assert [(e.level, e.name) for e in split_executors(activity.executors_text)] == [(R, "Кураторы")]


def test_text_typed_in_the_form_adds_rows_and_is_not_kept_as_a_second_source(cast, draft, client):
    client.force_login(cast.coordinator)
    data = edit_form(client, draft)
    data["executors_text"] = "Министерство образования Омской области"
    assert client.post(reverse("roadmaps:activity_change", args=[draft.pk]), data).status_code == 302
    assert rows(draft)[-1] == (R, "organisation", "Министерство образования Омской области", None)
    assert len(rows(draft)) == 5


def test_a_text_caller_still_has_its_text_split(cast):
    from roadmaps.services import activity_update

    plan = f.PlanFactory(municipality=cast.muni, status=Plan.Status.DRAFT)
    activity = f.ActivityFactory(section=f.PlanSectionFactory(plan=plan), executors_text="")
    activity, _ = activity_update(activity=activity, data={"executors_text": "Руководители ШНОР, кураторы"}, version=activity.version)
    assert [(e.level, e.name) for e in activity.executor_set.order_by("position")] == [(S, "Руководители ШНОР"), (M, "кураторы")]
    # A later edit that leaves the text alone leaves the rows alone, whatever was set by hand.
    activity.executor_set.filter(name="кураторы").update(level=R)
    activity, _ = activity_update(activity=activity, data={"note": "пометка"}, version=activity.version)
    assert [(e.level, e.name) for e in activity.executor_set.order_by("position")] == [(S, "Руководители ШНОР"), (R, "кураторы")]


def test_a_row_kept_as_text_only_is_offered_as_rows_and_its_text_stays(cast, client):
    plan = f.PlanFactory(municipality=cast.muni, status=Plan.Status.DRAFT)
    activity = f.ActivityFactory(section=f.PlanSectionFactory(plan=plan), executors_text="Руководители ШНОР кураторы")
    client.force_login(cast.coordinator)
    data = edit_form(client, activity)
    assert (data["executors-0-name"], data["executors-1-name"]) == ("Руководители ШНОР", "кураторы")
    data["note"] = "без изменений в ответственных"
    assert client.post(reverse("roadmaps:activity_change", args=[activity.pk]), data).status_code == 302
    activity.refresh_from_db()
    assert activity.executors_text == "Руководители ШНОР кураторы"
    assert [(e.level, e.name) for e in activity.executor_set.order_by("position")] == [(S, "Руководители ШНОР"), (M, "кураторы")]
