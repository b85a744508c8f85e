from django.contrib import admin
from django.contrib.auth.admin import UserAdmin as DjangoUserAdmin
from simple_history.admin import SimpleHistoryAdmin

from .models import LoginEvent, Person, PersonRole, User


class PersonRoleInline(admin.TabularInline):
    model = PersonRole
    extra = 0


@admin.register(Person)
class PersonAdmin(SimpleHistoryAdmin):
    list_display = ("short_name", "position", "organisation", "municipality", "school")
    list_filter = ("municipality", "roles__kind")
    search_fields = ("last_name", "first_name", "middle_name", "position", "organisation")
    list_select_related = ("municipality", "school")
    autocomplete_fields = ("school",)
    inlines = [PersonRoleInline]

    @admin.display(description="Ф.И.О.", ordering="last_name")
    def short_name(self, obj):
        return obj.short_name


@admin.register(User)
class UserAdmin(DjangoUserAdmin, SimpleHistoryAdmin):
    list_display = ("username", "display_name", "role", "municipality", "school", "is_active", "last_login")
    list_filter = ("role", "municipality", "is_active", "is_superuser")
    search_fields = ("username", "first_name", "last_name", "email", "person__last_name")
    list_select_related = ("municipality", "school", "person")
    autocomplete_fields = ("person", "school")
    fieldsets = DjangoUserAdmin.fieldsets + (
        ("Роль в портале", {"fields": ("role", "municipality", "region", "person", "school")}),
    )
    add_fieldsets = DjangoUserAdmin.add_fieldsets + (
        ("Роль в портале", {"fields": ("role", "municipality", "region", "person", "school")}),
    )

    @admin.display(description="имя")
    def display_name(self, obj):
        return obj.display_name


@admin.register(LoginEvent)
class LoginEventAdmin(admin.ModelAdmin):
    """The login log: read, searched and filtered; written only by accounts/audit.py."""

    list_display = ("at", "kind", "username", "user", "ip_address", "user_agent_short")
    list_filter = ("kind", "at")
    search_fields = ("username", "ip_address", "user_agent")
    date_hierarchy = "at"
    list_select_related = ("user",)
    readonly_fields = ("at", "kind", "user", "username", "ip_address", "user_agent")

    @admin.display(description="браузер")
    def user_agent_short(self, obj):
        return obj.user_agent[:80]

    # An audit log nobody can edit or thin out from the portal.
    def has_add_permission(self, request):
        return False

    def has_change_permission(self, request, obj=None):
        return False

    def has_delete_permission(self, request, obj=None):
        return False
