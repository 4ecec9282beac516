"""The rule table: for every URL pattern, what each role gets from a GET and from a POST.

Keyed by URL name (or, for unnamed patterns, the route). ``test_authorization_matrix`` fails
for a URL without an entry here: a new view must say who may use it. Path parameters are
filled from the demo world (``values`` in the test): account ``demo``, group ``web``, VM
``web1``, web1's second disc and additional IP, an operation and a batch started by a
teammate, an audit entry; ``params`` overrides them for one URL.

POST bodies are valid (the owner's request succeeds) unless the entry says otherwise, so
that a refusal is BigV's (or the panel's) decision about the person, not about the input.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass, field
from typing import Any

from panel.simulator.seed import DEMO_VMS
from tests.security.policies import BigV, Own, Policy, Public, Seen, Staff, Stops, Team

Data = dict[str, Any] | Callable[[dict[str, str]], dict[str, Any]]


@dataclass(frozen=True)
class Rule:
    get: Policy
    post: Policy
    data: Data = field(default_factory=dict)
    params: dict[str, str] = field(default_factory=dict)
    htmx: bool = False  # the URL serves fragments to htmx: ask as htmx does
    why: str = ""


NOT_ALLOWED = Team(405)
# A GET of a direct VM action: the no-JavaScript confirmation page (200, for destructive
# actions) or a redirect back to the VM page — no BigV call either way; the POST decides.
CONFIRM, BACK = Team(200), Team(302)
VM_WRITE = BigV("vm:web1", "manage", 302)  # a direct action: the VM is read first
VM_LIFECYCLE = BigV("vm:web1", "lifecycle", 302)
VM_READ = BigV("vm:web1", "read", 200)
# A change planned before it starts: the form and its plan need the level; refused from the
# kept scope, before any call.
VM_FORM = BigV("vm:web1", "manage", 200, ok_api="reads", refusal_api="none")
# A form the VM page opens on demand (rename, CD-ROM, keymap, send keys): its own page, or
# the form for htmx — decided from the kept scope, no call.
OPENS = BigV("vm:web1", "manage", 200, ok_api="none", refusal_api="none")
# The panel's rows about web1 (a teammate's operation) and web2 (a teammate's batch).
OP_PAGE, BATCH_PAGE = Seen("vm:web1", 200), Seen("vm:web2", 200)
GRACE = {"action": "plan", "grace_seconds": 60}
SSH_KEY = "ssh-ed25519 AAAAC3NzaC1lZDI1NTE5AAAAIOMqqnkVzrm0SdG6UOoqKLsabgH5C9okWi0dh2l9GKJl m@x"
# The seeded backup and schedule of web1's first disc (panel.simulator.seed: web1's discs are
# the first seeded, the backup is taken after every seeded disc).
_SEEDED_DISCS = sum(len(discs) for *_, discs, _image, _on in DEMO_VMS)
BACKUP = {"disc": "1", "backup": str(_SEEDED_DISCS + 1), "schedule": "1"}
SCHEDULE = {"frequency": "daily", "start_date": "2030-01-01", "start_time": "00:00", "keep": 3}


def _vm(values: dict[str, str], **data: Any) -> dict[str, Any]:
    """A VM action's body: the id the page showed rides along, as the page sends it."""
    return {"vm_id": values["web1_id"], **data}


def _vm_action(**data: Any) -> Callable[[dict[str, str]], dict[str, Any]]:
    return lambda values: _vm(values, **data)


def _staff(get: int, post: int) -> Rule:
    return Rule(get=Staff(get), post=Staff(post))


