"""QuickSelect writes the register's selects in Python: what a browser reads must be what Select gives."""

import pytest
from django import forms
from lxml import html

from monitoring.control.filters import QuickSelect

CHOICES = [("", "любая"), (1, "МБОУ «Школа & сад»"), (2, "<script>alert(1)</script>"), ("x y", "пробел \"кавычки\"")]


def _read(markup):
    select = html.fromstring(markup)
    options = [(o.get("value"), o.text_content(), o.get("selected") is not None) for o in select.iter("option")]
    return select.get("name"), dict(select.attrib), options


@pytest.mark.parametrize("value", [None, "", "1", 2, "x y", "missing"])
def test_it_reads_as_the_template_rendered_select(value):
    attrs = {"class": "form-select form-select-sm"}
    plain = forms.Select(attrs=attrs, choices=CHOICES).render("school", value, {"id": "id_school"})
    quick = QuickSelect(attrs=attrs, choices=CHOICES).render("school", value, {"id": "id_school"})
    assert _read(quick) == _read(plain)
    assert "<script>" not in quick
