"""The curator's «Мои школы»: progress per school, the review queue, recent visits."""

from django.contrib.auth.decorators import login_required
from django.shortcuts import render

from monitoring.control.selectors import curator_home_for_user
from schools.access import can_record_visit, can_review_control_point


@login_required
def curator_home(request):
    data = curator_home_for_user(user=request.user)
    queue, schools = data["queue"], data["schools"]
    # The page holds only the user's schools; whoever may review (record visits for) one of them
    # — their curator, the coordinator — may do so for all, so one check stands for every row.
    data["can_review"] = bool(queue) and can_review_control_point(request.user, queue[0])
    data["can_record_visits"] = bool(schools) and can_record_visit(request.user, schools[0])
    return render(request, "monitoring/control/curator_home.html", data)
