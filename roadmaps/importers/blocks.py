"""What the readers (docx_plan, xlsx_plan) make of a file: paragraphs and tables in document order.

A merged cell is repeated on every grid position it covers, with the same ``key``. Pure Python.
"""

from dataclasses import dataclass


class PlanFileError(ValueError):
    """A file that holds no plan we can read; the message is shown to the user as is."""


@dataclass
class Cell:
    text: str
    bold: bool = False
    key: object = None  # the same key on several grid positions = one merged cell


@dataclass
class Paragraph:
    text: str
    bold: bool = False


@dataclass
class Table:
    rows: list[list[Cell]]
    label: str  # «Таблица 2», «Лист «План»»
    row_numbers: list[int] | None = None  # as the user sees them (Excel rows); 1… by default

    def row_label(self, index):
        number = self.row_numbers[index] if self.row_numbers else index + 1
        return f"{self.label}, строка {number}"

