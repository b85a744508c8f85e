from django.urls import path

from . import views

app_name = "clusters"

urlpatterns = [
    path("plan/<int:plan_pk>/", views.cluster_list, name="cluster_list"),
    path("plan/<int:plan_pk>/add/", views.cluster_add, name="cluster_add"),
    path("plan/<int:plan_pk>/propose/", views.cluster_propose, name="cluster_propose"),
    path("<int:pk>/", views.cluster_detail, name="cluster_detail"),
    path("<int:pk>/change/", views.cluster_change, name="cluster_change"),
    path("<int:pk>/delete/", views.cluster_delete, name="cluster_delete"),
]
