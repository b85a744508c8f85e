"""Build whole orders as .docx for tests, laid out as the source documents lay them out.

``demo_order_docx(name)`` rebuilds each demo order from schnor_portal/demo/data/*.json: the
authority's header, the kind word (spaced, «П Р И К А З», as seed 000 prints it), date, number
and place, the bold title, the preamble, the operative word, the numbered points, the signature
(post over two lines, the name on its own line), then the appendices: a caption «Приложение № N
к приказу … от … № …» (or, for a single appendix, the «УТВЕРЖДАЮ» stamp seed 000 puts there)
and the plan laid out as tests/roadmaps/docx_builders.py lays it out, or the working group as
numbered lines «Фамилия И.О., должность;» as seed 002 prints it.
"""

import json
from datetime import date

from tests.roadmaps.docx_builders import DATA, DEMO_LAYOUTS, P, T, build_docx

KIND_WORD = {"order": "П Р И К А З", "directive": "РАСПОРЯЖЕНИЕ"}
KIND_DATIVE = {"order": "приказу", "directive": "распоряжению"}
KIND_NAME = {"order": "приказ", "directive": "распоряжение"}


def demo_data(file):
    return json.loads((DATA / f"{file}.json").read_text(encoding="utf-8"))


def demo_order(file):
    return demo_data(file)["orders"][0]


def order_blocks(order, *, date_style="numeric"):
    when = date.fromisoformat(order["date"])
    written = f"{when:%d.%m.%Y}" if date_style == "numeric" else f"«{when.day}» {_month(when.month)} {when.year} г."
    blocks = [P(line, bold=True) for line in order["header"]]
    blocks += [P(""), P(KIND_WORD[order["kind"]], bold=True), P("")]
    blocks += [P(f"от {written}\t\t{order['place']}\t\t№ {order['number']}"), P("")]
    blocks += [P(order["title"], bold=True), P("")]
    blocks.append(P(order["preamble"]))
    if order["operative_word"]:
        blocks.append(P(order["operative_word"]))
    blocks += [P(f"{p['number']}. {p['text']}") for p in order["points"]]
    blocks.append(P(""))
    words = order["signatory_position"].split(" ")
    half = max(1, len(words) // 2)
    blocks += [P(" ".join(words[:half])), P(" ".join(words[half:])), P(""), P(order["signatory_name"])]
    return blocks


_MONTHS = ["января", "февраля", "марта", "апреля", "мая", "июня", "июля", "августа", "сентября", "октября",
           "ноября", "декабря"]


def _month(m):
    return _MONTHS[m - 1]


def caption_blocks(order, number):
    when = date.fromisoformat(order["date"])
    label = f"Приложение № {number}" if number else "Приложение"
    return [P(label), P(f"к {KIND_DATIVE[order['kind']]} {' '.join(order['header'][:1]).capitalize()}"),
            P(f"от {when:%d.%m.%Y} № {order['number']}"), P("")]


def working_group_blocks(data, title):
    people = {p["key"]: p for p in data["people"]}
    group = data["working_groups"][0]
    blocks = [P(title + ":", bold=True)]
    for i, m in enumerate(group["members"], start=1):
        person = people[m["person"]]
        name = f"{person['last_name']} {person['first_name']}{person['middle_name']}"
        blocks.append(P(f"{i}. {name}, {m['post']};"))
    return blocks


def demo_order_blocks(file, *, with_order=True, stamp=False):
    data = demo_data(file)
    order = data["orders"][0]
    plans = {p["key"]: p for p in data["plans"]}
    blocks = order_blocks(order) if with_order else []
    for appendix in order["appendices"]:
        blocks.append(P(""))
        if stamp and appendix["number"] is None:
            blocks += [P("УТВЕРЖДАЮ"), P(order["approval_position"] or order["signatory_position"]),
                       P(f"_____________ {order['approval_name'] or order['signatory_name']}"),
                       P("«___» ____________ 20__ г."), P("")]
        else:
            blocks += caption_blocks(order, appendix["number"])
        if appendix["kind"] == "plan":
            plan = plans[appendix["plan"]]
            if plan.get("sections"):
                layout = DEMO_LAYOUTS[file](plan)
                if file == "uglegorsk":  # its layout starts with a scrap of the order text
                    layout = layout[5:]
                blocks += [P(appendix["title"] or plan["title"], bold=True)] + layout
            else:  # the project: a passport table, not a plan table
                blocks += [P(appendix["title"], bold=True),
                           T(["Наименование проекта", appendix["title"]], [["Срок реализации проекта", "2023-2027 годы"]])]
        elif appendix["kind"] == "working_group":
            blocks += working_group_blocks(data, appendix["title"])
    return blocks


def demo_order_docx(file, **options) -> bytes:
    return build_docx(demo_order_blocks(file, **options))
