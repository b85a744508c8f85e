"""What the order parser returns: the order's requisites, points and appendices as plain
dataclasses, and their JSON (``contract()`` is what `manage.py import_order FILE --json` prints).
Pure Python."""

from dataclasses import dataclass, field

from roadmaps.importers import ParsedPlan


@dataclass
class ParsedPoint:
    number: str
    text: str
    deadline: str = ""
    executors: list[str] = field(default_factory=list)

    def contract(self):
        return {"number": self.number, "text": self.text, "deadline": self.deadline, "executors": list(self.executors)}


@dataclass
class ParsedApproval:
    word: str  # «УТВЕРЖДАЮ» | «СОГЛАСОВАНО» | «УТВЕРЖДЕН»
    position: str = ""
    name: str = ""
    date: str = ""  # as written: «__» ____ 20__ г. stays blank-ish, a real date stays as printed

    def contract(self):
        return {"word": self.word, "position": self.position, "name": self.name, "date": self.date}


@dataclass
class ParsedMember:
    name: str
    position: str = ""
    role: str = "член"  # «председатель» | «секретарь» | «член» (and «заместитель председателя»)

    def contract(self):
        return {"name": self.name, "position": self.position, "role": self.role}


@dataclass
class ParsedAppendix:
    number: str = ""
    title: str = ""
    kind: str = "other"  # "plan" | "working_group" | "schools" | "other"
    approval: list[ParsedApproval] = field(default_factory=list)
    plan: ParsedPlan | None = None
    members: list[ParsedMember] = field(default_factory=list)
    schools: list[str] = field(default_factory=list)
    text: str = ""  # what an "other" appendix says, kept for saving it as a text appendix
    # From its caption «Приложение N к приказу … от … № …»: used when the file holds no order text.
    caption_kind: str = ""
    caption_number: str = ""
    caption_date: str = ""
    caption_authority: str = ""

    def contract(self):
        return {
            "number": self.number,
            "title": self.title,
            "kind": self.kind,
            "approval": [a.contract() for a in self.approval],
            "plan": self.plan.contract() if self.plan is not None else None,
            "members": [m.contract() for m in self.members],
            "schools": list(self.schools),
        }


@dataclass
class ParsedVoid:
    number: str
    date: str  # ISO when the date reads, else as written

    def contract(self):
        return {"number": self.number, "date": self.date}


@dataclass
class ParsedOrder:
    authority: list[str] = field(default_factory=list)
    kind: str = ""  # «приказ» | «распоряжение» | «постановление»
    number: str = ""
    date: str | None = None  # ISO
    place: str = ""
    title: str = ""
    preamble: str = ""
    operative_word: str = ""
    points: list[ParsedPoint] = field(default_factory=list)
    signatory_position: str = ""
    signatory_name: str = ""
    appendices: list[ParsedAppendix] = field(default_factory=list)
    voids: list[ParsedVoid] = field(default_factory=list)
    warnings: list[str] = field(default_factory=list)
    has_order_text: bool = True

    def contract(self):
        """The JSON of `manage.py import_order FILE --json`."""
        return {
            "authority": list(self.authority),
            "kind": self.kind,
            "number": self.number,
            "date": self.date,
            "place": self.place,
            "title": self.title,
            "preamble": self.preamble,
            "operative_word": self.operative_word,
            "points": [p.contract() for p in self.points],
            "signatory": {"position": self.signatory_position, "name": self.signatory_name},
            "appendices": [a.contract() for a in self.appendices],
            "voids": [v.contract() for v in self.voids],
            "warnings": list(self.warnings),
        }