ADMIN: dict[str, Rule] = {
    "admin:index": _staff(200, 200),
    "admin:logout": Rule(get=Staff(405), post=Staff(302), why="logs the superuser out"),
    "admin:password_change": _staff(200, 200),
    "admin:password_change_done": _staff(200, 405),
    "admin:autocomplete": _staff(403, 405),  # without a model and field: refused
    "admin:jsi18n": _staff(200, 405),
    "admin:view_on_site": _staff(404, 404),  # users have no page of their own
    "admin:app_list": _staff(200, 200),
    "admin/(?P<url>.*)$": _staff(404, 404),  # an unknown admin path
    "admin:auth_user_password_change": _staff(200, 200),
    "admin:audit_auditentry_add": _staff(403, 403),  # the audit trail is append-only
    "admin:audit_auditentry_delete": _staff(403, 403),
    "admin:audit_auditentry_change": _staff(200, 403),  # view only
}
for _model in ("auth_group", "auth_user", "audit_auditentry"):
    ADMIN.setdefault(f"admin:{_model}_changelist", _staff(200, 200))
    ADMIN.setdefault(f"admin:{_model}_add", _staff(200, 200))  # empty POST: form errors
    ADMIN.setdefault(f"admin:{_model}_history", _staff(200, 200))
    ADMIN.setdefault(f"admin:{_model}_delete", _staff(200, 200))  # empty POST: the question
    ADMIN.setdefault(f"admin:{_model}_change", _staff(200, 200))  # empty POST: form errors
    _app, _name = _model.split("_", 1)
    ADMIN[f"admin/{_app}/{_name}/<path:object_id>/"] = _staff(302, 302)  # → its change page


