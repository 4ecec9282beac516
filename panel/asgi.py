import os

from django.core.asgi import get_asgi_application

os.environ.setdefault("DJANGO_SETTINGS_MODULE", "panel.settings")
application = get_asgi_application()

# uvicorn runs no system checks: refuse to serve with BigV URLs that would leak tokens.
from panel.core.checks import enforce_at_startup  # noqa: E402  (needs the apps loaded)

enforce_at_startup()
