"""A year's school list from an Excel sheet: find the header, read the rows, match the schools.

Pure Python: rows of cell values and the municipality's school names in, dataclasses out; no
Django, no database. The view opens the upload with schnor_portal.xlsx.open_workbook; the service
(schools.lists.services.school_list_import) saves what the coordinator confirmed.

Lines are numbered as Excel numbers them, so «Строка 7» is row 7 of the sheet.
"""

import difflib
import re
from collections import defaultdict
from dataclasses import dataclass, field
from typing import Any, Iterable, Sequence

HEADER_SEARCH_ROWS = 10
MAX_DATA_ROWS = 1000
MAX_PHYSICAL_ROWS = 20000
NOTE_MAX_LENGTH = 500  # SchoolListEntry.note

# The codes of schools.models (SchoolList.Category, SchoolListEntry.FiokoCluster, .Trend); kept
# here so the parser needs no Django. tests/schools/lists/test_import_parser.py checks they agree.
CATEGORY_LABELS = {"shnor": "ШНОР", "shnsu": "ШНСУ", "risk_zone": "зона риска"}
CLUSTER_LABELS = {"strong": "Сильно неуспевающие", "moderate": "Умеренно неуспевающие"}
TREND_LABELS = {"up": "↑ положительная", "down": "↓ отрицательная", "stable": "→ без изменений"}
TREND_ARROWS = {"up": "↑", "down": "↓", "stable": "→"}

TEMPLATE_HEADERS = [
    "№",
    "Наименование ОО",
    "Категория",
    "Маркеры",
    "Кластер ФИОКО",
    "Динамика",
    "Признаки необъективности",
    "Примечание",
]

# Column titles as municipalities write them; compared after _header_key (case, punctuation,
# text in brackets are ignored: «Наименование ОО (полностью)» is «Наименование ОО»).
COLUMN_VARIANTS = {
    "number": ("№", "№ п/п", "N", "N п/п", "номер", "п/п"),
    "name": (
        "Наименование ОО",
        "Наименование образовательной организации",
        "Наименование общеобразовательной организации",
        "Наименование организации",
        "Наименование школы",
        "Наименование",
        "Название ОО",
        "Название школы",
        "Название",
        "Образовательная организация",
        "Общеобразовательная организация",
        "ОО",
        "Школа",
    ),
    "category": ("Категория", "Категория списка", "Список"),
    "markers": (
        "Маркеры",
        "Маркер",
        "Маркеры включения",
        "Причины включения",
        "Причина включения",
        "Основания включения",
        "Основание включения",
    ),
    "fioko_cluster": ("Кластер ФИОКО", "Кластер", "Кластер по методике ФИОКО", "Кластеры"),
    "trend": ("Динамика", "Тренд", "Динамика результатов"),
    "objectivity_issue": (
        "Признаки необъективности",
        "Признак необъективности",
        "Необъективность",
        "Признаки необъективности результатов",
        "Необъективные результаты",
    ),
    "note": ("Примечание", "Примечания", "Комментарий"),
}
COLUMN_TITLES = {key: variants[0] for key, variants in COLUMN_VARIANTS.items()}
COLUMN_TITLES["number"] = "№"

YES = {"да", "+", "1", "есть", "имеются", "имеется", "выявлены", "выявлен", "true", "истина", "✓", "✔", "v"}
NO = {"нет", "-", "−", "–", "—", "0", "не выявлены", "не выявлено", "отсутствуют", "false", "ложь"}
OBJECTIVITY_ALLOWED = "да, нет, +, −, 1, 0 (или пусто)"

