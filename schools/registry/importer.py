"""The school register from an Excel sheet: find the header, read each school, compare with the portal.

Pure Python: rows of cell values, the municipality's schools and people in, dataclasses out; no
Django, no database. The view opens the upload with schnor_portal.xlsx.open_workbook; the service
(schools.registry.services.school_register_import) saves what the coordinator confirmed.

Municipalities keep the register in their own shapes: the columns are found by their wording
(«Полное наименование ОО», «Вид», «ФИО директора», «Численность обучающихся»…) in any order.
A school is matched to the portal's by its normalised name (schools.lists.importer); an empty
cell leaves the portal's value as it is, so a partial table never wipes a filled card.
Lines are numbered as Excel numbers them, so «Строка 7» is row 7 of the sheet.
"""

import re
from dataclasses import dataclass, field
from typing import Any, Iterable, Sequence

from schools.lists.importer import (
    NO,
    YES,
    SchoolIndex,
    _column_letter,
    _header_key,
    cell_text,
    locate_table,
    normalise_name,
    workbook_rows,
)

__all__ = ["workbook_rows", "parse_school_register"]

HEADER_SEARCH_ROWS = 10
SHORT_NAME_MAX = 200  # School.short_name
FULL_NAME_MAX = 500  # School.full_name
SETTLEMENT_MAX = 200  # School.settlement
PERSON_PART_MAX = 100  # Person.last_name, first_name, middle_name

# The codes of schools.models.School.Kind and .Locality; kept here so the parser needs no Django.
# tests/schools/registry/test_register_import.py checks they agree.
KIND_LABELS = {
    "secondary": "СОШ (средняя)",
    "basic": "ООШ (основная)",
    "primary": "НОШ (начальная)",
    "gymnasium": "гимназия",
    "lyceum": "лицей",
    "school": "школа",
    "boarding": "школа-интернат",
    "branch": "филиал",
}
LOCALITY_LABELS = {"urban": "городская", "rural": "сельская"}
KIND_ALLOWED = "СОШ, ООШ, НОШ, гимназия, лицей, школа, школа-интернат, филиал"
LOCALITY_ALLOWED = "городская, сельская (или «г», «с»)"
SMALL_ALLOWED = "да, нет, +, −, 1, 0"

# Words of a kind cell (or of the school's name, when the cell is empty), after normalise_name
# shortened «средняя общеобразовательная школа» to «сош»; the first match wins.
KIND_WORDS = (
    ("интернат", "boarding"),
    ("филиал", "branch"),
    ("гимнази", "gymnasium"),
    ("лице", "lyceum"),
    ("нош", "primary"),
    ("начальн", "primary"),
    ("оош", "basic"),
    ("основн", "basic"),
    ("сош", "secondary"),
    ("средн", "secondary"),
    ("школа", "school"),
)

TEMPLATE_HEADERS = [
    "№",
    "Полное наименование",
    "Краткое наименование",
    "Вид",
    "Филиал (головная школа)",
    "Населённый пункт",
    "Городская/сельская",
    "Малокомплектная",
    "ФИО директора",
    "E-mail",
    "Число обучающихся",
]
COLUMN_TITLES = {
    "number": "№",
    "full_name": "Полное наименование",
    "short_name": "Краткое наименование",
    "name": "Наименование",
    "kind": "Вид",
    "branch_of": "Филиал",
    "settlement": "Населённый пункт",
    "locality": "Городская/сельская",
    "is_small": "Малокомплектная",
    "director": "ФИО директора",
    "email": "E-mail",
    "pupils": "Число обучающихся",
}
FIELD_LABELS = {
    "full_name": "полное наименование",
    "short_name": "краткое наименование",
    "kind": "вид",
    "branch_of": "филиал школы",
    "settlement": "населённый пункт",
    "locality": "местность",
    "is_small": "малокомплектная",
    "director": "директор",
    "email": "e-mail",
    "pupils": "обучающихся",
}
NUMBER_TITLES = {"№", "№ п п", "n", "n п п", "номер", "п п"}
GENERIC_NAME_TITLES = {"оо", "школа", "образовательная организация", "общеобразовательная организация"}
EMAIL = re.compile(r"^[^@\s]+@[^@\s]+\.[^@\s]+$")
TOTAL_ROW = re.compile(r"^(итого|всего)\b")


