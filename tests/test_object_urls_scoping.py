"""Every URL of the portal is scoped: walk the resolver, and fail on a pattern with no case here.

Each object URL is requested by every role of the cast for objects of its own school, of another
school and of another municipality: what the role may see opens (200), what it may see but not
change is refused (403), what it may not see does not exist for it (404). A new URL pattern
without a case below fails the test, so scoping cannot be forgotten.
"""

import pytest
from django.core.files.base import ContentFile
from django.urls import URLPattern, URLResolver, get_resolver, reverse

from monitoring.models import DueDateChangeRequest, Evidence, MonitoringVisit, VisitFile
from reports.models import ReportFile
from roadmaps.models import Plan
from tests import factories as f


@pytest.fixture
def cast(cast_lists):
    """The shared cast with the objects only this walk needs (most tests start without them)."""
    from schools.models import CuratorAssignment, SocialPassport

    cast = cast_lists
    cast.year_data = cast.school_a.year_data.create(year=2022, pupils_total=80)
    cast.year_data_other = cast.school_other.year_data.create(year=2024, pupils_total=300)
    cast.passport = SocialPassport.objects.create(school=cast.school_a, year=2022)
    cast.passport_other = SocialPassport.objects.create(school=cast.school_other, year=2024)
    cast.point = cast.order.points.create(number=1, text="Утвердить дорожную карту.")
    cast.point_other = cast.order_other.points.create(number=1, text="Утвердить дорожную карту.")
    cast.appendix = cast.order.appendices.create(position=1, kind="plan", plan=cast.plan)
    cast.appendix_other = cast.order_other.appendices.create(position=1, kind="plan", plan=cast.plan_other)
    period = {"period_start": cast.plan.period_start, "period_end": cast.plan.period_end}
    cast.report_file = ReportFile.objects.create(owner=cast.coordinator, kind="plan", plan=cast.plan, **period)
    cast.report_file_other = ReportFile.objects.create(owner=cast.coordinator_other, kind="plan", plan=cast.plan_other, **period)
    for report_file in (cast.report_file, cast.report_file_other):
        report_file.file.save("spravka.pdf", ContentFile(b"%PDF-1.4\n%test\n"), save=False)
        report_file.status = ReportFile.Status.DONE
        report_file.save()
    cast.order_to_sign, cast.order_other_to_sign = cast.order, cast.order_other
    cast.point_to_accept, cast.point_other_to_accept = cast.point, cast.point_other
    pdf = b"%PDF-1.4\n%test\n"
    cast.evidence = Evidence.objects.create(control_point=cast.cp_a, file=ContentFile(pdf, "a.pdf"), original_name="a.pdf", content_type="application/pdf", size=len(pdf))
    cast.evidence_other = Evidence.objects.create(control_point=cast.cp_other, file=ContentFile(pdf, "b.pdf"), original_name="b.pdf", content_type="application/pdf", size=len(pdf))
    cast.due_request = DueDateChangeRequest.objects.create(control_point=cast.cp_a, current_due_date=cast.cp_a.due_date, requested_date=cast.cp_a.due_date, reason="Карантин", requested_by=cast.director_a)
    cast.due_request_other = DueDateChangeRequest.objects.create(control_point=cast.cp_other, current_due_date=cast.cp_other.due_date, requested_date=cast.cp_other.due_date, reason="Карантин", requested_by=cast.coordinator_other)
    cast.visit = MonitoringVisit.objects.create(school=cast.school_a, date=cast.plan.period_start, purpose="Мониторинговый визит")
    cast.visit_other = MonitoringVisit.objects.create(school=cast.school_other, date=cast.plan.period_start, purpose="Мониторинговый визит")
    cast.visit_file = VisitFile.objects.create(visit=cast.visit, file=ContentFile(pdf, "v.pdf"), original_name="v.pdf", content_type="application/pdf", size=len(pdf))
    cast.visit_file_other = VisitFile.objects.create(visit=cast.visit_other, file=ContentFile(pdf, "w.pdf"), original_name="w.pdf", content_type="application/pdf", size=len(pdf))
    cast.indicator = cast.plan.indicators.create(position=1, name="Доля педагогов, прошедших КПК", unit="%", target_value=100)
    cast.indicator_other = cast.plan_other.indicators.create(position=1, name="Доля педагогов, прошедших КПК", unit="%", target_value=100)
    for name in ("cp_a", "cp_other", "school_a", "school_other", "visit", "visit_other"):
        for role in ("report", "review", "coordinate", "talk"):
            setattr(cast, f"{name}_{role}", getattr(cast, name))
    cast.assignment = CuratorAssignment.objects.get(school=cast.school_a)
    cast.assignment_other = CuratorAssignment.objects.create(
        school=cast.school_other, curator=cast.coordinator_other.person or _person(cast.other)
    )
    cast.person, cast.person_other = cast.curator.person, _person(cast.other)
    cast.account, cast.account_other = cast.director_a, cast.coordinator_other
    cast.working_group = cast.plan.working_groups.create(municipality=cast.muni, title="Рабочая группа по реализации плана")
    cast.working_group_other = cast.plan_other.working_groups.create(municipality=cast.other, title="Рабочая группа")
    cast.working_group_member = cast.working_group.members.create(position=1, person=cast.person, post="Куратор")
    cast.working_group_member_other = cast.working_group_other.members.create(position=1, person=cast.person_other, post="Куратор")
    return cast


