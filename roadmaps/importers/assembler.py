"""A plan table, whatever file it came from: find its header, read sections and rows. Pure Python.

The readers (docx_plan, xlsx_plan) turn a file into blocks in document order: paragraphs and
tables of cells on the layout grid, a merged cell repeated on every grid position it covers
(with the same ``key``, blocks.py). Everything else is here, the header row in header.py:

- the header row is found by its titles in any order («№ п/п», «Мероприятия», «Сроки
  исполнения», «Ответственные», «Планируемый результат» and their kin), in any row of any
  table; a table without one is not a plan table (a list of schools, the risks of a project) —
  unless it continues the previous plan table with the same columns;
- a row under a merged «Ответственные» that reads «Регион» / «Район» / «ОО» gives each of
  those columns its executors' level;
- a row holding one text only (a merged row, or one cell filled) is a heading: «Раздел II. …»
  opens a part, «1 кластер - …» / «Кластер 2. …» a cluster's table, «1. Мероприятия …» a
  section; «Задачи:» / «Показатели:» lines go to the section they follow. A row with a
  number and a title only is a section when bold, or when the next rows are numbered under it;
- a row without a number whose text starts in lower case continues the activity above it,
  broken by a page («Организация муниципальной» / «перепроверки ВПР …», seed 000): it is joined
  to that activity, with a warning;
- paragraphs right before a table may head it the same way (seed 000 puts «1 кластер - …»
  above each cluster's table; seed 001 «Раздел I. …» above each part's table).

Parts. The JSON contract has flat sections: a part («Раздел II») is emitted as its own section
with no activities, followed by its sections; ``ParsedSection.parent`` keeps the nesting for
saving. A part that heads only one plan table from a paragraph is the document's chapter, not
a division of the plan («Раздел III. Целевые ориентиры …» above all of seed 000's cluster
tables) and is dropped unless it holds activities of its own.

Numbers are kept as written; a number written inside a heading («1. Мероприятия …») loses the
dot that separated it from the title. Duplicate, missing and out-of-order numbers are kept and
warned about.
"""

import re

from roadmaps.executors import Executor, split_executors

from .blocks import Cell, Paragraph, PlanFileError
from .header import Columns, distinct_cells, find_header, is_column_numbering
from .parsed import ParsedActivity, ParsedPlan, ParsedSection

MAX_ACTIVITIES = 3000
# Field limits of roadmaps.models (kept here so the parser needs no Django).
NUMBER_MAX = 20
DEADLINE_MAX = 500
EXECUTOR_NAME_MAX = 500
CLUSTER_NAME_MAX = 500
DEFAULT_SECTION_TITLE = "Мероприятия плана"

# --- recognising headings --------------------------------------------------------------------

_CLUSTER_RE = re.compile(
    r"^\s*(?:(?P<a>\d{1,2}|[IVX]{1,4})\s*[-–—.]?\s*кластер(?![а-яё])|кластер\s*№?\s*(?P<b>\d{1,2}|[IVX]{1,4})(?![\w]))"
    r"\s*[-–—.:,)]?\s*(?P<rest>.*)$",
    re.IGNORECASE | re.DOTALL,
)
_PART_RE = re.compile(
    r"^\s*(?:раздел|часть)\s+(?P<n>[IVXLC]{1,6}|\d{1,2})(?![\wа-яё])\.?\s*(?P<rest>.*)$", re.IGNORECASE | re.DOTALL
)
_NUMBERED_RE = re.compile(r"^\s*(?P<n>(?:\d{1,3}\.)*\d{1,3}(?:\.|\))?|[IVXLC]{1,6}\.)\s+(?P<t>\S.*)$", re.DOTALL)
_TASKS_RE = re.compile(r"^(?:основные\s+)?задач[аи]\s*(?::|$)\s*", re.IGNORECASE)
_INDICATORS_RE = re.compile(
    r"^(?:целевые\s+|основные\s+)?(?:показател[ьи]|индикатор[ыа]?)(?:\s+[а-яё]+){0,2}\s*(?::|$)\s*", re.IGNORECASE
)
_ROMAN = {"I": 1, "V": 5, "X": 10, "L": 50, "C": 100}