def column_of(title: Any) -> str | None:
    """The field a header cell names, by its wording; None for a column the register does not keep."""
    key = _header_key(title)
    if not key:
        return None
    if key in NUMBER_TITLES:
        return "number"
    if "малокомплект" in key:
        return "is_small"
    if "филиал" in key:
        return "branch_of"
    if "местност" in key or ("город" in key and "сельск" in key):
        return "locality"
    if "населен" in key or "поселен" in key or key.startswith("пункт"):
        return "settlement"
    if "mail" in key or "почт" in key:
        return "email"
    if "обучающ" in key or "учащ" in key or "контингент" in key:
        # «Обучающихся 9-х классов», «Подвозимых обучающихся» (the register's export) are not the total.
        return None if ("класс" in key or "подвоз" in key) else "pupils"
    if "фио" in key or "ф и о" in key or "директор" in key or "руководител" in key:
        return "director"
    if ("кратк" in key or "сокращ" in key) and ("наимен" in key or "назв" in key):
        return "short_name"
    if "полн" in key and ("наимен" in key or "назв" in key):
        return "full_name"
    if key.startswith("вид") or key.startswith("тип"):
        return "kind"
    if "наимен" in key or "назван" in key or key in GENERIC_NAME_TITLES:
        return "name"
    return None


# ---------------------------------------------------------------------------------------- refs


@dataclass(frozen=True, slots=True)
class RegisterSchool:
    """A school of the municipality with the fields the register file may change."""

    pk: int
    short_name: str
    full_name: str = ""
    abbreviation: str = ""
    kind: str = ""
    branch_of_id: int | None = None
    branch_of_name: str = ""
    settlement: str = ""
    locality: str = ""
    is_small: bool = False
    director_id: int | None = None
    director_name: str = ""
    email: str = ""
    pupils: int | None = None  # of the school year the upload is for


@dataclass(frozen=True, slots=True)
class PersonRef:
    pk: int
    last_name: str
    first_name: str = ""
    middle_name: str = ""

    @property
    def full_name(self):
        return " ".join(p for p in (self.last_name, self.first_name, self.middle_name) if p)


def person_key(name: str) -> str:
    """A full name reduced for comparison: case, «ё», spaces after initials («А. П.» is «А.П.»)."""
    text = " ".join(name.lower().replace("ё", "е").split())
    return re.sub(r"\.\s+(?=\w\.)", ".", text)


def split_person_name(name: str) -> tuple[str, str, str]:
    """«Иванова Анна Петровна» → (Иванова, Анна, Петровна); «Иванова А.П.» → (Иванова, А., П.)."""
    text = " ".join(name.replace(",", " ").split())
    text = re.sub(r"(?<=\w\.)\s*(?=\w\.)", " ", text)  # «А.П.» → «А. П.»
    parts = text.split(" ")
    if not parts or not parts[0]:
        return "", "", ""
    last = parts[0]
    first = parts[1] if len(parts) > 1 else ""
    middle = " ".join(parts[2:])
    return last, first, middle


class PeopleIndex:
    """The municipality's people by full name and, for a file that writes initials, by «Фамилия И.О.»."""

    def __init__(self, people: Iterable[PersonRef]):
        self.by_key: dict[str, list[PersonRef]] = {}
        for person in people:
            keys = {person_key(person.full_name), person_key(_short(person.last_name, person.first_name, person.middle_name))}
            for key in keys:
                if key:
                    self.by_key.setdefault(key, []).append(person)

    def match(self, parts: tuple[str, str, str]) -> list[PersonRef]:
        full = self.by_key.get(person_key(" ".join(p for p in parts if p)), [])
        if full:
            return full
        return self.by_key.get(person_key(_short(*parts)), [])


def _short(last, first, middle):
    initials = "".join(f"{part.strip()[0]}." for part in (first, middle) if part.strip())
    return f"{last} {initials}".strip()


# ---------------------------------------------------------------------------------------- rows


@dataclass(frozen=True, slots=True)
class Change:
    field: str
    label: str
    old: str
    new: str


