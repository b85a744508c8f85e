"""Split one «Ответственные» cell into the executors it names. Pure Python.

«РИМО БУ «ЦФЭИХО», Директор ШНОР»  → organisation (municipality), role (school)
«Муниципальный координатор руководители ШНОР руководители ассоциаций»  → three roles: the
commas were lost in the source (seed 000), so a new executor also starts where a known head
(«руководители», «кураторы», «Комитет…», an institution's abbreviation) begins mid-phrase.

Decisions (compared with the hand split of the demo data, schnor_portal/demo/data/*.json):
- A named person keeps their post: «Начальник отдела общего образования Тамонова Е.А.» is one
  executor of kind ``person`` whose name is the whole phrase, exactly as the demo data has it.
  The printed plan then reads as the document does, and the surname is still there for linking
  the executor to a Person later.
- Names are kept as written (case, quotes); only separators and stray punctuation are dropped.
- «Образовательные организации» and «ОО» are roles at school level (the schools do the work),
  not organisations; «Рабочая группа» is a municipal role.
- A text nobody recognises is kept whole as one municipal role: the level can be fixed by hand,
  a lost executor cannot.
- Several people on one line without commas («Иванова А.А. Петров Б.Б.», «А.А. Иванова Б.Б.
  Петров») are several executors: a person's name ends an executor (a post stands before the
  name, «Методист ИМО Иванова А.А.»), so the text is cut right after each name that another
  name follows; a bracket right after a name stays with it («Иванова А.А. (по согласованию)»).
- Two or three levels sharing one noun («Муниципальный и школьные кураторы», «региональный,
  муниципальный и школьный координаторы») are one role per adjective: the noun is repeated after
  each adjective in the number that adjective has (singular «Муниципальный» → «куратор», plural
  «школьные» → «кураторы»; a plural noun, and the adjectives before it («методические
  объединения» → «методическое объединение»), is made singular by its ending, and kept as
  written when the ending tells nothing), a short tail without a new executor in it («… кураторы ШНОР»)
  goes to each, and when the phrase starts with a capital each role does («Муниципальный куратор»,
  «Школьные кураторы»). The level then follows the adjective, as for any role: региональн- →
  region, муниципальн- → municipality, школьн- → school. Only nominative adjectives that begin
  an executor (after a separator, or with a capital) are read so: «руководители муниципальных и
  школьных методических объединений» stays one role.
"""

import re
from dataclasses import dataclass

LEVELS = ("region", "municipality", "school")
KINDS = ("role", "person", "organisation")


@dataclass(frozen=True, slots=True)
class Executor:
    level: str  # "region" | "municipality" | "school"
    kind: str  # "role" | "person" | "organisation"
    name: str


# --- what starts an executor -----------------------------------------------------------------

_W = r"[а-яё]"  # a lower-case Cyrillic letter (the patterns run with re.IGNORECASE)
_NOT_WORD = r"(?<![\w-])"
_END = r"(?![\w-])"

# Abbreviations that open an institution's name: legal forms (МКУ, МБОУ, ГАУ, БУ, …) and the
# method services and institutes the documents name by letters (РИМО, ИМО, ИРО, …). A plain
# «ОО» / «ОУ» is a school role, not an institution, and «ШНОР» is never a head.
_LEGAL_FORM = r"(?:(?:ФГ|КГ|ОГ|Г|М)[АБК]?[НП]?О?У|[АБК][НП]?О?У)(?:\s?ДО|\s?ДПО)?"
_INSTITUTION = r"(?:Р?ИМО|ИМЦ|ММЦ|ММС|РМЦ|Р?ЦОКО|ЦНППМ[А-ЯЁ]*|ИРО[А-ЯЁ]*|ЦРО|ЦО)"
_ORG_HEAD = rf"(?-i:{_NOT_WORD}(?:{_LEGAL_FORM}|{_INSTITUTION}){_END})"
# The run after the head: further abbreviations and a quoted name, «ИМО МКУ «ЦО и СО»».
_QUOTED = r"(?:«[^«»]*(?:«[^«»]*»[^«»]*)*»+|\"[^\"]*\"|“[^”]*”|„[^“”]*[“”])"
_ORG_RUN = rf"{_ORG_HEAD}(?:\s*(?:(?-i:[А-ЯЁ]{{2,}}(?![а-яё]))|ПК|{_QUOTED}))*"

