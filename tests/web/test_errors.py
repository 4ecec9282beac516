"""panel.web.errors: each BigV error becomes the page (or htmx fragment) a user should see."""

from __future__ import annotations

import pytest
from django import forms
from django.test import Client

from panel.bigv import BadRequest
from panel.credentials.models import BigVCredential
from panel.web.errors import apply_field_errors
from tests.credentials.helpers import audit, closed_port_url, connect_key

pytestmark = [pytest.mark.django_db, pytest.mark.urls("tests.web.urls")]

HTMX = {"HX-Request": "true", "HX-Target": "vm-list", "HX-Current-URL": "http://testserver/x/"}
UNANSWERED = "BigV is not answering right now"
NOTHING_CHANGED = "Nothing was changed by the panel; try again."


@pytest.mark.parametrize(
    ("name", "status", "message"),
    [
        ("forbidden", 403, "Your BigV user may not do this."),
        ("not_found", 404, "Not found, or not visible to your BigV user."),
        ("server_error", 502, UNANSWERED),
        ("connection_failed", 502, UNANSWERED),
        ("invalid_response", 502, UNANSWERED),
        ("unavailable", 503, UNANSWERED),
        ("timed_out", 504, UNANSWERED),
    ],
)
def test_each_error_maps_to_a_status_and_message(
    alice_client: Client, name: str, status: int, message: str
) -> None:
    page = alice_client.get(f"/_test/raise/{name}/")
    assert page.status_code == status
    body = page.content.decode()
    assert message in body
    assert "<html" in body and 'role="alert"' in body
    fragment = alice_client.get(f"/_test/raise/{name}/", headers=HTMX)
    assert fragment.status_code == status
    assert message in fragment.content.decode()
    assert "<html" not in fragment.content.decode()


def test_unavailable_pages_offer_a_retry(alice_client: Client) -> None:
    body = alice_client.get("/_test/raise/timed_out/?page=2").content.decode()
    assert NOTHING_CHANGED in body
    assert "did not answer in time" in body
    assert 'href="/_test/raise/timed_out/?page=2"' in body and "Try again" in body
    fragment = alice_client.get("/_test/raise/unavailable/", headers=HTMX).content.decode()
    assert 'hx-get="/_test/raise/unavailable/"' in fragment
    assert 'hx-target="#vm-list"' in fragment


def test_a_write_without_an_answer_does_not_claim_nothing_changed(alice_client: Client) -> None:
    response = alice_client.post("/_test/raise/timed_out/", headers=HTMX)
    assert response.status_code == 504
    body = response.content.decode()
    assert "may or may not have been made" in body
    assert NOTHING_CHANGED not in body
    assert "hx-get" not in body  # a POST is never replayed from the error
    assert 'href="http://testserver/x/"' in body
    # A server that answered with an error did not apply the write.
    server_error = alice_client.post("/_test/raise/server_error/").content.decode()
    assert NOTHING_CHANGED in server_error


def test_not_connected_goes_to_the_connection_page(alice_client: Client) -> None:
    page = alice_client.get("/_test/raise/not_connected/")
    assert page.status_code == 302 and page["Location"] == "/bigv/"
    fragment = alice_client.get("/_test/raise/not_connected/", headers=HTMX)
    assert fragment.status_code == 200 and fragment["HX-Redirect"] == "/bigv/"


def test_unauthorized_marks_the_credential_and_asks_to_reconnect(
    sim, alice, alice_client: Client
) -> None:
    connect_key(alice, "apikey.demo-key")
    fragment = alice_client.get("/_test/raise/unauthorized/", headers=HTMX)
    assert fragment.status_code == 401
    body = fragment.content.decode()
    assert "Your BigV session has expired or was rejected — reconnect." in body
    assert 'href="/bigv/"' in body
    assert BigVCredential.objects.get(user=alice).status == "rejected"
    [entry] = audit("credentials.rejected")
    assert entry.api_status == 401
    assert entry.api_error == "Invalid or expired session token"
    # Later 401s still show the prompt, but the rejection is recorded once.
    assert alice_client.get("/_test/raise/unauthorized/").status_code == 401
    assert len(audit("credentials.rejected")) == 1