def _person(municipality):
    from tests.factories import PersonFactory

    return PersonFactory(municipality=municipality)

ROLES = ["coordinator", "chair", "curator", "director_a", "director_b", "coordinator_other", "region_viewer", "region_admin", "no_role"]
MUNICIPALITY_A = {"coordinator", "chair", "curator", "director_a", "director_b", "region_viewer"}
SEES_CP_A = {"coordinator", "chair", "curator", "director_a", "region_viewer"}
# The cast's orders are drafts: until the chair signs, a draft is the coordinator's and the chair's.
DRAFT_ORDER_READERS = {"coordinator", "chair"}
# Who may see each object of the cast (tests/conftest.py) and who may change it.
VISIBLE_TO = {
    "school_a": {"coordinator", "chair", "curator", "director_a", "region_viewer"},
    "school_b": {"coordinator", "chair", "director_b", "region_viewer"},
    "school_other": {"coordinator_other"},
    "plan": MUNICIPALITY_A,
    "plan_other": {"coordinator_other"},
    "cluster": MUNICIPALITY_A,
    "cluster_other": {"coordinator_other"},
    "section": MUNICIPALITY_A,
    "section_other": {"coordinator_other"},
    "activity": MUNICIPALITY_A,
    "activity_other": {"coordinator_other"},
    "year_data": {"coordinator", "chair", "curator", "director_a", "region_viewer"},
    "year_data_other": {"coordinator_other"},
    "passport": {"coordinator", "chair", "curator", "director_a", "region_viewer"},
    "passport_other": {"coordinator_other"},
    "assignment": {"coordinator", "chair", "curator", "director_a", "region_viewer"},
    "assignment_other": {"coordinator_other"},
    **{f"cp_a{suffix}": SEES_CP_A for suffix in ("", "_report", "_review", "_coordinate", "_talk")},
    **{f"cp_other{suffix}": {"coordinator_other"} for suffix in ("", "_report", "_review", "_coordinate", "_talk")},
    "evidence": SEES_CP_A,
    "evidence_other": {"coordinator_other"},
    "due_request": SEES_CP_A,
    "due_request_other": {"coordinator_other"},
    "school_a_review": {"coordinator", "chair", "curator", "director_a", "region_viewer"},
    "school_other_review": {"coordinator_other"},
    **{f"visit{suffix}": {"coordinator", "chair", "curator", "director_a", "region_viewer"} for suffix in ("", "_review")},
    **{f"visit_other{suffix}": {"coordinator_other"} for suffix in ("", "_review")},
    "visit_file": {"coordinator", "chair", "curator", "director_a", "region_viewer"},
    "visit_file_other": {"coordinator_other"},
    "order": DRAFT_ORDER_READERS,
    "order_other": {"coordinator_other"},
    "order_to_sign": DRAFT_ORDER_READERS,
    "order_other_to_sign": {"coordinator_other"},
    "point": DRAFT_ORDER_READERS,
    "point_other": {"coordinator_other"},
    "point_to_accept": DRAFT_ORDER_READERS,
    "point_other_to_accept": {"coordinator_other"},
    "appendix": DRAFT_ORDER_READERS,
    "appendix_other": {"coordinator_other"},
    "report_file": {"coordinator"},  # a generated file is its owner's only
    "report_file_other": {"coordinator_other"},
    "school_list": MUNICIPALITY_A,
    "school_list_other": {"coordinator_other"},
    "list_entry": MUNICIPALITY_A,
    "list_entry_other": {"coordinator_other"},
    "indicator": MUNICIPALITY_A,  # the plan's indicators are read by every role of the municipality
    "indicator_other": {"coordinator_other"},
    # Working groups are read like plans, by every role of the municipality.
    "working_group": MUNICIPALITY_A,
    "working_group_other": {"coordinator_other"},
    "working_group_member": MUNICIPALITY_A,
    "working_group_member_other": {"coordinator_other"},
}
# The region administrator reads whatever the region viewer reads, and no more.
for readers in VISIBLE_TO.values():
    if "region_viewer" in readers:
        readers.add("region_admin")
