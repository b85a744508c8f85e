from django.urls import path, re_path

from .views import bulk, calendar, control_points, curator, dashboard, files, notifications, school, visits

app_name = "monitoring"

urlpatterns = [
    path("my-school/", school.my_school, name="my_school"),
    path("my-school/group/", school.my_school_group, name="my_school_group"),
    path("curator/", curator.curator_home, name="curator_home"),
    path("", dashboard.dashboard, name="dashboard"),
    path("register/", dashboard.register, name="register"),
    path("register/export/", dashboard.register_export, name="register_export"),
    path("register/bulk/", bulk.register_bulk, name="register_bulk"),
    path("points/<int:pk>/", control_points.control_point_detail, name="control_point_detail"),
    path("points/<int:pk>/row/", control_points.control_point_row, name="control_point_row"),
    path("points/<int:pk>/report/", control_points.control_point_report, name="control_point_report"),
    path("points/<int:pk>/accept/", control_points.control_point_accept, name="control_point_accept"),
    path("points/<int:pk>/return/", control_points.control_point_return, name="control_point_return"),
    path("points/<int:pk>/cancel/", control_points.control_point_cancel, name="control_point_cancel"),
    path("points/<int:pk>/keep/", control_points.control_point_keep, name="control_point_keep"),
    path("points/<int:pk>/comment/", control_points.control_point_comment, name="control_point_comment"),
    path("points/<int:pk>/remind/", control_points.control_point_remind, name="control_point_remind"),
    path("points/<int:pk>/due-date/", control_points.due_date_request_add, name="due_date_request_add"),
    path("due-date-requests/<int:pk>/decide/", control_points.due_date_request_decide, name="due_date_request_decide"),
    path("evidence/<int:pk>/", files.evidence_download, name="evidence_download"),
    path("evidence/<int:pk>/delete/", control_points.evidence_delete, name="evidence_delete"),
    path("schools/<int:school_pk>/visits/add/", visits.visit_add, name="visit_add"),
    path("visits/<int:pk>/", visits.visit_detail, name="visit_detail"),
    path("visits/<int:pk>/change/", visits.visit_change, name="visit_change"),
    path("visit-files/<int:pk>/", files.visit_file_download, name="visit_file_download"),
    path("notifications/", notifications.notifications, name="notifications"),
    path("reminders/", notifications.reminder_settings, name="reminder_settings"),
    path("calendar/", calendar.calendar_settings, name="calendar_settings"),
    path("calendar/rotate/", calendar.calendar_rotate, name="calendar_rotate"),
    # Public: the token is the credential (calendar programs do not sign in).
    re_path(r"^calendar/(?P<token>[A-Za-z0-9_-]{32,64})\.ics$", calendar.calendar_feed, name="calendar_feed"),
]
