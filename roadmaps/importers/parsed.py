"""What the plan parser returns: sections and activities as plain dataclasses, and their JSON.

``contract()`` is the JSON of `manage.py import_plan FILE --json`; ``to_dict``/``from_dict`` carry a
parsed plan from the preview to the confirmation. Pure Python.
"""

from dataclasses import dataclass, field
from datetime import date

from roadmaps.deadlines import parse_deadline
from roadmaps.executors import Executor


@dataclass
class ParsedActivity:
    number: str
    content: str
    deadline: str
    executors_text: str
    executors: list[Executor]
    result: str
    source: str = ""
    deadline_kind: str = ""
    deadline_windows: list = field(default_factory=list)  # [(start or None, due)]

    def contract(self):
        return {
            "number": self.number,
            "content": self.content,
            "deadline": self.deadline,
            "executors": [{"level": e.level, "name": e.name} for e in self.executors],
            "result": self.result,
        }

    def to_dict(self):
        return {
            "number": self.number,
            "content": self.content,
            "deadline": self.deadline,
            "executors_text": self.executors_text,
            "executors": [[e.level, e.kind, e.name] for e in self.executors],
            "result": self.result,
            "source": self.source,
        }

    @classmethod
    def from_dict(cls, data):
        return cls(
            number=str(data["number"]),
            content=str(data["content"]),
            deadline=str(data["deadline"]),
            executors_text=str(data["executors_text"]),
            executors=[Executor(*map(str, e)) for e in data["executors"]],
            result=str(data["result"]),
            source=str(data.get("source", "")),
        )


@dataclass
class ParsedSection:
    number: str
    title: str
    kind: str = "section"  # "part" | "cluster" | "section"
    tasks: str = ""
    indicators: str = ""
    parent: int | None = None  # index in ParsedPlan.sections
    cluster_number: int | None = None  # kind "cluster" only
    cluster_name: str = ""
    from_paragraph: bool = False
    activities: list[ParsedActivity] = field(default_factory=list)

    def contract(self):
        return {
            "number": self.number,
            "title": self.title,
            "tasks": self.tasks,
            "indicators": self.indicators,
            "activities": [a.contract() for a in self.activities],
        }

    def to_dict(self):
        return {
            "number": self.number,
            "title": self.title,
            "kind": self.kind,
            "tasks": self.tasks,
            "indicators": self.indicators,
            "parent": self.parent,
            "cluster_number": self.cluster_number,
            "cluster_name": self.cluster_name,
            "activities": [a.to_dict() for a in self.activities],
        }

    @classmethod
    def from_dict(cls, data):
        return cls(
            number=str(data["number"]),
            title=str(data["title"]),
            kind=data["kind"] if data["kind"] in ("part", "cluster", "section") else "section",
            tasks=str(data["tasks"]),
            indicators=str(data["indicators"]),
            parent=data["parent"],
            cluster_number=data["cluster_number"],
            cluster_name=str(data["cluster_name"]),
            activities=[ParsedActivity.from_dict(a) for a in data["activities"]],
        )


@dataclass
class ParsedPlan:
    sections: list[ParsedSection]
    warnings: list[str] = field(default_factory=list)
    title: str = ""  # the plan's title as the document prints it above the table, if found
    # The plan table's columns in document order with their headings as printed
    # ([{key, heading, group}], see roadmaps.layout); not in the contract, kept by the preview.
    columns: list[dict] = field(default_factory=list)

    @property
    def activity_count(self):
        return sum(len(s.activities) for s in self.sections)

    def depth(self, index):
        depth, parent = 0, self.sections[index].parent
        while parent is not None:
            depth, parent = depth + 1, self.sections[parent].parent
        return depth

    def cluster_of(self, index):
        """The index of the cluster section that holds section `index` (itself included)."""
        while index is not None:
            if self.sections[index].kind == "cluster":
                return index
            index = self.sections[index].parent
        return None

    def contract(self):
        """The JSON of `manage.py import_plan FILE --json`."""
        return {"sections": [s.contract() for s in self.sections], "warnings": list(self.warnings)}

    def to_dict(self):
        return {
            "sections": [s.to_dict() for s in self.sections],
            "warnings": self.warnings,
            "title": self.title,
            "columns": [dict(c) for c in self.columns],
        }

    @classmethod
    def from_dict(cls, data):
        sections = [ParsedSection.from_dict(s) for s in data["sections"]]
        for i, s in enumerate(sections):
            if s.parent is not None and not (isinstance(s.parent, int) and 0 <= s.parent < i):
                raise ValueError("a section's parent must come before it")
        columns = [
            {"key": str(c.get("key", "")), "heading": str(c.get("heading", "")), "group": str(c.get("group", ""))}
            for c in data.get("columns", [])
            if isinstance(c, dict)
        ]
        return cls(
            sections=sections, warnings=[str(w) for w in data["warnings"]], title=str(data.get("title", "")), columns=columns
        )

    def apply_period(self, period_start: date, period_end: date):
        """Read every deadline against the plan's period, for the preview."""
        for section in self.sections:
            for a in section.activities:
                deadline = parse_deadline(a.deadline, period_start, period_end)
                a.deadline_kind, a.deadline_windows = deadline.kind, list(deadline.windows)
        return self
