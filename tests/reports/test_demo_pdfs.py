"""The three demo orders printed carry what the source documents carry: header, number, date,
title, every point, the signatory and every appendix row; fonts embedded; plan appendices landscape.

The demo is loaded once for the module inside a transaction that is rolled back, and printed with
the `print_order` command as an outside user would.
"""

import json
import re

import pytest
from django.core.management import call_command
from django.db import connection, transaction

from schnor_portal.demo.loader import DATA_DIR, load_demo

from .conftest import POPPLER, poppler, squash

DEMO = {
    "omsk.json": "87",
    "uglegorsk.json": "5.04.32-111-А/25",
    "yakovlevsky.json": "229-ра",
}
pytestmark = [
    # The marker also makes pytest-django create the test database the module fixture writes to.
    pytest.mark.django_db,
    pytest.mark.skipif(
        not all(POPPLER.values()), reason="нет poppler-utils (pdftotext, pdfinfo, pdffonts): проверка напечатанных приказов пропущена"
    ),
]


@pytest.fixture(scope="module")
def printed(django_db_setup, django_db_blocker, tmp_path_factory):
    directory = tmp_path_factory.mktemp("orders")
    paths = {}
    with django_db_blocker.unblock(), transaction.atomic():
        assert "test" in str(connection.settings_dict["NAME"]), "the module fixture must write to the test database"
        load_demo()
        for name, number in DEMO.items():
            paths[name] = directory / f"{name}.pdf"
            call_command("print_order", "--number", number, "-o", str(paths[name]))
        transaction.set_rollback(True)
    return paths


def _data(name):
    return json.loads((DATA_DIR / name).read_text(encoding="utf-8"))


def _activities(sections):
    for section in sections:
        yield "section", section
        for activity in section.get("activities", []):
            yield "activity", activity
        yield from _activities(section.get("children", []))


def _pages(path):
    return poppler("pdftotext", "-raw", str(path), "-").split("\f")[:-1]


@pytest.mark.parametrize("name", DEMO)
def test_the_order_text_is_the_documents(printed, name):
    data = _data(name)
    order = data["orders"][0]
    text = squash(poppler("pdftotext", "-raw", str(printed[name]), "-"))
    first_page = squash(_pages(printed[name])[0])
    for line in order["header"]:
        assert squash(line) in first_page, line
    date = "{2}.{1}.{0}".format(*order["date"].split("-"))
    assert squash(date) in first_page and squash(f"№ {order['number']}") in first_page
    assert squash(order["title"]) in first_page
    assert squash(order["preamble"][:200]) in first_page
    for point in order["points"]:
        assert squash(f"{point['number']}. {point['text']}") in text, point["number"]
    assert squash(order["signatory_name"]) in text
    assert squash(order["signatory_position"]) in text
    if order.get("operative_word"):
        assert squash(order["operative_word"]) in first_page


@pytest.mark.parametrize("name", DEMO)
def test_every_appendix_row_is_printed(printed, name):
    data = _data(name)
    order = data["orders"][0]
    text = squash(poppler("pdftotext", "-raw", str(printed[name]), "-"))
    kind = "приказу" if order["kind"] == "order" else "распоряжению"
    date = "{2}.{1}.{0}".format(*order["date"].split("-"))
    plans = {p["key"]: p for p in data["plans"]}
    for appendix in order["appendices"]:
        heading = f"Приложение № {appendix['number']}" if appendix["number"] else "Приложение"
        assert squash(f"{heading} к {kind} от {date} № {order['number']}") in text
        if appendix["kind"] == "plan":
            plan = plans[appendix["plan"]]
            rows = 0
            for row_kind, row in _activities(plan["sections"]):
                if row_kind == "section":
                    assert squash(row["title"]) in text, row["title"]
                    continue
                rows += 1
                assert squash(f"{row['number']} {row['content'][:40]}") in text, (row["number"], row["content"][:40])
                for column in ("deadline", "executors_text", "result"):
                    assert squash(row[column][:30]) in text, (row["number"], column)
            for task in plan.get("tasks", []):
                assert squash(task) in text
            for outcome in plan.get("outcomes", []):
                assert squash(outcome["result"]) in text
            for risk in plan.get("risks", []):
                assert squash(risk["mitigation"]) in text
            for member in plan.get("team", []):
                assert squash(member["name"]) in text
        if appendix["kind"] == "working_group":
            group = data["working_groups"][appendix["working_group"]]
            for position, member in enumerate(group["members"], start=1):
                line = f"{position}. {_person(data, member['person'])}, {member['post']}"
                assert squash(line) in text, line


