"""The auth service and brain credentials (docs/bigv-api.md §3)."""

from __future__ import annotations

from tests.simulator.helpers import Client, Control, login

YUBIKEY_OTP = "cccccccbcjdifctrndncchkftchjlnbhvhtugdljibej"


def test_login_with_json_returns_a_plain_text_token(auth: Client) -> None:
    resp = auth.post(
        "/session",
        {"username": "demo", "password": "demo-password", "validity": "1800"},
        headers={"Accept": "text/plain"},
    )
    assert resp.status == 200
    assert resp.headers["content-type"].startswith("text/plain")
    token = resp.text
    assert len(token) >= 32 and token.strip() == token
    info = auth.get(f"/session/{token}").json()
    assert info == {"username": "demo", "factors": ["password"], "group_memberships": []}


def test_login_with_a_form_body(auth: Client) -> None:
    resp = auth.post(
        "/session",
        raw=b"username=demo&password=demo-password",
        headers={"Content-Type": "application/x-www-form-urlencoded"},
    )
    assert resp.status == 200 and resp.text


def test_login_failures_are_plain_text(auth: Client) -> None:
    wrong = auth.post("/session", {"username": "demo", "password": "nope"})
    assert (wrong.status, wrong.text) == (401, "Bad login credentials")
    assert wrong.headers["content-type"].startswith("text/plain")
    nobody = auth.post("/session", {"username": "ghost", "password": "x"})
    assert (nobody.status, nobody.text) == (401, "Bad login credentials")
    for bad in (
        {"username": "demo"},
        {"password": "x"},
        {"username": "demo", "password": "demo-password", "validity": "soon"},
    ):
        resp = auth.post("/session", bad)
        assert (resp.status, resp.text) == (400, "Badly-formed parameters")
    garbage = auth.post("/session", raw=b"{oops", headers={"Content-Type": "application/json"})
    assert (garbage.status, garbage.text) == (400, "Badly-formed parameters")


def test_two_factor_flow(auth: Client, sim) -> None:
    creds = {"username": "secure", "password": "secure-password", "validity": "1800"}
    first = auth.post("/session", creds)
    assert (first.status, first.text) == (401, "Missing 2FA")
    wrong = auth.post("/session", {**creds, "2fa": "000000"})
    assert (wrong.status, wrong.text) == (401, "Authentication failed")
    # The password is checked before the second factor is asked for.
    assert auth.post("/session", {**creds, "password": "bad"}).text == "Bad login credentials"
    ok = auth.post("/session", {**creds, "2fa": "123456"})
    assert ok.status == 200
    info = auth.get(f"/session/{ok.text}").json()
    assert info["username"] == "secure" and info["factors"] == ["password", "2fa"]
    assert Client(sim.api_url, ok.text).get("/accounts").status == 200


def test_yubikey_otp_is_a_second_factor(auth: Client) -> None:
    creds = {"username": "secure", "password": "secure-password"}
    ok = auth.post("/session", {**creds, "yubikey": YUBIKEY_OTP})
    assert ok.status == 200
    assert auth.get(f"/session/{ok.text}").json()["factors"] == ["password", "yubikey"]
    bad = auth.post("/session", {**creds, "yubikey": "not-an-otp"})
    assert (bad.status, bad.text) == (401, "Authentication failed")


def test_unknown_session_is_404(auth: Client) -> None:
    assert auth.get("/session/deadbeef").status == 404
    # The auth client's "//session" quirk (docs/bigv-api.md §2) still reaches the service.
    assert auth.get("//session/deadbeef").status == 404


def test_sliding_expiry_through_brain_requests(sim, ctl: Control) -> None:
    api = Client(sim.api_url, login(sim, "demo", "demo-password"))
    ctl.advance(299)
    assert api.get("/accounts").status == 200  # still valid, and extended to now + 300 s
    ctl.advance(299)
    assert api.get("/accounts").status == 200
    ctl.advance(301)
    resp = api.get("/accounts")
    assert resp.status == 401 and resp.json()["error"]


def test_sliding_expiry_through_session_reads(sim, auth: Client, ctl: Control) -> None:
    token = login(sim, "demo", "demo-password")
    ctl.advance(250)
    assert auth.get(f"/session/{token}").status == 200
    ctl.advance(250)  # 500 s after login, 250 s after the read
    assert Client(sim.api_url, token).get("/accounts").status == 200
    ctl.advance(301)
    assert auth.get(f"/session/{token}").status == 404


def test_requested_validity_is_clamped_to_an_hour(sim, ctl: Control) -> None:
    long = login(sim, "demo", "demo-password", validity="86400")
    medium = login(sim, "demo", "demo-password", validity=1800)
    ctl.advance(1700)
    assert Client(sim.api_url, medium).get("/accounts").status == 200
    ctl.advance(1850)  # 3550 s: both were extended only to now + 300 on use
    assert Client(sim.api_url, long).get("/accounts").status == 200
    assert Client(sim.api_url, medium).get("/accounts").status == 401
    ctl.advance(3601)
    assert Client(sim.api_url, long).get("/accounts").status == 401


def test_api_keys_authenticate_directly(sim, demo_key: Client, ctl: Control) -> None:
    assert demo_key.get("/accounts").status == 200
    ctl.advance(10_000)  # API keys do not slide or expire by idleness
    assert demo_key.get("/accounts").status == 200
    assert demo_key.with_token("apikey.wrong").get("/accounts").status == 401
    assert demo_key.with_token("apikey.").get("/accounts").status == 401


def test_expired_api_key_is_refused(demo: Client, sim) -> None:
    created = demo.post("/api_keys", {"label": "old", "expires_at": "2001-01-01T00:00:00Z"}).json()
    assert Client(sim.api_url, "apikey." + created["api_key"]).get("/accounts").status == 401


def test_control_can_expire_sessions(sim, ctl: Control) -> None:
    demo = Client(sim.api_url, login(sim, "demo", "demo-password"))
    viewer = Client(sim.api_url, login(sim, "viewer", "viewer-password"))
    assert ctl.post("/sessions/expire", {"username": "demo"}).json() == {"expired": 1}
    assert demo.get("/accounts").status == 401
    assert viewer.get("/accounts").status == 200
    ctl.post("/sessions/expire", {})
    assert viewer.get("/accounts").status == 401


def test_control_can_mint_a_session(sim, ctl: Control) -> None:
    token = ctl.post("/sessions", {"username": "webadmin"}).json()["token"]
    assert Client(sim.auth_url).get(f"/session/{token}").json()["username"] == "webadmin"


def test_logout_forgets_the_token(sim, auth: Client) -> None:
    token = login(sim, "demo", "demo-password")
    assert auth.delete(f"/session/{token}").status == 204
    assert Client(sim.api_url, token).get("/accounts").status == 401


def test_tokens_never_reach_the_request_log(sim, auth: Client, ctl: Control) -> None:
    token = login(sim, "demo", "demo-password")
    auth.get(f"/session/{token}")
    Client(sim.api_url, token).get("/accounts")
    Client(sim.api_url, "apikey.demo-key").get("/accounts")
    log = ctl.get("/requests?since=0").text
    assert token not in log and "demo-key" not in log and "demo-password" not in log
