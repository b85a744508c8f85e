"""A signed order in Word (.docx) as a ParsedOrder: header, requisites, title, preamble, points,
signatory, and each appendix (the plan, the working group, a list of schools). Pure Python.

The document is read as blocks (paragraphs and tables in order, roadmaps.importers.docx_plan)
and cut at appendix captions («Приложение № 2 к распоряжению … от … № …», «УТВЕРЖДЕН приказом
…», an «УТВЕРЖДАЮ» stamp after the signature). A small table that only lays out requisites,
a caption, stamps or a signature side by side is read as lines, column by column. An appendix's
plan is the plan parser's (roadmaps.importers.assembler) run on that appendix's blocks only.
Whatever is not understood becomes a warning «не распознано: …» with its text.
"""

import io
import re

import docx
from docx.table import Table as DocxTable
from docx.text.paragraph import Paragraph as DocxParagraph

from roadmaps.importers import PlanFileError
from roadmaps.importers.assembler import assemble
from roadmaps.importers.blocks import Paragraph, Table
from roadmaps.importers.docx_plan import read_blocks

from . import order_text as t
from .parsed import ParsedAppendix, ParsedApproval, ParsedMember, ParsedOrder, ParsedPoint, ParsedVoid

LAYOUT_TABLE_ROWS = 6
MAX_TITLE_LINES = 8
UNRECOGNISED = "не распознано: "


class OrderFileError(ValueError):
    """A file that holds no order we can read; the message is shown to the user as is."""


# --- reading -----------------------------------------------------------------------------------

def _numbering_level(paragraph):
    """The list level of a paragraph Word numbers by itself (its own or its style's numPr), else None:
    such a paragraph's text does not hold its number."""
    element = paragraph._p
    style = paragraph.style
    while element is not None:
        ppr = element.pPr
        numpr = ppr.numPr if ppr is not None else None
        if numpr is not None:
            if numpr.numId is not None and numpr.numId.val == 0:
                return None  # numbering switched off
            return numpr.ilvl.val if numpr.ilvl is not None else 0
        if style is None:
            return None
        element, style = style.element, style.base_style
    return None


def _auto_numbered(data, blocks):
    """ids of the paragraph blocks Word numbers automatically, with their level."""
    try:
        document = docx.Document(io.BytesIO(data))
    except Exception:
        return {}
    items = list(document.iter_inner_content())
    if len(items) != len(blocks):
        return {}
    levels = {}
    for item, block in zip(items, blocks):
        if isinstance(item, DocxParagraph) and isinstance(block, Paragraph):
            level = _numbering_level(item)
            if level is not None:
                levels[id(block)] = level
    return levels


def _blocks(data: bytes):
    blocks = _read(data)
    levels = _auto_numbered(data, blocks)
    return [_Numbered(b.text, bold=b.bold, level=levels[id(b)]) if id(b) in levels else b for b in blocks]


class _Numbered(Paragraph):
    """A paragraph Word numbers automatically (the number is not in its text)."""

    def __init__(self, text, bold=False, level=0):
        super().__init__(text, bold)
        self.level = level


def _read(data: bytes):
    try:
        return read_blocks(data)
    except PlanFileError as error:
        # The plan reader refuses a document without tables; an order may well have none.
        try:
            document = docx.Document(io.BytesIO(data))
        except Exception:
            raise OrderFileError(str(error)) from None
        if document.tables:
            raise OrderFileError(str(error)) from None
        blocks = []
        for item in document.iter_inner_content():
            if isinstance(item, DocxParagraph):
                bold = bool(item.runs) and all(r.bold for r in item.runs if r.text.strip())
                blocks.append(Paragraph(item.text, bold=bold and bool(item.text.strip())))
            elif isinstance(item, DocxTable):  # pragma: no cover - excluded above
                pass
        return blocks


def _cell_texts(row):
    out, seen = [], set()
    for cell in row:
        key = id(cell) if cell.key is None else cell.key
        if key in seen:
            continue
        seen.add(key)
        out.append(cell)
    return out


