from django import forms
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


def _plan_of(obj):
    if isinstance(obj, Plan):
        return obj
    if isinstance(obj, PlanSection):
        return obj.plan
    if isinstance(obj, Activity):
        return obj.section.plan
    return None


def _is_fixed(obj) -> bool:
    """A plan in force or one that lost force is the text an order approved: the admin shows it
    read-only too, so nothing bypasses «Внести изменения» and the approval order."""
    plan = _plan_of(obj)
    return plan is not None and plan.status != Plan.Status.DRAFT


class DraftOnlyMixin:
    """Change, add and delete only while the plan (of the object, or of the inline's parent) is a draft."""

    def has_change_permission(self, request, obj=None):
        return not _is_fixed(obj) and super().has_change_permission(request, obj)

    def has_delete_permission(self, request, obj=None):
        return not _is_fixed(obj) and super().has_delete_permission(request, obj)


class DraftOnlyInlineMixin(DraftOnlyMixin):
    def has_add_permission(self, request, obj=None):
        return not _is_fixed(obj) and super().has_add_permission(request, obj)


class DraftTargetForm(forms.ModelForm):
    """A section or row added from its own admin page goes into a draft only (the page's plan or
    section select lists every plan)."""

    def clean(self):
        cleaned = super().clean()
        target = cleaned.get("plan") or cleaned.get("section")
        if target is not None and _is_fixed(target):
            raise forms.ValidationError(
                "План утверждён или утратил силу: изменения вносятся в черновик новой редакции («Внести изменения» на странице плана)."
            )
        return cleaned


class PlanSectionInline(DraftOnlyInlineMixin, admin.TabularInline):
    model = PlanSection
    extra = 0
    fields = ("position", "number", "title", "parent", "cluster")
    show_change_link = True


class PlanRiskInline(DraftOnlyInlineMixin, admin.TabularInline):
    model = PlanRisk
    extra = 0


class PlanOutcomeInline(DraftOnlyInlineMixin, admin.TabularInline):
    model = PlanOutcome
    extra = 0


class PlanTeamMemberInline(DraftOnlyInlineMixin, admin.TabularInline):
    model = PlanTeamMember
    extra = 0
    autocomplete_fields = ("person",)


@admin.register(Plan)
class PlanAdmin(DraftOnlyMixin, SimpleHistoryAdmin):
    list_display = ("title", "kind", "status", "period_start", "period_end", "municipality")
    list_filter = ("municipality", "kind", "status")
    search_fields = ("title",)
    list_select_related = ("municipality",)
    inlines = [PlanSectionInline, PlanRiskInline, PlanOutcomeInline, PlanTeamMemberInline]


class ActivityInline(DraftOnlyInlineMixin, admin.StackedInline):
    model = Activity
    extra = 0
    fields = ("position", "number", "content", "deadline_text", "executors_text", "expected_result", "scope")
    show_change_link = True


@admin.register(PlanSection)
class PlanSectionAdmin(DraftOnlyMixin, SimpleHistoryAdmin):
    form = DraftTargetForm
    list_display = ("__str__", "plan", "parent", "cluster", "position")
    list_filter = ("plan__municipality", "plan")
    search_fields = ("title", "number")
    list_select_related = ("plan", "parent", "cluster")
    inlines = [ActivityInline]


class ActivityExecutorInline(DraftOnlyInlineMixin, admin.TabularInline):
    model = ActivityExecutor
    extra = 0
    autocomplete_fields = ("person",)


@admin.register(Activity)
class ActivityAdmin(DraftOnlyMixin, SimpleHistoryAdmin):
    form = DraftTargetForm
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
