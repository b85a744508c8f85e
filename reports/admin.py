from django.contrib import admin
from simple_history.admin import SimpleHistoryAdmin

from .models import Order, OrderAppendix, OrderPoint


class OrderPointInline(admin.StackedInline):
    model = OrderPoint
    extra = 0
    autocomplete_fields = ("responsible",)


class OrderAppendixInline(admin.TabularInline):
    model = OrderAppendix
    extra = 0


@admin.register(Order)
class OrderAdmin(SimpleHistoryAdmin):
    list_display = ("__str__", "title", "status", "municipality", "signatory_name")
    list_filter = ("municipality", "kind", "status")
    search_fields = ("number", "title", "preamble")
    list_select_related = ("municipality",)
    filter_horizontal = ("voids",)
    inlines = [OrderPointInline, OrderAppendixInline]
