"""Recognising an order's requisites in its lines of text. Pure Python.

Dates as the documents print them («04.04.2023», «4 апреля 2023 г.», ««28» марта 2025 г.»),
numbers as written («87», «229-ра», «5.04.32-111-А/25»; the space of «229 -ра» is a typing slip),
the kind line («П Р И К А З» is spaced for looks), the operative word, numbered points with their
deadline and executors, voided orders, appendix captions, approval stamps, signatures, working
group members and school names.
"""

import re
from datetime import date

MONTHS = {
    "январ": 1, "феврал": 2, "март": 3, "апрел": 4, "ма": 5, "июн": 6,
    "июл": 7, "август": 8, "сентябр": 9, "октябр": 10, "ноябр": 11, "декабр": 12,
}
_MONTH_WORD = r"(?:января|февраля|марта|апреля|мая|июня|июля|августа|сентября|октября|ноября|декабря)"
_NUMERIC_DATE = r"\d{1,2}\s?\.\s?\d{1,2}\s?\.\s?(?:\d{4}|\d{2})(?!\d)"
_WORD_DATE = rf"[«\"“]?\s?\d{{1,2}}\s?[»\"”]?\s+{_MONTH_WORD}\s+\d{{4}}"
# «04.04.2023 г.», but not the «г.» of a town after it: «28.03.2025 г. Углегорск».
DATE = rf"(?:{_NUMERIC_DATE}|{_WORD_DATE})(?:[ \u00a0]?(?:г\.(?!\s?[А-ЯЁ][а-яё])|года|г(?![а-яё.])))?"
DATE_RE = re.compile(DATE, re.IGNORECASE)
# «№ 229 -ра», «N 87», «№5.04.32-111-А/25»; stops at a space before a word or a quote.
NUMBER_RE = re.compile(r"(?:№|N(?=\s*\d))\s*(?P<n>[0-9A-Za-zА-Яа-яЁё][0-9A-Za-zА-Яа-яЁё./\\_]*(?:\s*[-–]\s*[0-9A-Za-zА-Яа-яЁё./]+)*)")

