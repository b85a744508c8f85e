"""Indexes for a region's reads: the newest change of a whole municipality's points, the newest report.

A region's pages check forty municipalities' cached sums; with monitoring_hcp_muni_all_history
each municipality's stamp (the newest history record of any of its points) is one step down an
index, and only a municipality whose stamp moved has its schools' stamps read. The cabinet's
«последний отчёт» of a municipality is one step down monitoring_cp_muni_submitted. A region's
register filtered by status, lateness or a moved due date walks the region's points in due-date
order: monitoring_cp_status_due_id and the partial monitoring_cp_moved_due_id keep that walk to
the rows the filter wants (0008's partial indexes begin with one municipality). Built
CONCURRENTLY on PostgreSQL, as in 0006–0008.
"""

from django.db import migrations

from schnor_portal.concurrent_indexes import add_indexes


class Migration(migrations.Migration):
    atomic = False

    dependencies = [
        ("monitoring", "0010_notification_order"),
    ]

    operations = [
        add_indexes(
            ("monitoring_hcp_muni_all_history", "monitoring_historicalcontrolpoint", "municipality_id, history_id"),
            ("monitoring_cp_muni_submitted", "monitoring_controlpoint", "municipality_id, submitted_at", "submitted_at IS NOT NULL"),
            ("monitoring_cp_status_due_id", "monitoring_controlpoint", "status, due_date, id"),
            ("monitoring_cp_moved_due_id", "monitoring_controlpoint", "due_date, id", "original_due_date IS NOT NULL"),
        ),
    ]
