"""Template helpers of the VM page's network section."""

from __future__ import annotations

from django import template

from panel.vms.forms import IpDeleteForm

register = template.Library()


@register.simple_tag
def ip_delete_form(address: str, bound: object = None) -> IpDeleteForm:
    """The typed confirmation for giving ``address`` back: the form that was posted (with
    its errors) when there is one, else a fresh one for the row."""
    return bound if isinstance(bound, IpDeleteForm) else IpDeleteForm(address=address)