def _person(data, key):
    person = next(p for p in data["people"] if p["key"] == key)
    initials = "".join(part.strip()[0] + "." for part in (person["first_name"], person["middle_name"]) if part.strip())
    return f"{person['last_name']} {initials}"


def test_all_131_plan_rows_are_in_the_three_prints(printed):
    total = 0
    for name in DEMO:
        text = squash(poppler("pdftotext", "-raw", str(printed[name]), "-"))
        for plan in _data(name)["plans"]:
            for row_kind, row in _activities(plan["sections"]):
                if row_kind == "activity":
                    total += squash(f"{row['number']} {row['content'][:40]}") in text
    assert total == 131


@pytest.mark.parametrize("name", DEMO)
def test_fonts_are_liberation_serif_and_embedded(printed, name):
    lines = poppler("pdffonts", str(printed[name])).splitlines()[2:]
    assert lines
    for line in lines:
        columns = line.split()
        assert "Liberation-Serif" in columns[0], line
        assert columns[-5] == "yes", line  # emb


def _page_sizes(path):
    info = poppler("pdfinfo", "-f", "1", "-l", "999", str(path))
    return [(float(w), float(h)) for w, h in re.findall(r"Page\s+\d+ size:\s+([\d.]+) x ([\d.]+)", info)]


# Each plan prints its source's own column headings (Plan.columns): the head row as pdftotext reads it.
PLAN_HEAD = {
    "omsk.json": "№ Содержание мероприятия сроки",
    "uglegorsk.json": "№ п/п Мероприятия Сроки",
    "yakovlevsky.json": "№ Мероприятия\nСроки\nреализации",  # the narrow deadline column wraps its heading
}


@pytest.mark.parametrize("name", DEMO)
def test_plan_appendices_are_landscape_and_the_order_portrait(printed, name):
    sizes = _page_sizes(printed[name])
    pages = _pages(printed[name])
    assert len(sizes) == len(pages)
    width, height = sizes[0]
    assert (round(width), round(height)) == (595, 842)  # A4 portrait
    plan_pages = [i for i, page in enumerate(pages) if PLAN_HEAD[name] in page or "Паспорт проекта" in page]
    assert plan_pages
    for i in plan_pages:
        assert (round(sizes[i][0]), round(sizes[i][1])) == (842, 595), f"страница {i + 1}"
    if name == "yakovlevsky.json":
        assert "Состав муниципальной рабочей группы" in pages[-1]
        assert (round(sizes[-1][0]), round(sizes[-1][1])) == (595, 842)


@pytest.mark.parametrize("name", DEMO)
def test_pages_are_numbered_from_the_second_and_tables_repeat_their_header(printed, name):
    pages = _pages(printed[name])
    assert not re.match(r"\s*1\s*$", pages[0].splitlines()[0])
    for number, page in enumerate(pages[1:], start=2):
        assert re.search(rf"(^|\n){number}\n", page), f"нет номера на странице {number}"
    first = next(i for i, page in enumerate(pages) if PLAN_HEAD[name] in page)
    # The plan's rows run on after its first page; every page they run onto repeats the head.
    continued = [page for page in pages[first + 1 :] if re.search(r"(^|\n)\d+(\.\d+)*\.? +[А-ЯЁ«]", page) and "Приложение" not in page]
    assert continued, "таблица плана должна продолжаться на следующих страницах"
    for page in continued:
        assert PLAN_HEAD[name] in page
