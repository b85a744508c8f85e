"""The order as .docx for the office's document system: the order's requisites and text in order,
then each appendix from a new page with its stamps, «Приложение N к приказу …» and its plan table
with the plan's own columns (two header rows for levels, repeated on every page)."""

import datetime
import io

import pytest
from docx import Document
from docx.enum.section import WD_ORIENT, WD_SECTION
from docx.oxml.ns import qn
from django.urls import reverse

from reports.models import AppendixApproval, Order, OrderAppendix
from reports.order_docx import DOCX_CONTENT_TYPE, render_order_docx
from reports.services import order_sign

from .test_appendix_print import STAMPS, plan_order, three_level_plan


@pytest.fixture
def order(cast):
    plan = three_level_plan(cast.muni)
    plan.schools.add(cast.school_a, cast.school_b)  # executors at the school level: signing needs the plan's schools
    order = plan_order(cast, plan, stamps=STAMPS)
    order.preamble = "В соответствии с приказом министерства образования Омской области"
    order.place = "р.п. Русская Поляна"
    order.save()
    order.points.create(number=2, text="Контроль за исполнением приказа оставляю за собой.")
    appendix = OrderAppendix.objects.create(
        order=order, position=2, number=2, kind=OrderAppendix.Kind.TEXT, title="Положение о рабочей группе",
        text="Рабочая группа собирается не реже раза в квартал.",
    )
    order.appendices.filter(position=1).update(number=1)
    AppendixApproval.objects.create(
        appendix=appendix, position=1, word="approved", position_text="приказом Комитета от 28.03.2025 № 12",
        date=datetime.date(2025, 3, 28),
    )
    return order


def _doc(order) -> Document:
    return Document(io.BytesIO(render_order_docx(order)))


def _body_texts(doc) -> list[str]:
    """Paragraphs and table cells in document order, each once, empty ones left out."""
    texts = []
    for block in doc.element.body.iterchildren():
        if block.tag == qn("w:p"):
            texts.append("".join(t.text or "" for t in block.iter(qn("w:t"))))
        elif block.tag == qn("w:tbl"):
            for cell in block.iter(qn("w:tc")):
                texts.append("\n".join("".join(t.text or "" for t in p.iter(qn("w:t"))) for p in cell.iter(qn("w:p"))))
    return [t for t in texts if t.strip()]


def test_the_order_reads_in_the_documents_order(order):
    texts = _body_texts(_doc(order))
    wanted = [
        "КОМИТЕТ ОБРАЗОВАНИЯ", "ПРИКАЗ", "28.03.2025", "№ 12", "р.п. Русская Поляна", order.title,
        "В соответствии с приказом министерства образования Омской области", "ПРИКАЗЫВАЮ:",
        "1. Утвердить программу (приложение).", "2. Контроль за исполнением приказа оставляю за собой.",
        order.signatory_position, order.signatory_name,
    ]
    positions = [next(i for i, t in enumerate(texts) if w in t) for w in wanted]
    assert positions == sorted(positions), list(zip(wanted, positions))


def test_each_appendix_starts_a_new_page_plans_in_landscape(order):
    doc = _doc(order)
    sections = doc.sections
    assert len(sections) == 3
    assert sections[0].orientation == WD_ORIENT.PORTRAIT
    assert all(s.start_type == WD_SECTION.NEW_PAGE for s in sections[1:])
    assert sections[1].orientation == WD_ORIENT.LANDSCAPE and sections[1].page_width > sections[1].page_height
    assert sections[2].orientation == WD_ORIENT.PORTRAIT