KINDS = {"ПРИКАЗ": "приказ", "РАСПОРЯЖЕНИЕ": "распоряжение", "ПОСТАНОВЛЕНИЕ": "постановление"}
KIND_DATIVE = {"приказу": "приказ", "распоряжению": "распоряжение", "постановлению": "постановление"}
OPERATIVE_WORDS = ("ПРИКАЗЫВАЮ", "ПОСТАНОВЛЯЮ", "ОБЯЗЫВАЮ", "РАСПОРЯЖАЮСЬ", "ПОСТАНОВЛЯЕТ", "РЕШИЛ")
_OPERATIVE_RE = re.compile(
    r"(?:^|(?<=[\s,;]))(?P<w>" + "|".join(r"\s?".join(w) for w in OPERATIVE_WORDS) + r")\s*:?\s*$", re.IGNORECASE
)
PREAMBLE_STARTS = re.compile(
    r"^(?:в\s+соответствии|на\s+основании|в\s+целях|с\s+целью|во\s+исполнение|руководствуясь|в\s+связи|"
    r"согласно|в\s+рамках|для\s+|по\s+результатам|учитывая|рассмотрев|в\s+исполнение)",
    re.IGNORECASE,
)
POINT_RE = re.compile(r"^\s*(?P<n>\d{1,2})\s*[.)]\s*(?P<t>\S.*)$", re.DOTALL)
SUBPOINT_RE = re.compile(r"^\s*\d{1,2}\.\d{1,2}\.?(?:\d{1,2}\.?)?\s+\S")
PLACE_RE = re.compile(
    r"(?<![а-яё])(?P<p>(?:г|с|п|пгт|р\.\s?п|рп|ст|д|х|пос|гор)\.\s?[А-ЯЁ][А-Яа-яЁё\-]+(?:\s+[А-ЯЁ][А-Яа-яЁё\-]+)?)"
)
# «Т.И. Буц», «Т.И.Буц», «А. А. Коренчук», «Касьян В.В.», «Марковой Сон Ок» is beyond reach.
_SURNAME = r"[А-ЯЁ][а-яё]+(?:-[А-ЯЁ][а-яё]+)?"
_INITIALS = r"[А-ЯЁ]\.\s?(?:[А-ЯЁ]\.)?"
NAME_RE = re.compile(rf"(?P<a>{_INITIALS}\s?{_SURNAME})|(?P<b>{_SURNAME}\s{_INITIALS})")
NAME_ONLY_RE = re.compile(rf"^\s*(?:_+\s*|подпись\s*)?(?:{_INITIALS}\s?{_SURNAME}|{_SURNAME}\s{_INITIALS})\s*$")
CAPTION_RE = re.compile(
    r"^\s*приложени[ея]\s*(?:№\s*|N\s*)?(?P<n>\d{1,2}|[IVX]{1,4})?(?![\wа-яё])\s*[.,:]?\s*(?P<rest>.*)$", re.IGNORECASE | re.DOTALL
)
APPROVED_BY_RE = re.compile(
    r"^\s*(?P<w>у\s?т\s?в\s?е\s?р\s?ж\s?д\s?е\s?н\s?[аоы]?)\s+(?P<rest>(?:приказом|распоряжением|постановлением).*)$",
    re.IGNORECASE | re.DOTALL,
)
STAMP_RE = re.compile(r"^\s*(?P<w>у\s?т\s?в\s?е\s?р\s?ж\s?д\s?а\s?ю|с\s?о\s?г\s?л\s?а\s?с\s?о\s?в\s?а\s?н\s?о|у\s?т\s?в\s?е\s?р\s?ж\s?д\s?е\s?н\s?[аоы]?)\s*:?\s*(?P<rest>.*)$", re.IGNORECASE | re.DOTALL)
BLANK_DATE_RE = re.compile(r"[«\"]\s*_*\s*[»\"]\s*_+\s*(?:20_*|\d{4})?\s*(?:г\.?|года)?|_{2,}\s*\.\s*_{2,}\s*\.\s*(?:20)?_*")
LEGAL_FORMS = r"(?:[МГ]?[АБК]?[ОН]?ОУ|МБОУ|МКОУ|МАОУ|БОУ|КОУ|ГБОУ|ЧОУ|МОУ|МБОО|МКОО)"
# A school's name: a legal form or a kind of school, never «… качества образования школ …».
SCHOOL_WORDS = re.compile(
    rf"(?<![А-Яа-яЁё])(?:(?-i:СОШ|ООШ|НОШ|СШ|ОШ|{LEGAL_FORMS})(?![А-Яа-яЁё])|гимназия|лицей|школа(?:-интернат|-сад)?(?![а-яё])|филиал)",
    re.IGNORECASE,
)
GROUP_ROLES = (
    ("заместитель председателя", re.compile(r"заместител\w*\s+председател\w*(?:\s+(?:рабочей\s+)?(?:группы|комиссии))?", re.IGNORECASE)),
    ("председатель", re.compile(r"(?<![а-яё])председател\w*\s+(?:рабочей\s+)?(?:группы|комиссии)|^председатель$", re.IGNORECASE)),
    ("секретарь", re.compile(r"(?<![а-яё])секретар\w*(?:\s+(?:рабочей\s+)?(?:группы|комиссии))?", re.IGNORECASE)),
    ("член", re.compile(r"(?<![а-яё])член\w*(?:\s+(?:рабочей\s+)?(?:группы|комиссии))?", re.IGNORECASE)),
)
_DASH = r"\s[-–—]\s"


def clean(text: str) -> str:
    return " ".join(text.replace("\u00a0", " ").split())


def squeeze(text: str) -> str:
    """«П Р И К А З» → «ПРИКАЗ»."""
    return re.sub(r"[\s:]+", "", text).upper()


def parse_date(text: str) -> date | None:
    """The first date written in the text («№ 5.04.32-111» is a number, not 5 April 2032)."""
    for m in DATE_RE.finditer(NUMBER_RE.sub(" ", text)):
        found = _to_date(m.group(0))
        if found:
            return found
    return None


def _to_date(text):
    text = re.sub(r"\s", "", text.lower()) if re.match(r"^\s*\d{1,2}\s?\.", text) else text.lower()
    if m := re.match(r"(\d{1,2})\.(\d{1,2})\.(\d{4}|\d{2})(?!\d)", text):
        day, month, year = int(m[1]), int(m[2]), int(m[3])
        year = year + 2000 if year < 100 else year
    elif m := re.search(rf"(\d{{1,2}})\D{{0,2}}\s+({_MONTH_WORD})\s+(\d{{4}})", text):
        day, year = int(m[1]), int(m[3])
        month = next(v for k, v in MONTHS.items() if m[2].startswith(k))
    else:
        return None
    try:
        return date(year, month, day)
    except ValueError:
        return None


def iso(value: date | None) -> str | None:
    return value.isoformat() if value else None


def find_number(text: str) -> str:
    m = NUMBER_RE.search(text)
    if not m:
        return ""
    number = re.sub(r"\s*([-–])\s*", r"\1", m["n"]).replace("–", "-")
    return number.rstrip(".,;")


