from django.contrib import admin
from simple_history.admin import SimpleHistoryAdmin

from .models import Cluster, ClusterMembership


class ClusterMembershipInline(admin.TabularInline):
    model = ClusterMembership
    extra = 0
    autocomplete_fields = ("school",)


@admin.register(Cluster)
class ClusterAdmin(SimpleHistoryAdmin):
    list_display = ("number", "name", "criterion", "plan")
    list_filter = ("criterion", "plan__municipality")
    search_fields = ("name", "description")
    list_select_related = ("plan",)
    inlines = [ClusterMembershipInline]


@admin.register(ClusterMembership)
class ClusterMembershipAdmin(SimpleHistoryAdmin):
    list_display = ("school", "cluster", "reason")
    list_filter = ("cluster__plan__municipality", "cluster__number")
    search_fields = ("school__short_name", "reason")
    list_select_related = ("school", "cluster")
