"""Notifications end to end in one process: the engine's signals, the deliveries they make,
e-mail into Django's in-memory outbox, webhooks to a local receiver that checks the
signature — and what happens when the receiver is down, refuses, or redirects."""

from __future__ import annotations

import datetime as dt
import json

import pytest
from django.utils import timezone

from panel.audit.models import AuditEntry
from panel.notifications import sending
from panel.notifications.models import Delivery
from panel.operations import signals
from tests.notifications.conftest import choose, ended_batch, ended_operation, person
from tests.notifications.receiver import signature_ok

pytestmark = [pytest.mark.django_db, pytest.mark.xdist_group("celery")]


@pytest.fixture(autouse=True)
def _quiet_queue(celery_queue: str) -> None:
    """Deliveries are queued on this session's own queue (no worker here: the tests send)."""


def _announce(django_capture_on_commit_callbacks, operation=None, batch=None) -> list[Delivery]:
    with django_capture_on_commit_callbacks(execute=True):
        if operation is not None:
            signals.finished(operation)
        if batch is not None:
            signals.batch_status_changed(batch)
    return list(Delivery.objects.order_by("created_at"))


def _send_all() -> None:
    for delivery in Delivery.objects.all():
        sending.attempt(delivery.pk)


def test_email_to_the_person_who_started_it(mailoutbox, django_capture_on_commit_callbacks):
    alice, bob = person("alice"), person("bob")
    choose(alice, email_enabled=True)
    op = ended_operation(alice, "rolled_back")
    [delivery] = _announce(django_capture_on_commit_callbacks, operation=op)
    assert delivery.user == alice and delivery.channel == "email"
    _send_all()
    [mail] = mailoutbox
    assert mail.to == ["alice@example.org"]
    assert mail.subject.startswith("[BigV Panel] Rolled back: ")
    assert "web1 in demo/web" in mail.subject
    assert f"/operations/{op.pk}/" in mail.body and "refused by the test" in mail.body
    assert mail.extra_headers["X-Panel-Delivery"] == str(delivery.pk)
    delivery.refresh_from_db()
    assert delivery.status == "delivered" and delivery.attempts == 1
    entry = AuditEntry.objects.get(action="notification.send")
    assert entry.outcome == "succeeded" and entry.target_label == "alice"
    assert entry.params["channel"] == "email" and entry.params["to"] == "alice@example.org"
    assert not Delivery.objects.filter(user=bob).exists()


@pytest.mark.parametrize("status", ["succeeded", "cancelled"])
def test_what_is_not_news(status, mailoutbox, django_capture_on_commit_callbacks):
    alice = person("alice")
    choose(alice, email_enabled=True)
    assert (
        _announce(django_capture_on_commit_callbacks, operation=ended_operation(alice, status))
        == []
    )


def test_webhook_is_signed_and_slack_shaped(receiver, django_capture_on_commit_callbacks):
    alice = person("alice")
    saved = choose(alice, webhook_enabled=True, webhook_url=receiver.url)
    secret = saved.new_secret
    assert secret.startswith("whsec_")
    receiver.start()
    op = ended_operation(alice, "needs_attention", attention="web1 is off; it was on")
    [delivery] = _announce(django_capture_on_commit_callbacks, operation=op)
    _send_all()
    [got] = receiver.received
    assert got.path == "/hook/T0123/secret-part"
    assert got.headers["Content-Type"] == "application/json"
    assert got.headers["X-Panel-Delivery"] == str(delivery.pk)
    assert signature_ok(secret, got.headers, got.body)
    assert not signature_ok("whsec_another", got.headers, got.body)
    body = json.loads(got.body)
    assert body["text"].startswith("Needs attention: ") and "web1 is off" in body["text"]
    assert body["panel"]["event"] == "operation.finished"
    assert body["panel"]["operation"] == str(op.pk) and body["panel"]["status"] == "needs_attention"
    assert body["panel"]["delivery"] == str(delivery.pk)
    delivery.refresh_from_db()
    assert delivery.status == "delivered" and delivery.last_status == 200
    # The URL's path is its secret: it is shown, stored in the log and audited as its host only.
    assert delivery.destination == f"http://127.0.0.1:{receiver.port}/…"
    for entry in AuditEntry.objects.all():
        assert "secret-part" not in json.dumps([entry.params, entry.after, entry.target_label])


def test_a_receiver_down_then_up_gets_it_on_a_later_try(
    receiver, django_capture_on_commit_callbacks, settings
):
    settings.PANEL_NOTIFY_RETRY_SECONDS = 30.0
    alice = person("alice")
    saved = choose(alice, webhook_enabled=True, webhook_url=receiver.url)
    [delivery] = _announce(django_capture_on_commit_callbacks, operation=ended_operation(alice))
    wait = sending.attempt(delivery.pk)  # nothing listens yet
    assert wait is not None and 24 <= wait <= 36  # the base, jittered
    delivery.refresh_from_db()
    assert delivery.status == "retrying" and delivery.attempts == 1
    assert "Could not reach the receiver" in delivery.last_error
    assert sending.attempt(delivery.pk) is None  # not due yet: a duplicate task sends nothing
    assert not AuditEntry.objects.filter(action="notification.send").exists()
    receiver.start()
    Delivery.objects.filter(pk=delivery.pk).update(next_attempt_at=timezone.now())
    assert sending.attempt(delivery.pk) is None
    delivery.refresh_from_db()
    assert delivery.status == "delivered" and delivery.attempts == 2
    assert len(receiver.received) == 1
    assert signature_ok(saved.new_secret, receiver.received[0].headers, receiver.received[0].body)


