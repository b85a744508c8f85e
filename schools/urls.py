from . import urls_lists, urls_registry

app_name = "schools"

urlpatterns = urls_registry.urlpatterns + urls_lists.urlpatterns