def test_stamps_stand_side_by_side_and_the_caption_is_automatic(order):
    doc = _doc(order)
    stamps = next(t for t in doc.tables if "СОГЛАСОВАНО" in t.cell(0, 0).text)
    left, right = stamps.cell(0, 0).text, stamps.cell(0, 2).text
    assert "Н.В. Иванова" in left and "20 марта 2025 г." in left
    assert right.startswith("УТВЕРЖДАЮ") and "____________ Т.И. Буц" in right and "«___» ____________ 20___ г." in right
    texts = _body_texts(doc)
    caption = texts.index("Приложение № 1")
    assert texts[caption + 1 : caption + 3] == ["к приказу", "от 28.03.2025 № 12"]
    second = texts.index("Приложение № 2")
    # Under the caption, as in the PDF: the stamp of the second appendix, its date not repeated.
    assert texts[second + 3].startswith("УТВЕРЖДЕН\nприказом Комитета от 28.03.2025 № 12")
    assert "от 28 марта 2025 г." not in texts[second + 3]
    # An appendix with its own stamps does not print the order's single one as well.
    assert sum(t.count("УТВЕРЖДАЮ") for t in texts) == 1


def test_the_plan_table_has_the_plans_columns_and_two_header_rows(order):
    doc = _doc(order)
    table = next(t for t in doc.tables if t.cell(0, 0).text == "№")
    rows = table.rows
    assert len(table.columns) == 6
    assert [c.text for c in rows[0].cells] == ["№", "Мероприятие", "Срок исполнения", "Ответственные", "Ответственные", "Ответственные"]
    assert [c.text for c in rows[1].cells] == ["№", "Мероприятие", "Срок исполнения", "Регион", "Район", "ОО"]
    for row in rows[:2]:
        assert row._tr.trPr.find(qn("w:tblHeader")) is not None
    assert rows[2]._tr.trPr is None or rows[2]._tr.trPr.find(qn("w:tblHeader")) is None
    spans = [tc.tcPr.find(qn("w:gridSpan")) for tc in rows[0]._tr.iter(qn("w:tc"))]
    assert [s.get(qn("w:val")) for s in spans if s is not None] == ["3"]
    texts = [[c.text for c in row.cells] for row in rows[2:]]
    assert texts[0][:2] == ["1.", "Диагностика и планирование"]
    assert texts[1][1].startswith("Задачи:\nВыявить дефициты каждой школы") and "Показатели:" in texts[1][1]
    assert ["1.2", "Разработка программ перехода школ в эффективный режим работы", "Октябрь 2025", "",
            "Управление образования, ИМЦ", "Руководители ШНОР"] in texts
    assert not any("Планируемый результат" in c.text for row in rows for c in row.cells)


def test_a_signed_order_carries_its_verification_code(order, cast, client):
    signed = order_sign(order=order, user=cast.chair)
    client.force_login(cast.chair)
    response = client.get(reverse("reports:order_docx", args=[signed.pk]))
    assert response.status_code == 200 and response["Content-Type"] == DOCX_CONTENT_TYPE
    assert "attachment" in response["Content-Disposition"] and ".docx" in response["Content-Disposition"]
    doc = Document(io.BytesIO(response.content))
    footer = doc.sections[0].footer.paragraphs[0].text
    assert "Код проверки" in footer and signed.verification_code[:4] in footer.replace("-", "")


@pytest.mark.parametrize("signed", [False, True])
def test_the_docx_opens_for_exactly_those_the_pdf_opens_for(order, cast, client, signed):
    if signed:
        order = order_sign(order=order, user=cast.chair)
    statuses = {}
    for role in ("coordinator", "chair", "curator", "director_a", "director_b", "coordinator_other", "region_viewer", "no_role"):
        client.force_login(getattr(cast, role))
        pdf = client.get(reverse("reports:order_pdf", args=[order.pk])).status_code
        docx = client.get(reverse("reports:order_docx", args=[order.pk])).status_code
        statuses[role] = (pdf, docx)
    assert all(pdf == docx for pdf, docx in statuses.values()), statuses
    assert statuses["coordinator"] == (200, 200) and statuses["coordinator_other"] == (404, 404)
    if not signed:
        assert statuses["director_a"] == (404, 404)
    assert Order.objects.get(pk=order.pk).is_signed == signed
