"""The source documents' layout: «school × subject × year».

    Учебный предмет | Средний балл ……………………………………………………………
                    | ЯСОШ (merged over 3)  | НСОШ 1 …            | Край …
                    | 2021 | 2022 | 2023    | 2021 | 2022 | 2023 | 2021 | …
    Русский язык 66,17/65,15/64,89 | 68,4 | 63,9 | 72,1 | …

A table is found by its row of years (two or more cells «2021» or «202 1»); the row above names the
school of each year column (a merged cell spans its years; without merging, a name holds until the
next one), the column left of the first year holds the subjects. «Край»/«Регион» columns are the
region's averages, «Район»/«Округ»/«Муниципалитет» the municipality's. A sheet may hold several
tables one under another; the rows between them («Результаты ОГЭ», «Учебный предмет | Средний
балл») say which procedure, grade and measure the next table is.
"""

from dataclasses import dataclass, field

from monitoring.results.subjects import canonical_subject, suggest_subject

from .cells import (
    LEVEL_LABELS,
    PROCEDURE_LABELS,
    CellProblem,
    cell_text,
    grade_named_in,
    is_blank,
    is_dash,
    key,
    looks_like_value,
    looks_like_year,
    parse_share,
    parse_year,
    procedures_named_in,
    reference_level_of_title,
    split_subject_averages,
)
from .parsed import ParsedReference, ParsedResult, TableInfo
from .reading import ParseContext
from .sheets import SheetGrid, address

SHARE_WORDS = ("доля", "не справ", "неуспева", "двоек")


@dataclass
class _Group:
    """The columns under one school (or «Край») header."""

    label: str
    cell: str
    columns: list[tuple[int, int]] = field(default_factory=list)  # (column, year)
    school_id: int | None = None
    school_name: str = ""
    level: str = ""  # municipality | region for an averages column
    ok: bool = True


@dataclass
class _Table:
    years_row: int
    subject_col: int
    year_cols: list[tuple[int, int]]
    ignored_cols: list[int]

    @property
    def school_row(self) -> int:
        return self.years_row - 1

    @property
    def years(self) -> list[int]:
        seen: list[int] = []
        for _, year in self.year_cols:
            if year not in seen:
                seen.append(year)
        return seen


def _year_row(grid: SheetGrid, row: int) -> _Table | None:
    filled = [(col, grid.value(row, col)) for col in range(1, grid.max_col + 1) if not is_blank(grid.value(row, col))]
    years = [(col, parse_year(value)) for col, value in filled if looks_like_year(value) and not grid.is_formula(row, col)]
    if len(years) < 2:
        return None
    first = years[0][0]
    right = [(col, value) for col, value in filled if col >= first]
    # A «Динамика» or «Примечание» column beside the years does not stop the row being the years.
    if len(years) * 3 < len(right) * 2:
        return None
    year_cols = {col for col, _ in years}
    return _Table(
        years_row=row,
        subject_col=first - 1,
        year_cols=years,
        ignored_cols=[col for col, _ in right if col not in year_cols],
    )


def find_tables(grid: SheetGrid) -> list[_Table]:
    tables = []
    for row in range(1, grid.max_row + 1):
        table = _year_row(grid, row)
        if table is not None and (not tables or row > tables[-1].years_row + 1):
            tables.append(table)
    return tables


def parse_wide(grid: SheetGrid, tables: list[_Table], ctx: ParseContext) -> None:
    caption_rows = list(range(1, tables[0].school_row))
    for index, table in enumerate(tables):
        end = tables[index + 1].school_row - 1 if index + 1 < len(tables) else grid.max_row
        caption = " ".join(cell_text(v) for row in caption_rows for v in grid.row_values(row) if not is_blank(v))
        caption_rows = _parse_table(grid, table, end, caption, ctx)


