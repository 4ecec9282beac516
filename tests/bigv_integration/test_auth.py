"""The auth service and the privilege rules through the real client (docs/bigv-api.md §3:
sessions, their lifetime and failures; §5.2 and §10: privileges and visibility)."""

from __future__ import annotations

import json

import pytest

from panel.bigv import (
    AuthError,
    BadCredentials,
    DiscSpec,
    Forbidden,
    NotFound,
    SecondFactorRejected,
    SecondFactorRequired,
    Unauthorized,
    VirtualMachineSpec,
)
from tests.bigv_integration.conftest import Control, Sim

# ---- sessions ----------------------------------------------------------------------------


def test_create_session_and_use_it(bsim: Sim, ctl: Control) -> None:
    auth = bsim.auth()
    since = ctl.last_seq()
    token = auth.create_session(username="demo", password="demo-password")
    assert token and not token.startswith("apikey.")
    info = auth.session(token)
    assert info.username == "demo" and info.factors == ("password",)
    assert info.group_memberships == ()
    assert bsim.client(token).accounts()[0].name == "demo"
    logged = [(r["service"], r["method"], r["path"], r["status"]) for r in ctl.requests(since)]
    assert logged == [
        ("auth", "POST", "/auth/session", 200),
        ("auth", "GET", "/auth/session/{token}", 200),  # the log never holds the token
        ("brain", "GET", "/accounts", 200),
    ]
    assert ctl.requests(since)[2]["user"] == "demo"
    assert token not in json.dumps(ctl.requests(since))


def test_bad_password_and_unknown_user(bsim: Sim) -> None:
    auth = bsim.auth()
    with pytest.raises(BadCredentials) as exc:
        auth.create_session(username="demo", password="wrong")
    assert exc.value.status == 401 and "Bad login credentials" in exc.value.body
    assert isinstance(exc.value, AuthError) and isinstance(exc.value, Unauthorized)
    assert "wrong" not in str(exc.value) + repr(exc.value)
    with pytest.raises(BadCredentials):
        auth.create_session(username="nobody", password="demo-password")


def test_second_factor_flow(bsim: Sim) -> None:
    auth = bsim.auth()
    with pytest.raises(SecondFactorRequired) as exc:
        auth.create_session(username="secure", password="secure-password")
    assert exc.value.status == 401 and "Missing 2FA" in exc.value.body

    token = auth.create_session(
        username="secure", password="secure-password", second_factor="123456"
    )
    info = auth.session(token)
    assert info.username == "secure" and "2fa" in info.factors and "password" in info.factors
    assert bsim.client(token).account("demo").name == "demo"

    with pytest.raises(SecondFactorRejected) as rejected:
        auth.create_session(username="secure", password="secure-password", second_factor="000000")
    assert "Authentication failed" in rejected.value.body
    # A wrong password still reads as bad credentials, even with a code.
    with pytest.raises(BadCredentials):
        auth.create_session(username="secure", password="nope", second_factor="123456")
    # A well-formed yubikey OTP is a second factor too.
    otp = "cccccccbtbhnrnfcgbbgbvvhjnigllljkbvjvdlkijhc"
    yubi = auth.create_session(username="secure", password="secure-password", yubikey=otp)
    assert "yubikey" in auth.session(yubi).factors


def test_session_validates_and_unknown_token_is_unauthorized(bsim: Sim) -> None:
    auth = bsim.auth()
    with pytest.raises(Unauthorized) as exc:
        auth.session("0123456789abcdef")
    assert exc.value.status == 404  # GET /session/{token} -> 404, mapped to Unauthorized
    assert "0123456789abcdef" not in str(exc.value) + repr(exc.value) + exc.value.path


def test_sliding_expiry(bsim: Sim, ctl: Control) -> None:
    auth = bsim.auth()
    token = auth.create_session(username="demo", password="demo-password", validity=300)
    brain = bsim.client(token)
    ctl.advance(299)
    assert brain.account("demo").name == "demo"  # still valid; the expiry slides to +300
    ctl.advance(299)
    assert brain.account("demo").name == "demo"  # ok only because it slid
    assert auth.session(token).username == "demo"
    ctl.advance(301)  # idle for longer than the slide
    with pytest.raises(Unauthorized) as exc:
        brain.account("demo")
    assert exc.value.status == 401
    with pytest.raises(Unauthorized):
        auth.session(token)


