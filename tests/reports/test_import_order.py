"""`manage.py import_order FILE.docx [--json] [--municipality NAME --save]`: the whole order, not
only its plan table — the JSON contract on the three demo orders rebuilt as Word, an appendices-only
file, voids, approval stamps, working groups, school lists, warnings for what is not understood,
refusals of bad files, and the saved draft that print_order prints."""

import io
import json
import zipfile
from datetime import date

import pytest
from django.core.management import CommandError, call_command

from accounts.models import Person
from reports.importers import OrderFileError, parse_order
from reports.importers import order_text
from reports.models import Order, OrderAppendix
from roadmaps.models import Plan, WorkingGroup

from .. import factories as f
from ..roadmaps.docx_builders import P, T, build_docx, demo_plan, expected_contract
from .conftest import poppler, squash
from .order_builders import demo_order, demo_order_blocks, demo_order_docx

DEMOS = ["omsk", "uglegorsk", "yakovlevsky"]
KIND = {"order": "приказ", "directive": "распоряжение"}
TOP_KEYS = {"authority", "kind", "number", "date", "place", "title", "preamble", "operative_word", "points",
            "signatory", "appendices", "voids", "warnings"}
APPENDIX_KEYS = {"number", "title", "kind", "approval", "plan", "members", "schools"}


def run_json(tmp_path, data, name="order.docx"):
    path = tmp_path / name
    path.write_bytes(data)
    out = io.StringIO()
    call_command("import_order", str(path), "--json", stdout=out)
    return json.loads(out.getvalue())


def check_shape(payload):
    assert set(payload) == TOP_KEYS
    assert set(payload["signatory"]) == {"position", "name"}
    for point in payload["points"]:
        assert set(point) == {"number", "text", "deadline", "executors"}
    for appendix in payload["appendices"]:
        assert set(appendix) == APPENDIX_KEYS
        for approval in appendix["approval"]:
            assert set(approval) == {"word", "position", "name", "date"}
        for member in appendix["members"]:
            assert set(member) == {"name", "position", "role"}
    for void in payload["voids"]:
        assert set(void) == {"number", "date"}


@pytest.mark.parametrize("file", DEMOS)
def test_it_reads_each_demo_order_to_its_requisites_points_and_appendices(db, tmp_path, file):
    order = demo_order(file)
    payload = run_json(tmp_path, demo_order_docx(file, stamp=file == "omsk"))
    check_shape(payload)
    assert payload["authority"] == order["header"]
    assert payload["kind"] == KIND[order["kind"]]
    assert (payload["number"], payload["date"], payload["place"]) == (order["number"], order["date"], order["place"])
    assert payload["title"] == order["title"]
    assert payload["preamble"] == order["preamble"]
    assert payload["operative_word"] == order["operative_word"].rstrip(":")
    assert [(p["number"], p["text"]) for p in payload["points"]] == [(str(p["number"]), p["text"]) for p in order["points"]]
    assert payload["signatory"] == {"position": order["signatory_position"], "name": order["signatory_name"]}
    assert len(payload["appendices"]) == len(order["appendices"])
    for got, expected in zip(payload["appendices"], order["appendices"]):
        assert got["number"] == (str(expected["number"]) if expected["number"] else "")
        plan = next((p for p in [demo_plan(file)] if p["key"] == expected["plan"]), None)
        if plan is not None:
            assert got["kind"] == "plan"
            assert got["plan"]["sections"] == expected_contract(plan)
        elif expected["kind"] == "working_group":
            assert got["kind"] == "working_group"
        else:  # the project of seed 002 is a passport, not a table of activities
            assert got["kind"] == "other" and got["plan"] is None


def test_point_deadlines_and_executors_are_read_from_the_text(db, tmp_path):
    payload = run_json(tmp_path, demo_order_docx("omsk"))
    points = {p["number"]: p for p in payload["points"]}
    assert points["3"]["deadline"] == "в срок до 17.04.2023 года"
    assert points["3"]["executors"] == ["Муниципальному координатору по работе со ШНОР/ШНСУ Касьян В.В."]
    assert points["4"]["deadline"] == "до 1 мая 2023 года"
    assert points["4"]["executors"] == ["Руководителям общеобразовательных организаций"]
    assert points["5"]["executors"] == [] and points["5"]["deadline"] == ""
    ugl = {p["number"]: p for p in run_json(tmp_path, demo_order_docx("uglegorsk"))["points"]}
    assert ugl["3"]["deadline"] == "по итогам 2025 года"
    assert [e.split(" ")[0] for e in ugl["3"]["executors"]] == ["Руководителям", "кураторам", "специалистам"]
    assert ugl["4"]["executors"][0].endswith("Е.А. Тамонову")


