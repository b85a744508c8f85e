"""What a results file holds once read: results, averages, the tables they came from, what is wrong.

Plain dataclasses, JSON-ready through to_payload/from_payload: the preview sends them to the
browser signed, the confirmation reads them back (monitoring/results/views/imports.py).
"""

from dataclasses import dataclass, field
from decimal import Decimal
from typing import Any

from .cells import LEVEL_LABELS, PROCEDURE_LABELS, cell_text

MAX_ERRORS_SHOWN = 300


def _dec(value: Decimal | None) -> str | None:
    return None if value is None else f"{value:f}"


def _undec(value: str | None) -> Decimal | None:
    return None if value is None else Decimal(value)


@dataclass(frozen=True)
class CellError:
    sheet: str
    cell: str  # «C7»; empty for a problem of the whole sheet
    value: Any
    message: str

    @property
    def text(self) -> str:
        where = f"Лист «{self.sheet}»" + (f", ячейка {self.cell}" if self.cell else "")
        shown = cell_text(self.value)
        if len(shown) > 60:
            shown = shown[:57] + "…"
        return f"{where}{f' («{shown}»)' if shown else ''}: {self.message}"


@dataclass
class ParsedResult:
    """One school's value of one subject and year. None = the file says nothing (keep what is stored)."""

    sheet: str
    cell: str
    school_id: int
    school_name: str
    procedure: str
    subject: str
    grade: int
    year: int
    average_score: Decimal | None = None
    failed_share: Decimal | None = None
    participants: int | None = None
    nobody: bool = False  # «-»: held, nobody from the school took it

    @property
    def key(self) -> tuple:
        return (self.school_id, self.procedure, self.subject, self.grade, self.year)

    @property
    def procedure_label(self) -> str:
        return PROCEDURE_LABELS.get(self.procedure, self.procedure)

    def to_payload(self) -> dict:
        return {
            "sheet": self.sheet,
            "cell": self.cell,
            "school_id": self.school_id,
            "school_name": self.school_name,
            "procedure": self.procedure,
            "subject": self.subject,
            "grade": self.grade,
            "year": self.year,
            "average_score": _dec(self.average_score),
            "failed_share": _dec(self.failed_share),
            "participants": self.participants,
            "nobody": self.nobody,
        }

    @classmethod
    def from_payload(cls, data: dict) -> "ParsedResult":
        participants = data["participants"]
        return cls(
            sheet=str(data["sheet"]),
            cell=str(data["cell"]),
            school_id=int(data["school_id"]),
            school_name=str(data["school_name"]),
            procedure=str(data["procedure"]),
            subject=str(data["subject"]),
            grade=int(data["grade"]),
            year=int(data["year"]),
            average_score=_undec(data["average_score"]),
            failed_share=_undec(data["failed_share"]),
            participants=None if participants is None else int(participants),
            nobody=bool(data["nobody"]),
        )


@dataclass
class ParsedReference:
    """A municipal or regional average. The owner is the importing municipality or its region."""

    sheet: str
    cell: str
    level: str  # municipality | region
    procedure: str
    subject: str
    grade: int
    year: int
    average_score: Decimal | None = None
    failed_share: Decimal | None = None

    @property
    def key(self) -> tuple:
        return (self.level, self.procedure, self.subject, self.grade, self.year)

    @property
    def level_label(self) -> str:
        return LEVEL_LABELS.get(self.level, self.level)

    @property
    def procedure_label(self) -> str:
        return PROCEDURE_LABELS.get(self.procedure, self.procedure)

    def to_payload(self) -> dict:
        return {
            "sheet": self.sheet,
            "cell": self.cell,
            "level": self.level,
            "procedure": self.procedure,
            "subject": self.subject,
            "grade": self.grade,
            "year": self.year,
            "average_score": _dec(self.average_score),
            "failed_share": _dec(self.failed_share),
        }

    @classmethod
    def from_payload(cls, data: dict) -> "ParsedReference":
        return cls(
            sheet=str(data["sheet"]),
            cell=str(data["cell"]),
            level=str(data["level"]),
            procedure=str(data["procedure"]),
            subject=str(data["subject"]),
            grade=int(data["grade"]),
            year=int(data["year"]),
            average_score=_undec(data["average_score"]),
            failed_share=_undec(data["failed_share"]),
        )


@dataclass(frozen=True)
class Unmatched:
    sheet: str
    cell: str
    name: str
    suggestions: tuple[str, ...]


@dataclass
class TableInfo:
    """How one table was read, for the preview: «Лист «ЕГЭ», A1:V16: школа × предмет × год, ЕГЭ, 11 класс»."""

    sheet: str
    layout: str  # long | wide | references
    area: str
    procedure_label: str = ""
    grade: int | None = None
    measure: str = ""
    procedure_source: str = ""
    columns: list[str] = field(default_factory=list)  # a column group → what it was read as
    results: int = 0
    references: int = 0

    @property
    def layout_label(self) -> str:
        return {
            "long": "шаблон (строка — один результат)",
            "wide": "таблица «школа × предмет × год»",
            "references": "средние по муниципалитету и региону",
        }[self.layout]


@dataclass
class ParseResult:
    results: list[ParsedResult] = field(default_factory=list)
    references: list[ParsedReference] = field(default_factory=list)
    cell_errors: list[CellError] = field(default_factory=list)
    file_errors: list[str] = field(default_factory=list)
    tables: list[TableInfo] = field(default_factory=list)
    skipped_sheets: list[str] = field(default_factory=list)
    unmatched: list[Unmatched] = field(default_factory=list)
    empty_rows: int = 0  # rows of the long layout with no value at all: «no data», as an empty cell

    @property
    def errors(self) -> list[str]:
        return self.file_errors + [error.text for error in self.cell_errors]

    @property
    def errors_shown(self) -> list[str]:
        return self.errors[:MAX_ERRORS_SHOWN]

    @property
    def errors_hidden(self) -> int:
        return max(0, len(self.errors) - MAX_ERRORS_SHOWN)

    @property
    def ok(self) -> bool:
        return not self.file_errors and not self.cell_errors
