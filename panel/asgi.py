import os

os.environ.setdefault("DJANGO_SETTINGS_MODULE", "panel.settings")
# The web process runs requests on threads it keeps (panel.runtime.page_threads), so a database
# connection kept per thread is bounded by them: keep each for a minute rather than
# connecting anew on every page. (Elsewhere the default stays 0; see settings.)
os.environ.setdefault("DATABASE_CONN_MAX_AGE", "60")

from panel.runtime.asgi_handlers import PanelApplication

application = PanelApplication()

# uvicorn runs no system checks: refuse to serve with BigV URLs that would leak tokens.
from panel.core.checks import enforce_at_startup  # noqa: E402  (needs the apps loaded)

enforce_at_startup()

# Last: what every request uses is loaded, and kept out of the cycle collector's scans.
from panel.core.heap import settle  # noqa: E402

settle()