@dataclass
class RegisterRow:
    line: int
    name: str = ""  # as written: the short name, else the full one
    values: dict[str, Any] = field(default_factory=dict)  # School fields read from the row
    branch_name: str = ""
    branch_line: int | None = None  # the head school is a new school of this file
    director: tuple[str, str, str] | None = None
    director_id: int | None = None  # the person already in the portal
    pupils: int | None = None
    school_id: int | None = None
    school_name: str = ""
    action: str = ""  # "create", "update" or "same"
    changes: list[Change] = field(default_factory=list)
    before: dict[str, Any] = field(default_factory=dict)  # the portal's values of what changes
    errors: list[str] = field(default_factory=list)
    skipped: str = ""

    @property
    def director_name(self):
        return " ".join(p for p in self.director or () if p)

    @property
    def kind_label(self):
        return KIND_LABELS.get(self.values.get("kind", ""), "")

    def to_payload(self) -> dict:
        """What the confirm step needs, as plain JSON (it travels signed, see registry/import_views.py)."""
        return {
            "line": self.line,
            "name": self.name,
            "action": self.action,
            "school_id": self.school_id,
            "set": {key: value for key, value in self.values.items() if self.action == "create" or key in self.before},
            "before": self.before,
            "branch_line": self.branch_line,
            "director": list(self.director) if self.director and self._director_changes else None,
            "director_id": self.director_id,
            "pupils": self.pupils if self.action == "create" or "pupils" in self.before else None,
        }

    @property
    def _director_changes(self):
        return self.action == "create" or "director" in self.before


@dataclass
class RegisterParse:
    rows: list[RegisterRow] = field(default_factory=list)
    file_errors: list[str] = field(default_factory=list)
    sheet: str = ""
    header_line: int | None = None
    columns: dict[str, str] = field(default_factory=dict)  # field → the title as written

    @property
    def errors(self) -> list[str]:
        return self.file_errors + [f"Строка {row.line}: {error}" for row in self.rows for error in row.errors]

    @property
    def ok(self) -> bool:
        return not self.errors

    @property
    def created(self) -> list[RegisterRow]:
        return [row for row in self.rows if row.action == "create" and not row.errors]

    @property
    def updated(self) -> list[RegisterRow]:
        return [row for row in self.rows if row.action == "update" and not row.errors]

    @property
    def unchanged(self) -> list[RegisterRow]:
        return [row for row in self.rows if row.action == "same" and not row.errors]

    @property
    def to_save(self) -> list[RegisterRow]:
        return [row for row in self.rows if row.action in ("create", "update") and not row.skipped]

    @property
    def new_people(self) -> list[str]:
        names = []
        for row in self.to_save:
            if row.director and row.director_id is None and row.director_name not in names:
                names.append(row.director_name)
        return names


# ---------------------------------------------------------------------------------------- values


def parse_kind(value: Any) -> str | None:
    """The kind code of a cell; "" for an empty cell, None when it names no kind."""
    key = normalise_name(value)
    if not key:
        return ""
    for code, label in KIND_LABELS.items():
        if key == normalise_name(label) or key == code:
            return code
    for word, code in KIND_WORDS:
        if word in key:
            return code
    return None


def parse_locality(value: Any) -> str | None:
    key = cell_text(value).lower().replace("ё", "е").strip(" .")
    if not key:
        return ""
    if key in ("г", "город") or key.startswith("городск"):
        return "urban"
    if key in ("с", "село") or key.startswith("сельск"):
        return "rural"
    return None


def parse_yes_no(value: Any) -> bool | None:
    if isinstance(value, bool):
        return value
    if isinstance(value, (int, float)) and value in (0, 1):
        return bool(value)
    text = cell_text(value).lower().replace("ё", "е").strip(" .")
    if text in YES or text.startswith("малокомплект"):
        return True
    if text in NO or text.startswith("не малокомплект"):
        return False
    return None


def parse_count(value: Any) -> int | None:
    """A head count: 123, «123», «123 чел.»; None when it is not a whole non-negative number."""
    if isinstance(value, bool):
        return None
    if isinstance(value, int):
        return value if value >= 0 else None
    if isinstance(value, float):
        return int(value) if value.is_integer() and value >= 0 else None
    match = re.fullmatch(r"(\d[\d\s]*)\s*(чел\.?|человек|уч\.?)?", cell_text(value).replace("\xa0", " "))
    return int(re.sub(r"\s", "", match.group(1))) if match else None


# ---------------------------------------------------------------------------------------- sheet


