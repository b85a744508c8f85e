"""Files an import must refuse with a clear Russian message: each builder returns the bytes of one.

Used by tests/faults/test_import_bad_input.py and by bench/faults/import_budgets.py (which times
them and measures memory in a process of its own).
"""

import io
import re
import zipfile
from xml.sax.saxutils import escape

import openpyxl

OLE = b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1"
LIST_HEADERS = ["№", "Наименование ОО", "Категория", "Маркеры", "Кластер ФИОКО", "Динамика", "Признаки необъективности", "Примечание"]
PLAN_HEADERS = ["№ п/п", "Мероприятие", "Сроки", "Ответственные", "Ожидаемый результат"]


def _xlsx(rows, *, merges=(), title="Лист1") -> bytes:
    workbook = openpyxl.Workbook()
    sheet = workbook.active
    sheet.title = title
    for row in rows:
        sheet.append(row)
    for merge in merges:
        sheet.merge_cells(merge)
    buffer = io.BytesIO()
    workbook.save(buffer)
    return buffer.getvalue()


def _zip(members: dict, compression=zipfile.ZIP_DEFLATED) -> bytes:
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w", compression=compression) as archive:
        for name, data in members.items():
            archive.writestr(name, data)
    return buffer.getvalue()


def _replace_member(data: bytes, name: str, content: bytes) -> bytes:
    source = zipfile.ZipFile(io.BytesIO(data))
    return _zip({item: (content if item == name else source.read(item)) for item in source.namelist()})


def encrypted_office() -> bytes:
    """A password-protected .docx/.xlsx: Office wraps the encrypted package in an OLE2 compound file."""
    header = OLE + b"\x00" * 16 + b"\x3e\x00\x03\x00\xfe\xff\x09\x00"
    return header + "EncryptedPackage".encode("utf-16-le") + bytes(range(256)) * 16


def zip_bomb(member: str) -> bytes:
    """150 MB of one byte behind a 150 KB file: the declared size gives it away before unpacking."""
    return _zip({"[Content_Types].xml": "<Types/>", member: b"\x00" * (150 * 1024 * 1024)})


def many_members(prefix: str) -> bytes:
    return _zip({"[Content_Types].xml": "<Types/>", **{f"{prefix}{i}.xml": "<x/>" for i in range(300)}})


SHARED = "{shared}"  # a cell holding this reads the shared string instead


def with_shared_string(rows, text: str) -> bytes:
    """An .xlsx of `rows` whose cells holding SHARED show `text` from the shared strings table.

    Excel keeps every text in xl/sharedStrings.xml; openpyxl writes them inline, so the table is
    added here: a long text in it compresses to almost nothing.
    """
    source = zipfile.ZipFile(io.BytesIO(_xlsx(rows)))
    members = {name: source.read(name) for name in source.namelist()}
    sheet = members["xl/worksheets/sheet1.xml"].decode()
    members["xl/worksheets/sheet1.xml"] = re.sub(
        r'<c r="([A-Z]+\d+)"((?: s="\d+")?) t="inlineStr"><is><t>' + re.escape(SHARED) + "</t></is></c>",
        r'<c r="\1"\2 t="s"><v>0</v></c>',
        sheet,
    ).encode()
    members["[Content_Types].xml"] = members["[Content_Types].xml"].replace(
        b"</Types>",
        b'<Override PartName="/xl/sharedStrings.xml" '
        b'ContentType="application/vnd.openxmlformats-officedocument.spreadsheetml.sharedStrings+xml"/></Types>',
    )
    members["xl/sharedStrings.xml"] = (
        '<sst xmlns="http://schemas.openxmlformats.org/spreadsheetml/2006/main" count="1" uniqueCount="1">'
        f"<si><t>{escape(text)}</t></si></sst>"
    ).encode()
    return _zip(members)


