"""«Загрузить приказ», the preview's choices: unknown schools created in the same atomic save when
ticked, the person of each executor and member changed by the coordinator, and what the parser did
not recognise kept as a note on the saved order and shown on its page. The preview stays signed and
single-use; a choice that no longer fits the portal refuses the whole save."""

import re
from html import unescape

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse

from accounts.models import Person
from reports.models import Order
from roadmaps.models import WorkingGroupMember
from schools.models import School

from .. import factories as f
from ..roadmaps.docx_builders import P, T, build_docx

DOCX = "application/vnd.openxmlformats-officedocument.wordprocessingml.document"
DOC = [
    P("ПРИКАЗ"), P("от 4 апреля 2023 г.  № 12"), P("О рабочей группе", bold=True),
    P("ПРИКАЗЫВАЮ:"), P("1. Утвердить состав рабочей группы (Приложение № 1)."),
    P("2. Провести семинар для руководителей школ. Срок: до 01.06.2023. Ответственный: Петрова А.А."),
    P("Начальник управления   И.И. Иванов"),
    P("Приложение № 1"), P("к приказу от 04.04.2023 № 12"),
    P("Состав рабочей группы", bold=True),
    T(["№", "Ф.И.О.", "Должность", "Роль в группе"], [
        ["1", "Иванов И.И.", "начальник управления образования", "председатель рабочей группы"],
        ["2", "Смирнова О.П.", "методист ИМО", "секретарь"],
    ]),
    P("УТВЕРЖДЕН"), P("приказом Управления образования"), P("от 04.04.2023 № 12"),
    P("Перечень общеобразовательных организаций", bold=True),
    P("1. БОУ «Калининская СОШ»;"), P("2. МКОУ «Петровская ООШ»;"), P("3. МБОУ «Гимназия № 1 г. Омска»."),
    P("Приложение № 3"), P("к приказу от 04.04.2023 № 12"),
    P("Порядок работы", bold=True), P("Группа собирается раз в месяц."),
]
# Keys of the preview: point 2 is the second point (index 1); appendix 1 is the working group
# (index 0), the school list is index 1.
RESPONSIBLE = "responsible-1"
PETROVSKAYA, GYMNASIUM = "1-1", "1-2"


@pytest.fixture
def people(cast):
    return {
        "petrova": f.PersonFactory(municipality=cast.muni, last_name="Петрова", first_name="А.", middle_name="А."),
        "ivanov": f.PersonFactory(municipality=cast.muni, last_name="Иванов", first_name="И.", middle_name="И."),
        "sidorova": f.PersonFactory(municipality=cast.muni, last_name="Сидорова", first_name="Е.", middle_name="В."),
        "foreign": f.PersonFactory(municipality=cast.other, last_name="Петрова", first_name="А.", middle_name="А."),
    }


def _preview(client):
    file = SimpleUploadedFile("order.docx", build_docx(DOC), content_type=DOCX)
    response = client.post(reverse("reports:order_import"), {"file": file})
    assert response.status_code == 200
    return response


def _payload(response):
    return unescape(re.search(r'name="payload" value="([^"]+)"', response.content.decode())[1])


def _confirm(client, response, **choices):
    data = {"payload": _payload(response)}
    data.update({k.replace("_", "-"): v for k, v in choices.items()})
    return client.post(reverse("reports:order_import_confirm"), data)


def _new_orders(cast):
    return Order.objects.exclude(pk__in=[cast.order.pk, cast.order_other.pk])


def _selected(html, name):
    select = re.search(rf'<select[^>]*name="{name}"[^>]*>(.*?)</select>', html, re.S)[1]
    return re.search(r'<option value="([^"]*)" selected', select)


