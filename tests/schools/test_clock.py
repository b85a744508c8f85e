"""Pages show times in the user's municipality's zone, and only for that request."""

import pytest
from django.test import RequestFactory
from django.utils import timezone

from schools.clock import MunicipalityTimezoneMiddleware
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


def test_a_regions_account_keeps_the_clock_most_of_its_municipalities_keep():
    """A region viewer has no municipality: its pages count «today» on its region's clock, the one
    its municipalities' figures (overdue, due soon) are counted on, not on the server's Moscow."""
    region = f.RegionFactory()
    for zone in ("Asia/Vladivostok", "Asia/Vladivostok", "Asia/Sakhalin"):
        f.MunicipalityFactory(region=region, time_zone=zone)
    f.MunicipalityFactory(time_zone="Asia/Omsk")  # another region's
    seen = []
    middleware = MunicipalityTimezoneMiddleware(lambda r: seen.append(timezone.get_current_timezone_name()))
    for role in ("region", "region_admin"):
        request = RequestFactory().get("/")
        request.user = f.UserFactory(role=role, region=region, municipality=None)
        middleware(request)
    empty = RequestFactory().get("/")
    empty.user = f.UserFactory(role="region", region=f.RegionFactory(), municipality=None)
    middleware(empty)
    assert seen == ["Asia/Vladivostok", "Asia/Vladivostok", "Europe/Moscow"]
