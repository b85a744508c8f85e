"""«Моя школа»: the director's control points, grouped by what needs doing first."""

from django.contrib.auth.decorators import login_required
from django.shortcuts import render
from django.utils import timezone

from accounts.models import Role
from monitoring.control.selectors import DUE_SOON_DAYS, school_points_for_user
from monitoring.control.workflow import REPORTABLE
from schools.access import control_point_rights, get_school_for_user, visible_schools

MY_SCHOOL_FILTERS = ("section", "status", "due_from", "due_to")


@login_required
def my_school(request):
    """The director sees their own school; others choose one of the schools they see (?school=)."""
    user = request.user
    if user.role == Role.DIRECTOR and user.school_id:
        school = get_school_for_user(user, user.school_id)
    elif request.GET.get("school", "").isdigit():
        school = get_school_for_user(user, int(request.GET["school"]))
    else:
        schools = visible_schools(user).order_by("short_name", "pk")
        return render(request, "monitoring/control/school_choose.html", {"schools": schools})
    today = timezone.localdate()
    filterset, groups = school_points_for_user(user=user, school=school, filters=request.GET, today=today)
    probe = next((cp for g in groups for cp in g.points), None)
    rights = control_point_rights(user, probe) if probe else None
    for group in groups:
        for cp in group.points:
            # Rights depend on the school, the same for every point of this page.
            cp.can_report = bool(rights and rights.report) and cp.status in REPORTABLE
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
        },
    )
