"""Group create / rename / delete: services, audit entries and every kind of refusal."""

from __future__ import annotations

import re

import pytest
from django.test import Client
from django.urls import reverse

from tests.credentials.helpers import audit
from tests.inventory.helpers import (
    HTMX,
    add_fault,
    get_counted,
    group_rows,
    post_counted,
    text,
)

pytestmark = pytest.mark.django_db

CREATE = reverse("accounts:group_create", args=["demo"])
ACCOUNT = reverse("accounts:account", args=["demo"])


def rename_url(group: str) -> str:
    return reverse("accounts:group_rename", args=["demo", group])


def delete_url(group: str) -> str:
    return reverse("accounts:group_delete", args=["demo", group])


def test_create_group_redirects_and_audits(demo_client):
    response, calls = post_counted(demo_client, CREATE, {"name": "staging-2"})
    assert response.status_code == 302
    assert response["Location"] == ACCOUNT
    assert calls == 1
    page = demo_client.get(ACCOUNT)
    assert "staging-2" in group_rows(page)
    assert "Group “staging-2” created." in text(page)
    [entry] = audit("group.create")
    assert (entry.outcome, entry.api_status) == ("succeeded", 200)
    assert entry.target_label == "staging-2 in demo"
    assert entry.actor_username == "dana"
    assert entry.params == {"account": "demo", "name": "staging-2"}


def test_create_with_htmx_follows_the_redirect_to_the_groups_fragment(demo_client):
    response = demo_client.post(CREATE, {"name": "qa"}, follow=True, **HTMX)
    page = text(response)
    assert page.lstrip().startswith('<section id="groups-panel"')
    assert "<html" not in page
    assert response["HX-Retarget"] == "#groups-panel"
    assert response["HX-Reswap"] == "outerHTML"
    assert "qa" in group_rows(response)
    assert "Group “qa” created." in page


@pytest.mark.parametrize(
    "name", ["", "Web", "-web", "web-", "web_1", "a" * 64, "<script>alert(1)</script>", " web"]
)
def test_invalid_name_is_refused_before_any_api_call(demo_client, name):
    response, calls = post_counted(demo_client, CREATE, {"name": name})
    assert calls == 0
    assert response.status_code == 400
    page = text(response)
    assert 'aria-invalid="true"' in page
    assert 'class="errorlist" id="group-create-name-errors"' in page
    assert "<script>alert(1)" not in page
    assert audit("group.create") == []


def test_invalid_name_with_htmx_returns_the_form_with_the_typed_value(demo_client):
    response, calls = post_counted(demo_client, CREATE, {"name": "Bad_Name"}, **HTMX)
    assert calls == 0
    assert response.status_code == 400  # base.html makes htmx swap it: the form replaces itself
    page = text(response)
    assert page.lstrip().startswith('<form id="group-create"')
    assert 'value="Bad_Name"' in page
    assert "lowercase letters, digits and hyphens" in page


def test_duplicate_name_shows_the_api_error_beside_the_field(demo_client):
    response, calls = post_counted(demo_client, CREATE, {"name": "web"})
    assert calls == 1
    assert response.status_code == 400
    page = text(response)
    errors = '<ul class="errorlist" id="group-create-name-errors">'
    assert f"{errors}<li>This name has already been taken.</li>" in page
    assert 'value="web"' in page
    [entry] = audit("group.create")
    assert (entry.outcome, entry.api_status) == ("refused", 400)


def test_rename_group(demo_client):
    page = text(demo_client.get(rename_url("db")))
    assert 'value="db"' in page  # the rename page needs no API call to pre-fill
    response, calls = post_counted(demo_client, rename_url("db"), {"name": "database"})
    assert (response.status_code, calls) == (302, 1)
    rows = group_rows(demo_client.get(ACCOUNT))
    assert "database" in rows and "db" not in rows
    [entry] = audit("group.rename")
    assert entry.outcome == "succeeded"
    assert entry.target_label == "database in demo"
    assert entry.before == {"name": "db"}
    assert entry.after["name"] == "database"


def test_rename_to_a_taken_name_keeps_the_input(demo_client):
    response = demo_client.post(rename_url("db"), {"name": "web"}, **HTMX)
    page = text(response)
    assert page.lstrip().startswith('<form id="rename-db-form"')
    assert "has already been taken" in page and 'value="web"' in page


def test_delete_empty_group(demo_client):
    demo_client.post(CREATE, {"name": "scratch"})
    # The confirmation page (no JavaScript) makes no API call.
    confirm, calls = get_counted(demo_client, delete_url("scratch"))
    assert "Delete group scratch?" in text(confirm)
    assert calls == 0
    response, calls = post_counted(demo_client, delete_url("scratch"), {})
    assert (response.status_code, calls) == (302, 1)
    assert "scratch" not in group_rows(demo_client.get(ACCOUNT))
    [entry] = audit("group.delete")
    assert (entry.outcome, entry.target_label) == ("succeeded", "scratch in demo")