def find_place(text: str) -> str:
    m = PLACE_RE.search(text)
    return clean(m["p"]) if m else ""


def kind_line(line: str) -> tuple[str, str] | None:
    """(kind, what follows it on the line) when the line names the document's kind."""
    m = re.match(r"^\s*((?:[А-ЯЁ]\s?){6,13})(?![а-яё])(.*)$", line)
    if not m:
        return None
    word = squeeze(m[1])
    for key, kind in KINDS.items():
        if word.startswith(key) and len(word) <= len(key) + 1:
            return kind, m[2].strip()
    return None


def operative_word(line: str) -> tuple[str, str] | None:
    """(the word without its colon, the text before it) when the line ends with an operative word."""
    m = _OPERATIVE_RE.search(line)
    if not m:
        return None
    before = line[: m.start()].strip()
    if before and not m["w"].isupper():
        return None  # «… постановляет» in running text is no operative word unless in capitals
    return squeeze(m["w"]), before


def is_requisite_line(line: str) -> bool:
    """A line of the date / number / place block under the kind line."""
    if len(line) > 120:
        return False
    if not (DATE_RE.search(line) or re.search(r"№\s*\S*\d", line) or PLACE_RE.search(line)):
        return False
    rest = NUMBER_RE.sub(" ", line)
    rest = DATE_RE.sub(" ", rest)
    rest = PLACE_RE.sub(" ", rest)
    rest = re.sub(r"(?<![а-яё])от(?![а-яё])|г\.|_+|\s", "", rest, flags=re.IGNORECASE)
    return len(rest) <= 3 and rest != line.strip()


# --- points ---------------------------------------------------------------------------------

_DEADLINE_PATTERNS = [
    re.compile(rf"(?:в\s+срок\s+)?(?:до|не\s+позднее|не\s+позже)\s+{DATE}", re.IGNORECASE),
    re.compile(rf"в\s+срок\s+(?:до\s+)?{DATE}", re.IGNORECASE),
    re.compile(r"(?:в\s+срок\s+)?до\s+(?:конца|окончания)\s+(?:\d{4}\s+года|года|[а-я]+\s+\d{4}\s+года|\d{4}(?:/\d{2,4})?\s+учебного\s+года|учебного\s+года)", re.IGNORECASE),
    re.compile(r"по\s+итогам\s+(?:\d{4}\s+года|[а-я]+\s+(?:\d{4}\s+)?(?:года|полугодия|квартала)|года|полугодия|квартала|учебного\s+года)", re.IGNORECASE),
    re.compile(rf"(?:до|не\s+позднее)\s+\d{{1,2}}\s+{_MONTH_WORD}(?:\s+(?:\d{{4}}\s*(?:г\.|года)?|текущего\s+года))?", re.IGNORECASE),
    re.compile(r"(?<![а-яё])(?:ежеквартально|ежемесячно|еженедельно|ежегодно|постоянно|систематически|раз\s+в\s+(?:месяц|квартал|полугодие|год|четверть))(?:,?\s+не\s+позднее\s+[^.;()]+)?", re.IGNORECASE),
    re.compile(r"в\s+течение\s+(?:\d{4}(?:/\d{2,4})?\s+)?(?:года|учебного\s+года|\d{4}\s+года|месяца|недели|квартала|срока\s+действия[^.;]*)", re.IGNORECASE),
]
_EXPLICIT_DEADLINE = re.compile(r"срок(?:и)?\s+(?:исполнения|выполнения|представления)?\s*[:\-–—]\s*(?P<d>[^.;]+(?:\.\d[^.;]*)*)", re.IGNORECASE)
_RESPONSIBLE = re.compile(r"ответственн\w*(?:\s+(?:исполнител\w*|лиц\w*|за\s+исполнение))?\s*[:\-–—]\s*(?P<e>[^;]+)", re.IGNORECASE)
_ENTRUST = re.compile(r"возложить\s+на\s+(?P<e>.+?)\s*$", re.IGNORECASE | re.DOTALL)
_KEEP_SELF = re.compile(r"оставляю\s+за\s+собой", re.IGNORECASE)
_INFINITIVE = re.compile(r"(?<![а-яё])[а-яё]{3,}(?:ть|ться|чь)(?![а-яё])")
_DATIVE_START = re.compile(r"^[А-ЯЁ][а-яё]+(?:ому|ему|ам|ям)(?![а-яё])")


def point_deadline(text: str) -> str:
    if m := _EXPLICIT_DEADLINE.search(text):
        return clean(m["d"]).rstrip(" .,")
    for pattern in _DEADLINE_PATTERNS:
        if m := pattern.search(text):
            return clean(m.group(0)).rstrip(" .,")
    return ""