def shared_string_bomb(rows, chars=30 * 1024 * 1024) -> bytes:
    """One shared string of 30 MB behind a file of a few dozen kilobytes: under the archive's total
    limit, over the limit of one part."""
    return with_shared_string(rows, "Я" * (chars // 2))


def docx_part_bomb(chars=30 * 1024 * 1024) -> bytes:
    return _docx(f"<w:p><w:r><w:t>{'Я' * (chars // 2)}</w:t></w:r></w:p>")


def text_in(encoding: str, rows) -> bytes:
    return "\n".join(";".join(str(v) for v in row) for row in rows).encode(encoding)


# --- list import (xlsx) ------------------------------------------------------------------------

def list_ok(schools=("БОУ «Калининская СОШ»",)) -> bytes:
    return _xlsx([LIST_HEADERS] + [[n, name, "ШНОР", "", "", "", "нет", ""] for n, name in enumerate(schools, 1)])


def list_huge(rows=10_000) -> bytes:
    return _xlsx([LIST_HEADERS] + [[n, f"МБОУ СОШ № {n}", "ШНОР", "", "", "", "нет", ""] for n in range(1, rows + 1)])


def list_formulas() -> bytes:
    # Formulas saved by openpyxl carry no computed value: the cells read as empty.
    return _xlsx([LIST_HEADERS, [1, '=CONCATENATE("БОУ ", "«Калининская СОШ»")', "=\"ШНОР\"", "", "", "", "нет", ""]])


def list_merged(header=False) -> bytes:
    """A name merged down three rows (the rows under it have no name of their own), or the header
    merged into one cell (its titles are gone: Excel keeps only the first cell's value)."""
    rows = [LIST_HEADERS] + [[n, "БОУ «Калининская СОШ»" if n == 1 else None, "ШНОР", "", "", "", "нет", ""] for n in (1, 2, 3)]
    return _xlsx(rows, merges=["A1:H1"] if header else ["B2:B4"])


def list_malformed() -> bytes:
    return _replace_member(list_ok(), "xl/worksheets/sheet1.xml", b"<worksheet><sheetData><row r='1'><c r='A1' t='s'><v>")


# --- plan import (docx, xlsx) ------------------------------------------------------------------

def plan_xlsx_huge(rows=10_000) -> bytes:
    body = [[f"{n}", f"Мероприятие {n}", "Ежеквартально", "Руководители ОО", "Справка"] for n in range(1, rows + 1)]
    return _xlsx([PLAN_HEADERS] + body)


def plan_xlsx_formulas() -> bytes:
    return _xlsx([PLAN_HEADERS] + [["=ROW()-1", "=\"Мероприятие\"", "=TODAY()", "=B2", "=C2"] for _ in range(5)])


def plan_xlsx_merged() -> bytes:
    # The whole table under one merged cell: no header row is left to find.
    rows = [PLAN_HEADERS] + [[f"{n}", f"Мероприятие {n}", "Май", "Руководители ОО", "Справка"] for n in range(1, 20)]
    return _xlsx(rows, merges=["A1:E20"])


def plan_docx_huge(rows=10_000) -> bytes:
    cell = "<w:tc><w:p><w:r><w:t>{}</w:t></w:r></w:p></w:tc>"
    header = "<w:tr>" + "".join(cell.format(h) for h in PLAN_HEADERS) + "</w:tr>"
    body = "".join(
        "<w:tr>" + "".join(cell.format(v) for v in (n, f"Мероприятие {n}", "Май", "Руководители ОО", "Справка")) + "</w:tr>"
        for n in range(1, rows + 1)
    )
    return _docx(f"<w:tbl>{header}{body}</w:tbl>")


def plan_docx_malformed() -> bytes:
    return _docx("<w:tbl><w:tr><w:tc><w:p>", close=False)


def plan_docx_without_table() -> bytes:
    return _docx("<w:p><w:r><w:t>Дорожная карта: таблица будет позже</w:t></w:r></w:p>")


def _docx(body: str, close=True) -> bytes:
    document = (
        '<?xml version="1.0" encoding="UTF-8" standalone="yes"?>'
        '<w:document xmlns:w="http://schemas.openxmlformats.org/wordprocessingml/2006/main"><w:body>'
        + body + ("</w:body></w:document>" if close else "")
    )
    return _zip({
        "[Content_Types].xml": (
            '<?xml version="1.0" encoding="UTF-8"?><Types xmlns="http://schemas.openxmlformats.org/package/2006/content-types">'
            '<Default Extension="rels" ContentType="application/vnd.openxmlformats-package.relationships+xml"/>'
            '<Default Extension="xml" ContentType="application/xml"/><Override PartName="/word/document.xml" '
            'ContentType="application/vnd.openxmlformats-officedocument.wordprocessingml.document.main+xml"/></Types>'
        ),
        "_rels/.rels": (
            '<?xml version="1.0" encoding="UTF-8"?><Relationships xmlns="http://schemas.openxmlformats.org/package/2006/relationships">'
            '<Relationship Id="rId1" Type="http://schemas.openxmlformats.org/officeDocument/2006/relationships/officeDocument" '
            'Target="word/document.xml"/></Relationships>'
        ),
        "word/document.xml": document,
    })


def plan_dense(kind: str) -> bytes:
    """Just over the element budget in a small file: 1,000,000 cells in a few hundred kilobytes."""
    if kind == "docx":
        row = "<w:tr>" + "<w:tc><w:p/></w:tc>" * 40 + "</w:tr>"
        return _docx("<w:tbl>" + row * 25_000 + "</w:tbl>")
    # Numbers, not inline strings: the sheet stays under the limit of a part (MAX_PART_BYTES), so
    # it is the count of cells that refuses it.
    sheet = (
        '<worksheet xmlns="http://schemas.openxmlformats.org/spreadsheetml/2006/main"><sheetData>'
        + "".join(f'<row r="{r}">' + "<c><v>1</v></c>" * 40 + "</row>" for r in range(1, 25_001))
        + "</sheetData></worksheet>"
    )
    return _replace_member(_xlsx([["x"]]), "xl/worksheets/sheet1.xml", sheet.encode())
