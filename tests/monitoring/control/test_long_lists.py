"""«Моя школа» and the review queue show a page of cards and send the rest to the register.

A school has hundreds of points over a plan's years; the pages stay the same size whatever the
number, and every figure still counts them all.
"""

import datetime
import html

import pytest
from django.urls import reverse
from django.utils import timezone

from monitoring.control.selectors import FOLDED_GROUP_LIMIT, GROUP_LIMIT
from monitoring.models import ControlPoint
from tests import factories as f
from tests.monitoring.conftest import set_state


@pytest.fixture
def busy_school(cast):
    today = timezone.localdate()
    set_state(cast.cp_a, due_date=today - datetime.timedelta(days=1))
    for i in range(GROUP_LIMIT + 5):
        f.ControlPointFactory(activity=cast.activity, school=cast.school_a, due_date=today - datetime.timedelta(days=2 + i))
    for i in range(FOLDED_GROUP_LIMIT + 3):
        f.ControlPointFactory(
            activity=cast.activity, school=cast.school_a, status="done", due_date=today - datetime.timedelta(days=40 + i)
        )
    return cast


def test_my_school_shows_a_page_of_each_group_and_counts_them_all(busy_school, client):
    cast = busy_school
    client.force_login(cast.director_a)
    response = client.get(reverse("monitoring:my_school"))
    groups = {g.key: g for g in response.context["groups"]}
    overdue, done = groups["overdue"], groups["done"]
    assert (overdue.total, len(overdue.points)) == (GROUP_LIMIT + 6, GROUP_LIMIT)
    # Most overdue first, as before.
    assert [cp.due_date for cp in overdue.points] == sorted(cp.due_date for cp in overdue.points)
    # The folded group is counted on the page; its cards come when it is opened.
    assert (done.total, done.points, done.deferred) == (FOLDED_GROUP_LIMIT + 3, [], True)
    assert response.context["count"] == GROUP_LIMIT + 6 + FOLDED_GROUP_LIMIT + 3
    page = html.unescape(response.content.decode())
    assert page.count('data-testid="cp-card"') == GROUP_LIMIT
    assert f"{reverse('monitoring:register')}?school={cast.school_a.pk}&overdue=yes" in page
    assert f'hx-get="{reverse("monitoring:my_school_group")}?group=done"' in page
    register = client.get(reverse("monitoring:register"), {"school": cast.school_a.pk, "overdue": "yes"})
    assert register.context["page"].paginator.count == overdue.total

    opened = client.get(reverse("monitoring:my_school_group"), {"group": "done"}, HTTP_HX_REQUEST="true")
    done = opened.context["group"]
    assert (done.total, len(done.points)) == (FOLDED_GROUP_LIMIT + 3, FOLDED_GROUP_LIMIT)
    # The newest done first.
    assert done.points[0].due_date == max(ControlPoint.objects.filter(status="done").values_list("due_date", flat=True))
    fragment = html.unescape(opened.content.decode())
    assert fragment.count('data-testid="cp-card"') == FOLDED_GROUP_LIMIT and "<html" not in fragment
    assert f"{reverse('monitoring:register')}?school={cast.school_a.pk}&status=done&sort=-due" in fragment


def test_a_filtered_my_school_shows_the_folded_groups_cards_at_once(busy_school, client):
    client.force_login(busy_school.director_a)
    response = client.get(reverse("monitoring:my_school"), {"status": "done"})
    (done,) = response.context["groups"][2:]
    assert (done.key, done.deferred, len(done.points)) == ("done", False, FOLDED_GROUP_LIMIT)
    assert response.content.decode().count('data-testid="cp-card"') == FOLDED_GROUP_LIMIT


def test_a_folded_group_is_the_schools_the_page_shows_and_no_other(busy_school, client):
    cast = busy_school
    url = reverse("monitoring:my_school_group")
    foreign = f.ControlPointFactory(activity=cast.activity, school=cast.school_b, status="done")
    # A director's group is their own school's, whatever school the address names.
    client.force_login(cast.director_a)
    points = client.get(url, {"group": "done", "school": cast.school_b.pk}, HTTP_HX_REQUEST="true").context["group"].points
    assert points and {cp.school_id for cp in points} == {cast.school_a.pk}
    # The coordinator chooses the school; another municipality's school does not exist for them.
    client.force_login(cast.coordinator)
    points = client.get(url, {"group": "done", "school": cast.school_b.pk}, HTTP_HX_REQUEST="true").context["group"].points
    assert [cp.pk for cp in points] == [foreign.pk]
    client.force_login(cast.coordinator_other)
    assert client.get(url, {"group": "done", "school": cast.school_a.pk}, HTTP_HX_REQUEST="true").status_code == 404
    # An unknown group, an open group (on the page already) or no school: nothing to fetch.
    client.force_login(cast.coordinator)
    for query in ({"group": "nope", "school": cast.school_a.pk}, {"group": "overdue", "school": cast.school_a.pk}, {"group": "done"}):
        assert client.get(url, query, HTTP_HX_REQUEST="true").status_code == 404
    # Opened by hand, not by htmx: the page itself, at the group.
    response = client.get(url, {"group": "done", "school": cast.school_a.pk})
    assert response.status_code == 302
    assert response.url == f"{reverse('monitoring:my_school')}?school={cast.school_a.pk}#done"


def test_the_review_queue_shows_the_oldest_reports_and_counts_them_all(cast, client):
    now = timezone.now()
    for i in range(GROUP_LIMIT + 4):
        f.ControlPointFactory(
            activity=cast.activity, school=cast.school_a, status="submitted", report_text="Сделано",
            submitted_at=now - datetime.timedelta(hours=i),
        )
    client.force_login(cast.curator)
    response = client.get(reverse("monitoring:curator_home"))
    queue = response.context["queue"]
    assert len(queue) == GROUP_LIMIT and response.context["queue_total"] == GROUP_LIMIT + 4
    assert [cp.submitted_at for cp in queue] == sorted(cp.submitted_at for cp in queue)
    assert queue[0].submitted_at == now - datetime.timedelta(hours=GROUP_LIMIT + 3)
    assert 'data-testid="queue-more"' in response.content.decode()
