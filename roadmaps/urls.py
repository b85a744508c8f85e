from django.urls import path

from .views import documents, editions, editor, imports, plans, working_groups

app_name = "roadmaps"

urlpatterns = [
    path("", plans.plan_list, name="plan_list"),
    path("<int:pk>/", plans.plan_detail, name="plan_detail"),
    path("add/", editor.plan_add, name="plan_add"),
    path("<int:pk>/change/", editor.plan_change, name="plan_change"),
    path("<int:pk>/new-edition/", editions.plan_new_edition_view, name="plan_new_edition"),
    path("<int:pk>/compare/", editions.edition_compare, name="plan_edition_compare"),
    path("<int:pk>/timeline/", plans.plan_timeline_view, name="plan_timeline"),
    path("<int:pk>/export/", plans.plan_export, name="plan_export"),
    path("<int:pk>/export.docx", documents.plan_export_docx, name="plan_export_docx"),
    path("<int:plan_pk>/deadline-preview/", editor.deadline_preview, name="deadline_preview"),
    path("<int:plan_pk>/sections/add/", editor.section_add, name="section_add"),
    path("sections/<int:pk>/change/", editor.section_change, name="section_change"),
    path("sections/<int:pk>/delete/", editor.section_delete_view, name="section_delete"),
    path("sections/<int:pk>/renumber/", editor.section_renumber_view, name="section_renumber"),
    path("sections/<int:section_pk>/activities/add/", editor.activity_add, name="activity_add"),
    path("activities/<int:pk>/", editor.activity_detail, name="activity_detail"),
    path("activities/<int:pk>/change/", editor.activity_change, name="activity_change"),
    path("activities/<int:pk>/row/", editor.activity_row, name="activity_row"),
    path("activities/<int:pk>/delete/", editor.activity_delete_view, name="activity_delete"),
    path("activities/<int:pk>/move/", editor.activity_move_view, name="activity_move"),
    path("import/", imports.plan_import, name="plan_import"),
    path("import/confirm/", imports.plan_import_confirm, name="plan_import_confirm"),
    path("working-groups/", working_groups.working_group_list, name="working_group_list"),
    path("working-groups/add/", working_groups.working_group_add, name="working_group_add"),
    path("working-groups/<int:pk>/", working_groups.working_group_detail, name="working_group_detail"),
    path("working-groups/<int:pk>/change/", working_groups.working_group_change, name="working_group_change"),
    path("working-groups/<int:pk>/delete/", working_groups.working_group_delete_view, name="working_group_delete"),
    path("working-groups/<int:pk>/members/add/", working_groups.working_group_member_add_view, name="working_group_member_add"),
    path("working-groups/members/<int:pk>/change/", working_groups.working_group_member_change, name="working_group_member_change"),
    path("working-groups/members/<int:pk>/delete/", working_groups.working_group_member_delete, name="working_group_member_delete"),
    path("working-groups/members/<int:pk>/move/", working_groups.working_group_member_move_view, name="working_group_member_move"),
]
