"""The plan as an Excel table laid out like the document: section rows across, the document's columns."""

from schnor_portal.xlsx import Band, Sheet, workbook_bytes

from .selectors import plan_has_executors


def plan_sheet(*, plan, rows) -> Sheet:
    with_executors = plan_has_executors(rows)
    tail = [("Ожидаемый результат", 45)] + ([("Ответственные", 30)] if with_executors else [])
    if not plan.result_before_executors:
        tail.reverse()
    headers = ["№", "Содержание мероприятия", "Сроки"] + [title for title, _ in tail]
    widths = [8, 60, 24] + [width for _, width in tail]
    table = []
    for row in rows:
        if row["kind"] == "section":
            section = row["section"]
            title = section.title if not section.number or section.number in section.title else f"{section.number} {section.title}"
            table.append(Band(title))
        elif row["kind"] == "activity":
            a = row["activity"]
            cells = {"Ответственные": a.executors_text, "Ожидаемый результат": a.expected_result}
            table.append([a.number, a.content, a.deadline_text] + [cells[title] for title, _ in tail])
    return Sheet("План", headers, table, widths, caption=plan.title, layout="document")


def plan_workbook(*, plan, rows) -> bytes:
    return workbook_bytes(plan_sheet(plan=plan, rows=rows))
