from django.urls import path

from .views import imports

urlpatterns = [
    path("import/", imports.plan_import, name="plan_import"),
    path("import/confirm/", imports.plan_import_confirm, name="plan_import_confirm"),
]
