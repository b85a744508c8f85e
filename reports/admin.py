"""Admin of orders: a signed order is read-only here too — its inlines, its deletion, everything."""

from django.contrib import admin
from django.core.exceptions import PermissionDenied
from simple_history.admin import SimpleHistoryAdmin

from .models import AppendixApproval, Order, OrderAppendix, OrderPoint, ReportFile


def _signed(obj) -> bool:
    return obj is not None and obj.is_signed


class SignedReadOnlyInline:
    """Inlines of a signed order: nothing added, changed or deleted."""

    def has_add_permission(self, request, obj=None):
        return not _signed(obj) and super().has_add_permission(request, obj)

    def has_change_permission(self, request, obj=None):
        return not _signed(obj) and super().has_change_permission(request, obj)

    def has_delete_permission(self, request, obj=None):
        return not _signed(obj) and super().has_delete_permission(request, obj)


class OrderPointInline(SignedReadOnlyInline, admin.StackedInline):
    model = OrderPoint
    fk_name = "order"
    extra = 0
    autocomplete_fields = ("responsible",)
    readonly_fields = ("report_text", "reported_by", "reported_at", "accepted_by", "accepted_at")


class OrderAppendixInline(SignedReadOnlyInline, admin.TabularInline):
    model = OrderAppendix
    extra = 0


@admin.register(Order)
class OrderAdmin(SimpleHistoryAdmin):
    list_display = ("__str__", "title", "status", "municipality", "signatory_name", "superseded_by")
    list_filter = ("municipality", "kind", "status")
    search_fields = ("number", "title", "preamble")
    list_select_related = ("municipality", "superseded_by")
    filter_horizontal = ("voids",)
    inlines = [OrderPointInline, OrderAppendixInline]
    readonly_fields = (
        "status", "signed_by", "signed_at", "pdf", "pdf_sha256", "content_sha256", "superseded_by", "superseded_on",
    )

    def has_change_permission(self, request, obj=None):
        return not _signed(obj) and super().has_change_permission(request, obj)

    def has_delete_permission(self, request, obj=None):
        return not _signed(obj) and super().has_delete_permission(request, obj)

    def _signed_now(self, object_id) -> bool:
        return Order.objects.filter(pk=object_id, status=Order.Status.SIGNED).exists()

    def revert_disabled(self, request, obj=None):
        # `obj` is the historical version shown; what counts is the order as it is now.
        return (obj is not None and self._signed_now(obj.pk)) or super().revert_disabled(request, obj)

    def history_form_view(self, request, object_id, version_id, extra_context=None):
        """Reverting to an earlier version would change a signed order: refused."""
        if request.method == "POST" and self._signed_now(object_id):
            raise PermissionDenied("Подписанный документ изменить нельзя, в том числе возвратом к прежней версии.")
        return super().history_form_view(request, object_id, version_id, extra_context)


@admin.register(AppendixApproval)
class AppendixApprovalAdmin(SimpleHistoryAdmin):
    """Stamps of appendices; those of a signed order are read-only, as the order is."""

    list_display = ("__str__", "appendix", "position", "date", "date_text")
    list_select_related = ("appendix", "appendix__order")
    list_filter = ("word", "appendix__order__municipality")
    search_fields = ("name", "position_text")
    raw_id_fields = ("appendix",)

    def has_change_permission(self, request, obj=None):
        return not (obj is not None and obj.appendix.order.is_signed) and super().has_change_permission(request, obj)

    def has_delete_permission(self, request, obj=None):
        return not (obj is not None and obj.appendix.order.is_signed) and super().has_delete_permission(request, obj)


@admin.register(ReportFile)
class ReportFileAdmin(admin.ModelAdmin):
    list_display = ("__str__", "owner", "status", "progress", "created_at")
    list_filter = ("kind", "status")
    list_select_related = ("owner", "school", "plan")
    readonly_fields = [f.name for f in ReportFile._meta.fields]

    def has_add_permission(self, request):
        return False
