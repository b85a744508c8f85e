from django.contrib import admin
from django.urls import include, path

from . import health, views

urlpatterns = [
    path("", views.home, name="home"),
    path("accounts/", include("accounts.urls")),
    path("schools/", include("schools.urls")),
    path("plans/", include("roadmaps.urls")),
    path("clusters/", include("clusters.urls")),
    path("execution/", include("monitoring.control.urls")),
    path("orders/", include("reports.urls")),
    path("verify/", include("reports.public_urls")),  # public: a printed order checked by its code
    path("results/", include("monitoring.results.urls")),
    path("overview/", include("monitoring.overview.urls")),
    path("indicators/", include("monitoring.indicators.urls")),
    # The region's cabinet, its municipalities side by side; not under /region/, the region administrator's
    # «Муниципалитеты», whose menu entry would light up on it as on any page below it.
    path("cabinet/", include("monitoring.region.urls")),
    path("", include("schools.municipalities.urls")),  # /region/ and /municipality/: setting a municipality up
    path("admin/", admin.site.urls),
    path("health/", health.health, name="health"),  # public: state of each part, no data (schnor_portal/health.py)
]

# Russian error pages that need no database; 503 while PostgreSQL is away (schnor_portal/errors.py).
handler500 = "schnor_portal.errors.server_error"
