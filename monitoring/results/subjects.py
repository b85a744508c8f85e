"""School subjects and the scales their results are measured on. Pure Python.

Source tables write a subject many ways («Математика (профиль)», «профильная математика»,
«Математика П»); results are only comparable across years, schools and the region when each is
stored under one name, so every import and form goes through `canonical_subject`.
"""

import difflib
from dataclasses import dataclass
from decimal import Decimal

# In the order the source tables list them; the results pages keep it.
SUBJECTS = (
    "Русский язык",
    "Математика",
    "Математика (база)",
    "Математика (профиль)",
    "Физика",
    "Химия",
    "Информатика",
    "Биология",
    "История",
    "География",
    "Английский язык",
    "Немецкий язык",
    "Французский язык",
    "Китайский язык",
    "Испанский язык",
    "Обществознание",
    "Литература",
    "Окружающий мир",
    "Читательская грамотность",
    "Математическая грамотность",
    "Естественнонаучная грамотность",
    "Финансовая грамотность",
    "Глобальные компетенции",
    "Креативное мышление",
)

_ALIASES = {
    "русский": "Русский язык",
    "рус. язык": "Русский язык",
    "рус.яз": "Русский язык",
    "русский яз.": "Русский язык",
    "математика база": "Математика (база)",
    "математика базовая": "Математика (база)",
    "базовая математика": "Математика (база)",
    "математика (базовый уровень)": "Математика (база)",
    "математика б": "Математика (база)",
    "математика профиль": "Математика (профиль)",
    "математика профильная": "Математика (профиль)",
    "профильная математика": "Математика (профиль)",
    "математика (профильный уровень)": "Математика (профиль)",
    "математика п": "Математика (профиль)",
    "информатика и икт": "Информатика",
    "английский": "Английский язык",
    "англ. язык": "Английский язык",
    "иностранный язык (английский)": "Английский язык",
    "немецкий": "Немецкий язык",
    "французский": "Французский язык",
    "китайский": "Китайский язык",
    "испанский": "Испанский язык",
}


def _key(text):
    return " ".join(str(text).lower().replace("ё", "е").split())


_BY_KEY = {_key(name): name for name in SUBJECTS} | {_key(alias): name for alias, name in _ALIASES.items()}


def canonical_subject(text):
    """The portal's name for a subject as written, or None when it is not a subject we know."""
    if text is None:
        return None
    return _BY_KEY.get(_key(text))


def suggest_subject(text):
    """The closest known subject, for «возможно, вы имели в виду …» next to a rejected cell."""
    matches = difflib.get_close_matches(_key(text), list(_BY_KEY), n=1, cutoff=0.6)
    return _BY_KEY[matches[0]] if matches else None


def subject_order(name):
    try:
        return (SUBJECTS.index(name), name)
    except ValueError:
        return (len(SUBJECTS), name)


@dataclass(frozen=True)
class Scale:
    maximum: Decimal | None
    # Below it a result is marked «ниже порога»: the minimum score for ЕГЭ, the «3» mark elsewhere.
    threshold: Decimal | None
    unit: str

    @property
    def is_mark(self):
        return self.maximum == 5


MARK = Scale(Decimal(5), Decimal(3), "отметка")
PERCENT = Scale(Decimal(100), None, "балл")

# Minimum ЕГЭ scores set by Рособрнадзор (unchanged 2021–2024 for these subjects).
EGE_MINIMUM = {
    "Русский язык": 24,
    "Математика (профиль)": 27,
    "Физика": 36,
    "Химия": 36,
    "Информатика": 40,
    "Биология": 36,
    "История": 32,
    "География": 37,
    "Английский язык": 22,
    "Немецкий язык": 22,
    "Французский язык": 22,
    "Китайский язык": 17,
    "Испанский язык": 22,
    "Обществознание": 42,
    "Литература": 32,
}

DEFAULT_GRADE = {"ege": 11, "oge": 9}


def scale_for(procedure, subject):
    if procedure == "ege":
        if subject == "Математика (база)":
            return MARK
        minimum = EGE_MINIMUM.get(subject)
        return Scale(Decimal(100), Decimal(minimum) if minimum is not None else None, "балл")
    if procedure in ("oge", "vpr"):
        return MARK
    return PERCENT


def is_below_threshold(procedure, subject, score):
    if score is None:
        return False
    threshold = scale_for(procedure, subject).threshold
    return threshold is not None and score < threshold


def format_score(value, procedure=""):
    """A score as the source tables print it: «71», «68,4», «66,17»; marks keep one decimal («4,0»)."""
    if value is None:
        return ""
    value = Decimal(value)
    text = f"{value.normalize():f}"
    if procedure in ("oge", "vpr") and "." not in text:
        text = f"{value:.1f}"
    return text.replace(".", ",")


def format_average(value):
    """An average the portal computed: always two decimals, so «3,80» sits beside «3,63», not «3,8»."""
    return "" if value is None else f"{Decimal(value):.2f}".replace(".", ",")