def _roman(text):
    total, prev = 0, 0
    for ch in reversed(text.upper()):
        value = _ROMAN[ch]
        total = total - value if value < prev else total + value
        prev = max(prev, value)
    return total


def _int_number(text):
    return int(text) if text.isdigit() else _roman(text)



# --- reading rows ----------------------------------------------------------------------------

def _clean_line(text):
    return re.sub(r"[ \t\u00a0]+", " ", text).strip()


def _multiline(text):
    lines = [_clean_line(line) for line in text.replace("\r", "\n").split("\n")]
    return "\n".join(line for line in lines if line)


def _one_line(text):
    return " ".join(text.split())


def _value(row, grid):
    texts = []
    for index, cell in distinct_cells([row[i] if i < len(row) else Cell("") for i in grid]):
        text = _multiline(cell.text)
        if text and text not in texts:
            texts.append(text)
    return "\n".join(texts)


def _bold(row, grid):
    cells = [row[i] for i in grid if i < len(row) and row[i].text.strip()]
    return bool(cells) and all(c.bold for c in cells)


def _split_heading(text):
    """Title, tasks and indicators of a heading cell: «Задачи:» / «Показатели:» lines."""
    title, tasks, indicators = [], [], []
    target = title
    for line in _multiline(text).split("\n"):
        if not line:
            continue
        if m := _TASKS_RE.match(line):
            target = tasks
            line = line[m.end():]
        elif m := _INDICATORS_RE.match(line):
            target = indicators
            line = line[m.end():]
        if line:
            target.append(line)
    return " ".join(title), "\n".join(tasks), "\n".join(indicators)


def _number_key(number):
    parts = number.strip().rstrip(".)").split(".")
    return tuple(int(p) for p in parts) if all(p.isdigit() for p in parts) else None


