import csv
import datetime as dt
import io
import json

import pytest
from django.contrib.auth.models import Group
from django.template.loader import render_to_string
from django.urls import reverse

from panel.audit import Action, Outcome, Target, record
from panel.audit.chain import append_many
from panel.audit.models import AuditEntry
from panel.audit.selectors import entries_for_operation, entries_for_target
from panel.core.actor import Actor
from tests.audit.helpers import sample_rows

EVIL = "web1\n\x1b[31m<script>alert(1)</script>\u202e"


@pytest.fixture
def user_client(client, django_user_model):
    # An auditor (not staff) reads the whole trail; an operator sees only what concerns
    # what their BigV user can see (test_operator_sees_only_what_concerns_them).
    dave = django_user_model.objects.create_user("dave")
    dave.groups.set([Group.objects.get(name="auditor")])
    client.force_login(dave)
    return client


def test_operator_sees_only_what_concerns_them(client, django_user_model, entries):
    """An operator without a BigV connection sees nothing of the team's entries but their
    own; the detail of someone else's entry is not found."""
    erin = django_user_model.objects.create_user("erin", id=999)  # not one of the entries ids
    client.force_login(erin)
    record(
        actor=Actor(user_id=erin.pk, username="erin", ip=None, request_id="req-erin0000001"),
        action=Action.AUTH_LOGIN,
        outcome=Outcome.SUCCEEDED,
    )
    listed = client.get(reverse("audit:list")).context["page"].entries
    assert [entry.actor_username for entry in listed] == ["erin"]
    someone_elses = AuditEntry.objects.filter(actor_username="bob").first()
    assert client.get(reverse("audit:detail", args=[someone_elses.seq])).status_code == 404


@pytest.fixture
def entries(db):
    bob = Actor(user_id=2, username="bob", ip="198.51.100.7", request_id="req-bob00000001")
    eve = Actor(user_id=3, username="eve", ip="203.0.113.9", request_id="req-eve00000001")
    record(
        actor=bob,
        action=Action.VM_POWER_OFF,
        outcome=Outcome.SUCCEEDED,
        target=Target.vm(11, "web1", "demo", "web"),
        params={"force": True, "reason": "kernel upgrade"},
        before={"power_on": True},
        after={"power_on": False},
        api_status=200,
    )
    record(
        actor=eve,
        action=Action.GROUP_CREATE,
        outcome=Outcome.REFUSED,
        target=Target.group(5, "db", "demo"),
        api_status=403,
        api_error="You may not create groups",
        operation_id="op-123",
        step="create",
    )
    record(
        actor=bob,
        action=Action.VM_UPDATE,
        outcome=Outcome.FAILED,
        target=Target.vm(12, "db1", "demo", "db"),
        params={"memory": 4096},
        operation_id="op-123",
        step="resize",
    )


def _listed(response):
    return [e.seq for e in response.context["page"].entries]


def test_login_is_required(client, entries):
    for url in (
        reverse("audit:list"),
        reverse("audit:detail", args=[1]),
        reverse("audit:export", kwargs={"fmt": "csv"}),
    ):
        response = client.get(url)
        assert response.status_code == 302
        assert response["Location"].startswith(reverse("login"))


def test_list_is_newest_first_for_every_user(user_client, entries):
    response = user_client.get(reverse("audit:list"), {"steps": "on"})

    assert response.status_code == 200
    assert _listed(response) == [3, 2, 1]
    html = response.content.decode()
    assert "<caption>Audit entries, newest first</caption>" in html
    assert "VM powered off" in html
    assert '<span class="badge badge-deleted">refused</span>' in html
    assert '<span class="badge badge-on">succeeded</span>' in html


@pytest.mark.parametrize(
    ("query", "expected"),
    [
        ({"actor": "BOB"}, [3, 1]),
        ({"action": "group.create"}, [2]),
        ({"outcome": "failed"}, [3]),
        ({"target": "web1"}, [1]),
        ({"target": "12"}, [3]),
        ({"q": "kernel upgrade"}, [1]),  # in the parameters
        ({"q": "may not create"}, [2]),  # in the API error
        ({"q": "req-eve"}, [2]),  # request id
        ({"operation": "op-123"}, [3, 2]),
        ({"request": "req-bob00000001"}, [3, 1]),
        ({"target_type": "vm", "target_id": "11"}, [1]),
        ({"actor": "bob", "outcome": "succeeded"}, [1]),
        ({"q": "nothing like this"}, []),
    ],
)
def test_filters(user_client, entries, query, expected):
    response = user_client.get(reverse("audit:list"), {**query, "steps": "on"})

    assert _listed(response) == expected