VISIBLE_TO |= {
    # Municipalities are set up by the administrator of their region; B is in another region.
    "muni": {"region_admin"},
    "other": set(),
    # People and accounts: the municipality's coordinator; accounts also the region's administrator.
    "person": {"coordinator"},
    "person_other": {"coordinator_other"},
    "account": {"coordinator", "region_admin"},
    "account_other": {"coordinator_other"},
}
WRITERS = {
    "school_a": {"coordinator"},
    "school_b": {"coordinator"},
    "school_other": {"coordinator_other"},
    "plan": {"coordinator"},
    "plan_other": {"coordinator_other"},
    "cluster": {"coordinator"},
    "cluster_other": {"coordinator_other"},
    "section": {"coordinator"},
    "section_other": {"coordinator_other"},
    "activity": {"coordinator"},
    "activity_other": {"coordinator_other"},
    "year_data": {"coordinator"},
    "year_data_other": {"coordinator_other"},
    "passport": {"coordinator"},
    "passport_other": {"coordinator_other"},
    "assignment": {"coordinator"},
    "assignment_other": {"coordinator_other"},
    "cp_a": {"coordinator"},
    "cp_a_report": {"coordinator", "director_a"},
    "cp_a_review": {"coordinator", "curator"},
    "cp_a_coordinate": {"coordinator"},
    "cp_a_talk": {"coordinator", "curator", "director_a"},
    **{f"cp_other{suffix}": {"coordinator_other"} for suffix in ("", "_report", "_review", "_coordinate", "_talk")},
    "evidence": {"coordinator", "director_a"},
    "evidence_other": {"coordinator_other"},
    "due_request": {"coordinator"},
    "due_request_other": {"coordinator_other"},
    "school_a_review": {"coordinator", "curator"},
    "school_other_review": {"coordinator_other"},
    "visit": {"coordinator", "curator"},
    "visit_review": {"coordinator", "curator"},
    "visit_other": {"coordinator_other"},
    "visit_other_review": {"coordinator_other"},
    "visit_file": set(),
    "visit_file_other": set(),
    "order": {"coordinator"},
    "order_other": {"coordinator_other"},
    "order_to_sign": {"chair"},  # only the chair signs
    "order_other_to_sign": set(),
    "point": {"coordinator"},
    "point_other": {"coordinator_other"},
    "point_to_accept": {"coordinator", "chair"},
    "point_other_to_accept": {"coordinator_other"},
    "appendix": {"coordinator"},
    "appendix_other": {"coordinator_other"},
    "report_file": {"coordinator"},
    "report_file_other": {"coordinator_other"},
    "school_list": {"coordinator"},
    "school_list_other": {"coordinator_other"},
    "list_entry": {"coordinator"},
    "list_entry_other": {"coordinator_other"},
    "indicator": {"coordinator"},
    "indicator_other": {"coordinator_other"},
    "working_group": {"coordinator"},
    "working_group_other": {"coordinator_other"},
    "working_group_member": {"coordinator"},
    "working_group_member_other": {"coordinator_other"},
    "muni": {"region_admin"},
    "other": set(),
    "person": {"coordinator"},
    "person_other": {"coordinator_other"},
    "account": {"coordinator", "region_admin"},
    "account_other": {"coordinator_other"},
}
SCHOOLS = ["school_a", "school_b", "school_other"]
PLANS = ["plan", "plan_other"]
CLUSTERS = ["cluster", "cluster_other"]
SECTIONS = ["section", "section_other"]
ACTIVITIES = ["activity", "activity_other"]
LISTS = ["school_list", "school_list_other"]
YEAR_DATA = ["year_data", "year_data_other"]
ORDERS = ["order", "order_other"]
POINTS = ["point", "point_other"]
APPENDICES = ["appendix", "appendix_other"]
REPORT_FILES = ["report_file", "report_file_other"]
PASSPORTS = ["passport", "passport_other"]
ASSIGNMENTS = ["assignment", "assignment_other"]
LIST_ENTRIES = ["list_entry", "list_entry_other"]
INDICATORS = ["indicator", "indicator_other"]
MUNICIPALITIES = ["muni", "other"]
PEOPLE = ["person", "person_other"]
ACCOUNTS = ["account", "account_other"]
WORKING_GROUPS = ["working_group", "working_group_other"]
WORKING_GROUP_MEMBERS = ["working_group_member", "working_group_member_other"]

