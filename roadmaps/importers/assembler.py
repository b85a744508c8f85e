"""A plan table, whatever file it came from: find its header, read sections and rows. Pure Python.

The readers (docx_plan, xlsx_plan) turn a file into blocks in document order: paragraphs and
tables of cells on the layout grid, a merged cell repeated on every grid position it covers
(with the same ``key``, blocks.py). Everything else is here, the header row in header.py:

- the header row is found by its titles in any order («№ п/п», «Мероприятия», «Сроки
  исполнения», «Ответственные», «Планируемый результат» and their kin), in any row of any
  table; a table without one is not a plan table (a list of schools, the risks of a project) —
  unless it continues the previous plan table with the same columns (its first row numbered, a
  heading, or the rest of a row the page broke); one as wide that is neither is named in a warning;
- a row under a merged «Ответственные» that reads «Регион» / «Район» / «ОО» gives each of
  those columns its executors' level;
- a row holding one text only (a merged row, or one cell filled) is a heading: «Раздел II. …»
  opens a part, «1 кластер - …» / «Кластер 2. …» a cluster's table, «1. Мероприятия …» a
  section; «Задачи:» / «Показатели:» lines go to the section they follow. A row with a
  number and a title only is a section when bold, when the next rows are numbered under it, or
  when the number is a Roman one («II»);
- a row with a number and a title only whose number extends the open section's («2.1
  Подготовка кадров» under «II. …» or «2. …», followed by 2.1.1, 2.1.2 …) is a subsection of it:
  its ``parent`` is that section (issue 18);
- a row without a number continues the activity above it, broken by a page, when its text
  cannot start an activity: it starts in lower case («Организация муниципальной» / «перепроверки
  ВПР …», seed 000), with «(», a dash, «и», «а также»; or it has no content, only other cells
  («партнерства» under the result); or the cell above breaks off mid-phrase (on a comma, a
  hyphen, a preposition, an open bracket). It is joined to that activity, with a warning naming
  the row and the reason (in a table without a «№» column a dash or bracket alone does not join
  a row that has its own details: there every activity lacks a number);
- after a «Задачи:» / «Показатели:» line, the rows that follow with no deadline, executors or
  result («1) …», «- …», plain lines) are that list's items, not activities or sections, until a
  row with details, a bold row, a part or cluster heading, or a number that rows are numbered
  under («2.» above «2.1») ends the list;
- a row the reader is unsure of is kept and named in a warning («Таблица 2, строка 14: …»): a
  row without a number taken as a section title, a row holding a number only (kept as an
  activity without content); only a row with no letters or digits at all is left out, warned;
- paragraphs right before a table may head it the same way (seed 000 puts «1 кластер - …»
  above each cluster's table; seed 001 «Раздел I. …» above each part's table).

Parts. The JSON contract has flat sections: a part («Раздел II») is emitted as its own section
with no activities, followed by its sections; ``ParsedSection.parent`` keeps the nesting for
saving. A part that heads only one plan table from a paragraph is the document's chapter, not
a division of the plan («Раздел III. Целевые ориентиры …» above all of seed 000's cluster
tables) and is dropped unless it holds activities of its own.

The plan's title is the heading above the first plan table, found walking up from it (_plan_title).
Running text is passed over: a paragraph longer than 300 characters, one that ends with «:», «;»,
«,» or «.» (not «г.»), starts like a preamble («В целях …», «В соответствии …») or holds an
operative word («приказываю»), a numbered point of an order («2. Утвердить …»), a part or cluster
heading. The walk stops at an approval stamp («УТВЕРЖДЕН приказом …», «Приложение № 2», «ПРИКАЗ»):
the title is printed under it. The nearest heading line that names a plan («план», «дорожная
карта», «программа», «проект», «мероприятия», «график») is the title, joined with the lines of
the same heading around it that go on in lower case («ПЛАН МЕРОПРИЯТИЙ» / «по сопровождению
ШНОР» / «на 2025 год»); without such a line only a heading line right above the table is taken.

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
# «Задачи:», «Основные задачи», «Задачи раздела:» (words after the noun only before a colon).
_TASKS_RE = re.compile(r"^(?:основные\s+)?задач[аи](?:\s*(?::|$)|(?:\s+[а-яё]+){1,2}\s*:)\s*", re.IGNORECASE)
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


def _section_key(number):
    """(2, 1) for «2.1», (2,) for «II.» or «2.»: what a group row's number nests under."""
    number = number.strip().rstrip(".)")
    if re.fullmatch(r"[IVXLC]{1,6}", number):
        return (_roman(number),)
    return _number_key(number) if number else None