def _find_header(rows: Sequence[Sequence[Any]]):
    """(row index, {field: column index}, duplicate messages) of the first header row, or None."""
    for index, row in enumerate(rows[:HEADER_SEARCH_ROWS]):
        columns: dict[str, int] = {}
        duplicates = []
        for col, value in enumerate(row):
            key = column_of(value)
            if key is None:
                continue
            if key == "name":
                # A plain «Наименование ОО» is the short name, or the full one beside «Краткое».
                key = "short_name" if "short_name" not in columns else "full_name"
                if key in columns:
                    continue
            if key in columns:
                duplicates.append(
                    f"Столбец «{COLUMN_TITLES[key]}» встречается в заголовке дважды "
                    f"(столбцы {_column_letter(columns[key])} и {_column_letter(col)}): оставьте один."
                )
                continue
            columns[key] = col
        has_name = "short_name" in columns or "full_name" in columns
        if has_name and len(set(columns) - {"number"}) >= 2:
            return index, columns, duplicates
    return None


def parse_school_register(
    sheets: Sequence[tuple[str, Sequence[Sequence[Any]]]],
    *,
    schools: Iterable[RegisterSchool],
    people: Iterable[PersonRef],
) -> RegisterParse:
    """Read the first sheet with a header row; say for each school what would be created or changed."""
    result = RegisterParse()
    table = locate_table(
        sheets,
        _find_header,
        result,
        missing=(
            f"Не найдена строка заголовка: в первых {HEADER_SEARCH_ROWS} строках нет столбца с наименованием школы "
            "(«Полное наименование», «Краткое наименование» или «Наименование ОО») рядом с другими столбцами "
            "реестра («Вид», «ФИО директора»…). Скачайте шаблон и сравните заголовки."
        ),
        too_long="В листе «{title}» больше {limit} строк после заголовка: это не реестр школ одного муниципалитета.",
    )
    if table is None:
        return result
    header_index, columns, data_rows = table

    schools = list(schools)
    by_pk = {school.pk: school for school in schools}
    index = SchoolIndex(schools)
    people_index = PeopleIndex(people)
    for offset, raw in enumerate(data_rows):
        row = _read_row(raw, columns, line=header_index + 2 + offset)
        if row is not None:
            result.rows.append(row)

    live = [row for row in result.rows if not row.skipped]
    _match_schools(live, index)
    _resolve_branches(live, index, by_pk)
    for row in live:
        _resolve_director(row, people_index)
        _compare(row, by_pk.get(row.school_id))
    _check_short_names(live, schools)

    if not result.file_errors and not live:
        result.file_errors.append("В файле нет ни одной строки со школой.")
    return result


def _cell(raw: Sequence[Any], columns: dict[str, int], key: str) -> Any:
    col = columns.get(key)
    return raw[col] if col is not None and col < len(raw) else None


def _read_row(raw, columns, *, line) -> RegisterRow | None:
    cells = {key: _cell(raw, columns, key) for key in columns}
    if not any(cell_text(value) for key, value in cells.items() if key != "number"):
        return None  # blank, or only a pre-printed number
    row = RegisterRow(line=line)
    short = " ".join(cell_text(cells.get("short_name")).split())
    full = " ".join(cell_text(cells.get("full_name")).split())
    row.name = short or full
    if not row.name:
        row.errors.append("не указано наименование школы.")
        return row
    if TOTAL_ROW.match(row.name.lower()):
        row.skipped = "строка итогов"
        return row
    if short:
        row.values["short_name"] = short
        if len(short) > SHORT_NAME_MAX:
            row.errors.append(f"краткое наименование длиннее {SHORT_NAME_MAX} символов ({len(short)}).")
    if full:
        row.values["full_name"] = full
        if len(full) > FULL_NAME_MAX:
            row.errors.append(f"полное наименование длиннее {FULL_NAME_MAX} символов ({len(full)}).")

    kind = parse_kind(cells.get("kind"))
    if kind is None:
        row.errors.append(f"неизвестный вид «{cell_text(cells.get('kind'))}»; допустимо: {KIND_ALLOWED}.")
    elif kind:
        row.values["kind"] = kind

    branch = " ".join(cell_text(cells.get("branch_of")).split())
    flag = parse_yes_no(branch) if branch else False
    if flag is True:
        row.errors.append("в столбце «Филиал» укажите наименование головной школы, а не «да».")
    elif flag is None:
        row.branch_name = branch
    elif branch:
        row.values["branch_of"] = None  # «нет»: not a branch

    settlement = " ".join(cell_text(cells.get("settlement")).split())
    if settlement:
        row.values["settlement"] = settlement
        if len(settlement) > SETTLEMENT_MAX:
            row.errors.append(f"населённый пункт длиннее {SETTLEMENT_MAX} символов.")

    locality = parse_locality(cells.get("locality"))
    if locality is None:
        row.errors.append(f"непонятная местность «{cell_text(cells.get('locality'))}»; допустимо: {LOCALITY_ALLOWED}.")
    elif locality:
        row.values["locality"] = locality

    if cell_text(cells.get("is_small")):
        small = parse_yes_no(cells.get("is_small"))
        if small is None:
            row.errors.append(f"непонятное значение «малокомплектная» «{cell_text(cells.get('is_small'))}»; допустимо: {SMALL_ALLOWED}.")
        else:
            row.values["is_small"] = small

    director = " ".join(cell_text(cells.get("director")).split())
    if director:
        parts = split_person_name(director)
        if not parts[1]:
            row.errors.append(f"ФИО директора «{director}»: нужны фамилия и имя (или инициалы).")
        elif any(len(part) > PERSON_PART_MAX for part in parts):
            row.errors.append(f"ФИО директора длиннее {PERSON_PART_MAX} символов в одной из частей.")
        else:
            row.director = parts

    email = cell_text(cells.get("email")).strip()
    if email:
        if not EMAIL.match(email) or len(email) > 254:
            row.errors.append(f"e-mail «{email}» записан с ошибкой: нужен адрес вида school@example.ru.")
        else:
            row.values["email"] = email.lower()

    if cell_text(cells.get("pupils")):
        pupils = parse_count(cells.get("pupils"))
        if pupils is None:
            row.errors.append(f"число обучающихся «{cell_text(cells.get('pupils'))}» — не целое неотрицательное число.")
        else:
            row.pupils = pupils
    return row