# url name → (objects of the cast it is opened with, mode): "read" pages open for every viewer;
# "write" pages open only for writers (403 for other viewers); "post" actions are POST-only and
# are checked here only for those who must be refused (their effect is tested with the view).
OBJECT_URLS = {
    "schools:school_detail": (SCHOOLS, "read"),
    "roadmaps:plan_detail": (PLANS, "read"),
    "clusters:cluster_list": (PLANS, "read"),
    "clusters:cluster_add": (PLANS, "write"),
    "clusters:cluster_propose": (PLANS, "write"),
    "clusters:cluster_detail": (CLUSTERS, "read"),
    "clusters:cluster_change": (CLUSTERS, "write"),
    "clusters:cluster_delete": (CLUSTERS, "post"),
    "roadmaps:plan_change": (PLANS, "write"),
    "reports:order_for_plan": (PLANS, "post"),
    "roadmaps:plan_new_edition": (PLANS, "post"),
    "roadmaps:plan_edition_compare": (PLANS, "read"),
    "roadmaps:plan_timeline": (PLANS, "read"),
    "roadmaps:plan_export": (PLANS, "read"),
    "roadmaps:plan_export_docx": (PLANS, "read"),
    "roadmaps:deadline_preview": (PLANS, "read"),
    "roadmaps:section_add": (PLANS, "write"),
    "roadmaps:section_change": (SECTIONS, "write"),
    "roadmaps:section_delete": (SECTIONS, "post"),
    "roadmaps:section_renumber": (SECTIONS, "post"),
    "roadmaps:activity_add": (SECTIONS, "write"),
    "roadmaps:activity_detail": (ACTIVITIES, "read"),
    "roadmaps:activity_change": (ACTIVITIES, "write"),
    "roadmaps:activity_row": (ACTIVITIES, "write"),
    "roadmaps:activity_delete": (ACTIVITIES, "post"),
    "roadmaps:activity_move": (ACTIVITIES, "post"),
    "roadmaps:working_group_detail": (WORKING_GROUPS, "read"),
    "roadmaps:working_group_change": (WORKING_GROUPS, "write"),
    "roadmaps:working_group_delete": (WORKING_GROUPS, "post"),
    "roadmaps:working_group_member_add": (WORKING_GROUPS, "write"),
    "roadmaps:working_group_member_change": (WORKING_GROUP_MEMBERS, "write"),
    "roadmaps:working_group_member_delete": (WORKING_GROUP_MEMBERS, "post"),
    "roadmaps:working_group_member_move": (WORKING_GROUP_MEMBERS, "post"),
    "monitoring:control_point_detail": (["cp_a", "cp_other"], "read"),
    "monitoring:control_point_row": (["cp_a", "cp_other"], "read"),
    "monitoring:control_point_report": (["cp_a_report", "cp_other_report"], "write"),
    "monitoring:due_date_request_add": (["cp_a_report", "cp_other_report"], "write"),
    "monitoring:control_point_accept": (["cp_a_review", "cp_other_review"], "post"),
    "monitoring:control_point_return": (["cp_a_review", "cp_other_review"], "post"),
    "monitoring:control_point_cancel": (["cp_a_coordinate", "cp_other_coordinate"], "post"),
    "monitoring:control_point_keep": (["cp_a_coordinate", "cp_other_coordinate"], "post"),
    "monitoring:control_point_comment": (["cp_a_talk", "cp_other_talk"], "post"),
    "monitoring:control_point_remind": (["cp_a_coordinate", "cp_other_coordinate"], "post"),
    "monitoring:due_date_request_decide": (["due_request", "due_request_other"], "post"),
    "monitoring:evidence_download": (["evidence", "evidence_other"], "read"),
    "monitoring:evidence_delete": (["evidence", "evidence_other"], "post"),
    "monitoring:visit_add": (["school_a_review", "school_other_review"], "write"),
    "monitoring:visit_detail": (["visit", "visit_other"], "read"),
    "monitoring:visit_change": (["visit_review", "visit_other_review"], "write"),
    "monitoring:visit_file_download": (["visit_file", "visit_file_other"], "read"),
    "reports:order_detail": (ORDERS, "read"),
    "reports:order_pdf": (ORDERS, "read"),
    "reports:order_docx": (ORDERS, "read"),  # the same readers as the PDF
    "reports:order_verify": (ORDERS, "read"),
    "reports:order_change": (ORDERS, "write"),
    "reports:point_add": (ORDERS, "write"),
    "reports:appendix_add": (ORDERS, "write"),
    "reports:order_sign": (["order_to_sign", "order_other_to_sign"], "post"),
    "reports:order_new_version": (ORDERS, "post"),
    "reports:point_change": (POINTS, "write"),
    "reports:point_delete": (POINTS, "post"),
    "reports:point_report": (POINTS, "post"),
    "reports:point_accept": (["point_to_accept", "point_other_to_accept"], "post"),
    "reports:appendix_change": (APPENDICES, "write"),
    "reports:appendix_delete": (APPENDICES, "post"),
    "reports:appendix_stamps": (APPENDICES, "write"),
    "reports:school_report": (SCHOOLS, "read"),
    "reports:plan_report": (PLANS, "read"),
    "reports:report_file_detail": (REPORT_FILES, "read"),
    "reports:report_file_status": (REPORT_FILES, "read"),
    "reports:report_file_download": (REPORT_FILES, "read"),
    "schools:school_change": (SCHOOLS, "write"),
    "schools:school_yeardata_add": (SCHOOLS, "write"),
    "schools:school_yeardata_change": (YEAR_DATA, "write"),
    "schools:school_socialpassport_add": (SCHOOLS, "write"),
    "schools:school_socialpassport_change": (PASSPORTS, "write"),
    "schools:school_curator_add": (SCHOOLS, "write"),
    "schools:curator_assignment_end": (ASSIGNMENTS, "post"),
    "schools:schoollist_detail": (LISTS, "read"),
    "schools:schoollist_change": (LISTS, "write"),
    "schools:schoollist_delete": (LISTS, "write"),
    "schools:schoollistentry_add": (LISTS, "write"),
    "schools:schoollistentry_change": (LIST_ENTRIES, "write"),
    "schools:schoollistentry_delete": (LIST_ENTRIES, "write"),
    "results:school_results": (SCHOOLS, "read"),
    "results:school_results_export": (SCHOOLS, "read"),
    "indicators:plan_indicators": (PLANS, "read"),
    "indicators:indicator_add": (PLANS, "write"),
    "indicators:indicator_propose": (PLANS, "write"),
    "indicators:indicator_change": (INDICATORS, "write"),
    "indicators:indicator_row": (INDICATORS, "read"),
    "indicators:indicator_delete": (INDICATORS, "post"),
    "indicators:indicator_move": (INDICATORS, "post"),
    "indicators:values_edit": (INDICATORS, "write"),
    "municipalities:municipality_detail": (MUNICIPALITIES, "read"),
    "municipalities:municipality_change": (MUNICIPALITIES, "write"),
    "municipalities:municipality_coordinator_add": (MUNICIPALITIES, "write"),
    "municipalities:person_change": (PEOPLE, "write"),
    "municipalities:person_merge": (PEOPLE, "write"),
    "municipalities:account_invite": (ACCOUNTS, "post"),
    "municipalities:account_deactivate": (ACCOUNTS, "post"),
    "municipalities:account_activate": (ACCOUNTS, "post"),
}
# Pages without an object in the URL: scoped by their querysets (tested with their views).
PLAIN_URLS = {
    "home",
    "schools:school_list",
    "roadmaps:plan_list",
    "roadmaps:plan_add",
    "schools:schoollist_list",
    "schools:school_add",
    "reports:order_list",
    "monitoring:my_school",
    "monitoring:my_school_group",  # the school as «Моя школа» finds it: tests/monitoring/control/test_long_lists.py
    "monitoring:curator_home",
    "monitoring:dashboard",
    "monitoring:register",
    "monitoring:register_export",
    "monitoring:register_bulk",  # POST only, every id re-checked: tests/monitoring/control/test_bulk_actions.py
    "monitoring:notifications",
    "monitoring:reminder_settings",
    "monitoring:calendar_settings",  # the user's own feed: tests/monitoring/control/test_calendar_feed.py
    "monitoring:calendar_rotate",
    "reports:order_add",
    "reports:order_import",
    "reports:order_import_confirm",
    "schools:school_export",
    "roadmaps:plan_import",
    "roadmaps:plan_import_confirm",
    "roadmaps:working_group_list",  # the user's municipalities only: tests/roadmaps/test_working_groups.py
    "roadmaps:working_group_add",
    "schools:schoollist_add",
    "schools:list_matrix",
    "schools:list_matrix_export",
    "schools:schoollist_import",
    "schools:schoollist_import_template",
    "schools:school_import",  # the coordinator's own municipality only: tests/schools/registry/test_register_import.py
    "schools:school_import_template",
    "results:result_list",
    "results:result_export",
    "results:result_import",
    "results:result_import_template",
    "results:result_import_confirm",
    "overview:municipal",  # scoping: tests/monitoring/overview/test_overview.py
    "overview:municipal_export",
    "overview:plan_effect",
    "region:cabinet",  # the region's accounts only: tests/monitoring/region/
    "region:cabinet_xlsx",
    "region:cabinet_pdf",
    "accounts:login",
    "accounts:logout",
    "accounts:password_change",
    "accounts:password_change_done",
    # Setting a municipality up: the region administrator's and the coordinator's own pages, by
    # role (tests/schools/municipalities/).
    "municipalities:municipality_list",
    "municipalities:municipality_add",
    "municipalities:authority_change",
    "municipalities:person_list",
    "municipalities:person_add",
    "municipalities:account_list",
    "municipalities:account_add",
    # Public by design: where a printed order's code is typed (tests/reports/test_public_verification.py).
    "verification:code_form",
}
# Open without a login. A public page that takes an argument is listed here only: PLAIN_URLS are
# reversed without one. The order by its code: tests/reports/test_public_verification.py.
# /health/ is public and listed here only: it answers 503 by design when Redis is down, so the
# walk of PLAIN_URLS with Redis stopped (tests/faults/test_redis_down.py) must not visit it.
PUBLIC_URLS = {"accounts:login", "verification:code_form", "verification:order_check", "health"}

