"""Splitting an «Ответственные» cell: every cell of the three demo plans, and cases around them.

The demo data (schnor_portal/demo/data/*.json) was split by hand; the splitter must give the same
level, kind and name sequence for every one of its 131 cells. No cell differs on purpose: a named
person is kept with their post («Начальник отдела общего образования Тамонова Е.А.»), as the
hand split does.
"""

import json
from pathlib import Path

import pytest

from roadmaps.executors import Executor, executors_text, level_cell_text, split_executors

DATA = Path(__file__).resolve().parents[2] / "schnor_portal" / "demo" / "data"


def _activities(sections):
    for section in sections:
        yield from section.get("activities", [])
        yield from _activities(section.get("children", []))


def _demo_cells():
    cells = []
    for path in sorted(DATA.glob("*.json")):
        data = json.loads(path.read_text(encoding="utf-8"))
        for plan in data["plans"]:
            for a in _activities(plan.get("sections", [])):
                expected = [(e["level"], e["kind"], e["name"]) for e in a["executors"]]
                cells.append(pytest.param(a["executors_text"], expected, id=f"{path.stem}-{plan['key']}-{a['number']}"))
    return cells


DEMO_CELLS = _demo_cells()


def test_it_reads_every_cell_of_the_three_plans():
    assert len(DEMO_CELLS) == 131


@pytest.mark.parametrize(("text", "expected"), DEMO_CELLS)
def test_it_splits_each_demo_cell_as_the_hand_split(text, expected):
    assert [(e.level, e.kind, e.name) for e in split_executors(text)] == expected


