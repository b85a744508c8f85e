"""«Моя школа»: the director's control points, grouped by what needs doing first."""

from django.contrib.auth.decorators import login_required
from django.http import Http404
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils import timezone

from accounts.models import Role
from monitoring.control.selectors import DUE_SOON_DAYS, FOLDED_GROUPS, OPEN_GROUPS, PointGroup, school_points_for_user
from monitoring.control.workflow import REPORTABLE
from schools.access import control_point_rights, get_school_for_user, own_school, visible_schools

MY_SCHOOL_FILTERS = ("section", "status", "due_from", "due_to")


def _requested_school(request):
    """The director's own school; for anyone else the one chosen (?school=), or None to choose one."""
    user = request.user
    if user.role == Role.DIRECTOR and user.school_id:
        return own_school(user)
    if request.GET.get("school", "").isdigit():
        return get_school_for_user(user, int(request.GET["school"]))
    return None


def _mark_reportable(user, groups):
    probe = next((cp for g in groups for cp in g.points), None)
    rights = control_point_rights(user, probe) if probe else None
    for group in groups:
        for cp in group.points:
            # Rights depend on the school, the same for every point of this page.
            cp.can_report = bool(rights and rights.report) and cp.status in REPORTABLE


def _school_query(user, school, joiner="?"):
    return "" if user.role == Role.DIRECTOR else f"{joiner}school={school.pk}"


@login_required
def my_school(request):
    """The director sees their own school; others choose one of the schools they see (?school=).

    Unfiltered, the page loads the cards of the open groups only (overdue, due soon): the folded
    ones (later, done, cancelled) are counted and bring their cards when opened — most visits
    never open them, and they were half the page. A filtered page shows every group's cards, as
    the user asked for exactly those points.
    """
    user = request.user
    school = _requested_school(request)
    if school is None:
        schools = visible_schools(user).order_by("short_name", "pk")
        return render(request, "monitoring/control/school_choose.html", {"schools": schools})
    today = timezone.localdate()
    filtered = any(request.GET.get(name) for name in MY_SCHOOL_FILTERS)
    filterset, groups = school_points_for_user(
        user=user, school=school, filters=request.GET, today=today, cards_for=None if filtered else OPEN_GROUPS
    )
    _mark_reportable(user, groups)
    return render(
        request,
        "monitoring/control/my_school.html",
        {
            "school": school,
            "filter": filterset,
            "filter_fields": [filterset.form[name] for name in MY_SCHOOL_FILTERS],
            "groups": groups,
            "today": today,
            "due_soon_days": DUE_SOON_DAYS,
            "count": sum(g.total for g in groups),
            "is_own": user.role == Role.DIRECTOR,
            "school_query": _school_query(user, school, joiner="&"),
        },
    )


@login_required
def my_school_group(request):
    """The cards of one folded group of «Моя школа» (?group=), fetched by htmx when it is opened."""
    user = request.user
    school = _requested_school(request)
    if school is None:
        raise Http404("Школа не выбрана")
    key = request.GET.get("group", "")
    if key not in FOLDED_GROUPS:
        raise Http404("Такой группы контрольных точек нет")
    if not request.htmx:
        # An address opened by hand: the page itself, at the group.
        return redirect(reverse("monitoring:my_school") + _school_query(user, school) + f"#{key}")
    _, groups = school_points_for_user(user=user, school=school, today=timezone.localdate(), cards_for=(key,))
    # A group emptied since the page was loaded (its last point reported elsewhere) is shown empty.
    group = next((g for g in groups if g.key == key), PointGroup(key, ""))
    _mark_reportable(user, [group])
    return render(
        request,
        "monitoring/control/partials/point_group_cards.html",
        {"group": group, "school": school, "due_soon_days": DUE_SOON_DAYS},
    )