# «Забыли пароль?» and its letter's link: tests/accounts/test_password_reset.py.
PUBLIC_URLS |= {"accounts:password_reset", "accounts:password_reset_done", "accounts:password_reset_confirm", "accounts:password_reset_complete"}

# The deadline feed: its secret token is the credential, whoever asks (calendar programs do not sign
# in); a token shows only its owner's points: tests/monitoring/control/test_calendar_feed.py.
PUBLIC_URLS |= {"monitoring:calendar_feed"}


def _walk(resolver, namespace=""):
    for entry in resolver.url_patterns:
        if isinstance(entry, URLResolver):
            ns = entry.namespace or ""
            yield from _walk(entry, f"{namespace}{ns}:" if ns else namespace)
        elif isinstance(entry, URLPattern) and entry.name:
            yield f"{namespace}{entry.name}", entry


def portal_url_names():
    return {name for name, _ in _walk(get_resolver()) if not name.startswith("admin:")}


def expected_status(role, attr, mode):
    if role not in VISIBLE_TO[attr]:
        return 404
    if mode == "read" or role in WRITERS[attr]:
        return 200
    return 403


# The editor's forms open for a draft only: a plan in force answers 403 to everyone
# (tests/roadmaps/test_editions.py), so their scoping is walked on drafts.
DRAFT_ONLY_URLS = {
    "roadmaps:plan_change", "roadmaps:section_add", "roadmaps:section_change", "roadmaps:activity_add", "roadmaps:activity_change",
}


