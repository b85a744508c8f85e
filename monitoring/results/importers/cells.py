"""One cell of a results table read as a number, a year, a procedure or a level. Pure Python.

Each parser returns the value or raises CellProblem with the Russian reason; the caller knows the
cell and names it («Лист «ЕГЭ», ячейка C7 («абв»): не число»).
"""

import re
from decimal import ROUND_HALF_UP, Decimal, InvalidOperation
from typing import Any

# «-» in the source tables: the procedure was held, nobody from the school took the subject.
DASHES = {"-", "–", "—", "−", "‒", "―"}
TWO_PLACES = Decimal("0.01")
YEAR_MIN, YEAR_MAX = 2000, 2100

# The codes of monitoring.models.Procedure, kept here so the parser needs no Django;
# tests/monitoring/results/test_import.py checks they agree.
PROCEDURE_LABELS = {
    "oge": "ОГЭ",
    "ege": "ЕГЭ",
    "vpr": "ВПР",
    "rdr": "РДР",
    "regional": "Региональная диагностика",
}
_PROCEDURE_WORDS = {
    "огэ": "oge",
    "гиа-9": "oge",
    "гиа 9": "oge",
    "oge": "oge",
    "егэ": "ege",
    "гиа-11": "ege",
    "гиа 11": "ege",
    "ege": "ege",
    "впр": "vpr",
    "vpr": "vpr",
    "рдр": "rdr",
    "rdr": "rdr",
    "региональная диагностика": "regional",
    "региональные диагностики": "regional",
    "региональная диагностическая работа": "regional",
    "рд": "regional",
    "regional": "regional",
}
PROCEDURES_ALLOWED = ", ".join(PROCEDURE_LABELS.values())

LEVEL_LABELS = {"municipality": "муниципалитет", "region": "регион"}
_LEVEL_WORDS = {
    "муниципалитет": "municipality",
    "муниципальный": "municipality",
    "муниципальный уровень": "municipality",
    "муниципальное": "municipality",
    "район": "municipality",
    "округ": "municipality",
    "мо": "municipality",
    "мр": "municipality",
    "municipality": "municipality",
    "регион": "region",
    "региональный": "region",
    "региональный уровень": "region",
    "край": "region",
    "область": "region",
    "республика": "region",
    "субъект": "region",
    "region": "region",
}
LEVELS_ALLOWED = "муниципалитет, регион (или район, округ; край, область)"

# A column headed «Край» beside the schools holds the region's averages, «Район» the municipality's.
REGION_WORDS = {"край", "краю", "крае", "регион", "региону", "регионе", "область", "области", "республика", "республике"}
MUNICIPAL_WORDS = {
    "муниципалитет", "муниципалитету", "муниципальный", "муниципальному", "округ", "округу", "район", "району",
    "мо", "мр", "го", "му",
}
SCHOOL_WORDS = {"сош", "оош", "нош", "школа", "филиал", "гимназия", "лицей", "№"}


class CellProblem(ValueError):
    """Why a cell cannot be read; the message is Russian and goes to the user as is."""


def cell_text(value: Any) -> str:
    if value is None:
        return ""
    if isinstance(value, bool):
        return "да" if value else "нет"
    if isinstance(value, float) and value.is_integer():
        return str(int(value))
    if isinstance(value, float):
        return f"{value:g}".replace(".", ",")
    return " ".join(str(value).split())


def is_blank(value: Any) -> bool:
    return cell_text(value) == ""


def is_dash(value: Any) -> bool:
    return isinstance(value, str) and value.strip() in DASHES


def key(text: Any) -> str:
    """Lower case, «ё» as «е», punctuation as spaces: for comparing titles and words."""
    value = cell_text(text).lower().replace("ё", "е")
    value = re.sub(r"[^\w№%/+-]+", " ", value)
    return " ".join(value.split())


def _decimal(value: Any, *, allow_percent: bool = False) -> Decimal:
    if isinstance(value, bool):
        raise CellProblem("не число.")
    if isinstance(value, int):
        return Decimal(value)
    if isinstance(value, float):
        return Decimal(repr(value))
    if isinstance(value, Decimal):
        return value
    text = str(value).replace("\u00a0", "").replace(" ", "").strip()
    if allow_percent and text.endswith("%"):
        text = text[:-1]
    text = text.replace(",", ".")
    if not re.fullmatch(r"[-+]?\d+(\.\d+)?|[-+]?\.\d+", text):
        raise CellProblem("не число; пишите число с запятой («68,4»), «-» — если никто не сдавал, или оставьте пустым.")
    try:
        return Decimal(text)
    except InvalidOperation:
        raise CellProblem("не число.")


def _rounded(number: Decimal) -> Decimal:
    # The database keeps two decimals; a mean computed in Excel (3,6666…) is rounded, not refused.
    return number.quantize(TWO_PLACES, rounding=ROUND_HALF_UP) if number.as_tuple().exponent < -2 else number


