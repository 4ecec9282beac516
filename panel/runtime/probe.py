"""``python -m panel.runtime.probe``: the containers' health check (standard library only).

Asks the local web server for ``/healthz`` (or ``--url`` for another endpoint) and exits 0 on
a 200, 1 otherwise. ``--tolerate bigv_api`` also passes a 503 in which only BigV fails: the web
container is healthy when it can serve its pages (log-in, the panel's own records) — whether
BigV answers is for monitoring to watch on ``/healthz``, and no restart of the panel would
bring BigV back. The request names a host from ``DJANGO_ALLOWED_HOSTS``, as the reverse
proxy's would: the panel rejects Host headers it does not know, a probe's included. It loads
no Django, so a probe costs milliseconds, not a second of imports every interval.
"""

from __future__ import annotations

import argparse
import json
import os
import sys
import urllib.error
import urllib.request


def probe_host(allowed_hosts: str) -> str:
    """A Host header the panel accepts: the first DJANGO_ALLOWED_HOSTS entry made concrete."""
    first = next((h.strip() for h in allowed_hosts.split(",") if h.strip()), "localhost")
    if first == "*":
        return "localhost"
    if first.startswith("."):  # ".example.com" matches any subdomain
        return f"healthz{first}"
    return first


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--url", default="http://127.0.0.1:8000/healthz")
    parser.add_argument("--timeout", type=float, default=10.0)
    parser.add_argument(
        "--tolerate",
        action="append",
        default=[],
        metavar="CHECK",
        help="a /healthz check (e.g. bigv_api) whose failure alone still counts as healthy",
    )
    args = parser.parse_args(argv)
    host = os.environ.get("PANEL_PROBE_HOST") or probe_host(
        os.environ.get("DJANGO_ALLOWED_HOSTS", "")
    )
    if not args.url.startswith(("http://", "https://")):
        parser.error("--url must be an http(s) URL")
    request = urllib.request.Request(args.url, headers={"Host": host})  # noqa: S310 (checked)
    body = b""
    try:
        with urllib.request.urlopen(request, timeout=args.timeout) as response:  # noqa: S310
            status = response.status
    except urllib.error.HTTPError as error:
        status, body = error.code, error.read()
    except OSError as error:
        print(f"probe: {args.url}: {error}", file=sys.stderr)
        return 1
    failing = failing_checks(body) if status == 503 else set()
    print(f"probe: {args.url}: {status}" + (f" ({', '.join(sorted(failing))})" if failing else ""))
    if status == 200:
        return 0
    return 0 if failing and failing <= set(args.tolerate) else 1


def failing_checks(body: bytes) -> set[str]:
    """The checks a /healthz answer names as failing; empty if it is not such an answer."""
    try:
        checks = json.loads(body)["checks"]
        return {name for name, result in checks.items() if not result["ok"]}
    except (ValueError, KeyError, TypeError, AttributeError):
        return set()


if __name__ == "__main__":
    sys.exit(main())