def test_it_has_a_case_for_every_url_pattern():
    missing = portal_url_names() - set(OBJECT_URLS) - PLAIN_URLS - PUBLIC_URLS
    assert not missing, f"URL patterns without a scoping case: {sorted(missing)}"


@pytest.mark.parametrize("url_name", sorted(OBJECT_URLS))
def test_it_opens_own_objects_and_hides_foreign_ones(cast, client, url_name):
    attrs, mode = OBJECT_URLS[url_name]
    if url_name in DRAFT_ONLY_URLS:
        Plan.objects.filter(pk__in=[cast.plan.pk, cast.plan_other.pk]).update(status=Plan.Status.DRAFT)
    if url_name == "roadmaps:plan_edition_compare":
        for plan in (cast.plan, cast.plan_other):
            plan.replaces = f.PlanFactory(municipality=plan.municipality, status=Plan.Status.SUPERSEDED)
            plan.save()
    failures = []
    for role in ROLES:
        client.force_login(getattr(cast, role))
        for attr in attrs:
            expected = expected_status(role, attr, mode)
            url = reverse(url_name, args=[getattr(cast, attr).pk])
            if mode == "post":
                if expected == 200:
                    continue
                status = client.post(url).status_code
            else:
                status = client.get(url).status_code
            if status != expected:
                failures.append(f"{role} → {attr}: {status}, expected {expected}")
    assert not failures, failures


