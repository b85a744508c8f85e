from django.urls import path

from . import import_views
from . import views as registry

urlpatterns = [
    path("", registry.school_list, name="school_list"),
    path("export/", registry.school_export, name="school_export"),
    path("add/", registry.school_add, name="school_add"),
    path("import/", import_views.school_import, name="school_import"),
    path("import/template/", import_views.school_import_template, name="school_import_template"),
    path("<int:pk>/", registry.school_detail, name="school_detail"),
    path("<int:pk>/change/", registry.school_change, name="school_change"),
    path("<int:pk>/year-data/add/", registry.school_yeardata_add, name="school_yeardata_add"),
    path("year-data/<int:pk>/change/", registry.school_yeardata_change, name="school_yeardata_change"),
    path("<int:pk>/social-passports/add/", registry.school_socialpassport_add, name="school_socialpassport_add"),
    path(
        "social-passports/<int:pk>/change/", registry.school_socialpassport_change, name="school_socialpassport_change"
    ),
    path("<int:pk>/curators/add/", registry.school_curator_add, name="school_curator_add"),
    path("curator-assignments/<int:pk>/end/", registry.curator_assignment_end, name="curator_assignment_end"),
]