TREND_ARROW_CHARS = {"↑": "up", "⬆": "up", "🡅": "up", "↗": "up", "↓": "down", "⬇": "down", "🡇": "down", "↘": "down", "→": "stable", "➡": "stable", "↔": "stable", "=": "stable"}
TREND_WORDS = (
    # (start of the normalised word, code); the first match wins
    ("без измен", "stable"),
    ("нет динамики", "stable"),
    ("отсутств", "stable"),
    ("стабил", "stable"),
    ("нейтрал", "stable"),
    ("нет", "stable"),
    ("полож", "up"),
    ("рост", "up"),
    ("улучш", "up"),
    ("повыш", "up"),
    ("вверх", "up"),
    ("позитив", "up"),
    ("отриц", "down"),
    ("негатив", "down"),
    ("сниж", "down"),
    ("ухудш", "down"),
    ("паден", "down"),
    ("вниз", "down"),
)
TREND_ALLOWED = "↑, ↓, → или положительная, отрицательная, без изменений (или пусто)"
CLUSTER_ALLOWED = "Сильно неуспевающие, Умеренно неуспевающие (или пусто)"

# Long legal and kind names shortened the way short names write them, so that
# «Бюджетное общеобразовательное учреждение «Калининская средняя общеобразовательная школа»»
# and «БОУ «Калининская СОШ»» are one name.
NAME_ABBREVIATIONS = (
    ("муниципальное бюджетное общеобразовательное учреждение", "мбоу"),
    ("муниципальное автономное общеобразовательное учреждение", "маоу"),
    ("муниципальное казенное общеобразовательное учреждение", "мкоу"),
    ("муниципальное общеобразовательное учреждение", "моу"),
    ("бюджетное общеобразовательное учреждение", "боу"),
    ("средняя общеобразовательная школа", "сош"),
    ("основная общеобразовательная школа", "оош"),
    ("начальная общеобразовательная школа", "нош"),
)
LEGAL_FORM = re.compile(r"^[а-я]{0,3}оу\s+")
QUOTES = "«»\"'“”„‟‘’‚`´"
TOTAL_ROW = re.compile(r"^(итого|всего)\b")


@dataclass(frozen=True, slots=True)
class SchoolRef:
    """A school of the municipality, as the parser needs it."""

    pk: int
    short_name: str
    full_name: str = ""
    abbreviation: str = ""


@dataclass
class ParsedRow:
    line: int
    number: str = ""
    name: str = ""
    category: str = ""
    markers: list[str] = field(default_factory=list)
    fioko_cluster: str = ""
    trend: str = ""
    objectivity_issue: bool = False
    note: str = ""
    school_id: int | None = None
    school_name: str = ""
    suggestions: list[str] = field(default_factory=list)
    errors: list[str] = field(default_factory=list)
    unmatched: bool = False  # a name no school of the municipality goes by
    skipped: str = ""  # why a row that is not blank stays out of the list

    @property
    def category_label(self):
        return CATEGORY_LABELS.get(self.category, "")

    @property
    def fioko_cluster_label(self):
        return CLUSTER_LABELS.get(self.fioko_cluster, "")

    @property
    def trend_label(self):
        return TREND_LABELS.get(self.trend, "")

    @property
    def trend_arrow(self):
        return TREND_ARROWS.get(self.trend, "")

    def to_payload(self) -> dict:
        """What the confirm step needs, as plain JSON (it travels signed, see views/lists.py)."""
        return {
            "line": self.line,
            "name": self.name,
            "school_id": self.school_id,
            "markers": self.markers,
            "fioko_cluster": self.fioko_cluster,
            "trend": self.trend,
            "objectivity_issue": self.objectivity_issue,
            "note": self.note,
        }

    @classmethod
    def from_payload(cls, data: dict) -> "ParsedRow":
        return cls(
            line=int(data["line"]),
            name=str(data["name"]),
            school_id=int(data["school_id"]),
            markers=[str(m) for m in data["markers"]],
            fioko_cluster=str(data["fioko_cluster"]),
            trend=str(data["trend"]),
            objectivity_issue=bool(data["objectivity_issue"]),
            note=str(data["note"]),
        )


@dataclass(frozen=True, slots=True)
class Unmatched:
    line: int
    name: str
    suggestions: tuple[str, ...]