def _is_layout(table: Table) -> bool:
    """Requisites, a caption, stamps or a signature laid out in a small table."""
    if len(table.rows) > LAYOUT_TABLE_ROWS:
        return False
    if any(len([c for c in _cell_texts(r) if c.text.strip()]) > 3 for r in table.rows):
        return False
    for row in table.rows:
        for cell in _cell_texts(row):
            for line in cell.text.split("\n"):
                line = line.strip()
                if not line:
                    continue
                if (t.kind_line(line) or t.caption(line) or t.STAMP_RE.match(line) or t.APPROVED_BY_RE.match(line)
                        or t.is_requisite_line(line) or (t.NAME_ONLY_RE.match(line) and len(_cell_texts(row)) <= 2)):
                    return True
    return False


def _layout_lines(table: Table):
    """A layout table's text as paragraphs: column by column when it holds a caption or stamps
    (they stand side by side), row by row otherwise, cells of a row joined by a wide gap."""
    rows = [_cell_texts(r) for r in table.rows]
    columnwise = any(t.STAMP_RE.match(c.text.strip()) or t.caption(c.text.strip()) for r in rows for c in r)
    lines = []
    if columnwise:
        width = max(len(r) for r in rows)
        for col in range(width):
            for r in rows:
                if col < len(r):
                    lines.extend(Paragraph(x, bold=r[col].bold) for x in r[col].text.split("\n"))
            lines.append(Paragraph(""))
    else:
        for r in rows:
            texts = [c.text.replace("\n", " ").strip() for c in r if c.text.strip()]
            if len(texts) == 1:  # one cell across: its lines are lines («КОМИТЕТ…» over «АДМИНИСТРАЦИИ…»)
                lines.extend(Paragraph(x.strip(), bold=r[0].bold) for x in _first_text(r).split("\n") if x.strip())
                continue
            if texts:
                lines.append(Paragraph("   ".join(texts), bold=all(c.bold for c in r if c.text.strip())))
    return lines


def _first_text(row):
    return next(c.text for c in row if c.text.strip())


def _items(blocks):
    """Paragraphs split at line breaks, layout tables as lines, other tables as they are."""
    items = []
    for block in blocks:
        if isinstance(block, Paragraph):
            parts = block.text.split("\n") if block.text.strip() else [""]
            for n, part in enumerate(parts):
                if n == 0 and isinstance(block, _Numbered):
                    items.append(_Numbered(part.strip(), bold=block.bold, level=block.level))
                else:
                    items.append(Paragraph(part.strip(), bold=block.bold))
        elif _is_layout(block):
            items.extend(_layout_lines(block))
        else:
            items.append(block)
    return items


def _text(item):
    """A paragraph's text, spaces collapsed; a tab or a wide gap («Глава округа      А.А. Коренчук»)
    stays as one tab, as it parts a signature's post from the name."""
    if not isinstance(item, Paragraph):
        return None
    text = re.sub(r"[ \u00a0]*\t[ \u00a0\t]*|[ \u00a0]{2,}", "\t", item.text.replace("\u00a0", " ")).strip()
    return "\t".join(t.clean(part) for part in text.split("\t"))


def _table_text(table: Table):
    rows = []
    for row in table.rows:
        texts = [t.clean(c.text) for c in _cell_texts(row) if c.text.strip()]
        if texts:
            rows.append(" | ".join(texts))
    return "; ".join(rows)


# --- the order itself --------------------------------------------------------------------------

def parse_order(data: bytes) -> ParsedOrder:
    """The order in a .docx file (already checked for size and zip bombs); OrderFileError when
    it holds nothing we can read as an order."""
    try:
        return _parse(_items(_blocks(data)))
    except OrderFileError:
        raise
    except Exception as error:  # a layout nobody foresaw must not become a server error
        raise OrderFileError("Не удалось разобрать документ: файл повреждён или устроен необычно.") from error


