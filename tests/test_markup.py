"""`schnor_portal.markup`: the text of markup written in Python, escaped as the templates escape it."""

import pytest
from django.utils.html import escape as django_escape

from schnor_portal.markup import escape


@pytest.mark.parametrize("text", ['<a href="x">Тест & «кавычки»</a>', "O'Brien", 42, None, "уже &amp; экранировано"])
def test_markup_escape_gives_what_django_escape_gives(text):
    assert escape(text) == django_escape(text)
