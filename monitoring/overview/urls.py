from django.urls import path

from . import views as overview

app_name = "overview"

urlpatterns = [
    path("", overview.municipal, name="municipal"),
    path("export/", overview.municipal_export, name="municipal_export"),
    path("plan-effect/", overview.plan_effect, name="plan_effect"),
]
