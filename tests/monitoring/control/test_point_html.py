"""The register's rows and the status badges are written in Python (monitoring/control/point_html.py):
they must say what the template said, escaped as the template escaped."""

import datetime
import zoneinfo

import pytest
from django.template import Context, Template
from django.urls import reverse
from django.utils import timezone

from schnor_portal.markup import clip
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


def test_a_card_on_my_school_says_everything_of_its_point(cast, client):
    """Report, files, the last comment (a return is marked), an asked-for date, a target reached:
    each as the card showed it, and the point's texts escaped."""
    from django.core.files.base import ContentFile

    from monitoring.models import ControlPointComment, DueDateChangeRequest, Evidence

    activity = cast.cp_a.activity
    activity.content, activity.expected_result = "Урок <i>открытый</i>", ""
    activity.target_value, activity.target_unit = 80, "%"
    activity.save()
    today = cast.muni.today()
    cp = set_state(cast.cp_a, status="rework", report_text="Провели <b>два</b> урока", achieved_value="75.5", due_date=today + datetime.timedelta(days=5))
    evidence = Evidence(control_point=cp, original_name="протокол <1>.pdf", size=350_000, uploaded_by=cast.director_a)
    evidence.file.save("p.pdf", ContentFile(b"%PDF-1.4"), save=True)
    Evidence.objects.create(control_point=cp, link="https://example.org/" + "x" * 80, uploaded_by=cast.director_a)
    ControlPointComment.objects.create(control_point=cp, author=cast.curator, text="Добавьте <протокол>")
    DueDateChangeRequest.objects.create(
        control_point=cp, current_due_date=cp.due_date, requested_date=today + datetime.timedelta(days=30), reason="Карантин", requested_by=cast.director_a
    )
    client.force_login(cast.director_a)
    page = client.get(reverse("monitoring:my_school")).content.decode()
    card = page[page.index(f'id="cp-{cp.pk}"') :]
    card = card[: card.index('data-testid="open-report"')]
    assert '<span class="text-muted me-1">' in card and "Урок &lt;i&gt;открытый&lt;/i&gt;</h3>" in card
    assert "Ожидаемый результат</dt><dd class=\"col-sm-9 col-xl-10 mb-1 doc-text\">—</dd>" in card
    assert "80 %" in card and "<strong>достигнуто: 75,50</strong>" in card
    assert "Провели &lt;b&gt;два&lt;/b&gt; урока" in card
    assert f'href="{reverse("monitoring:evidence_download", args=[evidence.pk])}">протокол &lt;1&gt;.pdf</a> <span class="text-muted">(342 КБ)</span>' in card
    assert 'rel="noopener noreferrer" target="_blank">https://example.org/' in card and "…</a>" in card
    assert 'class="alert alert-warning py-1 px-2 small mb-2" data-testid="last-comment"><strong>На доработку: ' in card
    assert "Добавьте &lt;протокол&gt;" in card
    assert f"Запрошен перенос срока на {today + datetime.timedelta(days=30):%d.%m.%Y} — ждёт решения координатора." in card
    assert "Доработать отчёт" in page


def test_a_row_of_the_curators_queue_says_what_was_sent(cast, client):
    from monitoring.models import Evidence

    activity = cast.cp_a.activity
    activity.content, activity.target_value, activity.target_unit = "Диагностика <b>читательской</b> грамотности", 3, "чел."
    activity.save()
    cp = set_state(cast.cp_a, status="submitted", report_text="Отчёт <i>во вложении</i>", achieved_value="4", submitted_at=timezone.now())
    Evidence.objects.create(control_point=cp, link="https://disk.example.ru/" + "d" * 60, uploaded_by=cast.director_a)
    client.force_login(cast.curator)
    page = client.get(reverse("monitoring:curator_home")).content.decode()
    row = page[page.index(f'id="queue-{cp.pk}"') :]
    row = row[: row.index("<form")]
    assert f'<div class="small text-muted">{cast.school_a.short_name}</div>' in row
    assert "Диагностика &lt;b&gt;читательской&lt;/b&gt; грамотности</a></h3>" in row
    assert f"отправлено {timezone.localtime(cp.submitted_at, zoneinfo.ZoneInfo(cast.muni.time_zone)):%d.%m.%Y %H:%M}" in row
    assert "Отчёт &lt;i&gt;во вложении&lt;/i&gt;" in row
    assert "Цель: 3 чел. · достигнуто: <strong>4</strong>" in row
    assert 'Документы: <a href="https://disk.example.ru/' in row and "…</a>" in row
