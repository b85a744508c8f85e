from django.urls import path

from .views import appendix_stamps, approval, files, order_docx, order_import, orders, points

app_name = "reports"

urlpatterns = [
    path("", orders.order_list, name="order_list"),
    path("add/", orders.order_add, name="order_add"),
    path("import/", order_import.order_import_upload, name="order_import"),
    path("import/confirm/", order_import.order_import_confirm, name="order_import_confirm"),
    path("for-plan/<int:plan_pk>/", approval.order_for_plan, name="order_for_plan"),
    path("<int:pk>/", orders.order_detail, name="order_detail"),
    path("<int:pk>/change/", orders.order_change, name="order_change"),
    path("<int:pk>/sign/", orders.order_sign_view, name="order_sign"),
    path("<int:pk>/new-version/", orders.order_new_version_view, name="order_new_version"),
    path("<int:pk>/pdf/", orders.order_pdf, name="order_pdf"),
    path("<int:pk>/docx/", order_docx.order_docx, name="order_docx"),
    path("<int:pk>/verify/", orders.order_verify, name="order_verify"),
    path("<int:pk>/points/add/", points.point_add, name="point_add"),
    path("points/<int:pk>/change/", points.point_change, name="point_change"),
    path("points/<int:pk>/delete/", points.point_delete, name="point_delete"),
    path("points/<int:pk>/report/", points.point_report, name="point_report"),
    path("points/<int:pk>/accept/", points.point_accept, name="point_accept"),
    path("<int:pk>/appendices/add/", points.appendix_add, name="appendix_add"),
    path("appendices/<int:pk>/change/", points.appendix_change, name="appendix_change"),
    path("appendices/<int:pk>/delete/", points.appendix_delete, name="appendix_delete"),
    path("appendices/<int:pk>/stamps/", appendix_stamps.appendix_stamps, name="appendix_stamps"),
    path("school/<int:pk>/report/", files.school_report, name="school_report"),
    path("plan/<int:pk>/report/", files.plan_report, name="plan_report"),
    path("files/<int:pk>/", files.report_file_detail, name="report_file_detail"),
    path("files/<int:pk>/status/", files.report_file_status, name="report_file_status"),
    path("files/<int:pk>/download/", files.report_file_download, name="report_file_download"),
]
