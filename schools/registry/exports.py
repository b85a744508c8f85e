"""The registry as an Excel sheet: one row per school, Russian headers, values as shown on the page."""

from collections.abc import Iterable

from schnor_portal.dates import school_year_label
from schnor_portal.xlsx import Sheet
from schools.models import Level, School

from .importer import (
    HEADER_SEARCH_ROWS,
    KIND_ALLOWED,
    KIND_LABELS,
    LOCALITY_ALLOWED,
    LOCALITY_LABELS,
    SMALL_ALLOWED,
    TEMPLATE_HEADERS,
)

HEADERS = [
    ("Краткое наименование", 32),
    ("Полное наименование", 50),
    ("Вид", 16),
    ("Филиал школы", 28),
    ("Тип местности", 12),
    ("Малокомплектная", 14),
    ("Населённый пункт", 20),
    ("Удалённость от регионального центра, км", 16),
    ("Руководитель", 28),
    ("Списки", 28),
    ("Кураторы", 28),
    ("Данные за учебный год", 12),
    ("Обучающихся всего", 12),
    ("Обучающихся 9-х классов", 12),
    ("Обучающихся 11-х классов", 12),
    ("Подвозимых обучающихся", 12),
    ("Педагогических работников", 14),
    ("В том числе учителей", 12),
    ("Дефицит кадров", 12),
    ("Дефицит инфраструктуры", 14),
    ("Транспортный дефицит", 14),
    ("Резильентная", 12),
]
MUNICIPALITY_HEADER = ("Муниципалитет", 30)


def _level(value):
    return Level(value).label if value else ""


def _yes_no(value):
    return "да" if value else "нет"


def school_row(school: School) -> list:
    """Expects a school of `selectors.school_export_for_user`: lists, curators and latest year prefetched."""
    latest = school.latest_year_rows[0] if school.latest_year_rows else None
    row = [
        school.short_name,
        school.full_name,
        school.get_kind_display(),
        school.branch_of.short_name if school.branch_of else "",
        school.get_locality_display(),
        _yes_no(school.is_small),
        school.settlement,
        school.distance_to_centre_km,
        school.director.full_name if school.director else "",
        ", ".join(str(entry.school_list) for entry in school.list_entries.all()),
        ", ".join(a.curator.full_name for a in school.current_curator_assignments),
    ]
    if latest:
        row += [
            school_year_label(latest.year),
            latest.pupils_total,
            latest.pupils_grade9,
            latest.pupils_grade11,
            latest.pupils_transported,
            latest.pedagogues_total,
            latest.teachers_total,
            _level(latest.deficit_staff),
            _level(latest.deficit_infrastructure),
            _level(latest.deficit_transport),
            _yes_no(latest.is_resilient),
        ]
    else:
        row += [""] + [None] * 6 + [""] * 4
    return row


def school_list_sheet(schools: Iterable[School], *, with_municipality: bool) -> Sheet:
    headers = ([MUNICIPALITY_HEADER] if with_municipality else []) + HEADERS
    rows = []
    for school in schools:
        row = school_row(school)
        rows.append([school.municipality.name, *row] if with_municipality else row)
    return Sheet(
        title="Школы",
        headers=[header for header, _ in headers],
        rows=rows,
        widths=[width for _, width in headers],
    )


def register_template_sheets(*, schools: list, year: int) -> list[Sheet]:
    """The import template, filled with the municipality's register as the portal keeps it, so the
    coordinator corrects it and loads it back (an unchanged row changes nothing)."""
    if schools:
        rows = [
            [
                number,
                school.full_name,
                school.short_name,
                KIND_LABELS.get(school.kind, ""),
                school.branch_of_name,
                school.settlement,
                LOCALITY_LABELS.get(school.locality, ""),
                _yes_no(school.is_small),
                school.director_name,
                school.email,
                school.pupils,
            ]
            for number, school in enumerate(schools, start=1)
        ]
    else:
        rows = [
            [
                1,
                "Муниципальное бюджетное общеобразовательное учреждение «Калининская средняя общеобразовательная школа»",
                "МБОУ «Калининская СОШ»",
                "СОШ",
                "",
                "с. Калинино",
                "сельская",
                "да",
                "Иванова Анна Петровна",
                "kalinino@example.ru",
                120,
            ]
        ]
    instructions = [
        ["№", "нет", "Номер по порядку; портал его не сохраняет.", "число или пусто"],
        [
            "Полное наименование",
            "одно из двух",
            "Как в уставе. По нему и по краткому наименованию портал находит школу в реестре: кавычки, регистр, "
            "«№»/«N», пробелы и длинные формы («средняя общеобразовательная школа» = «СОШ») не важны.",
            "до 500 знаков",
        ],
        ["Краткое наименование", "одно из двух", "Как школа подписана в портале и в приказах.", "до 200 знаков; у каждой школы своё"],
        ["Вид", "для новой школы", "Пусто — вид берётся из наименования («… СОШ»).", KIND_ALLOWED],
        ["Филиал (головная школа)", "нет", "Для филиала — наименование головной школы (из реестра или из этого же файла).", "наименование школы; «нет» — не филиал"],
        ["Населённый пункт", "нет", "", "текст"],
        ["Городская/сельская", "для новой школы", "Тип местности.", LOCALITY_ALLOWED],
        ["Малокомплектная", "нет", "", SMALL_ALLOWED],
        [
            "ФИО директора",
            "нет",
            "Фамилия, имя, отчество. Человек с таким ФИО в муниципалитете становится директором школы; если его "
            "нет — портал добавит его в «Люди».",
            "«Иванова Анна Петровна» или «Иванова А.П.»",
        ],
        ["E-mail", "нет", "Адрес школы.", "school@example.ru"],
        ["Число обучающихся", "нет", f"Обучающихся всего в {year}/{year + 1} учебном году (год выбирается при загрузке).", "целое число"],
        ["", "", "", ""],
        [
            "Общее",
            "",
            f"Заголовок может стоять в любой из первых {HEADER_SEARCH_ROWS} строк, столбцы — в любом порядке и под "
            "привычными названиями («Наименование ОО», «Тип местности», «Ф.И.О. руководителя», «Электронная почта», "
            "«Численность обучающихся»); лишние столбцы не мешают. Пустая ячейка не стирает значение в портале. "
            "Школы, которых нет в реестре, будут добавлены. Перед сохранением портал покажет, что добавится и что изменится.",
            "",
        ],
    ]
    return [
        Sheet("Школы", TEMPLATE_HEADERS, rows, [6, 60, 32, 16, 28, 20, 14, 14, 32, 26, 12]),
        Sheet("Инструкция", ["Столбец", "Обязательно", "Что писать", "Допустимые значения"], instructions, [24, 16, 80, 50]),
    ]