@pytest.mark.parametrize("url_name", sorted(OBJECT_URLS))
def test_it_sends_anonymous_visitors_to_login(cast, client, url_name):
    attrs, mode = OBJECT_URLS[url_name]
    url = reverse(url_name, args=[getattr(cast, attrs[0]).pk])
    response = client.post(url) if mode == "post" else client.get(url)
    assert response.status_code == 302
    assert response.url.startswith(reverse("accounts:login"))


@pytest.mark.parametrize("url_name", sorted(PLAIN_URLS - PUBLIC_URLS - {"accounts:logout"}))
def test_it_requires_login_for_every_page(db, client, url_name):
    response = client.get(reverse(url_name))
    assert response.status_code == 302
    assert response.url.startswith(reverse("accounts:login"))


@pytest.mark.parametrize("role", ["coordinator", "chair", "curator", "director_a", "region_viewer", "region_admin"])
def test_it_keeps_role_accounts_out_of_the_admin_even_as_staff(cast, client, role):
    user = getattr(cast, role)
    user.is_staff = True
    user.save()
    client.force_login(user)
    for url in (reverse("admin:index"), reverse("admin:schools_school_change", args=[cast.school_other.pk])):
        response = client.get(url)
        assert response.status_code == 302, url
        assert response.url.startswith(reverse("admin:login"))


# Pages that create something for the user's own municipality, or keep its people and accounts: only
# its coordinator gets in.
COORDINATOR_ONLY_PAGES = ["municipalities:authority_change", "municipalities:person_list", "municipalities:person_add", "municipalities:account_list", "municipalities:account_add", "reports:order_add", "reports:order_import", "roadmaps:plan_add", "roadmaps:plan_import", "roadmaps:working_group_add", "schools:school_add", "schools:schoollist_add", "schools:schoollist_import", "schools:schoollist_import_template", "schools:school_import", "schools:school_import_template", "results:result_import", "results:result_import_template", "results:result_import_confirm"]


@pytest.mark.parametrize("role", ["chair", "curator", "director_a", "region_viewer", "region_admin", "no_role"])
def test_it_lets_only_coordinators_create(cast, client, role):
    client.force_login(getattr(cast, role))
    for name in COORDINATOR_ONLY_PAGES:
        assert client.get(reverse(name)).status_code in (403, 404), name