def test_session_validity_is_clamped_and_checked_by_session(bsim: Sim, ctl: Control) -> None:
    auth = bsim.auth()
    token = auth.create_session(username="demo", password="demo-password", validity=7200)
    ctl.advance(3500)
    assert auth.session(token).username == "demo"  # slides to +300 from here
    ctl.advance(301)
    with pytest.raises(Unauthorized):
        auth.session(token)
    # A token that was never used on the brain keeps its requested validity (1800 s).
    token = auth.create_session(username="demo", password="demo-password")
    ctl.advance(1700)
    assert bsim.client(token).accounts()


# ---- privileges through the client -------------------------------------------------------


def test_viewer_reads_web1_but_cannot_write(bsim: Sim) -> None:
    viewer = bsim.user("viewer")
    web1 = viewer.vm("demo", "web", "web1")
    assert web1.name == "web1"
    # The account and group holding its VM are readable, with only that VM inside.
    (account,) = viewer.accounts(overview=True)
    assert [(g.name, [v.name for v in g.virtual_machines]) for g in account.groups] == [
        ("web", ["web1"])
    ]
    assert [vm.name for vm in viewer.vms("demo", "web")] == ["web1"]
    with pytest.raises(Forbidden) as exc:
        viewer.vm_update("demo", "web", "web1", cores=4)
    assert exc.value.status == 403
    for write in (
        lambda: viewer.vm_stop("demo", "web", "web1"),
        lambda: viewer.vm_signal("demo", "web", "web1", "reset"),
        lambda: viewer.disc_resize("demo", "web", "web1", "disc-1", size=30000),
    ):
        with pytest.raises(Forbidden):
            write()
    # web2 is invisible: 404 for reads and writes alike.
    with pytest.raises(NotFound):
        viewer.vm("demo", "web", "web2")
    with pytest.raises(NotFound):
        viewer.vm_update("demo", "web", "web2", cores=4)
    with pytest.raises(NotFound):
        viewer.group("demo", "db")
    assert bsim.user("demo").vm("demo", "web", "web1").cores == 2  # nothing changed


def test_webadmin_updates_vms_in_web_but_not_the_group(bsim: Sim) -> None:
    webadmin = bsim.user("webadmin")
    assert webadmin.vm_update("demo", "web", "web2", cores=4).cores == 4
    web4 = VirtualMachineSpec(name="web4", discs=(DiscSpec(size=2048),))
    assert webadmin.vm_create("demo", "web", web4).name == "web4"
    webadmin.vm_delete("demo", "web", "web4", purge=True)
    # Renaming (or deleting) the group itself needs account_admin: readable, so 403.
    with pytest.raises(Forbidden):
        webadmin.group_rename("demo", "web", name="www")
    with pytest.raises(Forbidden):
        webadmin.group_delete("demo", "web")
    with pytest.raises(Forbidden):
        webadmin.group_create("demo", name="mine")
    # Other groups are invisible.
    with pytest.raises(NotFound):
        webadmin.vm("demo", "db", "db1")
    assert [g.name for g in webadmin.groups("demo")] == ["web"]


def test_api_keys(bsim: Sim, ids: dict[str, int]) -> None:
    demo_key = bsim.client("apikey.demo-key")
    assert demo_key.accounts(overview=True, include_deleted=True)[0].name == "demo"
    assert demo_key.vm_update("demo", "db", "db2", memory=4096).memory == 4096

    viewer_key = bsim.client("apikey.viewer-key")
    assert viewer_key.vm_by_id(ids["web1"]).name == "web1"
    with pytest.raises(Forbidden):
        viewer_key.vm_stop("demo", "web", "web1")
    with pytest.raises(NotFound):
        viewer_key.vm("demo", "web", "web2")

    webadmin_key = bsim.client("apikey.webadmin-key")
    assert webadmin_key.vm_update("demo", "web", "web3", keymap="fr").keymap == "fr"
    with pytest.raises(Forbidden):
        webadmin_key.group_rename("demo", "web", name="www")

    with pytest.raises(Unauthorized):
        bsim.client("apikey.no-such-key").accounts()


def test_other_account_is_invisible(bsim: Sim) -> None:
    other = bsim.user("otheruser")
    assert [a.name for a in other.accounts()] == ["other"]
    assert [vm.name for vm in other.vms("other", "default")] == ["app1", "app2"]
    with pytest.raises(NotFound):
        other.vm("demo", "web", "web1")
    with pytest.raises(NotFound):
        bsim.user("demo").vms("other", "default")


def test_badly_formed_parameters_is_bad_credentials_400(bsim: Sim) -> None:
    with pytest.raises(BadCredentials) as exc:
        bsim.auth().create_session(username="demo", password="demo-password", validity=0)
    assert exc.value.status == 400 and "Badly-formed parameters" in exc.value.body
