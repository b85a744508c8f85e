"""Typical points of an order, prefilled for the coordinator to check and save.

Plain functions from objects to the point's initial values; Russian declension of positions and
names is not attempted, so the form asks the coordinator to check the cases.
"""

from dataclasses import dataclass

from schnor_portal.dates import format_date

PLAN_KIND_ACCUSATIVE = {
    "roadmap": "дорожную карту",
    "schedule": "план-график",
    "action_plan": "план мероприятий",
    "project": "муниципальный проект",
    "support_programme": "программу адресной поддержки",
}


@dataclass(frozen=True)
class PointTemplate:
    key: str
    label: str
    needs: str = ""  # "plan", "person", "order" or nothing


TEMPLATES = [
    PointTemplate("approve_plan", "Утвердить план …", "plan"),
    PointTemplate("appoint_coordinator", "Назначить муниципальным координатором …", "person"),
    PointTemplate("void_order", "Признать утратившим силу приказ от … № …", "order"),
    PointTemplate("publish", "Разместить на сайте"),
    PointTemplate("control_self", "Контроль исполнения оставляю за собой"),
    PointTemplate("control_person", "Контроль исполнения возложить на …", "person"),
]
BY_KEY = {t.key: t for t in TEMPLATES}


def _appendix_reference(order, plan) -> str:
    appendices = list(order.appendices.order_by("position"))
    for appendix in appendices:
        if appendix.plan_id == plan.pk and appendix.kind == "plan":
            return f"приложение № {appendix.number}" if appendix.number else "приложение"
    if not appendices:
        return "приложение"
    return f"приложение № {max((a.number or 1) for a in appendices) + 1}"


def point_initial(key: str, order, obj=None) -> dict:
    """Initial values of the point form for a template; `obj` is the plan, person or order picked."""
    genitive = order.kind_genitive
    own_kind = order.get_kind_display().lower()
    if key == "approve_plan":
        kind = PLAN_KIND_ACCUSATIVE.get(obj.kind, "план")
        return {
            "text": f"Утвердить {kind} «{obj.title.strip('«»')}» ({_appendix_reference(order, obj)}).",
            "approve_plan": obj.pk,
        }
    if key == "appoint_coordinator":
        position = f", {obj.position[:1].lower()}{obj.position[1:]}" if obj.position else ""
        return {
            "text": f"Назначить муниципальным координатором по работе со школами с низкими образовательными результатами {obj.short_name}{position}.",
            "responsible": obj.pk,
            "responsible_text": obj.short_name,
        }
    if key == "void_order":
        kind = obj.get_kind_display().lower()
        return {
            "text": f"Признать утратившим силу {kind} от {format_date(obj.date)} № {obj.number} «{obj.title.strip('«»')}».",
            "void_order": obj.pk,
        }
    if key == "publish":
        return {"text": f"Разместить настоящий {own_kind} на официальном сайте в информационно-телекоммуникационной сети «Интернет»."}
    if key == "control_self":
        return {"text": f"Контроль за исполнением настоящего {genitive} оставляю за собой."}
    if key == "control_person":
        position = f"{obj.position[:1].lower()}{obj.position[1:]} " if obj.position else ""
        return {
            "text": f"Контроль исполнения настоящего {genitive} возложить на {position}{obj.short_name}.",
            "responsible": obj.pk,
            "responsible_text": obj.short_name,
        }
    raise KeyError(key)