@dataclass
class ParseResult:
    rows: list[ParsedRow] = field(default_factory=list)
    file_errors: list[str] = field(default_factory=list)
    sheet: str = ""
    header_line: int | None = None
    columns: dict[str, str] = field(default_factory=dict)  # field → the title as written

    @property
    def errors(self) -> list[str]:
        row_errors = [f"Строка {row.line}: {error}" for row in self.rows for error in row.errors]
        return self.file_errors + row_errors

    @property
    def ok(self) -> bool:
        return not self.errors

    @property
    def to_save(self) -> list[ParsedRow]:
        return [row for row in self.rows if not row.skipped]

    @property
    def skipped(self) -> list[ParsedRow]:
        return [row for row in self.rows if row.skipped]

    @property
    def unmatched(self) -> list[Unmatched]:
        return [
            Unmatched(row.line, row.name, tuple(row.suggestions))
            for row in self.rows
            if row.unmatched
        ]


# ---------------------------------------------------------------------------------------- text


def cell_text(value: Any) -> str:
    if value is None:
        return ""
    if isinstance(value, bool):
        return "да" if value else "нет"
    if isinstance(value, float) and value.is_integer():
        return str(int(value))
    return str(value).strip()


def _header_key(value: Any) -> str:
    text = cell_text(value).lower().replace("ё", "е")
    text = re.sub(r"\([^)]*\)", " ", text)
    text = text.replace("№", " № ")
    text = re.sub(r"[^\w№]+", " ", text)
    return " ".join(text.split())


# A lone «Школа» may be a title or a value; alone, only a specific title makes a header row.
GENERIC_NAME_TITLES = {"оо", "школа", "наименование", "название"}
HEADER_KEYS = {_header_key(variant): key for key, variants in COLUMN_VARIANTS.items() for variant in variants}


def normalise_name(value: Any) -> str:
    """A school name reduced for comparison: case, quotes, «№»/«N», spaces and long forms."""
    text = cell_text(value).lower().replace("ё", "е")
    for quote in QUOTES:
        text = text.replace(quote, " ")
    text = re.sub(r"[‐‑‒–—―]", "-", text)
    text = re.sub(r"(?<![a-zа-я])n\s*(?=\d)", "№", text)
    text = re.sub(r"№\s*", "№", text)
    text = " ".join(text.split())
    for long, short in NAME_ABBREVIATIONS:
        text = text.replace(long, short)
    return text.strip(" .,;")


def _without_legal_form(key: str) -> str:
    return LEGAL_FORM.sub("", key)


def _column_letter(index: int) -> str:
    letters = ""
    index += 1
    while index:
        index, remainder = divmod(index - 1, 26)
        letters = chr(ord("A") + remainder) + letters
    return letters


# ---------------------------------------------------------------------------------------- schools


class SchoolIndex:
    """The municipality's schools by every name they go by; exact names first, then without
    the legal form («Калининская СОШ» finds «БОУ «Калининская СОШ»» when it is the only one)."""

    def __init__(self, schools: Iterable[SchoolRef]):
        self.exact: dict[str, list[SchoolRef]] = defaultdict(list)
        self.loose: dict[str, list[SchoolRef]] = defaultdict(list)
        self.names: dict[str, list[SchoolRef]] = defaultdict(list)  # key → schools, for suggestions
        for school in schools:
            for name in (school.short_name, school.full_name, school.abbreviation):
                key = normalise_name(name)
                if not key:
                    continue
                for index, k in ((self.exact, key), (self.loose, _without_legal_form(key)), (self.names, key)):
                    if school not in index[k]:
                        index[k].append(school)

    def match(self, name: str) -> list[SchoolRef]:
        key = normalise_name(name)
        return self.exact.get(key) or self.loose.get(_without_legal_form(key)) or []

    def suggest(self, name: str, limit: int = 3) -> list[str]:
        found = []
        for key in difflib.get_close_matches(normalise_name(name), list(self.names), n=10, cutoff=0.6):
            for school in self.names[key]:
                if school.short_name not in found:
                    found.append(school.short_name)
        return found[:limit]


