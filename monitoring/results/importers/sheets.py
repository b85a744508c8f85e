"""An uploaded workbook as grids of raw cell values, with its merged ranges, formulas and percent cells.

The workbook is opened with formulas kept as text (data_only=False): a formula's cached value is
whatever the last program to save the file computed, possibly nothing, so the parser refuses
formulas instead of trusting it. Merged ranges matter for the wide layout: a school's name spans
its three year columns, and only the first cell of the range holds it.
"""

import io
from dataclasses import dataclass, field
from typing import Any

import openpyxl
from openpyxl.utils import get_column_letter
from openpyxl.worksheet.formula import ArrayFormula, DataTableFormula

MAX_ROWS = 20000
MAX_COLUMNS = 400


class WorkbookProblem(ValueError):
    """The file as a whole cannot be read; the Russian message is shown as is."""


def address(row: int, col: int) -> str:
    """«C7» for row 7, column 3 (both counted from 1, as Excel counts them)."""
    return f"{get_column_letter(col)}{row}"


@dataclass
class SheetGrid:
    """One sheet: `values[(row, col)]` as stored (1-based), merged cells pointing at their anchor."""

    title: str
    values: dict[tuple[int, int], Any] = field(default_factory=dict)
    formulas: set[tuple[int, int]] = field(default_factory=set)
    percent: set[tuple[int, int]] = field(default_factory=set)
    merged: dict[tuple[int, int], tuple[int, int]] = field(default_factory=dict)  # covered cell → anchor
    max_row: int = 0
    max_col: int = 0

    @classmethod
    def from_rows(cls, title: str, rows: list[list[Any]], merged: list[str] = ()) -> "SheetGrid":
        """A grid from plain rows and ranges like «B1:D1» (the anchor holds the value)."""
        grid = cls(title=title)
        for r, row in enumerate(rows, start=1):
            for c, value in enumerate(row, start=1):
                if value is not None and value != "":
                    grid.values[(r, c)] = value
                    if isinstance(value, str) and value.startswith("="):
                        grid.formulas.add((r, c))
        for rng in merged:
            grid._merge(*openpyxl.utils.cell.range_boundaries(rng))
        grid._measure()
        return grid

    def _merge(self, min_col, min_row, max_col, max_row):
        for r in range(min_row, max_row + 1):
            for c in range(min_col, max_col + 1):
                if (r, c) != (min_row, min_col):
                    self.merged[(r, c)] = (min_row, min_col)

    def _measure(self):
        cells = list(self.values) + list(self.merged)
        self.max_row = max((r for r, _ in cells), default=0)
        self.max_col = max((c for _, c in cells), default=0)

    def value(self, row: int, col: int) -> Any:
        return self.values.get((row, col))

    def shown(self, row: int, col: int) -> tuple[Any, tuple[int, int]]:
        """What the cell shows and where that value lives: a merged cell shows its anchor's."""
        anchor = self.merged.get((row, col), (row, col))
        return self.values.get(anchor), anchor

    def row_values(self, row: int) -> list[Any]:
        return [self.values.get((row, c)) for c in range(1, self.max_col + 1)]

    def is_formula(self, row: int, col: int) -> bool:
        return (row, col) in self.formulas


def _is_formula(cell) -> bool:
    return cell.data_type == "f" or isinstance(cell.value, (ArrayFormula, DataTableFormula))


def read_workbook(data: bytes) -> list[SheetGrid]:
    """The visible sheets of an .xlsx already checked by schnor_portal.xlsx.check_zip_upload."""
    try:
        # Not read-only: merged ranges (a school's name over its year columns) exist only in a
        # workbook openpyxl builds whole; the upload's size, cells and texts were checked first.
        workbook = openpyxl.load_workbook(io.BytesIO(data), data_only=False, keep_links=False)
    except Exception as error:  # openpyxl raises many kinds on a broken workbook
        raise WorkbookProblem("Не удалось прочитать файл Excel: он повреждён или сохранён в другом формате.") from error
    try:
        return [_grid(ws) for ws in workbook.worksheets if ws.sheet_state == "visible"]
    finally:
        workbook.close()


def _grid(ws) -> SheetGrid:
    grid = SheetGrid(title=ws.title)
    # Only cells holding something count (`_cells` is openpyxl's store of existing cells; iter_rows
    # would create every cell down to a formatted row 1 048 576).
    for (r, c), cell in ws._cells.items():
        if cell.value is None or cell.value == "":
            continue
        if r > MAX_ROWS or c > MAX_COLUMNS:
            raise WorkbookProblem(
                f"На листе «{ws.title}» заполнены ячейки дальше строки {MAX_ROWS} или столбца "
                f"{get_column_letter(MAX_COLUMNS)}: разбейте файл на части."
            )
        if _is_formula(cell):
            grid.formulas.add((r, c))
            value = cell.value.text if isinstance(cell.value, ArrayFormula) else cell.value
            grid.values[(r, c)] = str(value) if value is not None else "="
        else:
            grid.values[(r, c)] = cell.value
        if "%" in (cell.number_format or ""):
            grid.percent.add((r, c))
    # A range merged far past the filled cells covers nothing the parser reads: cut it there, so
    # «A1:XFD1048576» costs no more than the table.
    last_row = max((r for r, _ in grid.values), default=0)
    last_col = max((c for _, c in grid.values), default=0)
    for rng in ws.merged_cells.ranges:
        if rng.min_row > last_row or rng.min_col > last_col:
            continue
        grid._merge(rng.min_col, rng.min_row, min(rng.max_col, last_col), min(rng.max_row, last_row))
    grid._measure()
    return grid