R, M, S = "region", "municipality", "school"


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        # Commas lost in the source (seed 000).
        (
            "Муниципальный координатор руководители ШНОР руководители ассоциаций",
            [(M, "role", "Муниципальный координатор"), (S, "role", "руководители ШНОР"), (M, "role", "руководители ассоциаций")],
        ),
        ("Комитет по образованию РИМО БУ «ЦФЭИХО»", [(M, "organisation", "Комитет по образованию"), (M, "organisation", "РИМО БУ «ЦФЭИХО»")]),
        (
            "БОУ ДПО «ИРООО» Муниципальный координатор Руководители ШНОР",
            [(R, "organisation", "БОУ ДПО «ИРООО»"), (M, "role", "Муниципальный координатор"), (S, "role", "Руководители ШНОР")],
        ),
        ("Директор ШНОР РИМО БУ «ЦФЭИХО»", [(S, "role", "Директор ШНОР"), (M, "organisation", "РИМО БУ «ЦФЭИХО»")]),
        # Named people keep their post; an institution between post and name stays with them.
        ("Специалист по кадрам ИМО Поляничко С.Г.", [(M, "person", "Специалист по кадрам ИМО Поляничко С.Г.")]),
        ("Е.А. Тамонова, кураторы", [(M, "person", "Е.А. Тамонова"), (M, "role", "кураторы")]),
        ("Директор МБОУ СОШ № 1 Иванова А.А.", [(S, "person", "Директор МБОУ СОШ № 1 Иванова А.А.")]),
        ("Заместитель директора по УВР Петрова Анна Ивановна", [(S, "person", "Заместитель директора по УВР Петрова Анна Ивановна")]),
        ("Муниципальный координатор Касьян В.В.", [(M, "person", "Муниципальный координатор Касьян В.В.")]),
        # A post of an institution is one executor.
        ("Директор МКУ «ЦО и СО»", [(M, "role", "Директор МКУ «ЦО и СО»")]),
        ("Директор МБОУ «СОШ № 1»", [(S, "role", "Директор МБОУ «СОШ № 1»")]),
        # Organisations and their levels.
        ("ГАУ ДПО ПК ИРО", [(R, "organisation", "ГАУ ДПО ПК ИРО")]),
        ("Министерство образования Омской области", [(R, "organisation", "Министерство образования Омской области")]),
        ("ГБУ ДПО «РЦОКО»", [(R, "organisation", "ГБУ ДПО «РЦОКО»")]),
        ("Региональный координатор", [(R, "role", "Региональный координатор")]),
        (
            "Департамент образования Администрации города Екатеринбурга",
            [(M, "organisation", "Департамент образования Администрации города Екатеринбурга")],
        ),
        ("Департамент образования и науки Приморского края", [(R, "organisation", "Департамент образования и науки Приморского края")]),
        ("Отдел образования администрации района", [(M, "organisation", "Отдел образования администрации района")]),
        ("МКУ «Центр развития образования»", [(M, "organisation", "МКУ «Центр развития образования»")]),
        ("МБОУ «СОШ № 2»", [(S, "organisation", "МБОУ «СОШ № 2»")]),
        ("Администрация ОО", [(S, "organisation", "Администрация ОО")]),
        # School-level roles.
        ("Образовательные организации", [(S, "role", "Образовательные организации")]),
        ("ОО", [(S, "role", "ОО")]),
        ("заместители директоров по УВР", [(S, "role", "заместители директоров по УВР")]),
        ("классные руководители, педагоги-психологи", [(S, "role", "классные руководители"), (S, "role", "педагоги-психологи")]),
        ("руководители ШМО", [(S, "role", "руководители ШМО")]),
        # «и» joins two executors only when both sides are whole.
        ("Управление образования и ИМО МКУ «ЦО и СО»", [(M, "organisation", "Управление образования"), (M, "organisation", "ИМО МКУ «ЦО и СО»")]),
        ("Руководители ШНОР и кураторы", [(S, "role", "Руководители ШНОР"), (M, "role", "кураторы")]),
        ("Руководители и педагоги ШНОР", [(S, "role", "Руководители и педагоги ШНОР")]),
        ("Руководитель проекта", [(M, "role", "Руководитель проекта")]),
        # Separators: semicolons, new lines that start a new executor, a wrapped phrase.
        (
            "Комитет образования; школьные координаторы\nРуководители ОО",
            [(M, "organisation", "Комитет образования"), (S, "role", "школьные координаторы"), (S, "role", "Руководители ОО")],
        ),
        ("Муниципальный\nкоординатор", [(M, "role", "Муниципальный координатор")]),
        ("Руководители ОО (по согласованию, кураторы)", [(S, "role", "Руководители ОО (по согласованию, кураторы)")]),
        ("Муниципальный координатор ШНОР,", [(M, "role", "Муниципальный координатор ШНОР")]),
        ("- кураторы.", [(M, "role", "кураторы")]),
        ("", []),
        ("  ,  ;  ", []),
        ("Неизвестная служба", [(M, "role", "Неизвестная служба")]),
        # Several people on one line without commas: a name ends an executor (issue 18).
        ("Иванова А.А. Петров Б.Б. Сидоров В.В.",
         [(M, "person", "Иванова А.А."), (M, "person", "Петров Б.Б."), (M, "person", "Сидоров В.В.")]),
        ("Иванова А. А. Петров Б. Б.", [(M, "person", "Иванова А. А."), (M, "person", "Петров Б. Б.")]),
        ("А.А. Иванова Б.Б. Петров", [(M, "person", "А.А. Иванова"), (M, "person", "Б.Б. Петров")]),
        ("Иванова А.А. и Петров Б.Б.", [(M, "person", "Иванова А.А."), (M, "person", "Петров Б.Б.")]),
        ("Методист ИМО Иванова А.А. Петров Б.Б.", [(M, "person", "Методист ИМО Иванова А.А."), (M, "person", "Петров Б.Б.")]),
        ("Иванова А.А. (по согласованию) Петров Б.Б.",
         [(M, "person", "Иванова А.А. (по согласованию)"), (M, "person", "Петров Б.Б.")]),
        # Levels sharing one noun: one role per adjective, the noun in that adjective's number.
        ("Муниципальный и школьные кураторы", [(M, "role", "Муниципальный куратор"), (S, "role", "Школьные кураторы")]),
        ("региональный и муниципальный координаторы",
         [(R, "role", "региональный координатор"), (M, "role", "муниципальный координатор")]),
        ("муниципальные и школьные команды", [(M, "role", "муниципальные команды"), (S, "role", "школьные команды")]),
        ("муниципальная и школьная команды", [(M, "role", "муниципальная команда"), (S, "role", "школьная команда")]),
        ("Региональный, муниципальный и школьный координаторы",
         [(R, "role", "Региональный координатор"), (M, "role", "Муниципальный координатор"), (S, "role", "Школьный координатор")]),
        ("Муниципальный и школьные кураторы ШНОР",
         [(M, "role", "Муниципальный куратор ШНОР"), (S, "role", "Школьные кураторы ШНОР")]),
        ("Муниципальный и школьные кураторы Руководители ОО",
         [(M, "role", "Муниципальный куратор"), (S, "role", "Школьные кураторы"), (S, "role", "Руководители ОО")]),
        ("региональные кураторы", [(R, "role", "региональные кураторы")]),
        ("Муниципальное и школьные методические объединения",
         [(M, "role", "Муниципальное методическое объединение"), (S, "role", "Школьные методические объединения")]),
        ("Руководители ОО, муниципальный и школьные кураторы",
         [(S, "role", "Руководители ОО"), (M, "role", "муниципальный куратор"), (S, "role", "школьные кураторы")]),
        ("руководители муниципальных и школьных методических объединений",
         [(S, "role", "руководители муниципальных и школьных методических объединений")]),
        # A name after «им.» belongs to the school: one person with their post.
        ("Директор МБОУ СОШ им. А.С. Пушкина Иванова А.А.", [(S, "person", "Директор МБОУ СОШ им. А.С. Пушкина Иванова А.А.")]),
    ],
)
def test_it_splits_people_roles_and_organisations(text, expected):
    assert [(e.level, e.kind, e.name) for e in split_executors(text)] == expected