RULES: dict[str, Rule] = {
    **ADMIN,
    # --- no login needed --------------------------------------------------------------------
    "healthz": Rule(get=Public(200, api="reads"), post=Public(405)),
    "login": Rule(get=Public(200), post=Public(200), why="empty POST: the form's errors"),
    "admin_login": Rule(get=Public(302), post=Public(405), why="to the one throttled login"),
    "admin:login": Rule(get=Public(302), post=Public(405), why="shadowed by admin_login"),
    # --- the panel's own pages (the team shares them) ---------------------------------------
    "logout": Rule(get=NOT_ALLOWED, post=Team(302)),
    "password_change": Rule(get=Team(200), post=Team(200), why="empty POST: errors"),
    "audit:list": Rule(get=Team(200), post=NOT_ALLOWED, why="each sees what concerns them"),
    # The entry is someone's failed login: about no object, only superusers and auditors.
    "audit:detail": Rule(get=Seen("", 200), post=NOT_ALLOWED),
    "audit:export": Rule(get=Team(200), post=NOT_ALLOWED),
    "credentials:connection": Rule(get=Team(200), post=NOT_ALLOWED),
    "credentials:connect_api_key": Rule(get=NOT_ALLOWED, post=Team(200), why="empty form"),
    "credentials:connect_password": Rule(get=NOT_ALLOWED, post=Team(200), why="empty form"),
    "credentials:check": Rule(get=NOT_ALLOWED, post=Team(302, api="reads"), why="own key"),
    "credentials:disconnect": Rule(get=Team(200), post=Team(302), why="one's own only"),
    # The SSH keys of one's own BigV user (panel.console): the auditor changes none.
    "console:ssh_keys": Rule(get=Team(200, api="reads"), post=NOT_ALLOWED),
    "console:ssh_key_add": Rule(get=NOT_ALLOWED, post=Own(302), data={"key": SSH_KEY}),
    "console:ssh_key_delete": Rule(
        get=Team(200), post=Own(400, api="reads"), data={"key": "0" * 32}, why="no such key"
    ),
    # The console key follows the console, which every role may open where BigV allows.
    "console:key_create": Rule(get=Team(200), post=Team(302, api="write")),
    "console:key_remove": Rule(get=Team(200), post=Team(302), why="nobody has one: no call"),
    "console:ticket": Rule(
        get=NOT_ALLOWED, post=BigV("vm:web1", "console", 200, ok_api="reads", refusal_api="none")
    ),
    "home": Rule(get=Team(200, api="reads"), post=NOT_ALLOWED, why="each sees own accounts"),
    "accounts:all_vms": Rule(get=Team(200, api="reads"), post=NOT_ALLOWED),
    # The table as a file: each person's own read, so only what their BigV user sees.
    "accounts:all_vms_export": Rule(
        get=Team(200, api="reads"), post=NOT_ALLOWED, params={"fmt": "csv"}
    ),
    # The header's search; without a search term it asks BigV nothing.
    "accounts:quick_jump": Rule(get=Team(200), post=NOT_ALLOWED),
    # One's own notification settings and delivery log (an empty POST turns everything off).
    "notifications:settings": Rule(get=Team(200), post=Team(302), why="one's own only"),
    "notifications:signing_secret": Rule(get=NOT_ALLOWED, post=Team(200), why="one's own"),
    "notifications:test": Rule(get=NOT_ALLOWED, post=Team(302), why="to oneself only"),
    # --- operations: each sees what concerns a VM their BigV user can see -----------------
    "operations:list": Rule(get=Team(200), post=NOT_ALLOWED),
    "operations:list_table": Rule(get=Team(200), post=NOT_ALLOWED, htmx=True),
    "operations:running": Rule(get=Team(200), post=NOT_ALLOWED, htmx=True),
    "operations:detail": Rule(get=OP_PAGE, post=NOT_ALLOWED),
    "operations:progress": Rule(get=OP_PAGE, post=NOT_ALLOWED, htmx=True),
    "operations:cancel": Rule(get=OP_PAGE, post=Stops("vm:web1", 302)),
    "vm_changes:batch_new": Rule(get=Team(200), post=Team(400), why="empty: no API call"),
    "operations:batch": Rule(get=BATCH_PAGE, post=NOT_ALLOWED),
    "operations:batch_progress": Rule(get=BATCH_PAGE, post=NOT_ALLOWED, htmx=True),
    "operations:batch_stop": Rule(get=NOT_ALLOWED, post=Stops("vm:web2", 302)),
    # Streams need the ASGI server; the WSGI test client is told so (ASGI: tests/activity).
    "operations:team_events": Rule(get=Team(503), post=NOT_ALLOWED),
    "operations:events": Rule(get=Team(503), post=NOT_ALLOWED),
    "operations:batch_events": Rule(get=Team(503), post=NOT_ALLOWED),
    # Operation forms: the POST is the plan step — it reads the VM, writes nothing.
    "vm_changes:spec_change": Rule(
        get=VM_FORM, post=VM_FORM, data={"action": "plan", "cores": 4, "grace_seconds": 60}
    ),
    "vm_changes:move": Rule(
        get=BigV("vm:db1", "lifecycle", 200, ok_api="reads", refusal_api="none"),
        post=BigV("vm:db1", "lifecycle", 200, ok_api="reads", refusal_api="none"),
        data={**GRACE, "target_group": "web", "choice_group": ["web", "db"]},
        params={"group": "db", "vm": "db1"},
        why="db1 into web: group_admin needed on both",
    ),
    "vm_changes:reimage": Rule(
        get=VM_FORM,
        post=VM_FORM,
        data={
            **GRACE,
            "distribution": "bookworm",
            "root_password": "Pw-7c1f-9a2e-x",
            "confirm_name": "web1",
        },
    ),
    "vm_changes:restore": Rule(
        get=VM_FORM, post=VM_FORM, data={**GRACE, "understood": "on"}, params=BACKUP
    ),
    "vm_changes:graceful_restart": Rule(get=VM_FORM, post=VM_FORM, data=GRACE),
    # Two VMs: web1 with web2 (group_admin on web covers both); the POST is the plan step.
    "vm_changes:ip_swap": Rule(get=VM_FORM, post=VM_FORM, data={**GRACE, "partner": "web/web2"}),
    "vm_changes:disc_move": Rule(get=VM_FORM, post=VM_FORM, data={**GRACE, "partner": "web/web2"}),
    # Purge every VM of a group, then delete it: account_admin; the POST queues a batch
    # (the worker writes), so the request itself only reads.
    "vm_changes:group_teardown": Rule(
        get=BigV("account:demo", "administer", 200, ok_api="reads", refusal_api="none"),
        post=BigV("account:demo", "administer", 302, ok_api="reads", refusal_api="none"),
        data={"confirm_name": "spare"},
        params={"group": "spare"},
    ),
    "vm_changes:graceful_shutdown": Rule(get=VM_FORM, post=VM_FORM, data=GRACE),
    "vm_changes:create_vm": Rule(
        get=BigV("group:web", "lifecycle", 200, ok_api="reads", refusal_api="none"),
        post=BigV("group:web", "lifecycle", 400, ok_api="none", refusal_api="none"),
        why="a group where one may create VMs; an empty POST is refused before any call",
    ),
    # --- a VM and its direct actions ----------------------------------------------------
    "vms:detail": Rule(get=VM_READ, post=NOT_ALLOWED),
    # By id: BigV is asked where web1 is now, and the page there is where it leads.
    "vms:by_id": Rule(get=BigV("vm:web1", "read", 302), post=NOT_ALLOWED),
    "vms:panel": Rule(get=BigV("vm:web1", "read", 200), post=NOT_ALLOWED, htmx=True),
    # The sections below the panel, when they come into view.
    "vms:lower": Rule(get=BigV("vm:web1", "read", 200), post=NOT_ALLOWED, htmx=True),
    "vms:start": Rule(get=BACK, post=VM_WRITE, data=_vm_action()),
    "vms:stop": Rule(get=CONFIRM, post=VM_WRITE, data=_vm_action()),
    "vms:reboot": Rule(get=BACK, post=VM_WRITE, data=_vm_action()),
    "vms:powerdown": Rule(get=BACK, post=VM_WRITE, data=_vm_action()),
    "vms:reset": Rule(get=CONFIRM, post=VM_WRITE, data=_vm_action()),
    "vms:sendkey": Rule(
        get=OPENS, post=VM_WRITE, data=_vm_action(key1="ctrl", key2="alt", key3="delete")
    ),
    "vms:rename": Rule(get=OPENS, post=VM_WRITE, data=_vm_action(name="web1-renamed")),
    "vms:cdrom": Rule(
        get=OPENS, post=VM_WRITE, data=_vm_action(url="https://cdimage.example/netinst.iso")
    ),
    "vms:keymap": Rule(get=OPENS, post=VM_WRITE, data=_vm_action(keymap="en-gb")),
    "vms:hardware_profile_lock": Rule(get=BACK, post=VM_WRITE, data=_vm_action(value="true")),
    "vms:autoreboot": Rule(get=BACK, post=VM_WRITE, data=_vm_action(value="false")),
    "vms:disc_create": Rule(
        get=BACK, post=VM_WRITE, data=_vm_action(size_gib=10, storage_grade="sata", label="x")
    ),
    "vms:disc_resize": Rule(
        get=BACK, post=VM_WRITE, data=_vm_action(size_gib=60, current_size=51200)
    ),
    "vms:disc_delete": Rule(get=CONFIRM, post=VM_WRITE, data=_vm_action()),
    "vms:backups": Rule(get=VM_READ, post=NOT_ALLOWED),
    "vms:backup_create": Rule(get=BACK, post=VM_WRITE, data=_vm_action()),
    "vms:backup_delete": Rule(get=CONFIRM, post=VM_WRITE, data=_vm_action(), params=BACKUP),
    "vms:backup_schedule_create": Rule(
        get=Team(200), post=VM_WRITE, data=_vm_action(**SCHEDULE), why="GET: the form alone"
    ),
    "vms:backup_schedule_delete": Rule(
        get=CONFIRM, post=VM_WRITE, data=_vm_action(), params=BACKUP
    ),
    "vms:ip_rdns": Rule(get=VM_READ, post=VM_WRITE, data=_vm_action(rdns="web1.example.org")),
    "vms:ip_add": Rule(
        get=BACK, post=VM_WRITE, data=_vm_action(count=1, family="ipv4", reason="TLS site")
    ),
    # GET: the typed confirmation's own page (no JavaScript); the POST types the address.
    "vms:ip_delete": Rule(
        get=CONFIRM, post=VM_WRITE, data=lambda v: _vm(v, confirm_address=v["address"])
    ),
    "vms:rescue": Rule(get=CONFIRM, post=VM_WRITE, data=_vm_action()),
    "vms:rescue_leave": Rule(get=CONFIRM, post=VM_WRITE, data=_vm_action()),
    "vms:delete": Rule(get=CONFIRM, post=VM_LIFECYCLE, data=_vm_action()),
    "vms:undelete": Rule(get=BACK, post=VM_LIFECYCLE, data=_vm_action()),
    "vms:purge": Rule(get=BACK, post=VM_LIFECYCLE, data=_vm_action(confirm_name="web1")),
    # --- accounts and groups ----------------------------------------------------------
    "accounts:account": Rule(get=BigV("account:demo", "read", 200), post=NOT_ALLOWED),
    "accounts:group_create": Rule(
        get=Team(200),
        post=BigV("account:demo", "administer", 302, refusal_api="none"),
        data={"name": "newgroup"},
    ),
    "accounts:group": Rule(get=BigV("group:web", "read", 200), post=NOT_ALLOWED),
    "accounts:group_export": Rule(
        get=BigV("group:web", "read", 200), post=NOT_ALLOWED, params={"fmt": "json"}
    ),
    "accounts:group_rename": Rule(
        get=Team(200),
        post=BigV("account:demo", "administer", 302, refusal_api="none"),
        data={"name": "web-renamed"},
    ),
    "accounts:group_delete": Rule(
        get=Team(200),
        post=BigV("account:demo", "administer", 302, refusal_api="none"),
        params={"group": "spare"},
    ),
}