def test_back_off_doubles_up_to_an_hour(settings):
    settings.PANEL_NOTIFY_RETRY_SECONDS = 30.0
    waits = [sending.backoff(n) for n in (1, 2, 3, 4)]
    for wait, base in zip(waits, (30, 60, 120, 240), strict=True):
        assert 0.8 * base <= wait <= 1.2 * base
    assert sending.backoff(30) <= 1.2 * 3600


@pytest.mark.parametrize(
    ("status", "tries", "final"),
    [(404, 1, "failed"), (302, 1, "failed"), (503, 3, "failed")],
)
def test_giving_up(status, tries, final, receiver, settings, django_capture_on_commit_callbacks):
    settings.PANEL_NOTIFY_ATTEMPTS = 3
    receiver.status = status
    receiver.location = "https://elsewhere.example/" if status == 302 else ""
    receiver.start()
    alice = person("alice")
    choose(alice, webhook_enabled=True, webhook_url=receiver.url)
    [delivery] = _announce(django_capture_on_commit_callbacks, operation=ended_operation(alice))
    for _ in range(5):
        Delivery.objects.filter(pk=delivery.pk).update(next_attempt_at=timezone.now())
        sending.attempt(delivery.pk)
    delivery.refresh_from_db()
    assert (delivery.status, delivery.attempts, delivery.last_status) == (final, tries, status)
    assert len(receiver.received) == tries  # a redirect is not followed
    entry = AuditEntry.objects.get(action="notification.send")
    assert entry.outcome == "failed" and str(status) in entry.api_error


def test_a_receiver_that_does_not_answer_in_time_is_tried_again(
    receiver, settings, django_capture_on_commit_callbacks
):
    settings.PANEL_WEBHOOK_TIMEOUT = 0.3
    receiver.delay = 2.0
    receiver.start()
    alice = person("alice")
    choose(alice, webhook_enabled=True, webhook_url=receiver.url)
    [delivery] = _announce(django_capture_on_commit_callbacks, operation=ended_operation(alice))
    assert sending.attempt(delivery.pk) is not None
    delivery.refresh_from_db()
    assert delivery.status == "retrying" and "did not answer in time" in delivery.last_error


def test_superusers_hear_of_everyone_only_when_they_ask(
    mailoutbox, django_capture_on_commit_callbacks
):
    alice = person("alice")
    carol = person("carol", is_superuser=True, is_staff=True)
    dan = person("dan", is_superuser=True, is_staff=True)
    eve = person("eve")
    choose(carol, email_enabled=True, everyone=True)
    choose(dan, email_enabled=True)
    choose(eve, email_enabled=True, everyone=True)  # not a superuser: not honoured
    assert not eve.notification_settings.everyone
    deliveries = _announce(django_capture_on_commit_callbacks, operation=ended_operation(alice))
    assert [d.user.username for d in deliveries] == ["carol"]
    # carol's own operation: one message, not two.
    Delivery.objects.all().delete()
    deliveries = _announce(django_capture_on_commit_callbacks, operation=ended_operation(carol))
    assert [d.user.username for d in deliveries] == ["carol"]


def test_a_batch_is_told_once_when_it_ends(mailoutbox, django_capture_on_commit_callbacks):
    alice = person("alice")
    choose(alice, email_enabled=True)
    batch = ended_batch(alice, ["succeeded", "rolled_back", "failed"])
    failed_op = batch.operations.filter(status="rolled_back").get()
    # Its operations are not told one by one …
    assert _announce(django_capture_on_commit_callbacks, operation=failed_op) == []
    # … the batch is, once, when it has ended.
    [delivery] = _announce(django_capture_on_commit_callbacks, batch=batch)
    _announce(django_capture_on_commit_callbacks, batch=batch)
    assert Delivery.objects.count() == 1
    _send_all()
    [mail] = mailoutbox
    assert "Batch finished" in mail.subject and "2 did not succeed" in mail.subject
    assert f"/operations/batches/{batch.pk}/" in mail.body or str(batch.pk) in mail.body
    clean = ended_batch(alice, ["succeeded", "succeeded"])
    assert _announce(django_capture_on_commit_callbacks, batch=clean) == [delivery]


def test_turning_a_channel_off_drops_what_was_waiting(django_capture_on_commit_callbacks):
    alice = person("alice")
    choose(alice, email_enabled=True)
    [delivery] = _announce(django_capture_on_commit_callbacks, operation=ended_operation(alice))
    choose(alice, email_enabled=False)
    assert sending.attempt(delivery.pk) is None
    delivery.refresh_from_db()
    assert delivery.status == "failed" and "turned off" in delivery.last_error


def test_the_resend_finds_lost_and_abandoned_deliveries(django_capture_on_commit_callbacks):
    alice = person("alice")
    choose(alice, email_enabled=True)
    [delivery] = _announce(django_capture_on_commit_callbacks, operation=ended_operation(alice))
    assert sending.resend_due() == []  # just queued: not lost
    long_ago = timezone.now() - dt.timedelta(minutes=10)
    Delivery.objects.filter(pk=delivery.pk).update(status="sending", claimed_at=long_ago)
    sending.resend_due()  # the worker died mid-send: back in line …
    Delivery.objects.filter(pk=delivery.pk).update(next_attempt_at=long_ago)
    assert sending.resend_due() == [str(delivery.pk)]  # … and handed out again