# ---------------------------------------------------------------------------------------- values


def parse_category(value: Any, *, list_label: str = "") -> str | None:
    """The category code of a cell; "" for an empty cell, None when it is not a category."""
    key = _header_key(value)
    if not key:
        return ""
    if list_label and key == _header_key(list_label):
        return "shnor"
    hits = set()
    if "риск" in key or key == "зр":
        hits.add("risk_zone")
    if "шнсу" in key or "неблагоприятн" in key:
        hits.add("shnsu")
    if "шнор" in key or "прш" in key or "низк" in key:
        hits.add("shnor")
    return hits.pop() if len(hits) == 1 else None


def parse_objectivity(value: Any) -> bool | None:
    if isinstance(value, bool):
        return value
    if isinstance(value, (int, float)) and value in (0, 1):
        return bool(value)
    text = cell_text(value).lower().replace("ё", "е").strip(" .")
    if not text or text in NO:
        return False
    if text in YES:
        return True
    return None


def parse_trend(value: Any) -> str | None:
    text = cell_text(value).lower().replace("ё", "е").strip(" .")
    if not text:
        return ""
    arrows = {code for char, code in TREND_ARROW_CHARS.items() if char in text}
    if text == "->":
        arrows = {"stable"}
    if len(arrows) == 1:
        return arrows.pop()
    if arrows:
        return None
    for start, code in TREND_WORDS:
        if text.startswith(start):
            return code
    return None


@dataclass(frozen=True, slots=True)
class ClusterCell:
    """A cluster cell as the research table writes it: «Сильно неуспевающие ↓ + необъективность
    (слабая управленческая команда)» — cluster, trend arrow, objectivity flag and a remark."""

    cluster: str | None
    trend: str
    objectivity_issue: bool
    remark: str


def parse_cluster(value: Any) -> ClusterCell:
    text = cell_text(value)
    remark = "; ".join(part.strip() for part in re.findall(r"\(([^)]*)\)", text) if part.strip())
    rest = re.sub(r"\([^)]*\)", " ", text)
    trends = {code for char, code in TREND_ARROW_CHARS.items() if char in rest and char != "="}
    for char in TREND_ARROW_CHARS:
        rest = rest.replace(char, " ")
    objectivity = "необъективн" in rest.lower()
    rest = re.sub(r"\+?\s*(признаки\s+)?необъективн\w*", " ", rest, flags=re.IGNORECASE)
    key = " ".join(rest.lower().replace("ё", "е").replace("+", " ").split()).strip(" .,;")
    if not key:
        cluster = ""
    elif key.startswith("сильно"):
        cluster = "strong"
    elif key.startswith("умеренно"):
        cluster = "moderate"
    else:
        cluster = None
    trend = trends.pop() if len(trends) == 1 else ""
    return ClusterCell(cluster=cluster, trend=trend, objectivity_issue=objectivity, remark=remark)


def parse_markers(value: Any) -> list[str]:
    """Markers one per line (a cell may also separate them with «;»), bullets dropped."""
    markers = []
    for part in re.split(r"[\n;]+", cell_text(value)):
        part = re.sub(r"^\s*(?:[-–—•·*]|\d+[.)])\s*", "", part).strip()
        if part:
            markers.append(part)
    return markers


# ---------------------------------------------------------------------------------------- sheet


def workbook_rows(workbook, max_rows: int = MAX_DATA_ROWS + HEADER_SEARCH_ROWS + 1) -> list[tuple[str, list[tuple]]]:
    """(sheet title, rows of values) of every sheet of an openpyxl workbook.

    Reading stops after max_rows non-blank rows (one more than the parser accepts, so that a
    longer sheet is reported, not silently cut) or MAX_PHYSICAL_ROWS rows of any kind (a sheet
    formatted down to row 1 048 576 is mostly empty rows); trailing blank rows are dropped.
    """
    sheets = []
    for worksheet in workbook.worksheets:
        if hasattr(worksheet, "reset_dimensions"):
            # Some programs write a wrong size into the file; read what is there instead.
            worksheet.reset_dimensions()
        rows: list[tuple] = []
        filled = 0
        for physical, row in enumerate(worksheet.iter_rows(values_only=True), start=1):
            rows.append(tuple(row))
            if any(cell_text(value) for value in row):
                filled += 1
            if filled >= max_rows or physical >= MAX_PHYSICAL_ROWS:
                break
        while rows and not any(cell_text(value) for value in rows[-1]):
            rows.pop()
        sheets.append((worksheet.title, rows))
    return sheets


