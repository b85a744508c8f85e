from django import template

register = template.Library()

KIND_LABELS = {
    "dates": "даты",
    "continuous": "постоянно",
    "on_schedule": "по графику — даты назначает координатор",
    "on_demand": "по мере необходимости — без сроков",
    "unknown": "не распознан — даты назначает координатор",
}


@register.filter
def deadline_kind(kind):
    return KIND_LABELS.get(kind, kind)
