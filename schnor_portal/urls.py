from django.contrib import admin
from django.urls import include, path

from . import views

urlpatterns = [
    path("", views.home, name="home"),
    path("accounts/", include("accounts.urls")),
    path("schools/", include("schools.urls")),
    path("plans/", include("roadmaps.urls")),
    path("clusters/", include("clusters.urls")),
    path("execution/", include("monitoring.urls")),
    path("orders/", include("reports.urls")),
    path("admin/", admin.site.urls),
]