def _parse(items) -> ParsedOrder:
    order = ParsedOrder()
    starts = _appendix_starts(items, 0)
    body_end = starts[0] if starts else len(items)
    body = items[:body_end]
    has_body = any(_text(i) or isinstance(i, Table) for i in body)
    rest_from = _parse_body(order, body) if has_body else body_end
    if rest_from < body_end:
        # After the signature, before any caption: an appendix without caption («УТВЕРЖДАЮ», or the plan).
        tail = items[rest_from:body_end]
        stamp = next((i for i, x in enumerate(tail) if _text(x) and (t.STAMP_RE.match(_text(x)) or t.caption(_text(x)))), None)
        acquainted = any(re.search(r"ознакомлен", _text(x) or "", re.IGNORECASE) for x in tail)
        if stamp is not None or (any(isinstance(x, Table) for x in tail) and not acquainted):
            first = stamp if stamp is not None else next(i for i, x in enumerate(tail) if isinstance(x, Table) or _text(x))
            _warn_lines(order, tail[:first])
            head = rest_from + first
            # Rescan after its stamps: stamps above the first caption make one block with it.
            starts = [head] + _appendix_starts(items, max(_zone(items, head)[0], head + 1), seeded=True)
        else:
            _warn_lines(order, tail)
    for index, start in enumerate(starts):
        end = starts[index + 1] if index + 1 < len(starts) else len(items)
        try:
            appendix = _parse_appendix(order, items[start:end])
        except Exception:  # one odd appendix must not cost the rest of the order
            texts = [_table_text(x) if isinstance(x, Table) else t.clean(_text(x) or "") for x in items[start:end]]
            text = "\n".join(x for x in texts if x)
            order.warnings.append(UNRECOGNISED + text)
            appendix = ParsedAppendix(kind="other", text=text)
        if appendix is None:
            continue
        order.appendices.append(appendix)
    if not order.appendices and not order.points and not order.title:
        raise OrderFileError("В документе не найден приказ: ни реквизитов, ни пунктов, ни приложений.")
    if not has_body:
        order.has_order_text = False
        _from_captions(order)
    return order


def _warn_lines(order, items):
    for item in items:
        if isinstance(item, Table):
            text = _table_text(item)
        else:
            text = _text(item)
        if text:
            order.warnings.append(UNRECOGNISED + t.clean(text))


def _from_captions(order):
    for appendix in order.appendices:
        if appendix.caption_number or appendix.caption_date:
            order.kind = order.kind or appendix.caption_kind
            order.number = order.number or appendix.caption_number
            order.date = order.date or appendix.caption_date
            if not order.authority and appendix.caption_authority:
                order.authority = [appendix.caption_authority]
    order.warnings.insert(
        0,
        "Текста самого документа в файле нет (только приложения): вид, номер и дата взяты из подписей "
        "приложений, заголовок, пункты и подписант не указаны.",
    )