# Groups and positions that begin a new executor wherever they stand, in any case.
_ROLE_HEADS = (
    rf"(?:муниципальн|региональн|областн|краев|районн|городск){_W}+\s+(?:координатор|куратор){_W}*",
    rf"школьн{_W}+\s+(?:координатор|куратор|команд){_W}*",
    rf"классн{_W}+\s+руководител{_W}*",
    r"руководител(?:ь|и)",
    r"куратор(?:ы)?",
    r"(?:педагоги|учителя)",
)
# Posts and bodies: a new executor only when written with a capital («Ответственный
# специалист» is one phrase; «…ШНОР Управление образования» lost its comma).
_CAPITAL_HEADS = (
    rf"(?:Главный|Ведущий)\s+специалист{_W}*",
    r"Методист(?:ы)?",
    r"Специалист(?:ы)?",
    r"Начальник",
    r"Заместитель|Заместители",
    r"Председатель",
    rf"Заведующ{_W}+",
    r"Директор",
    r"Консультант(?:ы)?",
    r"Комитет",
    r"Управление",
    r"Отдел",
    r"Министерство",
    r"Департамент",
    rf"Рабочая\s+группа",
    rf"Образовательные\s+организации",
)
# Heads that name a post a person holds: the person's own name follows them.
_POST_RE = re.compile(
    rf"(?:главный|ведущий)?\s*(?:методист|специалист|начальник|заместител|председател|заведующ|директор|консультант"
    rf"|муниципальн{_W}+\s+координатор|координатор|куратор){_W}*",
    re.IGNORECASE,
)

_POST_OF = re.compile(
    rf"(?:(?:главный|ведущий)\s+)?(?:методист|специалист|начальник|заместител|председател|заведующ|директор"
    rf"|консультант){_W}*(?-i:\s+[а-яё]+)*",
    re.IGNORECASE,
)

_HEAD_RE = re.compile(
    rf"(?P<org>{_ORG_RUN})"
    rf"|(?P<role>{_NOT_WORD}(?:{'|'.join(_ROLE_HEADS)}){_END})"
    rf"|(?P<capital>{_NOT_WORD}(?-i:{'|'.join(_CAPITAL_HEADS)}){_END})",
    re.IGNORECASE,
)

# «Тамонова Е.А.», «Камаха Н.А», «Е.А. Тамонова», «Иванова Анна Петровна».
_SURNAME = r"[А-ЯЁ][а-яё]+(?:-[А-ЯЁ][а-яё]+)?"
_INITIALS = r"[А-ЯЁ]\.\s?(?:[А-ЯЁ]\.?)?"
_PERSON_RE = re.compile(
    rf"(?<![\w.]){_SURNAME}\s+{_INITIALS}(?![а-яё])"
    rf"|(?<![\w.])[А-ЯЁ]\.\s?(?:[А-ЯЁ]\.\s?)?{_SURNAME}\b"
    rf"|(?<!\w){_SURNAME}\s+[А-ЯЁ][а-яё]+\s+[А-ЯЁ][а-яё]+(?:вна|вич|чна|ьич)\b"
)

# Bare words that are not an executor on their own: «руководители и педагоги ШНОР» is one.
_INCOMPLETE = {"руководители", "руководитель", "заместители", "заместитель", "педагоги", "учителя", "специалисты"}

_OPENERS = {"«": "»", "(": ")", "“": "”", "„": "“", "[": "]"}


# --- splitting -------------------------------------------------------------------------------

def _top_level_cuts(text, predicate):
    """Positions where `predicate(text, i)` holds outside quotes and brackets."""
    cuts, stack, in_straight = [], [], False
    for i, ch in enumerate(text):
        if ch == '"':
            in_straight = not in_straight
            continue
        if stack and ch == stack[-1]:
            stack.pop()
            continue
        if ch in _OPENERS:
            stack.append(_OPENERS[ch])
            continue
        if ch in "”»)]" and not stack:
            continue  # a stray closer must not swallow the rest of the cell
        if not stack and not in_straight and predicate(text, i):
            cuts.append(i)
    return cuts


def _cut(text, cuts, width=1):
    pieces, start = [], 0
    for cut in cuts:
        pieces.append(text[start:cut])
        start = cut + width
    pieces.append(text[start:])
    return pieces


def _chunks(text):
    """Comma-, semicolon- and line-separated parts of the cell."""
    # A line break separates executors when the next line starts a new one (a capital or a
    # known head); otherwise it only wraps a long phrase.
    lines = [line.strip() for line in text.replace("\r", "\n").split("\n")]
    joined = ""
    for line in lines:
        if not line:
            continue
        if joined and (line[0].isupper() or _HEAD_RE.match(line)) and not joined.endswith(("«", "(")):
            joined += "; " + line
        else:
            joined = f"{joined} {line}".strip()
    for part in _cut(joined, _top_level_cuts(joined, lambda t, i: t[i] in ",;")):
        part = part.strip()
        if part:
            yield part