def test_bad_request_is_left_to_the_form(alice_client: Client) -> None:
    with pytest.raises(BadRequest):
        alice_client.get("/_test/raise/bad_request/")


# --- against the simulator ------------------------------------------------------------------


def test_real_calls_through_the_middleware(sim, alice, bob, alice_client, bob_client) -> None:
    assert alice_client.get("/_test/accounts/").status_code == 302  # not connected yet
    connect_key(alice, "apikey.demo-key")
    connect_key(bob, "apikey.viewer-key")
    assert alice_client.get("/_test/accounts/").content == b"demo"
    missing = alice_client.get("/_test/accounts/no-such-account/")
    assert missing.status_code == 404
    assert "Not found, or not visible to your BigV user." in missing.content.decode()
    # viewer may read the demo account (a VM inside it) but not create groups in it.
    refused = bob_client.post("/_test/accounts/demo/groups/", {"name": "newgroup"})
    assert refused.status_code == 403
    assert "Your BigV user may not do this." in refused.content.decode()


def test_a_real_400_lands_beside_the_field(sim, alice, alice_client: Client) -> None:
    connect_key(alice, "apikey.demo-key")
    response = alice_client.post("/_test/accounts/demo/groups/", {"name": "Not A Valid Name!"})
    assert response.status_code == 400
    body = response.content.decode()
    assert 'id="id_name_error"' in body and 'aria-invalid="true"' in body


def test_an_unreachable_brain(sim, settings, alice, alice_client: Client) -> None:
    connect_key(alice, "apikey.demo-key")
    settings.BIGV_API_URL = closed_port_url()
    settings.BIGV_DEADLINE = 2.0
    response = alice_client.get("/_test/accounts/")
    assert response.status_code == 502
    assert "the connection failed" in response.content.decode()
    assert BigVCredential.objects.get(user=alice).status == "active"  # not the key's fault


# --- apply_field_errors ----------------------------------------------------------------------


class VmForm(forms.Form):
    name = forms.CharField(required=False)
    memory_gib = forms.IntegerField(required=False)


class DiscForm(forms.Form):
    size = forms.IntegerField(required=False)
    grade = forms.CharField(required=False)


def _bound(form_class: type[forms.Form]) -> forms.Form:
    form = form_class(data={})
    assert form.is_valid()
    return form


def test_apply_field_errors_with_field_arrays_and_strings() -> None:
    error = BadRequest(
        400,
        "bad request",
        field_errors={
            "name": ["can't be blank", "is too short (minimum is 3 characters)"],
            "memory": ["is not a number"],
            "interval_seconds": ["Missing interval_seconds parameter"],
        },
    )
    form = _bound(VmForm)
    apply_field_errors(form, error, field_map={"memory": "memory_gib"})
    # BigV's words become sentences: beside the field, and above the form for the rest.
    assert form.errors["name"] == [
        "This name can't be blank.",
        "This name is too short (minimum is 3 characters).",
    ]
    assert form.errors["memory_gib"] == ["This memory is not a number."]
    assert form.non_field_errors() == ["Interval seconds: Missing interval_seconds parameter."]


def test_apply_field_errors_with_the_discs_array() -> None:
    error = BadRequest(
        400,
        "bad request",
        disc_errors=[{}, {"size": ["must be greater than or equal to 50"]}, {"label": ["bad"]}],
    )
    form = _bound(VmForm)
    apply_field_errors(form, error)
    assert form.non_field_errors() == [
        "Disc 2 size must be greater than or equal to 50.",
        "Disc 3 label bad.",
    ]
    form = _bound(VmForm)
    discs = [_bound(DiscForm), _bound(DiscForm), _bound(DiscForm)]
    apply_field_errors(form, error, disc_forms=discs)
    assert not discs[0].errors
    assert discs[1].errors["size"] == ["This size must be greater than or equal to 50."]
    assert discs[2].non_field_errors() == ["Label bad."]
    assert not form.errors


def test_apply_field_errors_with_a_plain_text_400() -> None:
    form = _bound(VmForm)
    apply_field_errors(form, BadRequest(400, "Group still contains virtual machines"))
    assert form.non_field_errors() == ["BigV refused it: Group still contains virtual machines."]