# --- rows that continue the row above, and list items ---------------------------------------

# A cell that cannot start an activity: it goes on with the text above it.
_GOES_ON_RE = re.compile(r"^(?:[(\-–—,;]|(?:и|а\s+также|а|или|либо)\s)", re.IGNORECASE)
_DASH_RE = re.compile(r"^[-–—•·*]")
# A cell that breaks off mid-phrase: a comma, a hyphen, an open bracket, a preposition.
_BROKEN_OFF_RE = re.compile(
    r"(?:[,\-–—(«]|(?<![\w])(?:и|в|во|на|по|для|с|со|к|ко|о|об|от|из|за|при|до|а|или|не|между|через|без))$",
    re.IGNORECASE,
)
_LIST_NUMBER_RE = re.compile(r"\d{1,2}\)|[а-я]\)", re.IGNORECASE)  # «1)», «а)»: a list's numbering


def _broken_off(text):
    text = text.rstrip()
    return bool(text) and (
        bool(_BROKEN_OFF_RE.search(text)) or text.count("(") > text.count(")") or text.count("«") > text.count("»")
    )


# --- the plan's title ----------------------------------------------------------------------

_PREAMBLE_RE = re.compile(
    r"^(?:в\s+целях|в\s+соответствии|во\s+исполнение|на\s+основании|с\s+целью|в\s+рамках|руководствуясь)"
    r"|приказыва|постановля|распоряжаюсь|(?<![а-яё])решил",
    re.IGNORECASE,
)
_STAMP_RE = re.compile(
    r"^(?:утвержд|согласова|приложение|к\s+приказу|к\s+распоряжению|к\s+постановлению|от\s+\d|№)"
    r"|^(?:п\s*р\s*и\s*к\s*а\s*з|распоряжение|постановление)$",
    re.IGNORECASE,
)
_PLAN_WORDS_RE = re.compile(r"план|дорожн\w*\s+карт|программ|проект|мероприяти|график|комплекс\s+мер", re.IGNORECASE)
_ORDER_POINT_RE = re.compile(r"^\d{1,2}(?:\.\d{1,2})*[.)]\s+\S")
TITLE_MAX = 300


def _heading_line(text):
    """Whether a paragraph reads like a title line, not running text or a stamp."""
    if not 2 <= len(text) <= TITLE_MAX or _STAMP_RE.search(text) or _PREAMBLE_RE.search(text):
        return False
    if _ORDER_POINT_RE.match(text) or text.endswith((":", ";", ",")) or _PART_RE.match(text) or _CLUSTER_RE.match(text):
        return False
    # A final full stop ends a sentence, unless it is an abbreviation («на 2025 г.»).
    return not text.endswith(".") or bool(re.search(r"(?<![а-яё])гг?\.$", text))


def _goes_on(text):
    return bool(text) and (text[0].islower() or text[0] in "(«\"")