def _outside_quotes(text):
    inside = [False] * len(text)
    depth, in_straight = 0, False
    for i, ch in enumerate(text):
        if ch == '"':
            in_straight = not in_straight
        elif ch in "«“„(":
            depth += 1
        elif ch in "»”)" and depth:
            depth -= 1
            inside[i] = True
            continue
        inside[i] = depth > 0 or in_straight
    return inside


def _lost_commas(chunk):
    """Split a chunk where a new executor begins without a comma before it."""
    inside = _outside_quotes(chunk)
    heads = [m for m in _HEAD_RE.finditer(chunk) if not inside[m.start()]]
    persons = list(_PERSON_RE.finditer(chunk))
    # A post and the name after it are one person even with an institution between them:
    # «Специалист по кадрам ИМО Поляничко С.Г.».
    suppressed = set()
    for person in persons:
        before = [h for h in heads if h.start() < person.start()]
        post = next((h for h in reversed(before) if _POST_RE.fullmatch(h.group().strip())), None)
        if post is None:
            continue
        between = [h for h in before if h.start() > post.start()]
        if all(h.lastgroup == "org" for h in between):
            suppressed.update(h.start() for h in between)
    cuts, start = [], 0
    for head in heads:
        at = head.start()
        if at == 0 or at in suppressed:
            continue
        # «Руководители и педагоги ШНОР»: a bare head before «и» shares what follows it.
        left = _AND_TAIL.sub("", chunk[start:at]).strip()
        if left.lower() in _INCOMPLETE:
            continue
        # «Директор МБОУ «СОШ № 1»», «Специалист по кадрам ИМО»: a post of that institution.
        if head.lastgroup == "org" and _POST_OF.fullmatch(left):
            continue
        cuts.append(at)
        start = at
    pieces = [p.strip() for p in _cut(chunk, cuts, width=0)]
    # «Руководители и педагоги ШНОР» stays whole; «Управление образования и ИМО …» is two.
    out = []
    for piece in pieces:
        for part in _split_on_and(piece):
            out.extend(_split_people(part))
    return [p for p in out if p]


_AND_RE = re.compile(r"\s+и\s+")
_AND_TAIL = re.compile(r"\s+и\s*$")


def _split_on_and(piece):
    inside = _outside_quotes(piece)
    parts, start = [], 0
    for m in _AND_RE.finditer(piece):
        if inside[m.start()]:
            continue
        left, right = piece[start:m.start()].strip(), piece[m.end():]
        if left.lower() in _INCOMPLETE or not _HEAD_RE.match(right) or not _HEAD_RE.match(left):
            continue
        parts.append(left)
        start = m.end()
    parts.append(piece[start:].strip())
    return parts


def _split_people(piece):
    """«Иванова А.А. Петров Б.Б.»: cut after every name that another name follows."""
    people = list(_PERSON_RE.finditer(piece))
    if len(people) < 2:
        return [piece]
    inside = _outside_quotes(piece)
    cuts = []
    # «МБОУ СОШ им. А.С. Пушкина»: a name after «им.» / «имени» is the institution's, not a person.
    people = [p for p in people if not re.search(r"(?<![\w])(?:им\.|имени)\s*$", piece[: p.start()], re.IGNORECASE)]
    for person, following in zip(people, people[1:]):
        if inside[person.start()] or inside[following.start()]:
            continue
        at = person.end()
        if bracket := re.match(r"\s*\([^()]*\)", piece[at:]):
            at += bracket.end()
        if at <= following.start() and (not cuts or at > cuts[-1]):
            cuts.append(at)
    # «Иванова А.А. и Петров Б.Б.»: the «и» only joined the two.
    return [re.sub(r"^и\s+", "", p.strip()) for p in _cut(piece, cuts, width=0)]


# --- two levels sharing one noun -----------------------------------------------------------------

