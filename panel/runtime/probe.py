"""``python -m panel.runtime.probe``: the containers' health check (standard library only).

Asks the local web server for ``/healthz`` (or ``--url`` for another endpoint) and exits 0 on
a 200, 1 otherwise. The request names a host from ``DJANGO_ALLOWED_HOSTS``, as the reverse
proxy's would: the panel rejects Host headers it does not know, a probe's included. It loads
no Django, so a probe costs milliseconds, not a second of imports every interval.
"""

from __future__ import annotations

import argparse
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
    args = parser.parse_args(argv)
    host = os.environ.get("PANEL_PROBE_HOST") or probe_host(
        os.environ.get("DJANGO_ALLOWED_HOSTS", "")
    )
    if not args.url.startswith(("http://", "https://")):
        parser.error("--url must be an http(s) URL")
    request = urllib.request.Request(args.url, headers={"Host": host})  # noqa: S310 (checked)
    try:
        with urllib.request.urlopen(request, timeout=args.timeout) as response:  # noqa: S310
            status = response.status
    except urllib.error.HTTPError as error:
        status = error.code
    except OSError as error:
        print(f"probe: {args.url}: {error}", file=sys.stderr)
        return 1
    print(f"probe: {args.url}: {status}")
    return 0 if status == 200 else 1


if __name__ == "__main__":
    sys.exit(main())