def _parse_body(order, body) -> int:
    """Fill the order's own requisites and points from `body`; return where the signature ends."""
    lines = []  # (index in body, text, bold, gap before)
    gap = False
    for index, item in enumerate(body):
        if isinstance(item, Table):
            lines.append((index, None, False, gap))
            gap = False
            continue
        text = _text(item)
        if not text:
            gap = True
            continue
        lines.append((index, text, item.bold, gap))
        gap = False
    auto = {i: body[line[0]].level for i, line in enumerate(lines) if isinstance(body[line[0]], _Numbered)}

    def text_at(k):
        return t.clean(lines[k][1] or "")

    k = 0
    kind_at = next((i for i, line in enumerate(lines[:25]) if line[1] and t.kind_line(line[1])), None)
    requisites = []
    if kind_at is not None:
        above = [text_at(i) for i in range(kind_at) if lines[i][1]]
        # A town line in the header block («г. Углегорск») is the place, not the authority.
        places = [x for x in above if t.PLACE_RE.fullmatch(x.strip(" ."))]
        order.authority = [x for x in above if x not in places]
        order.kind, rest = t.kind_line(text_at(kind_at))
        if rest:
            requisites.append(rest)
        k = kind_at + 1
    else:
        order.warnings.append("Не найдено слово «ПРИКАЗ», «РАСПОРЯЖЕНИЕ» или «ПОСТАНОВЛЕНИЕ»: вид документа не определён.")
    while k < len(lines) and lines[k][1] and t.is_requisite_line(text_at(k)):
        requisites.append(text_at(k))
        k += 1
    joined = " ".join(requisites)
    found = t.parse_date(joined)
    order.date = t.iso(found)
    order.number = t.find_number(joined)
    order.place = t.find_place(joined) or (t.clean(places[0]) if kind_at is not None and places else "")
    if kind_at is not None and not found:
        order.warnings.append("Дата документа не найдена.")
    if kind_at is not None and not order.number:
        order.warnings.append("Номер документа не найден.")
    # Authority lines may hold the place too («с. Яковлевка» under the header): no, keep them.

    def is_operative(i):
        return lines[i][1] and t.operative_word(text_at(i))

    def is_point(i):
        if auto.get(i) == 0:
            return True
        return lines[i][1] and t.POINT_RE.match(text_at(i)) and not t.SUBPOINT_RE.match(text_at(i))

    # Title: from here up to a gap, the preamble's first words, the operative word or a point.
    title = []
    while k < len(lines) and lines[k][1] and len(title) < MAX_TITLE_LINES:
        if title and (lines[k][3] or t.PREAMBLE_STARTS.match(text_at(k))):
            break
        if is_operative(k) or is_point(k):
            break
        if title and lines[k - 1][2] and not lines[k][2]:
            break  # a bold title ends where the bold does
        title.append(text_at(k))
        k += 1
    order.title = " ".join(title)

    preamble = []
    while k < len(lines) and not is_point(k):
        if lines[k][1] is None:
            _warn_lines(order, [body[lines[k][0]]])
            k += 1
            continue
        if op := is_operative(k):
            word, before = op
            if before:
                preamble.append(before)
            order.operative_word = word
            k += 1
            break
        preamble.append(text_at(k))
        k += 1
    order.preamble = "\n".join(preamble)

    # Signature: the first line after the points that is a name alone or a post and a name.
    sign_at = None
    for i in range(k, len(lines)):
        if lines[i][1] and not is_point(i) and t.split_signature(lines[i][1]):
            sign_at = i
            break
    points_end = sign_at if sign_at is not None else len(lines)
    position_lines = []
    if sign_at is not None:
        j = sign_at - 1
        while j >= k and len(position_lines) < 4 and lines[j][1] and not is_point(j):
            line = text_at(j)
            if len(line) > 90 or line.endswith((".", ";")) or t.SUBPOINT_RE.match(line):
                break
            position_lines.insert(0, line)
            j -= 1
        points_end = j + 1
        position, name = t.split_signature(lines[sign_at][1])
        order.signatory_position = " ".join(position_lines + ([position] if position else []))
        order.signatory_name = name
    else:
        order.warnings.append("Подпись (должность и И.О. Фамилия) не найдена.")
        # No signature (an image, a stamp): the points end where a table begins, and the table
        # with the bold title above it is the appendix.
        table_at = next((i for i in range(k, len(lines)) if lines[i][1] is None), None)
        if table_at is not None:
            points_end = table_at
            while points_end - 1 >= k and lines[points_end - 1][2] and not is_point(points_end - 1):
                points_end -= 1

    current = None
    for i in range(k, points_end):
        if lines[i][1] is None:
            _warn_lines(order, [body[lines[i][0]]])
            continue
        line = text_at(i)
        if auto.get(i) == 0 and not t.POINT_RE.match(line):
            # Word's own numbering: the number is not in the text; count as Word does.
            current = ParsedPoint(number=str(len(order.points) + 1), text=line)
            order.points.append(current)
        elif m := (t.POINT_RE.match(line) if is_point(i) else None):
            current = ParsedPoint(number=m["n"], text=t.clean(m["t"]))
            order.points.append(current)
        elif current is not None:
            current.text += "\n" + line
        else:
            order.warnings.append(UNRECOGNISED + line)
    for point in order.points:
        point.deadline = t.point_deadline(point.text)
        point.executors = t.point_executors(point.text, point.deadline)
        for number, when in t.point_voids(point.text):
            order.voids.append(ParsedVoid(number=number, date=when))
    if kind_at is not None and not order.points:
        order.warnings.append("Пункты документа («1. …», «2. …») не найдены.")
    if sign_at is None:
        return lines[points_end][0] if points_end < len(lines) else len(body)
    # Lines right under the signature that are still the signature (a date, «М.П.»).
    end = sign_at + 1
    return lines[end][0] if end < len(lines) else len(body)


