"""`row_url`: a list row's URL without resolving its name per row — the very URL `reverse` gives."""

import pytest
from django.template import Context, Template
from django.urls import clear_script_prefix, path, reverse, set_script_prefix

from schnor_portal import row_urls
from schnor_portal.row_urls import row_url
from schnor_portal.urls import urlpatterns as portal_urlpatterns

NAMES = [
    "monitoring:control_point_detail",
    "monitoring:control_point_report",
    "monitoring:evidence_download",
    "roadmaps:activity_detail",
    "roadmaps:activity_delete",
    "schools:school_detail",
    "clusters:cluster_detail",
]


@pytest.mark.parametrize("name", NAMES)
@pytest.mark.parametrize("pk", [1, 7, 98, 1_234_567, 9_876_543])
def test_the_url_is_what_reverse_gives(name, pk):
    assert row_url(name, pk) == reverse(name, args=[pk])


def test_an_id_read_as_a_string_still_makes_a_number_of_the_path():
    assert row_url("schools:school_detail", "42") == reverse("schools:school_detail", args=[42])
    with pytest.raises(ValueError):
        row_url("schools:school_detail", "42/../../admin")


def test_the_script_prefix_of_the_request_is_kept_apart():
    plain = row_url("schools:school_detail", 5)
    set_script_prefix("/portal/")
    try:
        assert row_url("schools:school_detail", 5) == "/portal" + plain == reverse("schools:school_detail", args=[5])
    finally:
        clear_script_prefix()
    assert row_url("schools:school_detail", 5) == plain


def _shifted(pk):  # a converter-like view argument that does not appear in the URL as written
    return pk


class _Hex:
    regex = "[0-9a-f]+"

    def to_python(self, value):
        return int(value, 16)

    def to_url(self, value):
        return format(int(value), "x")


urlpatterns = [*portal_urlpatterns]


def test_a_name_whose_url_does_not_carry_the_number_is_reversed_each_time(settings):
    from django.urls import register_converter

    register_converter(_Hex, "testhex")
    urlpatterns.append(path("hex/<testhex:pk>/", _shifted, name="hex_row"))
    settings.ROOT_URLCONF = __name__
    assert row_url("hex_row", 255) == reverse("hex_row", args=[255]) == "/hex/ff/"
    assert row_url("hex_row", 16) == "/hex/10/"
    assert row_urls._patterns[("hex_row", False, __name__, "/")] is None


def test_the_template_tag_and_the_clip_filter():
    context = {"pk": 3, "text": "Очень длинное <название>", "short": "<b>коротко"}
    rendered = Template(
        "{% load portal_tags %}{% row_url 'schools:school_detail' pk %}|{{ text|clip:10 }}|{{ short|clip:10 }}"
    ).render(Context(context))
    assert rendered == f"{reverse('schools:school_detail', args=[3])}|Очень дли…|&lt;b&gt;коротко"
    as_before = Template("{{ text|truncatechars:10 }}|{{ short|truncatechars:10 }}").render(Context(context))
    assert rendered.split("|", 1)[1] == as_before


def test_a_name_without_arguments_is_reversed_once_too():
    assert row_url("monitoring:register") == reverse("monitoring:register")
    set_script_prefix("/portal/")
    try:
        prefixed = row_url("monitoring:register")
        assert prefixed == reverse("monitoring:register") and prefixed.startswith("/portal/")
    finally:
        clear_script_prefix()