def _match_schools(rows: list[RegisterRow], index: SchoolIndex) -> None:
    first_line: dict[int, int] = {}
    new_names: dict[str, int] = {}
    for row in rows:
        if row.errors and not row.name:
            continue
        found: dict[int, RegisterSchool] = {}
        ambiguous = []
        for key in ("short_name", "full_name"):
            name = row.values.get(key)
            if not name:
                continue
            matches = index.match(name)
            if len(matches) > 1:
                ambiguous.append((name, matches))
            elif matches:
                found[key] = matches[0]
        schools = {school.pk: school for school in found.values()}
        if len(schools) > 1:
            short, full = found["short_name"], found["full_name"]
            row.errors.append(
                f"краткое наименование указывает на «{short.short_name}», а полное — на «{full.short_name}»: "
                "исправьте одно из них."
            )
            continue
        if not schools and ambiguous:
            name, matches = ambiguous[0]
            names = ", ".join(f"«{school.short_name}»" for school in matches)
            row.errors.append(f"«{name}» подходит к нескольким школам: {names}; укажите полное наименование.")
            continue
        if schools:
            school = next(iter(schools.values()))
            row.school_id, row.school_name = school.pk, school.short_name
            if school.pk in first_line:
                row.errors.append(f"школа «{school.short_name}» уже есть в строке {first_line[school.pk]}.")
            else:
                first_line[school.pk] = row.line
            continue
        row.action = "create"
        keys = {normalise_name(row.values[k]) for k in ("short_name", "full_name") if row.values.get(k)}
        repeated = next((new_names[k] for k in keys if k in new_names), None)
        if repeated is not None:
            row.errors.append(f"школа «{row.name}» уже есть в строке {repeated}.")
        for key in keys:
            new_names.setdefault(key, row.line)


def _resolve_branches(rows: list[RegisterRow], index: SchoolIndex, by_pk: dict[int, RegisterSchool]) -> None:
    new_by_name = {}
    for row in rows:
        if row.action == "create":
            for key in ("short_name", "full_name"):
                if row.values.get(key):
                    new_by_name.setdefault(normalise_name(row.values[key]), row)
    for row in rows:
        if not row.branch_name:
            continue
        heads = index.match(row.branch_name)
        if len(heads) > 1:
            names = ", ".join(f"«{school.short_name}»" for school in heads)
            row.errors.append(f"головная школа «{row.branch_name}» подходит к нескольким: {names}.")
        elif heads:
            head = heads[0]
            if head.pk == row.school_id:
                row.errors.append("школа не может быть филиалом самой себя.")
            elif head.branch_of_id is not None:
                row.errors.append(f"«{head.short_name}» сама филиал школы «{head.branch_of_name}»: головной она быть не может.")
            else:
                row.values["branch_of"] = head.pk
        elif (head_row := new_by_name.get(normalise_name(row.branch_name))) is not None:
            if head_row is row:
                row.errors.append("школа не может быть филиалом самой себя.")
            elif head_row.branch_name:
                row.errors.append(f"«{head_row.name}» (строка {head_row.line}) сама филиал: головной она быть не может.")
            else:
                row.branch_line = head_row.line
                row.values["branch_of"] = None  # set after the head school is created
        else:
            suggestions = index.suggest(row.branch_name)
            hint = f"; возможно: {', '.join(f'«{name}»' for name in suggestions)}" if suggestions else ""
            row.errors.append(f"головная школа «{row.branch_name}» не найдена ни в реестре, ни в файле{hint}.")
        if ("branch_of" in row.values or row.branch_line) and "kind" not in row.values and row.action == "create":
            row.values["kind"] = "branch"


