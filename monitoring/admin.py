from django.contrib import admin
from simple_history.admin import SimpleHistoryAdmin

from .models import (
    ControlPoint,
    ControlPointComment,
    DigestLog,
    DueDateChangeRequest,
    Evidence,
    ExamResult,
    IndicatorValue,
    MonitoringVisit,
    Notification,
    PlanIndicator,
    ReferenceResult,
    ReminderSettings,
    VisitFile,
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


class DueDateChangeRequestInline(admin.TabularInline):
    model = DueDateChangeRequest
    fk_name = "control_point"
    extra = 0
    fields = ("current_due_date", "requested_date", "reason", "status", "requested_by", "decided_by", "decided_at", "comment")
    readonly_fields = ("requested_by", "decided_by", "decided_at")


@admin.register(ControlPoint)
class ControlPointAdmin(SimpleHistoryAdmin):
    list_display = ("activity", "school", "window_start", "due_date", "status", "needs_decision")
    list_filter = ("municipality", "status", "needs_decision")
    search_fields = ("activity__content", "school__short_name", "report_text")
    list_select_related = ("activity", "school")
    raw_id_fields = ("activity", "school", "accepted_by")
    date_hierarchy = "due_date"
    show_full_result_count = False
    inlines = [EvidenceInline, CommentInline, DueDateChangeRequestInline]


class VisitFileInline(admin.TabularInline):
    model = VisitFile
    extra = 0
    fields = ("original_name", "content_type", "size", "uploaded_by", "uploaded_at")
    readonly_fields = fields


@admin.register(MonitoringVisit)
class MonitoringVisitAdmin(SimpleHistoryAdmin):
    inlines = [VisitFileInline]
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


@admin.register(ReminderSettings)
class ReminderSettingsAdmin(SimpleHistoryAdmin):
    list_display = ("municipality", "enabled", "days_ahead", "escalation_days", "send_hour")
    list_select_related = ("municipality",)


@admin.register(DigestLog)
class DigestLogAdmin(admin.ModelAdmin):
    list_display = ("user", "local_date", "items", "claimed_at", "sent_at")
    list_filter = ("local_date",)
    search_fields = ("user__username",)
    list_select_related = ("user",)
    date_hierarchy = "local_date"


@admin.register(Notification)
class NotificationAdmin(admin.ModelAdmin):
    list_display = ("user", "kind", "text", "created_at", "read_at")
    list_filter = ("kind",)
    search_fields = ("user__username", "text")
    list_select_related = ("user",)
    raw_id_fields = ("user", "control_point")