def test_other_ways_of_naming_deadlines_and_executors():
    assert order_text.point_executors("Провести совещание в срок до 10.05.2024 (Иванова А.А., Петров Б.Б.).") == [
        "Иванова А.А.", "Петров Б.Б."]
    text = "Представлять отчёт ежеквартально, не позднее 25 числа. Ответственный: Сидорова В.В."
    assert order_text.point_deadline(text) == "ежеквартально, не позднее 25 числа"
    assert order_text.point_executors(text) == ["Сидорова В.В."]
    assert order_text.point_deadline("Срок исполнения: 01.09.2024.") == "01.09.2024"
    assert order_text.deadline_date("по итогам 2025 года") == date(2025, 12, 31)
    assert order_text.parse_date("от «28» марта 2025 г.") == date(2025, 3, 28)
    assert order_text.parse_date("4 апреля 2023 г.") == date(2023, 4, 4)
    assert order_text.parse_date("№ 5.04.32-111-А/25 от 28.03.2025") == date(2025, 3, 28)
    assert order_text.parse_date("от « 15 » января 2024 г.") == date(2024, 1, 15)
    assert order_text.point_executors("Провести семинар до 01.03.2024 (отв. Иванова А.А.).") == ["Иванова А.А."]
    assert order_text.point_executors("Контроль исполнения приказа возложить на заместителя Петрову О.И.") == [
        "заместителя Петрову О.И."]
    assert order_text.point_voids("Признать утратившим силу приказ № 204-А от 28.06.2024.") == [("204-А", "2024-06-28")]


def test_a_void_is_read_from_the_point_that_declares_it(db, tmp_path):
    payload = run_json(tmp_path, demo_order_docx("uglegorsk"))
    assert payload["voids"] == [{"number": "204-А", "date": "2024-06-28"}]


def test_a_file_of_appendices_only_takes_the_requisites_from_their_captions(db, tmp_path):
    payload = run_json(tmp_path, demo_order_docx("yakovlevsky", with_order=False))
    check_shape(payload)
    assert (payload["kind"], payload["number"], payload["date"]) == ("распоряжение", "229-ра", "2024-02-29")
    assert payload["authority"] == ["Администрация"]
    assert payload["points"] == [] and payload["title"] == ""
    assert "только приложения" in payload["warnings"][0]
    assert [a["kind"] for a in payload["appendices"]] == ["other", "plan", "working_group"]


STAMPED = [
    P("ПРИКАЗ"), P("от 4 апреля 2023 г.  № 12"), P("О составе рабочей группы", bold=True),
    P("ПРИКАЗЫВАЮ:"), P("1. Утвердить состав рабочей группы (Приложение № 1)."),
    P("2. Утвердить перечень школ (Приложение № 2)."),
    P("Начальник управления   И.И. Иванов"),
    P(""),
    T([], [["СОГЛАСОВАНО\nДиректор ИРО\n_______ П.П. Петров\n«__» ________ 20__ г.",
            "УТВЕРЖДАЮ\nНачальник управления образования\n_______ И.И. Иванов\n«28» марта 2025 г."]]),
    P("Приложение № 1"), P("к приказу Управления образования"), P("от 04.04.2023 № 12"),
    P("Состав рабочей группы", bold=True),
    T(["№", "Ф.И.О.", "Должность", "Роль в группе"], [
        ["1", "Иванов И.И.", "начальник управления образования", "председатель рабочей группы"],
        ["2", "Смирнова О.П.", "методист ИМО", "секретарь"],
        ["3", "Кузнецова Е.В.", "директор МБОУ СОШ № 2", "член рабочей группы"],
    ]),
    P("УТВЕРЖДЕН"), P("приказом Управления образования"), P("от 04.04.2023 № 12"),
    P("Перечень общеобразовательных организаций", bold=True),
    P("1. МБОУ «СОШ № 2 с. Ивановка»;"), P("2. МКОУ «Петровская ООШ»;"), P("3. Гимназия № 1."),
    P("Приложение № 3"), P("к приказу от 04.04.2023 № 12"),
    P("Порядок работы", bold=True), P("Группа собирается раз в месяц."),
]