def _find_header(rows: Sequence[Sequence[Any]]):
    """(row index, {field: column index}, duplicate messages) of the first header row, or None."""
    for index, row in enumerate(rows[:HEADER_SEARCH_ROWS]):
        columns: dict[str, int] = {}
        duplicates = []
        for col, value in enumerate(row):
            key = HEADER_KEYS.get(_header_key(value))
            if key is None:
                continue
            if key in columns:
                duplicates.append(
                    f"Столбец «{COLUMN_TITLES[key]}» встречается в заголовке дважды "
                    f"(столбцы {_column_letter(columns[key])} и {_column_letter(col)}): оставьте один."
                )
                continue
            columns[key] = col
        if "name" in columns and (len(columns) >= 2 or _header_key(row[columns["name"]]) not in GENERIC_NAME_TITLES):
            return index, columns, duplicates
    return None


def locate_table(sheets, find_header, result, *, missing: str, too_long: str):
    """The first sheet whose header row `find_header` recognises, for both school importers.

    Records the sheet, the header's line, the columns as titled and duplicate-column messages on
    `result`; refuses, on `result.file_errors`, a file with no header (`missing`) or with more
    than MAX_DATA_ROWS filled rows (`too_long`, formatted with the sheet's title and the limit).
    Returns (header index, {field: column}, data rows), or None when refused.
    """
    for title, rows in sheets:
        found = find_header(rows)
        if found:
            break
    else:
        result.file_errors.append(missing)
        return None
    header_index, columns, duplicates = found
    result.sheet = title
    result.header_line = header_index + 1
    result.columns = {key: cell_text(rows[header_index][col]) for key, col in columns.items()}
    result.file_errors.extend(duplicates)
    data_rows = rows[header_index + 1 :]
    if sum(1 for raw in data_rows if any(cell_text(value) for value in raw)) > MAX_DATA_ROWS:
        result.file_errors.append(too_long.format(title=title, limit=MAX_DATA_ROWS))
        return None
    return header_index, columns, data_rows


def parse_school_list(
    sheets: Sequence[tuple[str, Sequence[Sequence[Any]]]],
    *,
    schools: Iterable[SchoolRef],
    category: str,
    list_label: str = "",
) -> ParseResult:
    """Read the first sheet that has a header row; rows of another category are shown, not saved."""
    result = ParseResult()
    table = locate_table(
        sheets,
        _find_header,
        result,
        missing=(
            f"Не найдена строка заголовка: в первых {HEADER_SEARCH_ROWS} строках нет столбца "
            "«Наименование ОО» рядом с другими столбцами шаблона («Маркеры», «Кластер ФИОКО»…). "
            "Скачайте шаблон и сравните заголовки."
        ),
        too_long="В листе «{title}» больше {limit} строк после заголовка: это не список школ одного муниципалитета.",
    )
    if table is None:
        return result
    header_index, columns, data_rows = table

    index = SchoolIndex(schools)
    first_line: dict[int, int] = {}
    for offset, raw in enumerate(data_rows):
        row = _parse_row(raw, columns, line=header_index + 2 + offset, list_label=list_label, default_category=category)
        if row is None:
            continue
        result.rows.append(row)
        if row.skipped or not row.name:
            continue
        if row.category != category:
            row.skipped = (
                f"категория «{row.category_label}», а загружается список «{CATEGORY_LABELS.get(category, category)}»: "
                "строка в этот список не войдёт"
            )
            row.errors = []  # the row is not saved here; its own list's import checks it
            continue
        _match(row, index)
        if row.school_id is not None:
            if row.school_id in first_line:
                row.errors.append(f"ОО «{row.school_name}» уже есть в строке {first_line[row.school_id]}.")
            else:
                first_line[row.school_id] = row.line

    if not result.file_errors and not result.to_save:
        result.file_errors.append("В файле нет ни одной строки со школой для этого списка.")
    return result


