import os

os.environ.setdefault("DJANGO_SETTINGS_MODULE", "panel.settings")

from panel.core.asgi_handlers import build_application

application = build_application()

# uvicorn runs no system checks: refuse to serve with BigV URLs that would leak tokens.
from panel.core.checks import enforce_at_startup  # noqa: E402  (needs the apps loaded)

enforce_at_startup()
