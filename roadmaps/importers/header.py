"""A plan table's header row, found by its titles in any order, and the columns it gives. Pure Python.

«№ п/п», «Мероприятия», «Сроки исполнения», «Ответственные», «Планируемый результат» and their kin;
a merged «Ответственные» over «Регион» / «Район» / «ОО» gives each of those columns its level.
"""

import re
from dataclasses import dataclass, field


def norm(text):
    text = text.lower().replace("ё", "е").replace("\u00a0", " ")
    text = re.sub(r"\s+", " ", text).strip()
    return text.strip(" .:;,*")


_HEADER_MAX = 70
_COLUMN_ROLES = (
    ("number", re.compile(r"^(?:№|№№|n|no|nn|номер)(?:\s*(?:п/п|п\\п|пп|п\.п|по порядку))?$|^п[/\\]п$")),
    ("deadline", re.compile(r"^(?:срок|дата|период|время|когда)")),
    ("executors", re.compile(r"^(?:ответственн|исполнител|соисполнител|кто)")),
    ("result", re.compile(r"результат|^(?:целевой\s+)?показател|^индикатор|^эффект|^продукт|^итог|^форма\s+(?:отчет|представл|заверш)")),
    (
        "content",
        re.compile(
            r"мероприяти|^содержание|^наименование|^перечень|^меры\b|^действи|^направлени|^вид\w*\s+(?:работ|деятельност)"
        ),
    ),
)
_LEVEL_COLUMNS = (
    # A federal column is rare; its executors are kept at the highest level the model has.
    ("region", re.compile(r"^(?:регион|региональн|субъект|област|кра[йе]\b|краев|республик|федеральн)")),
    ("municipality", re.compile(r"^(?:район|районн|муниципал|мо\b|мр\b|го\b|мо/го|округ|город|администрац)")),
    ("school", re.compile(r"^(?:оо\b|оу\b|школ|образовательн|общеобразовательн)")),
)


def column_role(text):
    key = norm(text)
    if not key or len(key) > _HEADER_MAX:
        return None
    for role, pattern in _COLUMN_ROLES:
        if pattern.search(key):
            return role
    return None


def level_of_column(text):
    key = norm(re.sub(r"(?i)уров(?:ень|ня|не)", "", text))
    if not key or len(key) > 40:
        return None
    for level, pattern in _LEVEL_COLUMNS:
        if pattern.search(key):
            return level
    return None


def distinct_cells(row):
    """(first grid index, cell) of each distinct cell of a row, in order."""
    seen, out = set(), []
    for index, cell in enumerate(row):
        key = id(cell) if cell.key is None else cell.key
        if key in seen:
            continue
        seen.add(key)
        out.append((index, cell))
    return out


@dataclass
class Columns:
    """Which grid positions hold what; executors may be one column or one per level."""

    number: list[int] = field(default_factory=list)
    content: list[int] = field(default_factory=list)
    deadline: list[int] = field(default_factory=list)
    result: list[int] = field(default_factory=list)
    executors: list[tuple[list[int], str | None, str]] = field(default_factory=list)  # (grid, level, label)
    width: int = 0
    extra_rows: int = 0  # rows under the header that belong to it (levels)
    headings: dict[str, str] = field(default_factory=dict)  # role → its heading as printed
    group: str = ""  # the merged heading above the level columns («Ответственные»)

    @property
    def has_executors(self):
        return bool(self.executors)

    def layout(self) -> list[dict]:
        """The table's columns in document order, with their headings as printed: what
        `Plan.columns` keeps ({key, heading, group}; keys as in roadmaps.layout)."""
        placed = []
        for role in ("number", "content", "deadline", "result"):
            grid = getattr(self, role)
            if grid:
                placed.append((min(grid), role, self.headings.get(role, ""), ""))
        levels = [level for _, level, _ in self.executors if level]
        seen = set()
        for grid, level, label in self.executors:
            # A plain executors column beside level columns («Соисполнители») has no place of its own.
            key = f"executors_{level}" if level else ("executors" if not levels else None)
            if key is None or key in seen or not grid:
                continue
            seen.add(key)
            placed.append((min(grid), key, _one_line(label), self.group if level else ""))
        placed.sort(key=lambda item: item[0])
        return [{"key": key, "heading": heading, "group": group} for _, key, heading, group in placed]


def _one_line(text):
    return " ".join(text.split())


def spans(row, index):
    """Grid positions covered by the cell at `index`."""
    cell = row[index]
    return [i for i, c in enumerate(row) if c is cell or (cell.key is not None and c.key == cell.key)]


def find_header(rows, at):
    """Columns if rows[at] is a plan table's header row, else None."""
    row = rows[at]
    columns = Columns(width=len(row))
    found = set()
    filled = recognised = 0
    for index, cell in distinct_cells(row):
        if not cell.text.strip():
            continue
        filled += 1
        role = column_role(cell.text)
        level = level_of_column(cell.text) if role is None else None
        grid = spans(row, index)
        if role == "executors" or level:
            columns.executors.append((grid, level, cell.text.strip()))
            found.add("executors")
            recognised += 1
        elif role and role not in found:
            found.add(role)
            getattr(columns, role).extend(grid)
            columns.headings[role] = _one_line(cell.text)
            recognised += 1
    # Titles, not data: the content column and one more, and most of the row recognised.
    if "content" not in found or not {"deadline", "executors", "result"} & found or recognised * 2 < filled:
        return None
    # «Ответственные» over «Регион» / «Район» / «ОО»: the next row gives the levels.
    if at + 1 < len(rows):
        below = rows[at + 1]
        header_keys = {c.key for c in row if c.key is not None}
        levels = []
        for index, cell in distinct_cells(below):
            if cell.key is not None and cell.key in header_keys:
                continue
            level = level_of_column(cell.text)
            if level:
                levels.append((spans(below, index), level, cell.text.strip()))
        if len(levels) >= 2:
            taken = {i for grid, _, _ in levels for i in grid}
            # The levels replace the merged executors column they stand under; its heading
            # («Ответственные») is the group printed above them.
            above = [e for e in columns.executors if set(e[0]) & taken]
            columns.group = _one_line(above[0][2]) if above else ""
            kept = [e for e in columns.executors if not set(e[0]) & taken]
            columns.executors = kept + levels
            columns.executors.sort(key=lambda e: e[0][0])
            for role in ("number", "content", "deadline", "result"):
                setattr(columns, role, [i for i in getattr(columns, role) if i not in taken])
            columns.extra_rows = 1
    return columns


def is_column_numbering(row):
    texts = [c.text.strip() for _, c in distinct_cells(row) if c.text.strip()]
    return len(texts) >= 3 and texts == [str(i) for i in range(1, len(texts) + 1)]
