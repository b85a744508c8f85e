"""The portal's URLs plus the floor page, for bench/page_timings.py only (installed in-process with
override_settings(ROOT_URLCONF="floor_urls")); never part of the portal's own URL configuration.

The floor is what every page of the portal pays before its own work: the middleware, the login
check, the session, the navigation of the user's role and the base template with its menu and
notification bell — and nothing else: no query and no context of its own.
"""

from django.contrib.auth.decorators import login_required
from django.http import HttpResponse
from django.template import engines
from django.urls import path

from schnor_portal.urls import urlpatterns as portal_urlpatterns

FLOOR_PATH = "bench-floor/"
_FLOOR = engines["django"].from_string(
    '{% extends "base.html" %}{% block title %}Пустая страница{% endblock %}'
    "{% block content %}<p>Страница без данных: только шаблон портала и меню.</p>{% endblock %}"
)


@login_required
def floor(request):
    return HttpResponse(_FLOOR.render({}, request))


urlpatterns = [path(FLOOR_PATH, floor, name="bench_floor"), *portal_urlpatterns]
