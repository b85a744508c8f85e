"""The print machinery: a fetcher that serves only our static files, and every kind of appendix."""

import datetime
import re

import pytest

from accounts.models import Person
from reports.models import OrderAppendix, OrderPoint
from reports.pdf import PRINT_STATIC_URL, StaticOnlyFetcher, render_order_pdf
from roadmaps.models import WorkingGroup, WorkingGroupMember
from schools.models import SchoolList, SchoolListEntry

from .conftest import poppler, squash


def test_the_fetcher_serves_our_fonts_and_css():
    fetcher = StaticOnlyFetcher()
    font = fetcher.fetch(PRINT_STATIC_URL + "fonts/LiberationSerif-Regular.ttf")
    assert font.read()[:4] == b"\x00\x01\x00\x00"
    assert b"@page" in fetcher.fetch(PRINT_STATIC_URL + "reports/print.css").read()
    assert fetcher.fetch("data:text/plain;base64,0L/RgNC40LrQsNC3").read().decode() == "приказ"


@pytest.mark.parametrize(
    "url",
    [
        "http://example.com/font.ttf",
        "https://print.invalid/media/orders/1.pdf",
        "file:///etc/passwd",
        PRINT_STATIC_URL + "../../settings.py",
        PRINT_STATIC_URL + "fonts/%2e%2e/%2e%2e/manage.py",
        PRINT_STATIC_URL + "no-such-file.css",
    ],
)
def test_the_fetcher_refuses_everything_else(url):
    with pytest.raises(ValueError):
        StaticOnlyFetcher().fetch(url)


def test_every_kind_of_appendix_prints_on_its_own_page(cast, tmp_path):
    order = cast.order
    order.kind, order.number, order.date, order.operative_word = "directive", "229-ра", datetime.date(2024, 2, 29), ""
    order.save()
    OrderPoint.objects.create(order=order, number=1, text="Утвердить приложения.")
    person = Person.objects.create(municipality=cast.muni, last_name="Камаха", first_name="Н.", middle_name="А.")
    group = WorkingGroup.objects.create(municipality=cast.muni, title="Состав рабочей группы")
    WorkingGroupMember.objects.create(group=group, position=1, person=person, post="начальник ИМО МКУ «ЦО и СО»")
    school_list = SchoolList.objects.create(municipality=cast.muni, year=2019, title="ШНОР 2019")
    SchoolListEntry.objects.create(school_list=school_list, school=cast.school_b)
    kinds = [
        ("plan", {"plan": cast.plan}),
        ("working_group", {"working_group": group}),
        ("cluster_list", {"plan": cast.plan, "title": "Кластеры школ"}),
        ("school_list", {"school_list": school_list}),
        ("text", {"text": "Первый абзац приложения.\nВторой абзац приложения.", "title": "Порядок"}),
    ]
    for position, (kind, values) in enumerate(kinds, start=1):
        OrderAppendix.objects.create(order=order, position=position, number=position, kind=kind, **values)
    out = tmp_path / "order.pdf"
    out.write_bytes(render_order_pdf(order))
    pages = poppler("pdftotext", "-raw", str(out), "-").split("\f")[:-1]
    sizes = re.findall(r"size:\s+([\d.]+) x ([\d.]+)", poppler("pdfinfo", "-f", "1", "-l", "99", str(out)))
    starts = {}
    for number in range(1, 6):
        index = next(i for i, page in enumerate(pages) if squash(f"Приложение № {number} к распоряжению от 29.02.2024 № 229-ра") in squash(page))
        starts[number] = index
    assert sorted(starts.values()) == list(starts.values()) and len(set(starts.values())) == 5
    landscape = [round(float(w)) > round(float(h)) for w, h in sizes]
    assert landscape[starts[1]] and not any(landscape[starts[n]] for n in (2, 3, 4, 5))
    text = squash("\n".join(pages))
    for expected in [
        "1. Камаха Н.А., начальник ИМО МКУ «ЦО и СО».",
        f"1 {cast.cluster.name} {cast.school_a.short_name}",
        f"1. {cast.school_b.full_name}",
        "Первый абзац приложения.", "Второй абзац приложения.",
        f"{cast.activity.number} {cast.activity.content}",
        "ПРОЕКТ",
    ]:
        assert squash(expected) in text, expected
    assert "ПРИКАЗЫВАЮ" not in text


def test_a_single_appendix_is_unnumbered(ready_order, tmp_path):
    out_text = squash(_text(ready_order, tmp_path))
    assert squash("Приложение к приказу от 28.03.2025 № 12") in out_text
    assert squash("УТВЕРЖДАЮ Председатель Комитета ____________ Т.И. Буц 28.03.2025") in out_text


def test_a_plan_without_executors_has_no_executors_column(ready_order, tmp_path):
    ready_order.edition.sections.get().activities.update(executors_text="")
    text = _text(ready_order, tmp_path)
    assert "Ответственные" not in text and "Содержание мероприятия" in text


def _text(order, directory):
    out = directory / "o.pdf"
    out.write_bytes(render_order_pdf(order))
    return poppler("pdftotext", "-raw", str(out), "-")
