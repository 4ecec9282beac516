"""Strings from the API are text: escaped everywhere, and never a javascript: link."""

from __future__ import annotations

import re
from typing import Any

from tests.vms.helpers import HTMX, sim_patch, vm_id_of, vm_url

SCRIPT = "<script>alert(1)</script>"


def _hrefs(html: str) -> list[str]:
    return re.findall(r'href\s*=\s*["\']?\s*([^"\'\s>]+)', html, re.IGNORECASE)


def test_hostile_name_and_iso_url_are_escaped(demo_client: Any, sim: Any) -> None:
    vm_id = vm_id_of(sim, "web1")
    world = sim.world
    with world.lock:
        world.rename_vm(world.vms[vm_id], SCRIPT)
    sim_patch(sim, vm_id, cdrom_url="javascript:alert(document.cookie)")

    # The name cannot be a URL segment, so the page is reached by id (as BigV allows).
    response = demo_client.get(vm_url(str(vm_id)))

    assert response.status_code == 200
    html = response.content.decode()
    assert SCRIPT not in html
    assert "&lt;script&gt;alert(1)&lt;/script&gt;" in html
    assert "javascript:alert(document.cookie)" in html  # shown, as text
    assert not any(h.lower().startswith("javascript:") for h in _hrefs(html))
    # Forms and links keep using the id, never the hostile name.
    assert f"/vms/{vm_id}/start/" in html


def test_hostile_iso_urls_are_never_links(demo_client: Any, sim: Any) -> None:
    vm_id = vm_id_of(sim, "web1")
    for url in (
        "JavaScript:alert(1)",
        " javascript:alert(1)",
        "data:text/html,<b>x</b>",
        'https://ok.example/x.iso" onmouseover="alert(1)',
        "http:/no-host",
    ):
        sim_patch(sim, vm_id, cdrom_url=url)
        html = demo_client.get(vm_url("web1")).content.decode()
        cdrom = html.split('class="vm-cdrom">')[1].split("</dd>")[0]
        assert "<a" not in cdrom, url
        assert 'onmouseover="' not in html


def test_hostile_name_in_action_answers_is_escaped(demo_client: Any, sim: Any) -> None:
    vm_id = vm_id_of(sim, "web1")
    world = sim.world
    with world.lock:
        world.rename_vm(world.vms[vm_id], "<img src=x onerror=alert(1)>")

    response = demo_client.post(vm_url(str(vm_id), "stop"), {"vm_id": vm_id}, **HTMX)

    html = response.content.decode()
    assert "<img src=x" not in html and "&lt;img src=x onerror=alert(1)&gt;" in html