def test_an_operation_reads_as_its_start_and_end_with_its_steps_folded(user_client, entries):
    """The default listing is a log of decisions: an operation's steps (2 and 3 here, and
    the calls they made) are folded under its finish entry, one click away, and stay in the
    chain and in a listing that asks for them."""
    bob = Actor(user_id=2, username="bob", ip="198.51.100.7", request_id="req-bob00000001")
    for action, outcome in (
        (Action.OPERATION_START, Outcome.STARTED),
        (Action.OPERATION_FINISH, Outcome.SUCCEEDED),
    ):
        record(
            actor=bob,
            action=action,
            outcome=outcome,
            target=Target.vm(12, "db1", "demo", "db"),
            operation_id="op-123",
        )

    folded = user_client.get(reverse("audit:list"))

    assert _listed(folded) == [5, 4, 1]
    html = folded.content.decode()
    assert 'href="/audit/?operation=op-123">2 step entries</a>' in html
    assert _listed(user_client.get(reverse("audit:list"), {"operation": "op-123"})) == [5, 4, 3, 2]
    assert _listed(user_client.get(reverse("audit:list"), {"steps": "on"})) == [5, 4, 3, 2, 1]
    history = entries_for_target("vm", 12)
    assert [entry.seq for entry in history] == [5, 4]


def test_date_range_is_inclusive_in_utc(user_client, entries):
    today = dt.datetime.now(dt.UTC).date()
    day = dt.timedelta(days=1)

    def listed(**dates):
        query = {k: v.isoformat() for k, v in dates.items()}
        return _listed(user_client.get(reverse("audit:list"), {**query, "steps": "on"}))

    assert listed(date_from=today, date_to=today) == [3, 2, 1]
    assert listed(date_from=today + day) == []
    assert listed(date_to=today - day) == []


def test_invalid_filters_show_errors_not_results(user_client, entries):
    response = user_client.get(
        reverse("audit:list"), {"date_from": "2026-02-30", "action": "vm.nope"}
    )

    assert response.status_code == 200
    assert response.context["page"] is None
    assert "Enter a valid date." in response.content.decode()


def test_empty_state(user_client, db):
    response = user_client.get(reverse("audit:list"))

    assert "No audit entries match these filters." in response.content.decode()


def test_keyset_pages_are_stable_while_entries_arrive(user_client, db):
    append_many(sample_rows(120))
    first = user_client.get(reverse("audit:list"))
    assert _listed(first) == list(range(120, 70, -1))
    assert first.context["newer_query"] == ""
    assert first.context["older_query"] == "before=71"

    append_many(sample_rows(10))  # new entries arrive at the top
    second = user_client.get(reverse("audit:list") + "?before=71")
    assert _listed(second) == list(range(70, 20, -1))
    assert second.context["newer_query"] == "after=70"

    newer = user_client.get(reverse("audit:list") + "?after=70")
    assert _listed(newer) == list(range(120, 70, -1))  # exactly the first page again
    assert newer.context["newer_query"] == "after=120"

    last = user_client.get(reverse("audit:list") + "?before=21")
    assert _listed(last) == list(range(20, 0, -1))
    assert last.context["older_query"] == ""


def test_pagination_and_export_links_keep_the_filters(user_client, db):
    append_many(sample_rows(200, outcome="failed"))

    response = user_client.get(reverse("audit:list"), {"outcome": "failed", "q": "web1"})

    assert response.context["older_query"].startswith("outcome=failed&q=web1&before=")
    html = response.content.decode()
    assert 'href="/audit/export.csv?outcome=failed&amp;q=web1"' in html
    assert 'href="/audit/export.jsonl?outcome=failed&amp;q=web1"' in html


def test_detail_shows_everything(user_client, entries):
    response = user_client.get(reverse("audit:detail", args=[1]))

    html = response.content.decode()
    entry = response.context["entry"]
    assert entry.entry_hash in html and entry.prev_hash in html
    assert "&quot;reason&quot;: &quot;kernel upgrade&quot;" in html
    assert "&quot;power_on&quot;: false" in html
    assert "req-bob00000001" in html
    assert user_client.get(reverse("audit:detail", args=[99])).status_code == 404


def test_human_time_is_utc(user_client, entries, settings):
    settings.TIME_ZONE = "Europe/London"
    entry = user_client.get(reverse("audit:detail", args=[1])).context["entry"]

    html = user_client.get(reverse("audit:list")).content.decode()

    assert entry.created_at.astimezone(dt.UTC).strftime("%Y-%m-%d %H:%M:%S UTC") in html