# --- appendices --------------------------------------------------------------------------------

def _appendix_starts(items, begin, seeded=False):
    """Indices of items that open an appendix: captions, «УТВЕРЖДЕН приказом …» and stamps
    that stand outside the caption block of the appendix before them. `seeded`: an appendix
    is already open at `begin`."""
    starts = [begin] if seeded else []
    i = begin
    content = False  # the open appendix has had something after its caption
    while i < len(items):
        text = _text(items[i])
        # A stamp opens an appendix after another one, or at the very top of a file of appendices.
        if text and (t.caption(text) or _approved_by(items, i) or (t.STAMP_RE.match(text) and (starts or not content))):
            starts.append(i)
            i = _zone(items, i)[0]
            content = False
            continue
        if (text and starts and content and _GROUP_HEADING.match(t.clean(text)) and (nxt := _next_text(items, i))
                and t.member_line(nxt)):
            # «Состав рабочей группы:» and its members after a plan, without a caption (seed 002).
            starts.append(i)
            content = False
        content = content or bool(text) or isinstance(items[i], Table)
        i += 1
    return starts[1:] if seeded else starts


def _approved_by(items, i):
    text = _text(items[i]) or ""
    if t.APPROVED_BY_RE.match(text):
        return True
    m = t.STAMP_RE.match(text)
    if m and t.squeeze(m["w"]).startswith("УТВЕРЖДЕН") and not m["rest"].strip():
        nxt = _next_text(items, i)
        return bool(nxt and re.match(r"^(?:приказом|распоряжением|постановлением)", nxt, re.IGNORECASE))
    return False


def _next_text(items, i):
    for item in items[i + 1:]:
        if isinstance(item, Table):
            return None
        if _text(item):
            return _text(item)
    return None


def _caption_continues(text, so_far):
    if len(text) > 160:
        return False
    if "№" in so_far and t.DATE_RE.search(so_far):
        return False
    return bool(
        re.match(r"^(?:к\s|от\s|№|[а-яё])", text)
        or (re.search(r"(?:к\s+(?:приказу|распоряжению|постановлению)|приказом|распоряжением|постановлением)", so_far, re.IGNORECASE)
            and "№" not in so_far)
    )


def _zone(items, i):
    """End of the caption-and-stamps block that starts at items[i]; its captions and approvals."""
    captions, approvals = [], []
    n = len(items)
    while i < n:
        item = items[i]
        if isinstance(item, Table):
            break
        text = _text(item)
        if not text:
            i += 1
            continue
        if t.caption(text) or _approved_by(items, i):
            if t.caption(text) and any(c.startswith("cap:") for c in captions):
                break  # the next appendix's caption
            is_caption = bool(t.caption(text))
            so_far = text
            i += 1
            while i < n and isinstance(items[i], Paragraph):
                nxt = _text(items[i])
                if not nxt:
                    i += 1
                    if i < n and _text(items[i]) and _caption_continues(_text(items[i]), so_far) and not t.STAMP_RE.match(_text(items[i])):
                        continue
                    break
                if t.STAMP_RE.match(nxt) or t.caption(nxt) or not _caption_continues(nxt, so_far):
                    break
                so_far += " " + nxt
                i += 1
            if is_caption:
                captions.append("cap:" + so_far)
            else:
                kind, number, when, authority = t.caption_requisites(so_far)
                m = t.STAMP_RE.match(so_far)
                approvals.append(ParsedApproval(word="УТВЕРЖДЕН", position=t.clean(m["rest"]) if m else so_far,
                                                date=when or ""))
                captions.append("app:" + so_far)
            continue
        if m := t.STAMP_RE.match(text):
            word = t.squeeze(m["w"])
            word = "УТВЕРЖДЕН" if word.startswith("УТВЕРЖДЕН") else word
            approval = ParsedApproval(word=word)
            position = [m["rest"].strip()] if m["rest"].strip() else []
            i += 1
            seen = 0
            while i < n and isinstance(items[i], Paragraph) and seen < 8:
                line = _text(items[i])
                i += 1
                if not line:
                    continue
                seen += 1
                if t.STAMP_RE.match(line) or t.caption(line):
                    i -= 1
                    break
                if signed := t.split_signature(line):
                    if signed[0]:
                        position.append(signed[0])
                    approval.name = signed[1]
                    # An optional date line under the name.
                    j = i
                    while j < n and isinstance(items[j], Paragraph) and not _text(items[j]):
                        j += 1
                    if j < n and isinstance(items[j], Paragraph) and _is_date_line(_text(items[j])):
                        found = t.parse_date(_text(items[j]))
                        approval.date = t.iso(found) if found else ""
                        i = j + 1
                    break
                if _is_date_line(line):
                    found = t.parse_date(line)
                    approval.date = t.iso(found) if found else ""
                    continue
                if len(line) > 160:
                    i -= 1
                    break
                position.append(line)
            approval.position = t.clean(" ".join(p for p in position if p.upper() != "М.П."))
            approvals.append(approval)
            continue
        break
    return i, captions, approvals