def _settings(grid: SheetGrid, table: _Table, caption: str, ctx: ParseContext, info: TableInfo):
    """(procedure, grade, measure) of a table: from the rows above it, else the sheet's name, else the form."""
    procedure, source = ctx.procedure, "выбрана при загрузке"
    for text, where in ((caption, f"из заголовка «{caption[:80]}»"), (grid.title, f"из названия листа «{grid.title}»")):
        named = procedures_named_in(text)
        if len(named) == 1:
            procedure, source = named.pop(), where
            break
    grade = grade_named_in(caption) or grade_named_in(grid.title) or ctx.grade_for(procedure)
    caption_key = key(caption)
    measure = "failed_share" if any(word in caption_key for word in SHARE_WORDS) else "average_score"
    info.procedure_label = PROCEDURE_LABELS.get(procedure, procedure)
    info.procedure_source = source
    info.grade = grade
    info.measure = "доля не справившихся, %" if measure == "failed_share" else "средний балл"
    return procedure, grade, measure


def _groups(grid: SheetGrid, table: _Table, ctx: ParseContext) -> list[_Group]:
    groups: list[_Group] = []
    by_anchor: dict[tuple[int, int], _Group] = {}
    for col, year in table.year_cols:
        value, anchor = grid.shown(table.school_row, col)
        if grid.is_formula(*anchor):
            ctx.read(grid, *anchor)
            value = None
        if is_blank(value):
            if not groups:
                ctx.error(grid.title, address(table.school_row, col), "", "над годом нет названия ОО: впишите школу над её первым годом.")
                continue
            groups[-1].columns.append((col, year))  # a name holds over the years until the next one
            continue
        group = by_anchor.get(anchor)
        if group is None:
            group = by_anchor[anchor] = _Group(label=cell_text(value), cell=address(*anchor))
            groups.append(group)
        group.columns.append((col, year))
    for group in groups:
        level = reference_level_of_title(group.label)
        if level and not ctx.matcher.match(group.label):
            group.level = level
            continue
        school = ctx.school(grid.title, group.cell, group.label)
        if school is None:
            group.ok = False
        else:
            group.school_id, group.school_name = school.pk, school.short_name
    return groups


def _parse_table(grid: SheetGrid, table: _Table, end: int, caption: str, ctx: ParseContext) -> list[int]:
    """Read the table's rows up to `end`; return the rows after its last subject (the next caption)."""
    sheet = grid.title
    if table.school_row < 1 or table.subject_col < 1:
        ctx.error(
            sheet,
            address(table.years_row, table.year_cols[0][0]),
            "",
            "у строки годов нет строки с названиями ОО над ней или столбца предметов слева.",
        )
        return []
    info = TableInfo(sheet=sheet, layout="wide", area="")
    ctx.result.tables.append(info)
    procedure, grade, measure = _settings(grid, table, caption, ctx, info)
    if grade is None:
        ctx.error(sheet, address(table.years_row, table.year_cols[0][0]), "", ctx.no_grade_message(procedure))
    groups = _groups(grid, table, ctx)
    info.columns = [
        f"«{g.label}» ({g.cell}) → "
        + (g.school_name if g.school_id else f"среднее: {LEVEL_LABELS[g.level]}" if g.level else "не найдена")
        for g in groups
    ] + [f"столбец {address(table.years_row, col)} «{cell_text(grid.value(table.years_row, col))}» пропущен" for col in table.ignored_cols]
    before = (len(ctx.result.results), len(ctx.result.references))
    value_cols = [col for col, _ in table.year_cols]
    last_data = table.years_row
    after_data: list[int] = []
    for row in range(table.years_row + 1, end + 1):
        subject_value, _ = grid.shown(row, table.subject_col)
        values = [grid.value(row, col) for col in value_cols]
        is_subject = canonical_subject(split_subject_averages(cell_text(subject_value))[0]) is not None
        if not is_subject and not any(looks_like_value(v) for v in values):
            after_data.append(row)  # a caption, a note or a blank row
            continue
        last_data, after_data = row, []
        if grade is not None:
            _parse_row(grid, table, row, groups, procedure, grade, measure, ctx)
    info.area = f"{address(max(1, table.school_row - 1), table.subject_col)}:{address(last_data, max(value_cols))}"
    info.results = len(ctx.result.results) - before[0]
    info.references = len(ctx.result.references) - before[1]
    return after_data


