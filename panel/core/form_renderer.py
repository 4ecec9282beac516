"""The form renderer: Django's own, except that ``<select>`` widgets are written in Python.

Django renders every ``<option>`` through two template includes (the option and its
attributes). The VM page had a dozen selects fed by ``GET /definitions`` — keymaps, images,
zones, profiles, storage grades and the key lists of "send key" — close to a thousand
options, and those includes were about 80% of the page's time (``make bench``). The markup
below is exactly what ``django/forms/widgets/select.html`` and ``select_option.html``
produce (a test compares the two), with the same escaping; any other widget, and a select
whose options use another template, still goes through the templates.

Measured against the supported alternatives, the VM page in-process when it drew them
(fastest of 60): this renderer 21 to 25 ms, Django's ``DjangoTemplates`` renderer 37 to 46
ms, its ``Jinja2`` renderer (Django's own Jinja2 widget templates) 74 to 94 ms. The send-key
lists are moreover rendered once per process (template fragment cache, ``vms/_panel.html``).

Since the VM page opens its forms on demand, its first answer draws no select; the pages
that do still pay for this renderer. In-process medians of 25, this renderer against
``DjangoTemplates``: the keymap form 3.2 against 5.2 ms, reimage 5.4 against 7.3, a spec
change 5.5 against 6.7, create a VM 11.2 against 14.2, the VM page with every section 9.9
against 10.5.
"""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

from django.forms.renderers import DjangoTemplates
from django.http import HttpRequest
from django.utils.html import conditional_escape

SELECT = "django/forms/widgets/select.html"
OPTION = "django/forms/widgets/select_option.html"


def _text(value: Any) -> str:
    # ``{{ value|stringformat:'s' }}``: str(), escaped unless already marked safe.
    return str(conditional_escape(value if isinstance(value, str) else str(value)))


def _attrs(attrs: Mapping[str, Any]) -> str:
    """``django/forms/widgets/attrs.html``: False leaves the attribute out, True writes its
    name alone, anything else ``name="value"``."""
    parts = []
    for name, value in attrs.items():
        if value is False:
            continue
        parts.append(f" {_text(name)}" if value is True else f' {_text(name)}="{_text(value)}"')
    return "".join(parts)


def _plain_options(widget: Mapping[str, Any]) -> bool:
    return all(
        option.get("template_name") == OPTION
        for _, options, _ in widget.get("optgroups", ())
        for option in options
    )


def render_select(widget: Mapping[str, Any]) -> str:
    out = [f'<select name="{_text(widget["name"])}"{_attrs(widget["attrs"])}>']
    for group_name, options, _ in widget["optgroups"]:
        if group_name:
            out.append(f'\n  <optgroup label="{_text(group_name)}">')
        for option in options:
            out.append(
                f'\n  <option value="{_text(option["value"])}"{_attrs(option["attrs"])}>'
                f"{_text(option['label'])}</option>\n"  # the included file's last newline
            )
        if group_name:
            out.append("\n  </optgroup>")
    out.append("\n</select>")
    return "".join(out)


class PanelFormRenderer(DjangoTemplates):
    def render(
        self, template_name: str, context: dict[str, Any], request: HttpRequest | None = None
    ) -> str:
        widget = context.get("widget")
        if template_name == SELECT and isinstance(widget, Mapping) and _plain_options(widget):
            return render_select(widget)
        return str(super().render(template_name, context, request))