def _is_date_line(line):
    stripped = t.BLANK_DATE_RE.sub("", line)
    return len(line) <= 40 and (bool(t.DATE_RE.fullmatch(line.strip().strip("«»\"")) or t.DATE_RE.fullmatch(line.strip()))
                                or stripped.strip() != line.strip() or "20__" in line)


def _parse_appendix(order, items):
    end, captions, approvals = _zone(items, 0)
    appendix = ParsedAppendix(approval=approvals)
    for c in captions:
        text = c[4:]
        if c.startswith("cap:"):
            m = t.caption(text)
            appendix.number = appendix.number or (m["n"] or "")
        kind, number, when, authority = t.caption_requisites(text)
        if number or when:
            appendix.caption_kind = appendix.caption_kind or kind
            appendix.caption_number = appendix.caption_number or number
            appendix.caption_date = appendix.caption_date or (when or "")
            appendix.caption_authority = appendix.caption_authority or authority
    content = items[end:]
    if not any(_text(x) or isinstance(x, Table) for x in content):
        if order.appendices and approvals and not captions:
            order.appendices[-1].approval.extend(approvals)  # a stamp under the previous appendix
            return None
        if not captions and not approvals:
            return None
    # Title: the first text lines (bold ones together), before a table or a numbered line.
    k = 0
    while k < len(content) and isinstance(content[k], Paragraph) and not _text(content[k]):
        k += 1
    title = []
    while k < len(content) and isinstance(content[k], Paragraph) and len(title) < 4:
        text = _text(content[k])
        if not text:
            if title:
                break
            k += 1
            continue
        if title and (not content[k].bold or not content[k - 1].bold):
            break
        if t.member_line(text) or (t.POINT_RE.match(text) and title) or (title and _HEADING.match(text)):
            break
        title.append(t.clean(text))
        k += 1
    appendix.title = " ".join(title).rstrip(" :")
    rest = content[k:]
    if _read_plan(order, appendix, content, rest):
        return appendix
    if _read_group(order, appendix, rest):
        return appendix
    if _read_schools(order, appendix, rest):
        return appendix
    appendix.kind = "other"
    texts = []
    for item in rest:
        text = _table_text(item) if isinstance(item, Table) else _text(item)
        if text:
            texts.append(t.clean(text))
            order.warnings.append(UNRECOGNISED + t.clean(text))
    appendix.text = "\n".join(texts)
    return appendix


def _read_plan(order, appendix, content, rest):
    blocks = [x for x in content if isinstance(x, Table) or _text(x)]
    if not any(isinstance(x, Table) for x in blocks):
        return False
    try:
        plan = assemble(blocks)
    except PlanFileError:
        return False
    appendix.kind = "plan"
    appendix.plan = plan
    if not appendix.title and plan.title:
        appendix.title = plan.title
    known = {t.clean(appendix.title), t.clean(plan.title)}
    for s in plan.sections:
        known.add(t.clean(s.title))
        known.add(t.clean(f"{s.number} {s.title}"))
        known.add(t.clean(f"{s.number}. {s.title}"))
    consumed = _plan_tables(blocks, plan.activity_count)
    for item in rest:
        if isinstance(item, Table):
            if id(item) in consumed:
                continue
            names = _table_schools(item)
            if names:
                appendix.schools.extend(n for n in names if n not in appendix.schools)
            order.warnings.append(UNRECOGNISED + _table_text(item))
            continue
        text = _text(item)
        if text and t.clean(text) not in known and not any(t.clean(text) in k for k in known if k):
            order.warnings.append(UNRECOGNISED + t.clean(text))
    return True