def test_delete_group_that_holds_vms_is_refused_in_words(demo_client):
    response, calls = post_counted(demo_client, delete_url("web"), {})
    assert (response.status_code, calls) == (400, 1)
    page = text(response)
    assert "Group “web” was not deleted: Group still contains virtual machines." in page
    assert "delete and purge its virtual machines" in page
    assert "web" in group_rows(demo_client.get(ACCOUNT))
    [entry] = audit("group.delete")
    assert (entry.outcome, entry.api_status) == ("refused", 400)
    assert entry.api_error == "Group still contains virtual machines"


def test_delete_refusal_with_htmx_replaces_the_row_button(demo_client):
    response = demo_client.post(delete_url("default"), {}, **HTMX)
    assert response.status_code == 400
    page = text(response)
    assert page.lstrip().startswith('<form class="group-delete"')
    assert 'hx-confirm="Delete group “default” from account demo?' in page
    assert "Group still contains virtual machines" in page


def test_viewer_may_not_create_groups(viewer_client):
    # Refused by the panel from the viewer's own BigV level, before any call to BigV.
    response, calls = post_counted(viewer_client, CREATE, {"name": "mine"})
    assert (response.status_code, calls) == (403, 0)
    page = text(response)
    assert "Your BigV user may not change the groups of account demo" in page
    assert "it holds no privilege there" in page
    assert 'value="mine"' in page  # the form keeps what was typed
    [entry] = audit("group.create")
    assert (entry.outcome, entry.api_status, entry.actor_username) == ("denied", None, "vera")


def test_group_admin_may_not_rename_its_group(webadmin_client):
    response, calls = post_counted(webadmin_client, rename_url("web"), {"name": "www"})
    assert (response.status_code, calls) == (403, 0)
    assert "that needs account_admin or above" in text(response)
    [entry] = audit("group.rename")
    assert (entry.outcome, entry.api_status) == ("denied", None)


def test_outsider_deleting_a_group_of_an_invisible_account_is_not_found(outsider_client):
    response, calls = post_counted(outsider_client, delete_url("db"), {})
    assert (response.status_code, calls) == (404, 0)
    assert "Not found, or not visible to your BigV user." in text(response)
    [entry] = audit("group.delete")
    assert (entry.outcome, entry.api_status) == ("denied", None)


def test_server_error_on_create_keeps_the_input_and_offers_a_retry(demo_client, sim):
    add_fault(sim, method="POST", path="^/accounts", action="status", status=500, times=None)
    response = demo_client.post(CREATE, {"name": "later"})
    assert response.status_code == 502
    page = text(response)
    assert "BigV is not answering right now" in page and "try again" in page
    assert 'value="later"' in page
    [entry] = audit("group.create")
    assert (entry.outcome, entry.api_status) == ("failed", 500)


def test_unauthorized_on_create_asks_to_reconnect(demo_client, sim):
    add_fault(sim, method="POST", path="^/accounts", action="status", status=401, times=1)
    response = demo_client.post(CREATE, {"name": "later"})
    assert response.status_code == 401
    assert reverse("credentials:connection") in text(response)
    [entry] = audit("group.create")
    assert (entry.outcome, entry.api_status) == ("refused", 401)


def test_not_connected_user_is_sent_to_connect(unconnected_client):
    response, calls = post_counted(unconnected_client, CREATE, {"name": "x1"})
    assert (response.status_code, calls) == (302, 0)
    assert response["Location"] == reverse("credentials:connection")


def test_posts_need_the_csrf_token(demo_client):
    strict = Client(enforce_csrf_checks=True)
    strict.cookies = demo_client.cookies
    page = text(strict.get(ACCOUNT))
    # Log out (base.html), create, and one rename per group.
    assert page.count('name="csrfmiddlewaretoken"') == 5
    assert strict.post(CREATE, {"name": "nocsrf"}).status_code == 403
    token = re.search(r'name="csrfmiddlewaretoken" value="([^"]+)"', page)
    assert token is not None
    response = strict.post(CREATE, {"name": "withcsrf", "csrfmiddlewaretoken": token[1]})
    assert response.status_code == 302
    # htmx sends the token as a header (base.html's hx-headers).
    response = strict.post(CREATE, {"name": "viahtmx"}, HTTP_X_CSRFTOKEN=token[1], **HTMX)
    assert response.status_code == 302
