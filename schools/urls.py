from .lists import urls as urls_lists
from .registry import urls as urls_registry

app_name = "schools"

urlpatterns = urls_registry.urlpatterns + urls_lists.urlpatterns
