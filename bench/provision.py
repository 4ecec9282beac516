"""Panel users for the benchmark, run inside the stack's Django (``python -m bench.provision``).

Reads ``{"users": [{"username", "password"?, "api_key", "session"?}]}`` on stdin; creates
each panel user, connects it with its BigV API key (the panel's own service, which checks the
key against the simulator and stores it encrypted) and, with ``session``, logs it in without
the login form (one password hash per simulated user would dominate a load test's set-up).
Prints ``{"sessions": {username: session_key}}`` as its last line.
"""

from __future__ import annotations

import json
import sys


def main() -> int:
    import django

    django.setup()
    from django.conf import settings
    from django.contrib.auth import get_user_model, login
    from django.contrib.auth.hashers import make_password
    from django.http import HttpRequest
    from django.utils.module_loading import import_string

    from panel.core.actor import Actor
    from panel.credentials.services import credentials_connect_api_key

    spec = json.load(sys.stdin)
    model = get_user_model()
    session_store = import_string(f"{settings.SESSION_ENGINE}.SessionStore")
    unusable = make_password(None)
    sessions: dict[str, str] = {}
    for entry in spec["users"]:
        password = entry.get("password")
        user = model.objects.create(
            username=entry["username"],
            password=make_password(password) if password else unusable,
        )
        credentials_connect_api_key(actor=Actor.system(), user=user, api_key=entry["api_key"])
        if entry.get("session"):
            request = HttpRequest()
            request.META = {"REMOTE_ADDR": "127.0.0.1"}
            request.session = session_store()
            login(request, user, backend="django.contrib.auth.backends.ModelBackend")
            request.session.save()
            sessions[user.username] = str(request.session.session_key)
    print(json.dumps({"sessions": sessions, "cookie": settings.SESSION_COOKIE_NAME}))
    return 0


if __name__ == "__main__":
    sys.exit(main())