def test_approval_stamps_a_working_group_table_and_a_school_list(db, tmp_path):
    payload = run_json(tmp_path, build_docx(STAMPED))
    check_shape(payload)
    assert (payload["number"], payload["date"]) == ("12", "2023-04-04")
    assert payload["signatory"] == {"position": "Начальник управления", "name": "И.И. Иванов"}
    group, schools, other = payload["appendices"]
    assert [(a["word"], a["name"]) for a in group["approval"]] == [("СОГЛАСОВАНО", "П.П. Петров"), ("УТВЕРЖДАЮ", "И.И. Иванов")]
    assert group["approval"][1] == {"word": "УТВЕРЖДАЮ", "position": "Начальник управления образования",
                                    "name": "И.И. Иванов", "date": "2025-03-28"}
    assert group["approval"][0]["date"] == ""
    assert (group["number"], group["kind"], group["title"]) == ("1", "working_group", "Состав рабочей группы")
    assert group["members"] == [
        {"name": "Иванов И.И.", "position": "начальник управления образования", "role": "председатель"},
        {"name": "Смирнова О.П.", "position": "методист ИМО", "role": "секретарь"},
        {"name": "Кузнецова Е.В.", "position": "директор МБОУ СОШ № 2", "role": "член"},
    ]
    assert schools["kind"] == "schools" and schools["approval"][0]["word"] == "УТВЕРЖДЕН"
    assert schools["schools"] == ["МБОУ «СОШ № 2 с. Ивановка»", "МКОУ «Петровская ООШ»", "Гимназия № 1"]
    assert (other["number"], other["kind"]) == ("3", "other")
    assert "не распознано: Группа собирается раз в месяц." in payload["warnings"]


def test_working_group_lines_with_roles_after_a_dash(db, tmp_path):
    blocks = [
        P("РАСПОРЯЖЕНИЕ"), P("от 01.02.2024 № 5-р"), P("О рабочей группе", bold=True),
        P("1. Создать рабочую группу и утвердить её состав (приложение)."), P("Глава округа   А.А. Коренчук"),
        P("Приложение"), P("к распоряжению от 01.02.2024 № 5-р"),
        P("Состав рабочей группы", bold=True),
        P("Новикова В.В. — заместитель главы администрации, председатель рабочей группы"),
        P("Камаха Н.А. — начальник ИМО, заместитель председателя рабочей группы"),
        P("Зубкова М.В. — методист, секретарь рабочей группы"),
        P("Члены рабочей группы:"),
        P("Горбунова Д.Н. — методист ИМО"),
    ]
    payload = run_json(tmp_path, build_docx(blocks))
    (group,) = payload["appendices"]
    assert payload["operative_word"] == ""
    assert [(m["name"], m["position"], m["role"]) for m in group["members"]] == [
        ("Новикова В.В.", "заместитель главы администрации", "председатель"),
        ("Камаха Н.А.", "начальник ИМО", "заместитель председателя"),
        ("Зубкова М.В.", "методист", "секретарь"),
        ("Горбунова Д.Н.", "методист ИМО", "член"),
    ]


def test_what_is_not_understood_becomes_a_warning_with_its_text(db, tmp_path):
    blocks = demo_order_blocks("uglegorsk")
    at = next(i for i, b in enumerate(blocks) if isinstance(b, P) and b.text == "С.Э. Колесникова")
    blocks[at + 1:at + 1] = [P("Исп. Петрова А.А., тел. 8 (42432) 4-12-34")]
    payload = run_json(tmp_path, build_docx(blocks))
    assert "не распознано: Исп. Петрова А.А., тел. 8 (42432) 4-12-34" in payload["warnings"]
    assert payload["appendices"][0]["kind"] == "plan"


