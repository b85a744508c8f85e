from django.contrib import admin
from simple_history.admin import SimpleHistoryAdmin

from .models import (
    CuratorAssignment,
    Municipality,
    Region,
    School,
    SchoolList,
    SchoolListEntry,
    SchoolYearData,
    SocialPassport,
)


@admin.register(Region)
class RegionAdmin(SimpleHistoryAdmin):
    list_display = ("name",)
    search_fields = ("name",)


@admin.register(Municipality)
class MunicipalityAdmin(SimpleHistoryAdmin):
    list_display = ("name", "region", "authority_name", "time_zone", "list_label")
    list_filter = ("region",)
    search_fields = ("name", "authority_name")
    list_select_related = ("region",)
    autocomplete_fields = ("head",)


class SchoolYearDataInline(admin.StackedInline):
    model = SchoolYearData
    extra = 0


class CuratorAssignmentInline(admin.TabularInline):
    model = CuratorAssignment
    extra = 0
    autocomplete_fields = ("curator",)


@admin.register(School)
class SchoolAdmin(SimpleHistoryAdmin):
    list_display = ("short_name", "kind", "locality", "is_small", "settlement", "municipality", "director")
    list_filter = ("municipality", "kind", "locality", "is_small")
    search_fields = ("short_name", "full_name", "abbreviation", "settlement")
    list_select_related = ("municipality", "director")
    autocomplete_fields = ("branch_of", "director")
    inlines = [SchoolYearDataInline, CuratorAssignmentInline]


@admin.register(SchoolYearData)
class SchoolYearDataAdmin(SimpleHistoryAdmin):
    list_display = ("school", "year", "pupils_total", "pedagogues_total", "deficit_staff", "deficit_infrastructure", "is_resilient")
    list_filter = ("year", "deficit_staff", "deficit_infrastructure", "is_resilient", "school__municipality")
    search_fields = ("school__short_name",)
    list_select_related = ("school",)


@admin.register(SocialPassport)
class SocialPassportAdmin(SimpleHistoryAdmin):
    list_display = ("school", "year", "children_total", "large_families", "low_income", "disabilities")
    list_filter = ("year", "school__municipality")
    search_fields = ("school__short_name",)
    list_select_related = ("school",)


@admin.register(CuratorAssignment)
class CuratorAssignmentAdmin(SimpleHistoryAdmin):
    list_display = ("curator", "school", "start_date", "end_date")
    list_filter = ("school__municipality",)
    search_fields = ("curator__last_name", "school__short_name")
    list_select_related = ("curator", "school")
    autocomplete_fields = ("curator", "school")


class SchoolListEntryInline(admin.TabularInline):
    model = SchoolListEntry
    extra = 0
    autocomplete_fields = ("school",)


@admin.register(SchoolList)
class SchoolListAdmin(SimpleHistoryAdmin):
    list_display = ("__str__", "year", "category", "municipality")
    list_filter = ("municipality", "year", "category")
    search_fields = ("title", "source")
    list_select_related = ("municipality",)
    inlines = [SchoolListEntryInline]


@admin.register(SchoolListEntry)
class SchoolListEntryAdmin(SimpleHistoryAdmin):
    list_display = ("school", "school_list", "fioko_cluster", "trend", "objectivity_issue")
    list_filter = ("school_list__year", "school_list__category", "fioko_cluster", "trend", "objectivity_issue")
    search_fields = ("school__short_name", "markers")
    list_select_related = ("school", "school_list")
