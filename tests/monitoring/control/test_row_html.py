"""The register's rows and the status badges are written in Python (monitoring/control/row_html.py):
they must say what the template said, escaped as the template escaped."""

import datetime

import pytest
from django.template import Context, Template
from django.urls import reverse

from monitoring.control.row_html import clip
from tests import factories as f
from tests.monitoring.conftest import set_state

pytestmark = pytest.mark.django_db


@pytest.mark.parametrize(
    "text, length",
    [("", 5), ("короткий", 80), ("ровно десять", 12), ("Проведение диагностики " * 10, 140), ("é" * 5 + "abc", 4), (None, 3)],
)
def test_clip_gives_what_truncatechars_gives(text, length):
    expected = Template("{{ text|truncatechars:n }}").render(Context({"text": text if text is not None else "", "n": length}, autoescape=False))
    assert clip(text, length) == expected


def test_a_rows_text_is_escaped_and_its_flags_shown(cast, client):
    activity = cast.cp_a.activity
    activity.content = 'Семинар <script>alert("x")</script> & «практикум»'
    activity.deadline_text = "до <b>мая</b>"
    activity.save()
    today = cast.muni.today()
    set_state(cast.cp_a, due_date=today - datetime.timedelta(days=2), original_due_date=today - datetime.timedelta(days=9))
    client.force_login(cast.coordinator)
    page = client.get(reverse("monitoring:register")).content.decode()
    row = page[page.index(f'data-pk="{cast.cp_a.pk}"') :]
    row = row[: row.index("</tr>")]
    assert "<script>" not in row and "&lt;script&gt;alert(&quot;x&quot;)&lt;/script&gt; &amp; «практикум»" in row
    assert "до &lt;b&gt;мая&lt;/b&gt;" in row
    assert 'data-testid="overdue">просрочено на 2 дня</span>' in row
    assert f"было <s>{today - datetime.timedelta(days=9):%d.%m.%Y}</s>" in row
    assert f'title="Первоначальный срок {today - datetime.timedelta(days=9):%d.%m.%Y}">срок перенесён' in row
    # The coordinator's checkbox is labelled with the point it selects.
    assert f'<label class="visually-hidden" for="bulk-cp-{cast.cp_a.pk}">Выбрать точку {activity.number} Семинар &lt;script&gt;' in row


def test_a_director_gets_no_checkboxes(cast, client):
    client.force_login(cast.director_a)
    page = client.get(reverse("monitoring:register")).content.decode()
    assert f'data-pk="{cast.cp_a.pk}"' in page and 'name="cp"' not in page
