"""Each person's notifications page: choosing e-mail and a webhook, the signing secret shown
once, the delivery log — audited, and never showing a webhook URL's secret part."""

from __future__ import annotations

import pytest
from django.test import Client

from panel import webhooks
from panel.audit.models import AuditEntry
from panel.notifications.models import Delivery, NotificationSettings
from tests.notifications.conftest import person

pytestmark = [pytest.mark.django_db, pytest.mark.xdist_group("celery")]

PAGE = "/notifications/"
HOOK = "https://hooks.example.com/services/T000/B000/XXXXsecretXXXX"


@pytest.fixture(autouse=True)
def _quiet_queue(celery_queue: str) -> None:
    """A test message is queued on this session's own queue (no worker sends it here)."""


def _client(user) -> Client:
    client = Client()
    client.force_login(user)
    return client


def test_the_page_and_the_header_link():
    alice = person("alice")
    page = _client(alice).get(PAGE).content.decode()
    assert 'href="/notifications/"' in page  # the header's link
    assert "Send me an e-mail" in page and "Post to a webhook" in page
    assert "anyone else" not in page  # the "everyone" choice is for superusers
    assert "Nothing yet." in page
    root = person("root", is_superuser=True, is_staff=True)
    assert "anyone else" in _client(root).get(PAGE).content.decode()


def test_choosing_a_webhook_shows_its_secret_once_and_its_url_never():
    alice = person("alice")
    client = _client(alice)
    data = {"email_enabled": "on", "email": "a@example.org", "webhook_enabled": "on"}
    response = client.post(PAGE, data | {"webhook_url": HOOK})
    page = response.content.decode()
    assert response.status_code == 200 and "it is not shown again" in page
    secret = page.split('class="notify-secret-value">')[1].split("<")[0]
    assert secret.startswith("whsec_")
    again = client.get(PAGE).content.decode()
    assert secret not in again and "XXXXsecretXXXX" not in again
    assert "https://hooks.example.com/…" in again
    stored = NotificationSettings.objects.get(user=alice)
    assert stored.email_enabled and stored.webhook_enabled
    assert HOOK not in stored.webhook_sealed and secret not in stored.webhook_secret_sealed
    # Saving again without a URL keeps it (and the secret), and says so plainly.
    response = client.post(PAGE, data)
    assert response.status_code == 302
    stored.refresh_from_db()
    assert stored.webhook_shown == "https://hooks.example.com/…"
    entries = AuditEntry.objects.filter(action="notifications.settings").order_by("seq")
    assert [e.after["signature_renewed"] for e in entries] == [True, False]
    assert all("XXXXsecretXXXX" not in str(e.after) for e in entries)


def test_a_new_signing_secret_replaces_the_old():
    alice = person("alice")
    client = _client(alice)
    first = client.post(PAGE, {"webhook_enabled": "on", "webhook_url": HOOK}).content.decode()
    renewed = client.post("/notifications/signing-secret/").content.decode()
    old = first.split('class="notify-secret-value">')[1].split("<")[0]
    new = renewed.split('class="notify-secret-value">')[1].split("<")[0]
    assert old != new and new.startswith("whsec_")


@pytest.mark.parametrize(
    ("data", "says"),
    [
        ({"webhook_enabled": "on", "webhook_url": "http://hooks.example.com/x"}, "https://"),
        ({"webhook_enabled": "on", "webhook_url": "https://u:p@hooks.example.com/"}, "password"),
        ({"webhook_enabled": "on"}, "Give the URL"),
        ({"email_enabled": "on", "email": ""}, "Give the address"),
    ],
)
def test_what_is_refused(data, says):
    response = _client(person("alice")).post(PAGE, data)
    assert response.status_code == 400 and says in response.content.decode()
    assert not AuditEntry.objects.filter(action="notifications.settings").exists()


def test_webhook_urls():
    production, development = webhooks.Destinations(), webhooks.Destinations(anywhere=True)

    def check(url: str, allow_loopback_http: bool) -> None:
        webhooks.check_url(url, destinations=development if allow_loopback_http else production)

    check("https://hooks.slack.com/services/T/B/x", allow_loopback_http=False)
    check("http://127.0.0.1:8080/hook", allow_loopback_http=True)  # outside production
    for url, loopback_ok in [
        ("http://127.0.0.1:8080/hook", False),  # production: https only
        ("http://hooks.example.com/", True),
        ("ftp://hooks.example.com/", True),
        ("https:///nohost", True),
        ("https://example.com:notaport/", True),
    ]:
        with pytest.raises(webhooks.InvalidWebhookUrl):
            check(url, allow_loopback_http=loopback_ok)


def test_send_me_a_test_and_the_log():
    alice = person("alice")
    client = _client(alice)
    nothing = client.post("/notifications/test/", follow=True).content.decode()
    assert "Turn on e-mail or a webhook first" in nothing
    client.post(PAGE, {"email_enabled": "on", "email": "a@example.org"})
    sent = client.post("/notifications/test/", follow=True).content.decode()
    assert "on its way by e-mail" in sent
    [delivery] = Delivery.objects.filter(user=alice)
    assert delivery.event_key.startswith("test:")
    assert "Test notification" in sent and 'hx-trigger="every 5s"' in sent  # it refreshes
    log = client.get(PAGE, HTTP_HX_REQUEST="true").content.decode()
    assert log.lstrip().startswith('<section id="notify-log"')
    # Nobody sees anyone else's log.
    assert "Test notification" not in _client(person("bob")).get(PAGE).content.decode()


def test_in_production_a_webhook_to_a_private_address_is_refused_unless_listed(settings):
    settings.PRODUCTION = True
    client = _client(person("alice"))
    refused = client.post(PAGE, {"webhook_enabled": "on", "webhook_url": "https://10.1.2.3/h"})
    assert refused.status_code == 400 and "not a public address" in refused.content.decode()
    settings.PANEL_WEBHOOK_PRIVATE_NETWORKS = ("10.1.0.0/16",)
    saved = client.post(PAGE, {"webhook_enabled": "on", "webhook_url": "https://10.1.2.3/h"})
    assert saved.status_code == 200
    assert NotificationSettings.objects.get(user__username="alice").webhook_shown == (
        "https://10.1.2.3/…"
    )
