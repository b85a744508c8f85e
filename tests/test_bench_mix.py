"""The bench's own logic (bench/mix.py, bench/figures.py, bench/floor_urls.py): pure Python and one page."""

import json
import sys
from pathlib import Path

import pytest

BENCH = Path(__file__).resolve().parent.parent / "bench"
sys.path.insert(0, str(BENCH))

from figures import P95_KEYS, missed_targets, p95_figures, users_that_ran  # noqa: E402
from mix import municipalities_needed, role_mix  # noqa: E402


@pytest.mark.parametrize("users", [0, 1, 2, 5, 6, 7, 19, 20, 21, 100, 150, 301])
def test_the_mix_adds_up_to_the_users_asked_for(users):
    mix = role_mix(users)
    assert sum(mix.values()) == users
    assert all(count >= 0 for count in mix.values())


def test_twenty_users_are_a_region_s_busy_hour_with_its_viewer_among_them():
    assert role_mix(20) == {"coordinators": 3, "chairs": 3, "curators": 3, "directors": 10, "region": 1}
    assert role_mix(20, region=False) == {"coordinators": 4, "chairs": 3, "curators": 3, "directors": 10, "region": 0}


def test_the_mix_scales_with_the_users_one_coordinator_and_chair_per_municipality():
    mix = role_mix(150)
    assert mix == {"coordinators": 25, "chairs": 25, "curators": 25, "directors": 74, "region": 1}
    # Three directors per municipality's team: the municipalities the accounts come from.
    assert municipalities_needed(mix) == 25
    assert role_mix(300)["directors"] == 149


def test_a_negative_number_of_users_is_refused():
    with pytest.raises(ValueError):
        role_mix(-1)


def _line(**values):
    line = {key: 100.0 for key in P95_KEYS}
    line.update(error_rate=0, order_pdf_150_rows_s=2.0, import_docx_200_rows_s=0.3, deadline_phrases_per_s=40000)
    line.update(values)
    return line


def test_a_missing_region_page_is_no_missed_target_but_a_slow_one_is():
    assert missed_targets(_line(region_cabinet_p95_ms=None)) == []
    assert missed_targets(_line(region_dashboard_p95_ms=340.0)) == ["region_dashboard_p95_ms = 340.0 (цель < 150)"]
    # A municipal page without a figure is missed: it always runs.
    assert missed_targets(_line(dashboard_p95_ms=None)) == ["dashboard_p95_ms = None (цель < 150)"]


def test_the_stress_pace_holds_the_p95_under_300_ms():
    line = _line(register_p95_ms=250.0, region_register_p95_ms=320.0)
    assert missed_targets(line, wait="1,3") == ["region_register_p95_ms = 320.0 (цель < 300)"]
    assert len(missed_targets(line, wait="3,8")) == 2


def test_the_line_has_the_region_s_keys_beside_today_s():
    stats = {"dashboard": {"p95_ms": 120.0}, "region_dashboard": {"p95_ms": 300.0}}
    figures = p95_figures(stats)
    assert list(figures) == [
        "dashboard_p95_ms",
        "register_p95_ms",
        "plan_page_p95_ms",
        "school_card_p95_ms",
        "director_save_p95_ms",
        "region_cabinet_p95_ms",
        "region_dashboard_p95_ms",
        "region_register_p95_ms",
    ]
    assert figures["dashboard_p95_ms"] == 120.0
    assert figures["region_dashboard_p95_ms"] == 300.0
    assert figures["region_cabinet_p95_ms"] is None


def test_users_are_those_that_logged_in_as_locust_wrote_them(tmp_path):
    path = tmp_path / "users.json"
    path.write_text(json.dumps({"mix": {}, "logged_in": 148, "login_failed": 2}))
    assert users_that_ran(path) == {"logged_in": 148, "login_failed": 2}
    # No file: locust did not get to write it, nobody is known to have run.
    assert users_that_ran(tmp_path / "missing.json") == {"logged_in": 0, "login_failed": None}


def test_the_floor_page_renders_the_base_template_and_the_menu_and_nothing_else(client, cast, settings):
    from django.db import connection
    from django.test.utils import CaptureQueriesContext
    from django.urls import reverse

    settings.ROOT_URLCONF = "floor_urls"
    assert client.get("/bench-floor/").status_code == 302  # the login first, as every page
    client.force_login(cast.coordinator)
    client.get("/bench-floor/")
    with CaptureQueriesContext(connection) as floor:
        response = client.get("/bench-floor/")
    with CaptureQueriesContext(connection) as dashboard:
        client.get(reverse("monitoring:dashboard"))
    html = response.content.decode()
    assert response.status_code == 200
    assert "Контроль исполнения" in html and "Страница без данных" in html
    # The floor's queries are the ones every page pays (session, user, menu); a real page adds its own.
    assert 0 < len(floor.captured_queries) < len(dashboard.captured_queries)
