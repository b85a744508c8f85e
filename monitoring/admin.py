from django.contrib import admin
from simple_history.admin import SimpleHistoryAdmin

from .models import (
    ControlPoint,
    ControlPointComment,
    Evidence,
    ExamResult,
    IndicatorValue,
    MonitoringVisit,
    PlanIndicator,
    ReferenceResult,
)


class EvidenceInline(admin.TabularInline):
    model = Evidence
    extra = 0
    fields = ("original_name", "link", "description", "uploaded_by", "uploaded_at")
    readonly_fields = ("original_name", "uploaded_by", "uploaded_at")


class CommentInline(admin.TabularInline):
    model = ControlPointComment
    extra = 0
    readonly_fields = ("author", "created_at")


@admin.register(ControlPoint)
class ControlPointAdmin(SimpleHistoryAdmin):
    list_display = ("activity", "school", "window_start", "due_date", "status", "needs_decision")
    list_filter = ("municipality", "status", "needs_decision")
    search_fields = ("activity__content", "school__short_name", "report_text")
    list_select_related = ("activity", "school")
    raw_id_fields = ("activity", "school", "accepted_by")
    date_hierarchy = "due_date"
    show_full_result_count = False
    inlines = [EvidenceInline, CommentInline]


@admin.register(MonitoringVisit)
class MonitoringVisitAdmin(SimpleHistoryAdmin):
    list_display = ("school", "date", "visitor", "purpose")
    list_filter = ("school__municipality",)
    search_fields = ("school__short_name", "purpose", "findings")
    list_select_related = ("school", "visitor")
    date_hierarchy = "date"


@admin.register(ExamResult)
class ExamResultAdmin(SimpleHistoryAdmin):
    list_display = ("school", "procedure", "subject", "grade", "year", "average_score", "failed_share", "participants")
    list_filter = ("procedure", "year", "school__municipality")
    search_fields = ("school__short_name", "subject")
    list_select_related = ("school",)


@admin.register(ReferenceResult)
class ReferenceResultAdmin(SimpleHistoryAdmin):
    list_display = ("level", "municipality", "region", "procedure", "subject", "year", "average_score")
    list_filter = ("level", "procedure", "year")
    search_fields = ("subject",)
    list_select_related = ("municipality", "region")


class IndicatorValueInline(admin.TabularInline):
    model = IndicatorValue
    extra = 0


@admin.register(PlanIndicator)
class PlanIndicatorAdmin(SimpleHistoryAdmin):
    list_display = ("position", "name", "kind", "target_value", "unit", "plan")
    list_filter = ("kind", "plan__municipality")
    search_fields = ("name",)
    inlines = [IndicatorValueInline]