def parse_score(value: Any, *, maximum: Decimal | None, unit: str) -> Decimal:
    number = _rounded(_decimal(value))
    if number < 0:
        raise CellProblem("балл не может быть отрицательным.")
    if maximum is not None and number > maximum:
        what = "отметка — не больше 5" if unit == "отметка" else f"балл — не больше {maximum.normalize():f}"
        raise CellProblem(f"больше максимума шкалы: {what}.")
    return number


def parse_share(value: Any, *, percent_format: bool = False) -> Decimal:
    number = _decimal(value, allow_percent=True)
    if percent_format:
        # A cell formatted as «12,5 %» holds 0,125: Excel keeps percents as fractions.
        number = number * 100
    number = _rounded(number)
    if number < 0 or number > 100:
        raise CellProblem("доля — от 0 до 100 %.")
    return number


def parse_participants(value: Any) -> int:
    number = _decimal(value)
    if number != number.to_integral_value() or number < 0:
        raise CellProblem("число участников — целое, не меньше 0.")
    return int(number)


def parse_year(value: Any) -> int:
    """«2021», 2021 and «202 1» (a Word table split the number) are the year 2021."""
    if isinstance(value, bool):
        raise CellProblem("год — четыре цифры, например 2023.")
    if isinstance(value, float) and value.is_integer():
        value = int(value)
    text = re.sub(r"\s+", "", str(value if value is not None else ""))
    text = re.sub(r"(г\.?|год)$", "", text, flags=re.IGNORECASE)
    if not re.fullmatch(r"\d{4}", text):
        raise CellProblem("год — четыре цифры, например 2023.")
    year = int(text)
    if not YEAR_MIN <= year <= YEAR_MAX:
        raise CellProblem(f"год — от {YEAR_MIN} до {YEAR_MAX}.")
    return year


def looks_like_year(value: Any) -> bool:
    if is_blank(value) or isinstance(value, bool):
        return False
    try:
        parse_year(value)
    except CellProblem:
        return False
    return True


def parse_grade(value: Any) -> int:
    """«9», 9, «9 класс», «11-е классы», «5 кл.»."""
    match = re.fullmatch(r"(\d{1,2})\s*(?:-?[а-я]{1,2})?\s*(?:класс[а-я]*|кл\.?)?", cell_text(value).lower())
    if match is None or not 1 <= int(match.group(1)) <= 11:
        raise CellProblem("класс — число от 1 до 11.")
    return int(match.group(1))


def parse_procedure(value: Any) -> str:
    code = _PROCEDURE_WORDS.get(key(value)) or _PROCEDURE_WORDS.get(cell_text(value).lower())
    if code is None:
        raise CellProblem(f"неизвестная процедура; допустимо: {PROCEDURES_ALLOWED}.")
    return code


def procedures_named_in(text: str) -> set[str]:
    """Procedures a caption names («Результаты ЕГЭ», «ОГЭ 2023»), for tables that do not say."""
    words = set(key(text).split())
    found = {code for word, code in _PROCEDURE_WORDS.items() if " " not in word and len(word) > 2 and word in words}
    if "региональн" in text.lower() and "диагност" in text.lower():
        found.add("regional")
    return found


def grade_named_in(text: str) -> int | None:
    """«9 класс», «11-е классы», «5 кл.» in a caption; None when there is none or several."""
    grades = {int(g) for g in re.findall(r"\b(\d{1,2})\s*(?:-?[ыеxй]+)?\s*кл", text.lower()) if 1 <= int(g) <= 11}
    return grades.pop() if len(grades) == 1 else None


def parse_level(value: Any) -> str:
    text = key(value)
    code = _LEVEL_WORDS.get(text)
    if code is None and text:
        first = text.split()[0]
        code = _LEVEL_WORDS.get(first)
    if code is None:
        raise CellProblem(f"неизвестный уровень; допустимо: {LEVELS_ALLOWED}.")
    return code


def reference_level_of_title(value: Any) -> str | None:
    """«Край», «Среднее по краю» → region; «Район», «Яковлевский МО» → municipality; a school → None."""
    words = key(value).split()
    if not words or len(words) > 4 or SCHOOL_WORDS & set(words):
        return None
    if REGION_WORDS & set(words):
        return "region"
    if MUNICIPAL_WORDS & set(words):
        return "municipality"
    return None


def looks_like_value(value: Any) -> bool:
    """A number or «-»: what the value cells of a results table hold (captions and titles do not)."""
    if is_dash(value):
        return True
    if is_blank(value) or isinstance(value, bool):
        return False
    try:
        _decimal(value, allow_percent=True)
    except CellProblem:
        return False
    return True


def split_subject_averages(text: str) -> tuple[str, list[str] | None]:
    """«Русский язык 66,17/65,15/64,89» → («Русский язык», ["66,17", "65,15", "64,89"]).

    The source tables print the region's averages of the table's years after the subject's name;
    a part left empty or «-» stays in its place as "" (that year has none).
    """
    match = re.fullmatch(r"(.*?[^\d\s/.,\-–—])\s+([\d\s/.,\-–—]*\d[\d\s/.,\-–—]*)", text.strip())
    if match is None:
        return text.strip(), None
    parts = ["" if part.strip() in DASHES else part.strip() for part in match.group(2).split("/")]
    return match.group(1).strip(), parts
