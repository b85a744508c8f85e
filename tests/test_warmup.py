"""Gunicorn's master compiles every template before it forks (schnor_portal/warmup.py)."""

from pathlib import Path

import pytest
from django.conf import settings
from django.template import TemplateSyntaxError, engines

from schnor_portal.warmup import warm


def test_every_template_of_the_portal_is_compiled_before_the_workers_start():
    own = list((Path(settings.BASE_DIR) / "templates").rglob("*.html"))
    assert warm() > len(own) > 50  # the portal's own, then the packs' and the widgets'


def test_a_broken_template_of_the_portal_stops_the_start(tmp_path, settings):
    (tmp_path / "broken.html").write_text("{% if %}", encoding="utf-8")
    settings.TEMPLATES = [{**settings.TEMPLATES[0], "DIRS": [tmp_path]}]
    engines._engines = {}
    try:
        with pytest.raises(TemplateSyntaxError):
            warm()
    finally:
        engines._engines = {}
