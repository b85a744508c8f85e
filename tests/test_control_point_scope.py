"""Every read of control points goes through the access module's scope.

A page or a report that reads `ControlPoint.objects` directly shows every school's points to
whoever opens it (the plan timeline and the plan report once did, to directors). This test reads
the source: a function that touches the model's manager must be listed below with the reason it
may, and the list must not keep a function that no longer does.
"""

import ast
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
APPS = ("accounts", "clusters", "monitoring", "reports", "roadmaps", "schnor_portal", "schools")
MANAGERS = {"objects", "_default_manager", "_base_manager"}

ALLOWED = {
    ("schools/access.py", "visible_control_points"): "the scope itself",
    ("monitoring/control/services.py", "control_points_sync"): "writes: the plan sync creates and removes points",
    ("roadmaps/services.py", "activity_delete"): "writes: a deleted row's points are kept or removed",
    ("roadmaps/services.py", "section_delete"): "writes: a deleted section's points are kept or removed",
    ("roadmaps/services.py", "edition_points_carry_over"): "writes: an approved edition takes over the points of the one it replaces",
    ("roadmaps/editions.py", "_activities"): "the sync's dry run on the comparison page: counts only, shown to the coordinator and the chair",
    ("roadmaps/editions.py", "compare_editions"): "the sync's dry run on the comparison page: which of the old edition's points are untouched",
    ("monitoring/control/workflow.py", "_lock"): "locks a point already fetched through get_control_point_for_user",
    ("monitoring/control/remind.py", "control_point_remind"): "locks a point already fetched through get_control_point_for_user",
    ("monitoring/control/reminders.py", "digests_for_municipality"): "the daily digest: no user, each letter lists its own reader's points",
    ("monitoring/overview/selectors.py", "with_points_flag"): "whether a plan (scoped by the caller's visible_plans) has points: a flag, no point read",
    ("monitoring/control/selectors.py", "register_page"): "reads full rows for ids picked from the scoped register",
    ("monitoring/control/selectors.py", "dashboard_sums_warm"): "the beat's warming: no user, fills each municipality's cached sums, read only through a reader's visible municipalities",
    ("monitoring/control/counts.py", "register_counts_warm"): "the beat's warming: no user, fills each municipality's cached register counts, read only through a reader's visible municipalities",
    ("monitoring/control/selectors.py", "school_points_for_user"): "reads cards for ids picked from the scoped filter",
    ("monitoring/control/selectors.py", "control_point_card"): "one point already fetched through get_control_point_for_user",
}
SKIP = ("migrations", "schnor_portal/scale", "schnor_portal/demo")


def manager_reads():
    found = set()
    for app in APPS:
        for path in (ROOT / app).rglob("*.py"):
            relative = path.relative_to(ROOT).as_posix()
            if any(part in relative for part in SKIP):
                continue
            tree = ast.parse(path.read_text(encoding="utf-8"))
            for function in ast.walk(tree):
                if not isinstance(function, (ast.FunctionDef, ast.AsyncFunctionDef)):
                    continue
                for node in ast.walk(function):
                    if (
                        isinstance(node, ast.Attribute)
                        and node.attr in MANAGERS
                        and isinstance(node.value, ast.Name)
                        and node.value.id == "ControlPoint"
                    ):
                        found.add((relative, function.name))
    return found


def test_no_read_of_control_points_bypasses_the_scope():
    found = manager_reads()
    # A nested function is reported with its parent too; a parent that only holds it is not a read.
    unexplained = sorted(key for key in found if key not in ALLOWED)
    assert not unexplained, (
        "These functions read ControlPoint.objects without schools.access.visible_control_points "
        f"(or control_point_scope); scope them, or list them in ALLOWED with the reason: {unexplained}"
    )


def test_every_allowed_read_still_exists():
    stale = sorted(set(ALLOWED) - manager_reads())
    assert not stale, f"ALLOWED lists functions that no longer read ControlPoint.objects: {stale}"
