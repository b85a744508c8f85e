from django.urls import path

from .views import registry

urlpatterns = [
    path("", registry.school_list, name="school_list"),
    path("<int:pk>/", registry.school_detail, name="school_detail"),
]