def point_executors(text: str, deadline: str = "") -> list[str]:
    """Who a point names to do it, as written: «Ответственный: …», «возложить на …», a
    parenthesised name («(Иванова А.А.)») or the dative addressee the point opens with
    («Руководителям ОО … в срок до … представить»)."""
    if m := _RESPONSIBLE.search(text):
        return _split_names(m["e"])
    if m := _ENTRUST.search(text):
        return [_without_final_dot(clean(m["e"]))]
    if _KEEP_SELF.search(text):
        return []
    if _DATIVE_START.match(text):
        end = len(text)
        if deadline and (at := text.find(deadline)) > 0:
            end = at
        if m := _INFINITIVE.search(text):
            end = min(end, m.start())
        addressee = clean(text[:end]).rstrip(" ,")
        if addressee and addressee != clean(text):
            return _split_addressee(addressee)
    names = []
    for m in re.finditer(r"\(([^()]+)\)", text):
        inside = re.sub(r"^\s*(?:отв\.|ответственн\w*|исп\.|исполнител\w*)\s*:?\s*", "", m.group(1), flags=re.IGNORECASE)
        if all(NAME_RE.fullmatch(p.strip()) for p in inside.split(",")):
            names.append(clean(inside))
    if names:
        return [n for chunk in names for n in _split_names(chunk)]
    return []


def _split_addressee(text):
    """«Руководителям школ, … (…), кураторам (…), специалистам …» → one executor per dative head."""
    parts, depth, start = [], 0, 0
    for i, ch in enumerate(text):
        if ch in "(«":
            depth += 1
        elif ch in ")»":
            depth = max(0, depth - 1)
        elif ch == "," and depth == 0 and re.match(r"\s*(?:и\s+)?[а-яёА-ЯЁ]+(?:ому|ему|ам|ям)(?![а-яё])", text[i + 1:]):
            parts.append(text[start:i])
            start = i + 1
    parts.append(text[start:])
    return [clean(p).strip(" ,") for p in parts if clean(p).strip(" ,")]


def _without_final_dot(text):
    """A final dot is the sentence's, unless it closes an initial («Сидорова В.В.»)."""
    return text if re.search(r"(?<![А-ЯЁа-яё])[А-ЯЁ]\.$", text) else text.rstrip(".")


def _split_names(text):
    parts = [_without_final_dot(clean(p)) for p in re.split(r",|;", text)]
    return [p for p in parts if p]


def point_voids(text: str) -> list[tuple[str, str]]:
    """(number, ISO date or date as written) of each order the point declares void."""
    m = re.search(r"утратившим\w*\s+силу", text, re.IGNORECASE)
    if not m:
        return []
    found = []
    for ref in re.finditer(rf"(?:от\s+(?P<d>{DATE})\s*)?(?:№|N(?=\s*\d))\s*\S+(?:\s*(?:от\s+(?P<d2>{DATE})))?", text, re.IGNORECASE):
        number = find_number(ref.group(0))
        written = ref["d"] or ref["d2"] or ""
        if not number:
            continue
        parsed = parse_date(written) if written else None
        found.append((number, iso(parsed) if parsed else clean(written)))
    return found


# --- signatures, stamps, members, schools ---------------------------------------------------

def normalise_name(name: str) -> str:
    """«Т.И.Буц» and «Т. И. Буц» → «Т.И. Буц»; «Касьян В. В.» → «Касьян В.В.»."""
    name = clean(name).strip("_ ")
    name = re.sub(r"(?<=[А-ЯЁ]\.)\s+(?=[А-ЯЁ]\.)", "", name)
    name = re.sub(r"(?<=[А-ЯЁ]\.)(?=[А-ЯЁ][а-яё])", " ", name)
    return name


def split_signature(line: str) -> tuple[str, str] | None:
    """(position, name) of a line that ends with a name: «Глава округа\tА.А. Коренчук»."""
    line = line.replace("\t", "  ")
    if NAME_ONLY_RE.match(line):
        return "", normalise_name(re.sub(r"^\s*(?:_+|подпись)\s*", "", line))
    m = re.match(rf"^(?P<p>.*?\S)(?:\s{{2,}}|\s*_{{2,}}\s*|\s+подпись\s+)(?P<n>{_INITIALS}\s?{_SURNAME}|{_SURNAME}\s{_INITIALS})\s*$", line)
    if m:
        return clean(m["p"]), normalise_name(m["n"])
    return None