def _parse_row(grid, table: _Table, row: int, groups, procedure: str, grade: int, measure: str, ctx: ParseContext):
    sheet = grid.title
    _, anchor = grid.shown(row, table.subject_col)  # a subject merged over two rows names both
    subject_cell = address(*anchor)
    raw_subject = ctx.read(grid, *anchor)
    name, averages = split_subject_averages(cell_text(raw_subject))
    subject = canonical_subject(name) if name else None
    if subject is None:
        if not name:
            ctx.error(sheet, subject_cell, "", "не указан предмет, а в строке есть значения.")
        else:
            hint = suggest_subject(name)
            ctx.error(sheet, subject_cell, raw_subject, "предмет не распознан" + (f"; возможно, «{hint}»." if hint else "."))
    elif averages is not None:
        _subject_averages(sheet, subject_cell, raw_subject, averages, table, procedure, subject, grade, measure, ctx)
    # Every value is checked even under an unknown school or subject: one upload names every mistake.
    keep = subject is not None
    for group in groups:
        for col, year in group.columns:
            raw = ctx.read(grid, row, col)
            if is_blank(raw):
                continue  # no data
            cell = address(row, col)
            if is_dash(raw):
                if keep and group.school_id:
                    ctx.add_result(_result(sheet, cell, group, procedure, subject, grade, year, nobody=True))
                continue  # an average cannot be «nobody took it»: no average that year
            value = _value(grid, row, col, raw, procedure, subject, measure, ctx)
            if value is None or not keep or not group.ok:
                continue
            if group.school_id:
                ctx.add_result(_result(sheet, cell, group, procedure, subject, grade, year, **{measure: value}))
            else:
                ctx.add_reference(
                    ParsedReference(sheet, cell, group.level, procedure, subject, grade, year, **{measure: value})
                )


def _value(grid, row, col, raw, procedure, subject, measure, ctx: ParseContext):
    cell = address(row, col)
    if measure == "average_score":
        return ctx.score(grid.title, cell, raw, procedure, subject)
    try:
        return parse_share(raw, percent_format=(row, col) in grid.percent)
    except CellProblem as problem:
        ctx.error(grid.title, cell, raw, str(problem))
        return None


def _result(sheet, cell, group: _Group, procedure, subject, grade, year, *, nobody=False, average_score=None, failed_share=None):
    return ParsedResult(
        sheet=sheet,
        cell=cell,
        school_id=group.school_id,
        school_name=group.school_name,
        procedure=procedure,
        subject=subject,
        grade=grade,
        year=year,
        average_score=average_score,
        failed_share=failed_share,
        participants=0 if nobody else None,
        nobody=nobody,
    )


def _subject_averages(sheet, cell, raw, averages, table: _Table, procedure, subject, grade, measure, ctx: ParseContext):
    years = table.years
    if len(averages) != len(years):
        ctx.error(
            sheet,
            cell,
            raw,
            f"после предмета {len(averages)} средних по региону, а лет в таблице {len(years)} "
            f"({', '.join(map(str, years))}): пишите по одному на каждый год через «/».",
        )
        return
    for year, text in zip(years, averages):
        if not text:
            continue
        if measure == "average_score":
            value = ctx.score(sheet, cell, text, procedure, subject)
        else:
            try:
                value = parse_share(text)
            except CellProblem as problem:
                ctx.error(sheet, cell, raw, str(problem))
                value = None
        if value is not None:
            ctx.add_reference(ParsedReference(sheet, cell, "region", procedure, subject, grade, year, **{measure: value}))