def _cell(raw: Sequence[Any], columns: dict[str, int], key: str) -> Any:
    col = columns.get(key)
    return raw[col] if col is not None and col < len(raw) else None


def _parse_row(raw, columns, *, line, list_label, default_category) -> ParsedRow | None:
    values = {key: _cell(raw, columns, key) for key in columns}
    if not any(cell_text(value) for key, value in values.items() if key != "number"):
        return None  # blank, or only a pre-printed number
    row = ParsedRow(line=line, number=cell_text(values.get("number")), name=" ".join(cell_text(values.get("name")).split()))
    if not row.name:
        row.errors.append("не указано наименование ОО.")
    elif TOTAL_ROW.match(row.name.lower()):
        row.skipped = "строка итогов"
        return row

    category = parse_category(values.get("category"), list_label=list_label)
    if category is None:
        allowed = list(CATEGORY_LABELS.values()) + ["ПРШ"]
        if list_label and list_label not in allowed:
            allowed.append(list_label)
        row.errors.append(
            f"неизвестная категория «{cell_text(values.get('category'))}»; допустимо: {', '.join(allowed)} "
            "(или пусто — категория, выбранная при загрузке)."
        )
        category = default_category
    row.category = category or default_category

    row.markers = parse_markers(values.get("markers"))

    cluster = parse_cluster(values.get("fioko_cluster"))
    if cluster.cluster is None:
        row.errors.append(f"неизвестный кластер ФИОКО «{cell_text(values.get('fioko_cluster'))}»; допустимо: {CLUSTER_ALLOWED}.")
    else:
        row.fioko_cluster = cluster.cluster

    trend = parse_trend(values.get("trend"))
    if trend is None:
        row.errors.append(f"неизвестная динамика «{cell_text(values.get('trend'))}»; допустимо: {TREND_ALLOWED}.")
    elif trend and cluster.trend and trend != cluster.trend:
        row.errors.append(
            f"динамика «{cell_text(values.get('trend'))}» не совпадает со стрелкой в кластере "
            f"«{cell_text(values.get('fioko_cluster'))}»."
        )
    else:
        row.trend = trend or cluster.trend

    objectivity = parse_objectivity(values.get("objectivity_issue"))
    if objectivity is None:
        row.errors.append(
            f"непонятное значение признаков необъективности «{cell_text(values.get('objectivity_issue'))}»; "
            f"допустимо: {OBJECTIVITY_ALLOWED}."
        )
    else:
        row.objectivity_issue = objectivity or cluster.objectivity_issue

    row.note = "; ".join(part for part in (" ".join(cell_text(values.get("note")).split()), cluster.remark) if part)
    if len(row.note) > NOTE_MAX_LENGTH:
        row.errors.append(f"примечание длиннее {NOTE_MAX_LENGTH} символов ({len(row.note)}): сократите его.")
    return row


def _match(row: ParsedRow, index: SchoolIndex) -> None:
    found = index.match(row.name)
    if len(found) == 1:
        row.school_id = found[0].pk
        row.school_name = found[0].short_name
    elif found:
        names = ", ".join(f"«{school.short_name}»" for school in found)
        row.errors.append(f"ОО «{row.name}» подходит к нескольким школам: {names}; укажите полное наименование.")
    else:
        row.unmatched = True
        row.suggestions = index.suggest(row.name)
        hint = f"; возможно: {', '.join(f'«{name}»' for name in row.suggestions)}" if row.suggestions else ""
        row.errors.append(f"ОО «{row.name}» не найдена среди школ муниципалитета{hint}.")