def test_an_order_without_tables_is_read_too(db, tmp_path):
    payload = run_json(tmp_path, build_docx(STAMPED[:7]))
    assert [p["number"] for p in payload["points"]] == ["1", "2"] and payload["appendices"] == []


def _zip(parts):
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w", zipfile.ZIP_DEFLATED) as archive:
        for name, data in parts.items():
            archive.writestr(name, data)
    return buffer.getvalue()


@pytest.mark.parametrize(
    "data, message",
    [
        (b"", "пустой"),
        (b"%PDF-1.7 ...", "PDF"),
        (b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1" + b"\0" * 100, "старом формате"),
        (b"just text", "не документ Word"),
        (_zip({"xl/workbook.xml": "<x/>"}), "не документ Word"),
        (_zip({"word/document.xml": b"0" * (30 * 1024 * 1024)}), "слишком"),
        (_zip({"word/document.xml": "<broken"}), "документ"),
    ],
)
def test_bad_files_are_refused_with_a_russian_message(db, tmp_path, data, message):
    path = tmp_path / "bad.docx"
    path.write_bytes(data)
    with pytest.raises(CommandError, match=message):
        call_command("import_order", str(path), "--json")


def test_a_document_with_no_order_in_it_is_refused():
    with pytest.raises(OrderFileError, match="не найден приказ"):
        parse_order(build_docx([P("")]))


def test_without_options_it_prints_a_summary_and_saves_nothing(db, tmp_path):
    path = tmp_path / "o.docx"
    path.write_bytes(demo_order_docx("yakovlevsky"))
    out = io.StringIO()
    call_command("import_order", str(path), stdout=out)
    assert "№ 229-ра" in out.getvalue() and "Ничего не сохранено" in out.getvalue()
    assert not Order.objects.exists()


# --- saving ------------------------------------------------------------------------------------

def test_save_makes_a_draft_that_print_order_prints_with_the_same_requisites(cast, tmp_path, capsys):
    kasyan = f.PersonFactory(municipality=cast.muni, last_name="Касьян", first_name="В.", middle_name="В.")
    path = tmp_path / "omsk.docx"
    path.write_bytes(demo_order_docx("omsk", stamp=True))
    call_command("import_order", str(path), "--municipality", "Русско-Полянский", "--save")
    assert "Создан проект документа" in capsys.readouterr().out
    source = demo_order("omsk")
    order = Order.objects.get(municipality=cast.muni, number="87")
    assert order.status == Order.Status.DRAFT and order.date == date(2023, 4, 4)
    assert order.header.split("\n") == source["header"] and order.title == source["title"]
    assert order.operative_word == "ПРИКАЗЫВАЮ:" and order.signatory_name == "Т.И. Буц"
    assert (order.approval_kind, order.approval_name) == ("approve", "Т.И. Буц")
    points = list(order.points.order_by("number"))
    assert [(p.number, p.text) for p in points] == [(p["number"], p["text"]) for p in source["points"]]
    assert points[2].responsible == kasyan and points[2].due_date == date(2023, 4, 17) and points[2].is_controlled
    assert points[3].due_date == date(2023, 5, 1) and points[3].is_controlled
    assert not points[0].is_controlled
    (appendix,) = order.appendices.all()
    assert appendix.kind == OrderAppendix.Kind.PLAN and appendix.plan.status == Plan.Status.DRAFT
    assert appendix.plan.sections.filter(activities__isnull=False).distinct().count() == 4
    assert (appendix.plan.period_start, appendix.plan.period_end) == (date(2023, 4, 4), date(2024, 12, 31))

    out = tmp_path / "87.pdf"
    call_command("print_order", "--number", "87", "--municipality", "Русско-Полянский", "-o", str(out))
    text = squash(poppler("pdftotext", str(out), "-"))
    for fragment in ("№87", "04.04.2023", squash(source["title"][:60]), squash(source["points"][2]["text"][:60]),
                     squash(source["points"][4]["text"]), "Т.И.Буц"):
        assert fragment in text


def test_save_makes_the_working_group_with_its_people_and_the_controlled_points(db, tmp_path):
    muni = f.MunicipalityFactory(name="Яковлевский муниципальный округ")
    novikova = f.PersonFactory(municipality=muni, last_name="Новикова", first_name="В.", middle_name="В.")
    path = tmp_path / "yak.docx"
    path.write_bytes(demo_order_docx("yakovlevsky"))
    call_command("import_order", str(path), "--municipality", "Яковлевский", "--save", stdout=io.StringIO())
    order = Order.objects.get(municipality=muni)
    assert (order.kind, order.number, order.operative_word) == ("directive", "229-ра", "")
    assert [a.kind for a in order.appendices.order_by("position")] == ["text", "plan", "working_group"]
    assert [a.number for a in order.appendices.order_by("position")] == [1, 2, 3]
    group = WorkingGroup.objects.get(municipality=muni)
    members = list(group.members.order_by("position"))
    assert [m.person.last_name for m in members] == ["Новикова", "Камаха", "Зубкова", "Горбунова"]
    assert members[0].person == novikova and Person.objects.filter(municipality=muni).count() == 4
    assert group.plan.kind == Plan.Kind.SCHEDULE
    assert order.points.get(number=5).responsible == novikova


def test_save_is_all_or_nothing(cast, tmp_path, monkeypatch):
    import reports.order_import as module

    def broken(**kwargs):
        raise RuntimeError("boom")

    monkeypatch.setattr(module, "plan_import", broken)
    path = tmp_path / "omsk.docx"
    path.write_bytes(demo_order_docx("omsk"))
    before = Order.objects.count()
    with pytest.raises(RuntimeError):
        call_command("import_order", str(path), "--municipality", "Русско-Полянский", "--save")
    assert Order.objects.count() == before and not Plan.objects.filter(title__startswith="Муниципальный план").exists()


def test_save_refuses_a_second_order_with_the_same_number_and_date(cast, tmp_path):
    path = tmp_path / "omsk.docx"
    path.write_bytes(demo_order_docx("omsk"))
    call_command("import_order", str(path), "--municipality", "Русско-Полянский", "--save", stdout=io.StringIO())
    with pytest.raises(CommandError, match="Приказ не сохранён"):
        call_command("import_order", str(path), "--municipality", "Русско-Полянский", "--save", stdout=io.StringIO())
    assert Order.objects.filter(number="87").count() == 1


def test_save_needs_the_municipality(db, tmp_path):
    path = tmp_path / "omsk.docx"
    path.write_bytes(demo_order_docx("omsk"))
    with pytest.raises(CommandError, match="--municipality"):
        call_command("import_order", str(path), "--save")


def test_points_numbered_by_word_and_a_header_laid_out_in_a_table(db, tmp_path):
    import docx

    document = docx.Document()
    header = document.add_table(rows=3, cols=2)
    header.cell(0, 0).merge(header.cell(0, 1)).text = "УПРАВЛЕНИЕ ОБРАЗОВАНИЯ\nАДМИНИСТРАЦИИ ГОРОДА"
    header.cell(1, 0).merge(header.cell(1, 1)).text = "ПРИКАЗ"
    header.cell(2, 0).text, header.cell(2, 1).text = "«28» марта 2025 г.", "№ 41-о"
    document.add_paragraph("О мерах по поддержке школ")
    document.add_paragraph("")
    document.add_paragraph("В целях повышения качества образования")
    document.add_paragraph("ПРИКАЗЫВАЮ:")
    document.add_paragraph("Утвердить план мероприятий.", style="List Number")
    document.add_paragraph("Директорам школ представить отчёты в срок до 01.06.2025.", style="List Number")
    document.add_paragraph("Контроль исполнения приказа оставляю за собой.", style="List Number")
    signature = document.add_table(rows=1, cols=2)
    signature.cell(0, 0).text, signature.cell(0, 1).text = "Начальник управления", "О.В. Смирнова"
    buffer = io.BytesIO()
    document.save(buffer)
    payload = run_json(tmp_path, buffer.getvalue())
    assert payload["authority"] == ["УПРАВЛЕНИЕ ОБРАЗОВАНИЯ", "АДМИНИСТРАЦИИ ГОРОДА"]
    assert (payload["kind"], payload["number"], payload["date"]) == ("приказ", "41-о", "2025-03-28")
    assert payload["title"] == "О мерах по поддержке школ"
    assert payload["preamble"] == "В целях повышения качества образования"
    assert [(p["number"], p["text"]) for p in payload["points"]] == [
        ("1", "Утвердить план мероприятий."),
        ("2", "Директорам школ представить отчёты в срок до 01.06.2025."),
        ("3", "Контроль исполнения приказа оставляю за собой."),
    ]
    assert payload["points"][1]["deadline"] == "в срок до 01.06.2025"
    assert payload["points"][1]["executors"] == ["Директорам школ"]
    assert payload["signatory"] == {"position": "Начальник управления", "name": "О.В. Смирнова"}


def test_a_working_group_after_the_plan_without_a_caption_is_an_appendix_of_its_own(db, tmp_path):
    blocks = demo_order_blocks("uglegorsk") + [
        P("Состав муниципальной рабочей группы:", bold=True),
        P("1. Новикова В.В., заместитель главы Администрации;"),
        P("2. Камаха Н.А., начальник ИМО."),
    ]
    payload = run_json(tmp_path, build_docx(blocks))
    assert [a["kind"] for a in payload["appendices"]] == ["plan", "working_group"]
    assert [m["name"] for m in payload["appendices"][1]["members"]] == ["Новикова В.В.", "Камаха Н.А."]


HEAD = [P("ПРИКАЗ"), P("от 01.02.2024 № 5"), P("О группе", bold=True), P("ПРИКАЗЫВАЮ:"),
        P("1. Утвердить состав (приложение)."), P("Начальник\tА.А. Иванов"),
        P("Приложение"), P("к приказу от 01.02.2024 № 5"), P("Состав рабочей группы", bold=True)]


def test_a_working_group_table_with_full_names_and_role_rows():
    from ..roadmaps.docx_builders import Span

    parsed = parse_order(build_docx(HEAD + [T(["№", "ФИО", "Должность"], [
        Span("Председатель рабочей группы:"), ["1", "Иванова Анна Петровна", "начальник управления"],
        Span("Члены рабочей группы:"), ["2", "Петров Олег Иванович", "директор МБОУ СОШ № 1"],
        ["3", "Сидорова Е.В.", "методист"],
    ])]))
    assert [m.contract() for m in parsed.appendices[0].members] == [
        {"name": "Иванова Анна Петровна", "position": "начальник управления", "role": "председатель"},
        {"name": "Петров Олег Иванович", "position": "директор МБОУ СОШ № 1", "role": "член"},
        {"name": "Сидорова Е.В.", "position": "методист", "role": "член"},
    ]
    assert parsed.warnings == []


def test_working_group_lines_that_name_the_role_first():
    parsed = parse_order(build_docx(HEAD + [
        P("Председатель рабочей группы – Иванова А.П., начальник управления образования"),
        P("Секретарь – Петрова О.И., методист"), P("Члены рабочей группы:"), P("Сидорова Е.В. – директор школы"),
    ]))
    assert [(m.name, m.position, m.role) for m in parsed.appendices[0].members] == [
        ("Иванова А.П.", "начальник управления образования", "председатель"),
        ("Петрова О.И.", "методист", "секретарь"),
        ("Сидорова Е.В.", "директор школы", "член"),
    ]


def test_save_of_a_file_of_appendices_only_makes_a_draft_without_points(db, tmp_path):
    muni = f.MunicipalityFactory(name="Яковлевский муниципальный округ", head_position="")
    path = tmp_path / "appendices.docx"
    path.write_bytes(demo_order_docx("yakovlevsky", with_order=False))
    call_command("import_order", str(path), "--municipality", "Яковлевский", "--save", stdout=io.StringIO())
    order = Order.objects.get(municipality=muni)
    assert (order.kind, order.number, order.date, order.status) == ("directive", "229-ра", date(2024, 2, 29), "draft")
    assert not order.points.exists() and order.appendices.count() == 3


def test_an_acquaintance_list_after_the_signature_is_no_appendix():
    parsed = parse_order(build_docx(STAMPED[:7] + [P("С приказом ознакомлены:"),
                                                   T(["ФИО", "Подпись", "Дата"], [["Иванова А.А.", "", ""]])]))
    assert parsed.appendices == []
    assert "не распознано: С приказом ознакомлены:" in parsed.warnings
