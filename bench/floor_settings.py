"""Settings of the bench's floor servers (``bench.floor_urls``): the panel's own, with the
floor's two views in front of its URLs; ``BENCH_FLOOR_BARE=1`` takes every middleware away.

Started by ``Stack.floor_servers`` beside the panel for the pages series' floor only, on the
same database, Redis and secret key, so the bench user's session is valid on both.
"""

import os

from panel.settings import *  # noqa: F403 (the panel's settings, as if written here)

ROOT_URLCONF = "bench.floor_urls"
if os.environ.get("BENCH_FLOOR_BARE") == "1":
    MIDDLEWARE: list[str] = []