def test_the_preview_offers_to_create_unknown_schools_and_to_change_people(cast, client, people):
    client.force_login(cast.coordinator)
    html = _preview(client).content.decode()
    # The school the register knows gets no checkbox; the two unknown ones do, with a locality guess.
    assert 'name="create-school-1-0"' not in html
    assert 'name="create-school-1-1"' in html and 'name="create-school-1-2"' in html
    assert html.count("создать в реестре") == 2
    assert _selected(html, "locality-1-1")[1] == School.Locality.RURAL
    assert _selected(html, "locality-1-2")[1] == School.Locality.URBAN
    # The executor's match is preselected; people of another municipality are never offered.
    assert _selected(html, RESPONSIBLE)[1] == str(people["petrova"].pk)
    assert f'value="{people["foreign"].pk}"' not in html
    assert "новый человек" in html
    for name in (RESPONSIBLE, "member-0-0", "member-0-1", "create-school-1-1", "locality-1-1"):
        assert re.search(rf'name="{name}"[^>]*form="import-confirm"', html), name


def test_ticked_unknown_schools_are_created_in_the_same_save(cast, client, people):
    client.force_login(cast.coordinator)
    before = set(School.objects.values_list("pk", flat=True))
    response = _confirm(client, _preview(client), create_school_1_1="1", locality_1_1=School.Locality.RURAL,
                        locality_1_2=School.Locality.URBAN)
    order = _new_orders(cast).get()
    assert response.status_code == 302 and response.url == reverse("reports:order_detail", args=[order.pk])
    (created,) = School.objects.exclude(pk__in=before)
    assert (created.municipality, created.short_name, created.kind, created.locality) == (
        cast.muni, "МКОУ «Петровская ООШ»", School.Kind.BASIC, School.Locality.RURAL
    )
    # Not ticked: not created.
    assert not School.objects.filter(short_name__contains="Гимназия № 1").exists()


def test_without_any_choice_the_matches_shown_are_saved(cast, client, people):
    client.force_login(cast.coordinator)
    before = set(School.objects.values_list("pk", flat=True))
    response = _preview(client)
    # What the browser sends untouched: the point's select with its preselected match.
    _confirm(client, response, responsible_1=str(people["petrova"].pk))
    order = _new_orders(cast).get()
    assert order.points.get(number=2).responsible == people["petrova"]
    group = WorkingGroupMember.objects.filter(group__municipality=cast.muni).order_by("position")
    assert [m.person for m in group][0] == people["ivanov"]
    assert set(School.objects.values_list("pk", flat=True)) == before


def test_the_coordinator_changes_the_responsible_and_the_members(cast, client, people):
    client.force_login(cast.coordinator)
    count = Person.objects.filter(municipality=cast.muni).count()
    _confirm(client, _preview(client), responsible_1=str(people["sidorova"].pk),
             member_0_0="new", member_0_1=str(people["sidorova"].pk))
    order = _new_orders(cast).get()
    assert order.points.get(number=2).responsible == people["sidorova"]
    first, second = WorkingGroupMember.objects.filter(group__municipality=cast.muni).order_by("position")
    # «новый человек»: another Иванов И.И., not the one the matching found.
    assert first.person != people["ivanov"] and first.person.last_name == "Иванов"
    assert second.person == people["sidorova"]
    assert Person.objects.filter(municipality=cast.muni).count() == count + 1


def test_the_responsible_can_be_unlinked_or_made_a_new_person(cast, client, people):
    client.force_login(cast.coordinator)
    _confirm(client, _preview(client), responsible_1="")
    order = _new_orders(cast).get()
    point = order.points.get(number=2)
    assert point.responsible is None and point.responsible_text == "Петрова А.А." and point.is_controlled
    order.delete()
    _confirm(client, _preview(client), responsible_1="new")
    point = _new_orders(cast).get().points.get(number=2)
    assert point.responsible not in (None, people["petrova"]) and point.responsible.last_name == "Петрова"
    assert point.responsible.municipality == cast.muni