class _Assembler:
    def __init__(self):
        self.sections: list[ParsedSection] = []
        self.warnings: list[str] = []
        self.part = self.cluster = self.section = None  # indices
        self.last: ParsedActivity | None = None  # the activity a page-broken row continues
        self.columns: Columns | None = None
        self.last_plan_table_width = None
        self.pending: list[Paragraph] = []
        self.title = ""

    # sections

    def _add(self, section):
        self.last = None
        self.sections.append(section)
        return len(self.sections) - 1

    def open_part(self, number, title, from_paragraph=False):
        self.part = self._add(ParsedSection(number, title, kind="part", from_paragraph=from_paragraph))
        self.cluster = self.section = None

    def open_cluster(self, number_text, title, rest):
        number = _int_number(number_text)
        name = re.sub(r"\s*\((?:[^()]|\([^()]*\))*\)?\s*$", "", rest).strip(" -–—.:") or title
        self.cluster = self._add(
            ParsedSection(str(number), title, kind="cluster", parent=self.part, cluster_number=number,
                          cluster_name=name[:CLUSTER_NAME_MAX])
        )
        self.section = None

    def open_section(self, number, title, tasks="", indicators=""):
        parent = self.cluster if self.cluster is not None else self.part
        self.section = self._add(ParsedSection(number, title or DEFAULT_SECTION_TITLE, tasks=tasks,
                                               indicators=indicators, parent=parent))

    def container(self):
        for index in (self.section, self.cluster, self.part):
            if index is not None:
                return index
        self.open_section("", DEFAULT_SECTION_TITLE)
        return self.section

    def heading(self, text, *, number=None, from_paragraph=False):
        """Open what a heading names; False when the text is no heading."""
        text = _multiline(text)
        whole = f"{number} {text}".strip() if number else text
        if m := _CLUSTER_RE.match(whole):
            title, _, _ = _split_heading(whole)
            self.open_cluster(m["a"] or m["b"], title, _split_heading(m["rest"])[0])
            return True
        if m := _PART_RE.match(whole):
            title, _, _ = _split_heading(whole)
            self.open_part(m["n"], title, from_paragraph=from_paragraph)
            return True
        return False

    def attach_lines(self, text, where):
        _, tasks, indicators = _split_heading(text)
        index = self.section if self.section is not None else self.cluster if self.cluster is not None else self.part
        if index is None:
            self.warnings.append(f"{where}: строка «{_one_line(text)[:60]}» не относится ни к одному разделу.")
            return
        section = self.sections[index]
        if tasks:
            section.tasks = "\n".join(filter(None, [section.tasks, tasks]))
        if indicators:
            section.indicators = "\n".join(filter(None, [section.indicators, indicators]))

    # blocks

    def paragraph(self, p):
        if p.text.strip():
            self.pending.append(p)

    def _take_pending(self, extra=()):
        """Open the part and cluster the paragraphs right above a plan table name."""
        pending = self.pending + list(extra)
        self.pending = []
        chain = []
        title = ""
        cluster = part = False
        # Walking up from the table: at most one cluster heading, and one part above it.
        for p in reversed(pending):
            text = _multiline(p.text)
            if _CLUSTER_RE.match(text) and not cluster and not part:
                cluster = True
                chain.append(text)
                continue
            if _PART_RE.match(text) and not part:
                part = True
                chain.append(text)
                continue
            if 10 <= len(text) <= 400 and not (_CLUSTER_RE.match(text) or _PART_RE.match(text)):
                title = _one_line(text)
            break
        if not self.title and title and not self.sections:
            self.title = title
        for text in reversed(chain):
            self.heading(text, from_paragraph=True)

    def table(self, table):
        rows = [list(r) for r in table.rows]
        width = max((len(r) for r in rows), default=0)
        for r in rows:
            r.extend(Cell("") for _ in range(width - len(r)))
        header_at = next((i for i in range(len(rows)) if find_header(rows, i)), None)
        if header_at is None:
            if self.columns is not None and width == self.last_plan_table_width and self._looks_like_rows(rows):
                self._take_pending()
                self._rows(table, rows, 0)  # the plan table goes on after a page break
            else:
                self.pending = []
            return
        self._take_pending(Paragraph(_one_line(" ".join(c.text for _, c in distinct_cells(r)))) for r in rows[:header_at]
                           if any(c.text.strip() for c in r))
        self.last_plan_table_width = width
        self._rows(table, rows, header_at)

    def _looks_like_rows(self, rows):
        for row in rows:
            texts = [c.text.strip() for _, c in distinct_cells(row) if c.text.strip()]
            if texts:
                return bool(_NUMBERED_RE.match(texts[0] + " x")) or len(texts) == 1
        return False

    def _rows(self, table, rows, start):
        i = start
        while i < len(rows):
            row = rows[i]
            columns = find_header(rows, i)
            if columns is not None:
                self.columns = columns
                i += 1 + columns.extra_rows
                continue
            if self.columns is None or is_column_numbering(row):
                i += 1
                continue
            self._row(table, rows, i)
            i += 1

    def _next_number(self, rows, i):
        for row in rows[i + 1:]:
            number = _one_line(_value(row, self.columns.number))
            if number:
                return number
            if any(c.text.strip() for c in row):
                return ""
        return ""

    def _row(self, table, rows, i):
        cols, row, where = self.columns, rows[i], table.row_label(i)
        filled = [(index, c) for index, c in distinct_cells(row) if c.text.strip()]
        if not filled:
            return
        number = _one_line(_value(row, cols.number))
        content = _value(row, cols.content)
        deadline = _one_line(_value(row, cols.deadline))
        result = _value(row, cols.result)
        executor_values = [(_value(row, grid), level, label) for grid, level, label in cols.executors]
        has_details = bool(deadline or result or any(v for v, _, _ in executor_values))

        first = _multiline(filled[0][1].text)
        if self.last is not None and not number and first[:1].islower() and not (
            _TASKS_RE.match(first) or _INDICATORS_RE.match(first)
        ):
            self._continue(where, content, deadline, executor_values, result)
            return
        if len(filled) == 1:
            # One text across the row: a heading, or a «Задачи:» / «Показатели:» line.
            text = _multiline(filled[0][1].text)
            if _TASKS_RE.match(text) or _INDICATORS_RE.match(text):
                self.attach_lines(text, where)
                return
            if self.heading(text):
                return
            if _number_key(text) is not None or not re.search(r"[А-Яа-яЁёA-Za-z]", text):
                self.warnings.append(f"{where}: строка «{text[:30]}» пропущена — в ней нет текста.")
                return
            self._section_row(text)
            return
        if not has_details and (number or content):
            if _TASKS_RE.match(content) or _INDICATORS_RE.match(content):
                self.attach_lines(content, where)
                return
            if self.heading(content, number=number):
                return
            key = _number_key(number) if number else None
            next_number = self._next_number(rows, i)
            numbered_under = bool(key) and next_number.startswith(number.rstrip(".)") + ".")
            if _bold(row, [index for index, _ in filled]) or numbered_under or (not number and content):
                title, tasks, indicators = _split_heading(content)
                self.open_section(number, title, tasks, indicators)
                return
        self._activity(where, number, content, deadline, executor_values, result)

    def _section_row(self, text):
        title, tasks, indicators = _split_heading(text)
        number = ""
        if m := _NUMBERED_RE.match(title):
            number, title = m["n"].rstrip(".)"), m["t"].strip()
        self.open_section(number, title, tasks, indicators)

    def _continue(self, where, content, deadline, executor_values, result):
        """A row broken by a page: no number, its text goes on in lower case. Join it up."""
        a = self.last

        def joined(before, after):
            return f"{before} {after}".strip() if after else before

        a.content, a.result = joined(a.content, content), joined(a.result, result)
        a.deadline = joined(a.deadline, deadline)[:DEADLINE_MAX]
        three_levels = any(level for _, level, _ in executor_values)
        if three_levels:
            for value, level, label in executor_values:
                if value:
                    a.executors.extend(split_executors(value, level=level))
                    a.executors_text = "; ".join(filter(None, [a.executors_text, f"{label}: {value}"]))
        else:
            text = " ".join(v for v, _, _ in executor_values if v)
            if text:
                a.executors_text = joined(a.executors_text, text)
                a.executors = split_executors(a.executors_text)
        a.executors = [Executor(e.level, e.kind, e.name[:EXECUTOR_NAME_MAX]) for e in a.executors]
        self.warnings.append(
            f"{where}: строка без номера начинается со строчной буквы — она присоединена к мероприятию "
            f"{a.number or 'выше'} как его продолжение (перенос строки таблицы)."
        )

    def _activity(self, where, number, content, deadline, executor_values, result):
        cols = self.columns
        if len(number) > NUMBER_MAX:
            # A long «number» is text that slipped into the «№» column; keep it with the content.
            content = f"{number}\n{content}".strip()
            self.warnings.append(f"{where}: в столбце «№» не номер, а текст — он перенесён в содержание.")
            number = ""
        if len(deadline) > DEADLINE_MAX:
            self.warnings.append(f"{where}: срок длиннее {DEADLINE_MAX} знаков и сокращён.")
            deadline = deadline[:DEADLINE_MAX]
        executors, texts = [], []
        three_levels = any(level for _, level, _ in executor_values)
        for value, level, label in executor_values:
            if not value:
                continue
            executors.extend(split_executors(value, level=level))
            texts.append(f"{label}: {value}" if three_levels else value)
        executors = [Executor(e.level, e.kind, e.name[:EXECUTOR_NAME_MAX]) for e in executors]
        index = self.container()
        if not content:
            self.warnings.append(f"{where}: у мероприятия {number or 'без номера'} нет содержания.")
        if cols.number and not number:
            self.warnings.append(f"{where}: у мероприятия нет номера.")
        if not deadline and cols.deadline:
            self.warnings.append(f"{where}: у мероприятия {number or 'без номера'} не указан срок.")
        if cols.has_executors and not executors:
            self.warnings.append(f"{where}: у мероприятия {number or 'без номера'} не указаны ответственные.")
        self.last = ParsedActivity(number, content, deadline, "; ".join(texts) if three_levels else "\n".join(texts),
                                   executors, result, source=where)
        self.sections[index].activities.append(self.last)

    # checks

    def finish(self):
        self._drop_lone_paragraph_part()
        for section in self.sections:
            self._check_numbers(section)
        return ParsedPlan(self.sections, self.warnings, self.title)

    def _drop_lone_paragraph_part(self):
        parts = [i for i, s in enumerate(self.sections) if s.kind == "part"]
        from_paragraphs = [i for i in parts if self.sections[i].from_paragraph]
        if len(parts) != 1 or len(from_paragraphs) != 1 or self.sections[parts[0]].activities:
            return
        dropped = parts[0]
        kept = [s for i, s in enumerate(self.sections) if i != dropped]
        for s in kept:
            if s.parent == dropped:
                s.parent = None
            elif s.parent is not None and s.parent > dropped:
                s.parent -= 1
        self.sections = kept

    def _check_numbers(self, section):
        name = f"{section.number} {section.title}".strip() if section.number not in section.title else section.title
        name = name if len(name) <= 60 else name[:57] + "…"
        seen = {}
        previous = None
        for a in section.activities:
            if not a.number:
                continue
            key = a.number.rstrip(".)")
            if key in seen:
                self.warnings.append(f"Раздел «{name}»: номер {a.number} повторяется ({seen[key]} и {a.source}).")
            else:
                seen[key] = a.source
            current = _number_key(a.number)
            if previous and current and len(previous) == len(current) and previous[:-1] == current[:-1]:
                gap = current[-1] - previous[-1]
                if gap > 1:
                    prefix = "".join(f"{p}." for p in current[:-1])
                    missing = [f"{prefix}{n}" for n in range(previous[-1] + 1, current[-1])]
                    shown = ", ".join(missing[:3]) + (" …" if len(missing) > 3 else "")
                    word = "пропущен номер" if len(missing) == 1 else "пропущены номера"
                    self.warnings.append(f"Раздел «{name}»: {word} {shown} (перед {a.number}, {a.source}).")
                elif gap < 0:
                    self.warnings.append(f"Раздел «{name}»: номер {a.number} идёт не по порядку ({a.source}).")
            if current:
                previous = current


def assemble(blocks) -> ParsedPlan:
    """Sections and activities of the plan tables among `blocks`; PlanFileError if none."""
    assembler = _Assembler()
    for block in blocks:
        if isinstance(block, Paragraph):
            assembler.paragraph(block)
        else:
            assembler.table(block)
        if sum(len(s.activities) for s in assembler.sections) > MAX_ACTIVITIES:
            raise PlanFileError(f"В плане больше {MAX_ACTIVITIES} мероприятий: разбейте файл на части.")
    if assembler.columns is None:
        raise PlanFileError(
            "В файле не найдена таблица плана: нужна строка заголовка со столбцами «Мероприятие» и «Сроки» "
            "(или «Ответственные», «Ожидаемый результат»)."
        )
    plan = assembler.finish()
    if not plan.activity_count:
        raise PlanFileError("В таблице плана нет ни одного мероприятия.")
    return plan