def _plan_title(paragraphs):
    """The title among the paragraphs above the first plan table (walking up), or ""."""
    lines = [_one_line(p.text) for p in paragraphs]
    lines = [line for line in lines if line]
    found = None
    for at in range(len(lines) - 1, -1, -1):
        text = lines[at]
        if _heading_line(text) and _PLAN_WORDS_RE.search(text):
            found = at
            break
        if _STAMP_RE.search(text):
            break
    if found is None:
        last = lines[-1] if lines else ""
        return last if 10 <= len(last) <= TITLE_MAX and _heading_line(last) else ""
    top = bottom = found
    while top > 0 and _goes_on(lines[top]) and _heading_line(lines[top - 1]):
        top -= 1
    while bottom + 1 < len(lines) and _goes_on(lines[bottom + 1]) and _heading_line(lines[bottom + 1]):
        bottom += 1
    return " ".join(lines[top:bottom + 1])[:2 * TITLE_MAX]


class _Assembler:
    def __init__(self):
        self.sections: list[ParsedSection] = []
        self.warnings: list[str] = []
        self.part = self.cluster = self.section = None  # indices
        self.last: ParsedActivity | None = None  # the activity a page-broken row continues
        self.columns: Columns | None = None
        self.layout: list[dict] = []
        self.last_plan_table_width = None
        self.pending: list[Paragraph] = []
        self.title = ""
        self.list_into: tuple[str, int] | None = None  # ("tasks" | "indicators", section) a list goes on in

    # sections

    def _add(self, section):
        self.last = self.list_into = None
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
        if (enclosing := self._enclosing_section(number)) is not None:
            parent = enclosing
        self.section = self._add(ParsedSection(number, title or DEFAULT_SECTION_TITLE, tasks=tasks,
                                               indicators=indicators, parent=parent))

    def _enclosing_section(self, number):
        """The open section whose number «2.1» extends («2», «2.», «II.»), or None."""
        key = _section_key(number)
        index = self.section
        while key and len(key) > 1 and index is not None and self.sections[index].kind == "section":
            own = _section_key(self.sections[index].number)
            if own and len(own) < len(key) and key[: len(own)] == own:
                return index
            index = self.sections[index].parent
        return None

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
            title, tasks, indicators = _split_heading(whole)
            self.open_cluster(m["a"] or m["b"], title, _split_heading(m["rest"])[0])
            self._own_lines(self.cluster, tasks, indicators)
            return True
        if m := _PART_RE.match(whole):
            title, tasks, indicators = _split_heading(whole)
            self.open_part(m["n"], title, from_paragraph=from_paragraph)
            self._own_lines(self.part, tasks, indicators)
            return True
        return False

    def _own_lines(self, index, tasks, indicators):
        # «Задачи:» / «Показатели:» lines in a part's or a cluster's own heading are that section's,
        # as they are a section's (the portal's exports write them so).
        self.sections[index].tasks, self.sections[index].indicators = tasks, indicators

    def attach_lines(self, text, where):
        _, tasks, indicators = _split_heading(text)
        self.last = None  # a «Задачи:» line ends the activity above: nothing below continues it
        index = self.section if self.section is not None else self.cluster if self.cluster is not None else self.part
        if index is None:
            self.warnings.append(f"{where}: строка «{_one_line(text)[:60]}» не относится ни к одному разделу.")
            return
        section = self.sections[index]
        if tasks:
            section.tasks = "\n".join(filter(None, [section.tasks, tasks]))
        if indicators:
            section.indicators = "\n".join(filter(None, [section.indicators, indicators]))
        # The rows below may go on with the list the last label opened («Задачи:» / «1) …»).
        labels = [("tasks" if _TASKS_RE.match(line) else "indicators") for line in _multiline(text).split("\n")
                  if _TASKS_RE.match(line) or _INDICATORS_RE.match(line)]
        self.list_into = (labels[-1], index) if labels else None

    def list_item(self, text):
        field, index = self.list_into
        section = self.sections[index]
        setattr(section, field, "\n".join(filter(None, [getattr(section, field), _one_line(text)])))

    # blocks

    def paragraph(self, p):
        if p.text.strip():
            self.pending.append(p)

    def _take_pending(self, extra=()):
        """Open the part and cluster the paragraphs right above a plan table name."""
        pending = self.pending + list(extra)
        self.pending = []
        chain = []
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
            break
        if not self.title and not self.sections:
            self.title = _plan_title(pending[: len(pending) - len(chain)])
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
                if self.columns is not None and width == self.last_plan_table_width and rows:
                    # As wide as the plan table, yet no header and no plan rows: say so, not drop it unseen.
                    self.warnings.append(
                        f"{table.label}: таблица без строки заголовка не прочитана — она не похожа на продолжение "
                        f"таблицы плана выше; если это её продолжение, добавьте строку заголовка."
                    )
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
                if _NUMBERED_RE.match(texts[0] + " x") or len(texts) == 1:
                    return True
                # The table may start with the rest of a row the page broke (see _continuation).
                return self.last is not None and not _value(row, self.columns.number) and bool(
                    texts[0][:1].islower() or _GOES_ON_RE.match(texts[0]) or not _value(row, self.columns.content)
                )
        return False

    def _rows(self, table, rows, start):
        i = start
        while i < len(rows):
            row = rows[i]
            columns = find_header(rows, i)
            if columns is not None:
                self.columns = columns
                if not self.layout:
                    # The plan's layout is its first plan table's: later tables repeat its header.
                    self.layout = columns.layout()
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
        # A cell merged from the content column across the others («1. | Нормативно-правовое
        # обеспечение» over the rest of the row) is the content only: its text is no deadline,
        # result or executor, or a section's title would read as an activity with details.
        content_keys = {row[i].key for i in cols.content if i < len(row) and row[i].key is not None}

        def own(grid):
            return [i for i in grid if i >= len(row) or row[i].key is None or row[i].key not in content_keys]

        deadline = _one_line(_value(row, own(cols.deadline)))
        result = _value(row, own(cols.result))
        executor_values = [(_value(row, own(grid)), level, label) for grid, level, label in cols.executors]
        has_details = bool(deadline or result or any(v for v, _, _ in executor_values))

        first = _multiline(filled[0][1].text)
        labelled = bool(_TASKS_RE.match(first) or _INDICATORS_RE.match(first))
        if self.list_into is not None and not labelled:
            if self._is_list_item(rows, i, filled, number, has_details):
                item_number = number if len(filled) > 1 else ""
                self.list_item(f"{number} {content}".strip() if item_number else first)
                if item_number and not _LIST_NUMBER_RE.fullmatch(item_number):
                    # «2 Курсы» with no details could be an activity whose details are missing.
                    field = "задач" if self.list_into[0] == "tasks" else "показателей"
                    self.warnings.append(
                        f"{where}: строка {number} без сроков, ответственных и результата прочитана как пункт "
                        f"{field} раздела — проверьте, не мероприятие ли это."
                    )
                return
            self.list_into = None
        if self.last is not None and not number and not labelled:
            reason = self._continuation(first, content, has_details)
            if reason:
                self._continue(where, content, deadline, executor_values, result, reason)
                return
        if len(filled) == 1:
            # One text across the row: a heading, or a «Задачи:» / «Показатели:» line.
            text = _multiline(filled[0][1].text)
            if _TASKS_RE.match(text) or _INDICATORS_RE.match(text):
                self.attach_lines(text, where)
                return
            if self.heading(text):
                return
            if _number_key(text) is not None and len(text) <= NUMBER_MAX:
                # A number alone: kept as an activity without content, and warned about there.
                self._activity(where, text, "", "", [], "")
                return
            if not re.search(r"[А-Яа-яЁёA-Za-z0-9]", text):
                self.warnings.append(f"{where}: строка «{text[:30]}» пропущена — в ней нет текста.")
                return
            self._section_row(text)
            if not self.sections[self.section].number and not _bold(row, [index for index, _ in filled]):
                self._warn_unnumbered_section(where, text)
            return
        if not has_details and (number or content):
            if _TASKS_RE.match(content) or _INDICATORS_RE.match(content):
                self.attach_lines(content, where)
                return
            if self.heading(content, number=number):
                return
            key = _section_key(number) if number else None
            next_key = _section_key(self._next_number(rows, i))
            numbered_under = bool(key and next_key) and len(next_key) > len(key) and next_key[: len(key)] == key
            # «II» / «IV.» numbers a part of the plan, never an activity.
            roman = bool(re.fullmatch(r"[IVXLC]{1,6}\.?", number))
            bold = _bold(row, [index for index, _ in filled])
            if bold or numbered_under or roman or (not number and content):
                title, tasks, indicators = _split_heading(content)
                self.open_section(number, title, tasks, indicators)
                if not number and not bold:
                    self._warn_unnumbered_section(where, content)
                return
        self._activity(where, number, content, deadline, executor_values, result)

    def _warn_unnumbered_section(self, where, text):
        self.warnings.append(
            f"{where}: строка «{_one_line(text)[:60]}» без номера и без сроков прочитана как заголовок раздела — "
            f"проверьте, не мероприятие ли это."
        )

    def _is_list_item(self, rows, i, filled, number, has_details):
        """Whether a row after «Задачи:» / «Показатели:» is an item of that list."""
        # A merged row repeats its text in every column: it has no details and no number of its own.
        single = len(filled) == 1
        if (has_details and not single) or _bold(rows[i], [index for index, _ in filled]):
            return False
        number = "" if single else number
        text = number or _multiline(filled[0][1].text)
        if _CLUSTER_RE.match(text) or _PART_RE.match(text):
            return False
        if not number and (m := _NUMBERED_RE.match(text)):
            number = m["n"]
        if number and not re.fullmatch(r"\d{1,2}[.)]?|[а-я]\)", number, re.IGNORECASE):
            return False  # «1.1» is an activity's number, not a list's
        if number and re.fullmatch(r"\d{1,3}\.?", number):
            # «2.» above «2.1 …» heads a group, not a list item.
            next_number = self._next_number(rows, i)
            if next_number.startswith(number.rstrip(".") + "."):
                return False
        return True

    def _continuation(self, first, content, has_details):
        """Why a row without a number goes on with the activity above, or "" when it does not."""
        if first[:1].islower():
            return "начинается со строчной буквы"
        if _GOES_ON_RE.match(first) and (self.columns.number or not has_details):
            return f"начинается с «{first.split()[0][:10]}»"
        if not content and self.columns.content:
            return "и без содержания (заполнены только другие столбцы)"
        if _broken_off(self.last.content):
            return "идёт за текстом мероприятия, оборванным на полуслове"
        return ""

    def _section_row(self, text):
        title, tasks, indicators = _split_heading(text)
        number = ""
        if m := _NUMBERED_RE.match(title):
            number, title = m["n"].rstrip(".)"), m["t"].strip()
        self.open_section(number, title, tasks, indicators)

    def _continue(self, where, content, deadline, executor_values, result, reason):
        """A row broken by a page: no number, its text goes on with the row above. Join it up."""
        a = self.last

        def joined(before, after):
            # «- …» items of a list stay on lines of their own.
            glue = "\n" if _DASH_RE.match(after) else " "
            return f"{before}{glue}{after}".strip() if after else before

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
            f"{where}: строка без номера {reason} — она присоединена к мероприятию "
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
        self.list_into = None
        self.last = ParsedActivity(number, content, deadline, "; ".join(texts) if three_levels else "\n".join(texts),
                                   executors, result, source=where)
        self.sections[index].activities.append(self.last)

    # checks

    def finish(self):
        self._drop_lone_paragraph_part()
        for section in self.sections:
            self._check_numbers(section)
        return ParsedPlan(self.sections, self.warnings, self.title, self.layout)

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
