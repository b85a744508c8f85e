from django.urls import path

from . import views as lists

urlpatterns = [
    path("lists/", lists.schoollist_list, name="schoollist_list"),
    path("lists/add/", lists.schoollist_add, name="schoollist_add"),
    path("lists/<int:pk>/", lists.schoollist_detail, name="schoollist_detail"),
    path("lists/<int:pk>/change/", lists.schoollist_change, name="schoollist_change"),
    path("lists/<int:pk>/delete/", lists.schoollist_delete, name="schoollist_delete"),
    path("lists/<int:pk>/entries/add/", lists.schoollistentry_add, name="schoollistentry_add"),
    path("lists/entries/<int:pk>/change/", lists.schoollistentry_change, name="schoollistentry_change"),
    path("lists/entries/<int:pk>/delete/", lists.schoollistentry_delete, name="schoollistentry_delete"),
    path("lists/matrix/", lists.list_matrix_view, name="list_matrix"),
    path("lists/matrix/export/", lists.list_matrix_export, name="list_matrix_export"),
    path("lists/import/", lists.schoollist_import, name="schoollist_import"),
    path("lists/import/template/", lists.schoollist_import_template, name="schoollist_import_template"),
]