def caption(line: str):
    """The match of an appendix caption «Приложение [№] N [к приказу …]», or None."""
    m = CAPTION_RE.match(line)
    if not m or len(line) > 400:
        return None
    rest = m["rest"].strip()
    if rest and not re.match(r"^(?:к\s|№|$)", rest, re.IGNORECASE) and not re.match(r"^\(", rest):
        return None  # «Приложение к плану работы…» is fine, «Приложением является…» is text
    return m


def caption_requisites(text: str) -> tuple[str, str, str | None, str]:
    """(kind, number, ISO date, authority as written) named by «к приказу Комитета … от … № …»."""
    kind = ""
    authority = ""
    if m := re.search(r"к\s+(приказу|распоряжению|постановлению)\s*(?P<a>.*?)(?=\s+от\s|\s*№|$)", text, re.IGNORECASE | re.DOTALL):
        kind = KIND_DATIVE[m[1].lower()]
        authority = clean(m["a"])
    elif m := re.search(r"(приказом|распоряжением|постановлением)\s*(?P<a>.*?)(?=\s+от\s|\s*№|$)", text, re.IGNORECASE | re.DOTALL):
        kind = {"приказом": "приказ", "распоряжением": "распоряжение", "постановлением": "постановление"}[m[1].lower()]
        authority = clean(m["a"])
    # «Приложение № 2 к приказу … от … № 87»: the order's number is the one after «к приказу».
    tail = text[m.start():] if m else text
    found = parse_date(tail)
    return kind, find_number(tail), iso(found), authority


_ROLE_FIRST = re.compile(
    r"^(?P<r>заместитель\s+председателя|председатель|секретарь|член[ы]?)(?:\s+(?:рабочей\s+)?(?:группы|комиссии))?\s*[:–—-]\s*(?P<rest>\S.*)$",
    re.IGNORECASE,
)


def member_line(line: str):
    """(name, position, role) from «Фамилия И.О. — должность, председатель рабочей группы»,
    «1. Новикова В.В., заместитель главы …;» or «Председатель рабочей группы – Иванова А.П.,
    начальник …»; None when the line names nobody first."""
    text = re.sub(r"^\s*\d{1,3}\s*[.)]\s*", "", clean(line)).rstrip(" ;.")
    if m := _ROLE_FIRST.match(text):
        found = member_line(m["rest"]) or (
            (normalise_name(m["rest"]), "", "член") if NAME_ONLY_RE.match(m["rest"]) else None
        )
        if found:
            role = m["r"].lower()
            return found[0], found[1], "член" if role.startswith("член") else role
        return None
    m = re.match(rf"^(?P<n>{_SURNAME}\s{_INITIALS}|{_INITIALS}\s?{_SURNAME}|{_SURNAME}\s[А-ЯЁ][а-яё]+\s[А-ЯЁ][а-яё]+)\s*(?:[,–—-]|{_DASH})\s*(?P<p>.*)$", text)
    if not m:
        return None
    position, role = split_role(m["p"])
    return normalise_name(m["n"]), position, role


def split_role(text: str) -> tuple[str, str]:
    """The post without the role in the group, and the role («член» unless said)."""
    text = clean(text)
    for role, pattern in GROUP_ROLES:
        if m := pattern.search(text):
            rest = (text[: m.start()] + text[m.end():]).strip(" ,;–—-")
            return re.sub(r"\s*,\s*,", ",", rest), role
    return text, "член"


def is_school_name(text: str) -> bool:
    text = clean(text)
    return 3 <= len(text) <= 300 and len(text.split()) <= 25 and bool(SCHOOL_WORDS.search(text))


def deadline_date(deadline: str) -> date | None:
    """The day a point's deadline falls on, when it names one: a date, or the end of a year
    («по итогам 2025 года», «до конца 2024 года» → 31 December)."""
    if not deadline:
        return None
    if found := parse_date(deadline):
        return found
    if m := re.search(r"(?:итогам|конца|окончания)\s+(\d{4})\s+года", deadline, re.IGNORECASE):
        return date(int(m[1]), 12, 31)
    return None


def years_in(text: str) -> list[int]:
    return [int(y) for y in re.findall(r"(?<!\d)(20\d{2})(?!\d)", text)]


def name_keys(text: str) -> list[tuple[str, str]]:
    """(surname, initials) of every «И.О. Фамилия» / «Фамилия И.О.» the text names."""
    keys = []
    for m in NAME_RE.finditer(text):
        written = m.group(0)
        initials = "".join(re.findall(r"([А-ЯЁ])\.", written))
        surname = re.sub(r"[А-ЯЁ]\.\s?", "", written).strip()
        keys.append((surname, initials))
    return keys
