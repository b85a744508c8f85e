from django.urls import path

from . import views as indicators

app_name = "indicators"

urlpatterns = [
    path("plans/<int:plan_pk>/", indicators.plan_indicators, name="plan_indicators"),
    path("plans/<int:plan_pk>/add/", indicators.indicator_add, name="indicator_add"),
    path("plans/<int:plan_pk>/propose/", indicators.indicator_propose, name="indicator_propose"),
    path("<int:pk>/change/", indicators.indicator_change, name="indicator_change"),
    path("<int:pk>/row/", indicators.indicator_row, name="indicator_row"),
    path("<int:pk>/delete/", indicators.indicator_delete_view, name="indicator_delete"),
    path("<int:pk>/move/", indicators.indicator_move_view, name="indicator_move"),
    path("<int:pk>/values/", indicators.values_edit, name="values_edit"),
]