def _count(blocks):
    try:
        return assemble(blocks).activity_count
    except PlanFileError:
        return 0


MAX_TABLES_CHECKED = 40


def _plan_tables(blocks, total):
    """The tables the plan is made of: without one of them the plan loses activities (a header
    table above its rows, split off by a page break, counts too)."""
    tables = [b for b in blocks if isinstance(b, Table)]
    if len(tables) > MAX_TABLES_CHECKED:
        return {id(x) for x in tables}  # too many to weigh one by one: nothing is reported lost
    return {id(x) for x in tables if _count([b for b in blocks if b is not x]) < total}


_HEADING = re.compile(r"^(?:раздел|часть|глава)\s+[IVXLC\d]+", re.IGNORECASE)
_GROUP_HEADING = re.compile(r"^состав\b.{0,200}(?:рабоч\w+\s+групп|комисси)", re.IGNORECASE)
_NAME_HEADERS = re.compile(r"ф\.?\s?и\.?\s?о|фамилия", re.IGNORECASE)
_GROUP_TITLE = re.compile(r"рабоч\w+\s+групп|состав\s+(?:муниципальн\w+\s+)?(?:рабоч|комисси|групп|штаб)|комисси", re.IGNORECASE)
_ROLE_HEADING = re.compile(r"^(?P<r>председател\w*|заместител\w*\s+председател\w*|секретар\w*|член\w*)(?:\s+(?:рабочей\s+)?(?:группы|комиссии))?\s*:?$", re.IGNORECASE)


def _read_group(order, appendix, rest):
    titled = bool(_GROUP_TITLE.search(appendix.title))
    members, unknown = [], []
    role_context = None
    for item in rest:
        if isinstance(item, Table):
            found = _table_members(item)
            if found:
                members.extend(found)
            else:
                unknown.append(_table_text(item))
            continue
        text = _text(item)
        if not text:
            continue
        if m := _ROLE_HEADING.match(text):
            role_context = t.split_role(m.group(0).rstrip(":"))[1] if "председател" not in m["r"].lower() or "заместител" in m["r"].lower() else "председатель"
            if m["r"].lower().startswith("член"):
                role_context = "член"
            continue
        if member := t.member_line(text):
            name, position, role = member
            if role == "член" and role_context:
                role = role_context
            members.append(ParsedMember(name=name, position=position, role=role))
        elif not titled and not members and _GROUP_TITLE.search(text):
            titled = True
            appendix.title = appendix.title or t.clean(text)
        else:
            unknown.append(t.clean(text))
    if not members or not (titled or len(members) >= 2 and len(unknown) <= len(members)):
        return False
    appendix.kind = "working_group"
    appendix.members = members
    order.warnings.extend(UNRECOGNISED + u for u in unknown if u)
    return True


_POST_HEADER = re.compile(r"должност|место\s+работы", re.IGNORECASE)
_ROLE_HEADER = re.compile(r"роль|статус|функци|в\s+составе", re.IGNORECASE)