# Nominative only: «руководители муниципальных и школьных методических объединений» is one role.
_LEVEL_ADJ = r"(?:региональн|областн|краев|муниципальн|районн|городск|школьн)(?:ый|ий|ой|ая|яя|ое|ее|ые|ие)(?![а-яё])"
_SHARED_NOUN_RE = re.compile(
    rf"(?<![\w-])(?P<adjs>{_LEVEL_ADJ}(?:\s*,\s*{_LEVEL_ADJ})*\s+и\s+{_LEVEL_ADJ})\s+(?P<noun>(?:(?-i:[а-яё]){_W}+(?:ые|ие)\s+)*(?-i:[а-яё]){_W}+)"
    rf"(?P<tail>[^,;\n]*)",
    re.IGNORECASE,
)
# Plural endings made singular, by the gender of the singular adjective; first match wins.
_SINGULAR = {
    "m": (("тели", "тель"), ("ари", "арь"), ("ги", "г"), ("ки", "к"), ("хи", "х"), ("ы", "")),
    "f": (("ии", "ия"), ("ги", "га"), ("ки", "ка"), ("хи", "ха"), ("жи", "жа"), ("ши", "ша"), ("чи", "ча"),
          ("щи", "ща"), ("ы", "а")),
    "n": (("ия", "ие"),),
}


def _gender(adjective):
    """"m", "f", "n" for a singular adjective, "" for a plural one."""
    ending = adjective.lower()[-2:]
    return {"ый": "m", "ий": "m", "ой": "m", "ая": "f", "яя": "f", "ое": "n", "ее": "n"}.get(ending, "")


_SINGULAR_ADJ = {"m": ("ый", "ий"), "f": ("ая", "ая"), "n": ("ое", "ое")}  # for «-ые», «-ие»


def _singular(noun, gender):
    """The noun phrase «методические объединения» in the singular of `gender`; "" keeps it."""
    if not gender:
        return noun
    *adjectives, head = noun.split()
    words = []
    for adjective in adjectives:  # «методические» → «методическое»
        hard, soft = _SINGULAR_ADJ[gender]
        words.append(adjective[:-2] + (hard if adjective.lower().endswith("ые") else soft))
    low = head.lower()
    for plural, single in _SINGULAR[gender]:
        if low.endswith(plural):
            return " ".join(words + [head[: len(head) - len(plural)] + single])
    return noun  # already singular, or an ending that tells nothing: keep it as written


def _expand_shared_nouns(text):
    """«Муниципальный и школьные кураторы» → «Муниципальный куратор; Школьные кураторы»."""
    inside = _outside_quotes(text)

    def expand(m):
        before = text[: m.start()].rstrip()
        # The adjectives must begin an executor: after a separator, or with a capital (a lost comma).
        if inside[m.start()] or (before and before[-1] not in ",;:\n(" and not m.group()[:1].isupper()):
            return m.group()
        adjectives = re.split(r"\s*,\s*|\s+и\s+", m["adjs"])
        noun, tail = m["noun"], m["tail"]
        # A tail that names no executor of its own («ШНОР», «по УВР») belongs to each role.
        shared = tail if tail.strip() and not (_HEAD_RE.search(tail) or _PERSON_RE.search(tail)) else ""
        roles = []
        for adjective in adjectives:
            if adjectives[0][:1].isupper():
                adjective = adjective[:1].upper() + adjective[1:]
            roles.append(f"{adjective} {_singular(noun, _gender(adjective))}{shared}")
        return "; ".join(roles) + ("" if shared else tail)

    return _SHARED_NOUN_RE.sub(expand, text)


_LEADING = re.compile(r"^[\s\-–—•·*:]+|^\d{1,2}[.)]\s+")
_TRAILING = re.compile(r"(?:\s+и)?[\s,;:–—-]+$|\s+и$")


def _clean(piece):
    piece = " ".join(piece.split())
    piece = _LEADING.sub("", piece)
    piece = _TRAILING.sub("", piece)
    # A trailing dot after a word is punctuation; after an initial («Е.А.») it is the name's.
    if piece.endswith(".") and re.search(r"[а-яё]{3,}\.$", piece):
        piece = piece[:-1]
    return piece


# --- levels and kinds ------------------------------------------------------------------------

