"""The state of one parse shared by both layouts: defaults, schools, errors, the duplicate check."""

from typing import Any, Iterable

from monitoring.results.subjects import DEFAULT_GRADE, canonical_subject, scale_for, suggest_subject
from schools.lists.importer import SchoolRef

from .cells import PROCEDURE_LABELS, CellProblem, cell_text, parse_score
from .parsed import CellError, ParsedReference, ParsedResult, ParseResult, Unmatched
from .school_match import SchoolMatcher
from .sheets import SheetGrid, address

FORMULA_REFUSED = "формулы не принимаются, вставьте значения (в Excel: «Специальная вставка» → «Значения»)."


def _place(sheet: str, cell: str) -> str:
    return f"ячейке {cell} листа «{sheet}»"


class ParseContext:
    def __init__(self, *, schools: Iterable[SchoolRef], procedure: str, grade: int | None):
        self.procedure = procedure  # what the coordinator chose for tables that do not say
        self.grade = grade
        self.matcher = SchoolMatcher(schools)
        self.result = ParseResult()
        self._seen_results: dict[tuple, tuple[str, str]] = {}
        self._seen_references: dict[tuple, ParsedReference] = {}
        self._formula_cells: set[tuple[str, int, int]] = set()

    # ------------------------------------------------------------------------------ cells

    def error(self, sheet: str, cell: str, value: Any, message: str) -> None:
        self.result.cell_errors.append(CellError(sheet, cell, value, message))

    def read(self, grid: SheetGrid, row: int, col: int) -> Any:
        """The cell's value; a formula is refused (once) and reads as empty."""
        if grid.is_formula(row, col):
            if (grid.title, row, col) not in self._formula_cells:
                self._formula_cells.add((grid.title, row, col))
                self.error(grid.title, address(row, col), grid.value(row, col), FORMULA_REFUSED)
            return None
        return grid.value(row, col)

    def grade_for(self, procedure: str) -> int | None:
        """The grade of a table or row that does not give one: the chosen one for the chosen
        procedure, the usual one (11 for ЕГЭ, 9 for ОГЭ) for another."""
        if procedure == self.procedure and self.grade:
            return self.grade
        return DEFAULT_GRADE.get(procedure)

    def no_grade_message(self, procedure: str) -> str:
        return (
            f"не указан класс для {PROCEDURE_LABELS.get(procedure, procedure)}: добавьте столбец «Класс» "
            "или выберите класс при загрузке."
        )

    # ------------------------------------------------------------------------------ names

    def subject(self, sheet: str, cell: str, value: Any) -> str | None:
        text = cell_text(value)
        if not text:
            self.error(sheet, cell, value, "не указан предмет.")
            return None
        name = canonical_subject(text)
        if name is None:
            hint = suggest_subject(text)
            self.error(sheet, cell, value, "предмет не распознан" + (f"; возможно, «{hint}»." if hint else "."))
        return name

    def school(self, sheet: str, cell: str, value: Any) -> SchoolRef | None:
        name = cell_text(value)
        if not name:
            self.error(sheet, cell, value, "не указана ОО.")
            return None
        found = self.matcher.match(name)
        if len(found) == 1:
            return found[0]
        if found:
            names = ", ".join(f"«{school.short_name}»" for school in found)
            self.error(sheet, cell, value, f"подходит к нескольким школам: {names}; укажите полное наименование.")
            return None
        suggestions = tuple(self.matcher.suggest(name))
        self.result.unmatched.append(Unmatched(sheet, cell, name, suggestions))
        hint = f"; возможно: {', '.join(f'«{s}»' for s in suggestions)}" if suggestions else ""
        self.error(sheet, cell, value, f"ОО не найдена среди школ муниципалитета{hint}.")
        return None

    def score(self, sheet: str, cell: str, value: Any, procedure: str, subject: str):
        scale = scale_for(procedure, subject)
        try:
            return parse_score(value, maximum=scale.maximum, unit=scale.unit)
        except CellProblem as problem:
            self.error(sheet, cell, value, str(problem))
            return None

    # ------------------------------------------------------------------------------ rows

    def add_result(self, row: ParsedResult) -> None:
        earlier = self._seen_results.get(row.key)
        if earlier is not None:
            self.error(
                row.sheet,
                row.cell,
                "",
                f"{row.school_name}, {row.procedure_label}, {row.subject}, {row.grade} класс, {row.year} год — "
                f"уже в {_place(*earlier)}: каждый результат указывается один раз.",
            )
            return
        self._seen_results[row.key] = (row.sheet, row.cell)
        self.result.results.append(row)

    def add_reference(self, row: ParsedReference) -> None:
        earlier = self._seen_references.get(row.key)
        if earlier is None:
            self._seen_references[row.key] = row
            self.result.references.append(row)
            return
        # The same average may stand twice (in the subject cell and in a «Край» column, or in two
        # tables of one procedure); only two different values for one average are a mistake.
        if (earlier.average_score, earlier.failed_share) != (row.average_score, row.failed_share):
            self.error(
                row.sheet,
                row.cell,
                "",
                f"среднее ({row.level_label}) по предмету «{row.subject}» за {row.year} год уже указано в "
                f"{_place(earlier.sheet, earlier.cell)} с другим значением.",
            )
