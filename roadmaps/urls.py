from . import urls_editor, urls_import, urls_plans

app_name = "roadmaps"

urlpatterns = urls_plans.urlpatterns + urls_editor.urlpatterns + urls_import.urlpatterns
