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
    assert (done.total, len(done.points)) == (FOLDED_GROUP_LIMIT + 3, FOLDED_GROUP_LIMIT)
    # Most overdue first, as before; the newest done first.
    assert [cp.due_date for cp in overdue.points] == sorted(cp.due_date for cp in overdue.points)
    assert done.points[0].due_date == max(ControlPoint.objects.filter(status="done").values_list("due_date", flat=True))
    assert response.context["count"] == GROUP_LIMIT + 6 + FOLDED_GROUP_LIMIT + 3
    page = response.content.decode()
    assert page.count('data-testid="cp-card"') == GROUP_LIMIT + FOLDED_GROUP_LIMIT
    assert f"{reverse('monitoring:register')}?school={cast.school_a.pk}&overdue=yes" in html.unescape(page)
    register = client.get(reverse("monitoring:register"), {"school": cast.school_a.pk, "overdue": "yes"})
    assert register.context["page"].paginator.count == overdue.total


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