def _resolve_director(row: RegisterRow, people: PeopleIndex) -> None:
    if row.director is None:
        return
    found = people.match(row.director)
    if len(found) > 1:
        row.errors.append(
            f"ФИО директора «{row.director_name}» носят несколько людей муниципалитета: укажите имя и отчество полностью "
            "или назначьте директора в карточке школы."
        )
    elif found:
        row.director_id = found[0].pk


def _display(key, value) -> str:
    if value is None or value == "":
        return "—"
    if key == "kind":
        return KIND_LABELS.get(value, value)
    if key == "locality":
        return LOCALITY_LABELS.get(value, value)
    if key == "is_small":
        return "да" if value else "нет"
    return str(value)


def _compare(row: RegisterRow, school: RegisterSchool | None) -> None:
    if row.action == "create":
        if "short_name" not in row.values:
            full = row.values.get("full_name", "")
            if len(full) > SHORT_NAME_MAX:
                row.errors.append("у новой школы нет краткого наименования, а полное длиннее 200 символов: укажите краткое.")
            row.values["short_name"] = full[:SHORT_NAME_MAX]
        row.values.setdefault("full_name", row.values["short_name"])
        if "kind" not in row.values:
            inferred = parse_kind(row.values["short_name"]) or parse_kind(row.values["full_name"])
            if inferred:
                row.values["kind"] = inferred
            else:
                row.errors.append(f"новая школа: не указан вид; допустимо: {KIND_ALLOWED}.")
        if "locality" not in row.values:
            row.errors.append("новая школа: не указана местность (городская или сельская).")
        return
    if school is None:
        return
    current = {
        "short_name": school.short_name,
        "full_name": school.full_name,
        "kind": school.kind,
        "branch_of": school.branch_of_id,
        "settlement": school.settlement,
        "locality": school.locality,
        "is_small": school.is_small,
        "email": school.email,
    }
    names = {"branch_of": school.branch_of_name}
    for key, value in row.values.items():
        if key == "branch_of" and row.branch_line is not None:
            continue
        if current[key] != value:
            row.before[key] = current[key]
            old = names.get(key) if key == "branch_of" and current[key] else _display(key, current[key])
            new = row.branch_name if key == "branch_of" and value else _display(key, value)
            row.changes.append(Change(key, FIELD_LABELS[key], old, new))
    if row.branch_line is not None:
        row.before["branch_of"] = current["branch_of"]
        row.changes.append(Change("branch_of", FIELD_LABELS["branch_of"], names["branch_of"] or "—", row.branch_name))
    if row.director is not None:
        if row.director_id is None or row.director_id != school.director_id:
            row.before["director"] = school.director_id
            row.changes.append(Change("director", FIELD_LABELS["director"], school.director_name or "—", row.director_name))
    if row.pupils is not None and row.pupils != school.pupils:
        row.before["pupils"] = school.pupils
        row.changes.append(Change("pupils", FIELD_LABELS["pupils"], _display("pupils", school.pupils), str(row.pupils)))
    row.action = "update" if row.changes else "same"


def _check_short_names(rows: list[RegisterRow], schools: list[RegisterSchool]) -> None:
    """A short name is unique in the municipality (the model's constraint): say so before saving."""
    taken = {school.short_name: school.pk for school in schools}
    claimed: dict[str, int] = {}
    for row in rows:
        if row.action not in ("create", "update") or "short_name" not in row.values:
            continue
        if row.action == "update" and "short_name" not in row.before:
            continue
        name = row.values["short_name"]
        owner = taken.get(name)
        if owner is not None and owner != row.school_id:
            row.errors.append(f"краткое наименование «{name}» уже носит другая школа реестра.")
        elif name in claimed:
            row.errors.append(f"краткое наименование «{name}» уже есть в строке {claimed[name]}.")
        else:
            claimed[name] = row.line