@pytest.mark.parametrize("who", ["foreign", "gone", "garbage"])
def test_a_choice_that_no_longer_fits_refuses_the_whole_save(cast, client, people, who):
    client.force_login(cast.coordinator)
    response = _preview(client)
    before = set(School.objects.values_list("pk", flat=True))
    people_before = Person.objects.count()
    value = {"foreign": str(people["foreign"].pk), "gone": str(people["sidorova"].pk), "garbage": "1; DROP"}[who]
    if who == "gone":
        people["sidorova"].delete()
        people_before -= 1
    answer = _confirm(client, response, responsible_1=value, create_school_1_1="1", locality_1_1="rural",
                      member_0_0="new")
    assert answer.status_code == 400
    assert "Предпросмотр больше не соответствует данным портала" in answer.content.decode()
    assert not _new_orders(cast).exists()
    assert set(School.objects.values_list("pk", flat=True)) == before and Person.objects.count() == people_before


def test_a_school_without_a_valid_locality_is_refused_and_nothing_saved(cast, client, people):
    client.force_login(cast.coordinator)
    answer = _confirm(client, _preview(client), create_school_1_1="1", locality_1_1="moon")
    assert answer.status_code == 400 and "не выбрана местность" in answer.content.decode()
    assert not _new_orders(cast).exists() and not School.objects.filter(short_name="МКОУ «Петровская ООШ»").exists()


def test_the_preview_stays_single_use_with_choices(cast, client, people):
    client.force_login(cast.coordinator)
    response = _preview(client)
    _confirm(client, response, create_school_1_1="1", locality_1_1="rural")
    again = _confirm(client, response, create_school_1_1="1", locality_1_1="rural", create_school_1_2="1",
                     locality_1_2="urban")
    assert again.status_code == 302
    assert _new_orders(cast).count() == 1
    assert not School.objects.filter(short_name__contains="Гимназия № 1").exists()
    assert School.objects.filter(short_name="МКОУ «Петровская ООШ»").count() == 1


def test_a_tampered_payload_is_refused_whatever_the_choices(cast, client, people):
    client.force_login(cast.coordinator)
    payload = _payload(_preview(client))
    answer = client.post(reverse("reports:order_import_confirm"),
                         {"payload": payload[:-3] + "xyz", "create-school-1-1": "1", "locality-1-1": "rural"})
    assert answer.status_code == 400 and not _new_orders(cast).exists()
    assert not School.objects.filter(short_name="МКОУ «Петровская ООШ»").exists()


def test_what_was_not_recognised_is_kept_as_a_note_and_shown_on_the_order(cast, client, people):
    client.force_login(cast.coordinator)
    _confirm(client, _preview(client))
    order = _new_orders(cast).get()
    # The parser's «не распознано» with its place in the file, and what the save itself could not do.
    assert "Приложение № 3: не распознано: Группа собирается раз в месяц." in order.import_note.splitlines()
    assert "При сохранении: Школа «МКОУ «Петровская ООШ»» не найдена в реестре муниципалитета." in order.import_note
    page = client.get(reverse("reports:order_detail", args=[order.pk])).content.decode()
    assert 'data-testid="import-note"' in page and "Заметка о загрузке из файла" in page
    assert "не распознано: Группа собирается раз в месяц." in unescape(page)


def test_a_created_school_leaves_no_warning_in_the_note(cast, client, people):
    client.force_login(cast.coordinator)
    _confirm(client, _preview(client), create_school_1_1="1", locality_1_1="rural",
             create_school_1_2="1", locality_1_2="urban")
    note = _new_orders(cast).get().import_note
    assert "не найдена в реестре" not in note and "не распознано: Группа собирается раз в месяц." in note


def test_an_order_made_by_hand_shows_no_note(cast, client):
    client.force_login(cast.coordinator)
    assert not cast.order.import_note
    page = client.get(reverse("reports:order_detail", args=[cast.order.pk])).content.decode()
    assert 'data-testid="import-note"' not in page


def test_the_command_line_save_keeps_the_parsers_warnings_as_the_note(cast, tmp_path):
    from django.core.management import call_command

    path = tmp_path / "order.docx"
    path.write_bytes(build_docx(DOC))
    call_command("import_order", str(path), "--municipality", cast.muni.name, "--save", stdout=open(tmp_path / "out", "w"))
    assert "не распознано: Группа собирается раз в месяц." in _new_orders(cast).get().import_note
