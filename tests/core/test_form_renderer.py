"""The Python-written <select> is the markup Django's templates write, escaping included."""

from __future__ import annotations

from typing import Any

import pytest
from django import forms
from django.forms.renderers import DjangoTemplates
from django.utils.safestring import mark_safe

from panel.core.form_renderer import PanelFormRenderer

XSS = "<img src=x onerror=alert(1)>\"&'"
CHOICES: list[Any] = [
    ("", "Any"),
    ("york", "York"),
    (XSS, XSS),
    (7, mark_safe("<b>bold</b>")),
    ("Group <one>", [("a", "A"), ("b", f"B {XSS}")]),
    ("c", "C"),
]


class Everything(forms.Form):
    plain = forms.ChoiceField(choices=CHOICES)
    required_off = forms.ChoiceField(choices=CHOICES, required=False)
    many = forms.MultipleChoiceField(choices=CHOICES, required=False)
    attrs = forms.ChoiceField(
        choices=CHOICES,
        widget=forms.Select(
            attrs={"hx-get": "/x?a=1&b=2", "disabled": True, "hidden": False, "data-n": 3}
        ),
    )


@pytest.mark.parametrize(
    "data",
    [
        None,
        {"plain": "york", "many": ["a", XSS], "attrs": "7"},
        {"plain": XSS, "required_off": "nope", "many": ["c"], "attrs": "b"},
    ],
)
def test_every_select_renders_as_the_django_templates_do(data):
    form = Everything(data)
    form.is_valid()
    ours, django_s = PanelFormRenderer(), DjangoTemplates()
    for name in form.fields:
        field = form[name]
        args = (field.html_name, field.value(), field.build_widget_attrs({}))
        widget = field.field.widget
        assert widget.render(*args, renderer=ours) == widget.render(*args, renderer=django_s), name


def test_the_panel_uses_it_and_escapes():
    html = str(Everything({"plain": XSS})["plain"])
    assert "<img" not in html and "&lt;img src=x onerror=alert(1)&gt;&quot;&amp;&#x27;" in html
    assert "<b>bold</b>" in html  # a label marked safe stays as it is, as in the template
    assert '<optgroup label="Group &lt;one&gt;">' in html