_REGION = re.compile(
    r"министерств|департамент|(?<![а-яё])ИРО|институт\w* развития образования|ЦНППМ|(?<![а-яё])Р?ЦОКО"
    r"|(?<![А-ЯЁа-яё])(?:ФГ|КГ|ОГ|Г)[АБК]?[НП]?О?У(?![А-ЯЁа-яё])"
    r"|^(?:[АБ]О?У|ОУ)\s+ДПО|фиоко|рособрнадзор",
    re.IGNORECASE,
)
_LOCAL_BODY = re.compile(
    r"муниципальн|городск|районн|администраци\w*\s+(?:[а-яё]+\s+){0,2}(?:город|район|округ|муниципальн)",
    re.IGNORECASE,
)
_REGION_ROLE = re.compile(r"^(?:региональн|областн|краев|республиканск)", re.IGNORECASE)
_SCHOOL_NAME = re.compile(r"(?<![А-ЯЁа-яё])(?:СОШ|ООШ|НОШ|СШ|гимнази|лице[йя]|школа\b|филиал)", re.IGNORECASE)
_MUNICIPAL_BODY = re.compile(r"(?<![А-ЯЁа-яё])(?:М[АБК][НП]?О?У|Р?ИМО|ИМЦ|ММЦ|ММС|РМЦ|ЦО|ЦРО)(?![А-ЯЁа-яё])")

# First match wins; each pattern reads the executor from its start (lower case).
_LEVEL_RULES = (
    (r"руководител\w*\s+(?:рмо|ммо|мо\b|ммс|ассоциац|методическ|рабоч|муниципальн\w*\s+метод|проект)", "municipality"),
    (r"руководител\w*", "school"),
    (r"директор\w*|заместител\w*\s+(?:директор|руководител)", "school"),
    (r"школьн|классн|педагог|учител|образовательн\w*\s+(?:организац|учрежден)|общеобразовательн", "school"),
    (r"(?:оо|оу|шнор|шмо|школ\w*)\b", "school"),
    (r"администраци\w*\s+(?:шнор|оо|оу|школ)", "school"),
)
_SCHOOL_OBJECT = re.compile(r"(?<![а-яё])(?:шнор|оо|оу|шмо|школ\w*|образовательн\w*|общеобразовательн\w*)(?![а-яё])", re.IGNORECASE)
_ORG_WORDS = re.compile(
    r"^(?:комитет|управление|отдел|министерство|департамент|администрация|центр|институт|учреждение|служба)\b",
    re.IGNORECASE,
)
_ROLE_LIKE_ORGS = re.compile(r"^(?:образовательные\s+организации|оо|оу)$", re.IGNORECASE)


def _kind(name):
    if _PERSON_RE.search(name):
        return "person"
    if _ROLE_LIKE_ORGS.match(name):
        return "role"
    if re.match(_ORG_RUN, name, re.IGNORECASE) or _ORG_WORDS.match(name):
        return "organisation"
    return "role"


_MUNICIPAL_HEAD = re.compile(
    r"(?:муниципальн|куратор|координатор\b|комитет|управлени|отдел|рабоч|методист|специалист|начальник"
    r"|председател|заведующ|консультант|ассоциац|районн|рмо|ммо)"
)


def _level(name, kind):
    low = name.lower()
    if kind == "organisation":
        # «Департамент образования Администрации города Екатеринбурга» is a city's, not a region's.
        if _REGION.search(name) and not _LOCAL_BODY.search(name):
            return "region"
        if _SCHOOL_NAME.search(name) or re.match(r"администраци\w*\s+(?:шнор|оо|оу|школ)", low):
            return "school"
        return "municipality"
    if _REGION_ROLE.match(name) or (_REGION.search(name) and not _MUNICIPAL_BODY.search(name)):
        return "region"
    if kind == "person":
        # The post a person holds gives the level: «Директор МБОУ СОШ № 1 Иванова А.А.» is a
        # school's; a name alone is one of the authority's specialists.
        name = _PERSON_RE.sub("", name).strip()
        if not name:
            return "municipality"
        low = name.lower()
    # A school's own name decides first: «Директор МБОУ «СОШ № 1»», «Учителя гимназии».
    if _SCHOOL_NAME.search(name):
        return "school"
    if _MUNICIPAL_BODY.search(name) or _MUNICIPAL_HEAD.match(low):
        return "municipality"
    for pattern, level in _LEVEL_RULES:
        if re.match(pattern, low):
            if pattern == r"руководител\w*" and not _SCHOOL_OBJECT.search(low):
                continue  # «руководитель проекта» is the municipality's
            return level
    return "municipality"


def classify(name: str) -> Executor:
    """The executor one phrase names, with its level and kind guessed from its words."""
    kind = _kind(name)
    return Executor(_level(name, kind), kind, name)


