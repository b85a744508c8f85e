from django.urls import path

from . import views

app_name = "municipalities"

urlpatterns = [
    # The region administrator: the region's municipalities.
    path("region/", views.municipality_list, name="municipality_list"),
    path("region/municipalities/add/", views.municipality_add, name="municipality_add"),
    path("region/municipalities/<int:pk>/", views.municipality_detail, name="municipality_detail"),
    path("region/municipalities/<int:pk>/change/", views.municipality_change, name="municipality_change"),
    path(
        "region/municipalities/<int:pk>/coordinator/add/",
        views.municipality_coordinator_add,
        name="municipality_coordinator_add",
    ),
    # The coordinator: the authority's requisites, people, accounts.
    path("municipality/requisites/", views.authority_change, name="authority_change"),
    path("municipality/people/", views.person_list, name="person_list"),
    path("municipality/people/add/", views.person_add, name="person_add"),
    path("municipality/people/<int:pk>/change/", views.person_change, name="person_change"),
    path("municipality/people/<int:pk>/merge/", views.person_merge_view, name="person_merge"),
    path("municipality/accounts/", views.account_list, name="account_list"),
    path("municipality/accounts/add/", views.account_add, name="account_add"),
    # Both: an account of one's municipality or region.
    path("municipality/accounts/<int:pk>/invite/", views.account_invite_view, name="account_invite"),
    path("municipality/accounts/<int:pk>/deactivate/", views.account_deactivate_view, name="account_deactivate"),
    path("municipality/accounts/<int:pk>/activate/", views.account_activate_view, name="account_activate"),
]