def _table_members(table):
    """Members of a working group table: by its header («Ф.И.О.», «Должность», «Роль») when it
    has one, else by the name in each row; a row «Председатель рабочей группы:» sets the role
    of the rows under it."""
    members = []
    columns = None
    role_context = None
    for row in table.rows:
        distinct = _cell_texts(row)
        cells = [c for c in distinct if c.text.strip()]
        texts = [t.clean(c.text) for c in cells]
        if not texts:
            continue
        if columns is None and any(_NAME_HEADERS.search(x) for x in texts) and not any(t.NAME_RE.search(x) for x in texts):
            all_texts = [t.clean(c.text) for c in distinct]
            columns = {
                "name": next((i for i, x in enumerate(all_texts) if _NAME_HEADERS.search(x)), None),
                "post": next((i for i, x in enumerate(all_texts) if _POST_HEADER.search(x)), None),
                "role": next((i for i, x in enumerate(all_texts) if _ROLE_HEADER.search(x)), None),
            }
            continue
        if len(texts) == 1 and (m := _ROLE_HEADING.match(texts[0])):
            role_context = "член" if m["r"].lower().startswith("член") else t.split_role(texts[0].rstrip(":"))[1]
            if role_context == "член" and "председател" in m["r"].lower() and "заместител" not in m["r"].lower():
                role_context = "председатель"
            continue
        if columns and columns["name"] is not None:
            all_texts = [t.clean(c.text) for c in distinct]

            def at(key):
                index = columns[key]
                return all_texts[index] if index is not None and index < len(all_texts) else ""

            name = at("name")
            if name and re.search(r"[А-ЯЁ][а-яё]", name):
                position, role = t.split_role(at("post"))
                if at("role"):
                    role = t.split_role(at("role"))[1] if t.split_role(at("role"))[1] != "член" else (
                        "председатель" if re.search(r"председател", at("role"), re.IGNORECASE) else "член")
                if role == "член" and role_context:
                    role = role_context
                members.append(ParsedMember(name=t.normalise_name(name), position=position, role=role))
            continue
        texts = [x for x in texts if not re.fullmatch(r"\d{1,3}\.?", x)]
        name_at = next((i for i, x in enumerate(texts) if t.NAME_RE.match(x)), None)
        if name_at is None:
            continue
        m = t.NAME_RE.match(texts[name_at])
        name = t.normalise_name(m.group(0))
        remainder = texts[name_at][m.end():].strip(" ,–—-")
        others = [x for i, x in enumerate(texts) if i != name_at] + ([remainder] if remainder else [])
        position, role = t.split_role(", ".join(others))
        if role == "член" and role_context:
            role = role_context
        members.append(ParsedMember(name=name, position=position, role=role))
    return members


def _table_schools(table):
    """School names of the table's column that holds them (a header row is skipped)."""
    rows = [[t.clean(c.text) for c in _cell_texts(r)] for r in table.rows]
    width = max((len(r) for r in rows), default=0)
    best = []
    for col in range(width):
        values = [r[col] for r in rows if col < len(r) and r[col]]
        names = [v for v in values if t.is_school_name(v) and not re.match(r"^(?:наименование|название|оо|школа|образовательн)", v, re.IGNORECASE)]
        names = [n for n in names if (len(n) > 6 or re.search(r"\d", n)) and _one_school(n)]
        if len(names) > len(best) and len(names) * 2 >= len(values) - 1:
            best = names
    return best


_LEGAL_FORM_TOKEN = re.compile(r"(?<![А-Яа-яЁё])(?:[МГ]?[БКА]?ОУ|МБОУ|МКОУ|МАОУ|ГБОУ|ЧОУ)(?![А-Яа-яЁё])")


def _one_school(name):
    """«БОУ «Целинная СОШ», БОУ «Добровольская СОШ»» names two: a cell of a cluster table, not a list row."""
    return len(_LEGAL_FORM_TOKEN.findall(name)) <= 1 and not re.search(r"»\s*[,;]?\s*[А-ЯЁ]{2,5}\s*«", name)


def _read_schools(order, appendix, rest):
    names, unknown = [], []
    for item in rest:
        if isinstance(item, Table):
            found = _table_schools(item)
            if found:
                names.extend(found)
            else:
                unknown.append(_table_text(item))
            continue
        text = _text(item)
        if not text:
            continue
        line = re.sub(r"^\s*(?:\d{1,3}\s*[.)]|[-–—•·*])\s*", "", t.clean(text)).rstrip(" ;,.")
        if t.is_school_name(line) and len(line) <= 300:
            names.append(line)
        else:
            unknown.append(t.clean(text))
    if not names or len(unknown) > len(names):
        return False
    appendix.kind = "schools"
    appendix.schools = names
    order.warnings.extend(UNRECOGNISED + u for u in unknown if u)
    return True
