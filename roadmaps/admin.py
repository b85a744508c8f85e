from django.contrib import admin
from simple_history.admin import SimpleHistoryAdmin

from .models import (
    Activity,
    ActivityExecutor,
    Plan,
    PlanOutcome,
    PlanRisk,
    PlanSection,
    PlanTeamMember,
    WorkingGroup,
    WorkingGroupMember,
)


class PlanSectionInline(admin.TabularInline):
    model = PlanSection
    extra = 0
    fields = ("position", "number", "title", "parent", "cluster")
    show_change_link = True


class PlanRiskInline(admin.TabularInline):
    model = PlanRisk
    extra = 0


class PlanOutcomeInline(admin.TabularInline):
    model = PlanOutcome
    extra = 0


class PlanTeamMemberInline(admin.TabularInline):
    model = PlanTeamMember
    extra = 0
    autocomplete_fields = ("person",)


@admin.register(Plan)
class PlanAdmin(SimpleHistoryAdmin):
    list_display = ("title", "kind", "status", "period_start", "period_end", "municipality")
    list_filter = ("municipality", "kind", "status")
    search_fields = ("title",)
    list_select_related = ("municipality",)
    inlines = [PlanSectionInline, PlanRiskInline, PlanOutcomeInline, PlanTeamMemberInline]


class ActivityInline(admin.StackedInline):
    model = Activity
    extra = 0
    fields = ("position", "number", "content", "deadline_text", "executors_text", "expected_result", "scope")
    show_change_link = True


@admin.register(PlanSection)
class PlanSectionAdmin(SimpleHistoryAdmin):
    list_display = ("__str__", "plan", "parent", "cluster", "position")
    list_filter = ("plan__municipality", "plan")
    search_fields = ("title", "number")
    list_select_related = ("plan", "parent", "cluster")
    inlines = [ActivityInline]


class ActivityExecutorInline(admin.TabularInline):
    model = ActivityExecutor
    extra = 0
    autocomplete_fields = ("person",)


@admin.register(Activity)
class ActivityAdmin(SimpleHistoryAdmin):
    list_display = ("number", "content_short", "deadline_text", "scope", "section")
    list_filter = ("section__plan__municipality", "section__plan", "scope")
    search_fields = ("content", "deadline_text", "executors_text", "expected_result")
    list_select_related = ("section", "section__plan")
    filter_horizontal = ("clusters", "schools")
    inlines = [ActivityExecutorInline]

    @admin.display(description="содержание")
    def content_short(self, obj):
        return obj.content[:100]


class WorkingGroupMemberInline(admin.TabularInline):
    model = WorkingGroupMember
    extra = 0
    autocomplete_fields = ("person",)


@admin.register(WorkingGroup)
class WorkingGroupAdmin(SimpleHistoryAdmin):
    list_display = ("title", "plan", "municipality")
    list_filter = ("municipality",)
    search_fields = ("title",)
    inlines = [WorkingGroupMemberInline]