def test_read_only_no_post(user_client, entries):
    for url in (reverse("audit:list"), reverse("audit:detail", args=[1])):
        assert user_client.post(url).status_code == 405
    assert user_client.delete(reverse("audit:detail", args=[1])).status_code == 405


def test_csv_export_of_the_filtered_set(user_client, entries):
    response = user_client.get(
        reverse("audit:export", kwargs={"fmt": "csv"}), {"actor": "bob", "steps": "on"}
    )

    assert response.streaming
    assert response["Content-Disposition"].startswith('attachment; filename="audit-')
    rows = list(csv.DictReader(io.StringIO(b"".join(response.streaming_content).decode())))
    assert [r["seq"] for r in rows] == ["3", "1"]
    assert json.loads(rows[1]["params"]) == {"force": True, "reason": "kernel upgrade"}
    assert rows[1]["api_status"] == "200"
    assert rows[0]["api_status"] == ""


def test_jsonl_export_of_the_filtered_set(user_client, entries):
    response = user_client.get(
        reverse("audit:export", kwargs={"fmt": "jsonl"}), {"operation": "op-123"}
    )

    assert response["Content-Type"] == "application/x-ndjson"
    lines = b"".join(response.streaming_content).decode().splitlines()
    records = [json.loads(line) for line in lines]
    assert [r["seq"] for r in records] == [3, 2]
    assert records[1]["api_error"] == "You may not create groups"
    assert records[1]["created_at"].endswith("+00:00")


def test_export_with_invalid_filters_is_a_bad_request(user_client, entries):
    url = reverse("audit:export", kwargs={"fmt": "csv"})
    assert user_client.get(url, {"date_to": "soon"}).status_code == 400


def test_csv_cells_cannot_become_formulas(user_client, db, actor):
    for name in ('=HYPERLINK("http://x")', "+1", "-2", "@SUM(A1)"):
        record(
            actor=actor,
            action=Action.VM_RENAME,
            outcome=Outcome.SUCCEEDED,
            target=Target("vm", "1", name),
        )

    response = user_client.get(reverse("audit:export", kwargs={"fmt": "csv"}))

    rows = list(csv.DictReader(io.StringIO(b"".join(response.streaming_content).decode())))
    assert [r["target_label"] for r in rows] == [
        "'@SUM(A1)",
        "'-2",
        "'+1",
        '\'=HYPERLINK("http://x")',
    ]


def test_hostile_vm_name_is_stored_exactly_and_renders_inert(user_client, db, actor):
    record(
        actor=actor,
        action=Action.VM_RENAME,
        outcome=Outcome.FAILED,
        target=Target.vm(7, EVIL, "demo", "web"),
        params={"name": EVIL},
        api_error=f"name {EVIL} is invalid",
    )
    assert entries_for_target("vm", 7)[0].target_label == f"{EVIL} in demo/web"

    pages = [
        user_client.get(reverse("audit:list")).content.decode(),
        user_client.get(reverse("audit:detail", args=[1])).content.decode(),
        render_to_string("audit/_history.html", {"entries": entries_for_target("vm", 7)}),
        render_to_string("audit/_entries_table.html", {"entries": entries_for_operation("")}),
    ]
    for html in pages:
        assert "<script>alert(1)" not in html
        assert "&lt;script&gt;alert(1)&lt;/script&gt;" in html
        assert "\x1b" not in html
        assert "\u202e" not in html
        assert "\u241b" in html  # ␛
    assert "\u2424" in pages[0]  # ␤: the newline is drawn, not obeyed
    jsonl = b"".join(
        user_client.get(reverse("audit:export", kwargs={"fmt": "jsonl"})).streaming_content
    )
    assert b"\x1b" not in jsonl
    assert json.loads(jsonl)["target_label"] == f"{EVIL} in demo/web"


def test_history_fragment(db, entries):
    html = render_to_string("audit/_history.html", {"entries": entries_for_target("vm", 11)})

    assert "VM powered off" in html
    assert "/audit/?target_type=vm&amp;target_id=11" in html
    assert "No recorded actions yet." in render_to_string("audit/_history.html", {"entries": []})


def test_operation_entries_in_the_order_they_happened(db, entries):
    assert [e.step for e in entries_for_operation("op-123")] == ["create", "resize"]
    assert [e.seq for e in entries_for_target("vm", 11)] == [1]
