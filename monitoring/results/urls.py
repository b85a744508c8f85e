from django.urls import path

from .views import imports as results_import
from .views import register as results_register
from .views import school as results_school

app_name = "results"

urlpatterns = [
    path("", results_register.result_list, name="result_list"),
    path("export/", results_register.result_export, name="result_export"),
    path("import/", results_import.result_import, name="result_import"),
    path("import/template/", results_import.result_import_template, name="result_import_template"),
    path("import/confirm/", results_import.result_import_confirm, name="result_import_confirm"),
    path("schools/<int:pk>/", results_school.school_results, name="school_results"),
    path("schools/<int:pk>/export/", results_school.school_results_export, name="school_results_export"),
]
