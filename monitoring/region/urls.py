from django.urls import path

from . import views

app_name = "region"

urlpatterns = [
    path("", views.cabinet, name="cabinet"),
    path("summary.xlsx", views.cabinet_xlsx, name="cabinet_xlsx"),
    path("summary.pdf", views.cabinet_pdf, name="cabinet_pdf"),
]