def test_it_lets_a_column_fix_the_level():
    # A three-column header («Регион» / «Район» / «ОО») knows the level better than the words.
    assert split_executors("Руководители ШНОР, кураторы", level="region") == [
        Executor("region", "role", "Руководители ШНОР"),
        Executor("region", "role", "кураторы"),
    ]
    with pytest.raises(ValueError):
        split_executors("кураторы", level="district")


def test_it_never_raises_on_odd_text():
    for text in (None, 5, "«««", "»»» ,, «", "(((", "и и и", "А. А.", "\u00a0", "x" * 10_000):
        result = split_executors(text)
        assert all(isinstance(e, Executor) and e.name for e in result)


# --- texts written level by level, and the text derived from executors kept as data --------------

def test_a_text_labelled_by_level_keeps_each_part_at_its_level():
    text = "Регион: ГАУ ДПО ПК ИРО; Район: Управление образования, кураторы; ОО: Руководители ОО"
    assert [(e.level, e.name) for e in split_executors(text)] == [
        (R, "ГАУ ДПО ПК ИРО"), (M, "Управление образования"), (M, "кураторы"), (S, "Руководители ОО"),
    ]
    # Words before a colon that name no level leave the text to the usual split.
    assert [e.name for e in split_executors("Ответственный: Иванова А.А.")] == ["Ответственный: Иванова А.А."]


@pytest.mark.parametrize(
    ("rows", "labels", "text"),
    [
        ([(S, "role", "Руководители ШНОР"), (M, "role", "кураторы")], None, "Руководители ШНОР, кураторы"),
        # A level the words do not tell is written out, so that it reads back.
        ([(R, "role", "Кураторы"), (S, "role", "Руководители ШНОР")], None, "Регион: Кураторы; ОО: Руководители ШНОР"),
        # A plan with level columns writes its own headings, level by level.
        (
            [(S, "role", "Директор"), (R, "organisation", "ИРО"), (S, "role", "Учителя")],
            {R: "Региональный уровень", M: "Муниципалитет", S: "Школа"},
            "Региональный уровень: ИРО; Школа: Директор, Учителя",
        ),
        ([], None, ""),
    ],
)
def test_the_text_as_written_is_made_from_the_rows_and_reads_back(rows, labels, text):
    assert executors_text(rows, labels=labels) == text
    assert sorted((e.level, e.name) for e in split_executors(text)) == sorted((level, name) for level, _, name in rows)


def test_a_level_cell_is_joined_so_that_it_splits_back():
    names = ["Руководители и педагоги ШНОР", "Методист ИМО"]
    text = level_cell_text(names, S)
    assert [e.name for e in split_executors(text, level=S)] == names