# --- BigV privileges ("Access") and one's own API keys (panel.grants) ---------------------
# Privileges of the demo world by id (panel.simulator.seed grants them in this order): 3 is
# viewer's vm_console on web1, 5 webadmin's group_admin on web; API key 1 is demo's demo-cli.
# Granting, revoking or changing needs a level above the privilege's (docs/bigv-api.md §10):
# on a VM vm_admin ("manage") for vm_console, on a group account_admin ("administer").
_DEMO_OWNS = frozenset({"accountadmin", "owner"})  # BigV user demo (the auditor changes nothing)
_OWN_KEY = {"key": "1"}
RULES.update(
    {
        "grants:account": Rule(get=BigV("account:demo", "read", 200), post=NOT_ALLOWED),
        "grants:group": Rule(get=BigV("group:web", "read", 200), post=NOT_ALLOWED),
        "grants:vm": Rule(get=VM_READ, post=NOT_ALLOWED),
        "grants:group_grant": Rule(
            get=BigV("group:web", "administer", 200, ok_api="none", refusal_api="none"),
            post=BigV("group:web", "administer", 302, refusal_api="none"),
            data={"action": "grant", "username": "viewer", "level": "group_admin"},
        ),
        "grants:group_revoke": Rule(
            get=BigV("group:web", "administer", 200, ok_api="reads", refusal_api="none"),
            post=BigV("group:web", "administer", 302, refusal_api="none"),
            params={"privilege": "5"},
        ),
        "grants:group_yubikey": Rule(
            get=BigV("group:web", "administer", 200, ok_api="reads", refusal_api="none"),
            post=BigV("group:web", "administer", 302, refusal_api="none"),
            data={"required": "true"},
            params={"privilege": "5"},
        ),
        "grants:vm_grant": Rule(
            get=BigV("vm:web1", "manage", 200, ok_api="none", refusal_api="none"),
            post=BigV("vm:web1", "manage", 302, refusal_api="none"),
            data={"action": "grant", "username": "webadmin", "level": "vm_console"},
        ),
        "grants:vm_revoke": Rule(
            get=BigV("vm:web1", "manage", 200, ok_api="reads", refusal_api="none"),
            post=BigV("vm:web1", "manage", 302, refusal_api="none"),
            params={"privilege": "3"},
        ),
        "grants:vm_yubikey": Rule(
            get=BigV("vm:web1", "manage", 200, ok_api="reads", refusal_api="none"),
            post=BigV("vm:web1", "manage", 302, refusal_api="none"),
            data={"required": "true"},
            params={"privilege": "3"},
        ),
        "grants:api_keys": Rule(get=Team(200, api="reads"), post=NOT_ALLOWED, htmx=True),
        "grants:api_key_create": Rule(
            get=NOT_ALLOWED, post=Own(201), data={"label": "matrix"}, why="one's own BigV user"
        ),
        "grants:api_key_delete": Rule(
            get=Own(200, api="reads", owners=_DEMO_OWNS),
            post=Own(302, owners=_DEMO_OWNS),
            params=_OWN_KEY,
            why="demo's key: found by demo's people only",
        ),
    }
)