def split_executors(text: str, *, level: str | None = None) -> list[Executor]:
    """Executors named in one cell, in the order written; `level` overrides the guess.

    The override is for plans with one column per level («Регион» / «Район» / «ОО»). A text
    written level by level («Регион: …; Район: …; ОО: …», as the importer keeps a 3-level row and
    as `executors_text` writes one) gives each part the level it is labelled with.
    """
    if not isinstance(text, str) or not text.strip():
        return []
    if level is not None and level not in LEVELS:
        raise ValueError(f"unknown executor level: {level!r}")
    if level is None and (labelled := _labelled_parts(text)) is not None:
        return [e for part_level, part in labelled for e in split_executors(part, level=part_level)]
    executors = []
    for chunk in _chunks(_expand_shared_nouns(text)):
        for piece in _lost_commas(chunk):
            name = _clean(piece)
            if not name or not re.search(r"[A-Za-zА-Яа-яЁё]", name):
                continue
            executor = classify(name)
            if level is not None and executor.level != level:
                executor = Executor(level, executor.kind, executor.name)
            executors.append(executor)
    return executors


# --- the text «как написано» from executors kept as data -------------------------------------

# How a document heads its level columns, and so how a level-by-level text labels its parts.
LEVEL_LABELS = {"region": "Регион", "municipality": "Район", "school": "ОО"}
_LEVEL_LABEL_RES = (
    ("region", re.compile(r"^(?:регион\w*|субъект\w*|област\w*|кра[йе]|краев\w*|республик\w*|федеральн\w*)(?:\s+уров\w+)?$", re.IGNORECASE)),
    ("municipality", re.compile(r"^(?:район\w*|муниципал\w*|мо|мр|го|мо/го|округ|город\w*)(?:\s+уров\w+)?$", re.IGNORECASE)),
    ("school", re.compile(r"^(?:оо|оу|школ\w*|образовательн\w*(?:\s+организаци\w*)?)(?:\s+уров\w+)?$", re.IGNORECASE)),
)
_LABELLED_PART = re.compile(r"^\s*(?P<label>[^:;«»()\d]{1,40}?)\s*:\s*(?P<rest>.*)$", re.DOTALL)


def level_of_label(label: str) -> str | None:
    """The level a heading or a text's label names («Регион», «Район», «ОО», «Уровень ОО»), or None."""
    key = re.sub(r"(?i)^уров(?:ень|ня|не)\s+", "", " ".join(label.split())).strip(" .")
    for level, pattern in _LEVEL_LABEL_RES:
        if pattern.match(key):
            return level
    return None


def _labelled_parts(text):
    """[(level, text)] when every «;»-part of the text opens with a level's label, else None."""
    parts = []
    for piece in _cut(text, _top_level_cuts(text, lambda t, i: t[i] in ";\n")):
        if not piece.strip():
            continue
        m = _LABELLED_PART.match(piece)
        level = level_of_label(m["label"]) if m else None
        if level is None:
            return None
        parts.append((level, m["rest"].strip()))
    return parts or None


def executors_text(executors, *, labels: dict[str, str] | None = None) -> str:
    """The «Ответственные» text for executors kept as data, in a form `split_executors` reads back.

    `executors` are (level, kind, name) rows in their order. A plan with one column per level gives
    `labels` (its headings by level): the text then reads level by level, «Регион: …; Район: …;
    ОО: …», as the importer writes such a row. Otherwise the names are joined as a document would
    write them; when that would read back with other names or levels (the coordinator set a level
    the words do not tell), the text names the levels too, so that no level is lost.
    """
    rows = [(e[0], e[2]) if isinstance(e, tuple) else (e.level, e.name) for e in executors]
    rows = [(level, " ".join(name.split())) for level, name in rows if name and name.strip()]
    if not rows:
        return ""
    if not labels:
        for glue in (", ", "; "):
            text = glue.join(name for _, name in rows)
            if [(e.level, e.name) for e in split_executors(text)] == rows:
                return text
    labels = {**LEVEL_LABELS, **(labels or {})}
    by_level = {level: [name for row_level, name in rows if row_level == level] for level in LEVELS}
    return "; ".join(f"{labels[level]}: {', '.join(names)}" for level, names in by_level.items() if names)


@dataclass(frozen=True, slots=True)
class ExecutorRow:
    """An executor as the editor keeps it: an `Executor` and, optionally, the person it is."""

    level: str
    kind: str
    name: str
    person_id: int | None = None


def level_cell_text(names: list[str], level: str) -> str:
    """One level column's cell: its executors' names, joined so that the column reads back to them."""
    names = [" ".join(name.split()) for name in names if name and name.strip()]
    for glue in (", ", "; ", "\n"):
        text = glue.join(names)
        if [e.name for e in split_executors(text, level=level)] == names:
            return text
    return "; ".join(names)
