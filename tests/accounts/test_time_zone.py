"""Pages show times in the user's municipality's zone, and only for that request."""

import pytest
from django.test import RequestFactory
from django.utils import timezone

from accounts.middleware import MunicipalityTimezoneMiddleware
from tests import factories as f

pytestmark = pytest.mark.django_db


def test_the_municipalitys_zone_holds_for_the_request_and_is_gone_after_it():
    muni = f.MunicipalityFactory(time_zone="Asia/Sakhalin")
    request = RequestFactory().get("/")
    request.user = f.UserFactory(role="coordinator", municipality=muni)
    seen = []
    middleware = MunicipalityTimezoneMiddleware(lambda r: seen.append(timezone.get_current_timezone_name()))
    before = timezone.get_current_timezone_name()
    middleware(request)
    assert seen == ["Asia/Sakhalin"]
    # After the request the thread is back where it was: «today» must not stay UTC+11's tomorrow
    # for whatever this thread runs next.
    assert timezone.get_current_timezone_name() == before
