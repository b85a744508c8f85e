"""The plan table's columns as its source document has them: order, headings, executors per level.

One answer for every place the plan is shown or leaves the portal (page, Excel, .docx, PDF), so
that the printed plan reads like the document it came from. A plan stores its layout in
`Plan.columns` (from the import, or set by the coordinator); a plan without one gets the
portal's default, in the order `result_before_executors` asks for.

A 3-level plan («Ответственные» over «Регион» / «Район» / «ОО») has one column per level under a
shared group heading; its cells are the executors of that level, never a re-split of a text.
"""

from dataclasses import dataclass

from .executors import level_cell_text
from .models import ExecutorLevel

NUMBER, CONTENT, DEADLINE, RESULT, EXECUTORS = "number", "content", "deadline", "result", "executors"
LEVEL_KEYS = {f"executors_{level}": level for level in ExecutorLevel.values}
KEYS = (NUMBER, CONTENT, DEADLINE, RESULT, EXECUTORS, *LEVEL_KEYS)

DEFAULT_HEADINGS = {
    NUMBER: "№ п/п",
    CONTENT: "Содержание мероприятия",
    DEADLINE: "Сроки",
    RESULT: "Ожидаемый результат",
    EXECUTORS: "Ответственные",
    "executors_region": "Регион",
    "executors_municipality": "Район",
    "executors_school": "ОО",
}
EXECUTORS_GROUP = "Ответственные"


@dataclass(frozen=True)
class Column:
    key: str
    heading: str
    group: str = ""  # the merged heading above level columns («Ответственные»)

    @property
    def level(self):
        return LEVEL_KEYS.get(self.key)

    @property
    def is_executors(self):
        return self.key == EXECUTORS or self.key in LEVEL_KEYS

    def to_dict(self):
        return {"key": self.key, "heading": self.heading, "group": self.group}


def default_columns(*, result_before_executors=False, levels=()) -> list[Column]:
    """The portal's layout: number, content, deadline, then executors and result in the plan's order."""
    if levels:
        executors = [Column(f"executors_{level}", DEFAULT_HEADINGS[f"executors_{level}"], EXECUTORS_GROUP) for level in levels]
    else:
        executors = [Column(EXECUTORS, DEFAULT_HEADINGS[EXECUTORS])]
    result = [Column(RESULT, DEFAULT_HEADINGS[RESULT])]
    tail = result + executors if result_before_executors else executors + result
    return [Column(NUMBER, DEFAULT_HEADINGS[NUMBER]), Column(CONTENT, DEFAULT_HEADINGS[CONTENT]), Column(DEADLINE, DEFAULT_HEADINGS[DEADLINE])] + tail


def columns_from_data(data) -> list[Column]:
    """Columns from `Plan.columns`; unknown keys and repeats are dropped, missing essentials added."""
    columns, seen = [], set()
    for item in data or []:
        key = str(item.get("key", "")) if isinstance(item, dict) else ""
        if key not in KEYS or key in seen:
            continue
        seen.add(key)
        heading = str(item.get("heading") or DEFAULT_HEADINGS[key]).strip()
        group = str(item.get("group") or (EXECUTORS_GROUP if key in LEVEL_KEYS else "")).strip()
        columns.append(Column(key, heading, group))
    if not columns:
        return []
    # A stored layout may lack a column the plan still has data for: it goes where the default puts it.
    for key in (NUMBER, CONTENT, DEADLINE, RESULT):
        if key not in seen:
            index = {NUMBER: 0, CONTENT: 1, DEADLINE: 2}.get(key, len(columns))
            columns.insert(min(index, len(columns)), Column(key, DEFAULT_HEADINGS[key]))
    if not any(c.is_executors for c in columns):
        columns.append(Column(EXECUTORS, DEFAULT_HEADINGS[EXECUTORS]))
    return columns


def plan_layout(plan) -> list[Column]:
    """Every column the plan's table has, in its document's order, empty or not."""
    return columns_from_data(plan.columns) or default_columns(result_before_executors=plan.result_before_executors)


def executors_by_level(activity) -> dict[str, list[str]]:
    """Executor names per level, in their order; reads the prefetched `executor_set`."""
    out = {level: [] for level in ExecutorLevel.values}
    for executor in sorted(activity.executor_set.all(), key=lambda e: e.position):
        out[executor.level].append(executor.name)
    return out


def cell_text(activity, column: Column) -> str:
    """What the plan's cell says for this activity and column, as the document prints it."""
    if column.key == NUMBER:
        return activity.number
    if column.key == CONTENT:
        return activity.content
    if column.key == DEADLINE:
        return activity.deadline_text
    if column.key == RESULT:
        return activity.expected_result
    if column.key == EXECUTORS:
        return activity.executors_text
    return level_cell_text(executors_by_level(activity)[column.level], column.level)


def printed_columns(plan, activities) -> list[Column]:
    """The layout without the columns no activity fills: an empty column is not printed.

    Number and content always print; they are what a row is."""
    activities = list(activities)
    kept = []
    for column in plan_layout(plan):
        if column.key in (NUMBER, CONTENT) or any(cell_text(a, column).strip() for a in activities):
            kept.append(column)
    return kept


def header_rows(columns: list[Column]) -> list[list[tuple[Column | str, int, int]]]:
    """The table head as rows of (column or group heading, colspan, rowspan).

    One row when no column has a group; two when level columns stand under «Ответственные»."""
    if not any(c.group for c in columns):
        return [[(c, 1, 1) for c in columns]]
    top, bottom, index = [], [], 0
    while index < len(columns):
        column = columns[index]
        if not column.group:
            top.append((column, 1, 2))
            index += 1
            continue
        span = 1
        while index + span < len(columns) and columns[index + span].group == column.group:
            span += 1
        top.append((column.group, span, 1))
        bottom.extend((c, 1, 1) for c in columns[index : index + span])
        index += span
    return [top, bottom]


def level_labels(columns: list[Column]) -> dict[str, str] | None:
    """{level: heading} of a plan whose executors stand in one column per level, else None.

    The editor writes an activity's text «как написано» with these labels («Регион: …; Район: …»),
    as the importer keeps a row of such a plan, so the text reads back to the same levels."""
    labels = {c.level: c.heading for c in columns if c.level}
    return labels or None


def has_level_columns(columns: list[Column]) -> bool:
    return any(c.level for c in columns)
